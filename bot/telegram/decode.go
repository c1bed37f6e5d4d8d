package telegram

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/go-telegram/bot/models"
	"golang.org/x/text/unicode/norm"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// target is what Deliver needs to answer an event; it travels in
// bot.Event.Reply. Prepare and Deliver run one after the other on the same
// worker, and the once fields make each side effect happen a single time
// whichever of them gets there first.
type target struct {
	chatID int64
	// threadID is the forum topic the event came from (0: none); every
	// message sent for the event goes to the same topic.
	threadID int
	// messageID is the person's message (0 for a callback query).
	messageID int
	// callbackID is the callback query to answer ("" for a message).
	callbackID string
	// hasNumber: the person's message holds an ID or card number.
	hasNumber bool
	lang      dialogs.Lang
	// shared: the event came from a group, a supergroup or a channel.
	shared bool
	// pendingLink: the bot's username was not known when the event was
	// decoded, so its Input carries pendingLink for Deliver to settle, and
	// addressee is the bot a command named ("/menu@addressee"), to check.
	pendingLink bool
	addressee   string

	answerOnce sync.Once
	deleteOnce sync.Once
	deleted    bool
}

// pendingLink stands in for the deep link to a private chat while the
// bot's username is unknown: Deliver puts the real link in its place (or
// drops it), after asking getMe.
const pendingLink = "https://t.me/?start=check"

// deepLink is the link that opens a private chat with the bot and sends
// it "/start check".
func deepLink(username string) string { return "https://t.me/" + username + "?start=check" }

// Decode parses an update into at most one event. Updates that are not a
// message or a callback query the bot answers give no event and no error,
// so that Telegram, which retries any non-2xx answer, does not send them
// again. A message's event carries its date (bot.Event.At), which the
// server checks against its replay window. Decode makes no network call: the bot's username, when it is not
// known yet, is settled by Deliver.
func (c *Channel) Decode(body []byte) ([]bot.Event, error) { return decode(body, c.knownUsername()) }

// decode parses an update; username is the bot's ("" when not known yet).
func decode(body []byte, username string) ([]bot.Event, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, fmt.Errorf("telegram: decode: %w: %v", bot.ErrBadRequest, err)
	}
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil {
		return nil, fmt.Errorf("telegram: decode: %w: %v", bot.ErrBadRequest, err)
	}
	if u.ID == 0 && !hasContent(fields) {
		return nil, fmt.Errorf("telegram: decode: %w: empty update", bot.ErrBadRequest)
	}
	var ev bot.Event
	var ok bool
	switch {
	case u.Message != nil:
		ev, ok = messageEvent(u.Message, username)
	case u.CallbackQuery != nil:
		ev, ok = callbackEvent(u.CallbackQuery, username)
	}
	if !ok {
		return nil, nil
	}
	if u.ID != 0 {
		ev.ID = strconv.FormatInt(u.ID, 10)
	}
	if u.Message != nil && u.Message.Date > 0 {
		// For the server's replay window. A callback query has no date of
		// its own (its message's is when the bot wrote it, and an old
		// button may be pressed), so it has none.
		ev.At = time.Unix(int64(u.Message.Date), 0)
	}
	return []bot.Event{ev}, nil
}

// hasContent reports whether an update has any field besides its id.
func hasContent(fields map[string]json.RawMessage) bool {
	for k, v := range fields {
		if !strings.EqualFold(k, "update_id") && string(v) != "null" {
			return true
		}
	}
	return false
}

// private reports whether a chat is one-to-one. Anything else, a chat of
// a type Telegram may add later included, is shared.
func private(chat models.Chat) bool { return chat.Type == models.ChatTypePrivate }

// threadOf is the forum topic to answer m in: its message_thread_id when
// it belongs to a topic (in a chat without topics the field names a
// thread of replies, where sendMessage does not take it).
func threadOf(m *models.Message) int {
	if m == nil || !m.IsTopicMessage {
		return 0
	}
	return m.MessageThreadID
}

