package knowledge

import (
	"strings"
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
	text = strings.ToLower(norm.NFKC.String(text))
	var b strings.Builder
	b.Grow(len(text))
	space := true
	hasHan := false
	for _, r := range text {
		switch {
		case isHan(r):
			hasHan = true
			b.WriteRune(r)
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		case !space && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)):
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
		for start := 0; start < len(field); {
			r, end := utf8.DecodeRuneInString(field[start:])
			han := isHan(r)
			end += start
			for end < len(field) {
				r, size := utf8.DecodeRuneInString(field[end:])
				if isHan(r) != han {
					break
				}
				end += size
			}
			seg := field[start:end]
			start = end
			if han {
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
