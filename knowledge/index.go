package knowledge

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Match is what the index makes of one question.
type Match struct {
	// ID is the best item, or "" when the index abstains.
	ID string `json:"id"`
	// Score is the best item's score in [0, 1].
	Score float64 `json:"score"`
	// RunnerUp is the second-best item ("" if none scored). When the index
	// abstains it is the closest item, for a "did you mean" offer.
	RunnerUp string `json:"runner_up"`
	// RunnerUpScore is RunnerUp's score in [0, 1].
	RunnerUpScore float64 `json:"-"`
	// Lang is the language the question is written in.
	Lang Lang `json:"lang"`
	// Confident is true when the match is strong and clearly ahead of the
	// runner-up; a non-empty ID that is not confident is a weak match.
	Confident bool `json:"-"`
}

// Abstained reports whether the index found no item that fits.
func (m Match) Abstained() bool { return m.ID == "" }

// Thresholds decide when a match counts.
type Thresholds struct {
	// Abstain: a best score below it means nothing fits.
	Abstain float64
	// Confident: a best score at or above it, with Margin over the
	// runner-up, answers directly; between Abstain and Confident the
	// dialogs ask "did you mean…".
	Confident float64
	// Margin is how far ahead of the runner-up a confident match must be.
	Margin float64
	// Offtopic: when the closest off-topic example scores more than the
	// best item plus this (a negative value: comes this close), the index
	// abstains.
	Offtopic float64
}

// DefaultThresholds were chosen by sweeping them over testdata/eval.tsv
// (tune_test.go, VAXBOT_TUNE=1), the same set that reports accuracy, so the
// reported figures are optimistic; leave-one-out over the example questions
// (TestLeaveOneOut) is the unbiased, harsher check. A confident answer
// needs a score of 0.25 and a lead of 0.10 over the runner-up: on the eval
// set every confident answer was right.
var DefaultThresholds = Thresholds{Abstain: 0.10, Confident: 0.25, Margin: 0.10, Offtopic: -0.06}

// BM25 parameters. Documents are single example questions, so they are short
// and close in length; b matters little.
const (
	bm25K1 = 1.2
	bm25B  = 0.5
)

type posting struct {
	doc int32
	tf  float32
}

// bm25 is one collection of documents scored by Okapi BM25.
type bm25 struct {
	terms    map[string]int32
	idf      []float32
	postings [][]posting
	lens     []float32
	avgLen   float32
	// unknownIDF is what a query term the collection never uses weighs in
	// the best possible score: a question full of such terms is about
	// something else.
	unknownIDF float32
}

func newBM25(docs [][]string) *bm25 {
	ix := &bm25{terms: map[string]int32{}, lens: make([]float32, len(docs))}
	var total float32
	var df []int
	for d, toks := range docs {
		tf := map[int32]float32{}
		for _, t := range toks {
			id, ok := ix.terms[t]
			if !ok {
				id = int32(len(ix.terms))
				ix.terms[t] = id
				ix.postings = append(ix.postings, nil)
				df = append(df, 0)
			}
			tf[id]++
		}
		for id, n := range tf {
			ix.postings[id] = append(ix.postings[id], posting{doc: int32(d), tf: n})
			df[id]++
		}
		ix.lens[d] = float32(len(toks))
		total += float32(len(toks))
	}
	n := float64(len(docs))
	ix.avgLen = total / float32(max(len(docs), 1))
	ix.idf = make([]float32, len(ix.terms))
	for id := range ix.idf {
		ix.idf[id] = float32(math.Log(1 + (n-float64(df[id])+0.5)/(float64(df[id])+0.5)))
	}
	ix.unknownIDF = float32(math.Log(1 + (n-0.5)/1.5))
	return ix
}

// score adds each document's score for the distinct query terms to scores
// and returns the best score any document could reach: every term matched
// with saturated frequency.
func (ix *bm25) score(query []string, scores []float32, unknownWeight float32) float32 {
	var best float32
	for _, t := range query {
		id, ok := ix.terms[t]
		if !ok {
			best += unknownWeight * ix.unknownIDF * (bm25K1 + 1)
			continue
		}
		idf := ix.idf[id]
		best += idf * (bm25K1 + 1)
		for _, p := range ix.postings[id] {
			norm := bm25K1 * (1 - bm25B + bm25B*ix.lens[p.doc]/ix.avgLen)
			scores[p.doc] += idf * p.tf * (bm25K1 + 1) / (p.tf + norm)
		}
	}
	return best
}

