package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/knowledge"
)

// chatPerson is the session key of the terminal conversation.
const chatPerson = "cli:local"

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "zh-TW", "language to start in: zh-TW, en, vi, id, th or tl")
	registry := fs.String("registry", "", "registry CSV file (default: the embedded demo registry)")
	hotlines := fs.String("hotlines", "", "hotline directory TOML file (default: the shipped directory)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vaxbot chat [--lang zh-TW|en|vi|id|th|tl] [--registry FILE|demo] [--hotlines FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	l, ok := knowledge.ParseLang(*lang)
	if !ok || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 2
	}
	quiet := slog.New(slog.DiscardHandler)
	hasher, err := hasherFrom(cfg.HashKey, quiet)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 2
	}
	engine, err := buildEngine(engineOptions{registry: *registry, hotlines: *hotlines, hasher: hasher})
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	conv := dialogs.NewConversation(engine, dialogs.NewMemoryStore(0))
	// Handoffs open tickets in the store serve uses (VAXBOT_DATABASE_URL,
	// else SQLite in VAXBOT_DATA_DIR), so "vaxbot tickets show REF" finds
	// a reference given here; with VAXBOT_DATA_KEY a call-back is offered.
	store, err := openTickets(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	defer store.Close()
	conv.Tickets = store
	if cfg.DataKey != "" {
		key, err := tickets.ParseKey(cfg.DataKey)
		if err == nil {
			conv.Sealer, err = tickets.NewSealer(key)
		}
		if err != nil {
			fmt.Fprintln(stderr, "vaxbot: VAXBOT_DATA_KEY:", err)
			return 2
		}
	}
	interactive := isTerminal(stdin)

	send := func(in dialogs.Input) ([]dialogs.Choice, error) {
		replies, err := conv.Handle(ctx, in)
		if err != nil {
			// The person still gets the apology the conversation gives
			// for a failure; the cause goes to stderr.
			fmt.Fprintln(stderr, "vaxbot:", err)
			if len(replies) == 0 {
				return nil, err
			}
		}
		choices, err := dialogs.RenderText(stdout, replies)
		fmt.Fprintln(stdout)
		return choices, err
	}
	choices, err := send(dialogs.Input{Person: chatPerson, Event: dialogs.EventStart, LangHint: l})
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if interactive {
			fmt.Fprint(stdout, "> ")
		}
		if !sc.Scan() {
			break
		}
		if ctx.Err() != nil {
			break
		}
		in := dialogs.Input{Person: chatPerson}
		line := strings.TrimSpace(sc.Text())
		if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(choices) {
			in.Payload = choices[n-1].Payload
		} else {
			in.Text = line
		}
		if !interactive {
			// Echo piped input so a transcript reads as a conversation,
			// with any number in it masked: stdout may be a file.
			fmt.Fprintf(stdout, "> %s\n", dialogs.Redact(line))
		}
		if choices, err = send(in); err != nil {
			fmt.Fprintln(stderr, "vaxbot:", err)
			return 1
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(stderr, "vaxbot: read input:", err)
		return 1
	}
	return 0
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
