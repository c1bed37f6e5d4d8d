package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// runTickets is "vaxbot tickets list|show|close" for operators at a
// terminal, on the store that serve uses (VAXBOT_DATABASE_URL, else SQLite
// in VAXBOT_DATA_DIR).
func runTickets(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	usage := func() {
		fmt.Fprintln(stderr, "usage: vaxbot tickets list [--status open|claimed|closed] [--line 1922|nhia|county] [--json]")
		fmt.Fprintln(stderr, "       vaxbot tickets show [--json] REF")
		fmt.Fprintln(stderr, "       vaxbot tickets close REF")
	}
	if len(args) == 0 {
		usage()
		return 2
	}
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 2
	}
	fs := flag.NewFlagSet("tickets "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	status := fs.String("status", "", "only tickets in this status")
	line := fs.String("line", "", "only tickets for this line")
	asJSON := fs.Bool("json", false, "print JSON")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "SQLite data directory (VAXBOT_DATA_DIR)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	store, err := openTickets(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	defer store.Close()
	fail := func(err error) int {
		switch {
		case errors.Is(err, tickets.ErrNotFound):
			fmt.Fprintln(stderr, "vaxbot: no such ticket")
		case errors.Is(err, tickets.ErrState):
			fmt.Fprintln(stderr, "vaxbot: the ticket is already closed")
		default:
			fmt.Fprintln(stderr, "vaxbot:", err)
		}
		return 1
	}
	switch args[0] {
	case "list":
		list, err := store.List(ctx, tickets.Filter{Status: tickets.Status(*status), Line: *line})
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			return printJSON(stdout, stderr, list)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REF\tSTATUS\tLINE\tCOUNTY\tREASON\tID\tCHANNEL\tOPENED")
		for _, t := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Ref, t.Status, t.Line, dash(t.County), t.Reason,
				dash(t.MaskedID), t.Channel, t.CreatedAt.Local().Format(time.DateTime))
		}
		tw.Flush()
	case "show", "close":
		if fs.NArg() != 1 {
			usage()
			return 2
		}
		ref := tickets.NormalizeRef(fs.Arg(0))
		var t *tickets.Ticket
		if args[0] == "show" {
			t, err = store.Get(ctx, ref)
		} else {
			t, err = store.Finish(ctx, ref, time.Now())
		}
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			return printJSON(stdout, stderr, t)
		}
		printTicket(stdout, t)
	default:
		usage()
		return 2
	}
	return 0
}

func printJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	return 0
}

func printTicket(w io.Writer, t *tickets.Ticket) {
	fmt.Fprintf(w, "ticket %s  %s  line %s", t.Ref, t.Status, t.Line)
	if t.County != "" {
		fmt.Fprintf(w, " (%s)", t.County)
	}
	fmt.Fprintf(w, "\nreason %s, channel %s, language %s\n", t.Reason, t.Channel, t.Lang)
	if t.MaskedID != "" {
		fmt.Fprintf(w, "ID %s (match a caller with POST /ops/tickets:find)\n", t.MaskedID)
	}
	fmt.Fprintf(w, "opened %s", t.CreatedAt.Local().Format(time.DateTime))
	if t.ClaimedBy != "" {
		fmt.Fprintf(w, ", claimed by %s", t.ClaimedBy)
	}
	if !t.ClosedAt.IsZero() {
		fmt.Fprintf(w, ", closed %s", t.ClosedAt.Local().Format(time.DateTime))
	}
	fmt.Fprintln(w)
	for _, turn := range t.Turns {
		who := "bot   "
		if turn.From == "person" {
			who = "person"
		}
		fmt.Fprintf(w, "  %s %s  %s\n", turn.At.Local().Format(time.TimeOnly), who, strings.ReplaceAll(turn.Text, "\n", " "))
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
