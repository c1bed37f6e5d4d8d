package knowledge

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Lang is a language of the knowledge base, as a BCP 47 tag.
type Lang string

// The two languages every item is written in.
const (
	ZhTW Lang = "zh-TW"
	En   Lang = "en"
)

// Langs lists the languages every item must have, in display order.
var Langs = []Lang{ZhTW, En}

// ParseLang maps what a person or a platform says about a language
// ("zh-TW", "zh", "中文", "en-US", "English") to a Lang. ok is false when the
// text names neither language.
func ParseLang(s string) (lang Lang, ok bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch {
	case t == "":
		return "", false
	case strings.HasPrefix(t, "zh"), t == "中文", t == "繁體中文", t == "正體中文", t == "華語", t == "國語":
		return ZhTW, true
	case strings.HasPrefix(t, "en"), t == "英文", t == "英語":
		return En, true
	}
	return "", false
}

// Text is one item's wording in one language.
type Text struct {
	// Title is a short label for menus.
	Title string `toml:"title"`
	// Answer is the full answer, formatted for a chat bubble.
	Answer string `toml:"answer"`
	// Spoken is the answer for the ear (the voice line): short sentences,
	// no URLs, numbers to dial or type read digit by digit.
	Spoken string `toml:"spoken"`
	// Examples are questions the way people ask them; the index learns from them.
	Examples []string `toml:"examples"`
}

// Item is one QA item.
type Item struct {
	// ID is the stable id "q1"…"q9", the seed's item number.
	ID string
	// FollowUps are what the dialogs may offer after the answer:
	// "verify", "hotline:1922", "hotline:nhia", "hotline:county" or "faq:qN".
	FollowUps []string
	// Synonyms are groups of interchangeable terms, in any language.
	Synonyms [][]string
	// Text holds the wording in each language of Langs.
	Text map[Lang]Text
}

// Title returns the item's short title in lang (zh-TW when lang is unknown).
func (it *Item) Title(lang Lang) string { return it.text(lang).Title }

// Answer returns the item's full answer in lang (zh-TW when lang is unknown).
func (it *Item) Answer(lang Lang) string { return it.text(lang).Answer }

func (it *Item) text(lang Lang) Text {
	if t, ok := it.Text[lang]; ok {
		return t
	}
	return it.Text[ZhTW]
}

// Base is the validated set of QA items plus the off-topic examples.
type Base struct {
	items    []*Item
	byID     map[string]*Item
	offtopic map[Lang][]string
}

// Items returns the items in id order (q1…q9).
func (b *Base) Items() []*Item { return slices.Clone(b.items) }

// Item returns the item with the given id.
func (b *Base) Item(id string) (*Item, bool) {
	it, ok := b.byID[id]
	return it, ok
}

// Offtopic returns the examples of questions that are not QA items.
func (b *Base) Offtopic(lang Lang) []string { return slices.Clone(b.offtopic[lang]) }

//go:embed data/*.toml
var embedded embed.FS

// Default loads the embedded knowledge base. The embedded files are checked
// by the package's tests, so an error here means a broken build.
func Default() (*Base, error) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, fmt.Errorf("knowledge: embedded data: %w", err)
	}
	return Load(sub)
}

// ErrInvalid is wrapped by every validation error that Load returns.
var ErrInvalid = errors.New("invalid knowledge file")

// OfftopicFile is the name of the file that holds off-topic examples.
const OfftopicFile = "offtopic.toml"

var (
	itemIDPattern   = regexp.MustCompile(`^q[1-9][0-9]*$`)
	followUpPattern = regexp.MustCompile(`^(verify|hotline:(1922|nhia|county)|faq:q[1-9][0-9]*)$`)
)

// fileItem is the on-disk shape of one qN.toml file.
type fileItem struct {
	ID        string     `toml:"id"`
	FollowUps []string   `toml:"followups"`
	Synonyms  [][]string `toml:"synonyms"`
	ZhTW      *Text      `toml:"zh-TW"`
	En        *Text      `toml:"en"`
}

// fileOfftopic is the on-disk shape of offtopic.toml.
type fileOfftopic struct {
	ZhTW *struct {
		Examples []string `toml:"examples"`
	} `toml:"zh-TW"`
	En *struct {
		Examples []string `toml:"examples"`
	} `toml:"en"`
}