func messageEvent(m *models.Message, username string) (bot.Event, bool) {
	if m.Chat.ID == 0 || (m.From != nil && m.From.IsBot) {
		return bot.Event{}, false
	}
	var lang dialogs.Lang
	userID := m.Chat.ID // in a private chat, the same as the user's
	if m.From != nil {
		lang = langHint(m.From.LanguageCode)
		userID = m.From.ID
	} else if m.SenderChat != nil {
		userID = m.SenderChat.ID // an anonymous admin, a linked channel
	}
	if userID == 0 {
		return bot.Event{}, false
	}
	if !private(m.Chat) {
		return groupCommand(m, userID, lang, username)
	}
	t := &target{chatID: m.Chat.ID, threadID: threadOf(m), messageID: m.ID, lang: lang}
	in := dialogs.Input{Person: person(m.Chat.ID, userID), LangHint: lang}
	if m.Text == "" {
		if !unreadable(m) {
			return bot.Event{}, false
		}
		// Nothing of the media is fetched or kept; a caption may still
		// hold a number, and then the message goes as one with a number.
		in.Event = unreadableKind(m)
		t.hasNumber = holdsNumber(m.Caption)
		return bot.Event{Type: "unsupported", Input: in, Reply: t}, true
	}
	t.hasNumber = holdsNumber(m.Text)
	typ := "command"
	switch name, arg, _ := command(m.Text); name {
	case "start":
		in.Event = dialogs.EventStart
		if p, ok := startPayload(arg); ok {
			// A deep link (t.me/<bot>?start=check, the one a group is
			// given): straight to its step.
			in.Event, in.Payload = "", p
		}
	case "menu", "help":
		in.Payload = dialogs.PayloadMenu()
	case "check":
		in.Payload = dialogs.PayloadVerify(dialogs.VerifyStart)
	case "person":
		in.Payload = dialogs.PayloadPerson()
	case "lang":
		in.Payload = dialogs.PayloadOtherLang()
		if l, ok := knowledge.ParseLang(arg); ok {
			in.Payload = dialogs.PayloadLang(l)
		}
	default:
		in.Text = m.Text
		typ = "text"
	}
	return bot.Event{Type: typ, Input: in, Reply: t}, true
}

// unreadable reports whether a message holds what the bot cannot read: a
// sticker, a photo, a voice or video message, a file, a place, a contact.
func unreadable(m *models.Message) bool {
	return m.Sticker != nil || len(m.Photo) > 0 || m.Voice != nil || m.Audio != nil || m.Video != nil ||
		m.VideoNote != nil || m.Animation != nil || m.Document != nil || m.Location != nil ||
		m.Venue != nil || m.Contact != nil
}

// unreadableKind tells a sticker (or a GIF) and a picture (a photo, or an
// image sent as a file) from the rest of what the bot cannot read.
func unreadableKind(m *models.Message) dialogs.Event {
	switch {
	case m.Sticker != nil || m.Animation != nil:
		return dialogs.EventSticker
	case len(m.Photo) > 0 || (m.Document != nil && strings.HasPrefix(m.Document.MimeType, "image/")):
		return dialogs.EventPhoto
	}
	return dialogs.EventUnsupported
}

// groupCommand decodes a message in a chat others read: only one of the
// bot's commands, or any command addressed to the bot by name, gets an
// event, and that event is Shared (the note on talking privately, never a
// form). Plain text, media and commands for other bots give none.
func groupCommand(m *models.Message, userID int64, lang dialogs.Lang, username string) (bot.Event, bool) {
	name, _, addressee := command(m.Text)
	switch {
	case name == "":
		return bot.Event{}, false
	case addressee == "" && !ownCommand(name):
		return bot.Event{}, false
	case addressee != "" && username != "" && !strings.EqualFold(addressee, username):
		return bot.Event{}, false
	}
	t := &target{chatID: m.Chat.ID, threadID: threadOf(m), lang: lang, shared: true, addressee: addressee}
	return bot.Event{Type: "command", Input: sharedInput(m.Chat.ID, userID, lang, username, t), Reply: t}, true
}

// ownCommand reports whether name is one of the bot's commands.
func ownCommand(name string) bool {
	switch name {
	case "start", "menu", "help", "lang", "check", "person":
		return true
	}
	return false
}

