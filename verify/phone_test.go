package verify

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"0912345678", "0912345678"},
		{"0912-345-678", "0912345678"},
		{"+886 912 345 678", "0912345678"},
		{"+886-2-2720-8889", "0227208889"},
		{"(02) 2720-8889", "0227208889"},
		{"０９１２３４５６７８", "0912345678"},
		{"04-2220-5101", "0422205101"},
		{"089-123456", "089123456"},
		{"091234567", ""},
		{"09123456789", ""},
		{"1922", ""},
		{"+1 415 555 0100", ""},
		{"call me", ""},
		{"0912345678😀", ""},
		{"", ""},
	}
	for _, tt := range tests {
		p, err := ParsePhone(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrInvalidPhone) {
				t.Errorf("ParsePhone(%q) = %v, %v; want an error", tt.in, p.Masked(), err)
			}
			continue
		}
		if err != nil || p.Number() != tt.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, p.Masked(), err, tt.want)
		}
		if s := fmt.Sprint(p); strings.Contains(s, tt.want) {
			t.Errorf("printing shows the number: %s", s)
		}
	}
	p, _ := ParsePhone("0912345678")
	if p.Masked() != "0912***678" {
		t.Errorf("Masked = %q", p.Masked())
	}
	var pe *PhoneError
	_, err := ParsePhone("12345")
	if !errors.As(err, &pe) || !strings.Contains(pe.Hint("en"), "5 digits") || pe.Hint("zh-TW") == "" || strings.Contains(err.Error(), "12345") {
		t.Errorf("error %v", err)
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"0912345678", "+886 912 345 678", "(02) 2720-8889", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		if err != nil {
			return
		}
		again, err := ParsePhone(p.Number())
		if err != nil || again != p {
			t.Fatalf("re-parse of %s: %v", p.Masked(), err)
		}
	})
}
