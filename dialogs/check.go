package dialogs

// The number check: the ID, its confirmation, the card number, the
// registry lookup and the diagnosis explained with the QA's rules.

import (
	"errors"
	"strconv"
	"time"

	"github.com/vaxbot/vaxbot/verify"
	"golang.org/x/text/unicode/norm"
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
		t.menu(wMenu)
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
			if card := t.s.Card; card != "" {
				// The card came with the ID: check both now.
				t.cardEntered(card)
				return
			}
		} else {
			t.s.ID, t.s.Node = "", NodeVerifyID
		}
		t.prompt()
	case VerifyReplaced:
		// QA item 7's last step: the card was replaced and it still fails.
		t.leaveForm()
		t.handoff(Line1922, string(verify.DuplicateID))
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
	text := t.w(wVerifyConfirm, "kind", t.w(kindWords[id.Kind()]), "masked", id.Masked())
	if c, err := verify.ParseCardNumber(t.s.Card); err == nil {
		text += "\n" + t.w(wVerifyCardKept, "masked", c.Masked())
	}
	t.say(Reply{
		Text:   text,
		Speech: t.w(wVerifyConfirmSpoken, "kind", t.w(kindWords[id.Kind()])),
		Choices: []Choice{
			{Label: t.w(wChoiceYes), Payload: PayloadVerify(VerifyYes)},
			{Label: t.w(wChoiceReenter), Payload: PayloadVerify(VerifyNo)},
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
		t.say(Reply{Text: t.w(wTooManyInvalid, "max", strconv.Itoa(MaxInvalid))})
		t.handoff(Line1922, ReasonInvalid)
		return
	}
	hint := ""
	var h hinter
	if errors.As(err, &h) {
		hint = h.Hint(string(t.s.Lang))
	}
	t.say(Reply{
		Text:    t.w(wInvalidEntry, "hint", hint, "count", strconv.Itoa(t.s.Invalid), "max", strconv.Itoa(MaxInvalid)),
		Choices: t.currentChoices(),
	})
}

// currentChoices are the choices of the current form step.
func (t *turn) currentChoices() []Choice {
	if t.s.Node == NodeVerifyCard {
		return []Choice{{Label: t.w(wChoiceNoCard), Payload: PayloadVerify(VerifyNoCard)}, t.cancelChoice()}
	}
	return []Choice{t.cancelChoice()}
}

func (t *turn) idEntered(text string) {
	idText, card := splitCard(text)
	id, err := verify.ParseID(idText)
	if err != nil {
		t.invalid(err)
		return
	}
	t.s.ID, t.s.Invalid, t.s.Node = id.Number(), 0, NodeVerifyConfirm
	if card != "" {
		// Both numbers in one message: the card waits for the ID's
		// confirmation.
		t.s.Card = card
	}
	t.confirmPrompt()
}

// splitCard separates a card number typed in the same message as an ID
// ("A123456789 0000 1111 2222"): it returns the text without the card and
// the card's digits, or text and "" when there are not both.
func splitCard(text string) (rest, card string) {
	t := norm.NFKC.String(text)
	loc := idLike.FindStringIndex(t)
	if loc == nil {
		return text, ""
	}
	// Digit runs before and after the ID, never across it: separators
	// would join the ID's digits to the card's.
	for _, seg := range [][2]int{{0, loc[0]}, {loc[1], len(t)}} {
		part := t[seg[0]:seg[1]]
		for _, m := range digitRun.FindAllStringIndex(part, -1) {
			if c, err := verify.ParseCardNumber(part[m[0]:m[1]]); err == nil {
				return t[:seg[0]+m[0]] + t[seg[0]+m[1]:], c.Number()
			}
		}
	}
	return text, ""
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
		t.say(Reply{Text: t.w(wRateLimited, "max", strconv.Itoa(t.e.cfg.LookupLimit))})
		t.handoff(Line1922, ReasonRateLimited)
		return
	}
	if !t.e.cfg.Channels.Allow(t.ctx, channelOf(t.s.Person)) {
		t.e.cfg.Logger.Warn("number check refused", "reason", "channel_busy")
		t.say(Reply{Text: t.w(wChannelBusy), Choices: []Choice{
			{Label: t.w(wChoiceCheckAgain), Payload: PayloadVerify(VerifyStart)}, t.menuChoice(),
		}})
		return
	}
	failKey := "idfail:" + t.e.cfg.Hasher.Hash(id.Number())
	if n, err := t.e.cfg.Failures.Count(t.ctx, failKey); err == nil && n >= t.e.cfg.MaxFailures {
		t.e.cfg.Logger.Info("number check refused", "reason", ReasonIDFailures)
		t.say(Reply{Text: t.w(wIDPaused)})
		t.handoff(Line1922, ReasonIDFailures)
		return
	}
	records, err := t.e.cfg.Registry.Lookup(t.ctx, id.Number(), card.Number())
	if err != nil {
		t.e.cfg.Logger.Warn("registry lookup failed", "err", err)
		t.e.cfg.Observe("turn_failure", CauseRegistry)
		t.say(Reply{Text: t.w(wRegistryUnavailable)})
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
	cleared := "\n\n" + t.w(wNumbersCleared)
	var choices []Choice
	if it, ok := t.e.cfg.Topics.Item(d.Item); ok {
		choices = append(choices, Choice{Label: t.w(wChoiceReadQA, "title", it.Title(t.s.Lang)), Payload: PayloadFAQ(it.ID)})
	}
	checkAgain := Choice{Label: t.w(wChoiceCheckAgain), Payload: PayloadVerify(VerifyStart)}
	if d.Outcome != verify.Mismatch {
		t.s.Mismatches = 0
	}
	switch d.Outcome {
	case verify.Mismatch:
		t.s.Mismatches++
		if t.s.Mismatches >= 2 {
			t.s.Mismatches = 0
			t.say(Reply{Text: t.w(wOutcomeMismatch) + "\n\n" + t.w(wMismatchAgain) + cleared})
			t.handoff(Line1922, ReasonMismatch)
			return
		}
		t.say(Reply{Text: t.w(wOutcomeMismatch) + cleared, Choices: append(choices, checkAgain, t.menuChoice())})
	case verify.DuplicateID:
		// QA item 7: replacing the card comes first; 1922 only when a
		// replaced card still fails.
		t.say(Reply{Text: t.w(wOutcomeDuplicateID) + cleared, Choices: append(choices,
			Choice{Label: t.w(wChoiceReplacedStillFails), Payload: PayloadVerify(VerifyReplaced)}, t.menuChoice())})
	case verify.CardTooNew:
		if c, ok := t.remindOffer(d.RetryAfter); ok {
			choices = append(choices, c)
		}
		t.say(Reply{Text: t.w(wOutcomeCardTooNew, "retry_at", t.clock(d.RetryAfter)) + cleared,
			Choices: append(choices, t.menuChoice())})
	case verify.Verified, verify.VerifiedRecordMoved, verify.UseNumberOnCard, verify.CardShowsOldNumber, verify.UseNewNumber:
		t.say(Reply{Text: t.w(outcomeWords[d.Outcome]) + cleared, Choices: append(choices, checkAgain, t.menuChoice())})
	default:
		// A diagnosis this engine does not know: say it could not be
		// checked rather than guess.
		t.e.cfg.Logger.Error("unknown diagnosis", "outcome", string(d.Outcome))
		t.say(Reply{Text: t.w(wRegistryUnavailable)})
		t.handoff(Line1922, ReasonUnavailable)
	}
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
