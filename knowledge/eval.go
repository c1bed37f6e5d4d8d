package knowledge

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// EvalCase is one labelled question of an evaluation file.
type EvalCase struct {
	Line     int
	Text     string
	Expected string // an item id, or "none"
	Lang     Lang
}

// ParseEvalFile reads lines "text<TAB>expected[<TAB>lang]". expected is an
// item id or "none"; a missing lang is detected from the text. Blank lines and
// lines starting with '#' are skipped; columns after the third are ignored.
func ParseEvalFile(r io.Reader) ([]EvalCase, error) {
	var cases []EvalCase
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("knowledge: eval line %d: want text<TAB>expected[<TAB>lang]", n)
		}
		c := EvalCase{Line: n, Text: strings.TrimSpace(cols[0]), Expected: strings.TrimSpace(cols[1])}
		if c.Text == "" || c.Expected == "" {
			return nil, fmt.Errorf("knowledge: eval line %d: empty text or expected", n)
		}
		if len(cols) >= 3 && strings.TrimSpace(cols[2]) != "" {
			lang, ok := ParseLang(cols[2])
			if !ok {
				return nil, fmt.Errorf("knowledge: eval line %d: unknown language %q", n, cols[2])
			}
			c.Lang = lang
		} else {
			c.Lang = detectLang(c.Text)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: eval: %w", err)
	}
	return cases, nil
}

// Mistake is one evaluation case the index got wrong.
type Mistake struct {
	Case EvalCase
	Got  Match
}

// LangScore counts in-scope results for one language.
type LangScore struct {
	Correct, Total int
}

// Report is the outcome of an evaluation.
type Report struct {
	// InScope counts, per language, the questions whose expected item was
	// the top match.
	InScope map[Lang]*LangScore
	// NoneAbstained and NoneTotal count the "none" questions and how many of
	// them the index abstained on.
	NoneAbstained, NoneTotal int
	// Mistakes lists every wrong answer in file order.
	Mistakes []Mistake
}

// Evaluate runs every case through the index.
func Evaluate(ix *Index, cases []EvalCase) Report {
	r := Report{InScope: map[Lang]*LangScore{}}
	for _, c := range cases {
		m := ix.Match(c.Text)
		if c.Expected == "none" {
			r.NoneTotal++
			if m.Abstained() {
				r.NoneAbstained++
			} else {
				r.Mistakes = append(r.Mistakes, Mistake{c, m})
			}
			continue
		}
		s := r.InScope[c.Lang]
		if s == nil {
			s = &LangScore{}
			r.InScope[c.Lang] = s
		}
		s.Total++
		if m.ID == c.Expected {
			s.Correct++
		} else {
			r.Mistakes = append(r.Mistakes, Mistake{c, m})
		}
	}
	return r
}

// WriteTo prints the report: accuracy per language, the abstention rate, and
// each mistake.
func (r Report) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	for _, lang := range Langs {
		if s := r.InScope[lang]; s != nil {
			fmt.Fprintf(&b, "in-scope %-5s %3d/%-3d %5.1f%%\n", lang, s.Correct, s.Total, pct(s.Correct, s.Total))
		}
	}
	for lang, s := range r.InScope {
		if lang != ZhTW && lang != En {
			fmt.Fprintf(&b, "in-scope %-5s %3d/%-3d %5.1f%%\n", lang, s.Correct, s.Total, pct(s.Correct, s.Total))
		}
	}
	fmt.Fprintf(&b, "none abstained %3d/%-3d %5.1f%%\n", r.NoneAbstained, r.NoneTotal, pct(r.NoneAbstained, r.NoneTotal))
	fmt.Fprintf(&b, "mistakes: %d\n", len(r.Mistakes))
	for _, m := range r.Mistakes {
		got := m.Got.ID
		if got == "" {
			got = "none"
		}
		fmt.Fprintf(&b, "  line %d [%s] want %s got %s (score %.2f, runner-up %s): %s\n",
			m.Case.Line, m.Case.Lang, m.Case.Expected, got, m.Got.Score, orDash(m.Got.RunnerUp), m.Case.Text)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
