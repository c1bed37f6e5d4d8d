package telegram

import (
	"context"
	"fmt"

	tgbot "github.com/go-telegram/bot"
)

// SendText sends a plain message to a chat, such as the operators' group
// that hears of new tickets. chatID is a numeric id or "@channelname".
func (c *Channel) SendText(ctx context.Context, chatID, text string) error {
	if _, err := c.api.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chatID, Text: text}); err != nil {
		return fmt.Errorf("telegram: send to operators: %w", err)
	}
	return nil
}
