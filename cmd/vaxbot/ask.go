package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/vaxbot/vaxbot/knowledge"
)

// loadIndex returns the index of the embedded knowledge base, built once
// per process (knowledge.DefaultIndex).
func loadIndex() (*knowledge.Index, *knowledge.Base, error) { return knowledge.DefaultIndex() }

// askResult is the --json form of "vaxbot ask".
type askResult struct {
	ID          string   `json:"id"`
	Score       float64  `json:"score"`
	RunnerUp    string   `json:"runner_up"`
	Lang        string   `json:"lang"`
	Mode        string   `json:"mode"`
	Suggestions []string `json:"suggestions"`
	Near        string   `json:"near,omitempty"`
}

// parseInterspersed parses fs's flags wherever they stand among args
// ("vaxbot ask 健保卡卡號在哪 --json") and returns the other arguments in
// order; everything after "--" is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest, tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) > 0 {
			rest = append(rest, args[0])
			args = args[1:]
		}
	}
	return append(rest, tail...), nil
}

func runAsk(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object instead of the answer")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: vaxbot ask [--json] TEXT…") }
	words, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	text := strings.TrimSpace(strings.Join(words, " "))
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
		out := askResult{
			ID: m.ID, Score: math.Round(m.Score*100) / 100, RunnerUp: m.RunnerUp, Lang: string(m.Lang),
			Mode: string(m.Mode), Suggestions: m.Suggestions, Near: m.Near,
		}
		if out.Suggestions == nil {
			out.Suggestions = []string{}
		}
		if err := json.NewEncoder(stdout).Encode(out); err != nil {
			fmt.Fprintln(stderr, "vaxbot:", err)
			return 1
		}
		return 0
	}
	writeMatch(stdout, base, m)
	return 0
}

// writeMatch prints what chat would say to m: the answer; or the near-domain
// topic's referral, then the items offered; or that nothing matched.
func writeMatch(w io.Writer, base *knowledge.Base, m knowledge.Match) {
	if m.Mode == knowledge.ModeAnswer {
		if it, ok := base.Item(m.ID); ok {
			fmt.Fprintf(w, "%s\n\n%s\n", it.Title(m.Lang), strings.TrimSpace(it.Answer(m.Lang)))
			return
		}
	}
	phrases := base.Phrases(m.Lang)
	if n, ok := base.Near(m.Near); ok {
		fmt.Fprintf(w, "%s\n\n%s\n", n.Title(m.Lang), strings.TrimSpace(n.Answer(m.Lang)))
	} else if m.Mode == knowledge.ModeNone {
		fmt.Fprintln(w, phrases.NoMatch)
	}
	if len(m.Suggestions) == 0 {
		return
	}
	intro := phrases.DidYouMean
	if m.Mode == knowledge.ModeNone {
		intro = phrases.SeeAlso
	}
	fmt.Fprintf(w, "\n%s\n", intro)
	for i, id := range m.Suggestions {
		if it, ok := base.Item(id); ok {
			fmt.Fprintf(w, "  [%d] %s\n", i+1, it.Title(m.Lang))
		}
	}
}

func runEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storiesDir := fs.String("stories", "", "run the conversation stories in this directory instead (dialogs/testdata/stories)")
	matches := fs.Bool("matches", false, "print each question's match as a JSON line (every field, the scores exact) instead of the summary: two builds that print the same lines match alike")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vaxbot eval [--matches] FILE   (lines: text<TAB>expected[<TAB>lang]; expected is q1…q9, a near-domain topic n_… or none)")
		fmt.Fprintln(stderr, "       vaxbot eval --stories DIR   (conversation stories: dialogs/testdata/stories)")
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if *storiesDir != "" && len(files) == 0 {
		return runStories(ctx, *storiesDir, stdout, stderr)
	}
	if len(files) != 1 {
		fs.Usage()
		return 2
	}
	f, err := os.Open(files[0])
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
	ix, err := evalIndex(cases)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	if *matches {
		return writeMatches(ix, cases, stdout, stderr)
	}
	if _, err := knowledge.Evaluate(ix, cases).WriteTo(stdout); err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	return 0
}

// writeMatches prints, for each case, what the index makes of its
// question, every field of the Match included, one JSON line each.
func writeMatches(ix *knowledge.Index, cases []knowledge.EvalCase, stdout, stderr io.Writer) int {
	type line struct {
		Text, Expected string
		Match          knowledge.Match
		RunnerUpScore  float64
		Confident      bool
		NearScore      float64
	}
	enc := json.NewEncoder(stdout)
	for _, c := range cases {
		m := ix.Match(c.Text)
		if err := enc.Encode(line{c.Text, c.Expected, m, m.RunnerUpScore, m.Confident, m.NearScore}); err != nil {
			fmt.Fprintln(stderr, "vaxbot:", err)
			return 1
		}
	}
	return 0
}

// evalIndex builds the index of the embedded knowledge base in Langs, or
// in every language of knowledge.AllLangs when the cases hold one that
// Langs does not (heldout.vi.tsv is measured before Langs holds
// Vietnamese, with all six languages loaded, as the package's tests do); a
// translation that is missing or incomplete is then an error naming it.
func evalIndex(cases []knowledge.EvalCase) (*knowledge.Index, error) {
	langs := knowledge.Langs
	if slices.ContainsFunc(cases, func(c knowledge.EvalCase) bool { return !slices.Contains(langs, c.Lang) }) {
		langs = knowledge.AllLangs
	}
	base, err := knowledge.DefaultLangs(langs)
	if err != nil {
		return nil, err
	}
	return knowledge.NewIndex(base)
}
