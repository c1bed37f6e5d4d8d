package dialogs

import (
	"strings"

	"github.com/vaxbot/vaxbot/knowledge"
)

// Action is what a choice's payload asks the conversation to do. Payloads
// travel through the platforms (LINE postback data, Telegram callback data,
// a key pressed on the phone) and come back later, so they are short,
// deterministic strings; they are only ever built by the Payload functions
// below and read by ParsePayload, never written by hand in an adapter.
type Action string

// The actions a payload can name.
const (
	ActMenu     Action = "menu"     // show the main menu
	ActPerson   Action = "person"   // ask which person to talk to
	ActLang     Action = "lang"     // switch language; Arg a language code or "other"
	ActFAQ      Action = "faq"      // read a QA item; Arg its id
	ActVerify   Action = "verify"   // a step of the number check; Arg a VerifyStep
	ActHandoff  Action = "handoff"  // hand off to a line; Arg Line1922, LineNHIA or LineCounty
	ActCounty   Action = "county"   // the county of a handoff; Arg its code
	ActCallback Action = "callback" // a step of the call-back form; Arg a CallbackStep
	ActFeedback Action = "feedback" // "Did this help?"; Arg item id, ":", VoteUp or VoteDown
	ActRemind   Action = "remind"   // a reminder at a time (Arg its Unix time) or RemindCancel
)

// VerifyStep is a step of the number check a choice can take.
type VerifyStep string

// The steps of the number check.
const (
	VerifyStart  VerifyStep = "start"
	VerifyYes    VerifyStep = "yes"
	VerifyNo     VerifyStep = "no"
	VerifyCancel VerifyStep = "cancel"
	VerifyNoCard VerifyStep = "nocard"
	// VerifyReplaced: "I have already replaced my card and it still fails"
	// (QA item 7's last step, to 1922).
	VerifyReplaced VerifyStep = "replaced"
)

// CallbackStep is a step of the call-back form a choice can take.
type CallbackStep string

// The steps of the call-back form; a time is CallbackWhen + the time's name.
const (
	CallbackStart CallbackStep = "start"
	CallbackYes   CallbackStep = "yes"
	CallbackNo    CallbackStep = "no"
	CallbackWhen  CallbackStep = "when:"
)

// Payload is a parsed choice payload.
type Payload struct {
	Action Action
	Arg    string
}

// String is the payload as it travels: "faq:q5", "verify:start", "menu".
func (p Payload) String() string {
	if p.Arg == "" {
		return string(p.Action)
	}
	return string(p.Action) + ":" + p.Arg
}

// ParsePayload reads a payload; ok is false for anything that is not one of
// the actions (an old or forged button), which the engine answers as stale.
func ParsePayload(s string) (Payload, bool) {
	kind, arg, _ := strings.Cut(s, ":")
	switch a := Action(kind); a {
	case ActMenu, ActPerson:
		return Payload{Action: a}, arg == ""
	case ActLang, ActFAQ, ActVerify, ActHandoff, ActCounty, ActCallback, ActFeedback, ActRemind:
		return Payload{Action: a, Arg: arg}, arg != ""
	}
	return Payload{}, false
}

// PayloadMenu is the payload of "main menu".
func PayloadMenu() string { return string(ActMenu) }

// PayloadPerson is the payload of "talk to a person".
func PayloadPerson() string { return string(ActPerson) }

// PayloadLang switches to lang.
func PayloadLang(lang Lang) string { return Payload{ActLang, string(lang)}.String() }

// PayloadOtherLang switches to the language the person is not using (with
// two languages; with more it opens the language menu).
func PayloadOtherLang() string { return Payload{ActLang, "other"}.String() }

// PayloadLangMenu opens the language menu.
func PayloadLangMenu() string { return Payload{ActLang, "menu"}.String() }

// PayloadFAQ reads QA item id.
func PayloadFAQ(id string) string { return Payload{ActFAQ, id}.String() }

// PayloadVerify takes a step of the number check.
func PayloadVerify(step VerifyStep) string { return Payload{ActVerify, string(step)}.String() }

// PayloadHandoff hands the person to line (Line1922, LineNHIA, LineCounty).
func PayloadHandoff(line string) string { return Payload{ActHandoff, line}.String() }

// PayloadCounty picks the county of a handoff.
func PayloadCounty(code string) string { return Payload{ActCounty, code}.String() }

// PayloadCallback takes a step of the call-back form.
func PayloadCallback(step CallbackStep) string { return Payload{ActCallback, string(step)}.String() }

// PayloadCallbackWhen picks the preferred time of a call-back.
func PayloadCallbackWhen(when string) string {
	return Payload{ActCallback, string(CallbackWhen) + when}.String()
}

// langOf parses a language payload's argument.
func langOf(arg string) (Lang, bool) { return knowledge.ParseLang(arg) }
