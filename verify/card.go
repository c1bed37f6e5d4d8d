package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
)

// CardLength is the number of digits of an NHI card number (QA item 1).
const CardLength = 12

// Card is a validated NHI card number, kept as a string (leading zeros
// matter). Its String, LogValue and JSON forms are masked.
type Card struct {
	number string
}

// Number returns the full 12 digits.
func (c Card) Number() string { return c.number }

// Masked returns the display form with only the last four digits.
func (c Card) Masked() string { return Mask(c.number) }

// String returns the masked form.
func (c Card) String() string { return c.Masked() }

// GoString returns the masked form for %#v.
func (c Card) GoString() string { return fmt.Sprintf("verify.Card(%q)", c.Masked()) }

// Format prints the masked form whatever the verb (see ID.Format).
func (c Card) Format(f fmt.State, verb rune) { formatMasked(f, verb, c.Masked(), c.GoString()) }

// LogValue returns the masked form for log/slog.
func (c Card) LogValue() slog.Value { return slog.StringValue(c.Masked()) }

// MarshalJSON encodes the masked form.
func (c Card) MarshalJSON() ([]byte, error) { return json.Marshal(c.Masked()) }

// ErrInvalidCard is matched (errors.Is) by every error of ParseCardNumber.
var ErrInvalidCard = errors.New("verify: invalid card number")

// CardError says why a typed card number is not valid. It never holds the
// number itself.
type CardError struct {
	Code ErrorCode
	// Digits is how many digits were typed, for the hint.
	Digits int
}

// Error describes the problem without the number.
func (e *CardError) Error() string {
	switch e.Code {
	case CodeEmpty:
		return "verify: card: empty"
	case CodeLength:
		return fmt.Sprintf("verify: card: %d digits, want %d", e.Digits, CardLength)
	default:
		return "verify: card: not only digits"
	}
}

// Is makes errors.Is(err, ErrInvalidCard) true.
func (e *CardError) Is(target error) bool { return target == ErrInvalidCard }

// Hint is a specific explanation for the person in lang (English when the
// hints have no such language).
func (e *CardError) Hint(lang string) string {
	switch e.Code {
	case CodeEmpty:
		return hint(lang, "card_empty")
	case CodeLength:
		return hint(lang, "card_length", "digits", e.Digits)
	default:
		return hint(lang, "card_format")
	}
}

// ParseCardNumber normalises a typed card number (full-width digits, spaces,
// dashes, dots) and checks that it is 12 digits. The card number has no
// public check digit, so this is all that can be checked before a lookup.
// Errors are *CardError.
func ParseCardNumber(input string) (Card, error) {
	if len(input) > maxInput {
		return Card{}, &CardError{Code: CodeFormat}
	}
	if !typeable(input) {
		return Card{}, &CardError{Code: CodeFormat}
	}
	n := normalize(input)
	if n == "" {
		return Card{}, &CardError{Code: CodeEmpty}
	}
	if !isASCIIDigits(n) {
		// A sentence around the number: "卡號是 0000 1111 2222".
		var runs []string
		for _, r := range candidates(input) {
			if isASCIIDigits(r) {
				runs = append(runs, r)
			}
		}
		if len(runs) == 1 {
			n = runs[0]
		}
	}
	digits := 0
	for i := 0; i < len(n); i++ {
		if !isDigit(n[i]) {
			return Card{}, &CardError{Code: CodeFormat, Digits: countDigits(n)}
		}
		digits++
	}
	if digits != CardLength {
		return Card{}, &CardError{Code: CodeLength, Digits: digits}
	}
	return Card{number: n}, nil
}

func isASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}
