package line

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/verify"
)

// replyWindow is how long after an event its reply token is used. LINE's
// tokens live about one minute; a margin keeps the last try inside it.
const replyWindow = 50 * time.Second

// maxAttempts bounds the tries of one API call.
const maxAttempts = 4

// ErrLost is wrapped when replies could not be delivered.
var ErrLost = errors.New("line: replies lost")

// Prepare arranges the loading animation when the person has just sent what
// looks like a card number, the step that runs a registry lookup: it is
// shown if the replies are not ready within Config.LoadingDelay. ctx, the
// event's, bounds the animation's call.
func (c *Channel) Prepare(ctx context.Context, ev bot.Event) {
	r, ok := ev.Reply.(replyTo)
	if !ok || ev.Input.Text == "" {
		return
	}
	if !twelveDigits(ev.Input.Text) {
		return // most messages: not worth parsing
	}
	if _, err := verify.ParseCardNumber(ev.Input.Text); err != nil {
		return
	}
	p := &pendingAnimation{done: make(chan struct{})}
	c.loading.Store(r.token, p)
	p.timer = time.AfterFunc(c.cfg.LoadingDelay, func() {
		defer close(p.done)
		defer c.loading.CompareAndDelete(r.token, p)
		if _, err := c.showLoading(ctx, r.userID); err != nil {
			c.cfg.Logger.Debug("line: loading animation failed", "err", err)
		}
	})
}

// twelveDigits reports whether text holds at least the 12 digits of a card
// number, in any script's digits: a quick test before the parser.
func twelveDigits(text string) bool {
	n := 0
	for _, r := range text {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n >= 12
}

// pendingAnimation is a loading animation waiting for its delay.
type pendingAnimation struct {
	timer *time.Timer
	done  chan struct{} // closed when the animation call has ended
}

// settleAnimation cancels the event's animation if it has not started, or
// waits until its call has ended, so that it never lands after the reply
// (it would then spin for nothing).
func (c *Channel) settleAnimation(token string) {
	v, ok := c.loading.LoadAndDelete(token)
	if !ok {
		return
	}
	if p := v.(*pendingAnimation); !p.timer.Stop() {
		<-p.done
	}
}

// Deliver answers an event with its reply token, retrying 429, 5xx and
// calls that went unanswered, with backoff that honours Retry-After, while
// the token is fresh: a reply token is used once, so a retry never says
// anything twice. When it is stale, it pushes if PushFallback is set;
// otherwise the loss is counted.
//
// A try that went unanswered (a timeout, a cut connection) may have been
// delivered. When a later try is then refused for an invalid reply token,
// the token was used by that try: the reply arrived, and is counted
// "delivered_after_timeout", never pushed. When no try is answered, the
// reply may or may not have arrived: it is counted "unknown", never pushed,
// and the error wraps bot.ErrDeliveryUnknown.
func (c *Channel) Deliver(ctx context.Context, ev bot.Event, replies []dialogs.Reply) error {
	r, ok := ev.Reply.(replyTo)
	if !ok {
		return fmt.Errorf("line: deliver: event without reply context: %w", ErrLost)
	}
	c.settleAnimation(r.token)
	defer c.linkRichMenu(r.userID, replies)
	msgs := c.cache.get(replies)
	if len(msgs) == 0 {
		return nil
	}
	deadline := r.received.Add(replyWindow)
	if r.token != "" && c.cfg.Now().Before(deadline) {
		unanswered, err := c.retry(ctx, deadline, func() (*http.Response, error) { return c.reply(ctx, r.token, msgs) })
		var se *statusError
		isStatus := errors.As(err, &se)
		switch {
		case err == nil:
			c.cfg.Metrics.Reply("line", "sent")
			return nil
		case unanswered && isStatus && se.status == http.StatusBadRequest && invalidToken(se):
			c.cfg.Metrics.Reply("line", "delivered_after_timeout")
			return nil
		case unanswered && !(isStatus && se.status == http.StatusBadRequest):
			c.cfg.Metrics.Reply("line", "unknown")
			return fmt.Errorf("line: reply: %w: %w", bot.ErrDeliveryUnknown, err)
		}
		tokenGone := errors.Is(err, errTokenWindow) || (isStatus && se.status == http.StatusBadRequest)
		if !tokenGone {
			c.cfg.Metrics.Reply("line", "failed")
			return fmt.Errorf("line: reply: %w: %w", ErrLost, err)
		}
	}
	if !c.cfg.PushFallback {
		// A token used too late; the reply is lost. Nothing personal is
		// logged: the caller logs the channel and the event type.
		c.cfg.Metrics.Reply("line", "expired")
		return fmt.Errorf("line: reply token expired and push fallback is off: %w", ErrLost)
	}
	return c.pushOnce(ctx, r.userID, msgs)
}

// pushOnce pushes msgs to a chat, retried with one X-Line-Retry-Key so
// that LINE accepts it once (a retry of a push that arrived is refused
// with 409: delivered), and counts the outcome: pushed, delivered after a
// timeout, unknown (no try answered; the error wraps
// bot.ErrDeliveryUnknown) or failed (it wraps ErrLost).
func (c *Channel) pushOnce(ctx context.Context, to string, msgs []messaging_api.MessageInterface) error {
	key := retryKey()
	unanswered, err := c.retry(ctx, time.Time{}, func() (*http.Response, error) { return c.push(ctx, to, msgs, key) })
	var se *statusError
	switch {
	case err == nil:
		c.cfg.Metrics.Reply("line", "pushed")
		return nil
	case errors.As(err, &se) && se.status == http.StatusConflict:
		c.cfg.Metrics.Reply("line", "delivered_after_timeout")
		return nil
	case unanswered:
		c.cfg.Metrics.Reply("line", "unknown")
		return fmt.Errorf("line: push: %w: %w", bot.ErrDeliveryUnknown, err)
	}
	c.cfg.Metrics.Reply("line", "failed")
	return fmt.Errorf("line: push: %w: %w", ErrLost, err)
}

// invalidToken reports whether the API refused a reply for its token
// ("Invalid reply token"): already used, or expired.
func invalidToken(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "invalid reply token")
}

