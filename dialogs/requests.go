package dialogs

// Requests: what people type instead of tapping ("我要找真人", "never mind",
// "3Q", "I have no card"), recognised at every step of the conversation,
// with the phrases kept as data (data/requests.toml).

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/vaxbot/vaxbot/knowledge"
)

// Request is something a person asks of the conversation itself rather
// than of the QA.
type Request string

// The requests, in the order they are tried: the first that matches wins.
const (
	ReqNone     Request = ""
	ReqPerson   Request = "person"    // talk to a person
	ReqNoCard   Request = "no_card"   // "I have no NHI card" (QA item 4)
	ReqCantRead Request = "cant_read" // "I can't read my card number" (QA item 2)
	ReqReplaced Request = "replaced"  // "I replaced my card and it still fails" (QA item 7's last step)
	ReqCancel   Request = "cancel"    // leave the form
	ReqMenu     Request = "menu"      // the main menu
	ReqLangEn   Request = "lang_en"   // switch to English
	ReqLangZh   Request = "lang_zh"   // switch to Chinese
	ReqVerify   Request = "verify"    // check my numbers
	ReqThanks   Request = "thanks"    // small talk
	ReqBye      Request = "bye"
	ReqGreeting Request = "greeting"
	ReqOK       Request = "ok"
	ReqYes      Request = "yes" // at a yes/no question only
	ReqNo       Request = "no"
)

// requestOrder is the order requests are tried in: a request to switch to
// each language of knowledge.AllLangs beyond zh-TW and English comes after
// the two.
var requestOrder = append([]Request{
	ReqPerson, ReqNoCard, ReqCantRead, ReqReplaced, ReqCancel, ReqMenu, ReqLangEn, ReqLangZh},
	append(langRequests(), ReqVerify, ReqThanks, ReqBye, ReqGreeting, ReqOK, ReqYes, ReqNo)...)

// langRequests are the requests to switch to each further language:
// "lang_vi", "lang_id", …
func langRequests() []Request {
	var out []Request
	for _, l := range knowledge.AllLangs {
		if l != knowledge.ZhTW && l != knowledge.En {
			out = append(out, LangRequest(l))
		}
	}
	return out
}

// LangRequest is the request to switch to lang.
func LangRequest(lang Lang) Request {
	switch lang {
	case knowledge.En:
		return ReqLangEn
	case knowledge.ZhTW:
		return ReqLangZh
	}
	return Request("lang_" + string(lang))
}

// isLangRequest reports whether req asks for a language.
func isLangRequest(req Request) bool { return strings.HasPrefix(string(req), "lang_") }

// requestLang is the language req asks for, if it asks for one the
// conversation speaks.
func requestLang(req Request) (Lang, bool) {
	for _, l := range knowledge.Langs {
		if LangRequest(l) == req {
			return l, true
		}
	}
	return "", false
}

//go:embed data/requests.toml
var defaultRequests []byte

// Requests recognises requests in free text.
type Requests struct {
	// phrases holds each request's folded phrases, all languages together:
	// people mix them ("ok", "3Q", "english please").
	phrases map[Request][]phrase
	// anywhere holds the phrases that make a message the request wherever
	// they stand in it ("真人", "real person").
	anywhere map[Request][]phrase
	// exact maps each folded phrase to its request (the first in
	// requestOrder): most requests are typed as the phrase itself.
	exact map[string]Request
	// longest is the most characters (Chinese) or words (Latin) a message
	// may have and still hold a phrase with little else around it.
	longestHan, longestWords int
	// byFirst and anyByFirst find the phrases that can occur in a message
	// by their first word (a character in Chinese and Thai); typos are the
	// single words long enough to match with one typo.
	byFirst, anyByFirst map[string][]phraseRef
	typos               []phraseRef
	// rank is each request's place in requestOrder: the first that matches
	// wins.
	rank map[Request]int
}

// phraseRef is a phrase and its request.
type phraseRef struct {
	req Request
	p   phrase
}

// phrase is one folded phrase: its text and, for Latin text, its words.
type phrase struct {
	text  string
	words []string
	han   bool
}

