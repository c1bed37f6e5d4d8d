package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

// SecretHeader is the header in which Telegram echoes the webhook's
// secret_token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Config sets up a Channel.
type Config struct {
	// Token is the bot token from BotFather.
	Token string
	// Secret is the webhook's secret_token; when empty every request is
	// rejected.
	Secret string
	// APIBase is the Bot API's base URL (default https://api.telegram.org).
	APIBase string
	// HTTPClient sends API requests (default: a client with a 10 s timeout).
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Metrics, when set, counts replies sent, retried and failed.
	Metrics *bot.Metrics
	// Words are the conversation's words, for what the channel itself
	// says (the notice after deleting a message that held a number); the
	// shipped words when nil.
	Words *dialogs.Words
	// Username is the bot's username ("vaxbot_tw_bot", an "@" before it
	// is dropped), which commands in groups name and the deep link to a
	// private chat holds. When empty, the first group event that needs it
	// asks the API (getMe) and the answer is kept.
	Username string
}

// Channel is the Telegram channel.
type Channel struct {
	words   *dialogs.Words
	api     *tgbot.Bot
	secret  []byte
	log     *slog.Logger
	metrics *bot.Metrics
	// sleep waits between retries; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error

	// username is the bot's username once known (*string).
	username atomic.Pointer[string]
	// meMu makes one getMe call at a time; meFailed is when the last one
	// failed, so that an outage is not asked about on every group event.
	meMu     sync.Mutex
	meFailed time.Time
}

// getMe's bounds: how long one call may take, and how long after a failed
// one the next is made.
const (
	getMeTimeout = 5 * time.Second
	getMeRetry   = time.Minute
)

var (
	_ bot.Channel  = (*Channel)(nil)
	_ bot.Preparer = (*Channel)(nil)
)

// New builds a Channel. It makes no network call.
func New(cfg Config) (*Channel, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("telegram: new: empty token")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(hc.Timeout, statusClient{hc}),
		// The SDK reports only transport trouble here (closing a body);
		// its default handler would print to the standard logger.
		tgbot.WithErrorsHandler(func(err error) { log.Debug("telegram: sdk", "err", err) }),
		tgbot.WithDefaultHandler(func(context.Context, *tgbot.Bot, *models.Update) {}),
	}
	if cfg.APIBase != "" {
		opts = append(opts, tgbot.WithServerURL(strings.TrimRight(cfg.APIBase, "/")))
	}
	username := strings.TrimPrefix(strings.TrimSpace(cfg.Username), "@")
	if !validUsername(username) {
		return nil, errors.New("telegram: new: a username has 1-64 letters, digits and underscores")
	}
	api, err := tgbot.New(cfg.Token, opts...)
	if err != nil {
		// The SDK's only error here is an empty token; never echo the token.
		return nil, errors.New("telegram: new: cannot build client")
	}
	words := cfg.Words
	if words == nil {
		if words, err = dialogs.DefaultWords(); err != nil {
			return nil, fmt.Errorf("telegram: new: %w", err)
		}
	}
	c := &Channel{
		words:   words,
		api:     api,
		secret:  []byte(cfg.Secret),
		log:     log,
		metrics: cfg.Metrics,
		sleep:   sleep,
	}
	if username != "" {
		c.username.Store(&username)
	}
	return c, nil
}

// validUsername reports whether s can be a bot's username ("" is: none
// configured). Telegram's are 5-32 characters; the bound here is looser,
// only to keep the deep link a plain URL.
func validUsername(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// knownUsername is the bot's username, or "" while it is not known.
func (c *Channel) knownUsername() string {
	if p := c.username.Load(); p != nil {
		return *p
	}
	return ""
}

// botUsername returns the bot's username, asking the API once (getMe,
// bounded by ctx and getMeTimeout) when it is not known. It returns ""
// when the API cannot tell; it is asked again a minute later at the
// earliest.
func (c *Channel) botUsername(ctx context.Context) string {
	if u := c.knownUsername(); u != "" {
		return u
	}
	c.meMu.Lock()
	defer c.meMu.Unlock()
	if u := c.knownUsername(); u != "" {
		return u
	}
	if !c.meFailed.IsZero() && time.Since(c.meFailed) < getMeRetry {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, getMeTimeout)
	defer cancel()
	var status int
	me, err := c.api.GetMe(withStatus(ctx, &status))
	if err == nil && (me == nil || !validUsername(me.Username) || me.Username == "") {
		err = errors.New("no usable username in the answer")
	}
	if err != nil {
		c.meFailed = time.Now()
		c.log.Warn("telegram: the bot's username is unknown: group notes go without the link", "err", errorf("getMe", status, err))
		return ""
	}
	u := me.Username
	c.username.Store(&u)
	return u
}

// Name is the channel's path segment and metric label.
func (c *Channel) Name() string { return "telegram" }

// Authenticate compares the secret token header with the configured secret
// in constant time. With no secret configured nothing is accepted.
func (c *Channel) Authenticate(header func(name string) string, _ []byte) bool {
	if len(c.secret) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(header(SecretHeader)), c.secret) == 1
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// statusClient records the HTTP status of each API call in the request's
// context, because the SDK turns a 5xx into an untyped error and retrying
// depends on telling a server error from a refusal.
type statusClient struct{ c *http.Client }

type statusKey struct{}

// Do sends the request and notes the HTTP status where the caller asked.
func (s statusClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := s.c.Do(req)
	if p, ok := req.Context().Value(statusKey{}).(*int); ok && resp != nil {
		*p = resp.StatusCode
	}
	return resp, err
}

func withStatus(ctx context.Context, status *int) context.Context {
	return context.WithValue(ctx, statusKey{}, status)
}

// errorf wraps err with a prefix, after dropping SDK error text that can
// hold a response body.
func errorf(prefix string, status int, err error) error {
	if strings.HasPrefix(err.Error(), "error decode response") {
		return fmt.Errorf("%s: unreadable API response (HTTP %d)", prefix, status)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}
