package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// refValid is an independent implementation of the checksum, written from
// shared/domain.md without sharing code with checksumOK: the letters listed
// in the order of their values 10…35, and the weights spelled out.
func refValid(s string) bool {
	const byValue = "ABCDEFGHJKLMNPQRSTUVXYWZIO" // A=10 … H=17, J=18 … V=29, X=30, Y=31, W=32, Z=33, I=34, O=35
	if len(s) != 10 {
		return false
	}
	first := strings.IndexByte(byValue, s[0])
	if first < 0 {
		return false
	}
	v := first + 10
	var second int
	switch c := s[1]; {
	case c == '1' || c == '2' || c == '8' || c == '9':
		second = int(c - '0')
	case c >= 'A' && c <= 'D':
		second = (strings.IndexByte(byValue, c) + 10) % 10
	default:
		return false
	}
	digits := []int{v / 10, v % 10, second}
	for _, c := range s[2:] {
		if c < '0' || c > '9' {
			return false
		}
		digits = append(digits, int(c-'0'))
	}
	weights := []int{1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1}
	total := 0
	for i := range weights {
		total += weights[i] * digits[i]
	}
	return total%10 == 0
}

func TestParseIDVectors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantNum  string
		wantKind Kind
		wantCode ErrorCode
	}{
		{"textbook national", "A123456789", "A123456789", KindNational, ""},
		{"lower case", "a123456789", "A123456789", KindNational, ""},
		{"full-width", "Ａ１２３４５６７８９", "A123456789", KindNational, ""},
		{"spaces and dashes", " a123-456 789. ", "A123456789", KindNational, ""},
		{"in a sentence", "my ID is a123 456 789", "A123456789", KindNational, ""},
		{"in a Chinese sentence", "我的身分證是A123456789。", "A123456789", KindNational, ""},
		{"female national", "B222222228", "B222222228", KindNational, ""},
		{"new resident", "A800000005", "A800000005", KindARCNew, ""},
		{"old resident", "AC00000003", "AC00000003", KindARCOld, ""},
		{"old resident second letter D", "DA00000002", "DA00000002", KindARCOld, ""},
		{"I is 34", "I100000006", "", "", ""}, // filled by the reference below
		{"published example F123456789 is invalid", "F123456789", "", KindNational, CodeChecksum},
		{"published example AB12345678 is invalid", "AB12345678", "", KindARCOld, CodeChecksum},
		{"empty", "   ", "", "", CodeEmpty},
		{"too short", "A12345", "", KindNational, CodeLength},
		{"too long", "A1234567890", "", KindNational, CodeLength},
		{"digit first", "1123456789", "", "", CodeFormat},
		{"second char 3", "A323456789", "", "", CodeSecondChar},
		{"second char E", "AE23456789", "", "", CodeSecondChar},
		{"letter in digits", "A12345678X", "", KindNational, CodeFormat},
		{"emoji", "💉💉", "", "", CodeFormat},
		{"emoji after a valid number", "A123456789😀", "", "", CodeFormat},
		{"emoji in a sentence", "my ID 👉 A123456789", "", "", CodeFormat},
		{"NUL inside", "A123\x00456789", "", "", CodeFormat},
		{"escape after", "A123456789\x1b[0m", "", "", CodeFormat},
		{"zero-width space", "A123\u200b456789", "", "", CodeFormat},
		{"bidi override", "\u202eA123456789", "", "", CodeFormat},
		{"invalid UTF-8", "A12345678\xff", "", "", CodeFormat},
		{"tab and newline are whitespace", "\tA123456789\r\n", "A123456789", KindNational, ""},
		{"ideographic space", "Ａ１２３\u3000４５６\u3000７８９", "A123456789", KindNational, ""},
		{"dotless i is not I", "ı100000006", "", "", CodeLength},
		{"ID then card number", "A123456789 000011112222", "A123456789", KindNational, ""},
		{"words only", "hello there", "", "", CodeFormat},
		{"1 MB", strings.Repeat("A", 1<<20), "", "", CodeLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "I is 34" {
				// Whatever the last digit, ParseID and the reference agree.
				for d := '0'; d <= '9'; d++ {
					s := "I10000000" + string(d)
					_, err := ParseID(s)
					if got, want := err == nil, refValid(s); got != want {
						t.Errorf("ParseID(%s) valid = %v, reference says %v", s, got, want)
					}
				}
				return
			}
			id, err := ParseID(tt.in)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("ParseID(%.20q) error %v, want valid", tt.in, err)
				}
				if id.Number() != tt.wantNum || id.Kind() != tt.wantKind {
					t.Errorf("got %s %s, want %s %s", id.Kind(), id.Masked(), tt.wantKind, Mask(tt.wantNum))
				}
				return
			}
			var ie *IDError
			if !errors.As(err, &ie) {
				t.Fatalf("ParseID(%.20q) error %v, want *IDError", tt.in, err)
			}
			if ie.Code != tt.wantCode || ie.Kind != tt.wantKind {
				t.Errorf("got code %s kind %q, want %s %q", ie.Code, ie.Kind, tt.wantCode, tt.wantKind)
			}
			if !errors.Is(err, ErrInvalidID) {
				t.Error("error does not match ErrInvalidID")
			}
		})
	}
}

