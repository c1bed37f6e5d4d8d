package line

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

// Config sets up the LINE channel.
type Config struct {
	// Secret is the channel secret that signs webhooks.
	Secret string
	// Token is the channel access token for the Messaging API.
	Token string
	// APIBase is the Messaging API endpoint (LINE's when empty; tests point
	// it at a fake server).
	APIBase string
	// PushFallback allows a push message when the reply token has expired.
	PushFallback bool
	// HTTPClient sends API calls (a client with a 10 s timeout when nil).
	HTTPClient *http.Client
	Metrics    *bot.Metrics
	Logger     *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// LoadingDelay is how long a registry lookup may take before the
	// loading animation is shown (DefaultLoadingDelay when 0): a quick
	// answer needs no animation, and skipping it saves an API call.
	LoadingDelay time.Duration
	// RichMenus, when set, links a person to their language's rich menu
	// (set up by vaxbot line richmenu) when they choose a language.
	RichMenus *RichMenus
}

// DefaultLoadingDelay is the default Config.LoadingDelay.
const DefaultLoadingDelay = 300 * time.Millisecond

// Channel is the LINE channel. It is safe for concurrent use.
type Channel struct {
	cfg  Config
	api  *messaging_api.MessagingApiAPI
	fast *fastCaller // nil: calls go through the SDK's http.Client
	// replyURL is the reply endpoint's URL, as the SDK's client writes it.
	replyURL string
	// macs are HMAC-SHA256 states keyed with the channel secret, reused
	// from webhook to webhook (Authenticate).
	macs    sync.Pool
	cache   renderCache
	loading sync.Map // reply token → *pendingAnimation
}

