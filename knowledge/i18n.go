package knowledge

import (
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// A translation, I18nDir/<lang>.toml, holds one table per item and
// near-domain topic, named by its id, and the off-topic examples and the
// phrases of one language:
//
//	[q1]
//	reviewed = "back-translation"
//	title = "…"
//	answer = """…"""
//	spoken = """…"""
//	examples = ["…", …]          # ≥ MinTranslatedItemExamples (topics: ≥ MinExamples)
//	synonyms = [["…", "…"], …]   # groups of this language, may be empty
//	[n_dose_timing]
//	…
//	[offtopic]
//	examples = ["…", …]
//	[phrases]
//	no_match = "…"
//	did_you_mean = "…"
//	see_also = "…"
//
// The follow-ups and the Yields of an item or topic are the same in every
// language, so they stay in its own file.

// fileI18nEntry is the on-disk shape of one item or topic in a translation.
type fileI18nEntry struct {
	Reviewed string     `toml:"reviewed"`
	Title    string     `toml:"title"`
	Answer   string     `toml:"answer"`
	Spoken   string     `toml:"spoken"`
	Examples []string   `toml:"examples"`
	Synonyms [][]string `toml:"synonyms"`
}

// The tables of a translation that are not items or topics.
const (
	i18nOfftopic = "offtopic"
	i18nPhrases  = "phrases"
)

// loadI18n merges the translation raw (the file name) of lang into b,
// whose items and topics are loaded: every item and topic must be there
// with a title, an answer, a spoken answer, enough examples and the
// reviewed mark ReviewBackTranslation; the off-topic examples and the
// phrases too; nothing else.
func (b *Base) loadI18n(lang Lang, name string, raw []byte, opt loadOptions) error {
	var tables map[string]toml.Primitive
	md, err := toml.Decode(string(raw), &tables)
	if err != nil {
		return fmt.Errorf("knowledge: %s: %w: %v", name, ErrInvalid, err)
	}
	keys := make([]string, 0, len(tables))
	for k := range tables {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	texts := map[string]Text{}
	var offtopic []string
	var phrases *Phrases
	for _, key := range keys {
		prim := tables[key]
		switch key {
		case i18nOfftopic:
			var o struct {
				Examples []string `toml:"examples"`
			}
			if err := md.PrimitiveDecode(prim, &o); err != nil {
				return invalid(name, key, "%v", err)
			}
			if len(o.Examples) == 0 {
				return invalid(name, key+".examples", "missing or empty")
			}
			for i, ex := range o.Examples {
				if strings.TrimSpace(ex) == "" {
					return invalid(name, fmt.Sprintf("%s.examples[%d]", key, i), "empty example")
				}
			}
			offtopic = o.Examples
			continue
		case i18nPhrases:
			var p Phrases
			if err := md.PrimitiveDecode(prim, &p); err != nil {
				return invalid(name, key, "%v", err)
			}
			phrases = &p
			continue
		}
		_, isItem := b.byID[key]
		_, isNear := b.nearByID[key]
		if !isItem && !isNear {
			return invalid(name, key, "no item or near-domain topic has this id")
		}
		var e fileI18nEntry
		if err := md.PrimitiveDecode(prim, &e); err != nil {
			return invalid(name, key, "%v", err)
		}
		if e.Reviewed != ReviewBackTranslation && !(opt.drafts && e.Reviewed == "") {
			return invalid(name, key+".reviewed", "is %q, want %q: every translation is checked by a back-translation before it ships", e.Reviewed, ReviewBackTranslation)
		}
		t := Text{Title: e.Title, Answer: e.Answer, Spoken: e.Spoken, Examples: e.Examples, Synonyms: e.Synonyms, Reviewed: e.Reviewed}
		minEx := MinExamples
		if isItem {
			minEx = MinTranslatedItemExamples
		}
		if err := checkText(name, key, t, minEx); err != nil {
			return err
		}
		if err := checkSynonyms(name, key+".synonyms", e.Synonyms); err != nil {
			return err
		}
		texts[key] = t
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		return invalid(name, extra[0].String(), "unknown field")
	}
	for _, it := range b.items {
		if _, ok := texts[it.ID]; !ok {
			return invalid(name, it.ID, "item missing")
		}
	}
	for _, n := range b.near {
		if _, ok := texts[n.ID]; !ok {
			return invalid(name, n.ID, "near-domain topic missing")
		}
	}
	if offtopic == nil {
		return invalid(name, i18nOfftopic, "missing")
	}
	if phrases == nil {
		return invalid(name, i18nPhrases, "missing")
	}
	if err := checkPhrases(name, i18nPhrases, *phrases); err != nil {
		return err
	}
	for _, it := range b.items {
		it.Text[lang] = texts[it.ID]
	}
	for _, n := range b.near {
		n.Text[lang] = texts[n.ID]
	}
	b.offtopic[lang] = offtopic
	b.phrases[lang] = *phrases
	return nil
}
