// Package stories runs conversation tests ("stories"): short conversations
// written as plain text, each turn followed by the facts that must and must
// not appear in what the bot says. They are run by go test (TestStories,
// over dialogs/testdata/stories) and meant to be run by `vaxbot eval
// --stories DIR` for people tuning the content.
//
// A file (*.story) holds one or more stories:
//
//	# Comments and blank lines are ignored.
//	story card-step-where-zh [2] zh-TW: asks where the card number is at the card step
//	> 檢查我的證號和卡號
//	> A123456789
//	> tap: 正確
//	> 卡號在哪裡啊
//	< must: 左下
//	< not: 格式|第 1 次
//	> 0000 1111 2222
//	< must: 相符
//
// The header is "story", the story's id, its classes in brackets (the
// failure classes of issue 11, 1–9, and 0 for a plain happy path), the
// language the person writes in (zh-TW, en or mixed) and, after a colon,
// what the story is about.
//
// A turn is what the person does:
//
//	> text             types text
//	> tap: Label       taps a choice of the bot's last turn: the one whose
//	                   label is Label, else the one label that contains it;
//	                   alternatives separated by |. No such choice fails the story.
//	> [payload]        sends a raw payload (an old button); prefer tap
//	> (follow)         an event: follow, start or unsupported (a sticker, photo…)
//	> (hint en)        no input: from now on the platform reports the
//	                   person's language as en (or zh-TW), as Telegram does
//
// and the lines after it are checks on the whole turn's output (every
// reply's text, choice labels, link labels and URLs):
//
//	< must: a|b        a or b appears
//	< not: a|b         neither a nor b appears
//	< choice: a|b      a choice whose label contains a or b is offered
//	< handoff: 1922    the turn hands the person to this line (1922, nhia,
//	                   county; alternatives with |), or "none": no handoff
//	< lang: zh-TW      every reply is in this language (en or zh-TW)
//	< reply            the turn gets a reply
//
// Two checks need not be written: every turn must get at least one reply
// with text, and no full ID, card or phone number typed anywhere in the
// story may appear in any turn's output or in a ticket.
//
// Text is compared after NFKC folding (full-width characters as ASCII),
// lower-casing, and with white space next to a Chinese character dropped
// and other runs of it read as one space, so "1 小時" matches "1小時" and
// "（" matches "(". A Latin word or number must match whole: "hour" does
// not match "hours" and "format" does not match "information"; end it
// with * to match a word's beginning ("vaccin*").
//
// Each story runs in a fresh Conversation (see Conversation), so stories
// do not share sessions, limits or failure counts.
package stories