// TestParseIDAgreesWithReference checks ParseID against the independent
// reference on every first letter and second character, and on random
// numbers, valid and not.
func TestParseIDAgreesWithReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	seconds := "12890ABCDEZ3"
	checked, valid := 0, 0
	for first := 'A'; first <= 'Z'; first++ {
		for _, second := range seconds {
			for range 200 {
				s := fmt.Sprintf("%c%c%08d", first, second, r.IntN(100_000_000))
				_, err := ParseID(s)
				got, want := err == nil, refValid(s)
				if got != want {
					t.Fatalf("ParseID(%s) valid = %v, reference says %v (err %v)", s, got, want, err)
				}
				checked++
				if got {
					valid++
				}
			}
		}
	}
	// About one number in ten passes a mod-10 checksum.
	if valid < checked/20 || valid > checked/5 {
		t.Errorf("%d of %d random numbers valid: the generator or checksum is off", valid, checked)
	}
}

// TestChecksumCatchesSingleDigitErrors: changing any one of the last eight
// digits by other than a multiple of the weight's cycle breaks the checksum.
func TestChecksumCatchesSingleDigitErrors(t *testing.T) {
	base := "A123456789"
	for pos := 2; pos < 10; pos++ {
		for d := byte('0'); d <= '9'; d++ {
			if d == base[pos] {
				continue
			}
			s := base[:pos] + string(d) + base[pos+1:]
			_, err := ParseID(s)
			if (err == nil) != refValid(s) {
				t.Errorf("ParseID(%s) disagrees with the reference", s)
			}
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A123456789", "A12*****89"},
		{"000011112222", "********2222"},
		{"A1234", "*****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNoFullNumberLeaks formats IDs, cards, records and errors every way a
// log line, an error or JSON could, and checks the full numbers never appear.
func TestNoFullNumberLeaks(t *testing.T) {
	const idNum, cardNum = "A123456789", "000011112222"
	id, err := ParseID(idNum)
	if err != nil {
		t.Fatal(err)
	}
	card, err := ParseCardNumber(cardNum)
	if err != nil {
		t.Fatal(err)
	}
	rec := Record{ID: idNum, CardNumber: cardNum, CardID: "AC00000003", PreviousID: "AC00000003"}
	var outs []string
	for _, v := range []any{id, card, rec, &id, &card} {
		outs = append(outs, fmt.Sprintf("%v|%+v|%#v|%s", v, v, v, v))
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(j))
	}
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		slog.New(h).Info("check", "id", id, "card", card, "record", rec)
	}
	outs = append(outs, logs.String())
	for _, bad := range []string{"A123456780", "A12345678", "00001111222", "0000111122223", "A12345678901"} {
		_, err := ParseID(bad)
		outs = append(outs, fmt.Sprint(err))
		_, err = ParseCardNumber(bad)
		outs = append(outs, fmt.Sprint(err))
	}
	for _, o := range outs {
		for _, secret := range []string{idNum, cardNum, "AC00000003", "A12345678", "00001111222"} {
			if strings.Contains(o, secret) {
				t.Errorf("output %q contains the full number %s", o, secret)
			}
		}
	}
}

func TestHintsInBothLanguages(t *testing.T) {
	for _, code := range []ErrorCode{CodeEmpty, CodeLength, CodeFormat, CodeSecondChar, CodeChecksum} {
		e := &IDError{Code: code, Length: 7}
		zh, en := e.Hint("zh-TW"), e.Hint("en")
		if zh == "" || en == "" || zh == en {
			t.Errorf("%s: hints %q / %q", code, zh, en)
		}
		if code == CodeLength && (!strings.Contains(zh, "7") || !strings.Contains(en, "7")) {
			t.Errorf("length hint does not say how many were typed: %q / %q", zh, en)
		}
	}
	for _, code := range []ErrorCode{CodeEmpty, CodeLength, CodeFormat} {
		e := &CardError{Code: code, Digits: 13}
		if zh, en := e.Hint("zh-TW"), e.Hint("en"); zh == "" || en == "" || zh == en {
			t.Errorf("card %s: hints %q / %q", code, zh, en)
		}
	}
}

func TestParseCardNumber(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		want       string
		wantCode   ErrorCode
		wantDigits int
	}{
		{"plain", "000011112222", "000011112222", "", 0},
		{"spaces", "0000 1111 2222", "000011112222", "", 0},
		{"dashes", "0000-1111-2222", "000011112222", "", 0},
		{"full-width", "００００１１１１２２２２", "000011112222", "", 0},
		{"in a sentence", "卡號是 0000 1111 2222", "000011112222", "", 0},
		{"11 digits", "00001111222", "", CodeLength, 11},
		{"13 digits", "0000111122223", "", CodeLength, 13},
		{"letters", "0000ABCD2222", "", CodeFormat, 8},
		{"empty", "", "", CodeEmpty, 0},
		{"emoji", "🪪", "", CodeFormat, 0},
		{"emoji after a valid number", "000011112222✅", "", CodeFormat, 0},
		{"control character", "0000\x071111 2222", "", CodeFormat, 0},
		{"ID then card number", "A123456789 000011112222", "000011112222", "", 0},
		{"1 MB", strings.Repeat("1", 1<<20), "", CodeFormat, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCardNumber(tt.in)
			if tt.wantCode == "" {
				if err != nil || c.Number() != tt.want {
					t.Fatalf("got %s, %v; want %s", c.Masked(), err, Mask(tt.want))
				}
				return
			}
			var ce *CardError
			if !errors.As(err, &ce) || ce.Code != tt.wantCode || ce.Digits != tt.wantDigits {
				t.Fatalf("got %#v, want code %s digits %d", err, tt.wantCode, tt.wantDigits)
			}
			if !errors.Is(err, ErrInvalidCard) {
				t.Error("error does not match ErrInvalidCard")
			}
		})
	}
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"A123456789", "ａ１２３４５６７８９", "my id is a123 456 789", "AC00000003", "A800000005", "", "💉", "A-1.2 3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			var ie *IDError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not *IDError", err)
			}
			if ie.Hint("en") == "" || ie.Hint("zh-TW") == "" {
				t.Fatal("empty hint")
			}
			// The error never quotes what was typed.
			if n := normalize(s); len(n) >= 6 && strings.Contains(err.Error()+ie.Hint("en")+ie.Hint("zh-TW"), n) {
				t.Fatalf("error or hint quotes the input: %q", err)
			}
			return
		}
		if out := fmt.Sprintf("%v %+v %#v %s %q %d %x", id, id, id, id, id, id, id); strings.Contains(out, id.Number()) {
			t.Fatalf("formatted ID shows the full number: %s", out)
		}
		again, err := ParseID(id.Number())
		if err != nil || again != id {
			t.Fatalf("re-parse of a valid result: %v, %v", again, err)
		}
		if !refValid(id.Number()) {
			t.Fatalf("accepted %s, which the reference rejects", id.Masked())
		}
		if strings.Contains(id.String(), id.Number()) {
			t.Fatal("String shows the full number")
		}
	})
}

