// Command vaxbot answers the NHI card and resident-number questions of a
// vaccine registration hotline, checks identity and card numbers, and hands
// people to the right human line. Run "vaxbot help" for the subcommands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Taipei on machines without a zone database
)

// command is one subcommand of the vaxbot binary.
type command struct {
	name    string
	usage   string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order "vaxbot help" shows them.
func commands() []command {
	return []command{
		{"serve", "serve [--addr ADDR] [--registry FILE|demo] [--hotlines FILE]", "run the server: LINE and Telegram webhooks, the voice line, the operators' API (configured by VAXBOT_* variables)", runServe},
		{"tickets", "tickets list|show|close|purge …", "operators: list, show and close handoff tickets in the server's store; purge old closed ones", runTickets},
		{"operators", "operators add NAME --role operator|supervisor | operators reset NAME", "the desk's accounts (/desk/): add one or give it a new one-time password, printed once", runOperators},
		{"line", "line richmenu", "set up the LINE rich menu (six areas, a picture per language; the default in zh-TW) idempotently (VAXBOT_LINE_CHANNEL_TOKEN)", runLine},
		{"telegram", "telegram setup", "set the Telegram bot's command menu (/start /menu /check /person /lang) in every language (VAXBOT_TELEGRAM_TOKEN)", runTelegram},
		{"load", "load [--people N] [--events N] [--duration D] [--rate R] [--conns N] [--sessions N] [--pin]", "load-test serve on loopback with signed LINE webhooks and a fake LINE API", runLoad},
		{"load-floor", "load-floor [--addr ADDR] [--reply-api URL]", "the bare servers load compares serve with (load starts them itself)", runLoadFloor},
		{"chat", "chat [--lang zh-TW|en|vi|id|th|tl] [--registry FILE|demo] [--hotlines FILE]", "talk to the bot in the terminal (reads stdin, one message a line)", runChat},
		{"ask", "ask [--json] TEXT…", "answer a question from the QA knowledge base", runAsk},
		{"eval", "eval FILE | eval --stories DIR", "measure matching on a labelled file (text<TAB>expected[<TAB>lang]), or run the conversation stories", runEval},
		{"check-id", "check-id [--json] INPUT", "validate a national ID or resident number (format and checksum)", runCheckID},
		{"verify", "verify [--json] [--registry FILE|demo] ID CARD", "diagnose an ID and card number against the registry", runVerify},
		{"version", "version [--json]", "print the version and commit this binary was built from (set by the image build)", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the process exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "vaxbot: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: vaxbot COMMAND [ARGS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n      %s\n", c.usage, c.summary)
	}
	fmt.Fprintf(w, "  %s\n      %s\n", "help", "show this list")
}