// DefaultRequests returns the shipped request phrases (checked by the
// tests): requests.toml and, for the other languages, the [requests] of
// data/i18n/<lang>.toml.
func DefaultRequests() (*Requests, error) {
	files, err := loadLangFiles()
	if err != nil {
		return nil, err
	}
	extra := map[Lang]map[string][]string{}
	for l, f := range files {
		extra[l] = f.Requests
	}
	return parseRequests("requests.toml", defaultRequests, extra)
}

// ParseRequests parses and checks a requests file: every request, each with
// phrases in every language, nothing else.
func ParseRequests(name string, raw []byte) (*Requests, error) { return parseRequests(name, raw, nil) }

func parseRequests(name string, raw []byte, extra map[Lang]map[string][]string) (*Requests, error) {
	var m map[string]map[string][]string
	md, err := toml.Decode(string(raw), &m)
	if err != nil {
		return nil, fmt.Errorf("dialogs: %s: %w", name, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return nil, fmt.Errorf("dialogs: %s: unknown field %s", name, un[0])
	}
	for lang, reqs := range extra {
		for req, phrases := range reqs {
			if _, ok := m[req]; !ok {
				return nil, fmt.Errorf("dialogs: %s requests: unknown request %q", lang, req)
			}
			m[req][string(lang)] = phrases
		}
	}
	r := &Requests{phrases: map[Request][]phrase{}, anywhere: map[Request][]phrase{}}
	for _, req := range requestOrder {
		langs, ok := m[string(req)]
		if !ok {
			return nil, fmt.Errorf("dialogs: %s: request %q missing", name, req)
		}
		for _, lang := range knowledge.Langs {
			if len(langs[string(lang)]) == 0 && !(isLangRequest(req) && lang != knowledge.ZhTW && lang != knowledge.En) {
				// How to ask for a language may be left to the other
				// files; everything else is needed in every language.
				return nil, fmt.Errorf("dialogs: %s: request %q: no %s phrases", name, req, lang)
			}
		}
		for lang, list := range langs {
			dst := r.phrases
			if lang == "anywhere" {
				dst = r.anywhere
			} else if l, ok := knowledge.ParseLang(lang); !ok || string(l) != lang {
				return nil, fmt.Errorf("dialogs: %s: request %q: unknown language %q", name, req, lang)
			}
			for _, p := range list {
				f := foldRequest(p)
				if f.text == "" {
					return nil, fmt.Errorf("dialogs: %s: request %q: an empty phrase", name, req)
				}
				dst[req] = append(dst[req], f)
			}
		}
	}
	for k := range m {
		if !slices.Contains(requestOrder, Request(k)) {
			return nil, fmt.Errorf("dialogs: %s: unknown request %q", name, k)
		}
	}
	r.index()
	return r, nil
}

// index builds the exact-phrase map and the length bounds Find uses to
// skip the phrase scan for messages too long to be a request.
func (r *Requests) index() {
	r.exact = map[string]Request{}
	r.byFirst, r.anyByFirst, r.typos = map[string][]phraseRef{}, map[string][]phraseRef{}, nil
	r.rank = map[Request]int{}
	r.longestHan, r.longestWords = 0, 0
	for i := len(requestOrder) - 1; i >= 0; i-- {
		req := requestOrder[i]
		r.rank[req] = i
		for _, p := range r.phrases[req] {
			r.exact[p.text] = req // earlier requests overwrite later ones
			if p.han {
				r.longestHan = max(r.longestHan, utf8.RuneCountInString(p.text)+requestExtraHan)
			} else {
				r.longestWords = max(r.longestWords, min(3+2*len(p.words), 10))
			}
			if len(p.words) > 0 {
				r.byFirst[p.words[0]] = append(r.byFirst[p.words[0]], phraseRef{req, p})
			}
			if !p.han && len(p.words) == 1 && len(p.text) >= 5 {
				r.typos = append(r.typos, phraseRef{req, p})
			}
		}
		for _, p := range r.anywhere[req] {
			if len(p.words) > 0 {
				r.anyByFirst[p.words[0]] = append(r.anyByFirst[p.words[0]], phraseRef{req, p})
			}
		}
	}
}

// requestExtraHan is the most characters a Chinese message may say around
// a phrase and still be that request.
const requestExtraHan = 8

// Find says which request text is, if any.
func (r *Requests) Find(text string) Request { return r.find(foldRequest(text)) }

func (r *Requests) find(f phrase) Request {
	if f.text == "" {
		return ReqNone
	}
	if req, ok := r.exact[f.text]; ok {
		return req
	}
	n := len(f.words)
	if f.han {
		n = max(n, utf8.RuneCountInString(f.text))
	}
	if n > requestLongest {
		return ReqNone // a long text: a question that may mention a request
	}
	// Only a short message can be a phrase with little around it. A
	// phrase can only occur where its first word does: look the message's
	// words up, and keep the first request in order that matches.
	short := n <= r.longestWords || (f.han && n <= r.longestHan)
	best := len(requestOrder)
	try := func(c phraseRef, ok bool) {
		if ok && r.rank[c.req] < best {
			best = r.rank[c.req]
		}
	}
	for i, w := range f.words {
		if i > 0 && slices.Contains(f.words[:i], w) {
			continue
		}
		if short {
			for _, c := range r.byFirst[w] {
				try(c, c.p.matches(f))
			}
		}
		for _, c := range r.anyByFirst[w] {
			try(c, c.p.within(f))
		}
	}
	if short && len(f.words) <= 2 {
		for _, c := range r.typos {
			try(c, c.p.matches(f))
		}
	}
	if best == len(requestOrder) {
		return ReqNone
	}
	return requestOrder[best]
}

// requestLongest is the longest message (characters for Chinese, words
// for Latin text) an "anywhere" phrase makes a request: longer ones are
// questions that mention it.
const requestLongest = 30

// within reports whether the folded message m holds p anywhere, and is not
// a long text.
func (p phrase) within(m phrase) bool {
	if p.han {
		return utf8.RuneCountInString(m.text) <= requestLongest && strings.Contains(m.text, p.text)
	}
	return len(m.words) <= requestLongest && containsWords(m.words, p.words)
}

// Is reports whether text is the request req.
func (r *Requests) Is(text string, req Request) bool {
	f := foldRequest(text)
	for _, p := range r.phrases[req] {
		if p.matches(f) {
			return true
		}
	}
	return false
}

// matches reports whether the folded message m is the phrase p, holds it
// with little else, or (a longer English word) is it with one typo.
func (p phrase) matches(m phrase) bool {
	if m.text == p.text {
		return true
	}
	if p.han {
		if !m.han {
			return false
		}
		// A Chinese phrase of two characters or more, with a few
		// characters around it; one character ("好", "是") only alone.
		n := utf8.RuneCountInString(p.text)
		return n >= 2 && utf8.RuneCountInString(m.text)-n <= requestExtraHan && strings.Contains(m.text, p.text)
	}
	switch {
	case len(p.words) > 1:
		// Several words, in order, in a message not much longer than
		// them: "i want to talk to a human please".
		return len(m.words) <= min(3+2*len(p.words), 10) && containsWords(m.words, p.words)
	case len(p.text) < 3 || len(m.words) > 2:
		// "ok", "no", "y" only alone; one word ("human", "agent") only
		// in a message of two words at most.
		return false
	}
	for _, w := range m.words {
		if w == p.text || (len(p.text) >= 5 && oneEdit(w, p.text)) {
			return true
		}
	}
	return false
}

// containsWords reports whether seq occurs in words, in order, adjacent.
func containsWords(words, seq []string) bool {
	if len(seq) == 0 || len(seq) > len(words) {
		return false
	}
	for i := 0; i+len(seq) <= len(words); i++ {
		if slices.Equal(words[i:i+len(seq)], seq) {
			return true
		}
	}
	return false
}

// oneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of two neighbours.
func oneEdit(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case la == lb:
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // swap
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

// simplified folds Traditional characters onto Simplified ones, so 謝謝 and
// 谢谢 are one phrase.
var simplified = func() func(string) string {
	s, err := knowledge.DefaultSimplifier()
	if err != nil {
		return func(s string) string { return s }
	}
	return s.Convert
}()

// foldRequest folds text for comparison: NFKC, lower case, Simplified
// characters, punctuation and symbols dropped; Latin text also split into
// words (apostrophes dropped: "don't" is "dont").
func foldRequest(text string) phrase { return foldLower(lowerNFKC(text)) }

// foldLower is foldRequest of a text already in lowerNFKC.
func foldLower(t string) phrase {
	han := hanOrThai(t)
	if han {
		t = simplified(t)
	}
	// The words are written once, joined, into one buffer, and each is a
	// slice of the one string made of it.
	sep := joiner(han)
	buf := make([]byte, 0, len(t))
	var bounds []int // each word's start and end in buf
	start := -1      // where the word being written starts; -1: none is
	end := func() {
		if start >= 0 {
			bounds = append(bounds, start, len(buf))
			start = -1
		}
	}
	begin := func() {
		if start < 0 {
			if len(bounds) > 0 {
				buf = append(buf, sep...)
			}
			start = len(buf)
		}
	}
	for _, r := range t {
		switch {
		case r == '\'' || r == '’':
		case r == '/' && start < 0 && len(bounds) == 0:
			begin()
			buf = utf8.AppendRune(buf, r) // a command: "/start"
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Thai, r) || unicode.Is(unicode.Mn, r):
			if han && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Thai, r)) {
				end()
				begin()
				buf = utf8.AppendRune(buf, r)
				end()
				continue
			}
			begin()
			buf = utf8.AppendRune(buf, r)
		default:
			end()
		}
	}
	end()
	text := string(buf)
	var words []string
	if len(bounds) > 0 {
		words = make([]string, len(bounds)/2)
	}
	for i := range words {
		words[i] = text[bounds[2*i]:bounds[2*i+1]]
	}
	return phrase{text: text, words: words, han: han}
}

