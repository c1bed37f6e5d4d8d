package art

import (
	"embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/vaxbot/vaxbot/knowledge"
)

//go:embed data/*.toml
var dataFS embed.FS

// The keys of data/card.toml.
const (
	kTitle        = "title"
	kIllustration = "illustration"
	kName         = "name"
	kIDNumber     = "id_number"
	kBirth        = "birth"
	kPhoto        = "photo"
	kCardNumber   = "card_number"
	kNumberSample = "number_sample"
)

// cardKeys are the keys data/card.toml must have, no more, no fewer.
var cardKeys = []string{kTitle, kIllustration, kName, kIDNumber, kBirth, kPhoto, kCardNumber, kNumberSample}

// Labels are the words of one picture, by key and language.
type Labels map[string]map[knowledge.Lang]string

// LoadLabels reads and checks data/<name>.toml: exactly keys, each
// non-empty in every language of knowledge.Langs.
func LoadLabels(name string, keys []string) (Labels, error) {
	raw, err := dataFS.ReadFile("data/" + name + ".toml")
	if err != nil {
		return nil, fmt.Errorf("art: %s: %w", name, err)
	}
	return parseLabels(name, raw, keys)
}

func parseLabels(name string, raw []byte, keys []string) (Labels, error) {
	var m map[string]map[string]string
	if _, err := toml.Decode(string(raw), &m); err != nil {
		return nil, fmt.Errorf("art: %s: %w", name, err)
	}
	got := make([]string, 0, len(m))
	for k := range m {
		got = append(got, k)
	}
	sort.Strings(got)
	for _, k := range got {
		if !slices.Contains(keys, k) {
			return nil, fmt.Errorf("art: %s: key %q is not drawn", name, k)
		}
	}
	out := Labels{}
	for _, k := range keys {
		texts, ok := m[k]
		if !ok {
			return nil, fmt.Errorf("art: %s: key %q missing", name, k)
		}
		out[k] = map[knowledge.Lang]string{}
		for _, l := range knowledge.Langs {
			t := strings.TrimSpace(texts[string(l)])
			if t == "" {
				return nil, fmt.Errorf("art: %s: key %q: %s text missing", name, k, l)
			}
			out[k][l] = t
		}
		if len(texts) != len(knowledge.Langs) {
			return nil, fmt.Errorf("art: %s: key %q: unknown language", name, k)
		}
	}
	return out, nil
}

// cardLabels are the card's words, checked once.
func cardLabels() (Labels, error) { return LoadLabels("card", cardKeys) }

// AllText is every text of every data file, for the glyph generator and
// its test.
func AllText() ([]string, error) {
	entries, err := dataFS.ReadDir("data")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		raw, err := dataFS.ReadFile("data/" + e.Name())
		if err != nil {
			return nil, err
		}
		var m map[string]map[string]string
		if _, err := toml.Decode(string(raw), &m); err != nil {
			return nil, fmt.Errorf("art: %s: %w", e.Name(), err)
		}
		for _, texts := range m {
			for _, t := range texts {
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
