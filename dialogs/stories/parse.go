package stories

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Story is one conversation test.
type Story struct {
	// ID names the story; it is unique across the files loaded together.
	ID string
	// Classes are the failure classes of issue 11 the story tests (1–9),
	// or 0 for a plain happy path.
	Classes []int
	// Lang is the language the person writes in: "zh-TW", "en" or "mixed".
	Lang string
	// Title says what the story is about.
	Title string
	// File and Line are where the story's header is.
	File string
	Line int
	// Turns are what the person does, in order, each with its checks.
	Turns []Turn
}

// Kind is what a turn does.
type Kind string

// The kinds of turn.
const (
	KindText    Kind = "text"    // typed text
	KindTap     Kind = "tap"     // a tap on one of the last turn's choices
	KindPayload Kind = "payload" // a raw payload
	KindEvent   Kind = "event"   // follow, start, unsupported
	KindHint    Kind = "hint"    // the platform's language hint changes; nothing is sent
)

// Turn is one thing the person does and the checks on what the bot says.
type Turn struct {
	Line int
	Kind Kind
	// Value is the text, the payload, the event, the language of a hint,
	// or the label of a tap (alternatives in Alts).
	Value string
	// Alts are a tap's label alternatives.
	Alts   []string
	Checks []Check
}

// CheckKind is what a check asserts.
type CheckKind string

// The kinds of check.
const (
	CheckMust    CheckKind = "must"    // one of Alts appears
	CheckNot     CheckKind = "not"     // none of Alts appears
	CheckChoice  CheckKind = "choice"  // a choice's label contains one of Alts
	CheckHandoff CheckKind = "handoff" // a handoff to one of Alts ("none": no handoff)
	CheckLang    CheckKind = "lang"    // every reply is in Alts[0]
	CheckReply   CheckKind = "reply"   // there is a reply
)

// Check is one assertion on a turn's output.
type Check struct {
	Line int
	Kind CheckKind
	Alts []string
}

// Events a story may send.
var storyEvents = map[string]bool{"follow": true, "start": true, "unsupported": true}

// Classes a story may name: 0 (a happy path) and the 1–9.
const maxClass = 9

var (
	headerRe = regexp.MustCompile(`^story\s+([A-Za-z0-9][A-Za-z0-9._-]*)\s+\[([^\]]*)\]\s+(\S+)\s*:\s*(\S.*)$`)
	langs    = map[string]bool{"zh-TW": true, "en": true, "mixed": true}
)

// Parse reads the stories of one file; name is used in errors and in each
// story's File. An error names the file and line.
func Parse(name string, r io.Reader) ([]*Story, error) {
	var out []*Story
	var cur *Story
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, n, fmt.Sprintf(format, args...))
	}
	finish := func() error {
		if cur != nil && len(cur.Turns) == 0 {
			return fmt.Errorf("%s:%d: story %s has no turns", name, cur.Line, cur.ID)
		}
		return nil
	}
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "story ") || line == "story":
			if err := finish(); err != nil {
				return nil, err
			}
			s, err := parseHeader(line)
			if err != nil {
				return nil, fail("%v", err)
			}
			s.File, s.Line = name, n
			out = append(out, s)
			cur = s
		case strings.HasPrefix(line, ">"):
			if cur == nil {
				return nil, fail("a turn before the first story header")
			}
			t, err := parseTurn(strings.TrimSpace(line[1:]))
			if err != nil {
				return nil, fail("%v", err)
			}
			t.Line = n
			cur.Turns = append(cur.Turns, t)
		case strings.HasPrefix(line, "<"):
			if cur == nil || len(cur.Turns) == 0 {
				return nil, fail("a check before the first turn")
			}
			c, err := parseCheck(strings.TrimSpace(line[1:]))
			if err != nil {
				return nil, fail("%v", err)
			}
			c.Line = n
			t := &cur.Turns[len(cur.Turns)-1]
			if t.Kind == KindHint {
				return nil, fail("a check after a hint, which sends nothing")
			}
			t.Checks = append(t.Checks, c)
		default:
			return nil, fail("not a story header, turn (>), check (<) or comment (#): %q", clip(line, 40))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return out, nil
}