// mayHaveArrived reports whether a call that failed without a response may
// still have reached the API: any failure but one to connect.
func mayHaveArrived(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	return !errors.Is(err, fasthttp.ErrDialTimeout) && !errors.Is(err, fasthttp.ErrNoFreeConns)
}

// The Messaging API's endpoints that Deliver and Prepare call.
const (
	replyPath   = "/v2/bot/message/reply"
	pushPath    = "/v2/bot/message/push"
	loadingPath = "/v2/bot/chat/loading/start"
)

// The API calls are the SDK's …WithHttpInfo methods, made through the SDK's
// client (its endpoint, token and headers: MessagingApiAPI.Url and Do) with
// a request that carries the event's context, so that the dispatcher's
// timeout and shutdown end a call that hangs. The SDK's own methods take no
// context, and its WithContext would change the client every event shares.
// With the client NewHTTPClient builds, the same requests go to fasthttp's
// client directly (fastCaller; TestFastCallIsTheSDKsRequest).

// reply sends the reply with the request body written from the cached
// encodings of the messages: byte for byte the body the SDK sends
// (TestReplyBodyIsTheSDKs). The SDK would encode the cached messages again
// and compact the JSON twice over, the costliest step of a reply (README,
// "The server under load").
func (c *Channel) reply(ctx context.Context, token string, msgs []messaging_api.MessageInterface) (*http.Response, error) {
	// The answer (the sent messages' ids) is not read: once LINE said 200
	// the reply arrived, whatever the body.
	if c.fast != nil {
		return c.fast.callAppend(ctx, c.replyURL, nil, func(b []byte) ([]byte, error) { return appendReplyBody(b, token, msgs) })
	}
	body, err := replyBody(token, msgs)
	if err != nil {
		return nil, err
	}
	return c.call(ctx, replyPath, body, nil, nil)
}

// push is the SDK's PushMessageWithHttpInfo with ctx; key is the
// X-Line-Retry-Key that makes LINE send a retried push once.
func (c *Channel) push(ctx context.Context, to string, msgs []messaging_api.MessageInterface, key string) (*http.Response, error) {
	body, err := sdkJSON(&messaging_api.PushMessageRequest{To: to, Messages: msgs})
	if err != nil {
		return nil, err
	}
	return c.call(ctx, pushPath, body, http.Header{"X-Line-Retry-Key": {key}}, &messaging_api.PushMessageResponse{})
}

// showLoading is the SDK's ShowLoadingAnimationWithHttpInfo with ctx.
func (c *Channel) showLoading(ctx context.Context, chatID string) (*http.Response, error) {
	body, err := sdkJSON(&messaging_api.ShowLoadingAnimationRequest{ChatId: chatID, LoadingSeconds: 5})
	if err != nil {
		return nil, err
	}
	return c.call(ctx, loadingPath, body, nil, &map[string]any{})
}

