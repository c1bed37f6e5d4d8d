package dialogs

// The number check: the ID, its confirmation, the card number, the
// registry lookup and the diagnosis explained with the QA's rules.

import (
	"errors"
	"strconv"
	"time"

	"github.com/vaxbot/vaxbot/verify"
)

// verifyPayload handles the number check's choices.
func (t *turn) verifyPayload(arg VerifyStep) {
	switch arg {
	case VerifyStart:
		t.leaveForm()
		t.s.Node = NodeVerifyID
		t.prompt()
	case VerifyCancel:
		t.leaveForm()
		t.menu("menu")
	case VerifyYes, VerifyNo:
		if t.s.Node != NodeVerifyConfirm || t.s.ID == "" {
			t.stale()
			return
		}
		if arg == VerifyYes {
			t.s.Node = NodeVerifyCard
			t.s.MaskedID, t.s.IDHash = verify.Mask(t.s.ID), ""
			if t.e.cfg.Hasher != nil {
				t.s.IDHash = t.e.cfg.Hasher.Hash(t.s.ID)
			}
		} else {
			t.s.ID, t.s.Node = "", NodeVerifyID
		}
		t.prompt()
	case VerifyNoCard:
		// Without a card there is nothing to check (QA item 4): the local
		// government registers such people.
		t.s.wipeNumbers()
		t.s.Node = NodeMenu
		t.handoff(LineCounty, ReasonNoCard)
	default:
		t.stale()
	}
}

// sessionID returns the ID the session holds. It only ever holds a number
// that parsed; if not, the form starts over and ok is false.
func (t *turn) sessionID() (verify.ID, bool) {
	id, err := verify.ParseID(t.s.ID)
	if err != nil {
		t.s.wipeNumbers()
		t.s.Node = NodeVerifyID
		t.prompt()
		return verify.ID{}, false
	}
	return id, true
}

func (t *turn) confirmPrompt() {
	id, ok := t.sessionID()
	if !ok {
		return
	}
	t.say(Reply{
		Text:   t.w("verify_confirm", "kind", t.w("kind_"+string(id.Kind())), "masked", id.Masked()),
		Speech: t.w("verify_confirm_spoken", "kind", t.w("kind_"+string(id.Kind()))),
		Choices: []Choice{
			{Label: t.w("choice_yes"), Payload: PayloadVerify(VerifyYes)},
			{Label: t.w("choice_reenter"), Payload: PayloadVerify(VerifyNo)},
			t.cancelChoice(),
		},
	})
}

type hinter interface{ Hint(lang string) string }

// invalid answers an entry that failed validation.
func (t *turn) invalid(err error) {
	t.s.Invalid++
	if t.s.Invalid >= MaxInvalid {
		t.s.wipeNumbers()
		t.s.Node = NodeMenu
		t.e.cfg.Logger.Info("number check ended", "reason", ReasonInvalid)
		t.say(Reply{Text: t.w("too_many_invalid", "max", strconv.Itoa(MaxInvalid))})
		t.handoff(Line1922, ReasonInvalid)
		return
	}
	hint := ""
	var h hinter
	if errors.As(err, &h) {
		hint = h.Hint(string(t.s.Lang))
	}
	t.say(Reply{
		Text:    t.w("invalid_entry", "hint", hint, "count", strconv.Itoa(t.s.Invalid), "max", strconv.Itoa(MaxInvalid)),
		Choices: t.currentChoices(),
	})
}

// currentChoices are the choices of the current form step.
func (t *turn) currentChoices() []Choice {
	if t.s.Node == NodeVerifyCard {
		return []Choice{{Label: t.w("choice_no_card"), Payload: PayloadVerify(VerifyNoCard)}, t.cancelChoice()}
	}
	return []Choice{t.cancelChoice()}
}

func (t *turn) idEntered(text string) {
	id, err := verify.ParseID(text)
	if err != nil {
		t.invalid(err)
		return
	}
	t.s.ID, t.s.Invalid, t.s.Node = id.Number(), 0, NodeVerifyConfirm
	t.confirmPrompt()
}

