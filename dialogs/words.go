package dialogs

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/vaxbot/vaxbot/knowledge"
)

// Words holds every prompt and button in every language.
type Words struct {
	m map[string]map[Lang]string
}

//go:embed data/words.toml
var defaultWords []byte

// DefaultWords returns the shipped words (checked by the tests): words.toml
// and, for the other languages, the [words] of data/i18n/<lang>.toml.
func DefaultWords() (*Words, error) { return ParseWords("words.toml", defaultWords) }

// shippedLangWords are the [words] of data/i18n/<lang>.toml for the
// languages of knowledge.Langs beyond zh-TW and English.
func shippedLangWords() (map[Lang]map[string]string, error) {
	files, err := loadLangFiles()
	if err != nil {
		return nil, err
	}
	extra := map[Lang]map[string]string{}
	for l, f := range files {
		extra[l] = f.Words
	}
	return extra, nil
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// ParseWords parses and checks a words file: exactly the keys the engine
// uses, each non-empty in zh-TW and English, with the same placeholders in
// both. name is used in errors.
//
// The file holds zh-TW and English; the other languages come from the
// shipped data/i18n files.
func ParseWords(name string, raw []byte) (*Words, error) {
	extra, err := shippedLangWords()
	if err != nil {
		return nil, err
	}
	return parseWords(name, raw, wordKeys, extra)
}

// ParseWordsLangs parses and checks a words file of a channel's own (the
// phone renderer's "press 1"): exactly keys, each non-empty in every
// language of knowledge.Langs with the same placeholders, the texts of the
// languages beyond zh-TW and English given in extra (a map of key to text
// per language, from files of their own).
func ParseWordsLangs(name string, raw []byte, wordKeys []string, extra map[Lang]map[string]string) (*Words, error) {
	return parseWords(name, raw, wordKeys, extra)
}

func parseWords(name string, raw []byte, wordKeys []string, extra map[Lang]map[string]string) (*Words, error) {
	m := map[string]map[Lang]string{}
	if _, err := toml.Decode(string(raw), &m); err != nil {
		return nil, fmt.Errorf("dialogs: %s: %w", name, err)
	}
	for _, k := range wordKeys {
		if _, ok := m[k]; !ok {
			return nil, fmt.Errorf("dialogs: %s: key %q missing", name, k)
		}
	}
	for lang, texts := range extra {
		for k, t := range texts {
			if _, ok := m[k]; !ok || !slices.Contains(wordKeys, k) {
				return nil, fmt.Errorf("dialogs: %s words: key %q is not used by the engine", lang, k)
			}
			m[k][lang] = t
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(wordKeys, k) {
			return nil, fmt.Errorf("dialogs: %s: key %q is not used by the engine", name, k)
		}
		var want []string
		for i, lang := range knowledge.Langs {
			t := strings.TrimSpace(m[k][lang])
			if t == "" {
				return nil, fmt.Errorf("dialogs: %s: key %q: %s text missing", name, k, lang)
			}
			m[k][lang] = t
			got := placeholder.FindAllString(t, -1)
			sort.Strings(got)
			got = slices.Compact(got)
			if i == 0 {
				want = got
			} else if !slices.Equal(got, want) {
				return nil, fmt.Errorf("dialogs: %s: key %q: %s has placeholders %v, %s has %v",
					name, k, lang, got, knowledge.Langs[0], want)
			}
		}
		if len(m[k]) != len(knowledge.Langs) {
			return nil, fmt.Errorf("dialogs: %s: key %q: unknown language", name, k)
		}
	}
	return &Words{m: m}, nil
}

// T returns the text of key in lang with placeholders filled from kv pairs
// ("name", value, …). An unknown lang falls back to zh-TW.
func (w *Words) T(lang Lang, key string, kv ...string) string {
	texts, ok := w.m[key]
	if !ok {
		// Every key the engine uses is in wordKeys, which load checks, and
		// the transcript tests reach every key; show the key rather than
		// crash if one slips through.
		return "[" + key + "]"
	}
	t, ok := texts[lang]
	if !ok {
		t = texts[knowledge.ZhTW]
	}
	for i := 0; i+1 < len(kv); i += 2 {
		t = strings.ReplaceAll(t, "{"+kv[i]+"}", kv[i+1])
	}
	return t
}