// hanOrThai reports whether t holds a Han or a Thai character: a message
// whose characters are words of their own.
func hanOrThai(t string) bool {
	for _, r := range t {
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Thai, r) {
			return true
		}
	}
	return false
}

func joiner(han bool) string {
	if han {
		return ""
	}
	return " "
}

// labelIndex maps each choice label the engine shows, folded as a message
// is, to the choice's payload, per language: a label typed out acts like a
// tap. Labels that mean something only at one step (yes, cancel) are left
// to the requests.
func labelIndex(cfg Config) map[Lang]map[string]string {
	out := map[Lang]map[string]string{}
	for _, lang := range knowledge.Langs {
		m := map[string]string{}
		add := func(label, payload string) {
			if f := foldRequest(label).text; f != "" {
				if _, dup := m[f]; !dup {
					m[f] = payload
				}
			}
		}
		w := func(key string, kv ...string) string { return cfg.Words.T(lang, key, kv...) }
		for _, it := range cfg.Topics.Items() {
			add(it.Title(lang), PayloadFAQ(it.ID))
			add(w(wChoiceReadQA, "title", it.Title(lang)), PayloadFAQ(it.ID))
		}
		add(w(wChoiceVerify), PayloadVerify(VerifyStart))
		add(w(wChoiceCheckAgain), PayloadVerify(VerifyStart))
		add(w(wChoicePerson), PayloadPerson())
		add(w(wChoiceMenu), PayloadMenu())
		add(w(wChoiceNoCard), PayloadVerify(VerifyNoCard))
		add(w(wChoiceReplacedStillFails), PayloadVerify(VerifyReplaced))
		add(w(wChoiceCallback), PayloadCallback(CallbackStart))
		for line, key := range lineChoiceWords {
			add(w(key), PayloadHandoff(line))
		}
		for _, c := range cfg.Directory.Counties() {
			add(c.Name[lang], PayloadCounty(c.Code))
		}
		out[lang] = m
	}
	return out
}
