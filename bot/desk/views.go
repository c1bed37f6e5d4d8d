package desk

import (
	"strings"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// ticketView is a ticket as the templates show it: every value already in
// the operator's language.
type ticketView struct {
	Ref, StatusCode, Status, Line, County, ReasonText, MaskedID, Channel, Lang string
	Created, CreatedISO, Claimed, ClaimedBy, Closed, Updated                   string
}

// row is one queue line: the words and the ticket.
type row struct {
	L tr
	T ticketView
}

// view turns a ticket into what a template shows, in lang.
func (d *Desk) view(lang string, t *tickets.Ticket) ticketView {
	return ticketView{
		Ref: t.Ref, StatusCode: string(t.Status), Status: d.wordOr(lang, "status_"+string(t.Status), string(t.Status)),
		Line: d.lineName(lang, t.Line), County: d.dash(lang, d.countyName(lang, t.County)), ReasonText: d.reasonText(lang, t.Reason),
		MaskedID: d.dash(lang, t.MaskedID), Channel: d.wordOr(lang, "channel_"+t.Channel, t.Channel),
		Lang: d.langName(lang, t.Lang), Created: d.when(lang, t.CreatedAt), CreatedISO: t.CreatedAt.UTC().Format(time.RFC3339),
		Claimed: d.when(lang, t.ClaimedAt), ClaimedBy: t.ClaimedBy, Closed: d.when(lang, t.ClosedAt), Updated: d.when(lang, t.UpdatedAt),
	}
}

func (d *Desk) rows(lang string, list []*tickets.Ticket) []row {
	out := make([]row, 0, len(list))
	for _, t := range list {
		out = append(out, row{L: tr{d.words, lang}, T: d.view(lang, t)})
	}
	return out
}

// wordOr is the word of key, or fallback when the words have none (a
// value from data the desk has no word for, such as a new channel).
func (d *Desk) wordOr(lang, key, fallback string) string {
	if d.words.has(key) {
		return d.words.t(lang, key)
	}
	return fallback
}

// langName is a ticket language's name: lang_zh_tw for zh-TW.
func (d *Desk) langName(lang, code string) string {
	return d.wordOr(lang, "lang_"+strings.ToLower(strings.ReplaceAll(code, "-", "_")), code)
}

func (d *Desk) lineName(lang, line string) string {
	if d.cfg.LineName != nil {
		if n := d.cfg.LineName(lang, line); n != "" {
			return n
		}
	}
	return line
}

func (d *Desk) countyName(lang, code string) string {
	if d.cfg.CountyName != nil && code != "" {
		if n := d.cfg.CountyName(lang, code); n != "" {
			return n
		}
	}
	return code
}

func (d *Desk) reasonText(lang, reason string) string {
	if d.cfg.ReasonText != nil {
		if s := d.cfg.ReasonText(lang, reason); s != "" {
			return s
		}
	}
	return reason
}

func (d *Desk) dash(lang, s string) string {
	if s == "" {
		return d.words.t(lang, "ticket_none")
	}
	return s
}

// when formats a time where the desk is; a dash for none.
func (d *Desk) when(lang string, t time.Time) string {
	if t.IsZero() {
		return d.words.t(lang, "ticket_none")
	}
	return t.In(d.cfg.Location).Format("2006-01-02 15:04")
}