// synTerm is one synonym term, folded, with the canonical token of its group.
type synTerm struct {
	text        string
	token       string
	latinBefore bool // term starts with a Latin letter or digit
	latinAfter  bool // term ends with one
}

// Index matches questions to items. Every example question is a document of
// one BM25 collection, and all of an item's examples together are a
// document of a second; an item's score mixes its best example and its whole
// document, each divided by the best score the question could reach.
// Terms are character bigrams and single characters of Chinese, stemmed
// English words and word pairs, and one token per synonym group.
type Index struct {
	items    []*Item
	fold     *folder
	syn      []synTerm
	examples *bm25
	docItem  []int // example document → item index, -1 for off-topic
	whole    *bm25 // one document per item
	th       Thresholds
	opt      scoring
	scratch  sync.Pool // *scratch, the score slices of one Match
}

// scratch holds the score slices of one Match, reused across calls.
type scratch struct{ ex, whole, best []float32 }

// clear32 zeroes s and returns it.
func clear32(s []float32) []float32 {
	clear(s)
	return s
}

// scoring holds the matcher's tunable weights.
type scoring struct {
	// mix is the weight of the whole-item score against the best example.
	mix float32
	// unknown scales how much a term the data never uses lowers the score.
	unknown float32
	// minTerms is how many distinct question terms the best item's examples
	// must share with the question: one shared word is chance.
	minTerms int
}

var defaultScoring = scoring{mix: 0.5, unknown: 0.5, minTerms: 2}

// NewIndex builds the index of a knowledge base with DefaultThresholds.
func NewIndex(b *Base) (*Index, error) {
	f, err := newFolder()
	if err != nil {
		return nil, err
	}
	ix := &Index{items: b.Items(), fold: f, th: DefaultThresholds, opt: defaultScoring}
	ix.buildSynonyms()
	var exDocs [][]string
	wholeDocs := make([][]string, len(ix.items))
	add := func(item int, text string) {
		toks := ix.analyze(text, nil)
		exDocs = append(exDocs, toks)
		ix.docItem = append(ix.docItem, item)
		if item >= 0 {
			wholeDocs[item] = append(wholeDocs[item], toks...)
		}
	}
	for i, it := range ix.items {
		for _, lang := range Langs {
			t := it.Text[lang]
			add(i, t.Title)
			for _, ex := range t.Examples {
				add(i, ex)
			}
		}
	}
	for _, lang := range Langs {
		for _, ex := range b.offtopic[lang] {
			add(-1, ex)
		}
	}
	ix.examples = newBM25(exDocs)
	ix.whole = newBM25(wholeDocs)
	nDocs, nItems := len(ix.docItem), len(ix.items)
	ix.scratch.New = func() any {
		return &scratch{ex: make([]float32, nDocs), whole: make([]float32, nItems), best: make([]float32, nItems)}
	}
	return ix, nil
}

// SetThresholds replaces the thresholds (for measurement and tuning).
func (ix *Index) SetThresholds(t Thresholds) { ix.th = t }

// buildSynonyms merges the items' synonym groups that share a term and gives
// each merged group one canonical token.
func (ix *Index) buildSynonyms() {
	parent := map[string]string{}
	var find func(string) string
	find = func(s string) string {
		p, ok := parent[s]
		if !ok || p == s {
			parent[s] = s
			return s
		}
		r := find(p)
		parent[s] = r
		return r
	}
	for _, it := range ix.items {
		for _, g := range it.Synonyms {
			first := ""
			for _, term := range g {
				t := ix.fold.fold(term)
				if t == "" {
					continue
				}
				if first == "" {
					first = find(t)
					continue
				}
				if r := find(t); r != first {
					parent[r] = first
				}
			}
		}
	}
	roots := map[string]string{}
	var names []string
	for t := range parent {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		r := find(t)
		tok, ok := roots[r]
		if !ok {
			tok = fmt.Sprintf("~syn%d", len(roots))
			roots[r] = tok
		}
		first, _ := utf8.DecodeRuneInString(t)
		last, _ := utf8.DecodeLastRuneInString(t)
		ix.syn = append(ix.syn, synTerm{
			text: t, token: tok,
			latinBefore: isWordRune(first), latinAfter: isWordRune(last),
		})
	}
	// Longest terms first, so "nhi card" is found before "card".
	sort.SliceStable(ix.syn, func(i, j int) bool { return len(ix.syn[i].text) > len(ix.syn[j].text) })
}

