package main

import (
	"log/slog"

	"github.com/vaxbot/vaxbot/bot/desk"
	"github.com/vaxbot/vaxbot/bot/sqlstore"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// newDesk builds the operators' desk on the ticket store (which also keeps
// the accounts, sessions, audit and notes), its tickets through tks (the
// same store, claims timed), with the engine's sentences and the hotline
// directory's names.
func newDesk(cfg serveConfig, store *sqlstore.Store, tks tickets.Store, hasher *tickets.Hasher, sealer *tickets.Sealer, engine *dialogs.Engine, hub *desk.Hub, logger *slog.Logger) (*desk.Desk, error) {
	dir, err := dialogs.DefaultDirectory()
	if cfg.Hotlines != "" {
		dir, err = dialogs.LoadDirectory(cfg.Hotlines)
	}
	if err != nil {
		return nil, err
	}
	return desk.New(desk.Config{
		Tickets: tks, Staff: store, Hasher: hasher, Sealer: sealer, Hub: hub, Logger: logger, Votes: store,
		ItemTitle:  func(lang, item string) string { return engine.ItemTitle(dialogs.Lang(lang), item) },
		ReasonText: func(lang, reason string) string { return engine.ReasonText(dialogs.Lang(lang), reason) },
		LineName: func(lang, line string) string {
			if !dir.HasLine(line) {
				return ""
			}
			return dir.Line(line).Name[dialogs.Lang(lang)]
		},
		CountyName: func(lang, code string) string {
			c, ok := dir.County(code)
			if !ok {
				return ""
			}
			return c.Name[dialogs.Lang(lang)]
		},
	})
}
