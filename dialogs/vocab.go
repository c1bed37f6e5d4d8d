package dialogs

import "github.com/vaxbot/vaxbot/knowledge"

// Lang is a conversation language; it is the knowledge base's type so an
// answer and the words around it never disagree.
type Lang = knowledge.Lang

// Event is something that happened in a chat other than a message.
type Event string

// The events the engine understands.
const (
	// EventFollow: the person added the bot (LINE follow, first contact).
	EventFollow Event = "follow"
	// EventStart: the person asked to start over (Telegram /start).
	EventStart Event = "start"
)

// Input is one thing a person did: typed text, chose a choice, or an event.
type Input struct {
	// Person is the session key: channel and platform user id, such as
	// "line:U4af4980629…" or "telegram:12345".
	Person string
	// Text is free text the person typed.
	Text string
	// Payload is the payload of a choice the person picked.
	Payload string
	// Event is set for events such as follow or start.
	Event Event
	// LangHint is the language the platform reports for the person, if any.
	LangHint Lang
}

// Choice is an option the person can pick. Payloads are deterministic ids
// ("faq:q5", "verify:start") so a tap on an old message still means the same.
type Choice struct {
	Label   string
	Payload string
}

// Link is a URL or a telephone number ("tel:1922") to show.
type Link struct {
	Label string
	URL   string
}

// Handoff says the person should talk to a human line. The channel adapter
// or the caller of the engine may open a ticket and fill in Ticket.
type Handoff struct {
	// Line is "1922", "nhia" or "county".
	Line string
	// County is the county code when Line is "county" (or when a county
	// without a configured number fell back to 1922).
	County string
	// Number is the number to call.
	Number string
	// Dial is Number in international form for a phone system to dial
	// (+886…), or "" when the line has only a short code.
	Dial string
	// Hours says when the line answers, in the reply's language.
	Hours string
	// Reason says why: a diagnosis outcome, a QA item ("faq:q4"), or one of
	// the Reason constants.
	Reason string
	// Ticket is the reference of the ticket opened for this handoff, if any.
	Ticket string
}

// Reasons for a handoff that are not a diagnosis or a QA item.
const (
	ReasonAsked       = "asked"
	ReasonNoMatch     = "no_match"
	ReasonInvalid     = "invalid_entries"
	ReasonRateLimited = "rate_limited"
	ReasonUnavailable = "registry_unavailable"
	ReasonMismatch    = "mismatch_twice"
	ReasonNoCard      = "no_card"
	ReasonIDFailures  = "id_failures"
)

// Reply is one message from the bot.
type Reply struct {
	Text    string
	Choices []Choice
	Links   []Link
	Handoff *Handoff
	// Lang is the language the reply is written in, for anything a channel
	// adds around it.
	Lang Lang
	// Callback asks the Conversation to store a call-back request; it is
	// removed before the reply reaches a channel.
	Callback *CallbackRequest
	// Speech is the text for the ear when it differs from Text (a QA
	// answer's spoken version); "" means speak Text.
	Speech string
	// Expect, on the last reply of a turn, says what the person is asked to
	// type next: ExpectID, ExpectCard, ExpectPhone, or "" for a choice or
	// free text. A keypad channel uses it to read digits.
	Expect Expect
}

// Expect is the kind of entry a prompt waits for.
type Expect string

// The entries a prompt can wait for.
const (
	ExpectID    Expect = "id"
	ExpectCard  Expect = "card"
	ExpectPhone Expect = "phone"
)

// CallbackRequest is a call-back for a ticket, with the full phone number
// on its way to being sealed.
type CallbackRequest struct {
	Ticket string
	Phone  string
	Masked string
	When   string
}
