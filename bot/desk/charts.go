package desk

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// chartLimit caps the tickets the charts read (a week of a busy city).
const chartLimit = 100000

// spans are the charts' periods, in hours.
var spans = []struct {
	key   string
	hours int
}{{"span_24h", 24}, {"span_7d", 7 * 24}}

// chart is one figure.
type chart struct {
	Title, Total string
	SVG          template.HTML
}

// question is a group of similar unanswered questions.
type question struct {
	Count  int
	Text   string
	Others []string
}

// chartsBody is the charts page's body.
type chartsBody struct {
	Charts           []chart
	Spans            []string
	ToClaim, ToClose []string
	Questions        []question
	// Votes is nil when the desk has no VoteCounter.
	Votes *voteTable
}

// voteTable is the "Did this help?" table; no rows when nobody voted.
type voteTable struct {
	Rows []voteRow
}

// VoteCounter counts the "Did this help?" votes since a time, by item and
// language (tickets.VoteStore's VoteCounts; bot/sqlstore).
type VoteCounter interface {
	VoteCounts(ctx context.Context, since time.Time) ([]tickets.VoteCount, error)
}

// voteRow is one QA item's votes of the last 7 days, all languages.
type voteRow struct {
	Item     string
	Up, Down int
	Share    string // helpful, in per cent of the votes
}

// votes sums the votes of the last 7 days by item, in the items' order.
func (d *Desk) votes(c context.Context, lang string, now time.Time) (*voteTable, error) {
	if d.cfg.Votes == nil {
		return nil, nil
	}
	counts, err := d.cfg.Votes.VoteCounts(c, now.Add(-7*24*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("desk: votes: %w", err)
	}
	var rows []voteRow
	for _, vc := range counts {
		if n := len(rows); n > 0 && rows[n-1].Item == vc.Item {
			rows[n-1].Up += vc.Up
			rows[n-1].Down += vc.Down
			continue
		}
		rows = append(rows, voteRow{Item: vc.Item, Up: vc.Up, Down: vc.Down})
	}
	for i := range rows {
		r := &rows[i]
		if total := r.Up + r.Down; total > 0 {
			r.Share = strconv.Itoa(100*r.Up/total) + " %"
		}
		if d.cfg.ItemTitle != nil {
			if title := d.cfg.ItemTitle(lang, r.Item); title != "" {
				r.Item = title
			}
		}
	}
	return &voteTable{Rows: rows}, nil
}

// charts shows the supervisors' charts: tickets per hour by reason and by
// line over 24 hours and 7 days, the median times to claim and to close,
// and the questions the bot could not answer.
func (d *Desk) charts(ctx *fasthttp.RequestCtx, s *session) {
	lang := s.op.Lang
	now := d.cfg.Now()
	c, cancel := d.ctx()
	defer cancel()
	list, err := d.cfg.Tickets.List(c, tickets.Filter{Since: now.Add(-7 * 24 * time.Hour), Limit: chartLimit})
	if err != nil {
		d.fail(ctx, lang, s, fmt.Errorf("desk: charts: %w", err))
		return
	}
	var b chartsBody
	for _, sp := range spans {
		span := d.words.t(lang, sp.key)
		since := now.Add(-time.Duration(sp.hours) * time.Hour)
		var in []*tickets.Ticket
		for _, t := range list {
			if !t.CreatedAt.Before(since) {
				in = append(in, t)
			}
		}
		total := d.words.t(lang, "charts_total", "n", strconv.Itoa(len(in)))
		b.Charts = append(b.Charts,
			chart{Title: d.words.t(lang, "charts_by_reason", "span", span), Total: total,
				SVG: d.bars(lang, in, now, sp.hours, func(t *tickets.Ticket) string { return d.reasonText(lang, t.Reason) })},
			chart{Title: d.words.t(lang, "charts_by_line", "span", span), Total: total,
				SVG: d.bars(lang, in, now, sp.hours, func(t *tickets.Ticket) string { return d.lineName(lang, t.Line) })})
		b.Spans = append(b.Spans, span)
		b.ToClaim = append(b.ToClaim, d.median(lang, in, func(t *tickets.Ticket) time.Time { return t.ClaimedAt }))
		b.ToClose = append(b.ToClose, d.median(lang, in, func(t *tickets.Ticket) time.Time { return t.ClosedAt }))
	}
	b.Questions = unanswered(list, 20)
	if b.Votes, err = d.votes(c, lang, now); err != nil {
		d.fail(ctx, lang, s, err)
		return
	}
	p := d.newPage(lang, s, "charts_title")
	p.Body = b
	d.render(ctx, fasthttp.StatusOK, "charts", p)
}

// median is the median time from opening to at(t) of the tickets that
// have one, in minutes, with how many.
func (d *Desk) median(lang string, list []*tickets.Ticket, at func(*tickets.Ticket) time.Time) string {
	var ds []time.Duration
	for _, t := range list {
		if a := at(t); !a.IsZero() && !a.Before(t.CreatedAt) {
			ds = append(ds, a.Sub(t.CreatedAt))
		}
	}
	if len(ds) == 0 {
		return d.words.t(lang, "charts_no_data")
	}
	slices.Sort(ds)
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return d.words.t(lang, "charts_minutes", "m", strconv.FormatFloat(m.Minutes(), 'f', 1, 64), "n", strconv.Itoa(len(ds)))
}

// palette tells the series apart, dark enough for white gaps between bars.
var palette = []string{"#0b5cad", "#d97706", "#15803d", "#b91c1c", "#7c3aed", "#0e7490", "#a16207", "#6b7280"}

// maxSeries is how many series a chart draws; the rest are summed in the
// last colour.
const maxSeries = 7

// bars draws tickets per hour over the last hours, stacked by key, as an
// SVG (no script, no external file).
func (d *Desk) bars(lang string, list []*tickets.Ticket, now time.Time, hours int, key func(*tickets.Ticket) string) template.HTML {
	const width, height, left, bottom, top = 900, 180, 36, 22, 8
	totals := map[string]int{}
	for _, t := range list {
		totals[key(t)]++
	}
	names := make([]string, 0, len(totals))
	for k := range totals {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if totals[names[i]] != totals[names[j]] {
			return totals[names[i]] > totals[names[j]]
		}
		return names[i] < names[j]
	})
	series := map[string]int{}
	for i, n := range names {
		series[n] = min(i, maxSeries)
	}
	counts := make([][]int, hours) // [hour][series]
	for i := range counts {
		counts[i] = make([]int, maxSeries+1)
	}
	peak := 1
	for _, t := range list {
		h := hours - 1 - int(now.Sub(t.CreatedAt)/time.Hour)
		if h < 0 || h >= hours {
			continue
		}
		counts[h][series[key(t)]]++
	}
	for _, c := range counts {
		sum := 0
		for _, n := range c {
			sum += n
		}
		peak = max(peak, sum)
	}
	plotW, plotH := float64(width-left-4), float64(height-top-bottom)
	barW := plotW / float64(hours)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" font-family="system-ui, sans-serif" font-size="11">`, width, height, width, height)
	fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#8c959f"/>`, left, height-bottom, width-4, height-bottom)
	fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end">%d</text><text x="%d" y="%d" text-anchor="end">0</text>`, left-4, top+10, peak, left-4, height-bottom)
	for h, c := range counts {
		y := float64(height - bottom)
		for s, n := range c {
			if n == 0 {
				continue
			}
			bh := plotH * float64(n) / float64(peak)
			y -= bh
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%d</title></rect>`,
				float64(left)+float64(h)*barW, y, max(barW-1, 0.5), bh, palette[s], n)
		}
	}
	step := 6
	if hours > 24 {
		step = 24
	}
	for ago := hours; ago >= 0; ago -= step {
		x := float64(left) + float64(hours-ago)*barW
		label := d.words.t(lang, "charts_hours_ago", "h", strconv.Itoa(ago))
		if ago == 0 {
			label = d.words.t(lang, "charts_now")
		}
		anchor := "middle"
		if ago == hours {
			anchor = "start"
		} else if ago == 0 {
			anchor = "end"
		}
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" text-anchor="%s">%s</text>`, x, height-6, anchor, html.EscapeString(label))
	}
	sb.WriteString(`</svg>`)
	// The legend: HTML under the picture, so long names wrap.
	sb.WriteString(`<ul class="legend">`)
	for i, n := range names {
		if i > maxSeries {
			break
		}
		label := n
		if i == maxSeries && len(names) > maxSeries+1 {
			label = "…"
		}
		fmt.Fprintf(&sb, `<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="%s"/></svg> %s (%d)</li>`,
			palette[i], html.EscapeString(label), totals[n])
	}
	sb.WriteString(`</ul>`)
	return template.HTML(sb.String()) // built from escaped text and numbers only
}

