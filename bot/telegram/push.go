package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

var _ bot.Pusher = (*Channel)(nil)

// Push sends replies to a person outside any event (a reminder): each
// reply as Deliver sends it, to the private chat of the session key
// "telegram:<chat>:<user>".
func (c *Channel) Push(ctx context.Context, person string, replies []dialogs.Reply) error {
	rest, ok := strings.CutPrefix(person, "telegram:")
	chat, user, ok2 := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(chat, 10, 64)
	if !ok || !ok2 || err != nil || chat != user {
		return errors.New("telegram: push: not a private chat")
	}
	t := &target{chatID: id}
	for i, r := range replies {
		if err := c.sendReply(ctx, t, r); err != nil {
			return fmt.Errorf("telegram: push: reply %d of %d: %w", i+1, len(replies), err)
		}
	}
	return nil
}
