package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vaxbot/vaxbot/bot/sqlstore"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/knowledge"
)

// ticketWords are the tickets command's texts, for operators who read
// Chinese or English.
var ticketWords = map[string]map[string]string{
	"en": {
		"usage": "usage: vaxbot tickets list [--status open|claimed|closed] [--line 1922|nhia|county] [--json] [--lang en|zh-TW]\n" +
			"       vaxbot tickets show [--json] [--lang en|zh-TW] REF\n" +
			"       vaxbot tickets close [--lang en|zh-TW] REF\n" +
			"       vaxbot tickets purge --older-than AGE [--lang en|zh-TW]   (AGE: 90d, 36h…)",
		"not_found":  "no such ticket",
		"bad_age":    "--older-than %q: want a positive age in days (90d) or a Go duration (36h)",
		"purged":     "deleted %d closed tickets closed before %s",
		"no_store":   "no ticket database at %s: set VAXBOT_DATA_DIR (or --data-dir) to the directory serve keeps it in, or VAXBOT_DATABASE_URL",
		"closed_yet": "the ticket is already closed",
		"header":     "REF\tSTATUS\tLINE\tCOUNTY\tREASON\tID\tCHANNEL\tOPENED",
		"ticket":     "ticket %s  %s  line %s",
		"reason":     "reason %s, channel %s, language %s",
		"says":       "the person was told to say: %s",
		"id":         "ID %s (match a caller with POST /ops/tickets:find)",
		"opened":     "opened %s",
		"claimed_by": ", claimed by %s",
		"closed_at":  ", closed %s",
		"person":     "person",
		"bot":        "bot   ",
		"open":       "open", "claimed": "claimed", "closed": "closed",
	},
	"zh-TW": {
		"usage": "用法：vaxbot tickets list [--status open|claimed|closed] [--line 1922|nhia|county] [--json] [--lang en|zh-TW]\n" +
			"      vaxbot tickets show [--json] [--lang en|zh-TW] 案件編號\n" +
			"      vaxbot tickets close [--lang en|zh-TW] 案件編號\n" +
			"      vaxbot tickets purge --older-than 期間 [--lang en|zh-TW]   （期間：90d、36h…）",
		"not_found":  "查無此案件",
		"bad_age":    "--older-than %q：請給正的期間，以天數（90d）或 Go 的時間長度（36h）表示",
		"purged":     "已刪除 %d 件在 %s 之前結案的案件",
		"no_store":   "%s 沒有案件資料庫：請把 VAXBOT_DATA_DIR（或 --data-dir）設為 serve 存放資料的目錄，或設定 VAXBOT_DATABASE_URL",
		"closed_yet": "這個案件已經結案",
		"header":     "案件編號\t狀態\t專線\t縣市\t原因\t證號\t管道\t建立時間",
		"ticket":     "案件 %s  %s  專線 %s",
		"reason":     "原因 %s，管道 %s，語言 %s",
		"says":       "民眾被告知這樣說明：%s",
		"id":         "證號 %s（來電者唸出證號時，用 POST /ops/tickets:find 比對）",
		"opened":     "建立於 %s",
		"claimed_by": "，由 %s 處理",
		"closed_at":  "，結案於 %s",
		"person":     "民眾",
		"bot":        "機器人",
		"open":       "待處理", "claimed": "處理中", "closed": "已結案",
	},
}

// runTickets is "vaxbot tickets list|show|close|purge" for operators at a
// terminal (purge also for a retention job), on the store that serve uses
// (VAXBOT_DATABASE_URL, else SQLite in VAXBOT_DATA_DIR).
func runTickets(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	words := ticketWords["en"]
	usage := func() { fmt.Fprintln(stderr, words["usage"]) }
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
	lang := fs.String("lang", "en", "language of the output: en or zh-TW")
	olderThan := fs.String("older-than", "", "purge: closed tickets closed longer ago than this (90d, 36h)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "SQLite data directory (VAXBOT_DATA_DIR)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	tl, ok := knowledge.ParseLang(*lang)
	if !ok {
		fmt.Fprintf(stderr, "vaxbot: --lang %q: want en or zh-TW\n", *lang)
		return 2
	}
	words = ticketWords[string(tl)]
	var age time.Duration
	if args[0] == "purge" {
		if age, err = parseAge(*olderThan); err != nil || fs.NArg() != 0 {
			if err != nil {
				fmt.Fprintln(stderr, "vaxbot:", fmt.Sprintf(words["bad_age"], *olderThan))
			}
			usage()
			return 2
		}
	}
	if cfg.DatabaseURL == "" {
		// Read the store serve keeps; never create an empty one here.
		if path := sqlstore.SQLitePath(cfg.DataDir); !fileExists(path) {
			fmt.Fprintln(stderr, "vaxbot:", fmt.Sprintf(words["no_store"], path))
			return 1
		}
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
			fmt.Fprintln(stderr, "vaxbot:", words["not_found"])
		case errors.Is(err, tickets.ErrState):
			fmt.Fprintln(stderr, "vaxbot:", words["closed_yet"])
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
		fmt.Fprintln(tw, words["header"])
		for _, t := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Ref, statusWord(words, t.Status), t.Line, dash(t.County), t.Reason,
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
		engine, err := buildEngine(engineOptions{})
		if err != nil {
			fmt.Fprintln(stderr, "vaxbot:", err)
			return 1
		}
		printTicket(stdout, t, words, engine.ReasonText(tl, t.Reason))
	case "purge":
		cutoff := time.Now().Add(-age)
		n, err := store.Purge(ctx, cutoff)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, words["purged"]+"\n", n, cutoff.Local().Format(time.DateTime))
	default:
		usage()
		return 2
	}
	return 0
}

// parseAge reads an age such as "90d" (days of 24 hours) or a Go duration
// such as "36h"; it must be positive.
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || int64(n) > math.MaxInt64/int64(24*time.Hour) {
			return 0, fmt.Errorf("age %q: want days such as 90d", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("age %q: %w", s, err)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("age %q: must be positive", s)
	}
	return d, nil
}

// statusWord is a ticket status in the command's language.
func statusWord(words map[string]string, s tickets.Status) string {
	if w, ok := words[string(s)]; ok {
		return w
	}
	return string(s)
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

func printTicket(w io.Writer, t *tickets.Ticket, words map[string]string, says string) {
	fmt.Fprintf(w, words["ticket"], t.Ref, statusWord(words, t.Status), t.Line)
	if t.County != "" {
		fmt.Fprintf(w, " (%s)", t.County)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, words["reason"]+"\n", t.Reason, t.Channel, t.Lang)
	fmt.Fprintf(w, words["says"]+"\n", says)
	if t.MaskedID != "" {
		fmt.Fprintf(w, words["id"]+"\n", t.MaskedID)
	}
	fmt.Fprintf(w, words["opened"], t.CreatedAt.Local().Format(time.DateTime))
	if t.ClaimedBy != "" {
		fmt.Fprintf(w, words["claimed_by"], t.ClaimedBy)
	}
	if !t.ClosedAt.IsZero() {
		fmt.Fprintf(w, words["closed_at"], t.ClosedAt.Local().Format(time.DateTime))
	}
	fmt.Fprintln(w)
	for _, turn := range t.Turns {
		who := words["bot"]
		if turn.From == "person" {
			who = words["person"]
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

// fileExists reports whether path names an existing file.
func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
