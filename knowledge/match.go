package knowledge

import (
	"slices"
)

// Mode is what a caller should do with a Match.
type Mode string

// The three modes of a Match.
const (
	// ModeAnswer: item ID answers the question; show it.
	ModeAnswer Mode = "answer"
	// ModeSuggest: "did you mean": offer Suggestions (and say Near's
	// referral when Near is set), never an answer.
	ModeSuggest Mode = "suggest"
	// ModeNone: no item fits. Say Near's referral when Near is set,
	// otherwise that nothing matched; offer Suggestions (the closest item,
	// if any) and the menu.
	ModeNone Mode = "none"
)

// Match is what the index makes of one question.
type Match struct {
	// ID is the best item, or "" when no item fits (Mode is ModeNone).
	ID string `json:"id"`
	// Score is the best item's score in [0, 1].
	Score float64 `json:"score"`
	// RunnerUp is the second-best item ("" if none scored). When no item
	// fits it is the closest item, for a "did you mean" offer.
	RunnerUp string `json:"runner_up"`
	// RunnerUpScore is RunnerUp's score in [0, 1].
	RunnerUpScore float64 `json:"-"`
	// Lang is the language the question is written in.
	Lang Lang `json:"lang"`
	// Confident is true when Mode is ModeAnswer: the match is strong and
	// clearly ahead of the runner-up and of every near-domain topic. A
	// non-empty ID that is not confident is a weak match (ModeSuggest).
	Confident bool `json:"-"`
	// Mode says whether to answer ID, offer Suggestions, or neither.
	Mode Mode `json:"mode"`
	// Suggestions are up to three items to offer, best first: three when
	// the top scores are close, otherwise one or two. With ModeNone it
	// holds the closest item, if any; with ModeAnswer just ID.
	Suggestions []string `json:"suggestions"`
	// Near is the near-domain topic the question is about, "" if none:
	// the caller says its referral (Base.Near).
	Near string `json:"near,omitempty"`
	// NearScore is the best near-domain topic's score in [0, 1], whether
	// or not it became Near.
	NearScore float64 `json:"-"`
}

// Abstained reports whether the index found no item that fits.
func (m Match) Abstained() bool { return m.ID == "" }

// Thresholds decide what a match is worth.
type Thresholds struct {
	// Abstain: a best score below it means nothing fits.
	Abstain float64
	// Confident: a best score at or above it, with Margin over the
	// runner-up and NearMargin over every near-domain topic, answers
	// directly; below it the dialogs ask "did you mean…".
	Confident float64
	// Margin is how far ahead of the runner-up a confident match must be.
	Margin float64
	// Offtopic: when the closest off-topic example scores more than the
	// best item or topic plus this (a negative value: comes this close),
	// nothing fits.
	Offtopic float64
	// NearMargin is how far ahead of the best near-domain topic an item
	// must be to be answered or to be the only thing offered: a topic
	// closer than that becomes Near and the match is at most a suggestion.
	NearMargin float64
	// NearLead: a near-domain topic more than this ahead of the best item
	// makes the match ModeNone (the topic's referral; the item is only
	// offered).
	NearLead float64
	// Pair: the second item is offered when it scores within Pair of the
	// best. Close: a third too when it scores within Close of the best.
	Pair, Close float64
	// Ask: in a long message, the asking clause read alone stops an answer
	// when it puts another class first, this far ahead of every other item
	// and above the whole message's best item.
	Ask float64
}

// DefaultThresholds were chosen on testdata/dev.tsv (tune_test.go,
// VAXBOT_TUNE=1); testdata/heldout.tsv, written before any tuning, only
// measures them. The other languages use them too: in cross-validation on
// their examples (TestCrossValLangs) other values traded answers for wrong
// answers at about the same rate, in every language.
var DefaultThresholds = Thresholds{
	Abstain: 0.10, Confident: 0.30, Margin: 0.15, Offtopic: -0.06,
	NearMargin: 0.05, NearLead: 0.1, Pair: 0.15, Close: 0.05, Ask: 0.2,
}

// Match finds the item that best answers text, or the near-domain topic it
// is about. It never fails: text with nothing to match (empty, an emoji,
// another topic) gets ModeNone.
//
// A long message is read twice. The whole of it ranks the classes: the
// story often says what the question is about ("my card still has the old
// number … what should I do?"). The asking clause alone (askingClause)
// says what is asked: when it asks about a near-domain topic or another
// item than the whole message's best ("… I registered already, when is my
// second dose?"), the match is no answer.
//
// The question is read in its language (DetectLang), or, when that is not
// one of the index's, as Chinese if it holds Han characters and English
// otherwise. Match.Lang says which.
func (ix *Index) Match(text string) Match { return ix.MatchIn(text, "") }

// MatchIn is Match for a question asked in a conversation held in hint:
// when the text alone does not say its language for sure ("ARC", "ok",
// DetectLang below SureLang), it is read in hint, if the index reads hint.
func (ix *Index) MatchIn(text string, hint Lang) Match {
	lang, sure := DetectLang(text)
	return ix.match(text, ix.langOf(text, hint, lang, sure))
}