func isWordRune(r rune) bool {
	return !isHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// analyze folds text and returns its index terms, synonym tokens included.
func (ix *Index) analyze(text string, dst []string) []string {
	folded := ix.fold.fold(text)
	dst = tokens(folded, dst)
	var seen map[string]bool
	for _, s := range ix.syn {
		if seen[s.token] || !containsTerm(folded, s) {
			continue
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[s.token] = true
		dst = append(dst, s.token)
	}
	return dst
}

// containsTerm finds a synonym term in folded text; a term that starts or ends
// with a Latin letter must not be glued to another letter there ("ic卡" is in
// "ic卡", "arc" is not in "search").
func containsTerm(folded string, s synTerm) bool {
	for off := 0; off < len(folded); {
		i := strings.Index(folded[off:], s.text)
		if i < 0 {
			return false
		}
		i += off
		ok := true
		if s.latinBefore && i > 0 {
			r, _ := utf8.DecodeLastRuneInString(folded[:i])
			ok = !isWordRune(r)
		}
		if ok && s.latinAfter && i+len(s.text) < len(folded) {
			r, _ := utf8.DecodeRuneInString(folded[i+len(s.text):])
			ok = !isWordRune(r)
		}
		if ok {
			return true
		}
		off = i + 1
	}
	return false
}

// Match finds the item that best answers text. It never fails: text with
// nothing to match (empty, an emoji, another topic) abstains.
func (ix *Index) Match(text string) Match {
	m := Match{Lang: detectLang(text)}
	var buf [64]string
	toks := uniq(ix.analyze(text, buf[:0]))
	if len(toks) == 0 {
		return m
	}
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	exScores := clear32(sc.ex)
	exMax := ix.examples.score(toks, exScores, ix.opt.unknown)
	wholeScores := clear32(sc.whole)
	wholeMax := ix.whole.score(toks, wholeScores, ix.opt.unknown)
	if exMax == 0 || wholeMax == 0 {
		return m
	}
	best := clear32(sc.best)
	var off float32
	for d, s := range exScores {
		if it := ix.docItem[d]; it >= 0 {
			best[it] = max(best[it], s/exMax)
		} else {
			off = max(off, s/exMax)
		}
	}
	for i := range best {
		best[i] = (1-ix.opt.mix)*best[i] + ix.opt.mix*wholeScores[i]/wholeMax
	}
	first, second := -1, -1
	for i, s := range best {
		switch {
		case s <= 0:
		case first < 0 || s > best[first]:
			first, second = i, first
		case second < 0 || s > best[second]:
			second = i
		}
	}
	if first < 0 {
		return m
	}
	m.Score = float64(min(best[first], 1))
	if second >= 0 {
		m.RunnerUp = ix.items[second].ID
		m.RunnerUpScore = float64(min(best[second], 1))
	}
	if m.Score < ix.th.Abstain || float64(off) > m.Score+ix.th.Offtopic || ix.shared(toks, first) < ix.opt.minTerms {
		// Abstain, but keep the closest item as the runner-up to offer.
		m.RunnerUp, m.RunnerUpScore = ix.items[first].ID, m.Score
		return m
	}
	m.ID = ix.items[first].ID
	m.Confident = m.Score >= ix.th.Confident && m.Score-m.RunnerUpScore >= ix.th.Margin
	return m
}

// shared counts the distinct query terms that occur in an item's examples,
// leaving out single Chinese characters: they are there for recall, but
// "疫苗" alone is one piece of evidence, not three.
func (ix *Index) shared(query []string, item int) int {
	n := 0
	for _, t := range query {
		if r, size := utf8.DecodeRuneInString(t); size == len(t) && isHan(r) {
			continue
		}
		id, ok := ix.whole.terms[t]
		if !ok {
			continue
		}
		for _, p := range ix.whole.postings[id] {
			if int(p.doc) == item {
				n++
				break
			}
		}
	}
	return n
}

// uniq drops repeated terms in place, keeping the first of each.
func uniq(toks []string) []string {
	out := toks[:0]
	for i, t := range toks {
		dup := false
		for _, u := range toks[:i] {
			if u == t {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}
