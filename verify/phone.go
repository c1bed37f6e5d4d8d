package verify

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Phone is a validated Taiwan phone number for a call-back: a mobile
// (09xxxxxxxx) or a landline with its area code (0x-xxxxxxx or 0x-xxxxxxxx),
// in national form. String and LogValue are masked.
type Phone struct {
	number string
}

// Number returns the national form, such as "0912345678".
func (p Phone) Number() string { return p.number }

// Masked keeps the first four and last three digits: "0912***678".
func (p Phone) Masked() string {
	n := p.number
	if len(n) < 8 {
		return strings.Repeat("*", len(n))
	}
	return n[:4] + strings.Repeat("*", len(n)-7) + n[len(n)-3:]
}

// String returns the masked form.
func (p Phone) String() string { return p.Masked() }

// ErrInvalidPhone is matched (errors.Is) by every error of ParsePhone.
var ErrInvalidPhone = errors.New("verify: invalid phone number")

// PhoneError says why a typed phone number is not valid.
type PhoneError struct {
	// Digits is how many digits were typed.
	Digits int
}

// Error describes the problem without the number.
func (e *PhoneError) Error() string {
	return fmt.Sprintf("verify: phone: %d digits, not a Taiwan mobile or landline number", e.Digits)
}

// Is makes errors.Is(err, ErrInvalidPhone) true.
func (e *PhoneError) Is(target error) bool { return target == ErrInvalidPhone }

// Hint explains the expected form in lang (English when the hints have no
// such language).
func (e *PhoneError) Hint(lang string) string { return hint(lang, "phone", "digits", e.Digits) }

// ParsePhone normalises a typed phone number (full-width digits, spaces,
// dashes, brackets, +886 for 0) and checks it is a Taiwan mobile or
// landline number.
func ParsePhone(input string) (Phone, error) {
	if len(input) > maxInput || !typeable(input) {
		return Phone{}, &PhoneError{}
	}
	s := norm.NFKC.String(strings.TrimSpace(input))
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return Phone{}, &PhoneError{Digits: countDigits(s)}
		}
	}
	n := b.String()
	if rest, ok := strings.CutPrefix(n, "+886"); ok {
		n = "0" + strings.TrimPrefix(rest, "0")
	}
	digits := len(strings.TrimPrefix(n, "+"))
	switch {
	case strings.HasPrefix(n, "+"):
		return Phone{}, &PhoneError{Digits: digits}
	case len(n) == 10 && strings.HasPrefix(n, "09"):
	case (len(n) == 9 || len(n) == 10) && n[0] == '0' && n[1] >= '2' && n[1] <= '8':
	default:
		return Phone{}, &PhoneError{Digits: digits}
	}
	return Phone{number: n}, nil
}
