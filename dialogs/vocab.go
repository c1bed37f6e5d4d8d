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
	// EventCall: a phone call came in (the voice line's first request).
	EventCall Event = "call"
	// EventDialed: a <Dial> to a hotline ended; Input.DialStatus says how.
	EventDialed Event = "dialed"
	// EventNoInput: the caller pressed nothing and said nothing.
	EventNoInput Event = "no_input"
	// EventNotUnderstood: the caller spoke, but too unclearly to take as
	// words (speech recognised below the channel's confidence floor).
	EventNotUnderstood Event = "not_understood"
	// EventUnsupported: a message the bot cannot read (a sticker, a photo,
	// a voice message, a location). Nothing of it is kept.
	EventUnsupported Event = "unsupported"
	// EventSticker: a sticker (or an animated GIF): a short friendly
	// reply. Nothing of it is kept.
	EventSticker Event = "sticker"
	// EventPhoto: a picture: the bot cannot read it, and people are told
	// not to send photos of their cards. Nothing of it is downloaded.
	EventPhoto Event = "photo"
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
	// Shared is true when the message came from a chat that others read (a
	// group, a supergroup, a channel, a LINE room): the conversation then
	// answers with a short note on how to talk privately, and never starts
	// or continues a form or shows a number.
	Shared bool
	// PrivateLink, with Shared, is a link that opens a one-to-one chat
	// with the bot (a Telegram deep link); "" when the channel has none.
	PrivateLink string
	// Phone is true for the phone line: choices are keys, numbers are
	// typed on the keypad, and the call has a VoiceState.
	Phone bool
	// Keys are the keys a caller pressed on the phone (the voice line).
	Keys string
	// Caller is the number a phone call comes from, as the provider gives
	// it ("+886912345678"), for a call-back the caller agrees to by key.
	Caller string
	// DialStatus is how a <Dial> ended (EventDialed): "completed",
	// "busy", "no-answer", "failed", "canceled".
	DialStatus string
}

// Choice is an option the person can pick. Payloads are deterministic ids
// ("faq:q5", "verify:start") so a tap on an old message still means the same.
type Choice struct {
	Label   string
	Payload string
	// Lang, when set, is the language the label is written in when it is
	// not the reply's (the language menu offers each language in its own).
	Lang Lang
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
	// Name is the line's name in the reply's language.
	Name string
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
	// ReasonFailure: the bot failed (a store, a lock, a panic) and sent the
	// person to 1922 with an apology; no ticket is opened for it.
	ReasonFailure = "turn_failed"
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
	// ReadBack, on the voice line, is an ID number the caller has just
	// keyed in, to be read back in groups once. It is never stored: the
	// Conversation keeps replies for repeating only without it.
	ReadBack string
	// Hangup, on the voice line, ends the call after this reply.
	Hangup bool
	// Page, on the last reply of a turn on the phone, is the page of the
	// turn's choices to read (KeyPage).
	Page int
	// Reminder asks whoever runs the engine to schedule or cancel a
	// reminder (bot.Reminders); it is removed before a channel sees it.
	Reminder *ReminderRequest
	// LangChosen marks the reply to the person choosing a language (Lang
	// is the one chosen): a channel with a menu per language (LINE's rich
	// menu) switches the person's menu.
	LangChosen bool
	// Image, when set, is a picture to show after Text (a chat channel
	// with a public URL; the phone line ignores it).
	Image *Image
}

// Image is a picture a chat channel shows: its public URL and a caption
// in the reply's language.
type Image struct {
	URL     string
	Caption string
}

// PictureCard names the illustration of the NHI card's front with the
// card number's place highlighted (Config.Picture).
const PictureCard = "card"

// Expect is the kind of entry a prompt waits for.
type Expect string

// The entries a prompt can wait for.
const (
	ExpectID    Expect = "id"
	ExpectCard  Expect = "card"
	ExpectPhone Expect = "phone"
	// ExpectKey: one key, and nothing else is offered around it (the
	// language menu, the call-back offer after a failed transfer).
	ExpectKey Expect = "key"
)

// CallbackRequest is a call-back for a ticket, with the full phone number
// on its way to being sealed.
type CallbackRequest struct {
	Ticket string
	Phone  string
	Masked string
	When   string
}
