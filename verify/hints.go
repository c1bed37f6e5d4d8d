package verify

import (
	"embed"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// The hints a person gets for a number that does not validate are data:
// data/hints.toml holds zh-TW and English, data/hints.<lang>.toml each
// other language, with the same keys and placeholders (checked by
// LoadHints, which the tests run).
//
//go:embed data/hints*.toml
var hintFiles embed.FS

// hintKeys are the hints the errors use.
var hintKeys = []string{
	"id_empty", "id_length", "id_format", "id_second_char", "id_checksum",
	"card_empty", "card_length", "card_format", "phone",
}

// hints are the loaded hints by key and language; a load error is kept
// for the tests and for Hint's fallback.
var hints, hintsErr = LoadHints()

var hintPlaceholder = regexp.MustCompile(`\{[a-z_]+\}`)

// LoadHints reads and checks the embedded hint files: every key in every
// language file, non-empty, with the placeholders of the English text.
func LoadHints() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	var base map[string]map[string]string
	raw, err := hintFiles.ReadFile("data/hints.toml")
	if err != nil {
		return nil, fmt.Errorf("verify: hints: %w", err)
	}
	if _, err := toml.Decode(string(raw), &base); err != nil {
		return nil, fmt.Errorf("verify: hints.toml: %w", err)
	}
	for k, langs := range base {
		out[k] = map[string]string{}
		for l, t := range langs {
			out[k][l] = strings.TrimSpace(t)
		}
	}
	entries, _ := hintFiles.ReadDir("data")
	for _, e := range entries {
		lang, ok := strings.CutPrefix(strings.TrimSuffix(e.Name(), ".toml"), "hints.")
		if !ok {
			continue
		}
		var m map[string]string
		raw, err := hintFiles.ReadFile(path.Join("data", e.Name()))
		if err == nil {
			_, err = toml.Decode(string(raw), &m)
		}
		if err != nil {
			return nil, fmt.Errorf("verify: %s: %w", e.Name(), err)
		}
		for k, t := range m {
			if _, known := out[k]; !known {
				return nil, fmt.Errorf("verify: %s: unknown hint %q", e.Name(), k)
			}
			out[k][lang] = strings.TrimSpace(t)
		}
	}
	langs := map[string]bool{}
	for _, l := range out {
		for lang := range l {
			langs[lang] = true
		}
	}
	for _, k := range hintKeys {
		texts, ok := out[k]
		if !ok {
			return nil, fmt.Errorf("verify: hints: %q missing", k)
		}
		want := placeholders(texts["en"])
		for lang := range langs {
			if texts[lang] == "" {
				return nil, fmt.Errorf("verify: hints: %q has no %s text", k, lang)
			}
			if got := placeholders(texts[lang]); !slices.Equal(got, want) {
				return nil, fmt.Errorf("verify: hints: %q in %s has placeholders %v, English has %v", k, lang, got, want)
			}
		}
	}
	return out, nil
}

func placeholders(s string) []string {
	p := hintPlaceholder.FindAllString(s, -1)
	sort.Strings(p)
	return slices.Compact(p)
}

// hint is the hint key in lang with placeholders filled from kv pairs;
// English when lang has none, or when the files could not be loaded (the
// tests fail then).
func hint(lang, key string, kv ...any) string {
	texts := hints[key]
	t, ok := texts[lang]
	if !ok && strings.HasPrefix(lang, "zh") {
		t, ok = texts["zh-TW"]
	}
	if !ok {
		t = texts["en"]
	}
	if t == "" {
		return key
	}
	for i := 0; i+1 < len(kv); i += 2 {
		t = strings.ReplaceAll(t, "{"+fmt.Sprint(kv[i])+"}", fmt.Sprint(kv[i+1]))
	}
	return t
}
