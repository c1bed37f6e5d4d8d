package knowledge

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Lang is a language of the knowledge base, as a BCP 47 tag.
type Lang string

// The languages of the knowledge base. zh-TW and English are written in
// the item files themselves; the others come from data/i18n/<lang>.toml.
const (
	ZhTW Lang = "zh-TW"
	En   Lang = "en"
	// Vi is Vietnamese.
	Vi Lang = "vi"
	// Id is Indonesian (the language code "id", not an identifier).
	Id Lang = "id"
	// Th is Thai.
	Th Lang = "th"
	// Tl is Filipino (Tagalog), code "tl"; speech services call it fil-PH.
	Tl Lang = "tl"
)

// Langs lists the languages every loader of the project requires (the
// knowledge base here, the words and hotlines of dialogs/), in display
// order: all of AllLangs, since every translation is in data/i18n.
var Langs = []Lang{ZhTW, En, Vi, Id, Th, Tl}

// AllLangs lists every language the knowledge base can load, in display
// order. LoadLangs and DefaultLangs load any of them.
var AllLangs = []Lang{ZhTW, En, Vi, Id, Th, Tl}

// langNames maps what people and platforms call a language, lower case,
// to the Lang: codes with their regions, English names and each
// language's own name.
var langNames = map[string]Lang{
	"vi": Vi, "vie": Vi, "vietnamese": Vi, "tiếng việt": Vi, "tieng viet": Vi, "việt": Vi, "越南語": Vi, "越南语": Vi, "越南文": Vi,
	"id": Id, "in": Id, "ind": Id, "indonesian": Id, "indonesia": Id, "bahasa": Id, "bahasa indonesia": Id, "印尼語": Id, "印尼语": Id, "印尼文": Id,
	"th": Th, "tha": Th, "thai": Th, "ภาษาไทย": Th, "ไทย": Th, "泰語": Th, "泰语": Th, "泰文": Th,
	"tl": Tl, "tgl": Tl, "fil": Tl, "tagalog": Tl, "filipino": Tl, "pilipino": Tl, "wikang filipino": Tl, "wikang tagalog": Tl, "菲律賓語": Tl, "菲律宾语": Tl, "他加祿語": Tl,
}

// ParseLang maps what a person or a platform says about a language
// ("zh-TW", "zh", "中文", "en-US", "English", "vi-VN", "in", "fil-PH",
// "Bahasa Indonesia", "ภาษาไทย") to a Lang of AllLangs. ok is false when
// the text names none of them. A region or script after the code
// ("vi-VN", "id_ID", "fil-PH") does not matter.
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
	if l, ok := langNames[t]; ok {
		return l, true
	}
	if code, _, cut := strings.Cut(strings.ReplaceAll(t, "_", "-"), "-"); cut {
		if l, ok := langNames[code]; ok && len(code) <= 3 {
			return l, true
		}
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
	// Synonyms are groups of interchangeable terms of this language, on
	// top of the item's own (from data/i18n; empty for zh-TW and English,
	// whose groups are the item's Synonyms).
	Synonyms [][]string `toml:"-"`
	// Reviewed says how this translation was checked: ReviewBackTranslation
	// for the languages of data/i18n; empty for zh-TW, the QA's own
	// language, and for English, written alongside it.
	Reviewed string `toml:"-"`
}

// ReviewBackTranslation is the check every translation of data/i18n has
// had: a second, independent pass translated it back to English and
// compared its meaning, item by item, with the QA. It is not a native
// speaker's review.
const ReviewBackTranslation = "back-translation"

// Item is one QA item.
type Item struct {
	// ID is the stable id "q1"…"q9", the seed's item number.
	ID string
	// FollowUps are what the dialogs may offer after the answer:
	// "verify", "hotline:1922", "hotline:nhia", "hotline:county" or "faq:qN".
	FollowUps []string
	// Synonyms are groups of interchangeable terms, in any language; each
	// translation may add groups of its own (Text.Synonyms).
	Synonyms [][]string
	// Text holds the wording in each language of the Base.
	Text map[Lang]Text
}

// Title returns the item's short title in lang (zh-TW when lang is unknown).
func (it *Item) Title(lang Lang) string { return it.text(lang).Title }

// Answer returns the item's full answer in lang (zh-TW when lang is unknown).
func (it *Item) Answer(lang Lang) string { return it.text(lang).Answer }

func (it *Item) text(lang Lang) Text { return textIn(it.Text, lang) }

// Spoken returns the item's answer for the ear in lang (zh-TW when lang is
// unknown).
func (it *Item) Spoken(lang Lang) string { return it.text(lang).Spoken }

