package line

import (
	"context"
	"errors"
	"strings"

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
	return c.pushOnce(ctx, user, msgs)
}