func FuzzParseCardNumber(f *testing.F) {
	for _, s := range []string{"000011112222", "0000 1111 2222", "００００１１１１２２２２", "卡號 0000-1111-2222", "12345", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCardNumber(s)
		if err != nil {
			var ce *CardError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not *CardError", err)
			}
			if n := normalize(s); len(n) >= 6 && strings.Contains(err.Error()+ce.Hint("en")+ce.Hint("zh-TW"), n) {
				t.Fatalf("error or hint quotes the input: %q", err)
			}
			return
		}
		if out := fmt.Sprintf("%v %+v %#v %s %q %d %x", c, c, c, c, c, c, c); strings.Contains(out, c.Number()) {
			t.Fatalf("formatted card shows the full number: %s", out)
		}
		if len(c.Number()) != CardLength || !isASCIIDigits(c.Number()) {
			t.Fatalf("accepted a card number that is not 12 digits (%d chars)", len(c.Number()))
		}
		again, err := ParseCardNumber(c.Number())
		if err != nil || again != c {
			t.Fatalf("re-parse of a valid result: %v", err)
		}
	})
}

// TestVectorsFromIndependentImplementation checks ParseID against vectors
// made by testdata/gen_vectors.py, a separate implementation in Python.
func TestVectorsFromIndependentImplementation(t *testing.T) {
	raw, err := os.ReadFile("testdata/vectors.tsv")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("bad vector line %q", line)
		}
		n++
		id, err := ParseID(f[0])
		if want := f[1] == "true"; (err == nil) != want {
			t.Errorf("%s: valid = %v, Python says %v", f[0], err == nil, want)
			continue
		}
		var ie *IDError
		switch {
		case err == nil:
			if string(id.Kind()) != f[2] {
				t.Errorf("%s: kind %s, Python says %s", f[0], id.Kind(), f[2])
			}
		case errors.As(err, &ie):
			if string(ie.Code) != f[3] || string(ie.Kind) != f[2] {
				t.Errorf("%s: %s/%q, Python says %s/%q", f[0], ie.Code, ie.Kind, f[3], f[2])
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d vectors", n)
	}
}

