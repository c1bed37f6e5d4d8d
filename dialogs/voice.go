package dialogs

// The phone line: the language menu, choices by key, numbers typed on the
// keypad, the call-back offered after a transfer that did not connect.
// Everything a call needs between the provider's requests lives in the
// Session (VoiceState), so any replica can take the next request.

import (
	"strconv"
	"strings"

	"github.com/vaxbot/vaxbot/knowledge"
	"github.com/vaxbot/vaxbot/verify"
)

// VoiceState is what the phone line keeps of a call between the provider's
// requests.
type VoiceState struct {
	// Page is the page of the last turn's choices being read (see KeyPage).
	Page int `json:"page,omitempty"`
	// Misses counts requests in a row with no key or a wrong one.
	Misses int `json:"misses,omitempty"`
	// Last are the replies to read again on "*" or after a miss. They
	// never hold a number (ReadBack is dropped; texts are masked).
	Last []Reply `json:"last,omitempty"`
	// Hours says when the line last dialled answers, for a failed dial.
	Hours string `json:"hours,omitempty"`
}

// The nodes only the phone line uses.
const (
	// NodeLangMenu waits for the caller's language key.
	NodeLangMenu Node = "voice_lang"
	// NodeCallbackOffer waits for "1" after a transfer did not connect:
	// a call-back to the number the caller is calling from.
	NodeCallbackOffer Node = "voice_callback_offer"
)

// Keys on the phone line that mean the same in every menu.
const (
	KeyPerson = "0" // talk to a person (1922)
	KeyRepeat = "*" // hear it again
	KeyMenu   = "#" // the main menu
	KeyMore   = "9" // the next page, when the choices take more than one
)

// keyPageSize is how many choices a page offers when there are more than
// nine (key 9 then reads the next page).
const keyPageSize = 8

// KeyPage is the part of choices a keypad reads on page: all of them when
// they fit on keys 1–9, else eight a page with more set when key 9 is to be
// offered. The engine and the phone renderer share it, so that key n means
// the choice that was read as n.
func KeyPage(choices []Choice, page int) (shown []Choice, more bool) {
	if len(choices) <= 9 {
		return choices, false
	}
	start := min(max(page, 0)*keyPageSize, len(choices))
	return choices[start:min(start+keyPageSize, len(choices))], true
}

// keyChoice is the choice that key n picks on page.
func keyChoice(choices []Choice, page int, key string) (Choice, bool) {
	n, err := strconv.Atoi(key)
	shown, more := KeyPage(choices, page)
	if err != nil || n < 1 || n > len(shown) || (more && n == 9) {
		return Choice{}, false
	}
	return shown[n-1], true
}

// turnChoices are all the choices of a turn's replies, in order, as a
// channel shows them.
func turnChoices(replies []Reply) []Choice {
	var out []Choice
	for _, r := range replies {
		out = append(out, r.Choices...)
	}
	return out
}

// call starts a phone call: a new voice session and the language menu.
func (t *turn) call() {
	t.reset()
	t.s.Voice = &VoiceState{}
	t.s.Node = NodeLangMenu
	t.langMenu()
}

// langMenu offers each language in its own words: "中文請按 1", "For
// English, press 2".
func (t *turn) langMenu() {
	var choices []Choice
	for _, l := range knowledge.Langs {
		choices = append(choices, Choice{Label: t.e.cfg.Words.T(l, wLangName), Payload: PayloadLang(l), Lang: l})
	}
	t.say(Reply{Text: t.e.cfg.Words.T(knowledge.ZhTW, wVoiceHello), Choices: choices})
}

// voice handles a request of a call in progress.
func (t *turn) voice(in Input) {
	s, v := t.s, t.s.Voice
	switch in.Event {
	case EventDialed:
		t.dialed(in)
		return
	case EventNoInput:
		t.voiceMiss(wVoiceNoInput)
		return
	case EventNotUnderstood:
		t.repeat(wVoiceNotUnderstood)
		return
	case EventCall:
		// The provider asked again for the start of a call it already has.
		t.repeat("")
		return
	}
	switch s.Node {
	case NodeLangMenu:
		c, ok := keyChoice(turnChoices(v.Last), 0, in.Keys)
		p, _ := ParsePayload(c.Payload)
		l, lok := langOf(p.Arg)
		if !ok || !lok {
			t.voiceMiss("")
			return
		}
		s.Lang, s.LangSet, s.Node, v.Misses = l, true, NodeMenu, 0
		t.menu(wWelcome)
		// The chat welcome talks of tapping and typing; the phone has its own.
		t.out[len(t.out)-1].Speech = t.w(wVoiceWelcome)
	case NodeCallbackOffer:
		s.Node = NodeMenu
		if in.Keys != "1" {
			t.goodbye()
			return
		}
		t.callbackToCaller(in.Caller)
	case NodeVerifyID, NodeVerifyCard:
		if in.Keys == "" {
			t.voiceMiss(wVoiceNoInput)
			return
		}
		v.Misses = 0
		if s.Node == NodeVerifyCard {
			t.cardEntered(in.Keys)
			return
		}
		typed := keypadID(in.Keys)
		t.idEntered(typed)
		if n := len(t.out); n > 0 && (s.Node == NodeVerifyID || s.Node == NodeVerifyConfirm) {
			// Read what was typed back in groups, once; it is never stored.
			t.out[n-1].ReadBack = typed
		}
	case NodeCallbackPhone:
		v.Misses = 0
		if in.Keys == "1" && in.Caller != "" {
			t.phoneEntered(in.Caller)
			return
		}
		t.callbackPayload(CallbackNo)
	default:
		t.voiceChoice(in)
	}
}

