package desk

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/bot/desk/staff"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/verify"
)

// outcomes are what a ticket may be closed with.
var outcomes = []string{"resolved", "referred", "no_answer"}

// maxNote is the longest note kept, in characters.
const maxNote = 2000

// ticketBody is the ticket page's body.
type ticketBody struct {
	T                          ticketView
	Turns                      []turnView
	Notes                      []noteView
	Callback                   *callbackView
	Phone, RevealedAt          string
	Unopenable                 bool
	Open, CanClaim, CanRelease bool
	Outcomes                   []option
}

type turnView struct{ From, Who, At, Text string }

type noteView struct{ At, Operator, Text string }

type callbackView struct{ Masked, When string }

// ticket serves /desk/t/{ref} (GET) and /desk/t/{ref}/{action} (POST).
func (d *Desk) ticket(ctx *fasthttp.RequestCtx, s *session, rest string) {
	ref, action, _ := strings.Cut(rest, "/")
	ref = tickets.NormalizeRef(ref)
	if action == "" {
		d.onlyGet(ctx, s, func(ctx *fasthttp.RequestCtx, s *session) {
			d.showTicket(ctx, s, ref, show{done: string(ctx.QueryArgs().Peek("done"))})
		})
		return
	}
	handlers := map[string]func(*fasthttp.RequestCtx, *session, string){
		"claim": d.claim, "release": d.release, "note": d.note, "close": d.closeTicket, "reveal": d.reveal,
	}
	h, ok := handlers[action]
	if !ok {
		d.fail(ctx, s.op.Lang, s, errNoPage)
		return
	}
	d.onlyPost(ctx, s, func(ctx *fasthttp.RequestCtx, s *session) { h(ctx, s, ref) })
}

// show is what a ticket page says besides the ticket.
type show struct {
	// done names the action just done (a flash).
	done string
	// errKey is a form's error, answered with status.
	errKey string
	status int
	// phone is a number revealed by this request (POST …/reveal), never
	// stored or logged; unopenable says it would not open.
	phone      string
	unopenable bool
}

// showTicket renders a ticket.
func (d *Desk) showTicket(ctx *fasthttp.RequestCtx, s *session, ref string, o show) {
	lang := s.op.Lang
	c, cancel := d.ctx()
	defer cancel()
	t, err := d.cfg.Tickets.Get(c, ref)
	if err != nil {
		d.fail(ctx, lang, s, err)
		return
	}
	notes, err := d.cfg.Staff.Notes(c, ref)
	if err != nil {
		d.fail(ctx, lang, s, err)
		return
	}
	b := ticketBody{T: d.view(lang, t), Open: t.Status != tickets.StatusClosed, CanClaim: t.Status == tickets.StatusOpen,
		CanRelease: t.Status == tickets.StatusClaimed && (t.ClaimedBy == s.op.Name || s.op.Role == staff.RoleSupervisor)}
	for _, turn := range t.Turns {
		b.Turns = append(b.Turns, turnView{From: turn.From, Who: d.wordOr(lang, "from_"+turn.From, turn.From), At: d.when(lang, turn.At), Text: turn.Text})
	}
	for _, n := range notes {
		text := n.Text
		if n.Kind == staff.KindOutcome {
			text = d.words.t(lang, "outcome_label") + ": " + d.wordOr(lang, "outcome_"+n.Text, n.Text)
		}
		b.Notes = append(b.Notes, noteView{At: d.when(lang, n.At), Operator: n.Operator, Text: text})
	}
	if t.Callback != nil {
		b.Callback = &callbackView{Masked: t.Callback.Masked, When: d.wordOr(lang, "when_"+t.Callback.When, t.Callback.When)}
	}
	if o.phone != "" || o.unopenable {
		b.Phone, b.Unopenable, b.RevealedAt = o.phone, o.unopenable, d.when(lang, d.cfg.Now())
	}
	for _, o := range outcomes {
		b.Outcomes = append(b.Outcomes, option{Value: o, Label: d.words.t(lang, "outcome_"+o)})
	}
	p := d.newPage(lang, s, "ticket_title")
	p.Title = d.words.t(lang, "ticket_title", "ref", t.Ref)
	if key := "done_" + o.done; o.done != "" && d.words.has(key) {
		p.Flash = d.words.t(lang, key)
	}
	status := fasthttp.StatusOK
	if o.errKey != "" {
		p.Error, status = d.words.t(lang, o.errKey), o.status
	}
	if o.phone != "" {
		// The number is in this response only: no cache, no referrer.
		ctx.Response.Header.Set("Pragma", "no-cache")
	}
	p.Body = b
	d.render(ctx, status, "ticket", p)
}