// MatchDetected is Match for a text whose language DetectLang has already
// found (lang, sure): a conversation that read the language to answer in
// does not have it read twice.
func (ix *Index) MatchDetected(text string, lang Lang, sure float64) Match {
	return ix.match(text, ix.langOf(text, "", lang, sure))
}

// match is Match in lang.
func (ix *Index) match(text string, lang Lang) Match {
	li := ix.byLang[lang]
	m := Match{Lang: lang, Mode: ModeNone}
	if li == nil {
		return m
	}
	th := &ix.th
	sc := li.scratch.Get().(*scratch)
	defer li.scratch.Put(sc)
	sc.toks = li.analyze(ix.fold, lang, text, sc.toks[:0])
	sc.ids = li.queryTerms(sc.toks, sc.ids[:0])
	toks := sc.ids
	if len(toks) == 0 {
		return m
	}
	best, off, ok := ix.classScores(li, toks, sc.ex, sc.whole, sc.best, sc.probs)
	if !ok {
		return m
	}
	asked := veto{class: -1}
	if clause, wider, long := askingClause(text, lang); long {
		sc.clause = li.analyze(ix.fold, lang, clause, sc.clause[:0])
		sc.clauseIDs = li.queryTerms(sc.clause, sc.clauseIDs[:0])
		asked = ix.ask(li, th, sc, asked)
		if wider != "" {
			sc.clause = li.analyze(ix.fold, lang, wider, sc.clause[:0])
			sc.clauseIDs = li.queryTerms(sc.clause, sc.clauseIDs[:0])
			asked = ix.ask(li, th, sc, asked)
		}
	}
	ix.decide(li, th, &m, toks, best, float64(off), asked)
	return m
}

// langOf returns the language to read text in, DetectLang having found
// lang with confidence conf: lang when the index reads it and it is sure
// or there is no hint; hint when the text does not say for sure;
// otherwise, as before there were more languages, zh-TW for text with Han
// characters and English for the rest.
func (ix *Index) langOf(text string, hint, lang Lang, conf float64) Lang {
	if conf < SureLang && hint != "" {
		if _, ok := ix.byLang[hint]; ok {
			return hint
		}
	}
	if _, ok := ix.byLang[lang]; ok {
		return lang
	}
	return detectLang(text)
}

// ask scores the asking clause in sc.clauseIDs alone and returns what it asks
// about, or v when the clause says too little or v is stronger.
func (ix *Index) ask(li *langIndex, th *Thresholds, sc *scratch, v veto) veto {
	cbest, _, ok := ix.classScores(li, sc.clauseIDs, sc.ex, sc.whole, sc.best2, sc.probs)
	if !ok {
		return v
	}
	c := argmax(cbest)
	if c < 0 || float64(cbest[c]) < th.Abstain || float64(cbest[c]) <= v.score || li.shared(sc.clauseIDs, c) < ix.opt.minTerms {
		return v
	}
	if c >= len(ix.items) && ix.near[c-len(ix.items)].Yields {
		return v
	}
	var other float32 // the best other item
	for i := range ix.items {
		if i != c {
			other = max(other, cbest[i])
		}
	}
	if float64(cbest[c]-other) < th.Ask {
		return v
	}
	return veto{class: c, score: float64(cbest[c])}
}

// veto is what the asking clause of a long message asks about, alone: a
// class and its score, class -1 when the clause says too little. It stops
// an answer when it scores above the whole message's best item and is not
// that item.
type veto struct {
	class int
	score float64
}

// classScores scores the query against every class into best (items, then
// near-domain topics) and returns the off-topic score; ok is false when no
// term of the query is known. A class's score mixes its BM25 score (the
// best example and the whole class, each divided by the best score the
// query could reach) with the logistic regression's probability.
//
// ex must be all zeros, and is left so. It is read whole, in order: the
// terms of a question reach most examples (those of BenchmarkMatchMix
// about 2000 postings a question, over 1000 to 1600 examples), so a list
// of the examples reached cost more to keep, a branch on every posting,
// than it saved. The best example of a class is found before dividing
// (division by a positive number keeps the order).
func (ix *Index) classScores(li *langIndex, toks []int32, ex, whole, best []float32, probs []float64) (_ []float32, off float32, ok bool) {
	exMax := li.examples.score(toks, ex, ix.opt.unknown)
	best = clear32(best)
	for d, s := range ex {
		ex[d] = 0
		if c := li.docClass[d]; c >= 0 {
			if s > best[c] {
				best[c] = s
			}
		} else if s > off {
			off = s
		}
	}
	wholeScores := clear32(whole)
	wholeMax := li.whole.score(toks, wholeScores, ix.opt.unknown)
	if exMax == 0 || wholeMax == 0 {
		return best, 0, false
	}
	for c := range best {
		best[c] /= exMax
	}
	off /= exMax
	li.lr.probs(toks, probs)
	lr := ix.opt.lr
	for c := range best {
		bm := (1-ix.opt.mix)*best[c] + ix.opt.mix*wholeScores[c]/wholeMax
		best[c] = min((1-lr)*bm+lr*float32(probs[c]), 1)
	}
	off = (1-lr)*off + lr*float32(probs[len(best)])
	return best, off, true
}