func (t *turn) cardEntered(text string) {
	card, err := verify.ParseCardNumber(text)
	if err != nil {
		t.invalid(err)
		return
	}
	id, ok := t.sessionID()
	if !ok {
		return
	}
	// Whatever happens next, the numbers leave the session now.
	t.s.wipeNumbers()
	t.s.Node = NodeMenu
	allowed, err := t.e.cfg.Limiter.Allow(t.ctx, "lookup:"+t.s.Person)
	if err != nil {
		t.e.cfg.Logger.Warn("lookup limiter failed", "err", err)
		allowed = true
	}
	if !allowed {
		t.e.cfg.Logger.Info("number check refused", "reason", ReasonRateLimited)
		t.say(Reply{Text: t.w("rate_limited", "max", strconv.Itoa(t.e.cfg.LookupLimit))})
		t.handoff(Line1922, ReasonRateLimited)
		return
	}
	if !t.e.cfg.Channels.Allow(t.ctx, channelOf(t.s.Person)) {
		t.e.cfg.Logger.Warn("number check refused", "reason", "channel_busy")
		t.say(Reply{Text: t.w("channel_busy"), Choices: []Choice{
			{Label: t.w("choice_check_again"), Payload: PayloadVerify(VerifyStart)}, t.menuChoice(),
		}})
		return
	}
	failKey := "idfail:" + t.e.cfg.Hasher.Hash(id.Number())
	if n, err := t.e.cfg.Failures.Count(t.ctx, failKey); err == nil && n >= t.e.cfg.MaxFailures {
		t.e.cfg.Logger.Info("number check refused", "reason", ReasonIDFailures)
		t.say(Reply{Text: t.w("id_paused")})
		t.handoff(Line1922, ReasonIDFailures)
		return
	}
	records, err := t.e.cfg.Registry.Lookup(t.ctx, id.Number(), card.Number())
	if err != nil {
		t.e.cfg.Logger.Warn("registry lookup failed", "err", err)
		t.e.cfg.Observe("turn_failure", CauseRegistry)
		t.say(Reply{Text: t.w("registry_unavailable")})
		t.handoff(Line1922, ReasonUnavailable)
		return
	}
	d := verify.Diagnose(id, card, records, t.now)
	if d.Outcome == verify.Mismatch {
		if err := t.e.cfg.Failures.Add(t.ctx, failKey); err != nil {
			t.e.cfg.Logger.Warn("failure counter failed", "err", err)
		}
	}
	t.e.cfg.Logger.Debug("number check", "outcome", string(d.Outcome))
	t.e.cfg.Observe("outcome", string(d.Outcome))
	t.outcome(d)
}

// outcome explains a diagnosis and offers what comes next.
func (t *turn) outcome(d verify.Diagnosis) {
	outcome := string(d.Outcome)
	cleared := "\n\n" + t.w("numbers_cleared")
	var choices []Choice
	if it, ok := t.e.cfg.Topics.Item(d.Item); ok {
		choices = append(choices, Choice{Label: t.w("choice_read_qa", "title", it.Title(t.s.Lang)), Payload: PayloadFAQ(it.ID)})
	}
	switch outcome {
	case "mismatch":
		t.s.Mismatches++
		if t.s.Mismatches >= 2 {
			t.s.Mismatches = 0
			t.say(Reply{Text: t.w("outcome_mismatch") + "\n\n" + t.w("mismatch_again") + cleared})
			t.handoff(Line1922, ReasonMismatch)
			return
		}
		choices = append(choices, Choice{Label: t.w("choice_check_again"), Payload: PayloadVerify(VerifyStart)})
		t.say(Reply{Text: t.w("outcome_mismatch") + cleared, Choices: append(choices, t.menuChoice())})
		return
	case "duplicate_id":
		t.s.Mismatches = 0
		t.say(Reply{Text: t.w("outcome_duplicate_id") + cleared, Choices: choices})
		t.handoff(Line1922, outcome)
		return
	case "card_too_new":
		t.s.Mismatches = 0
		t.say(Reply{Text: t.w("outcome_card_too_new", "retry_at", t.clock(d.RetryAfter)) + cleared,
			Choices: append(choices, t.menuChoice())})
		return
	default:
		t.s.Mismatches = 0
		choices = append(choices, Choice{Label: t.w("choice_check_again"), Payload: PayloadVerify(VerifyStart)})
	}
	t.say(Reply{Text: t.w("outcome_"+outcome) + cleared, Choices: append(choices, t.menuChoice())})
}

// clock formats a time as Taiwan wall-clock time, with the date when it is
// not today.
func (t *turn) clock(at time.Time) string {
	local := at.In(t.e.taipei)
	if y, m, d := local.Date(); y == t.now.In(t.e.taipei).Year() && m == t.now.In(t.e.taipei).Month() && d == t.now.In(t.e.taipei).Day() {
		return local.Format("15:04")
	}
	return local.Format("2006-01-02 15:04")
}