func parseHeader(line string) (*Story, error) {
	m := headerRe.FindStringSubmatch(line)
	if m == nil {
		return nil, fmt.Errorf("a story header is: story ID [CLASSES] LANG: TITLE")
	}
	s := &Story{ID: m[1], Lang: m[3], Title: strings.TrimSpace(m[4])}
	if !langs[s.Lang] {
		return nil, fmt.Errorf("language %q: want zh-TW, en or mixed", s.Lang)
	}
	seen := map[int]bool{}
	for f := range strings.SplitSeq(m[2], ",") {
		f = strings.TrimSpace(f)
		c, err := strconv.Atoi(f)
		if err != nil || c < 0 || c > maxClass {
			return nil, fmt.Errorf("class %q: want a number from 0 to %d", f, maxClass)
		}
		if seen[c] {
			return nil, fmt.Errorf("class %d named twice", c)
		}
		seen[c] = true
		s.Classes = append(s.Classes, c)
	}
	return s, nil
}

func parseTurn(v string) (Turn, error) {
	switch {
	case v == "":
		return Turn{}, fmt.Errorf("an empty turn: write the text after >")
	case strings.HasPrefix(v, "tap:"):
		alts, err := alternatives(strings.TrimPrefix(v, "tap:"))
		if err != nil {
			return Turn{}, fmt.Errorf("tap: %v", err)
		}
		return Turn{Kind: KindTap, Value: strings.Join(alts, "|"), Alts: alts}, nil
	case strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]"):
		p := strings.TrimSpace(v[1 : len(v)-1])
		if p == "" {
			return Turn{}, fmt.Errorf("an empty payload")
		}
		return Turn{Kind: KindPayload, Value: p}, nil
	case strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")"):
		f := strings.Fields(v[1 : len(v)-1])
		switch {
		case len(f) == 1 && storyEvents[f[0]]:
			return Turn{Kind: KindEvent, Value: f[0]}, nil
		case len(f) == 2 && f[0] == "hint" && (f[1] == "en" || f[1] == "zh-TW"):
			return Turn{Kind: KindHint, Value: f[1]}, nil
		}
		return Turn{}, fmt.Errorf("unknown event %q: want (follow), (start), (unsupported) or (hint en|zh-TW)", v)
	}
	return Turn{Kind: KindText, Value: v}, nil
}

func parseCheck(v string) (Check, error) {
	if v == string(CheckReply) {
		return Check{Kind: CheckReply}, nil
	}
	kind, arg, ok := strings.Cut(v, ":")
	if !ok {
		return Check{}, fmt.Errorf("a check is must:, not:, choice:, handoff:, lang: or reply, got %q", clip(v, 40))
	}
	c := Check{Kind: CheckKind(strings.TrimSpace(kind))}
	alts, err := alternatives(arg)
	if err != nil {
		return Check{}, fmt.Errorf("%s: %v", c.Kind, err)
	}
	c.Alts = alts
	switch c.Kind {
	case CheckMust, CheckNot, CheckChoice:
	case CheckHandoff:
		for _, a := range alts {
			if a != "1922" && a != "nhia" && a != "county" && a != "none" {
				return Check{}, fmt.Errorf("handoff %q: want 1922, nhia, county or none", a)
			}
			if a == "none" && len(alts) > 1 {
				return Check{}, fmt.Errorf("handoff: none cannot have alternatives")
			}
		}
	case CheckLang:
		if len(alts) != 1 || (alts[0] != "en" && alts[0] != "zh-TW") {
			return Check{}, fmt.Errorf("lang: want en or zh-TW")
		}
	default:
		return Check{}, fmt.Errorf("unknown check %q: want must, not, choice, handoff, lang or reply", c.Kind)
	}
	return c, nil
}

// alternatives splits "a|b" and refuses empty alternatives.
func alternatives(s string) ([]string, error) {
	var out []string
	for a := range strings.SplitSeq(s, "|") {
		a = strings.TrimSpace(a)
		if a == "" || a == "*" {
			return nil, fmt.Errorf("an empty alternative in %q", strings.TrimSpace(s))
		}
		out = append(out, a)
	}
	return out, nil
}

// Load parses every *.story file in dir, in name order, and checks that
// story ids are unique.
func Load(dir string) ([]*Story, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.story"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("stories: no *.story files in %s", dir)
	}
	sort.Strings(files)
	var all []*Story
	where := map[string]string{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, fmt.Errorf("stories: %w", err)
		}
		ss, err := Parse(filepath.Base(f), fh)
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("stories: %w", err)
		}
		for _, s := range ss {
			at := fmt.Sprintf("%s:%d", s.File, s.Line)
			if prev, dup := where[s.ID]; dup {
				return nil, fmt.Errorf("stories: %s: story id %s already used at %s", at, s.ID, prev)
			}
			where[s.ID] = at
		}
		all = append(all, ss...)
	}
	return all, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