// startPayload is the step a deep link's start parameter opens: "check"
// the number check, "person" the choice of a line, "menu" the menu, a QA
// item's id ("q1") its answer; ok is false for anything else (the welcome).
func startPayload(arg string) (string, bool) {
	switch arg {
	case "check":
		return dialogs.PayloadVerify(dialogs.VerifyStart), true
	case "person":
		return dialogs.PayloadPerson(), true
	case "menu":
		return dialogs.PayloadMenu(), true
	}
	if len(arg) == 2 && arg[0] == 'q' && arg[1] >= '1' && arg[1] <= '9' {
		return dialogs.PayloadFAQ(arg), true
	}
	return "", false
}

// sharedInput is the Input of an event from a shared chat: the note on
// talking privately, with the deep link, or pendingLink for Deliver to
// settle when the username is not known yet (t records that).
func sharedInput(chatID, userID int64, lang dialogs.Lang, username string, t *target) dialogs.Input {
	link := pendingLink
	if username != "" {
		link = deepLink(username)
	} else {
		t.pendingLink = true
	}
	return dialogs.Input{Person: person(chatID, userID), Shared: true, PrivateLink: link, LangHint: lang}
}

func callbackEvent(cq *models.CallbackQuery, username string) (bot.Event, bool) {
	// A query on an inline message has no chat: it goes to the person's
	// private chat with the bot.
	chat := models.Chat{ID: cq.From.ID, Type: models.ChatTypePrivate}
	var thread int
	switch {
	case cq.Message.Message != nil && cq.Message.Message.Chat.ID != 0:
		chat = cq.Message.Message.Chat
		thread = threadOf(cq.Message.Message)
	case cq.Message.InaccessibleMessage != nil && cq.Message.InaccessibleMessage.Chat.ID != 0:
		// The message is too old to read, but its chat is still known.
		chat = cq.Message.InaccessibleMessage.Chat
	}
	if cq.Data == "" || cq.ID == "" || chat.ID == 0 || cq.From.ID == 0 {
		return bot.Event{}, false
	}
	lang := langHint(cq.From.LanguageCode)
	t := &target{chatID: chat.ID, threadID: thread, callbackID: cq.ID, lang: lang}
	in := dialogs.Input{Person: person(chat.ID, cq.From.ID), Payload: cq.Data, LangHint: lang}
	if !private(chat) {
		// A button in a group is anybody's to press: nobody continues
		// anybody's form there. The query is still answered.
		t.shared = true
		in = sharedInput(chat.ID, cq.From.ID, lang, username, t)
	}
	return bot.Event{Type: "callback", Input: in, Reply: t}, true
}

// person is the session key of a user in a chat: both ids, so that people
// who share a chat never share a conversation, and a private chat's
// messages and button presses (chat id = user id) share one.
func person(chatID, userID int64) string {
	return "telegram:" + strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(userID, 10)
}

// langHint maps Telegram's IETF language code to a conversation language:
// "zh…" to zh-TW, "en…" to en, another code to its language when the
// conversation speaks it ("vi", "fil"), anything else to "".
func langHint(code string) dialogs.Lang {
	c := strings.ToLower(code)
	switch {
	case strings.HasPrefix(c, "zh"):
		return knowledge.ZhTW
	case strings.HasPrefix(c, "en"):
		return knowledge.En
	}
	// Another language the conversation speaks ("vi", "id", "th", "fil").
	if l, ok := knowledge.ParseLang(c); ok && slices.Contains(knowledge.Langs, l) {
		return l
	}
	return ""
}

// command splits "/name@Bot arg…" into its lower-case name, its argument
// and the bot it is addressed to ("Bot", "" when none); name is "" when
// text is not a command.
func command(text string) (name, arg, addressee string) {
	if !strings.HasPrefix(text, "/") {
		return "", "", ""
	}
	first, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		first, rest = text[:i], text[i:]
	}
	name, addressee, _ = strings.Cut(first[1:], "@")
	return strings.ToLower(name), strings.TrimSpace(rest), addressee
}

// holdsNumber reports whether text holds something dialogs.Redact masks: an
// ID-shaped sequence or a run of six or more digits (a card number, a
// phone number), after NFKC so full-width digits count too.
func holdsNumber(text string) bool {
	return dialogs.Redact(text) != norm.NFKC.String(text)
}