// argmax returns the index of the highest score, -1 when none is positive.
func argmax(scores []float32) int {
	best := -1
	for i, s := range scores {
		if s > 0 && (best < 0 || s > scores[best]) {
			best = i
		}
	}
	return best
}

// decide turns the class scores into the match's mode, item, suggestions
// and near-domain topic.
func (ix *Index) decide(li *langIndex, th *Thresholds, m *Match, toks []int32, best []float32, off float64, asked veto) {
	nItems := len(ix.items)
	top := topN(best[:nItems])
	n1 := -1
	for c := nItems; c < len(best); c++ {
		if best[c] > 0 && (n1 < 0 || best[c] > best[n1]) {
			n1 = c
		}
	}
	score := func(c int) float64 {
		if c < 0 {
			return 0
		}
		return float64(best[c])
	}
	i1, i2, i3 := top[0], top[1], top[2]
	s1, s2, s3, sn := score(i1), score(i2), score(i3), score(n1)
	if i1 < 0 && n1 < 0 {
		return
	}
	m.Score, m.NearScore = s1, sn
	if i2 >= 0 {
		m.RunnerUp, m.RunnerUpScore = ix.class[i2], s2
	}
	itemOK := i1 >= 0 && s1 >= th.Abstain && li.shared(toks, i1) >= ix.opt.minTerms
	nearOK := n1 >= 0 && sn >= th.Abstain && li.shared(toks, n1) >= ix.opt.minTerms
	// none gives the closest item to offer along with the menu.
	none := func() {
		m.Mode, m.ID = ModeNone, ""
		if i1 >= 0 {
			m.Suggestions = []string{ix.class[i1]}
			m.RunnerUp, m.RunnerUpScore = ix.class[i1], s1
		}
	}
	topScore := 0.0
	if itemOK {
		topScore = s1
	}
	if nearOK {
		topScore = max(topScore, sn)
	}
	switch {
	case !itemOK && !nearOK:
		none()
		return
	case off > topScore+th.Offtopic:
		// An off-topic example comes as close as anything: not ours. The
		// topic still counts if it beats the off-topic example.
		if nearOK && sn >= off {
			m.Near = ix.class[n1]
		}
		none()
		return
	case nearOK && (!itemOK || sn > s1+th.NearLead):
		m.Near = ix.class[n1]
		none()
		return
	}
	// agrees: the question, read alone, asks for the whole message's best
	// item as clearly as a question that is answered (the story around
	// it only lowered the score).
	agrees := asked.class == i1 && asked.score >= th.Confident
	if asked.class >= 0 && (asked.class == i1 || asked.score <= s1) {
		// The question alone says no more than the whole message.
		asked.class = -1
	}
	m.ID = ix.class[i1]
	switch {
	case asked.class >= nItems:
		// The question asks about a near-domain topic: its referral, with
		// the item the story is about only offered.
		m.Near, m.NearScore = ix.class[asked.class], max(sn, asked.score)
	case nearOK && sn > s1-th.NearMargin:
		m.Near = ix.class[n1]
	}
	if m.Near == "" && asked.class < 0 && (agrees || s1 >= th.Confident && s1-s2 >= th.Margin) {
		m.Mode, m.Confident = ModeAnswer, true
		m.Suggestions = []string{m.ID}
		return
	}
	m.Mode = ModeSuggest
	m.Suggestions = []string{m.ID}
	if i2 >= 0 && s2 >= th.Abstain && s2 >= s1-th.Pair {
		m.Suggestions = append(m.Suggestions, ix.class[i2])
		if i3 >= 0 && s3 >= th.Abstain && s3 >= s1-th.Close {
			m.Suggestions = append(m.Suggestions, ix.class[i3])
		}
	}
	if c := asked.class; c >= 0 && c < nItems && !slices.Contains(m.Suggestions, ix.class[c]) {
		// The item the question asks about, second.
		m.Suggestions = slices.Insert(m.Suggestions[:min(len(m.Suggestions), 2)], 1, ix.class[c])
	}
}

// topN returns the indexes of the three highest positive scores, best
// first, -1 where there are fewer.
func topN(scores []float32) [3]int {
	top := [3]int{-1, -1, -1}
	for i, s := range scores {
		if s <= 0 {
			continue
		}
		for k := range top {
			if top[k] < 0 || s > scores[top[k]] {
				copy(top[k+1:], top[k:len(top)-1])
				top[k] = i
				break
			}
		}
	}
	return top
}

// shared counts the distinct query terms (vocabulary ids) that occur in a class's examples,
// leaving out single Chinese characters: they are there for recall, but
// "疫苗" alone is one piece of evidence, not three.
func (li *langIndex) shared(query []int32, class int) int {
	n := 0
	for _, id := range query {
		if id < 0 || li.hanChar[id] {
			continue
		}
		for _, p := range li.whole.postings[id] {
			if int(p.doc) == class {
				n++
				break
			}
		}
	}
	return n
}
