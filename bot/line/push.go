package line

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

var _ bot.Pusher = (*Channel)(nil)

// Push sends replies to a person outside any event (a reminder), by the
// push API, once: a retried push carries the same X-Line-Retry-Key. Only
// one-to-one chats ("line:U…") are pushed to.
func (c *Channel) Push(ctx context.Context, person string, replies []dialogs.Reply) error {
	user, ok := strings.CutPrefix(person, "line:")
	if !ok || user == "" || strings.Contains(user, ":") {
		return errors.New("line: push: not a one-to-one chat")
	}
	msgs := c.cache.get(replies)
	if len(msgs) == 0 {
		return nil
	}
	key := retryKey()
	_, err := c.retry(ctx, time.Time{}, func() (*http.Response, error) { return c.push(ctx, user, msgs, key) })
	var se *statusError
	switch {
	case err == nil:
		c.cfg.Metrics.Reply("line", "pushed")
		return nil
	case errors.As(err, &se) && se.status == http.StatusConflict:
		c.cfg.Metrics.Reply("line", "delivered_after_timeout")
		return nil
	}
	c.cfg.Metrics.Reply("line", "failed")
	return fmt.Errorf("line: push: %w", err)
}
