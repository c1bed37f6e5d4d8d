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

// MayHoldNumber reports whether text may hold an ID or a card number: it
// is false only when no character of it is a digit or becomes one under
// NFKC (as "１" and "①" do), and then no ID, card or other number can be
// read from it. Free text is checked first with it: most questions have no
// digit, and parsing them as numbers was a seventh of a turn's work.
func MayHoldNumber(text string) bool {
	for _, r := range text {
		if !digitless(r) {
			return true
		}
	}
	return false
}

// digitless reports whether r is neither a digit nor, under NFKC, anything
// with a digit in it, for the scripts people write here; a character of
// any other block counts as a possible digit.
func digitless(r rune) bool {
	switch {
	case r < 0x80:
		return r < '0' || r > '9'
	case r >= 0x00C0 && r <= 0x024F, // Latin-1 letters, Latin Extended
		r >= 0x0300 && r <= 0x036F, // combining marks
		r >= 0x0E00 && r <= 0x0E4F, // Thai letters and marks (not its digits)
		r >= 0x0E5A && r <= 0x0E7F,
		r >= 0x1E00 && r <= 0x1EFF, // Latin Extended Additional (Vietnamese)
		r >= 0x2010 && r <= 0x2027, // dashes, quotes, ellipsis
		r >= 0x3000 && r <= 0x303F, // CJK punctuation
		r >= 0x3040 && r <= 0x30FF, // kana
		r >= 0x4E00 && r <= 0x9FFF, // CJK ideographs
		r >= 0xAC00 && r <= 0xD7A3, // Hangul
		r >= 0xFF01 && r <= 0xFF0F, // full-width punctuation
		r >= 0xFF1A && r <= 0xFF5E: // full-width punctuation and letters
		return true
	}
	return false
}
