package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// Kind is the kind of an identity number.
type Kind string

// The three kinds of identity number (shared/domain.md §1).
const (
	// KindNational is a national ID, [A-Z][12]\d{8}.
	KindNational Kind = "national"
	// KindARCNew is a new-format resident (UI) number, [A-Z][89]\d{8}, issued since 2021-01-02.
	KindARCNew Kind = "arc_new"
	// KindARCOld is an old-format resident number, [A-Z][A-D]\d{8}, valid until 2030-12-31.
	KindARCOld Kind = "arc_old"
)

// ID is a validated identity number. Its String, LogValue and JSON forms are
// masked; Number is the only way to the full value.
type ID struct {
	number string
	kind   Kind
}

// Number returns the full normalised number, such as "A123456789".
func (id ID) Number() string { return id.number }

// Kind returns the kind of number.
func (id ID) Kind() Kind { return id.kind }

// Masked returns the display form, such as "A12*****89".
func (id ID) Masked() string { return Mask(id.number) }

// String returns the masked form, so that printing an ID never leaks it.
func (id ID) String() string { return id.Masked() }

// LogValue returns the masked form for log/slog.
func (id ID) LogValue() slog.Value { return slog.StringValue(id.Masked()) }

// MarshalJSON encodes the masked form.
func (id ID) MarshalJSON() ([]byte, error) { return json.Marshal(id.Masked()) }

// GoString returns the masked form for %#v.
func (id ID) GoString() string { return fmt.Sprintf("verify.ID(%q)", id.Masked()) }

// Format prints the masked form whatever the verb: without it, %d or %x
// would print the struct's fields, the full number among them.
func (id ID) Format(f fmt.State, verb rune) { formatMasked(f, verb, id.Masked(), id.GoString()) }

// formatMasked writes masked for a fmt verb, honouring width and flags, or
// goString for %#v.
func formatMasked(f fmt.State, verb rune, masked, goString string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, goString)
	case verb == 'q':
		fmt.Fprintf(f, fmt.FormatString(f, 'q'), masked)
	default:
		fmt.Fprintf(f, fmt.FormatString(f, 's'), masked)
	}
}

// Mask returns the display form of a number: for a 10-character ID the
// first three and last two characters with five stars between
// ("A12*****89"). Longer numbers keep their last four characters, shorter
// ones are masked whole, so no more than five characters are ever shown.
func Mask(number string) string {
	n := len(number)
	switch {
	case n == 10:
		return number[:3] + "*****" + number[8:]
	case n > 10:
		return strings.Repeat("*", n-4) + number[n-4:]
	default:
		return strings.Repeat("*", n)
	}
}

// ErrorCode says what is wrong with a typed number.
type ErrorCode string

// The error codes of ParseID and ParseCardNumber.
const (
	CodeEmpty      ErrorCode = "empty"
	CodeLength     ErrorCode = "length"
	CodeFormat     ErrorCode = "format"
	CodeSecondChar ErrorCode = "second_char"
	CodeChecksum   ErrorCode = "checksum"
)

// ErrInvalidID is matched (errors.Is) by every error of ParseID.
var ErrInvalidID = errors.New("verify: invalid id")

// IDError says why a typed ID or resident number is not valid. It never
// holds the number itself.
type IDError struct {
	Code ErrorCode
	// Kind is the kind the shape suggests, or "".
	Kind Kind
	// Length is how many letters and digits were typed, for the hint.
	Length int
}

// Error describes the problem without the number.
func (e *IDError) Error() string {
	switch e.Code {
	case CodeEmpty:
		return "verify: id: empty"
	case CodeLength:
		return fmt.Sprintf("verify: id: %d characters, want 10", e.Length)
	case CodeFormat:
		return "verify: id: not a letter followed by digits"
	case CodeSecondChar:
		return "verify: id: second character not allowed"
	default:
		return "verify: id: checksum mismatch"
	}
}

// Is makes errors.Is(err, ErrInvalidID) true.
func (e *IDError) Is(target error) bool { return target == ErrInvalidID }

