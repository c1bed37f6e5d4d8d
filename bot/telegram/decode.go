package telegram

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
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
	// messageID is the person's message (0 for a callback query).
	messageID int
	// callbackID is the callback query to answer ("" for a message).
	callbackID string
	// hasNumber: the person's message holds an ID or card number.
	hasNumber bool
	lang      dialogs.Lang

	answerOnce sync.Once
	deleteOnce sync.Once
	deleted    bool
}

// Decode parses an update into at most one event. Updates that are not a
// text message or a callback query give no event and no error, so that
// Telegram, which retries any non-2xx answer, does not send them again.
func (c *Channel) Decode(body []byte) ([]bot.Event, error) { return decode(body) }

func decode(body []byte) ([]bot.Event, error) {
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
		ev, ok = messageEvent(u.Message)
	case u.CallbackQuery != nil:
		ev, ok = callbackEvent(u.CallbackQuery)
	}
	if !ok {
		return nil, nil
	}
	if u.ID != 0 {
		ev.ID = strconv.FormatInt(u.ID, 10)
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

func messageEvent(m *models.Message) (bot.Event, bool) {
	if m.Text == "" || m.Chat.ID == 0 || (m.From != nil && m.From.IsBot) {
		return bot.Event{}, false
	}
	var lang dialogs.Lang
	if m.From != nil {
		lang = langHint(m.From.LanguageCode)
	}
	in := dialogs.Input{Person: person(m.Chat.ID), LangHint: lang}
	typ := "command"
	switch name, arg := command(m.Text); name {
	case "start":
		in.Event = dialogs.EventStart
	case "menu":
		in.Text = "menu"
	case "help":
		in.Text = "help"
	case "lang":
		in.Payload = "lang:other"
		if l, ok := knowledge.ParseLang(arg); ok {
			in.Payload = "lang:" + string(l)
		}
	default:
		in.Text = m.Text
		typ = "text"
	}
	return bot.Event{
		Type:  typ,
		Input: in,
		Reply: &target{
			chatID:    m.Chat.ID,
			messageID: m.ID,
			hasNumber: holdsNumber(m.Text),
			lang:      lang,
		},
	}, true
}

func callbackEvent(cq *models.CallbackQuery) (bot.Event, bool) {
	chatID := cq.From.ID
	switch {
	case cq.Message.Message != nil && cq.Message.Message.Chat.ID != 0:
		chatID = cq.Message.Message.Chat.ID
	case cq.Message.InaccessibleMessage != nil && cq.Message.InaccessibleMessage.Chat.ID != 0:
		// The message is too old to read, but its chat is still known.
		chatID = cq.Message.InaccessibleMessage.Chat.ID
	}
	if cq.Data == "" || cq.ID == "" || chatID == 0 {
		return bot.Event{}, false
	}
	lang := langHint(cq.From.LanguageCode)
	return bot.Event{
		Type:  "callback",
		Input: dialogs.Input{Person: person(chatID), Payload: cq.Data, LangHint: lang},
		Reply: &target{chatID: chatID, callbackID: cq.ID, lang: lang},
	}, true
}

func person(chatID int64) string { return "telegram:" + strconv.FormatInt(chatID, 10) }

// langHint maps Telegram's IETF language code to a conversation language:
// "zh…" to zh-TW, "en…" to en, anything else to "".
func langHint(code string) dialogs.Lang {
	c := strings.ToLower(code)
	switch {
	case strings.HasPrefix(c, "zh"):
		return knowledge.ZhTW
	case strings.HasPrefix(c, "en"):
		return knowledge.En
	}
	return ""
}

// command splits "/name@Bot arg…" into its lower-case name and argument;
// name is "" when text is not a command.
func command(text string) (name, arg string) {
	if !strings.HasPrefix(text, "/") {
		return "", ""
	}
	first, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		first, rest = text[:i], text[i:]
	}
	name, _, _ = strings.Cut(strings.ToLower(first[1:]), "@")
	return name, strings.TrimSpace(rest)
}

// holdsNumber reports whether text holds something dialogs.Redact masks: an
// ID-shaped sequence or a run of six or more digits (a card number, a
// phone number), after NFKC so full-width digits count too.
func holdsNumber(text string) bool {
	return dialogs.Redact(text) != norm.NFKC.String(text)
}