// NearTopic is a neighbouring question that is not a QA item (the second
// dose, vaccine brands, a lost ARC…): the index recognises it so that it
// never answers it with a QA item, and its answer is a short referral to
// the line that knows (1922, the NHIA line, the National Immigration
// Agency), with no fact beyond shared/domain.md and the QA.
type NearTopic struct {
	// ID is the stable id "n_…" (for example "n_dose_timing").
	ID string
	// FollowUps are what the dialogs may offer after the referral, in the
	// form of Item.FollowUps.
	FollowUps []string
	// Synonyms are groups of interchangeable terms, in any language; each
	// translation may add groups of its own (Text.Synonyms).
	Synonyms [][]string
	// Yields: a question about this topic at the end of a message about a
	// QA item is about the item ("… my ID number is a duplicate. How do I
	// register?"): the topic is what every item is about in general.
	Yields bool
	// Text holds the wording in each language of the Base: a title, the
	// referral as Answer and Spoken, and example questions.
	Text map[Lang]Text
}

// Title returns the topic's short title in lang (zh-TW when lang is unknown).
func (n *NearTopic) Title(lang Lang) string { return textIn(n.Text, lang).Title }

// Answer returns the topic's referral in lang (zh-TW when lang is unknown).
func (n *NearTopic) Answer(lang Lang) string { return textIn(n.Text, lang).Answer }

// Spoken returns the topic's referral for the ear in lang (zh-TW when lang
// is unknown).
func (n *NearTopic) Spoken(lang Lang) string { return textIn(n.Text, lang).Spoken }

func textIn(m map[Lang]Text, lang Lang) Text {
	if t, ok := m[lang]; ok {
		return t
	}
	return m[ZhTW]
}

// Phrases are the few sentences said around a match that are neither an
// item nor a topic (phrases.toml): for callers such as "vaxbot ask" that
// have no words of their own.
type Phrases struct {
	// NoMatch is said when nothing fits.
	NoMatch string `toml:"no_match"`
	// DidYouMean introduces the items offered when the match is unsure.
	DidYouMean string `toml:"did_you_mean"`
	// SeeAlso introduces the closest item offered when no item fits.
	SeeAlso string `toml:"see_also"`
}

// Base is the validated set of QA items, near-domain topics, off-topic
// examples and phrases.
type Base struct {
	langs    []Lang
	items    []*Item
	byID     map[string]*Item
	near     []*NearTopic
	nearByID map[string]*NearTopic
	offtopic map[Lang][]string
	phrases  map[Lang]Phrases
}

// Langs returns the languages the base was loaded with, in display order:
// every item, topic, off-topic list and phrase set has each of them.
func (b *Base) Langs() []Lang { return slices.Clone(b.langs) }

// Items returns the items in id order (q1…q9).
func (b *Base) Items() []*Item { return slices.Clone(b.items) }

// Item returns the item with the given id.
func (b *Base) Item(id string) (*Item, bool) {
	it, ok := b.byID[id]
	return it, ok
}

// Offtopic returns the examples of questions that are not QA items.
func (b *Base) Offtopic(lang Lang) []string { return slices.Clone(b.offtopic[lang]) }

// NearTopics returns the near-domain topics in id order.
func (b *Base) NearTopics() []*NearTopic { return slices.Clone(b.near) }

// Near returns the near-domain topic with the given id.
func (b *Base) Near(id string) (*NearTopic, bool) {
	n, ok := b.nearByID[id]
	return n, ok
}

// Phrases returns the phrases in lang (zh-TW when lang is unknown).
func (b *Base) Phrases(lang Lang) Phrases {
	if p, ok := b.phrases[lang]; ok {
		return p
	}
	return b.phrases[ZhTW]
}

// embedded holds data/: the item, topic, off-topic and phrase files, and
// the translations in data/i18n (embedded whole, so that a build works
// before the first translation file exists).
//
//go:embed data
var embedded embed.FS

// Default loads the embedded knowledge base in Langs. The embedded files
// are checked by the package's tests, so an error here means a broken
// build.
func Default() (*Base, error) { return DefaultLangs(Langs) }

// DefaultLangs loads the embedded knowledge base in langs (see LoadLangs).
func DefaultLangs(langs []Lang) (*Base, error) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, fmt.Errorf("knowledge: embedded data: %w", err)
	}
	return LoadLangs(sub, langs)
}

// ErrInvalid is wrapped by every validation error that Load returns.
var ErrInvalid = errors.New("invalid knowledge file")

// OfftopicFile is the name of the file that holds off-topic examples.
const OfftopicFile = "offtopic.toml"

// PhrasesFile is the name of the file that holds the Phrases.
const PhrasesFile = "phrases.toml"

// I18nDir is the directory of the translations: I18nDir/<lang>.toml holds
// every item and topic, the off-topic examples and the phrases of one
// language other than zh-TW and English.
const I18nDir = "i18n"

// NearPrefix starts the name of every near-domain topic's file and id
// ("n_dose_timing.toml", id "n_dose_timing").
const NearPrefix = "n_"