// New builds the channel; it makes no network call.
func New(cfg Config) (*Channel, error) {
	if cfg.Secret == "" || cfg.Token == "" {
		return nil, errors.New("line: channel secret and access token are required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = NewHTTPClient(cfg.APIBase)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = bot.NewMetrics()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LoadingDelay <= 0 {
		cfg.LoadingDelay = DefaultLoadingDelay
	}
	// The client is shared and never given a context (WithContext mutates
	// it, a data race); the HTTP client's timeout bounds each call.
	opts := []messaging_api.MessagingApiAPIOption{messaging_api.WithHTTPClient(cfg.HTTPClient)}
	if cfg.APIBase != "" {
		opts = append(opts, messaging_api.WithEndpoint(cfg.APIBase))
	}
	api, err := messaging_api.NewMessagingApiAPI(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("line: client: %w", err)
	}
	c := &Channel{cfg: cfg, api: api, fast: newFastCaller(cfg.HTTPClient, cfg.Token), replyURL: api.Url(replyPath)}
	secret := []byte(cfg.Secret)
	c.macs.New = func() any { return hmac.New(sha256.New, secret) }
	return c, nil
}

// Name implements bot.Channel.
func (c *Channel) Name() string { return "line" }

// Authenticate checks X-Line-Signature (HMAC-SHA256 of the body with the
// channel secret) in constant time, as the SDK's webhook.ValidateSignature
// does (FuzzAuthenticateMatchesSDK), with a MAC from a pool instead of a
// new one keyed afresh for every webhook.
func (c *Channel) Authenticate(header func(string) string, body []byte) bool {
	sig := header("X-Line-Signature")
	if sig == "" {
		return false
	}
	decoded, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := c.macs.Get().(hash.Hash)
	mac.Reset()
	mac.Write(body)
	var sum [sha256.Size]byte
	ok := hmac.Equal(decoded, mac.Sum(sum[:0]))
	c.macs.Put(mac)
	return ok
}

// replyTo is what Deliver needs to answer one event.
type replyTo struct {
	token string
	// userID is where a push goes (and the loading animation shows): the
	// person's user id, or for a group or a room, its id.
	userID   string
	received time.Time
}

// Decode parses a webhook body into events. From one-to-one chats: text
// messages, postbacks and follows; stickers as dialogs.EventSticker,
// images as dialogs.EventPhoto, and videos, audio, files and locations as
// dialogs.EventUnsupported (nothing of them is fetched). From groups and rooms, where others read along, only a text
// that mentions the bot and a postback give an event, and it is Shared:
// the conversation answers with a note on talking privately, never a form.
// Everything else (other group messages, standby mode, unfollow, join…)
// yields no event, so the server answers 200 and LINE does not redeliver
// it. Each event carries its timestamp (bot.Event.At), which the server
// checks against its replay window.
func (c *Channel) Decode(body []byte) ([]bot.Event, error) {
	return decode(body, c.cfg.Now())
}

func decode(body []byte, now time.Time) ([]bot.Event, error) {
	events, err := rawEvents(body)
	if err != nil {
		return nil, fmt.Errorf("line: decode: %w: %v", bot.ErrBadRequest, err)
	}
	var out []bot.Event
	for _, raw := range events {
		if ev, keep, ok := fastEvent(raw); ok {
			if keep {
				r := ev.Reply.(replyTo)
				r.received = now
				ev.Reply = r
				out = append(out, ev)
			}
			continue
		}
		e, err := decodeEvent(raw)
		if err != nil {
			return nil, fmt.Errorf("line: decode: %w: %v", bot.ErrBadRequest, err)
		}
		ev, ok := event(e)
		if !ok {
			continue
		}
		r := ev.Reply.(replyTo)
		r.received = now
		ev.Reply = r
		out = append(out, ev)
	}
	return out, nil
}

// timestampOf is when LINE says an event happened (its timestamp, in
// milliseconds), for the server's replay window; the zero time when it
// does not say.
func timestampOf(e webhook.EventInterface) time.Time {
	var ms int64
	switch e := e.(type) {
	case webhook.MessageEvent:
		ms = e.Timestamp
	case webhook.PostbackEvent:
		ms = e.Timestamp
	case webhook.FollowEvent:
		ms = e.Timestamp
	}
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// event turns one SDK event into a bot.Event. The SDK stores events as
// values, and the embedded Event's copies of the common fields stay empty:
// read the outer ones.
func event(e webhook.EventInterface) (bot.Event, bool) {
	var ev bot.Event
	var src webhook.SourceInterface
	var token string
	var mentioned bool // a text that mentions the bot
	switch e := e.(type) {
	case webhook.MessageEvent:
		if e.Mode == webhook.EventMode_STANDBY {
			return ev, false
		}
		switch m := e.Message.(type) {
		case webhook.TextMessageContent:
			ev = bot.Event{ID: e.WebhookEventId, Type: "text", Input: dialogs.Input{Text: m.Text}}
			mentioned = mentionsSelf(m.Mention)
		case webhook.StickerMessageContent:
			ev = bot.Event{ID: e.WebhookEventId, Type: "unsupported", Input: dialogs.Input{Event: dialogs.EventSticker}}
		case webhook.ImageMessageContent:
			ev = bot.Event{ID: e.WebhookEventId, Type: "unsupported", Input: dialogs.Input{Event: dialogs.EventPhoto}}
		case webhook.VideoMessageContent, webhook.AudioMessageContent, webhook.FileMessageContent, webhook.LocationMessageContent:
			ev = bot.Event{ID: e.WebhookEventId, Type: "unsupported", Input: dialogs.Input{Event: dialogs.EventUnsupported}}
		default:
			return ev, false
		}
		src, token = e.Source, e.ReplyToken
	case webhook.PostbackEvent:
		if e.Postback == nil || e.Mode == webhook.EventMode_STANDBY {
			return ev, false
		}
		ev = bot.Event{ID: e.WebhookEventId, Type: "postback", Input: dialogs.Input{Payload: e.Postback.Data}}
		src, token = e.Source, e.ReplyToken
	case webhook.FollowEvent:
		if e.Mode == webhook.EventMode_STANDBY {
			return ev, false
		}
		ev = bot.Event{ID: e.WebhookEventId, Type: "follow", Input: dialogs.Input{Event: dialogs.EventFollow}}
		src, token = e.Source, e.ReplyToken
	default:
		return ev, false
	}
	ev.At = timestampOf(e)
	switch s := src.(type) {
	case webhook.UserSource:
		if s.UserId == "" {
			return ev, false
		}
		ev.Input.Person = "line:" + s.UserId
		ev.Reply = replyTo{token: token, userID: s.UserId}
		return ev, true
	case webhook.GroupSource:
		return shared(ev, s.GroupId, s.UserId, token, mentioned)
	case webhook.RoomSource:
		return shared(ev, s.RoomId, s.UserId, token, mentioned)
	}
	return ev, false
}

// shared makes ev an event from a group or room chatID: a text that
// mentions the bot, or a postback, becomes a Shared input with nothing a
// form could take (no text, no payload); anything else gives no event. The
// person's key holds the chat and the user, so no two people of a group
// share one, though a Shared input opens no session.
func shared(ev bot.Event, chatID, userID, token string, mentioned bool) (bot.Event, bool) {
	if chatID == "" || !(ev.Type == "postback" || ev.Type == "text" && mentioned) {
		return ev, false
	}
	ev.Input = dialogs.Input{Person: "line:" + chatID + ":" + userID, Shared: true}
	ev.Reply = replyTo{token: token, userID: chatID}
	return ev, true
}

// mentionsSelf reports whether a text's mentions name the bot itself
// (isSelf); "@All" does not.
func mentionsSelf(m *webhook.Mention) bool {
	if m == nil {
		return false
	}
	for _, who := range m.Mentionees {
		switch u := who.(type) {
		case webhook.UserMentionee:
			if u.IsSelf {
				return true
			}
		case *webhook.UserMentionee:
			if u != nil && u.IsSelf {
				return true
			}
		}
	}
	return false
}
