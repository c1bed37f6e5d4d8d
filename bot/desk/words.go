package desk

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// The desk's languages: zh-TW first, the default.
const (
	LangZhTW = "zh-TW"
	LangEn   = "en"
)

// Langs are the languages the desk is written in, the default first.
var Langs = []string{LangZhTW, LangEn}

// words holds every text the desk shows, per key and language.
type words struct {
	m map[string]map[string]string
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// parseWords reads a words file and checks it: each key non-empty in every
// language of Langs with the same placeholders, no other language, every
// key in used present and every key present in used.
func parseWords(name string, raw []byte, used []string) (*words, error) {
	m := map[string]map[string]string{}
	md, err := toml.Decode(string(raw), &m)
	if err != nil {
		return nil, fmt.Errorf("desk: %s: %w", name, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return nil, fmt.Errorf("desk: %s: unexpected %v", name, un)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var want []string
		for i, lang := range Langs {
			t := strings.TrimSpace(m[k][lang])
			if t == "" {
				return nil, fmt.Errorf("desk: %s: key %q: %s text missing", name, k, lang)
			}
			got := placeholder.FindAllString(t, -1)
			sort.Strings(got)
			got = slices.Compact(got)
			if i == 0 {
				want = got
			} else if !slices.Equal(got, want) {
				return nil, fmt.Errorf("desk: %s: key %q: %s has placeholders %v, %s has %v", name, k, lang, got, Langs[0], want)
			}
		}
		if len(m[k]) != len(Langs) {
			return nil, fmt.Errorf("desk: %s: key %q: a language other than %v", name, k, Langs)
		}
		if !slices.Contains(used, k) {
			return nil, fmt.Errorf("desk: %s: key %q is not used", name, k)
		}
	}
	for _, k := range used {
		if _, ok := m[k]; !ok {
			return nil, fmt.Errorf("desk: %s: key %q missing", name, k)
		}
	}
	return &words{m: m}, nil
}

// t returns the text of key in lang, placeholders filled from kv pairs
// ("name", value, …); an unknown lang falls back to zh-TW.
func (w *words) t(lang, key string, kv ...string) string {
	texts, ok := w.m[key]
	if !ok {
		// Load checks every key the templates and the code use; show the
		// key rather than crash if one slips through.
		return "[" + key + "]"
	}
	t, ok := texts[lang]
	if !ok {
		t = texts[LangZhTW]
	}
	for i := 0; i+1 < len(kv); i += 2 {
		t = strings.ReplaceAll(t, "{"+kv[i]+"}", kv[i+1])
	}
	return t
}

// has reports whether key is a word (for words named by data, such as a
// channel's or a status's).
func (w *words) has(key string) bool { _, ok := w.m[key]; return ok }

// templateKey finds the keys the templates use: {{T "key" …}} and
// {{.L.T "key" …}}.
var templateKey = regexp.MustCompile(`\bT\s+"([a-z0-9_]+)"`)

// keysIn returns the word keys a template source uses.
func keysIn(src string) []string {
	var out []string
	for _, m := range templateKey.FindAllStringSubmatch(src, -1) {
		out = append(out, m[1])
	}
	return out
}

// normLang reads a language: zh-TW (also zh, zh-tw, zh-Hant) or en;
// anything else is zh-TW, the default.
func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "en" || strings.HasPrefix(s, "en-") {
		return LangEn
	}
	return LangZhTW
}
