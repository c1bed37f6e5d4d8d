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
	// w is the term's BM25 weight in the document before its idf:
	// tf·(k1+1) / (tf + k1·(1 − b + b·len/avgLen)), computed once at build.
	w float32
}

// bm25 is one collection of documents scored by Okapi BM25. Its terms
// are the ids of its langIndex's vocabulary, which the collections and the
// regression share so that a query term is looked up once; a term with no
// posting is one the collection never uses.
type bm25 struct {
	idf      []float32
	postings [][]posting
	lens     []float32
	avgLen   float32
	// unknownIDF is what a query term the collection never uses weighs in
	// the best possible score: a question full of such terms is about
	// something else.
	unknownIDF float32
}

// newBM25 indexes docs, whose terms are ids below nTerms.
func newBM25(docs [][]int32, nTerms int) *bm25 {
	ix := &bm25{idf: make([]float32, nTerms), postings: make([][]posting, nTerms), lens: make([]float32, len(docs))}
	var total float32
	df := make([]int, nTerms)
	for d, toks := range docs {
		tf := map[int32]float32{}
		for _, id := range toks {
			tf[id]++
		}
		for id, n := range tf {
			ix.postings[id] = append(ix.postings[id], posting{doc: int32(d), w: n}) // tf until weighed below
			df[id]++
		}
		ix.lens[d] = float32(len(toks))
		total += float32(len(toks))
	}
	n := float64(len(docs))
	ix.avgLen = total / float32(max(len(docs), 1))
	for id := range ix.idf {
		if df[id] > 0 {
			ix.idf[id] = float32(math.Log(1 + (n-float64(df[id])+0.5)/(float64(df[id])+0.5)))
		}
	}
	ix.unknownIDF = float32(math.Log(1 + (n-0.5)/1.5))
	for _, ps := range ix.postings {
		for i, p := range ps {
			tf := p.w
			norm := bm25K1 * (1 - bm25B + bm25B*ix.lens[p.doc]/ix.avgLen)
			ps[i].w = tf * (bm25K1 + 1) / (tf + norm)
		}
	}
	return ix
}