// FuzzMayHoldNumber: text that MayHoldNumber clears has no digit after
// NFKC, and neither ParseID nor ParseCardNumber reads a number from it.
func FuzzMayHoldNumber(f *testing.F) {
	for _, s := range []string{
		"健保卡號在哪裡", "my new ARC number fails", "Số thẻ bảo hiểm y tế ở đâu?",
		"บัตรประกันสุขภาพ", "Ａ１２３４５６７８９", "A①②③④⑤⑥⑦⑧⑨", "x²", "¼", "๑๒๓",
		"𝟏𝟐𝟑", "㉑", "A123456789", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if MayHoldNumber(s) {
			return
		}
		if n := norm.NFKC.String(s); strings.ContainsAny(n, "0123456789") {
			t.Fatalf("%q cleared, but NFKC gives %q", s, n)
		}
		if _, err := ParseID(s); err == nil {
			t.Fatalf("%q cleared, but ParseID reads an ID", s)
		}
		if _, err := ParseCardNumber(s); err == nil {
			t.Fatalf("%q cleared, but ParseCardNumber reads a card", s)
		}
	})
}

func TestMayHoldNumber(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"健保卡號在哪裡", false},
		{"my new ARC number fails verification", false},
		{"Số thẻ bảo hiểm y tế ở đâu?", false},
		{"บัตรประกันสุขภาพอยู่ไหน", false},
		{"A123456789", true},
		{"Ａ１２３", true},
		{"①", true},
		{"x²", true},
		{"๑", true}, // Thai digits: a block left to the parsers
		{"🙂", true}, // unknown blocks count as possible digits
	}
	for _, tt := range tests {
		if got := MayHoldNumber(tt.text); got != tt.want {
			t.Errorf("MayHoldNumber(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestDigitlessIsExact: every character digitless clears has no digit in
// its NFKC form, checked for each one of them rather than by chance.
func TestDigitlessIsExact(t *testing.T) {
	cleared := 0
	for r := rune(0); r <= 0xFFFF; r++ {
		if !digitless(r) {
			continue
		}
		cleared++
		if n := norm.NFKC.String(string(r)); strings.ContainsAny(n, "0123456789") {
			t.Errorf("%U cleared, but NFKC gives %q", r, n)
		}
	}
	// CJK ideographs and Hangul alone are 32 164 characters.
	if cleared < 32164 {
		t.Errorf("only %d characters cleared: the scripts people write here are missing", cleared)
	}
}
