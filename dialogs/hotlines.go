package dialogs

import (
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/vaxbot/vaxbot/knowledge"
	"golang.org/x/text/unicode/norm"
)

// Hotline ids.
const (
	Line1922   = "1922"
	LineNHIA   = "nhia"
	LineCounty = "county"
	// Line1955 is the Ministry of Labor's line, with interpreters in the
	// languages of Taiwan's migrant workers.
	Line1955 = "1955"
	// LineNIA is the National Immigration Agency's line for foreign
	// residents: a lost or changed ARC, not an NHI card.
	LineNIA = "nia"
)

// Hotline is a human line a person can be handed to.
type Hotline struct {
	ID           string          `toml:"id"`
	Number       string          `toml:"number"`
	Alternatives []string        `toml:"alternatives"`
	Source       string          `toml:"source"`
	Name         map[Lang]string `toml:"name"`
	Hours        map[Lang]string `toml:"hours"`
	// Dial is what a phone system dials (E.164) when Number is a short
	// code it cannot reach, such as 1922 from a telephony provider abroad;
	// "" means E164(Number).
	Dial string `toml:"dial"`
}

// County is one of the 22 cities and counties. Number is "" when no sourced
// number is configured; such a county routes to 1922.
type County struct {
	Code    string          `toml:"code"`
	Number  string          `toml:"number"`
	Source  string          `toml:"source"`
	Aliases []string        `toml:"aliases"`
	Name    map[Lang]string `toml:"name"`
	Hours   map[Lang]string `toml:"hours"`
	// Dial is as Hotline.Dial.
	Dial string `toml:"dial"`
}

// Directory is the hotline directory.
type Directory struct {
	lines    map[string]Hotline
	counties []County
	// names are every county's names and aliases, lower case, for CountyIn;
	// byFirst finds them by their first rune.
	names   []countyName
	byFirst map[rune][]int
	// firsts has the bit of firstBit(r) set for every rune r in byFirst:
	// most runes of a message start no name, and are passed over without
	// a map lookup.
	firsts [firstBits / 64]uint64
	// ambiguous are names that are a city and a county at once ("新竹").
	ambiguous []Ambiguous
}

// countyName is one way of writing a county, lower case.
type countyName struct {
	county int // index in counties
	name   string
}

// Ambiguous is a name shared by a city and a county: the person is asked
// which one they mean.
type Ambiguous struct {
	Names    []string `toml:"names"`
	Counties []string `toml:"counties"`
}

//go:embed data/hotlines.toml
var defaultHotlines []byte

// DefaultDirectory returns the shipped directory (checked by the tests).
func DefaultDirectory() (*Directory, error) {
	return ParseDirectory("hotlines.toml", defaultHotlines)
}

// withLangs adds the names, hours and aliases of the other languages
// (data/i18n/<lang>.toml) to the parsed lines and counties, where the file
// being read has none of its own.
func withLangs(lines []Hotline, counties []County) error {
	files, err := loadLangFiles()
	if err != nil {
		return err
	}
	for lang, f := range files {
		for i := range lines {
			l := &lines[i]
			if t, ok := f.Lines[l.ID]; ok {
				setIfEmpty(&l.Name, lang, t.Name)
				setIfEmpty(&l.Hours, lang, t.Hours)
			}
		}
		for i := range counties {
			c := &counties[i]
			if t, ok := f.Counties[c.Code]; ok {
				setIfEmpty(&c.Name, lang, t.Name)
				if c.Number != "" {
					setIfEmpty(&c.Hours, lang, t.Hours)
				}
				c.Aliases = append(c.Aliases, t.Aliases...)
			}
		}
	}
	return nil
}

func setIfEmpty(m *map[Lang]string, lang Lang, text string) {
	if *m == nil {
		*m = map[Lang]string{}
	}
	if (*m)[lang] == "" && text != "" {
		(*m)[lang] = text
	}
}

// LoadDirectory reads a directory file that replaces the shipped one.
func LoadDirectory(path string) (*Directory, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dialogs: hotlines: %w", err)
	}
	return ParseDirectory(path, raw)
}

