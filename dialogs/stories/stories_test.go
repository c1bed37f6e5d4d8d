package stories

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/dialogstest"
)

var transcripts = flag.Bool("transcripts", false, "log every story's transcript, passed or not (with -v)")

var writeKnown = flag.Bool("write-known", false, "rewrite testdata/stories/known_failures.txt from this run's failures (review the diff: the list should only shrink)")

const (
	storyDir  = "../testdata/stories"
	knownFile = "../testdata/stories/known_failures.txt"
)

// start is the fixed clock of every story: 2021-07-21 09:00 Taiwan time,
// the day of the QA, as in the golden transcripts.
var start = time.Date(2021, 7, 21, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// fresh builds each story its own engine (limits and failure counts are
// the engine's) over the demo registry, with the clock at start.
func fresh(t testing.TB) Fresh {
	return func() (*dialogs.Conversation, error) {
		return Conversation(dialogstest.Engine(t, start))
	}
}

// readKnown reads the known failures: a story id per line, # comments.
func readKnown(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(knownFile)
	if os.IsNotExist(err) {
		return map[string]string{}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]string{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line, comment, _ := strings.Cut(sc.Text(), "#")
		id := strings.TrimSpace(line)
		if id == "" {
			continue
		}
		if strings.ContainsAny(id, " \t") {
			t.Fatalf("%s:%d: one story id per line, then # and a comment", knownFile, n)
		}
		if _, dup := known[id]; dup {
			t.Fatalf("%s:%d: %s listed twice", knownFile, n, id)
		}
		known[id] = strings.TrimSpace(comment)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return known
}

// TestStories runs every story. A story that fails fails the test unless
// it is listed in known_failures.txt; a listed story that passes fails it
// too, so the list only shrinks as the engine learns.
func TestStories(t *testing.T) {
	all, err := Load(storyDir)
	if err != nil {
		t.Fatal(err)
	}
	known := readKnown(t)
	ids := map[string]bool{}
	for _, s := range all {
		ids[s.ID] = true
	}
	for id := range known {
		if !ids[id] {
			t.Errorf("%s lists %s, which is no story", knownFile, id)
		}
	}
	// Each story has an engine of its own, so they run in parallel.
	rep := &Report{Results: make([]*Result, len(all))}
	t.Run("story", func(t *testing.T) {
		for i, s := range all {
			t.Run(s.ID, func(t *testing.T) {
				t.Parallel()
				res := RunStory(context.Background(), s, fresh(t))
				rep.Results[i] = res
				_, isKnown := known[s.ID]
				switch {
				case *writeKnown:
				case !res.Passed() && !isKnown:
					t.Errorf("%s", res)
				case !res.Passed():
					t.Logf("known failure: %s", res)
				case isKnown:
					t.Errorf("%s:%d: story %s passes now: remove it from known_failures.txt", s.File, s.Line, s.ID)
				}
				if *transcripts && res.Passed() {
					t.Logf("%s\n%s", res, res.Transcript)
				}
			})
		}
	})
	// With -run, the stories left out have no result.
	rep.Results = slices.DeleteFunc(rep.Results, func(r *Result) bool { return r == nil })
	var sum strings.Builder
	if err := rep.WriteSummary(&sum); err != nil {
		t.Fatal(err)
	}
	t.Logf("stories:\n%s", sum.String())
	if *writeKnown {
		if err := writeKnownFile(rep); err != nil {
			t.Fatal(err)
		}
		var added []string
		for _, r := range rep.Failed() {
			if _, ok := known[r.Story.ID]; !ok {
				added = append(added, r.Story.ID)
			}
		}
		if len(added) > 0 {
			t.Errorf("wrote %s with %d stories that were not listed before (the list should only shrink: fix them, or say why in review): %s",
				knownFile, len(added), strings.Join(added, " "))
		}
	}
}

// writeKnownFile writes the ids of the failing stories with their first
// failure as the comment.
func writeKnownFile(rep *Report) error {
	var b strings.Builder
	b.WriteString(`# Stories that fail today, one id per line with the first failure as a
# comment. TestStories fails when a story not listed here fails, and when a
# story listed here passes: remove it then. The list only shrinks.
# Regenerate (and review the diff): go test ./dialogs/stories -run TestStories -write-known
`)
	failed := rep.Failed()
	sort.SliceStable(failed, func(i, j int) bool {
		a, b := failed[i].Story, failed[j].Story
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	file := ""
	for _, r := range failed {
		if r.Story.File != file {
			file = r.Story.File
			fmt.Fprintf(&b, "\n# %s\n", file)
		}
		f := r.Failures[0]
		fmt.Fprintf(&b, "%s  # line %d: %s\n", r.Story.ID, f.Line, clip(strings.ReplaceAll(f.Msg, "\n", " "), 110))
	}
	return os.WriteFile(filepath.Clean(knownFile), []byte(b.String()), 0o644)
}

// TestStoriesCoverEveryClass: at least 150 stories, every class and both
// languages represented.
func TestStoriesCoverEveryClass(t *testing.T) {
	all, err := Load(storyDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 150 {
		t.Errorf("%d stories, want at least 150", len(all))
	}
	perClass := map[int]map[string]int{}
	for _, s := range all {
		for _, c := range s.Classes {
			if perClass[c] == nil {
				perClass[c] = map[string]int{}
			}
			perClass[c][s.Lang]++
		}
	}
	for c := 0; c <= maxClass; c++ {
		if perClass[c]["zh-TW"] == 0 || perClass[c]["en"] == 0 {
			t.Errorf("class %d has stories %v, want both zh-TW and en", c, perClass[c])
		}
	}
}

func TestParse(t *testing.T) {
	src := `# a comment
story one [1, 4] zh-TW: two turns
> (follow)
> 我要找真人
< must: 1922|健保署
< not: 格式
< handoff: none

story two [0] en: a tap and a hint
> (hint en)
> [menu]
> tap: Talk to a person
< choice: 1922
< lang: en
< reply
`
	got, err := Parse("x.story", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d stories, want 2", len(got))
	}
	one, two := got[0], got[1]
	if one.ID != "one" || one.Lang != "zh-TW" || one.Title != "two turns" || fmt.Sprint(one.Classes) != "[1 4]" || one.Line != 2 {
		t.Errorf("one = %+v", one)
	}
	if len(one.Turns) != 2 || one.Turns[0].Kind != KindEvent || one.Turns[1].Kind != KindText || len(one.Turns[1].Checks) != 3 {
		t.Fatalf("one's turns = %+v", one.Turns)
	}
	if c := one.Turns[1].Checks[0]; c.Kind != CheckMust || fmt.Sprint(c.Alts) != "[1922 健保署]" || c.Line != 5 {
		t.Errorf("first check = %+v", c)
	}
	if k := []Kind{two.Turns[0].Kind, two.Turns[1].Kind, two.Turns[2].Kind}; fmt.Sprint(k) != "[hint payload tap]" {
		t.Errorf("two's turn kinds = %v", k)
	}
	if two.Turns[2].Value != "Talk to a person" || len(two.Turns[2].Checks) != 3 {
		t.Errorf("two's tap = %+v", two.Turns[2])
	}
}

// TestParseRejects: a bad file is refused with its name and the line.
func TestParseRejects(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"turn before header", "> hi\n", "x.story:1: a turn before"},
		{"check before turn", "story a [1] en: t\n< must: x\n", "x.story:2: a check before"},
		{"no turns", "story a [1] en: t\n\nstory b [1] en: u\n> hi\n", "x.story:1: story a has no turns"},
		{"no turns at the end", "story a [1] en: t\n> hi\nstory b [1] en: u\n", "x.story:3: story b has no turns"},
		{"bad header", "story a en: t\n", "x.story:1: a story header"},
		{"no title", "story a [1] en\n", "x.story:1: a story header"},
		{"bad class", "story a [10] en: t\n", "x.story:1: class \"10\""},
		{"class twice", "story a [1,1] en: t\n", "x.story:1: class 1 named twice"},
		{"bad lang", "story a [1] fr: t\n", "x.story:1: language \"fr\""},
		{"unknown check", "story a [1] en: t\n> hi\n< maybe: x\n", "x.story:3: unknown check"},
		{"check without colon", "story a [1] en: t\n> hi\n< must x\n", "x.story:3: a check is"},
		{"empty alternative", "story a [1] en: t\n> hi\n< must: a||b\n", "x.story:3: must: an empty alternative"},
		{"bad handoff", "story a [1] en: t\n> hi\n< handoff: police\n", "x.story:3: handoff \"police\""},
		{"bad lang check", "story a [1] en: t\n> hi\n< lang: fr\n", "x.story:3: lang:"},
		{"unknown event", "story a [1] en: t\n> (photo)\n", "x.story:2: unknown event"},
		{"empty turn", "story a [1] en: t\n>\n", "x.story:2: an empty turn"},
		{"empty tap", "story a [1] en: t\n> tap:\n", "x.story:2: tap:"},
		{"check after hint", "story a [1] en: t\n> (hint en)\n< reply\n", "x.story:3: a check after a hint"},
		{"stray line", "story a [1] en: t\n> hi\nmust: x\n", "x.story:3: not a story header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.story", strings.NewReader(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestLoadRejectsDuplicateIDs: ids are unique across files.
func TestLoadRejectsDuplicateIDs(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"a.story": "story same [1] en: t\n> hi\n",
		"b.story": "\nstory same [2] en: u\n> hello\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "b.story:2: story id same already used at a.story:1") {
		t.Errorf("got %v", err)
	}
}

// TestRunnerCatches: the runner fails a story on a wrong fact, a missing
// choice, a wrong handoff, a wrong language and an impossible tap, each at
// its line, and passes one that holds.
func TestRunnerCatches(t *testing.T) {
	src := `story good [0] zh-TW: the menu and a person
> (follow)
< choice: 找真人協助
< handoff: none
< lang: zh-TW
> tap: 找真人協助
< must: 1922
> tap: 1922
< handoff: 1922
< must: 1922

story bad [0] zh-TW: every kind of failed check
> (follow)
< must: no such words here
< not: 1922
< choice: Launch rockets
< handoff: 1922
< lang: en
> tap: Launch rockets
> (follow)
`
	ss, err := Parse("x.story", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	good := RunStory(context.Background(), ss[0], fresh(t))
	if !good.Passed() {
		t.Errorf("good story failed: %s", good)
	}
	bad := RunStory(context.Background(), ss[1], fresh(t))
	var lines []int
	for _, f := range bad.Failures {
		lines = append(lines, f.Line)
	}
	if fmt.Sprint(lines) != "[14 15 16 17 18 19]" {
		t.Errorf("failures at lines %v, want 14–19 (the tap stops the story):\n%s", lines, bad)
	}
}

// TestRunnerCatchesLeaks: a number the person typed, shown in full,
// fails the story, whatever the separators.
func TestRunnerCatchesLeaks(t *testing.T) {
	s := &Story{ID: "leak", Turns: []Turn{{Kind: KindText, Value: "my ID is a123 456 789, card 0000-1111-2222"}}}
	secrets := storyNumbers(s)
	for _, want := range []string{"A123456789", "000011112222"} {
		if !slices.Contains(secrets, want) {
			t.Fatalf("numbers %v, want %s among them", secrets, want)
		}
	}
	for _, tc := range []struct {
		out  string
		leak bool
	}{
		{"You typed A12*****89 and ********2222", false},
		{"You typed A123456789", true},
		{"card: 0000 1111 2222", true},
		{"ｃａｒｄ：０００011112222", true},
		{"call 1922 or 0800-030-598", false},
	} {
		if got := leaks(tc.out, secrets) != ""; got != tc.leak {
			t.Errorf("leaks(%q) = %v, want %v", tc.out, got, tc.leak)
		}
	}
}

func TestContains(t *testing.T) {
	for _, tc := range []struct {
		hay, needle string
		want        bool
	}{
		{"大約 1 小時會上傳", "1 小時", true},
		{"大約1小時會上傳", "1 小時", true},
		{"約 1 小時", "1小時", true},
		{"申請原因選「其他（健保署）」", "其他(健保署)", true},
		{"about 1 hour after", "1 hour", true},
		{"about 11 hours after", "1 hour", false},
		{"about 1 hours after", "1 hour", false},
		{"more information", "format", false},
		{"Format error", "format", true},
		{"vaccination sites", "vaccin*", true},
		{"see 1922.gov.tw", "1922", true},
		{"call 0800-001922", "1922", false},
		{"Call The NHIA", "nhia", true},
		{"tel:1922", "1922", true},
	} {
		if got := contains(tc.hay, tc.needle); got != tc.want {
			t.Errorf("contains(%q, %q) = %v, want %v", tc.hay, tc.needle, got, tc.want)
		}
	}
}
