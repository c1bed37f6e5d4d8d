package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestFormatVerbsNeverLeak prints IDs, cards and records with every fmt verb
// and inside containers: reflection on the unexported field (%d, %x) or on
// Record's exported fields must not reach the full number.
func TestFormatVerbsNeverLeak(t *testing.T) {
	const idNum, cardNum, oldNum = "A123456789", "000011112222", "AC00000003"
	id, err := ParseID(idNum)
	if err != nil {
		t.Fatal(err)
	}
	card, err := ParseCardNumber(cardNum)
	if err != nil {
		t.Fatal(err)
	}
	rec := Record{ID: idNum, CardNumber: cardNum, CardID: oldNum, PreviousID: oldNum,
		CardIssuedAt: time.Date(2021, 7, 21, 9, 0, 0, 0, time.UTC)}
	type holder struct {
		ID      ID
		Card    *Card
		Records []Record
	}
	values := []struct {
		name string
		v    any
	}{
		{"ID", id},
		{"*ID", &id},
		{"Card", card},
		{"*Card", &card},
		{"Record", rec},
		{"*Record", &rec},
		{"[]ID", []ID{id}},
		{"map", map[string]Card{"c": card}},
		{"[]Record", []Record{rec}},
		{"struct", holder{id, &card, []Record{rec}}},
		{"*struct", &holder{id, &card, []Record{rec}}},
	}
	// %p and %w are left out: for a non-pointer operand of %p, and for %w
	// outside fmt.Errorf or on a non-error, fmt prints the operand field by
	// field without asking its methods. go vet's printf check reports both.
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%o", "%b", "%c", "%U", "%e", "%t", "%z", "%20v", "%-20s"}
	for _, tt := range values {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			for _, verb := range verbs {
				fmt.Fprintf(&out, verb+"\n", tt.v)
			}
			fmt.Fprintln(&out, tt.v)
			if j, err := json.Marshal(tt.v); err == nil {
				out.Write(j)
			} else {
				t.Fatalf("json: %v", err)
			}
			var logs bytes.Buffer
			slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "v", tt.v)
			slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "v", tt.v)
			out.WriteString(logs.String())
			for _, secret := range []string{idNum, cardNum, oldNum} {
				if got := out.String(); strings.Contains(got, secret) {
					t.Errorf("got output containing the full number %s:\n%s", Mask(secret), got)
				}
			}
		})
	}
}

// TestFormatKeepsTheMaskedForm: the masked form survives width and quoting,
// so a log line stays readable.
func TestFormatKeepsTheMaskedForm(t *testing.T) {
	id, _ := ParseID("A123456789")
	card, _ := ParseCardNumber("000011112222")
	tests := []struct {
		name, got, want string
	}{
		{"%v", fmt.Sprintf("%v", id), "A12*****89"},
		{"%d", fmt.Sprintf("%d", id), "A12*****89"},
		{"%q", fmt.Sprintf("%q", id), `"A12*****89"`},
		{"%12s", fmt.Sprintf("%12s", id), "  A12*****89"},
		{"%#v", fmt.Sprintf("%#v", id), `verify.ID("A12*****89")`},
		{"card %v", fmt.Sprintf("%v", card), "********2222"},
		{"card %#v", fmt.Sprintf("%#v", card), `verify.Card("********2222")`},
		{"zero ID", fmt.Sprintf("%v", ID{}), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// TestErrorsNeverQuoteTheInput formats every kind of parse and load error
// and checks that none repeats what was typed.
func TestErrorsNeverQuoteTheInput(t *testing.T) {
	inputs := []string{
		"A123456780", "A12345678", "A1234567890", "1123456789", "A323456789", "A12345678X",
		"000011112222", "00001111222", "0000111122223", "0000ABCD2222", "A123456789😀",
	}
	for _, in := range inputs {
		t.Run(in, func(t *testing.T) {
			var outs []string
			if _, err := ParseID(in); err != nil {
				var ie *IDError
				if !errors.As(err, &ie) {
					t.Fatalf("got %T, want *IDError", err)
				}
				outs = append(outs, fmt.Sprintf("%v|%+v|%#v|%s", err, err, err, err), ie.Hint("en"), ie.Hint("zh-TW"))
			}
			if _, err := ParseCardNumber(in); err != nil {
				var ce *CardError
				if !errors.As(err, &ce) {
					t.Fatalf("got %T, want *CardError", err)
				}
				outs = append(outs, fmt.Sprintf("%v|%+v|%#v|%s", err, err, err, err), ce.Hint("en"), ce.Hint("zh-TW"))
			}
			row := CSVHeader + "\n" + in + "," + in + "," + in + ",2021-01-01T00:00:00Z," + in + ",false\n"
			if _, err := LoadCSV(strings.NewReader(row)); err != nil {
				outs = append(outs, fmt.Sprintf("%v|%+v|%#v", err, err, err))
			}
			for _, o := range outs {
				if strings.Contains(o, in) {
					t.Errorf("got %q, which quotes the input", o)
				}
			}
		})
	}
}

func TestHintsLoad(t *testing.T) {
	if hintsErr != nil {
		t.Fatal(hintsErr)
	}
	for _, tt := range []struct {
		name string
		err  interface{ Hint(string) string }
		lang string
		want string
	}{
		{"length, zh", &IDError{Code: CodeLength, Length: 9}, "zh-TW", "您輸入了 9 碼"},
		{"length, en", &IDError{Code: CodeLength, Length: 11}, "en", "you typed 11"},
		{"card, unknown language falls back to English", &CardError{Code: CodeLength, Digits: 13}, "xx", "you typed 13"},
		{"phone", &PhoneError{Digits: 7}, "en", "You typed 7 digits"},
	} {
		if got := tt.err.Hint(tt.lang); !strings.Contains(got, tt.want) || strings.Contains(got, "{") {
			t.Errorf("%s: %q, want %q in it", tt.name, got, tt.want)
		}
	}
}
