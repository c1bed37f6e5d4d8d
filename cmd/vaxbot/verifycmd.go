package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vaxbot/vaxbot/verify"
)

// verifyResult is the --json form of "vaxbot verify".
type verifyResult struct {
	Outcome    string `json:"outcome"`
	RetryAfter string `json:"retry_after,omitempty"`
	Item       string `json:"qa_item,omitempty"`
}

// verifyError is the --json form of a number that does not validate:
// which one ("id" or "card") and the hint the conversation gives.
type verifyError struct {
	Error string `json:"error"`
	Field string `json:"field"`
	Hint  string `json:"hint"`
}

func runVerify(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object")
	registry := fs.String("registry", "", `registry CSV file, or "demo" (default: VAXBOT_REGISTRY_URL when set, else the embedded demo registry)`)
	lang := fs.String("lang", "en", "language of the hints: en or zh-TW")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vaxbot verify [--json] [--registry FILE|demo] [--lang en|zh-TW] ID CARD")
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return 2
	}
	invalid := func(field string, err error) int {
		if *asJSON {
			// The error's own text names the problem, never the number.
			json.NewEncoder(stdout).Encode(verifyError{Error: err.Error(), Field: field, Hint: hintOf(err, *lang)})
		}
		fmt.Fprintf(stderr, "vaxbot: %s: %s\n", field, hintOf(err, *lang))
		return 1
	}
	id, err := verify.ParseID(fs.Arg(0))
	if err != nil {
		return invalid("id", err)
	}
	card, err := verify.ParseCardNumber(fs.Arg(1))
	if err != nil {
		return invalid("card", err)
	}
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 2
	}
	var up *verify.Upstream // --registry, when given, wins over VAXBOT_REGISTRY_URL
	if *registry == "" {
		if up, err = upstreamFrom(cfg); err != nil {
			fmt.Fprintln(stderr, "vaxbot:", err)
			return 1
		}
	}
	now := time.Now()
	reg, err := openRegistry(*registry, up, now)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	records, err := reg.Lookup(ctx, id.Number(), card.Number())
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	d := verify.Diagnose(id, card, records, now)
	res := verifyResult{Outcome: string(d.Outcome), Item: d.Item}
	if !d.RetryAfter.IsZero() {
		res.RetryAfter = d.RetryAfter.In(verify.TaiwanZone()).Format(time.RFC3339)
	}
	if *asJSON {
		if err := json.NewEncoder(stdout).Encode(res); err != nil {
			fmt.Fprintln(stderr, "vaxbot:", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "%s %s: %s", id.Masked(), card.Masked(), res.Outcome)
	if res.RetryAfter != "" {
		fmt.Fprintf(stdout, " (retry after %s)", res.RetryAfter)
	}
	if res.Item != "" {
		fmt.Fprintf(stdout, " [QA %s]", res.Item)
	}
	fmt.Fprintln(stdout)
	return 0
}

type hinter interface{ Hint(lang string) string }

// hintOf is the hint of a validation error in lang.
func hintOf(err error, lang string) string {
	if h, ok := err.(hinter); ok {
		return h.Hint(lang)
	}
	return err.Error()
}