// score adds each document's score for the distinct query terms
// (vocabulary ids, -1 for a term the vocabulary lacks) to scores and
// returns the best score any document could reach (every term matched
// with saturated frequency).
func (ix *bm25) score(query []int32, scores []float32, unknownWeight float32) float32 {
	var best float32
	for _, id := range query {
		if id < 0 || len(ix.postings[id]) == 0 {
			best += unknownWeight * ix.unknownIDF * (bm25K1 + 1)
			continue
		}
		idf := ix.idf[id]
		best += idf * (bm25K1 + 1)
		for _, p := range ix.postings[id] {
			scores[p.doc] += idf * p.w
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
	// twin is a second term for the group, or "": in Thai a group counts
	// twice (see langIndex.analyze).
	twin string
}

// Index matches questions to items. Every example question is a document of
// one BM25 collection, and all of an item's examples together are a
// document of a second; an item's score mixes its best example and its whole
// document, each divided by the best score the question could reach.
// Near-domain topics are scored the same way, as competitors of the items,
// and off-topic examples as documents of no class.
//
// A question is read in its language (DetectLang): each language has a
// matcher of its own (langIndex) that learns from the examples of its
// language group. zh-TW and English share one, as they always did (people
// in Taiwan mix them: "ARC 換新的"); every other language has its own, so
// that a translation added or changed never moves the figures of another.
// Terms are character bigrams and single characters of Chinese, stemmed
// English words and word pairs, the words of each other language (see
// tokensIn), and one token per synonym group.
type Index struct {
	items  []*Item
	near   []*NearTopic
	class  []string // class → id: the items, then the near-domain topics
	fold   *folder
	langs  []Lang               // the languages of the base, display order
	byLang map[Lang]*langIndex  // each language → the matcher that reads it
	langTh map[Lang]*Thresholds // thresholds of a language other than th's
	th     Thresholds
	opt    scoring
}

// langIndex is the matcher of one language group: the collections, the
// regression and the synonyms of the examples of its languages.
type langIndex struct {
	langs []Lang
	strip bool // synonyms are found without diacritics (Vietnamese)
	thai  bool // synonyms are found without Thai tone marks, as thaiTerms reads Thai
	syn   []synTerm
	// synASCII and synByFirst hold the synonym terms by their first rune,
	// in the order of syn: synASCII those that begin with an ASCII
	// character (an array, where most terms begin), synByFirst the others.
	synASCII   [utf8.RuneSelf][]prefixHead
	synByFirst map[rune][]prefixHead
	// vocab gives each term of the examples an id, the term's index in the
	// collections and the regression: a query term is looked up once.
	vocab map[string]int32
	// hanChar is true for the ids of single Han characters, which shared
	// leaves out.
	hanChar  []bool
	examples *bm25
	docClass []int // example document → class, -1 for off-topic
	whole    *bm25 // one document per class
	lr       *logreg
	scratch  sync.Pool // *scratch, the score slices of one Match
}

// scratch holds the slices of one Match, reused across calls.
type scratch struct {
	// ex is all zeros between calls (classScores clears it as it reads
	// it), and whole is only read inside classScores: the asking clause
	// is scored with them too. best is the whole message's, which decide
	// reads after the clause's (best2).
	ex, whole, best []float32
	best2           []float32
	probs           []float64
	toks, clause    []string
	ids, clauseIDs  []int32 // toks and clause as queryTerms gives them
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

// langGroup returns the languages whose examples the matcher of lang
// learns from: zh-TW and English together, as they always did; any other
// language with them both, because people write "ARC", "NHI card",
// "UI number", 健保卡 and 居留證 in it, which the zh-TW and English
// examples know (5-fold cross-validation on the examples, top-1 of the
// items: vi 80.6 → 85.8 %, id 67.3 → 78.4, th 72.8 → 79.6, tl 63.2 → 85.3
// with both mixed in; English alone gave about two thirds of that).
func langGroup(lang Lang) []Lang {
	if lang == ZhTW || lang == En {
		return []Lang{ZhTW, En}
	}
	return []Lang{lang, ZhTW, En}
}

// NewIndex builds the index of a knowledge base, in every language of the
// base, with DefaultThresholds.
func NewIndex(b *Base) (*Index, error) {
	f, err := newFolder()
	if err != nil {
		return nil, err
	}
	langs := b.langs
	if len(langs) == 0 {
		langs = Langs
	}
	ix := &Index{
		items: b.Items(), near: b.NearTopics(), fold: f, langs: slices.Clone(langs),
		byLang: map[Lang]*langIndex{}, th: DefaultThresholds, opt: defaultScoring,
	}
	for _, it := range ix.items {
		ix.class = append(ix.class, it.ID)
	}
	for _, n := range ix.near {
		ix.class = append(ix.class, n.ID)
	}
	var groups []*langIndex
	for _, lang := range ix.langs {
		if _, done := ix.byLang[lang]; done {
			continue
		}
		g := langGroup(lang)
		for _, l := range g {
			if !slices.Contains(ix.langs, l) {
				return nil, fmt.Errorf("knowledge: index: the %s matcher needs %s, which the base lacks", lang, l)
			}
		}
		li := &langIndex{langs: g}
		for _, l := range g {
			if langGroup(l)[0] == g[0] {
				// l reads with this matcher (zh-TW and English share one).
				ix.byLang[l] = li
			}
		}
		groups = append(groups, li)
	}
	// The matchers are independent: train them at once.
	var wg sync.WaitGroup
	for _, li := range groups {
		wg.Go(func() { li.build(ix, b) })
	}
	wg.Wait()
	return ix, nil
}

// build fills li from the examples of its languages in b.
func (li *langIndex) build(ix *Index, b *Base) {
	li.strip = slices.Contains(li.langs, Vi)
	li.thai = slices.Contains(li.langs, Th)
	texts := make([]map[Lang]Text, 0, len(ix.class))
	var synonyms [][][]string
	for _, it := range ix.items {
		texts = append(texts, it.Text)
		synonyms = append(synonyms, it.Synonyms)
	}
	for _, n := range ix.near {
		texts = append(texts, n.Text)
		synonyms = append(synonyms, n.Synonyms)
	}
	for _, text := range texts {
		for _, lang := range li.langs {
			synonyms = append(synonyms, text[lang].Synonyms)
		}
	}
	li.buildSynonyms(ix.fold, synonyms)
	var exDocs, lrDocs [][]int32
	var lrLabels []int
	wholeDocs := make([][]int32, len(ix.class))
	li.vocab = map[string]int32{}
	add := func(class int, lang Lang, text string) {
		toks := li.intern(li.analyze(ix.fold, lang, text, nil))
		exDocs = append(exDocs, toks)
		li.docClass = append(li.docClass, class)
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
		for _, lang := range li.langs {
			t := text[lang]
			add(c, lang, t.Title)
			for _, ex := range t.Examples {
				add(c, lang, ex)
			}
		}
	}
	for _, lang := range li.langs {
		for _, ex := range b.offtopic[lang] {
			add(-1, lang, ex)
		}
	}
	li.examples = newBM25(exDocs, len(li.vocab))
	li.whole = newBM25(wholeDocs, len(li.vocab))
	li.lr = trainLogreg(lrDocs, len(li.vocab), lrLabels, len(ix.class)+1)
	nDocs, nClasses := len(li.docClass), len(ix.class)
	li.scratch.New = func() any {
		return &scratch{
			ex: make([]float32, nDocs), whole: make([]float32, nClasses), best: make([]float32, nClasses),
			best2: make([]float32, nClasses),
			probs: make([]float64, nClasses+1),
		}
	}
}

// Langs returns the languages the index reads, in display order.
func (ix *Index) Langs() []Lang { return slices.Clone(ix.langs) }

// SetThresholds replaces the thresholds (for measurement and tuning).
func (ix *Index) SetThresholds(t Thresholds) { ix.th = t }

// buildSynonyms merges the synonym groups of the items and topics that share
// a term and gives each merged group one canonical token.
func (li *langIndex) buildSynonyms(fold *folder, groups [][][]string) {
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
				t := fold.fold(term)
				if li.strip {
					t = stripMarks(t)
				}
				if li.thai {
					t = strings.TrimSpace(foldThaiVariants(t))
				}
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
		st := synTerm{
			text: t, token: tok,
			latinBefore: isWordRune(first), latinAfter: isWordRune(last),
		}
		if li.thai {
			st.twin = tok + "'"
		}
		li.syn = append(li.syn, st)
	}
	// Longest terms first, so "nhi card" is found before "card".
	sort.SliceStable(li.syn, func(i, j int) bool { return len(li.syn[i].text) > len(li.syn[j].text) })
	// Of the terms that begin with a rune of a question (537 a question
	// of the load mix, a hundred for a Thai เ), 4 are in it.
	li.synByFirst = map[rune][]prefixHead{}
	for k, s := range li.syn {
		h := newPrefixHead(s.text, k)
		if r, _ := utf8.DecodeRuneInString(s.text); r < utf8.RuneSelf {
			li.synASCII[r] = append(li.synASCII[r], h)
		} else {
			li.synByFirst[r] = append(li.synByFirst[r], h)
		}
	}
}

// prefixHead is a string's place in a list (k) with its first bytes, up
// to eight, as load8 reads them, and the mask of those bytes: a string
// can begin at offset i of a text only if load8(text, i)&mask == head. The
// synonym scan and the Thai replacers (replacer) try many strings at each
// position of a text, and few of them go on as the text does: they
// compare the heads in one step each, and the strings themselves only when
// the heads agree.
type prefixHead struct {
	head, mask uint64
	k          int32
}

// newPrefixHead returns the head of s, the k-th string of its list.
func newPrefixHead(s string, k int) prefixHead {
	return prefixHead{head: load8(s, 0), mask: ^uint64(0) >> (8 * max(0, 8-len(s))), k: int32(k)}
}

// load8 returns the eight bytes of s from i, little-endian, with zeros for
// the bytes past its end.
func load8(s string, i int) uint64 {
	if i+8 <= len(s) {
		b := s[i : i+8]
		return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	}
	var w uint64
	for j := 0; i+j < len(s); j++ {
		w |= uint64(s[i+j]) << (8 * j)
	}
	return w
}

func isWordRune(r rune) bool {
	return !isHan(r) && !isThai(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// analyze folds text, written in lang, and returns its index terms,
// synonym tokens included: each group's token once, wherever one of its
// terms occurs. In Thai a group's token comes with its twin, a second
// term: a Thai word gives as many terms as it has pairs of clusters (three
// or four), so one term for the word's group, as the other languages have,
// was outvoted by the clusters of the words around it. With the twin the
// matcher leans on the words it knows the meaning of: in 5-fold
// cross-validation on the Thai examples, items top-1 349 → 351 of 354 and
// answered right 313 → 321; trained on a quarter of the examples and asked
// the rest (a stand-in for a writer whose words the examples lack),
// 944 → 962 of 1062 (88.9 → 90.6 %). A third copy gained no more.
//
// A term that starts or ends with a Latin letter must not be glued to
// another letter there ("ic卡" is in "ic卡", "arc" is not in
// "search").
func (li *langIndex) analyze(fold *folder, lang Lang, text string, dst []string) []string {
	folded := fold.fold(text)
	if li.thai {
		// Thai is read without tone marks and with its variants written
		// as the examples write them (foldThaiVariants), for the tokens
		// and the synonyms alike, on both sides: "บัตรใหม" (typed without
		// its tone mark) finds the term "บัตรใหม่", "เบอร์บัตร" "เลขบัตร".
		folded = cutThaiGreeting(foldThaiVariants(folded))
	}
	dst = tokensIn(lang, folded, dst)
	if li.strip {
		folded = stripMarks(folded)
	}
	mark := len(dst)
	var prev rune // the rune before offset i, 0 at the start
	for i, r := range folded {
		var heads []prefixHead
		if r < utf8.RuneSelf {
			heads = li.synASCII[r]
		} else {
			heads = li.synByFirst[r]
		}
		if len(heads) == 0 {
			prev = r
			continue
		}
		next8, glued := load8(folded, i), isWordRune(prev)
		for _, h := range heads {
			if next8&h.mask != h.head {
				continue
			}
			s := &li.syn[h.k]
			if !strings.HasPrefix(folded[i:], s.text) || slices.Contains(dst[mark:], s.token) {
				continue
			}
			if s.latinBefore && glued {
				continue
			}
			if end := i + len(s.text); s.latinAfter && end < len(folded) {
				if next, _ := utf8.DecodeRuneInString(folded[end:]); isWordRune(next) {
					continue
				}
			}
			dst = append(dst, s.token)
			if s.twin != "" {
				dst = append(dst, s.twin)
			}
		}
		prev = r
	}
	return dst
}

// uniq drops repeated terms (or ids) in place, keeping the first of each.
func uniq[T comparable](toks []T) []T {
	out := toks[:0]
	for i, t := range toks {
		if !slices.Contains(toks[:i], t) {
			out = append(out, t)
		}
	}
	return out
}

// intern returns the vocabulary ids of toks, giving a new term the next
// id (at build only: an index is read-only once built).
func (li *langIndex) intern(toks []string) []int32 {
	ids := make([]int32, len(toks))
	for i, t := range toks {
		id, ok := li.vocab[t]
		if !ok {
			id = int32(len(li.vocab))
			li.vocab[t] = id
			r, size := utf8.DecodeRuneInString(t)
			li.hanChar = append(li.hanChar, size == len(t) && isHan(r))
		}
		ids[i] = id
	}
	return ids
}

// queryTerms appends to dst the distinct terms of toks, in order of first
// occurrence, as vocabulary ids, -1 for each distinct term the vocabulary
// lacks: what uniq keeps, each term looked up once. Every score adds up
// the terms in this order, so the sums are those of the terms themselves.
func (li *langIndex) queryTerms(toks []string, dst []int32) []int32 {
	for i, t := range toks {
		id, ok := li.vocab[t]
		switch {
		case !ok:
			if !slices.Contains(toks[:i], t) {
				dst = append(dst, -1)
			}
		case !slices.Contains(dst, id):
			dst = append(dst, id)
		}
	}
	return dst
}

// DefaultIndex returns the embedded base (Default) and its index, built
// once per process and shared: an index is read-only once built (only
// SetThresholds changes it, for tuning on an index of one's own), and
// building one for every language takes a few hundred milliseconds.
func DefaultIndex() (*Index, *Base, error) {
	d := embeddedIndex()
	return d.ix, d.base, d.err
}

var embeddedIndex = sync.OnceValue(func() (d struct {
	ix   *Index
	base *Base
	err  error
}) {
	if d.base, d.err = Default(); d.err != nil {
		return d
	}
	d.ix, d.err = NewIndex(d.base)
	return d
})
