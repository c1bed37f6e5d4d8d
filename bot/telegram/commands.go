package telegram

import (
	"context"
	"fmt"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// botCommands are the commands Decode understands, as Telegram lists them
// in its menu, each with the key of its description.
var botCommands = []struct{ name, key string }{
	{"start", dialogs.WordCommandStart},
	{"menu", dialogs.WordCommandMenu},
	{"check", dialogs.WordCommandCheck},
	{"person", dialogs.WordCommandPerson},
	{"lang", dialogs.WordCommandLang},
}

// CommandList is one setMyCommands call: the language_code ("" for the
// default list) and the commands.
type CommandList struct {
	LanguageCode string
	Commands     []models.BotCommand
}

// CommandLists are the command lists to set: the default one in English,
// and one per language of the conversation under its two-letter code
// (Telegram's language_code is ISO 639-1: zh-TW is "zh").
func (c *Channel) CommandLists() []CommandList {
	list := func(lang dialogs.Lang) []models.BotCommand {
		out := make([]models.BotCommand, 0, len(botCommands))
		for _, bc := range botCommands {
			out = append(out, models.BotCommand{Command: bc.name, Description: c.words.T(lang, bc.key)})
		}
		return out
	}
	lists := []CommandList{{LanguageCode: "", Commands: list(knowledge.En)}}
	for _, l := range knowledge.Langs {
		code, _, _ := strings.Cut(string(l), "-")
		lists = append(lists, CommandList{LanguageCode: code, Commands: list(l)})
	}
	return lists
}

// SetCommands sets the bot's command menu (setMyCommands) for every list
// of CommandLists, in order. Each call replaces what it sets, so running
// it again is harmless. It returns the language codes it set.
func (c *Channel) SetCommands(ctx context.Context) ([]string, error) {
	var done []string
	for _, l := range c.CommandLists() {
		p := &tgbot.SetMyCommandsParams{Commands: l.Commands, LanguageCode: l.LanguageCode}
		err := c.call(ctx, "setMyCommands", func(ctx context.Context) error {
			_, err := c.api.SetMyCommands(ctx, p)
			return err
		}, nil)
		if err != nil {
			return done, fmt.Errorf("telegram: commands %q: %w", l.LanguageCode, err)
		}
		done = append(done, l.LanguageCode)
	}
	return done, nil
}
