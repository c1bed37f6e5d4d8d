package dialogs

// The call-back form: consent, the phone number and a preferred time.

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/vaxbot/vaxbot/verify"
)

// callbackTimes are the preferred times a person can choose.
var callbackTimes = []string{"morning", "afternoon", "evening", "any"}

// callbackPayload runs the call-back form: consent, phone, time.
func (t *turn) callbackPayload(arg CallbackStep) {
	s := t.s
	switch {
	case arg == CallbackStart && s.LastTicket != "":
		t.leaveForm()
		s.Node = NodeCallbackAsk
		t.prompt()
	case arg == CallbackYes && s.Node == NodeCallbackAsk:
		s.Node = NodeCallbackPhone
		t.prompt()
	case arg == CallbackNo:
		s.Phone, s.Invalid, s.Node = "", 0, NodeMenu
		t.say(Reply{Text: t.w(wCallbackDeclined), Choices: []Choice{t.menuChoice()}})
	case strings.HasPrefix(string(arg), string(CallbackWhen)) && s.Node == NodeCallbackTime && s.Phone != "":
		when := strings.TrimPrefix(string(arg), string(CallbackWhen))
		if !slices.Contains(callbackTimes, when) {
			t.stale()
			return
		}
		phone, err := verify.ParsePhone(s.Phone)
		s.Phone, s.Node = "", NodeMenu
		if err != nil {
			t.stale()
			return
		}
		t.say(Reply{
			Text:     t.w(wCallbackDone, "phone", phone.Masked(), "when", t.w(whenWords[when]), "ref", s.LastTicket),
			Choices:  []Choice{t.menuChoice()},
			Callback: &CallbackRequest{Ticket: s.LastTicket, Phone: phone.Number(), Masked: phone.Masked(), When: when},
		})
	default:
		t.stale()
	}
}

// phoneEntered takes the call-back number.
func (t *turn) phoneEntered(text string) {
	p, err := verify.ParsePhone(text)
	if err != nil {
		t.s.Invalid++
		if t.s.Invalid >= MaxInvalid {
			t.callbackPayload(CallbackNo)
			return
		}
		var pe *verify.PhoneError
		hint := ""
		if errors.As(err, &pe) {
			hint = pe.Hint(string(t.s.Lang))
		}
		t.say(Reply{Text: t.w(wInvalidEntry, "hint", hint, "count", strconv.Itoa(t.s.Invalid), "max", strconv.Itoa(MaxInvalid)),
			Choices: []Choice{{Label: t.w(wChoiceCancel), Payload: PayloadCallback(CallbackNo)}}})
		return
	}
	t.s.Phone, t.s.Invalid, t.s.Node = p.Number(), 0, NodeCallbackTime
	t.prompt()
}

// callbackFailed replaces the confirmation of a call-back that could not
// be stored.
func (e *Engine) callbackFailed(s *Session, r *Reply) {
	r.Text = e.cfg.Words.T(s.Lang, wCallbackFailed)
	r.Speech = ""
}