// sdkJSON encodes a request as the SDK does (json.Encoder: a final newline).
func sdkJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// call POSTs body to path through the SDK's client with ctx and decodes the
// answer into out, as the SDK's methods do: a status other than 2xx is an
// error that quotes the API's answer, returned with the response.
func (c *Channel) call(ctx context.Context, path string, body []byte, header http.Header, out any) (*http.Response, error) {
	if c.fast != nil {
		return c.fast.call(ctx, c.api.Url(path), body, header)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.api.Url(path), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	res, err := c.api.Do(req)
	if err != nil {
		return res, err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return res, fmt.Errorf("unexpected status code: %d, %s", res.StatusCode, b)
	}
	if out == nil {
		return res, nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return res, fmt.Errorf("failed to decode JSON: %w", err)
	}
	return res, nil
}

// replyBody is the JSON of a ReplyMessageRequest as the SDK writes it.
func replyBody(token string, msgs []messaging_api.MessageInterface) ([]byte, error) {
	size := 64 + len(token)
	for _, m := range msgs {
		if e, ok := m.(encoded); ok {
			size += len(e.raw) + 1
		}
	}
	return appendReplyBody(make([]byte, 0, size), token, msgs)
}

// appendReplyBody appends replyBody's bytes to b.
func appendReplyBody(b []byte, token string, msgs []messaging_api.MessageInterface) ([]byte, error) {
	b = append(b, `{"replyToken":`...)
	b, err := appendJSONString(b, token)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"notificationDisabled":false,"messages":[`...)
	for i, m := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		if e, ok := m.(encoded); ok {
			b = append(b, e.raw...) // compact already: json.Marshal wrote it
			continue
		}
		raw, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		b = append(b, raw...)
	}
	return append(b, "]}\n"...), nil
}

// appendJSONString appends s as json.Marshal writes a string. Reply tokens
// are letters and digits, written as they are; anything else is left to
// json.Marshal (escapes, invalid UTF-8).
func appendJSONString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			q, err := json.Marshal(s)
			return append(b, q...), err
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

// statusError is a final answer of the API (4xx other than 429).
type statusError struct {
	status int
	err    error
}

// Error says the status and the API's error.
func (e *statusError) Error() string { return fmt.Sprintf("status %d: %v", e.status, e.err) }

// Unwrap returns the API's error.
func (e *statusError) Unwrap() error { return e.err }

// errTokenWindow says the reply token's window closed during retries.
var errTokenWindow = errors.New("reply window closed")

// retry calls do until it succeeds, fails for good (4xx other than 429), the
// tries run out, ctx ends, or the next try would start after deadline (when
// set). No try starts once ctx has ended. unanswered reports whether some
// try got no response and may have reached the API. The API's error text
// may quote the request, never the person's data: messages hold only
// masked numbers.
func (c *Channel) retry(ctx context.Context, deadline time.Time, do func() (*http.Response, error)) (unanswered bool, err error) {
	backoff := 200 * time.Millisecond
	var last error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if last != nil {
				return unanswered, fmt.Errorf("%w (%w)", err, last)
			}
			return unanswered, err
		}
		res, err := do()
		if err == nil {
			return unanswered, nil
		}
		if res == nil && mayHaveArrived(err) {
			unanswered = true
		}
		if ctx.Err() != nil {
			// Cancelled or timed out: no further try.
			return unanswered, fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		last = err
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		if status != 0 && status != http.StatusTooManyRequests && status < 500 {
			return unanswered, &statusError{status: status, err: err}
		}
		if attempt == maxAttempts {
			return unanswered, fmt.Errorf("after %d tries: %w", attempt, last)
		}
		wait := backoff
		if res != nil {
			if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s >= 0 {
				wait = time.Duration(s) * time.Second
			}
		}
		if !deadline.IsZero() && c.cfg.Now().Add(wait).After(deadline) {
			return unanswered, errTokenWindow
		}
		c.cfg.Metrics.Reply("line", "retried")
		select {
		case <-ctx.Done():
			return unanswered, fmt.Errorf("%w (%w)", ctx.Err(), last)
		case <-time.After(wait):
		}
		backoff *= 3
	}
}

// retryKey is a random UUID for X-Line-Retry-Key, so LINE sends a retried
// push once.
func retryKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
