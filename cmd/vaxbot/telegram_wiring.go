package main

import (
	"log/slog"

	"github.com/vaxbot/vaxbot/bot"
)

// telegramChannel returns the Telegram channel, or nil when it has no
// credentials.
func telegramChannel(cfg serveConfig, metrics *bot.Metrics, logger *slog.Logger) (bot.Channel, error) {
	return nil, nil
}
