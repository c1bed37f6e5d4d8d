package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/vaxbot/vaxbot/knowledge"
)

// loadIndex builds the index of the embedded knowledge base.
func loadIndex() (*knowledge.Index, *knowledge.Base, error) {
	base, err := knowledge.Default()
	if err != nil {
		return nil, nil, err
	}
	ix, err := knowledge.NewIndex(base)
	if err != nil {
		return nil, nil, err
	}
	return ix, base, nil
}

// askResult is the --json form of "vaxbot ask".
type askResult struct {
	ID       string  `json:"id"`
	Score    float64 `json:"score"`
	RunnerUp string  `json:"runner_up"`
	Lang     string  `json:"lang"`
}

func runAsk(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object instead of the answer")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: vaxbot ask [--json] TEXT…") }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	text := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if text == "" {
		fs.Usage()
		return 2
	}
	ix, base, err := loadIndex()
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	m := ix.Match(text)
	if *asJSON {
		out := askResult{ID: m.ID, Score: math.Round(m.Score*100) / 100, RunnerUp: m.RunnerUp, Lang: string(m.Lang)}
		if err := json.NewEncoder(stdout).Encode(out); err != nil {
			fmt.Fprintln(stderr, "vaxbot:", err)
			return 1
		}
		return 0
	}
	if m.Abstained() {
		if m.Lang == knowledge.En {
			fmt.Fprintln(stdout, "Sorry, that is not one of the questions I can answer. I answer questions about NHI card numbers and resident numbers for vaccine registration; for other vaccine questions call 1922.")
		} else {
			fmt.Fprintln(stdout, "抱歉，這不在我能回答的問題內。我回答疫苗登記時健保卡卡號與居留證號的問題；其他疫苗問題請撥 1922。")
		}
		return 0
	}
	it, _ := base.Item(m.ID)
	fmt.Fprintf(stdout, "%s\n\n%s\n", it.Title(m.Lang), strings.TrimSpace(it.Answer(m.Lang)))
	return 0
}

func runEval(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: vaxbot eval FILE   (lines: text<TAB>expected[<TAB>lang])") }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	defer f.Close()
	cases, err := knowledge.ParseEvalFile(f)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	ix, _, err := loadIndex()
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	if _, err := knowledge.Evaluate(ix, cases).WriteTo(stdout); err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	return 0
}
