package desk

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// queueLimit caps each status's tickets on the queue page.
const queueLimit = 500

// ages are the queue's age filter: the value and its word.
var ages = []struct {
	value string
	d     time.Duration
}{{"1h", time.Hour}, {"4h", 4 * time.Hour}, {"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}}

// queueFilter is what the queue page and its live stream show.
type queueFilter struct {
	Line, Reason, Channel, Lang string
	Age                         time.Duration
	age                         string
}

func parseQueueFilter(args *fasthttp.Args) queueFilter {
	f := queueFilter{Line: string(args.Peek("line")), Reason: string(args.Peek("reason")),
		Channel: string(args.Peek("channel")), Lang: string(args.Peek("lang"))}
	for _, a := range ages {
		if a.value == string(args.Peek("age")) {
			f.Age, f.age = a.d, a.value
		}
	}
	return f
}

func (f queueFilter) match(t *tickets.Ticket, now time.Time) bool {
	return (f.Line == "" || t.Line == f.Line) && (f.Reason == "" || t.Reason == f.Reason) &&
		(f.Channel == "" || t.Channel == f.Channel) && (f.Lang == "" || t.Lang == f.Lang) &&
		(f.Age == 0 || now.Sub(t.CreatedAt) <= f.Age)
}

// query is the filter as URL query parameters.
func (f queueFilter) query() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"line": f.Line, "reason": f.Reason, "channel": f.Channel, "lang": f.Lang, "age": f.age} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// option is one choice of a filter's select.
type option struct {
	Value, Label string
	Selected     bool
}

// lineCount is one line's waiting tickets.
type lineCount struct {
	ID, Name string
	N        int
}

// queueBody is the queue page's body.
type queueBody struct {
	L                                     tr
	Counts                                []lineCount
	Lines, Reasons, Channels, Langs, Ages []option
	Rows                                  []row
	EventsURL                             string
}

// openTickets returns the open and claimed tickets, newest first.
func (d *Desk) openTickets(s *session) ([]*tickets.Ticket, error) {
	c, cancel := d.ctx()
	defer cancel()
	var all []*tickets.Ticket
	for _, st := range []tickets.Status{tickets.StatusOpen, tickets.StatusClaimed} {
		list, err := d.cfg.Tickets.List(c, tickets.Filter{Status: st, Limit: queueLimit})
		if err != nil {
			return nil, fmt.Errorf("desk: queue: %w", err)
		}
		all = append(all, list...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].CreatedAt.After(all[j].CreatedAt) })
	return all, nil
}

// queue shows the open and claimed tickets, filtered, with counts per line.
func (d *Desk) queue(ctx *fasthttp.RequestCtx, s *session) {
	lang := s.op.Lang
	f := parseQueueFilter(ctx.QueryArgs())
	now := d.cfg.Now()
	all, err := d.openTickets(s)
	if err != nil {
		d.fail(ctx, lang, s, err)
		return
	}
	body := queueBody{L: tr{d.words, lang}}
	counts := map[string]int{}
	seen := map[string]map[string]string{"line": {}, "reason": {}, "channel": {}, "lang": {}}
	var shown []*tickets.Ticket
	for _, t := range all {
		if t.Status == tickets.StatusOpen {
			counts[t.Line]++
		}
		seen["line"][t.Line] = d.lineName(lang, t.Line)
		seen["reason"][t.Reason] = d.reasonText(lang, t.Reason)
		seen["channel"][t.Channel] = d.wordOr(lang, "channel_"+t.Channel, t.Channel)
		seen["lang"][t.Lang] = d.langName(lang, t.Lang)
		if f.match(t, now) {
			shown = append(shown, t)
		}
	}
	for id, n := range counts {
		body.Counts = append(body.Counts, lineCount{ID: id, Name: d.lineName(lang, id), N: n})
	}
	sort.Slice(body.Counts, func(i, j int) bool {
		if body.Counts[i].N != body.Counts[j].N {
			return body.Counts[i].N > body.Counts[j].N
		}
		return body.Counts[i].ID < body.Counts[j].ID
	})
	// A chosen value stays a choice even when no ticket has it now.
	for k, v := range map[string]string{"line": f.Line, "reason": f.Reason, "channel": f.Channel, "lang": f.Lang} {
		if _, ok := seen[k][v]; v != "" && !ok {
			seen[k][v] = v
		}
	}
	body.Lines = options(seen["line"], f.Line)
	body.Reasons = options(seen["reason"], f.Reason)
	body.Channels = options(seen["channel"], f.Channel)
	body.Langs = options(seen["lang"], f.Lang)
	for _, a := range ages {
		body.Ages = append(body.Ages, option{Value: a.value, Label: d.words.t(lang, "age_"+a.value), Selected: a.value == f.age})
	}
	body.Rows = d.rows(lang, shown)
	q := f.query()
	// The stream starts a little before this list was read; the page
	// drops rows it already shows.
	q.Set("since", fmt.Sprint(now.Add(-time.Second).UnixMicro()))
	body.EventsURL = "/desk/events?" + q.Encode()
	p := d.newPage(lang, s, "queue_title")
	if done := string(ctx.QueryArgs().Peek("done")); done == "password" || done == "close" {
		p.Flash = d.words.t(lang, map[string]string{"password": "password_saved", "close": "done_close"}[done])
	}
	p.Body = body
	d.render(ctx, fasthttp.StatusOK, "queue", p)
}

// options lists the values of a filter, sorted by label.
func options(values map[string]string, selected string) []option {
	var out []option
	for v, label := range values {
		out = append(out, option{Value: v, Label: label, Selected: v == selected})
	}
	slices.SortFunc(out, func(a, b option) int {
		if a.Label < b.Label {
			return -1
		}
		if a.Label > b.Label {
			return 1
		}
		return 0
	})
	return out
}