// after answers a successful action: back to the ticket, saying what was
// done (Post/Redirect/Get, so a reload does not repeat it).
func after(ctx *fasthttp.RequestCtx, ref, done string) {
	redirect(ctx, "/desk/t/"+ref+"?done="+done)
}

func (d *Desk) claim(ctx *fasthttp.RequestCtx, s *session, ref string) {
	c, cancel := d.ctx()
	defer cancel()
	if _, err := d.cfg.Tickets.Claim(c, ref, s.op.Name, d.cfg.Now()); err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	d.cfg.Logger.Info("desk: ticket claimed", "ref", ref, "operator", s.op.Name)
	after(ctx, ref, "claim")
}

func (d *Desk) release(ctx *fasthttp.RequestCtx, s *session, ref string) {
	c, cancel := d.ctx()
	defer cancel()
	if _, ok := d.mine(ctx, c, s, ref); !ok {
		return
	}
	if _, err := d.cfg.Tickets.Release(c, ref, d.cfg.Now()); err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	d.cfg.Logger.Info("desk: ticket released", "ref", ref, "operator", s.op.Name)
	after(ctx, ref, "release")
}

func (d *Desk) note(ctx *fasthttp.RequestCtx, s *session, ref string) {
	// Numbers an operator types (a phone, an ID) are masked before the
	// note is kept: the ticket database holds no full numbers.
	text := strings.TrimSpace(dialogs.Redact(string(ctx.PostArgs().Peek("text"))))
	if text == "" {
		d.formError(ctx, s, ref, "err_note_empty")
		return
	}
	if utf8.RuneCountInString(text) > maxNote {
		text = string([]rune(text)[:maxNote])
	}
	c, cancel := d.ctx()
	defer cancel()
	t, err := d.cfg.Tickets.Get(c, ref)
	if err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	if t.Status == tickets.StatusClosed {
		d.fail(ctx, s.op.Lang, s, tickets.ErrState)
		return
	}
	if err := d.cfg.Staff.AddNote(c, staff.Note{Ref: ref, At: d.cfg.Now(), Operator: s.op.Name, Kind: staff.KindNote, Text: text}); err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	after(ctx, ref, "note")
}

func (d *Desk) closeTicket(ctx *fasthttp.RequestCtx, s *session, ref string) {
	outcome := string(ctx.PostArgs().Peek("outcome"))
	if !containsString(outcomes, outcome) {
		d.formError(ctx, s, ref, "err_outcome")
		return
	}
	c, cancel := d.ctx()
	defer cancel()
	if _, ok := d.mine(ctx, c, s, ref); !ok {
		return
	}
	now := d.cfg.Now()
	// Finish erases the call-back number with the close.
	if _, err := d.cfg.Tickets.Finish(c, ref, now); err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	if err := d.cfg.Staff.AddNote(c, staff.Note{Ref: ref, At: now, Operator: s.op.Name, Kind: staff.KindOutcome, Text: outcome}); err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	d.cfg.Logger.Info("desk: ticket closed", "ref", ref, "operator", s.op.Name, "outcome", outcome)
	after(ctx, ref, "close")
}

// reveal opens the call-back number, writes the audit row, and shows the
// number in this one response (not cached, not logged).
func (d *Desk) reveal(ctx *fasthttp.RequestCtx, s *session, ref string) {
	c, cancel := d.ctx()
	defer cancel()
	t, err := d.cfg.Tickets.Get(c, ref)
	if err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	if t.Callback == nil || t.Callback.Sealed == "" || d.cfg.Sealer == nil {
		// Erased (closed, or past retention) or never left: nothing to show.
		d.showTicket(ctx, s, ref, show{})
		return
	}
	phone, err := d.cfg.Sealer.OpenWith(t.Callback.Sealed, t.Ref, t.Callback.KeyID)
	if err != nil {
		d.cfg.Logger.Warn("desk: call-back number does not open", "ref", ref, "err", err)
		d.showTicket(ctx, s, ref, show{unopenable: true})
		return
	}
	// The audit row first: no row, no number.
	if err := d.cfg.Staff.AddReveal(c, staff.Reveal{At: d.cfg.Now(), Operator: s.op.Name, Ref: ref}); err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	d.cfg.Logger.Info("desk: call-back number revealed", "ref", ref, "operator", s.op.Name)
	d.showTicket(ctx, s, ref, show{phone: phone})
}