// Hint is a specific, friendly explanation for the person, in lang (a
// conversation language such as "zh-TW", "en" or "vi"; English when the
// hints have no such language).
func (e *IDError) Hint(lang string) string {
	switch e.Code {
	case CodeEmpty:
		return hint(lang, "id_empty")
	case CodeLength:
		return hint(lang, "id_length", "length", e.Length)
	case CodeFormat:
		return hint(lang, "id_format")
	case CodeSecondChar:
		return hint(lang, "id_second_char")
	default:
		return hint(lang, "id_checksum")
	}
}

// letterValue is each first letter's two-digit value. It is not
// alphabetical: I, O and W–Z were added later.
var letterValue = [26]int{
	10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, // A–M
	22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33, // N–Z
}

// ParseID normalises what a person typed (full-width, lower case, spaces,
// dashes, dots, a short sentence around the number), classifies it as a
// national ID or a new- or old-format resident number, and checks the
// checksum. Errors are *IDError.
func ParseID(input string) (ID, error) {
	if len(input) > maxInput {
		return ID{}, &IDError{Code: CodeLength, Length: len(input)}
	}
	if !typeable(input) {
		return ID{}, &IDError{Code: CodeFormat}
	}
	n := normalize(input)
	if n == "" {
		return ID{}, &IDError{Code: CodeEmpty}
	}
	if runs := candidates(input); len(runs) > 1 || !isASCIIAlnum(n) {
		// A sentence around the number: "my ID is a123 456 789".
		n = pickID(runs)
	}
	return classify(n)
}

// pickID finds the number in a sentence: the one run that has the shape of
// an ID, else the run with digits in it (to say what is wrong with it).
func pickID(runs []string) string {
	var shaped, withDigits []string
	for _, r := range runs {
		if len(r) == 10 && isLetter(r[0]) && strings.IndexFunc(r[2:], func(c rune) bool { return c < '0' || c > '9' }) < 0 {
			shaped = append(shaped, r)
		}
		if strings.ContainsAny(r, "0123456789") {
			withDigits = append(withDigits, r)
		}
	}
	switch {
	case len(shaped) == 1:
		return shaped[0]
	case len(withDigits) == 1:
		return withDigits[0]
	}
	// Nothing usable: keep a non-ASCII marker so classify says "format".
	return "?"
}

func isASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && !isLetter(s[i]) {
			return false
		}
	}
	return true
}

// kindOf returns the kind a second character suggests.
func kindOf(c byte) Kind {
	switch {
	case c == '1' || c == '2':
		return KindNational
	case c == '8' || c == '9':
		return KindARCNew
	case c >= 'A' && c <= 'D':
		return KindARCOld
	}
	return ""
}

func classify(n string) (ID, error) {
	var kind Kind
	if len(n) >= 2 && isLetter(n[0]) {
		kind = kindOf(n[1])
	}
	if !isASCIIAlnum(n) {
		return ID{}, &IDError{Code: CodeFormat, Kind: kind}
	}
	if len(n) != 10 {
		return ID{}, &IDError{Code: CodeLength, Kind: kind, Length: len(n)}
	}
	if !isLetter(n[0]) {
		return ID{}, &IDError{Code: CodeFormat}
	}
	if kind == "" {
		return ID{}, &IDError{Code: CodeSecondChar}
	}
	for i := 2; i < 10; i++ {
		if !isDigit(n[i]) {
			return ID{}, &IDError{Code: CodeFormat, Kind: kind}
		}
	}
	if !checksumOK(n) {
		return ID{}, &IDError{Code: CodeChecksum, Kind: kind}
	}
	return ID{number: n, kind: kind}, nil
}

// checksumOK applies the rule of shared/domain.md §1 to a 10-character
// number whose shape is already checked:
// t + 9u + 8s + 7c3 + 6c4 + 5c5 + 4c6 + 3c7 + 2c8 + c9 + c10 ≡ 0 (mod 10).
func checksumOK(n string) bool {
	v := letterValue[n[0]-'A']
	sum := v/10 + 9*(v%10)
	s := int(n[1] - '0')
	if isLetter(n[1]) {
		// Old format: the units digit of the letter's value (A→0 … D→3).
		s = letterValue[n[1]-'A'] % 10
	}
	sum += 8 * s
	for i, w := range [8]int{7, 6, 5, 4, 3, 2, 1, 1} {
		sum += w * int(n[i+2]-'0')
	}
	return sum%10 == 0
}
