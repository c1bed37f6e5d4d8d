package dialogs

// Languages beyond zh-TW and English live in files of their own,
// data/i18n/<lang>.toml, one per language, so that each can be translated
// and reviewed on its own: [words] (every key of words.toml), [requests]
// (every request of requests.toml), [lines.<id>] and [counties.<code>]
// (names, hours, aliases). They are read for the languages in
// knowledge.Langs and checked like the rest: a missing key fails start-up.

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/BurntSushi/toml"
	"github.com/vaxbot/vaxbot/knowledge"
)

//go:embed data/i18n
var i18nFS embed.FS

// langFile is the shape of data/i18n/<lang>.toml.
type langFile struct {
	Words    map[string]string   `toml:"words"`
	Requests map[string][]string `toml:"requests"`
	Lines    map[string]langText `toml:"lines"`
	Counties map[string]langText `toml:"counties"`
}

// langText is a line's or a county's name, hours and aliases in one
// language.
type langText struct {
	Name    string   `toml:"name"`
	Hours   string   `toml:"hours"`
	Aliases []string `toml:"aliases"`
}

// extraLangs are the languages of knowledge.Langs beyond zh-TW and English:
// those whose words come from data/i18n.
func extraLangs() []Lang {
	var out []Lang
	for _, l := range knowledge.Langs {
		if l != knowledge.ZhTW && l != knowledge.En {
			out = append(out, l)
		}
	}
	return out
}

// loadLangFiles reads data/i18n/<lang>.toml of every extra language.
func loadLangFiles() (map[Lang]*langFile, error) {
	out := map[Lang]*langFile{}
	for _, l := range extraLangs() {
		name := "data/i18n/" + string(l) + ".toml"
		raw, err := i18nFS.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("dialogs: %s missing: every language of knowledge.Langs needs one", name)
		}
		if err != nil {
			return nil, fmt.Errorf("dialogs: %s: %w", name, err)
		}
		var f langFile
		md, err := toml.Decode(string(raw), &f)
		if err != nil {
			return nil, fmt.Errorf("dialogs: %s: %w", name, err)
		}
		if un := md.Undecoded(); len(un) > 0 {
			return nil, fmt.Errorf("dialogs: %s: unknown field %s", name, un[0])
		}
		out[l] = &f
	}
	return out, nil
}
