package knowledge

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

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
// Near-domain topics are scored the same way, as competitors of the items,
// and off-topic examples as documents of no class.
// Terms are character bigrams and single characters of Chinese, stemmed
// English words and word pairs, and one token per synonym group.
type Index struct {
	items      []*Item
	near       []*NearTopic
	class      []string // class → id: the items, then the near-domain topics
	fold       *folder
	syn        []synTerm
	synByFirst map[rune][]int32 // first rune of a synonym term → its index in syn
	examples   *bm25
	docClass   []int // example document → class, -1 for off-topic
	whole      *bm25 // one document per class
	lr         *logreg
	th         Thresholds
	opt        scoring
	scratch    sync.Pool // *scratch, the score slices of one Match
}

// scratch holds the slices of one Match, reused across calls.
type scratch struct {
	ex, whole, best    []float32
	ex2, whole2, best2 []float32 // the asking clause alone
	probs              []float64
	toks, clause       []string
}

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
	// lr is the weight of the logistic regression's probability against
	// the BM25 score.
	lr float32
}

var defaultScoring = scoring{mix: 0.5, unknown: 0.5, minTerms: 2, lr: 0.3}

// NewIndex builds the index of a knowledge base with DefaultThresholds.
func NewIndex(b *Base) (*Index, error) {
	f, err := newFolder()
	if err != nil {
		return nil, err
	}
	ix := &Index{items: b.Items(), near: b.NearTopics(), fold: f, th: DefaultThresholds, opt: defaultScoring}
	texts := make([]map[Lang]Text, 0, len(ix.items)+len(ix.near))
	var synonyms [][][]string
	for _, it := range ix.items {
		ix.class = append(ix.class, it.ID)
		texts = append(texts, it.Text)
		synonyms = append(synonyms, it.Synonyms)
	}
	for _, n := range ix.near {
		ix.class = append(ix.class, n.ID)
		texts = append(texts, n.Text)
		synonyms = append(synonyms, n.Synonyms)
	}
	ix.buildSynonyms(synonyms)
	var exDocs, lrDocs [][]string
	var lrLabels []int
	wholeDocs := make([][]string, len(ix.class))
	add := func(class int, text string) {
		toks := ix.analyze(text, nil)
		exDocs = append(exDocs, toks)
		ix.docClass = append(ix.docClass, class)
		if class >= 0 {
			wholeDocs[class] = append(wholeDocs[class], toks...)
		}
		lrDocs = append(lrDocs, uniq(slices.Clone(toks)))
		if class < 0 {
			class = len(ix.class) // the regression's off-topic class
		}
		lrLabels = append(lrLabels, class)
	}
	for c, text := range texts {
		for _, lang := range Langs {
			t := text[lang]
			add(c, t.Title)
			for _, ex := range t.Examples {
				add(c, ex)
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
	ix.lr = trainLogreg(lrDocs, lrLabels, len(ix.class)+1)
	nDocs, nClasses := len(ix.docClass), len(ix.class)
	ix.scratch.New = func() any {
		return &scratch{
			ex: make([]float32, nDocs), whole: make([]float32, nClasses), best: make([]float32, nClasses),
			ex2: make([]float32, nDocs), whole2: make([]float32, nClasses), best2: make([]float32, nClasses),
			probs: make([]float64, nClasses+1),
		}
	}
	return ix, nil
}

// SetThresholds replaces the thresholds (for measurement and tuning).
func (ix *Index) SetThresholds(t Thresholds) { ix.th = t }

// buildSynonyms merges the synonym groups of the items and topics that share
// a term and gives each merged group one canonical token.
func (ix *Index) buildSynonyms(groups [][][]string) {
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
	for _, gs := range groups {
		for _, g := range gs {
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
	ix.synByFirst = map[rune][]int32{}
	for k, s := range ix.syn {
		r, _ := utf8.DecodeRuneInString(s.text)
		ix.synByFirst[r] = append(ix.synByFirst[r], int32(k))
	}
}

func isWordRune(r rune) bool {
	return !isHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// analyze folds text and returns its index terms, synonym tokens included:
// each group's token once, wherever one of its terms occurs. A term that
// starts or ends with a Latin letter must not be glued to another letter
// there ("ic卡" is in "ic卡", "arc" is not in "search").
func (ix *Index) analyze(text string, dst []string) []string {
	folded := ix.fold.fold(text)
	dst = tokens(folded, dst)
	mark := len(dst)
	var prev rune // the rune before offset i, 0 at the start
	for i, r := range folded {
		for _, k := range ix.synByFirst[r] {
			s := &ix.syn[k]
			if !strings.HasPrefix(folded[i:], s.text) || slices.Contains(dst[mark:], s.token) {
				continue
			}
			if s.latinBefore && isWordRune(prev) {
				continue
			}
			if end := i + len(s.text); s.latinAfter && end < len(folded) {
				if next, _ := utf8.DecodeRuneInString(folded[end:]); isWordRune(next) {
					continue
				}
			}
			dst = append(dst, s.token)
		}
		prev = r
	}
	return dst
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
