package knowledge

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxQueryBytes bounds the work done on one query: people ask in a sentence
// or two, and a 1 MB paste must not cost more than a short one.
const maxQueryBytes = 1024

// folder turns text into the single form the index compares: NFKC (so
// full-width letters and digits become ASCII), lower case, Simplified
// characters folded onto one script, punctuation and symbols dropped.
type folder struct {
	t2s *Simplifier
}

func newFolder() (*folder, error) {
	// Traditional→Simplified is many-to-one, so folding both the data and the
	// query onto Simplified makes 臺/台, 證/证, 號/号 compare equal. The
	// folded form is internal: nothing a person sees is converted.
	s, err := DefaultSimplifier()
	if err != nil {
		return nil, err
	}
	runeInfo() // built with the index rather than on the first question
	return &folder{t2s: s}, nil
}

// fold returns the normalised text: runs of letters (with their marks)
// and digits and Han characters, separated by single spaces.
func (f *folder) fold(text string) string {
	if len(text) > maxQueryBytes {
		cut := maxQueryBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	text = NFKCLower(text)
	var b strings.Builder
	b.Grow(len(text))
	space := true
	hasHan := false
	for _, r := range text {
		info := infoOf(r)
		switch {
		case info&runeHan != 0:
			hasHan = true
			b.WriteRune(r)
			space = false
		case info&runeWord != 0:
			b.WriteRune(r)
			space = false
		case !space && info&runeMark != 0:
			// Thai vowels and tone marks above and below a letter, a
			// diacritic NFKC could not compose: part of the word.
			b.WriteRune(r)
		case r == '\'' || r == '’':
			// "card's" → "cards": keep the word whole.
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	out := strings.TrimSpace(b.String())
	if hasHan {
		out = f.t2s.Convert(out)
	}
	return out
}

// Properties of a rune that fold asks of every character of every
// question, the bits of runeInfo's low byte; its high byte is the rune's
// canonical combining class.
const (
	// runeNFKC: NFKC leaves the rune as it is, alone, and it is a
	// starter that composes with nothing before it (norm's
	// BoundaryBefore), or a Thai vowel or tone mark (which compose with
	// nothing: TestThaiMarksCompose). By Unicode's quick check (UAX #15),
	// text made of such runes in which no mark follows one of a higher
	// combining class is NFKC and NFC (see quickCheck).
	runeNFKC  = 1 << iota
	runeLower // unicode.ToLower leaves the rune as it is
	runeHan   // isHan
	runeWord  // unicode.IsLetter or unicode.IsDigit
	runeMark  // a mark, unicode.Mn or unicode.Mc
)

// runeTables are what fold looks up about the runes of the Basic
// Multilingual Plane, found once: unicode's and norm's tables answer each
// question by a search or a trie walk, several times a character.
type runeTables struct {
	info [0x10000]uint16
	// nfkc is the NFKC form of each rune that NFKC changes, alone.
	nfkc map[rune]string
}

// runeInfo returns the runeTables, built on first use.
var runeInfo = sync.OnceValue(func() *runeTables {
	t := &runeTables{nfkc: map[rune]string{}}
	for r := range rune(len(t.info)) {
		t.info[r] = runeInfoSlow(r)
		if s := string(r); utf8.ValidRune(r) && !norm.NFKC.IsNormalString(s) {
			t.nfkc[r] = norm.NFKC.String(s)
		}
	}
	return t
})

// runeInfoSlow returns the properties of r, as runeInfo holds them.
func runeInfoSlow(r rune) uint16 {
	var info uint16
	if utf8.ValidRune(r) {
		s := string(r)
		p := norm.NFKC.PropertiesString(s)
		info = uint16(p.CCC()) << 8
		if (p.BoundaryBefore() || isThai(r)) && norm.NFKC.IsNormalString(s) {
			info |= runeNFKC
		}
		if unicode.ToLower(r) == r {
			info |= runeLower
		}
	}
	if isHan(r) {
		info |= runeHan
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		info |= runeWord
	}
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) {
		info |= runeMark
	}
	return info
}

// infoOf returns the properties of r.
func infoOf(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		return runeInfo().info[r]
	}
	return runeInfoSlow(r)
}

// maxMarks bounds the marks in a row that quickCheck accepts: norm cuts
// longer runs (more than 30) with a grapheme joiner.
const maxMarks = 20

// quickCheck runs Unicode's quick check for NFKC on s with the runes of
// runeNFKC: nfkc reports whether NFKC (and NFC) leave s as it is, lower
// whether strings.ToLower does. Both are false when s is not valid UTF-8,
// which they change; nfkc is false, at worst, for text they would leave.
func quickCheck(s string) (nfkc, lower bool) {
	info := &runeInfo().info
	nfkc, lower = true, true
	var last uint16 // the combining class of the rune before
	marks := 0      // marks in a row
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			lower = lower && (c < 'A' || c > 'Z')
			last, marks = 0, 0
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if size == 1 || r >= 0x10000 {
			return false, false
		}
		in := info[r]
		lower = lower && in&runeLower != 0
		if ccc := in >> 8; ccc == 0 {
			last, marks = 0, 0
		} else {
			if last > ccc {
				nfkc = false
			}
			last = ccc
			marks++
		}
		if in&runeNFKC == 0 || marks > maxMarks {
			nfkc = false
		}
		i += size
	}
	return nfkc, lower
}

