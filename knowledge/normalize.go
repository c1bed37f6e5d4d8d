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

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

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
	for _, field := range strings.Fields(folded) {
		start := 0
		runes := []rune(field)
		for start < len(runes) {
			end := start
			han := isHan(runes[start])
			for end < len(runes) && isHan(runes[end]) == han {
				end++
			}
			seg := runes[start:end]
			if han {
				prevWord = ""
				for i := range seg {
					dst = append(dst, string(seg[i]))
					if i+1 < len(seg) {
						dst = append(dst, string(seg[i:i+2]))
					}
				}
			} else {
				w := stem(string(seg))
				if englishStop[w] || englishStop[string(seg)] {
					start = end
					continue
				}
				dst = append(dst, w)
				if prevWord != "" {
					dst = append(dst, prevWord+"_"+w)
				}
				prevWord = w
			}
			start = end
		}
	}
	return dst
}
