package telegram

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

const (
	// maxText is Telegram's limit on a message's text, in UTF-16 code units
	// (Telegram counts characters that way; it is never fewer than runes).
	maxText = 4096
	// maxCaption is Telegram's limit on a photo's caption, in UTF-16 code
	// units.
	maxCaption = 1024
	// maxCallbackData is Telegram's limit on callback_data, in bytes.
	maxCallbackData = 64
	// shortLabel is the longest label (in runes) that still fits two
	// buttons to a row.
	shortLabel = 8
	// maxRetryAfter caps how long a 429 makes us wait.
	maxRetryAfter = 5 * time.Second
)

// backoff is the wait before each retry of a 5xx or a connection error;
// its length is the most retries of one call.
var backoff = []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, 1600 * time.Millisecond}

// Prepare answers a callback query at once (Telegram shows a spinner until
// then) and deletes a message holding an ID or card number before the
// conversation runs, so the number leaves the screen as soon as possible.
func (c *Channel) Prepare(ctx context.Context, ev bot.Event) {
	t, ok := ev.Reply.(*target)
	if !ok || t == nil {
		return
	}
	c.answer(ctx, t)
	c.deleteNumber(ctx, t)
}

// Deliver sends the replies to one event: it answers a callback query
// first, says so when the person's message was deleted for holding a
// number, then sends each reply. It returns an error when a reply could not
// be sent.
func (c *Channel) Deliver(ctx context.Context, ev bot.Event, replies []dialogs.Reply) error {
	t, ok := ev.Reply.(*target)
	if !ok || t == nil {
		return errors.New("telegram: deliver: event has no telegram reply context")
	}
	c.answer(ctx, t)
	if t.shared {
		var ok bool
		if replies, ok = c.settleShared(ctx, t, replies); !ok {
			return nil
		}
	}
	if c.deleteNumber(ctx, t) {
		if err := c.send(ctx, t, message{text: c.deletedNotice(noticeLang(t, replies))}); err != nil {
			c.log.Warn("telegram: deletion notice not sent", "err", err)
		}
	}
	var errs []error
	for i, r := range replies {
		err := c.sendReply(ctx, t, r)
		if err == nil {
			continue
		}
		errs = append(errs, fmt.Errorf("reply %d of %d: %w", i+1, len(replies), err))
		// A refused message (400) does not doom the next one; a blocked
		// bot, a dead API or an ended context does.
		if !errors.Is(err, tgbot.ErrorBadRequest) {
			break
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("telegram: deliver: %w", errors.Join(errs...))
	}
	return nil
}

// settleShared readies the replies to an event from a shared chat when
// the bot's username was not known at decoding: it learns it (getMe), says
// nothing to a command addressed to another bot, and puts the deep link in
// place of pendingLink, or drops that link when the username stays
// unknown. ok is false when nothing is to be sent.
func (c *Channel) settleShared(ctx context.Context, t *target, replies []dialogs.Reply) (_ []dialogs.Reply, ok bool) {
	if !t.pendingLink {
		return replies, true
	}
	name := c.botUsername(ctx)
	if name != "" && t.addressee != "" && !strings.EqualFold(name, t.addressee) {
		return nil, false
	}
	out := make([]dialogs.Reply, len(replies))
	for i, r := range replies {
		links := make([]dialogs.Link, 0, len(r.Links))
		for _, l := range r.Links {
			if l.URL == pendingLink {
				if name == "" {
					continue
				}
				l.URL = deepLink(name)
			}
			links = append(links, l)
		}
		r.Links = links
		out[i] = r
	}
	return out, true
}

func (c *Channel) sendReply(ctx context.Context, t *target, r dialogs.Reply) error {
	for _, m := range c.render(r) {
		if err := c.send(ctx, t, m); err != nil {
			return err
		}
	}
	return nil
}

// answer answers the callback query, if any, once.
func (c *Channel) answer(ctx context.Context, t *target) {
	if t.callbackID == "" {
		return
	}
	t.answerOnce.Do(func() {
		err := c.call(ctx, "answerCallbackQuery", func(ctx context.Context) error {
			_, err := c.api.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: t.callbackID})
			return err
		}, nil)
		if err != nil {
			c.log.Warn("telegram: callback query not answered", "err", err)
		}
	})
}

