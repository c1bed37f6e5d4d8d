package verify

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxInput bounds the work on one input: nobody types an ID in more than a
// short sentence, and a 1 MB paste must cost no more than that.
const maxInput = 256

// typeable reports whether s could have been typed as a number or a short
// sentence around one. It rejects invalid UTF-8, control characters other
// than whitespace, invisible format characters (zero-width spaces, bidi
// overrides), private-use and unassigned code points, and emoji and other
// symbols: a number pasted with any of those is not taken at face value.
func typeable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case !unicode.IsGraphic(r), // Cc, Cf, Co, Cs and unassigned
			unicode.In(r, unicode.So, unicode.Sk, unicode.Me, unicode.Variation_Selector):
			return false
		}
	}
	return true
}

// upperASCII upper-cases ASCII letters only: strings.ToUpper would turn the
// Turkish dotless ı into I and the long ſ into S, making non-ASCII text pass
// as a number.
func upperASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// normalize applies NFKC (full-width Ａ１２３ becomes A123), upper-cases and
// drops spaces, dashes and dots that people put between groups of digits.
func normalize(s string) string {
	s = upperASCII(norm.NFKC.String(s))
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
	s = upperASCII(norm.NFKC.String(s))
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
			// A run that already has an ID's 10 characters takes no more, so
			// "A123456789 000011112222" stays an ID and a card number.
			if gap && cur.Len() > 0 && (!(isDigit(b) && (isDigit(cur.String()[cur.Len()-1]) || cur.Len() == 1)) ||
				(isLetter(cur.String()[0]) && cur.Len() >= 10)) {
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
