package dialogs

import (
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/knowledge"
)

func TestDefaultWords(t *testing.T) {
	w, err := DefaultWords()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range wordKeys {
		for _, lang := range knowledge.Langs {
			if got := w.T(lang, k); got == "" || got == "["+k+"]" {
				t.Errorf("T(%s, %s) = %q", lang, k, got)
			}
		}
	}
	if got := w.T(knowledge.En, "invalid_entry", "hint", "H", "count", "2", "max", "3"); got != "H (try 2 of 3)" {
		t.Errorf("placeholders: got %q", got)
	}
}

func TestParseWordsRejects(t *testing.T) {
	full := string(defaultWords)
	tests := []struct {
		name, raw, want string
	}{
		{"missing key", strings.Replace(full, "[menu]", "[menu_old]", 1), `key "menu" missing`},
		{"missing translation", strings.Replace(full, "en = \"Pick a topic, or type your question:\"", "", 1), `key "menu": en text missing`},
		{"placeholder mismatch", strings.Replace(full, "en = \"{hint} (try {count} of {max})\"", "en = \"{hint} (try {count})\"", 1), `key "invalid_entry": en has placeholders`},
		{"unused key", full + "\n[extra]\nzh-TW = \"x\"\nen = \"x\"\n", `key "extra" is not used`},
		{"not toml", "[menu\n", "words.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWords("words.toml", []byte(tt.raw))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestDefaultDirectory(t *testing.T) {
	d, err := DefaultDirectory()
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Line(Line1922).Number; got != "1922" {
		t.Errorf("1922 line number = %q", got)
	}
	if got := d.Line(LineNHIA).Number; got != "0800-030-598" {
		t.Errorf("NHIA line number = %q", got)
	}
	configured := 0
	for _, c := range d.Counties() {
		if c.Number != "" {
			configured++
		}
	}
	// Only Taipei's line has a public source (shared/domain.md §4).
	if configured != 1 {
		t.Errorf("%d counties have a number, want only Taipei's", configured)
	}
	tests := []struct{ in, want string }{
		{"台北", "TPE"}, {"臺北市", "TPE"}, {"Taipei City", "TPE"}, {"ｔａｉｐｅｉ", "TPE"},
		{"新竹縣", "HSQ"}, {"hsinchu city", "HSZ"}, {"馬祖", "LIE"}, {"kee", "KEE"},
		{"新竹", ""}, {"Tokyo", ""}, {"", ""},
	}
	for _, tt := range tests {
		c, ok := d.FindCounty(tt.in)
		if got := c.Code; got != tt.want || ok != (tt.want != "") {
			t.Errorf("FindCounty(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestE164(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0800-030-598", "+886800030598"},
		{"02-4128-678", "+88624128678"},
		{"+886-800-001922", "+886800001922"},
		{"0912 345 678", "+886912345678"},
		{"1922", ""},
		{"1999", ""},
		{"4128-678", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := E164(tt.in); got != tt.want {
			t.Errorf("E164(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHandoffDialNumbers: a handoff carries the number a phone system
// dials: 1922's toll-free number, the NHIA's in international form, none
// for Taipei's short code 1999.
func TestHandoffDialNumbers(t *testing.T) {
	d, err := DefaultDirectory()
	if err != nil {
		t.Fatal(err)
	}
	tpe, _ := d.County("TPE")
	tests := []struct {
		name, dial, number, want string
	}{
		{"1922", d.Line(Line1922).Dial, d.Line(Line1922).Number, "+886800001922"},
		{"nhia", d.Line(LineNHIA).Dial, d.Line(LineNHIA).Number, "+886800030598"},
		{"Taipei", tpe.Dial, tpe.Number, ""},
	}
	for _, tt := range tests {
		if got := dialNumber(tt.dial, tt.number); got != tt.want {
			t.Errorf("%s: dial %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseDirectoryRejects(t *testing.T) {
	full := string(defaultHotlines)
	tests := []struct {
		name, raw, want string
	}{
		{"invented number without source", strings.Replace(full, "code = \"NWT\"", "code = \"NWT\"\nnumber = \"1999\"", 1), "source"},
		{"missing county", strings.Replace(full, "code = \"LIE\"", "code = \"KIN\"", 1), "duplicate code"},
		{"missing english name", strings.Replace(full, "name.en = \"Keelung City\"", "", 1), "en missing"},
		{"bad phone", strings.Replace(full, "number = \"0800-030-598\"", "number = \"call us\"", 1), "phone number"},
		{"unknown field", strings.Replace(full, "code = \"TPE\"", "code = \"TPE\"\nfax = \"1\"", 1), "unknown field"},
		{"dial not international", strings.Replace(full, "dial = \"+886-800-001922\"", "dial = \"0800-001922\"", 1), "not an international number"},
		{"county dial not international", strings.Replace(full, "number = \"1999\"", "number = \"1999\"\ndial = \"1999\"", 1), "not an international number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDirectory("hotlines.toml", []byte(tt.raw))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"my id is A123456789", "my id is A12*****89"},
		{"我的身分證 a123 456 789 。", "我的身分證 a12*****89 。"},
		{"Ａ１２３４５６７８９", "A12*****89"},
		{"card 0000-1111-2222", "card **********22"},
		{"call 1922", "call 1922"},
		{"A123456789 000011112222", "A12*****89 **********22"},
		{"card 0000/1111/2222 and 0000_1111_2222", "card **********22 and **********22"},
		{"hello", "hello"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