// NFKCLower returns strings.ToLower(norm.NFKC.String(s)), most often
// without either. When s fails the quick check, its runes are replaced by
// their NFKC forms one by one: NFKC decomposes rune by rune (and NFKD of
// a rune's NFKC form is NFKD of the rune) before it reorders and
// composes, so it gives the same for s and for the result; when the result
// passes the quick check that is the result itself. Full-width
// punctuation and the Thai ำ take this way.
func NFKCLower(s string) string {
	nfkc, lower := quickCheck(s)
	if !nfkc {
		t := runeInfo()
		var b strings.Builder
		b.Grow(len(s) + 8)
		for _, r := range s {
			if d, ok := t.nfkc[r]; ok {
				b.WriteString(d)
			} else {
				b.WriteRune(r)
			}
		}
		if nfkc, lower = quickCheck(b.String()); !nfkc || !utf8.ValidString(s) {
			return strings.ToLower(norm.NFKC.String(s))
		}
		s = b.String()
	}
	if !lower {
		s = strings.ToLower(s)
	}
	return s
}

// isHan reports whether r is a Han character. It is asked of every
// character of a question several times: no character below U+2E80 is
// Han, and every one of the CJK Unified Ideographs block (U+4E00 to
// U+9FFF) is (TestIsHan), so those answer without unicode.Is's search.
func isHan(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// detectLang says which language a query is written in: any Han character
// makes it Chinese, anything else English.
func detectLang(text string) Lang {
	for _, r := range text {
		if isHan(r) {
			return ZhTW
		}
	}
	return En
}

// englishStop are function words that carry no topic. Question words such as
// "where" and "how" stay: they separate "where is the number" from "how do I
// find it".
var englishStop = map[string]bool{
	"a": true, "an": true, "the": true, "i": true, "me": true, "my": true, "is": true,
	"are": true, "am": true, "was": true, "be": true, "to": true, "of": true, "for": true,
	"in": true, "on": true, "at": true, "it": true, "its": true, "do": true, "does": true,
	"did": true, "and": true, "or": true, "this": true, "that": true, "with": true,
	"please": true, "pls": true, "plz": true, "you": true, "your": true, "we": true,
	"our": true, "there": true, "so": true, "hi": false, "im": true, "just": true,
	"about": true, "from": true, "by": true, "as": true, "but": true, "if": true,
	"would": true, "could": true, "should": true, "will": true, "can": true,
}

// stem is a deliberately small English stemmer: it folds the plural and verb
// endings that people vary ("cards", "registered", "booking").
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		return w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && len(w) > 4:
		return w[:len(w)-2]
	case strings.HasSuffix(w, "es") && len(w) > 4 && strings.HasSuffix(w[:len(w)-2], "s"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	}
	return w
}

// tokens splits folded text into index terms: character bigrams (and
// single characters) of Han runs, and stemmed English words with their
// bigrams. Digits count as words.
func tokens(folded string, dst []string) []string {
	var prevWord string
	for field := range strings.FieldsSeq(folded) {
		for kind, seg := range segments(field, hanOrOther) {
			if kind == scriptHan {
				prevWord = ""
				dst = hanTerms(seg, dst)
				continue
			}
			w := stem(seg)
			if englishStop[w] || englishStop[seg] {
				continue
			}
			dst = append(dst, w)
			if prevWord != "" {
				dst = append(dst, prevWord+"_"+w)
			}
			prevWord = w
		}
	}
	return dst
}

// hanTerms appends the terms of a run of Han characters: each character
// and each pair of neighbours, cut from the run itself (folded text is
// valid UTF-8, so they are the strings of its runes) without copying.
func hanTerms(seg string, dst []string) []string {
	for i, r := range seg {
		end := i + utf8.RuneLen(r)
		dst = append(dst, seg[i:end])
		if end < len(seg) {
			_, size := utf8.DecodeRuneInString(seg[end:])
			dst = append(dst, seg[i:end+size])
		}
	}
	return dst
}
