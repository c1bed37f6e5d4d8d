package knowledge

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// EvalCase is one labelled question of an evaluation file.
type EvalCase struct {
	Line     int
	Text     string
	Expected string // an item id, a near-domain topic id, or "none"
	Lang     Lang
}

// ParseEvalFile reads lines "text<TAB>expected[<TAB>lang]". expected is an
// item id, a near-domain topic id (n_…) or "none"; a missing lang is detected from the text. Blank lines and
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
			c.Lang, _ = DetectLang(c.Text)
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

// LangReport holds the figures of one language.
type LangReport struct {
	// InScope counts the questions whose expected item was the top match
	// (Correct) of those that expect an item (Total).
	InScope LangScore
	// InScopeAnswered counts the in-scope questions answered directly
	// with the right item; InScopeOffered those whose expected item was
	// among the suggestions of a "did you mean".
	InScopeAnswered, InScopeOffered int
	// OutOfScope counts the questions that expect a near-domain topic or
	// none; OutAnswered those of them answered with a QA item (ModeAnswer),
	// OutSuggested those offered QA items (ModeSuggest).
	OutOfScope, OutAnswered, OutSuggested int
	// Answers counts every ModeAnswer; ConfidentWrong those whose item was
	// not the expected one; Total every question.
	Answers, ConfidentWrong, Total int
	// Near counts the questions that expect a near-domain topic and
	// NearRecognised those whose Match.Near was that topic.
	Near, NearRecognised int
}

// Report is the outcome of an evaluation.
type Report struct {
	// InScope counts, per language, the questions whose expected item was
	// the top match.
	InScope map[Lang]*LangScore
	// Langs holds every figure per language.
	Langs map[Lang]*LangReport
	// NoneAbstained and NoneTotal count the "none" questions and how many of
	// them the index gave no item (ModeNone).
	NoneAbstained, NoneTotal int
	// Mistakes lists, in file order, every in-scope question whose top
	// match was wrong and every out-of-scope question that got a QA item
	// (an answer or a suggestion).
	Mistakes []Mistake
}

// expectsItem reports whether an eval case's expected label is a QA item
// (not "none" and not a near-domain topic).
func expectsItem(expected string) bool {
	return expected != "none" && !strings.HasPrefix(expected, NearPrefix)
}

// Evaluate runs every case through the index.
func Evaluate(ix *Index, cases []EvalCase) Report {
	r := Report{InScope: map[Lang]*LangScore{}, Langs: map[Lang]*LangReport{}}
	for _, c := range cases {
		m := ix.Match(c.Text)
		lr := r.Langs[c.Lang]
		if lr == nil {
			lr = &LangReport{}
			r.Langs[c.Lang] = lr
			r.InScope[c.Lang] = &lr.InScope
		}
		lr.Total++
		if m.Mode == ModeAnswer {
			lr.Answers++
			if m.ID != c.Expected {
				lr.ConfidentWrong++
			}
		}
		if expectsItem(c.Expected) {
			lr.InScope.Total++
			switch {
			case m.ID == c.Expected:
				lr.InScope.Correct++
			default:
				r.Mistakes = append(r.Mistakes, Mistake{c, m})
			}
			if m.Mode == ModeAnswer && m.ID == c.Expected {
				lr.InScopeAnswered++
			}
			if m.Mode == ModeSuggest && slices.Contains(m.Suggestions, c.Expected) {
				lr.InScopeOffered++
			}
			continue
		}
		lr.OutOfScope++
		switch m.Mode {
		case ModeAnswer:
			lr.OutAnswered++
		case ModeSuggest:
			lr.OutSuggested++
		}
		if !m.Abstained() {
			r.Mistakes = append(r.Mistakes, Mistake{c, m})
		}
		if c.Expected == "none" {
			r.NoneTotal++
			if m.Abstained() {
				r.NoneAbstained++
			}
			continue
		}
		lr.Near++
		if m.Near == c.Expected {
			lr.NearRecognised++
		}
	}
	return r
}

// WriteTo prints the report: per language the in-scope top-1 accuracy, the
// out-of-scope questions answered with a QA item, the confident wrong
// answers and the near-domain topics recognised; then the abstention rate
// on "none" questions and each mistake.
func (r Report) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	langs := slices.Clone(AllLangs)
	for lang := range r.Langs {
		if !slices.Contains(langs, lang) {
			langs = append(langs, lang)
		}
	}
	for _, lang := range langs {
		s := r.Langs[lang]
		if s == nil {
			continue
		}
		if s.InScope.Total > 0 {
			fmt.Fprintf(&b, "in-scope %-5s %3d/%-3d %5.1f%%  top-1 (answered directly %d, right item offered %d)\n",
				lang, s.InScope.Correct, s.InScope.Total, pct(s.InScope.Correct, s.InScope.Total), s.InScopeAnswered, s.InScopeOffered)
		}
	}
	for _, lang := range langs {
		if s := r.Langs[lang]; s != nil && s.OutOfScope > 0 {
			fmt.Fprintf(&b, "out-of-scope %-5s answered with a QA item %3d/%-3d %5.1f%%  (offered as \"did you mean\" %d)\n",
				lang, s.OutAnswered, s.OutOfScope, pct(s.OutAnswered, s.OutOfScope), s.OutSuggested)
		}
	}
	for _, lang := range langs {
		if s := r.Langs[lang]; s != nil {
			fmt.Fprintf(&b, "confident wrong %-5s %3d/%-3d %5.1f%%  (of all questions; %d of %d answers)\n",
				lang, s.ConfidentWrong, s.Total, pct(s.ConfidentWrong, s.Total), s.ConfidentWrong, s.Answers)
		}
	}
	for _, lang := range langs {
		if s := r.Langs[lang]; s != nil && s.Near > 0 {
			fmt.Fprintf(&b, "near-domain %-5s recognised %3d/%-3d %5.1f%%\n", lang, s.NearRecognised, s.Near, pct(s.NearRecognised, s.Near))
		}
	}
	fmt.Fprintf(&b, "none abstained %3d/%-3d %5.1f%%\n", r.NoneAbstained, r.NoneTotal, pct(r.NoneAbstained, r.NoneTotal))
	fmt.Fprintf(&b, "mistakes: %d\n", len(r.Mistakes))
	for _, m := range r.Mistakes {
		got := m.Got.ID
		if got == "" {
			got = "none"
		}
		fmt.Fprintf(&b, "  line %d [%s] want %s got %s (%s, score %.2f, runner-up %s, near %s): %s\n",
			m.Case.Line, m.Case.Lang, m.Case.Expected, got, m.Got.Mode, m.Got.Score, orDash(m.Got.RunnerUp), orDash(m.Got.Near), m.Case.Text)
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
