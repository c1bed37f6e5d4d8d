package desk

import (
	"strings"
	"testing"
)

func TestParseWords(t *testing.T) {
	tests := []struct {
		name, file string
		used       []string
		wantErr    string
	}{
		{"good", "[a]\nzh-TW = \"甲 {n}\"\nen = \"A {n}\"\n", []string{"a"}, ""},
		{"English missing", "[a]\nzh-TW = \"甲\"\n", []string{"a"}, "en text missing"},
		{"empty text", "[a]\nzh-TW = \" \"\nen = \"A\"\n", []string{"a"}, "zh-TW text missing"},
		{"placeholders differ", "[a]\nzh-TW = \"甲 {n}\"\nen = \"A {m}\"\n", []string{"a"}, "placeholders"},
		{"other language", "[a]\nzh-TW = \"甲\"\nen = \"A\"\nvi = \"X\"\n", []string{"a"}, "a language other"},
		{"unused key", "[a]\nzh-TW = \"甲\"\nen = \"A\"\n", nil, "not used"},
		{"missing key", "", []string{"a"}, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseWords("t.toml", []byte(tt.file), tt.used)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("got %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestShippedWords: New checks the shipped words against every key the
// templates and the code use.
func TestShippedWords(t *testing.T) {
	f := newFixture(t, nil, nil)
	for _, lang := range Langs {
		for _, k := range codeKeys {
			if got := f.d.words.t(lang, k); got == "" || strings.HasPrefix(got, "[") {
				t.Errorf("%s %s: %q", lang, k, got)
			}
		}
	}
}