// Load reads every *.toml file at the root of fsys: one file per QA item and
// OfftopicFile. It checks that every item has both languages, a unique id,
// valid follow-ups and no empty field, and that every faq: follow-up points
// at an item that exists. Errors name the file and the field.
func Load(fsys fs.FS) (*Base, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("knowledge: list files: %w", err)
	}
	sort.Strings(names)
	b := &Base{byID: map[string]*Item{}, offtopic: map[Lang][]string{}}
	seenOfftopic := false
	fileOf := map[string]string{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("knowledge: read %s: %w", name, err)
		}
		if name == OfftopicFile {
			if err := b.loadOfftopic(name, raw); err != nil {
				return nil, err
			}
			seenOfftopic = true
			continue
		}
		it, err := loadItem(name, raw)
		if err != nil {
			return nil, err
		}
		if prev, dup := fileOf[it.ID]; dup {
			return nil, invalid(name, "id", "duplicate id %q (also in %s)", it.ID, prev)
		}
		fileOf[it.ID] = name
		b.items = append(b.items, it)
		b.byID[it.ID] = it
	}
	if len(b.items) == 0 {
		return nil, fmt.Errorf("knowledge: %w: no item files", ErrInvalid)
	}
	if !seenOfftopic {
		return nil, invalid(OfftopicFile, "", "file missing")
	}
	for _, it := range b.items {
		for i, f := range it.FollowUps {
			if id, ok := strings.CutPrefix(f, "faq:"); ok {
				if _, exists := b.byID[id]; !exists || id == it.ID {
					return nil, invalid(fileOf[it.ID], fmt.Sprintf("followups[%d]", i), "%q points at no other item", f)
				}
			}
		}
	}
	sort.Slice(b.items, func(i, j int) bool { return itemLess(b.items[i].ID, b.items[j].ID) })
	return b, nil
}

func itemLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func invalid(file, field, format string, args ...any) error {
	where := file
	if field != "" {
		where += ": field " + field
	}
	return fmt.Errorf("knowledge: %s: %w: %s", where, ErrInvalid, fmt.Sprintf(format, args...))
}

func decodeStrict(name string, raw []byte, v any) error {
	md, err := toml.Decode(string(raw), v)
	if err != nil {
		return fmt.Errorf("knowledge: %s: %w: %v", name, ErrInvalid, err)
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		return invalid(name, extra[0].String(), "unknown field")
	}
	return nil
}

func loadItem(name string, raw []byte) (*Item, error) {
	var f fileItem
	if err := decodeStrict(name, raw, &f); err != nil {
		return nil, err
	}
	if f.ID == "" {
		return nil, invalid(name, "id", "missing or empty")
	}
	if !itemIDPattern.MatchString(f.ID) {
		return nil, invalid(name, "id", "%q is not of the form qN", f.ID)
	}
	for i, fu := range f.FollowUps {
		if !followUpPattern.MatchString(fu) {
			return nil, invalid(name, fmt.Sprintf("followups[%d]", i), "unknown follow-up %q", fu)
		}
	}
	for i, g := range f.Synonyms {
		if len(g) < 2 {
			return nil, invalid(name, fmt.Sprintf("synonyms[%d]", i), "a group needs at least two terms")
		}
		for j, term := range g {
			if strings.TrimSpace(term) == "" {
				return nil, invalid(name, fmt.Sprintf("synonyms[%d][%d]", i, j), "empty term")
			}
		}
	}
	it := &Item{ID: f.ID, FollowUps: f.FollowUps, Synonyms: f.Synonyms, Text: map[Lang]Text{}}
	for _, lt := range []struct {
		lang Lang
		text *Text
	}{{ZhTW, f.ZhTW}, {En, f.En}} {
		if lt.text == nil {
			return nil, invalid(name, string(lt.lang), "language missing")
		}
		if err := checkText(name, lt.lang, *lt.text); err != nil {
			return nil, err
		}
		it.Text[lt.lang] = *lt.text
	}
	return it, nil
}

// MinExamples is how many example questions each item needs per language.
const MinExamples = 10

func checkText(name string, lang Lang, t Text) error {
	field := func(f string) string { return string(lang) + "." + f }
	if strings.TrimSpace(t.Title) == "" {
		return invalid(name, field("title"), "missing or empty")
	}
	if strings.TrimSpace(t.Answer) == "" {
		return invalid(name, field("answer"), "missing or empty")
	}
	if strings.TrimSpace(t.Spoken) == "" {
		return invalid(name, field("spoken"), "missing or empty")
	}
	if strings.Contains(t.Spoken, "http") || strings.ContainsAny(t.Spoken, "<>") {
		return invalid(name, field("spoken"), "a spoken answer holds no links or markup")
	}
	if strings.ContainsAny(t.Answer, "<>") {
		return invalid(name, field("answer"), "contains markup")
	}
	if len(t.Examples) < MinExamples {
		return invalid(name, field("examples"), "has %d examples, needs at least %d", len(t.Examples), MinExamples)
	}
	for i, ex := range t.Examples {
		if strings.TrimSpace(ex) == "" {
			return invalid(name, fmt.Sprintf("%s[%d]", field("examples"), i), "empty example")
		}
	}
	return nil
}

func (b *Base) loadOfftopic(name string, raw []byte) error {
	var f fileOfftopic
	if err := decodeStrict(name, raw, &f); err != nil {
		return err
	}
	for _, l := range []struct {
		lang Lang
		ex   *struct {
			Examples []string `toml:"examples"`
		}
	}{{ZhTW, f.ZhTW}, {En, f.En}} {
		if l.ex == nil || len(l.ex.Examples) == 0 {
			return invalid(name, string(l.lang)+".examples", "missing or empty")
		}
		for i, ex := range l.ex.Examples {
			if strings.TrimSpace(ex) == "" {
				return invalid(name, fmt.Sprintf("%s.examples[%d]", l.lang, i), "empty example")
			}
		}
		b.offtopic[l.lang] = l.ex.Examples
	}
	return nil
}