// unanswered groups what people said in tickets opened because nothing
// matched (dialogs.ReasonNoMatch): masked again for safety, grouped when
// their character pairs overlap by half or more, largest groups first.
func unanswered(list []*tickets.Ticket, most int) []question {
	type group struct {
		q     question
		pairs map[string]bool
	}
	var groups []*group
	for _, t := range list {
		if t.Reason != dialogs.ReasonNoMatch {
			continue
		}
		for _, turn := range t.Turns {
			text := strings.TrimSpace(dialogs.Redact(turn.Text))
			if turn.From != "person" || text == "" || strings.HasPrefix(text, "[") {
				continue // a button's payload, not a question
			}
			p := pairs(text)
			var best *group
			bestScore := 0.5
			for _, g := range groups {
				if s := overlap(p, g.pairs); s >= bestScore {
					best, bestScore = g, s
				}
			}
			if best == nil {
				groups = append(groups, &group{q: question{Count: 1, Text: text}, pairs: p})
				continue
			}
			best.q.Count++
			if len(best.q.Others) < 3 && text != best.q.Text && !slices.Contains(best.q.Others, text) {
				best.q.Others = append(best.q.Others, text)
			}
		}
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].q.Count > groups[j].q.Count })
	var out []question
	for i, g := range groups {
		if i == most {
			break
		}
		out = append(out, g.q)
	}
	return out
}

// pairs is the set of adjacent letter pairs of s, folded: the
// similarity of short texts in any script.
func pairs(s string) map[string]bool {
	var rs []rune
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '*' {
			rs = append(rs, r)
		}
	}
	out := map[string]bool{}
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])] = true
	}
	if len(rs) == 1 {
		out[string(rs)] = true
	}
	return out
}

// overlap is the Jaccard index of two pair sets.
func overlap(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}
