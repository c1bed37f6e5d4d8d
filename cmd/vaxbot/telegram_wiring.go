package main

import (
	"log/slog"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/bot/telegram"
)

// telegramChannel returns the Telegram channel, or nil when it has no
// credentials.
func telegramChannel(cfg serveConfig, metrics *bot.Metrics, logger *slog.Logger) (bot.Channel, error) {
	if cfg.TelegramToken == "" || cfg.TelegramSecret == "" {
		return nil, nil
	}
	return telegram.New(telegram.Config{
		Token: cfg.TelegramToken, Secret: cfg.TelegramSecret, APIBase: cfg.TelegramAPIBase,
		Username: cfg.TelegramUsername, Metrics: metrics, Logger: logger,
	})
}