// deleteNumber deletes the person's message if it holds a number, once,
// and reports whether it is gone.
func (c *Channel) deleteNumber(ctx context.Context, t *target) bool {
	if !t.hasNumber || t.messageID == 0 {
		return false
	}
	t.deleteOnce.Do(func() {
		err := c.call(ctx, "deleteMessage", func(ctx context.Context) error {
			ok, err := c.api.DeleteMessage(ctx, &tgbot.DeleteMessageParams{ChatID: t.chatID, MessageID: t.messageID})
			if err == nil && !ok {
				err = errors.New("not deleted")
			}
			return err
		}, nil)
		if err != nil {
			// Older than 48 h, or a group where the bot is no admin.
			c.log.Warn("telegram: message with a number not deleted", "err", err)
			return
		}
		t.deleted = true
	})
	return t.deleted
}

func noticeLang(t *target, replies []dialogs.Reply) dialogs.Lang {
	if len(replies) > 0 && replies[0].Lang != "" {
		return replies[0].Lang
	}
	return t.lang
}

// deletedNotice is the notice sent after deleting a person's message that
// held a number, in lang.
func (c *Channel) deletedNotice(lang dialogs.Lang) string {
	return c.words.T(lang, dialogs.WordNumberDeleted)
}

// message is one sendMessage call, or with photo one sendPhoto call
// (text its caption).
type message struct {
	text   string
	photo  string
	markup *models.InlineKeyboardMarkup
}

// render turns a reply into messages: the text, a "☎ number" line per
// telephone link (Telegram refuses tel: URLs in buttons), choices as
// callback buttons and web links as URL buttons on the last message. Text
// over Telegram's limit is split.
func (c *Channel) render(r dialogs.Reply) []message {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(r.Text))
	line := func(s string) {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	var rows [][]models.InlineKeyboardButton
	var buttons []models.InlineKeyboardButton
	short := true
	for _, ch := range r.Choices {
		if n := len(ch.Payload); n == 0 || n > maxCallbackData {
			c.log.Warn("telegram: choice skipped: payload must be 1-64 bytes", "bytes", n)
			continue
		}
		buttons = append(buttons, models.InlineKeyboardButton{Text: ch.Label, CallbackData: ch.Payload})
		short = short && utf8.RuneCountInString(ch.Label) <= shortLabel
	}
	perRow := 1
	if short {
		perRow = 2
	}
	for len(buttons) > 0 {
		n := min(perRow, len(buttons))
		rows = append(rows, buttons[:n:n])
		buttons = buttons[n:]
	}
	for _, l := range r.Links {
		u, err := url.Parse(l.URL)
		switch {
		case err == nil && u.Scheme == "tel":
			line("☎ " + telLine(l.Label, u.Opaque))
		case err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "":
			label := l.Label
			if label == "" {
				label = l.URL
			}
			rows = append(rows, []models.InlineKeyboardButton{{Text: label, URL: l.URL}})
		default:
			line(strings.TrimSpace(l.Label + " " + l.URL))
		}
	}
	var markup *models.InlineKeyboardMarkup
	if len(rows) > 0 {
		markup = &models.InlineKeyboardMarkup{InlineKeyboard: rows}
	}
	chunks := split(b.String(), maxText)
	if len(chunks) == 0 {
		if markup == nil {
			return nil
		}
		// Telegram refuses an empty text even under a keyboard.
		chunks = []string{"👇"}
	}
	msgs := make([]message, len(chunks))
	for i, s := range chunks {
		msgs[i].text = s
	}
	if img := r.Image; img != nil && photoURL(img.URL) {
		msgs = append(msgs, message{photo: img.URL, text: caption(img.Caption)})
	}
	msgs[len(msgs)-1].markup = markup
	return msgs
}

// photoURL reports whether u is a URL Telegram can fetch a photo from.
func photoURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}

// caption cuts s to Telegram's caption limit.
func caption(s string) string {
	if parts := split(s, maxCaption); len(parts) > 0 {
		return parts[0]
	}
	return ""
}

