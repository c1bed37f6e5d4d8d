package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vaxbot/vaxbot/bot/desk"
	"github.com/vaxbot/vaxbot/bot/desk/staff"
)

// runOperators manages the desk's accounts in the server's store:
// "operators add NAME --role operator|supervisor" and "operators reset
// NAME" print a one-time password that must be changed at first sign-in.
func runOperators(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("operators", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "operator", "operator or supervisor")
	lang := fs.String("lang", "en", "language of this command's output and of the new account's desk: en or zh-TW")
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 2
	}
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "SQLite data directory (VAXBOT_DATA_DIR)")
	say := func(w io.Writer, key string, kv ...string) {
		text, err := desk.Text(*lang, key, kv...)
		if err != nil {
			text = err.Error()
		}
		fmt.Fprintln(w, text)
	}
	if len(args) < 2 || (args[0] != "add" && args[0] != "reset") {
		say(stderr, "cli_usage")
		return 2
	}
	verb, name := args[0], args[1]
	if err := fs.Parse(args[2:]); err != nil || fs.NArg() != 0 || name == "" || name[0] == '-' {
		say(stderr, "cli_usage")
		return 2
	}
	r, ok := staff.ParseRole(*role)
	if !ok {
		say(stderr, "cli_bad_role", "role", *role)
		return 2
	}
	store, err := openTickets(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	defer store.Close()
	password, err := staff.NewPassword()
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	hash, err := staff.HashPassword(password)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	switch verb {
	case "add":
		roleWord, _ := desk.Text(*lang, "role_"+string(r))
		err = store.AddOperator(ctx, staff.Operator{Name: name, Role: r, PasswordHash: hash, MustChange: true, Lang: *lang, CreatedAt: time.Now()})
		switch {
		case errors.Is(err, staff.ErrExists):
			say(stderr, "cli_exists", "name", name)
			return 1
		case err != nil:
			fmt.Fprintln(stderr, "vaxbot:", err)
			return 1
		}
		say(stdout, "cli_added", "name", name, "role", roleWord, "password", password)
	case "reset":
		err = store.SetPassword(ctx, name, hash, true)
		if err == nil {
			err = store.DeleteSessions(ctx, name)
		}
		switch {
		case errors.Is(err, staff.ErrNotFound):
			say(stderr, "cli_no_operator", "name", name)
			return 1
		case err != nil:
			fmt.Fprintln(stderr, "vaxbot:", err)
			return 1
		}
		say(stdout, "cli_reset", "name", name, "password", password)
	}
	return 0
}
