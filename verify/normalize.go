package verify

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxInput bounds the work on one input: nobody types an ID in more than a
// short sentence, and a 1 MB paste must cost no more than that.
const maxInput = 256

// normalize applies NFKC (full-width Ａ１２３ becomes A123), upper-cases and
// drops spaces, dashes and dots that people put between groups of digits.
func normalize(s string) string {
	s = strings.ToUpper(norm.NFKC.String(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '.' || r == '_' || r == '/' {
			return -1
		}
		return r
	}, s)
}

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' }

// candidates splits normalised-but-spaced text into runs of ASCII letters
// and digits, so "MY ID IS A123456789。" gives MY, ID, IS, A123456789. Runs
// separated only by spaces, dashes or dots are joined ("A123 456 789").
func candidates(s string) []string {
	s = strings.ToUpper(norm.NFKC.String(s))
	var runs []string
	var cur strings.Builder
	gap := false
	flush := func() {
		if cur.Len() > 0 {
			runs = append(runs, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case isDigit(b) || isLetter(b):
			// A gap only joins when a digit continues a run that ends in a
			// digit or a single letter: "A123 456" joins, "IS A123" does not.
			if gap && cur.Len() > 0 && !(isDigit(b) && (isDigit(cur.String()[cur.Len()-1]) || cur.Len() == 1)) {
				flush()
			}
			cur.WriteByte(b)
			gap = false
		case b == ' ' || b == '-' || b == '.' || b == '\t':
			gap = true
		default:
			flush()
			gap = false
		}
	}
	flush()
	return runs
}