var (
	itemIDPattern   = regexp.MustCompile(`^q[1-9][0-9]*$`)
	nearIDPattern   = regexp.MustCompile(`^n_[a-z][a-z0-9_]*$`)
	followUpPattern = regexp.MustCompile(`^(verify|hotline:(1922|nhia|county)|faq:q[1-9][0-9]*)$`)
)

// fileItem is the on-disk shape of one qN.toml or n_*.toml file.
type fileItem struct {
	ID        string     `toml:"id"`
	FollowUps []string   `toml:"followups"`
	Synonyms  [][]string `toml:"synonyms"`
	Yields    *bool      `toml:"yields"` // near-domain topics only
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

// Load reads the knowledge base of fsys in Langs (see LoadLangs).
func Load(fsys fs.FS) (*Base, error) { return LoadLangs(fsys, Langs) }

// LoadLangs reads every *.toml file at the root of fsys: one file per QA
// item, one per near-domain topic (named NearPrefix…), OfftopicFile and
// PhrasesFile, all in zh-TW and English; then, for every other language of
// langs, its translation I18nDir/<lang>.toml (see loadI18n). langs must
// hold zh-TW and English and may hold any other language of AllLangs; the
// translations of the languages it does not name are not read.
//
// It checks that every item and topic has every language, a unique id,
// valid follow-ups and no empty field, that every faq: follow-up points at
// an item that exists, and that no file holds an unknown field. Errors
// name the file and the field.
func LoadLangs(fsys fs.FS, langs []Lang) (*Base, error) {
	return loadLangs(fsys, langs, loadOptions{})
}

// loadOptions relax LoadLangs for measuring drafts in tests.
type loadOptions struct {
	// drafts accepts translations without the reviewed mark.
	drafts bool
}

func loadLangs(fsys fs.FS, langs []Lang, opt loadOptions) (*Base, error) {
	if err := checkLangs(langs); err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("knowledge: list files: %w", err)
	}
	sort.Strings(names)
	b := &Base{langs: slices.Clone(langs), byID: map[string]*Item{}, nearByID: map[string]*NearTopic{}, offtopic: map[Lang][]string{}}
	seenOfftopic, seenPhrases := false, false
	fileOf := map[string]string{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("knowledge: read %s: %w", name, err)
		}
		switch {
		case name == OfftopicFile:
			if err := b.loadOfftopic(name, raw); err != nil {
				return nil, err
			}
			seenOfftopic = true
			continue
		case name == PhrasesFile:
			if err := b.loadPhrases(name, raw); err != nil {
				return nil, err
			}
			seenPhrases = true
			continue
		case strings.HasPrefix(name, NearPrefix):
			n, err := loadNear(name, raw)
			if err != nil {
				return nil, err
			}
			if prev, dup := fileOf[n.ID]; dup {
				return nil, invalid(name, "id", "duplicate id %q (also in %s)", n.ID, prev)
			}
			fileOf[n.ID] = name
			b.near = append(b.near, n)
			b.nearByID[n.ID] = n
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
	if !seenPhrases {
		return nil, invalid(PhrasesFile, "", "file missing")
	}
	checkFAQ := func(owner string, followUps []string) error {
		for i, f := range followUps {
			if id, ok := strings.CutPrefix(f, "faq:"); ok {
				if _, exists := b.byID[id]; !exists || id == owner {
					return invalid(fileOf[owner], fmt.Sprintf("followups[%d]", i), "%q points at no other item", f)
				}
			}
		}
		return nil
	}
	for _, it := range b.items {
		if err := checkFAQ(it.ID, it.FollowUps); err != nil {
			return nil, err
		}
	}
	for _, n := range b.near {
		if err := checkFAQ(n.ID, n.FollowUps); err != nil {
			return nil, err
		}
	}
	sort.Slice(b.items, func(i, j int) bool { return itemLess(b.items[i].ID, b.items[j].ID) })
	sort.Slice(b.near, func(i, j int) bool { return b.near[i].ID < b.near[j].ID })
	for _, lang := range langs {
		if lang == ZhTW || lang == En {
			continue
		}
		name := path.Join(I18nDir, string(lang)+".toml")
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, invalid(name, "", "file missing: the %s translation", lang)
			}
			return nil, fmt.Errorf("knowledge: read %s: %w", name, err)
		}
		if err := b.loadI18n(lang, name, raw, opt); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// checkLangs checks the languages asked of LoadLangs.
func checkLangs(langs []Lang) error {
	if !slices.Contains(langs, ZhTW) || !slices.Contains(langs, En) {
		return fmt.Errorf("knowledge: languages %q: zh-TW and en are required (the item files hold them)", langs)
	}
	for i, l := range langs {
		if !slices.Contains(AllLangs, l) {
			return fmt.Errorf("knowledge: unknown language %q", l)
		}
		if slices.Contains(langs[:i], l) {
			return fmt.Errorf("knowledge: language %q listed twice", l)
		}
	}
	return nil
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
	f, text, err := loadEntry(name, raw, itemIDPattern, "qN")
	if err != nil {
		return nil, err
	}
	if f.Yields != nil {
		return nil, invalid(name, "yields", "only a near-domain topic yields")
	}
	return &Item{ID: f.ID, FollowUps: f.FollowUps, Synonyms: f.Synonyms, Text: text}, nil
}

func loadNear(name string, raw []byte) (*NearTopic, error) {
	f, text, err := loadEntry(name, raw, nearIDPattern, NearPrefix+"…")
	if err != nil {
		return nil, err
	}
	return &NearTopic{ID: f.ID, FollowUps: f.FollowUps, Synonyms: f.Synonyms, Yields: f.Yields != nil && *f.Yields, Text: text}, nil
}

// loadEntry decodes and checks one item or near-domain topic file: both
// share the shape of fileItem.
func loadEntry(name string, raw []byte, idPattern *regexp.Regexp, idForm string) (fileItem, map[Lang]Text, error) {
	var f fileItem
	if err := decodeStrict(name, raw, &f); err != nil {
		return f, nil, err
	}
	if f.ID == "" {
		return f, nil, invalid(name, "id", "missing or empty")
	}
	if !idPattern.MatchString(f.ID) {
		return f, nil, invalid(name, "id", "%q is not of the form %s", f.ID, idForm)
	}
	for i, fu := range f.FollowUps {
		if !followUpPattern.MatchString(fu) {
			return f, nil, invalid(name, fmt.Sprintf("followups[%d]", i), "unknown follow-up %q", fu)
		}
	}
	if err := checkSynonyms(name, "synonyms", f.Synonyms); err != nil {
		return f, nil, err
	}
	text := map[Lang]Text{}
	for _, lt := range []struct {
		lang Lang
		text *Text
	}{{ZhTW, f.ZhTW}, {En, f.En}} {
		if lt.text == nil {
			return f, nil, invalid(name, string(lt.lang), "language missing")
		}
		if err := checkText(name, string(lt.lang), *lt.text, MinExamples); err != nil {
			return f, nil, err
		}
		text[lt.lang] = *lt.text
	}
	return f, text, nil
}

// checkSynonyms checks synonym groups: at least two terms each, none empty.
func checkSynonyms(name, field string, groups [][]string) error {
	for i, g := range groups {
		if len(g) < 2 {
			return invalid(name, fmt.Sprintf("%s[%d]", field, i), "a group needs at least two terms")
		}
		for j, term := range g {
			if strings.TrimSpace(term) == "" {
				return invalid(name, fmt.Sprintf("%s[%d][%d]", field, i, j), "empty term")
			}
		}
	}
	return nil
}

// MinExamples is how many example questions each item and near-domain
// topic needs per language.
const MinExamples = 10

// MinTranslatedItemExamples is how many example questions each item needs
// in a language of data/i18n (issue 12: at least 15 per item per language).
const MinTranslatedItemExamples = 15

// checkText checks one language's wording; prefix starts the names of its
// fields in errors ("en" for en.title, "q1" for q1.title).
func checkText(name, prefix string, t Text, minExamples int) error {
	field := func(f string) string { return prefix + "." + f }
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
	if len(t.Examples) < minExamples {
		return invalid(name, field("examples"), "has %d examples, needs at least %d", len(t.Examples), minExamples)
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

// filePhrases is the on-disk shape of phrases.toml.
type filePhrases struct {
	ZhTW *Phrases `toml:"zh-TW"`
	En   *Phrases `toml:"en"`
}

func (b *Base) loadPhrases(name string, raw []byte) error {
	var f filePhrases
	if err := decodeStrict(name, raw, &f); err != nil {
		return err
	}
	b.phrases = map[Lang]Phrases{}
	for _, l := range []struct {
		lang Lang
		p    *Phrases
	}{{ZhTW, f.ZhTW}, {En, f.En}} {
		if l.p == nil {
			return invalid(name, string(l.lang), "language missing")
		}
		if err := checkPhrases(name, string(l.lang), *l.p); err != nil {
			return err
		}
		b.phrases[l.lang] = *l.p
	}
	return nil
}

// checkPhrases checks that no phrase is empty; prefix starts the names of
// the fields in errors.
func checkPhrases(name, prefix string, p Phrases) error {
	for _, fv := range []struct{ field, v string }{{"no_match", p.NoMatch}, {"did_you_mean", p.DidYouMean}, {"see_also", p.SeeAlso}} {
		if strings.TrimSpace(fv.v) == "" {
			return invalid(name, prefix+"."+fv.field, "missing or empty")
		}
	}
	return nil
}
