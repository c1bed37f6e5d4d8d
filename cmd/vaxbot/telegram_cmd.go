package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/vaxbot/vaxbot/bot/telegram"
)

// runTelegram is "vaxbot telegram setup": the bot's command menu
// (setMyCommands) in every language of the conversation, from
// VAXBOT_TELEGRAM_TOKEN (and VAXBOT_TELEGRAM_API_BASE). Running it again
// sets the same lists.
func runTelegram(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "setup" {
		fmt.Fprintln(stderr, "usage: vaxbot telegram setup")
		return 2
	}
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 2
	}
	if cfg.TelegramToken == "" {
		fmt.Fprintln(stderr, "vaxbot: telegram setup needs VAXBOT_TELEGRAM_TOKEN")
		return 2
	}
	ch, err := telegram.New(telegram.Config{Token: cfg.TelegramToken, APIBase: cfg.TelegramAPIBase})
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	codes, err := ch.SetCommands(ctx)
	for i, c := range codes {
		if c == "" {
			codes[i] = "default"
		}
	}
	if len(codes) > 0 {
		fmt.Fprintf(stdout, "commands set: %s\n", strings.Join(codes, ", "))
	}
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	return 0
}
