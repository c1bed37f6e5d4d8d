package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/vaxbot/vaxbot/bot"
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
}

// Channel is the Telegram channel.
type Channel struct {
	api     *tgbot.Bot
	secret  []byte
	log     *slog.Logger
	metrics *bot.Metrics
	// sleep waits between retries; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

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
	api, err := tgbot.New(cfg.Token, opts...)
	if err != nil {
		// The SDK's only error here is an empty token; never echo the token.
		return nil, errors.New("telegram: new: cannot build client")
	}
	return &Channel{
		api:     api,
		secret:  []byte(cfg.Secret),
		log:     log,
		metrics: cfg.Metrics,
		sleep:   sleep,
	}, nil
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