// telLine shows a telephone link: its label, with the number added when the
// label does not show it.
func telLine(label, number string) string {
	switch {
	case label == "":
		return number
	case number == "" || strings.Contains(digits(label), digits(number)):
		return label
	}
	return label + " " + number
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// split cuts text into pieces of at most max UTF-16 code units, preferring
// to cut at a line break, then at a space, never inside a rune.
func split(text string, max int) []string {
	var out []string
	text = strings.TrimSpace(text)
	for utf16Len(text) > max {
		cut, n := 0, 0
		for i, r := range text {
			if n+utf16.RuneLen(r) > max {
				break
			}
			n += utf16.RuneLen(r)
			cut = i + utf8.RuneLen(r)
		}
		if i := strings.LastIndexByte(text[:cut], '\n'); i > cut/2 {
			cut = i
		} else if i := strings.LastIndexByte(text[:cut], ' '); i > cut/2 {
			cut = i
		}
		if s := strings.TrimSpace(text[:cut]); s != "" {
			out = append(out, s)
		}
		text = strings.TrimSpace(text[cut:])
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// send sends one message to the event's chat and forum topic, with
// retries.
func (c *Channel) send(ctx context.Context, t *target, m message) error {
	if m.photo != "" {
		return c.sendPhoto(ctx, t, m)
	}
	p := &tgbot.SendMessageParams{
		ChatID:             t.chatID,
		MessageThreadID:    t.threadID,
		Text:               m.text,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: new(true)},
	}
	if m.markup != nil {
		p.ReplyMarkup = m.markup
	}
	err := c.call(ctx, "sendMessage", func(ctx context.Context) error {
		_, err := c.api.SendMessage(ctx, p)
		return err
	}, func() { c.count("retried") })
	return c.sent(err)
}

// sendPhoto sends a picture by its URL (Telegram fetches it), with its
// caption and keyboard.
func (c *Channel) sendPhoto(ctx context.Context, t *target, m message) error {
	p := &tgbot.SendPhotoParams{
		ChatID:          t.chatID,
		MessageThreadID: t.threadID,
		Photo:           &models.InputFileString{Data: m.photo},
		Caption:         m.text,
	}
	if m.markup != nil {
		p.ReplyMarkup = m.markup
	}
	err := c.call(ctx, "sendPhoto", func(ctx context.Context) error {
		_, err := c.api.SendPhoto(ctx, p)
		return err
	}, func() { c.count("retried") })
	return c.sent(err)
}

// sent counts a send's result.
func (c *Channel) sent(err error) error {
	switch {
	case errors.Is(err, bot.ErrDeliveryUnknown):
		c.count("unknown")
		return err
	case err != nil:
		c.count("failed")
		return err
	}
	c.count("sent")
	return nil
}

func (c *Channel) count(result string) {
	if c.metrics != nil {
		c.metrics.Reply("telegram", result)
	}
}

// call runs one API call, retrying a 429 after its retry_after (capped)
// and a 5xx or a connection error after a backoff, at most len(backoff)
// times; no try starts once ctx has ended. A 4xx other than 429 is final.
//
// sendMessage is not idempotent: when a try got no response at all but
// may have reached the API (a timeout, a cut connection; not a refused
// connection), the message may have been sent, and sending it again could
// show it twice. It is not retried, and the error wraps
// bot.ErrDeliveryUnknown.
func (c *Channel) call(ctx context.Context, method string, do func(context.Context) error, retried func()) error {
	var last error
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if last != nil {
				return errorf(method, 0, fmt.Errorf("%w (%w)", err, last))
			}
			return errorf(method, 0, err)
		}
		var status int
		err := do(withStatus(ctx, &status))
		if err == nil {
			return nil
		}
		last = err
		if (method == "sendMessage" || method == "sendPhoto") && status == 0 && mayHaveArrived(err) {
			return fmt.Errorf("%w: %w", bot.ErrDeliveryUnknown, errorf(method, status, err))
		}
		wait, again := retryAfter(ctx, status, err, attempt)
		if !again || attempt >= len(backoff) {
			return errorf(method, status, err)
		}
		if retried != nil {
			retried()
		}
		if serr := c.sleep(ctx, wait); serr != nil {
			return errorf(method, status, err)
		}
	}
}

// mayHaveArrived reports whether a call that failed without a response
// may still have reached the API: the request went out (a *url.Error other
// than a failure to connect).
func mayHaveArrived(err error) bool {
	var netErr *url.Error
	if !errors.As(err, &netErr) {
		return false // failed before sending (building the request)
	}
	var op *net.OpError
	return !errors.As(err, &op) || op.Op != "dial"
}

// retryAfter says whether a failed call is worth another try, and when.
func retryAfter(ctx context.Context, status int, err error, attempt int) (time.Duration, bool) {
	if ctx.Err() != nil {
		return 0, false
	}
	var tooMany *tgbot.TooManyRequestsError
	if errors.As(err, &tooMany) {
		if tooMany.RetryAfter > 0 {
			return min(time.Duration(tooMany.RetryAfter)*time.Second, maxRetryAfter), true
		}
		return backoff[min(attempt, len(backoff)-1)], true
	}
	// No status but a *url.Error: no response at all (refused, reset,
	// timed out).
	var netErr *url.Error
	if status >= 500 || (status == 0 && errors.As(err, &netErr)) {
		return backoff[min(attempt, len(backoff)-1)], true
	}
	return 0, false
}