// mine gets a ticket that s may change: open, or claimed by s's
// operator, or any when s is a supervisor's; otherwise it answers (not
// found, not yours) and reports false.
func (d *Desk) mine(ctx *fasthttp.RequestCtx, c context.Context, s *session, ref string) (*tickets.Ticket, bool) {
	t, err := d.cfg.Tickets.Get(c, ref)
	if err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return nil, false
	}
	if t.Status == tickets.StatusClaimed && t.ClaimedBy != s.op.Name && s.op.Role != staff.RoleSupervisor {
		d.fail(ctx, s.op.Lang, s, errNotYours)
		return nil, false
	}
	return t, true
}

// formError shows the ticket again with a sentence about the form.
func (d *Desk) formError(ctx *fasthttp.RequestCtx, s *session, ref, key string) {
	d.showTicket(ctx, s, ref, show{errKey: key, status: fasthttp.StatusBadRequest})
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// refShape is a reference as an operator may type it.
var refShape = regexp.MustCompile(`^[A-Za-z0-9]{3}[- ]?[A-Za-z0-9]{3}$`)

// findBody is the find page's body.
type findBody struct {
	L        tr
	Searched bool
	Rows     []row
}

// find looks a ticket up by reference, or an ID number's tickets by its
// keyed hashes (the number itself is neither kept nor logged, and the
// form is POSTed so that it never lands in a URL).
func (d *Desk) find(ctx *fasthttp.RequestCtx, s *session) {
	lang := s.op.Lang
	p := d.newPage(lang, s, "find_title")
	body := findBody{L: tr{d.words, lang}}
	p.Body = &body
	if ctx.IsGet() {
		d.render(ctx, fasthttp.StatusOK, "find", p)
		return
	}
	q := strings.TrimSpace(string(ctx.PostArgs().Peek("q")))
	c, cancel := d.ctx()
	defer cancel()
	if refShape.MatchString(q) {
		ref := tickets.NormalizeRef(q)
		if _, err := d.cfg.Tickets.Get(c, ref); err == nil {
			redirect(ctx, "/desk/t/"+ref)
			return
		} else if !errors.Is(err, tickets.ErrNotFound) {
			d.fail(ctx, lang, s, err)
			return
		}
		body.Searched = true
		d.render(ctx, fasthttp.StatusOK, "find", p)
		return
	}
	id, err := verify.ParseID(q)
	if err != nil {
		var ie *verify.IDError
		hint := ""
		if errors.As(err, &ie) {
			hint = ie.Hint(lang)
		}
		p.Error = d.words.t(lang, "err_bad_id", "hint", hint)
		d.render(ctx, fasthttp.StatusBadRequest, "find", p)
		return
	}
	list, err := d.cfg.Tickets.List(c, tickets.Filter{IDHashes: d.cfg.Hasher.Hashes(id.Number())})
	if err != nil {
		d.fail(ctx, lang, s, fmt.Errorf("desk: find: %w", err))
		return
	}
	body.Searched, body.Rows = true, d.rows(lang, list)
	d.render(ctx, fasthttp.StatusOK, "find", p)
}

// auditBody is the audit page's body.
type auditBody struct{ Rows []auditRow }

type auditRow struct{ At, Operator, Ref string }

// audit shows who revealed which call-back number (supervisors only).
func (d *Desk) audit(ctx *fasthttp.RequestCtx, s *session) {
	c, cancel := d.ctx()
	defer cancel()
	list, err := d.cfg.Staff.Reveals(c, 500)
	if err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	var b auditBody
	for _, r := range list {
		b.Rows = append(b.Rows, auditRow{At: d.when(s.op.Lang, r.At), Operator: r.Operator, Ref: r.Ref})
	}
	p := d.newPage(s.op.Lang, s, "audit_title")
	p.Body = b
	d.render(ctx, fasthttp.StatusOK, "audit", p)
}