// voiceChoice handles a key or words where the caller picks a choice.
func (t *turn) voiceChoice(in Input) {
	v := t.s.Voice
	choices := turnChoices(v.Last)
	switch {
	case in.Keys == KeyPerson:
		v.Misses = 0
		t.payload(PayloadHandoff(Line1922))
	case in.Keys == KeyRepeat:
		v.Misses = 0
		t.repeat("")
	case in.Keys == KeyMenu:
		v.Misses = 0
		t.leaveForm()
		t.menu(wMenu)
	case in.Keys == KeyMore && len(choices) > 9:
		v.Misses = 0
		v.Page++
		if v.Page*keyPageSize >= len(choices) {
			v.Page = 0
		}
		t.paging = true
		t.repeat("")
	case in.Keys != "":
		c, ok := keyChoice(choices, v.Page, in.Keys)
		if !ok {
			t.voiceMiss(wVoiceInvalidChoice)
			return
		}
		v.Misses = 0
		t.payload(c.Payload)
	case strings.TrimSpace(in.Text) != "":
		v.Misses = 0
		t.text(in.Text)
	default:
		t.voiceMiss(wVoiceNoInput)
	}
}

// voiceMiss answers no key or a wrong one: the last replies again with
// lead's words before them, twice; the third time a person takes over.
func (t *turn) voiceMiss(lead string) {
	v := t.s.Voice
	v.Misses++
	if v.Misses > 2 {
		v.Misses = 0
		if t.s.Node == NodeLangMenu {
			t.s.Node = NodeMenu
		}
		t.payload(PayloadHandoff(Line1922))
		return
	}
	if t.s.Node == NodeLangMenu {
		lead = ""
	}
	t.paging = true // the page being read stays
	t.repeat(lead)
}

// repeat says the last replies again, after lead's words when lead is set.
// In the middle of a form it asks again for what the form waits for.
func (t *turn) repeat(lead string) {
	v := t.s.Voice
	if lead != "" {
		t.say(Reply{Text: t.w(lead)})
	}
	t.repeatFrom = len(t.out)
	if len(v.Last) == 0 {
		t.prompt()
		return
	}
	t.paging = true
	t.out = append(t.out, v.Last...)
}

// dialed handles the end of a transfer: a call that connected ends here;
// one that did not hears when the line answers, and is offered a call-back
// when the caller's number can be called back and call-backs are on.
func (t *turn) dialed(in Input) {
	s, v := t.s, t.s.Voice
	s.Node = NodeMenu
	if in.DialStatus == "completed" || in.DialStatus == "" {
		t.goodbye()
		return
	}
	_, err := verify.ParsePhone(in.Caller)
	lead := strings.TrimSpace(v.Hours)
	if lead != "" {
		lead += " "
	}
	if err != nil || s.LastTicket == "" || !t.opts.callbacks {
		t.say(Reply{Text: lead + t.w(wVoiceDialFailedNoCallback), Hangup: true})
		return
	}
	s.Node = NodeCallbackOffer
	t.say(Reply{Text: lead + t.w(wVoiceDialFailed)})
}

// callbackToCaller stores a call-back to the number calling, with the key
// press as consent, at any time of day.
func (t *turn) callbackToCaller(caller string) {
	s := t.s
	phone, err := verify.ParsePhone(caller)
	if err != nil || s.LastTicket == "" {
		t.say(Reply{Text: t.w(wVoiceDialFailedNoCallback), Hangup: true})
		return
	}
	when := "any"
	t.say(Reply{
		Text:     t.w(wCallbackDone, "phone", phone.Masked(), "when", t.w(whenWords[when]), "ref", s.LastTicket),
		Speech:   t.w(wVoiceCallbackDone, "phone", SpellDigits(phone.Masked()), "ref", Spell(s.LastTicket)),
		Callback: &CallbackRequest{Ticket: s.LastTicket, Phone: phone.Number(), Masked: phone.Masked(), When: when},
	})
	t.goodbye()
}

// goodbye ends the call.
func (t *turn) goodbye() {
	t.say(Reply{Text: t.w(wVoiceGoodbye), Hangup: true})
}

// keypadID turns keypad digits into an ID: the letter as its two-digit
// place in the alphabet (01 = A … 26 = Z), then the nine digits; an
// old-format resident number has a second letter (A–D), entered the same way
// (12 keys in all). Anything else is passed on as typed, for the check to
// explain.
func keypadID(d string) string {
	letter := func(s string) (string, bool) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 26 {
			return "", false
		}
		return string(rune('A' + n - 1)), true
	}
	switch len(d) {
	case 11:
		if l, ok := letter(d[:2]); ok {
			return l + d[2:]
		}
	case 12:
		l1, ok1 := letter(d[:2])
		l2, ok2 := letter(d[2:4])
		if ok1 && ok2 {
			return l1 + l2 + d[4:]
		}
	}
	return d
}

// Spell reads a reference slowly: "K7M-42Q" → "K, 7, M, 4, 2, Q".
func Spell(ref string) string {
	var parts []string
	for _, r := range ref {
		if r != '-' {
			parts = append(parts, string(r))
		}
	}
	return strings.Join(parts, ", ")
}

// SpellDigits reads a masked number digit by digit, its hidden middle as a
// pause: "0912***678" → "0 9 1 2, …, 6 7 8".
func SpellDigits(masked string) string {
	var groups []string
	var cur []string
	hidden := false
	flush := func() {
		if len(cur) > 0 {
			groups = append(groups, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, r := range masked {
		if r == '*' {
			if !hidden {
				flush()
				groups = append(groups, "…")
				hidden = true
			}
			continue
		}
		hidden = false
		cur = append(cur, string(r))
	}
	flush()
	return strings.Join(groups, ", ")
}
