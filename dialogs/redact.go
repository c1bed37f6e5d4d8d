package dialogs

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

var (
	// idLike is anything shaped like an ID or resident number, separators
	// allowed: a letter, a digit or letter, then eight digits.
	idLike = regexp.MustCompile(`(?i)\b[a-z][\s.\-/_]*[0-9a-z]([\s.\-/_]*[0-9]){8}`)
	// digitRun is six or more digits in a row, separators allowed: card
	// numbers, phone numbers and partial IDs.
	digitRun = regexp.MustCompile(`[0-9]([\s.\-/_]*[0-9]){5,}`)
)

// Redact masks every ID-shaped or long digit sequence in free text, keeping
// the first three and last two characters of an ID and the last two digits
// of a digit run, so what a person typed can be shown or stored without the
// numbers in it.
func Redact(text string) string {
	t := norm.NFKC.String(text)
	if digits(t) < 6 {
		return t // both patterns need at least six digits
	}
	// IDs first; digit runs only between them, so a separator never joins
	// an ID's last digits to the card number after it.
	var b strings.Builder
	last := 0
	for _, m := range idLike.FindAllStringIndex(t, -1) {
		b.WriteString(maskRuns(t[last:m[0]]))
		c := compact(t[m[0]:m[1]])
		b.WriteString(c[:3] + strings.Repeat("*", len(c)-5) + c[len(c)-2:])
		last = m[1]
	}
	b.WriteString(maskRuns(t[last:]))
	return b.String()
}

// maskRuns masks the digit runs of s but their last two digits.
func maskRuns(s string) string {
	return digitRun.ReplaceAllStringFunc(s, func(m string) string {
		c := compact(m)
		return strings.Repeat("*", len(c)-2) + c[len(c)-2:]
	})
}

// digits counts the ASCII digits of s.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '.' || r == '-' || r == '/' || r == '_' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
}