var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9-]{2,18}[0-9]$`)

// e164Pattern is an international number: + and 8 to 15 digits, dashes
// allowed between them.
var e164Pattern = regexp.MustCompile(`^\+[0-9](-?[0-9]){7,14}$`)

// E164 is a Taiwan phone number in international form (+886…) for a
// phone system to dial: a number in international form stays as it is
// (without dashes), a national one (0…) loses its 0 behind +886, and a
// short code (1922, 1999, 4128-678) has none: "".
func E164(number string) string {
	digits := Dialable(number)
	switch {
	case strings.HasPrefix(digits, "+"):
		return digits
	case strings.HasPrefix(digits, "0") && len(digits) >= 9:
		return "+886" + digits[1:]
	}
	return ""
}

// Dialable is a number as a phone system takes it: its digits and a
// leading +, without dashes or spaces.
func Dialable(number string) string {
	return strings.Map(func(r rune) rune {
		if r == '+' || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, number)
}

// dialNumber is the number a phone system dials for an entry.
func dialNumber(dial, number string) string {
	if dial != "" {
		return E164(dial)
	}
	return E164(number)
}

// ParseDirectory parses and checks a directory file: both national lines,
// every county with names and, where a number is set, its hours and source,
// in both languages. name is used in errors.
func ParseDirectory(name string, raw []byte) (*Directory, error) {
	var f struct {
		Line      []Hotline   `toml:"line"`
		County    []County    `toml:"county"`
		Ambiguous []Ambiguous `toml:"ambiguous"`
	}
	md, err := toml.Decode(string(raw), &f)
	if err != nil {
		return nil, fmt.Errorf("dialogs: %s: %w", name, err)
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		return nil, fmt.Errorf("dialogs: %s: unknown field %s", name, extra[0])
	}
	if err := withLangs(f.Line, f.County); err != nil {
		return nil, err
	}
	d := &Directory{lines: map[string]Hotline{}}
	bad := func(where, format string, args ...any) error {
		return fmt.Errorf("dialogs: %s: %s: %s", name, where, fmt.Sprintf(format, args...))
	}
	for i, l := range f.Line {
		where := fmt.Sprintf("line[%d]", i)
		if l.ID != Line1922 && l.ID != LineNHIA && l.ID != Line1955 && l.ID != LineNIA {
			return nil, bad(where, "id %q is not 1922, nhia, 1955 or nia", l.ID)
		}
		if _, dup := d.lines[l.ID]; dup {
			return nil, bad(where, "duplicate line %q", l.ID)
		}
		if !phonePattern.MatchString(l.Number) || l.Source == "" {
			return nil, bad(where, "needs a phone number and its source")
		}
		if l.Dial != "" && !e164Pattern.MatchString(l.Dial) {
			return nil, bad(where, "dial %q is not an international number (+886…)", l.Dial)
		}
		if err := bothLangs(l.Name, l.Hours); err != nil {
			return nil, bad(where, "%v", err)
		}
		d.lines[l.ID] = l
	}
	for _, id := range []string{Line1922, LineNHIA} {
		if _, ok := d.lines[id]; !ok {
			return nil, bad("line", "line %q missing", id)
		}
	}
	codes := map[string]bool{}
	for i, c := range f.County {
		where := fmt.Sprintf("county[%d]", i)
		if c.Code == "" || codes[c.Code] {
			return nil, bad(where, "missing or duplicate code %q", c.Code)
		}
		codes[c.Code] = true
		if err := bothLangs(c.Name); err != nil {
			return nil, bad(where, "%v", err)
		}
		if c.Number != "" {
			if !phonePattern.MatchString(c.Number) || c.Source == "" {
				return nil, bad(where, "a configured number needs a valid form and a source")
			}
			if c.Dial != "" && !e164Pattern.MatchString(c.Dial) {
				return nil, bad(where, "dial %q is not an international number (+886…)", c.Dial)
			}
			if err := bothLangs(c.Hours); err != nil {
				return nil, bad(where, "%v", err)
			}
		}
		d.counties = append(d.counties, c)
	}
	if len(d.counties) != 22 {
		return nil, bad("county", "has %d entries, want the 22 cities and counties", len(d.counties))
	}
	for i, a := range f.Ambiguous {
		where := fmt.Sprintf("ambiguous[%d]", i)
		if len(a.Names) == 0 || len(a.Counties) < 2 {
			return nil, bad(where, "needs names and at least two counties")
		}
		for _, code := range a.Counties {
			if !codes[code] {
				return nil, bad(where, "unknown county %q", code)
			}
		}
		for i, n := range a.Names {
			a.Names[i] = strings.ToLower(n)
		}
		d.ambiguous = append(d.ambiguous, a)
	}
	for i, co := range d.counties {
		for _, n := range co.Name {
			d.names = append(d.names, countyName{i, strings.ToLower(n)})
		}
		for _, n := range co.Aliases {
			d.names = append(d.names, countyName{i, strings.ToLower(n)})
		}
	}
	d.byFirst = map[rune][]int{}
	for i, cn := range d.names {
		if r, _ := utf8.DecodeRuneInString(cn.name); len(cn.name) >= 2 {
			d.byFirst[r] = append(d.byFirst[r], i)
			b := firstBit(r)
			d.firsts[b/64] |= 1 << (b % 64)
		}
	}
	return d, nil
}

// firstBits is the size of Directory.firsts, in bits.
const firstBits = 4096

// firstBit is r's bit in Directory.firsts (runes share bits; a set bit
// only says a name may start there).
func firstBit(r rune) uint32 { return uint32(r) % firstBits }

func bothLangs(maps ...map[Lang]string) error {
	for _, m := range maps {
		for _, lang := range knowledge.Langs {
			if strings.TrimSpace(m[lang]) == "" {
				return fmt.Errorf("text in %s missing", lang)
			}
		}
		if len(m) != len(knowledge.Langs) {
			return fmt.Errorf("unknown language among %v", m)
		}
	}
	return nil
}

// Line returns the national line with the given id (Line1922, LineNHIA,
// or Line1955 or LineNIA when the directory has them: see HasLine).
func (d *Directory) Line(id string) Hotline { return d.lines[id] }

// HasLine reports whether the directory has the line id (1922 and the
// NHIA's always; 1955 and the NIA's when configured).
func (d *Directory) HasLine(id string) bool {
	_, ok := d.lines[id]
	return ok
}

// Counties returns the counties in directory order.
func (d *Directory) Counties() []County { return append([]County(nil), d.counties...) }

// County returns the county with the given code.
func (d *Directory) County(code string) (County, bool) {
	for _, c := range d.counties {
		if c.Code == code {
			return c, true
		}
	}
	return County{}, false
}

// FindCounty matches what a person typed ("台北", "Taipei City", "臺北市")
// to a county. Only an exact name or alias counts, so "新竹" (city or
// county?) does not guess.
func (d *Directory) FindCounty(text string) (County, bool) {
	t := strings.ToLower(strings.TrimSpace(norm.NFKC.String(text)))
	t = strings.Trim(t, " .。!！?？")
	if t == "" {
		return County{}, false
	}
	for _, c := range d.counties {
		if strings.EqualFold(t, c.Code) {
			return c, true
		}
		for _, n := range c.Name {
			if t == strings.ToLower(n) {
				return c, true
			}
		}
		for _, a := range c.Aliases {
			if t == strings.ToLower(a) {
				return c, true
			}
		}
	}
	return County{}, false
}

// CountyIn finds the county a message names anywhere in it ("我住台中，
// …"): the longest name or alias it holds. A name shared by a city and a
// county ("新竹") gives their counties as candidates instead; neither is
// set when the message names none, or names two different places.
func (d *Directory) CountyIn(text string) (c County, candidates []County) {
	return d.countyIn(lowerNFKC(text))
}

// lowerNFKC is text in NFKC, in lower case: how CountyIn and foldRequest
// read a message, which a turn computes once for both (the knowledge
// index's, which skips the work for text it would not change).
func lowerNFKC(text string) string { return knowledge.NFKCLower(text) }

// countyIn is CountyIn of a text already in lowerNFKC.
func (d *Directory) countyIn(t string) (c County, candidates []County) {
	best, bestLen := -1, 0
	for i, r := range t {
		if b := firstBit(r); d.firsts[b/64]&(1<<(b%64)) == 0 {
			continue
		}
		for _, k := range d.byFirst[r] {
			cn := d.names[k]
			if len(cn.name) < bestLen || !strings.HasPrefix(t[i:], cn.name) || !wordAt(t, i, cn.name) {
				continue
			}
			switch {
			case len(cn.name) > bestLen:
				best, bestLen = cn.county, len(cn.name)
			case best != cn.county:
				best = -2 // two places named alike: do not guess
			}
		}
	}
	if best >= 0 {
		return d.counties[best], nil
	}
	for _, a := range d.ambiguous {
		for _, n := range a.Names {
			if containsName(t, n) {
				for _, code := range a.Counties {
					if co, ok := d.County(code); ok {
						candidates = append(candidates, co)
					}
				}
				return County{}, candidates
			}
		}
	}
	return County{}, nil
}

// containsName reports whether text holds name as a name (wordAt).
func containsName(text, name string) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], name)
		if i < 0 {
			return false
		}
		if wordAt(text, off+i, name) {
			return true
		}
		off += i + 1
	}
}

func isASCIILetterName(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isASCIIWordByte(b byte) bool {
	return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
}

// wordAt reports whether name, found at i in text, stands as a name there:
// anywhere for Chinese, as whole words for Latin names.
func wordAt(text string, i int, name string) bool {
	if !isASCIILetterName(name) {
		return true
	}
	before := i == 0 || !isASCIIWordByte(text[i-1])
	after := i+len(name) == len(text) || !isASCIIWordByte(text[i+len(name)])
	return before && after
}
