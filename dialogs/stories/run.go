package stories

import (
	"context"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/knowledge"
	"golang.org/x/text/unicode/norm"
)

// Fresh returns a new conversation for one story.
type Fresh func() (*dialogs.Conversation, error)

// Conversation wraps engine the way a server does, with everything in
// memory: sessions, tickets (deterministic references) and call-backs
// sealed with a fixed key. An engine keeps limits and failure counts, so
// give each story an engine of its own.
func Conversation(engine *dialogs.Engine) (*dialogs.Conversation, error) {
	conv := dialogs.NewConversation(engine, dialogs.NewMemoryStore(time.Hour))
	conv.Tickets = tickets.NewMemoryStore()
	conv.Rand = mathrand.NewChaCha8([32]byte{7})
	sealer, err := tickets.NewSealer(make([]byte, 32))
	if err != nil {
		return nil, err
	}
	conv.Sealer = sealer
	return conv, nil
}

// Failure is one check a story failed, at the line of the check (or of the
// turn, for what every turn must do).
type Failure struct {
	Line int
	Msg  string
}

// Result is how one story went.
type Result struct {
	Story    *Story
	Failures []Failure
	// Transcript is the conversation as it went, numbers masked: "> " the
	// person, "< " the bot.
	Transcript string
}

// Passed reports whether every check held.
func (r *Result) Passed() bool { return len(r.Failures) == 0 }

// String is the story's place, its failures and the transcript.
func (r *Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: story %s (%s)", r.Story.File, r.Story.Line, r.Story.ID, r.Story.Title)
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "\n  %s:%d: %s", r.Story.File, f.Line, f.Msg)
	}
	if !r.Passed() {
		b.WriteString("\n  transcript:\n")
		for l := range strings.SplitSeq(strings.TrimRight(r.Transcript, "\n"), "\n") {
			b.WriteString("    " + l + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// person is the session key of a story: a channel of its own.
func person(s *Story) string { return "story:" + s.ID }

// RunStory runs one story in a fresh conversation.
func RunStory(ctx context.Context, s *Story, fresh Fresh) *Result {
	res := &Result{Story: s}
	conv, err := fresh()
	if err != nil {
		res.Failures = append(res.Failures, Failure{s.Line, "no conversation: " + err.Error()})
		return res
	}
	secrets := storyNumbers(s)
	var tr strings.Builder
	var last []dialogs.Choice
	var hint dialogs.Lang
	fail := func(line int, format string, args ...any) {
		res.Failures = append(res.Failures, Failure{line, fmt.Sprintf(format, args...)})
	}
	for ti := range s.Turns {
		t := &s.Turns[ti]
		in := dialogs.Input{Person: person(s), LangHint: hint}
		switch t.Kind {
		case KindHint:
			hint = dialogs.Lang(t.Value)
			fmt.Fprintf(&tr, "> (hint %s)\n", t.Value)
			continue
		case KindText:
			in.Text = t.Value
			fmt.Fprintf(&tr, "> %s\n", dialogs.Redact(t.Value))
		case KindPayload:
			in.Payload = t.Value
			fmt.Fprintf(&tr, "> [%s]\n", t.Value)
		case KindEvent:
			in.Event = dialogs.Event(t.Value)
			fmt.Fprintf(&tr, "> (%s)\n", t.Value)
		case KindTap:
			c, err := tap(last, t.Alts)
			if err != nil {
				fmt.Fprintf(&tr, "> tap: %s\n", t.Value)
				fail(t.Line, "%v", err)
				// The rest of the story depends on the tap: stop here.
				res.Transcript = tr.String()
				return res
			}
			in.Payload = c.Payload
			fmt.Fprintf(&tr, "> tap: %s\n", c.Label)
		}
		replies, err := conv.Handle(ctx, in)
		if err != nil {
			fail(t.Line, "the conversation failed: %v", err)
		}
		out := output(replies)
		for l := range strings.SplitSeq(strings.TrimRight(out, "\n"), "\n") {
			tr.WriteString("< " + l + "\n")
		}
		last = last[:0]
		for _, r := range replies {
			last = append(last, r.Choices...)
		}
		if !hasText(replies) {
			fail(t.Line, "no reply")
		}
		if leaked := leaks(out, secrets); leaked != "" {
			fail(t.Line, "a full number the person typed is shown: %s", leaked)
		}
		for _, c := range t.Checks {
			if msg := check(c, replies, out); msg != "" {
				fail(c.Line, "%s", msg)
			}
		}
	}
	if conv.Tickets != nil {
		ts, err := conv.Tickets.List(ctx, tickets.Filter{Limit: 1000})
		if err != nil {
			fail(s.Line, "tickets: %v", err)
		}
		for _, tk := range ts {
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s %s\n", tk.MaskedID, tk.Reason, tk.County)
			for _, turn := range tk.Turns {
				b.WriteString(turn.Text + "\n")
			}
			if leaked := leaks(b.String(), secrets); leaked != "" {
				fail(s.Line, "ticket %s holds a full number the person typed: %s", tk.Ref, leaked)
			}
		}
	}
	res.Transcript = tr.String()
	return res
}

// tap finds the choice a tap means: the one whose label is one of alts,
// else the one label that contains one.
func tap(choices []dialogs.Choice, alts []string) (dialogs.Choice, error) {
	for _, a := range alts {
		for _, c := range choices {
			if normalize(c.Label) == normalize(strings.TrimSuffix(a, "*")) {
				return c, nil
			}
		}
	}
	for _, a := range alts {
		var found []dialogs.Choice
		for _, c := range choices {
			if contains(c.Label, a) {
				found = append(found, c)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
			continue
		default:
			return dialogs.Choice{}, fmt.Errorf("tap %q: %d choices match (%s)", a, len(found), labels(found))
		}
	}
	if len(choices) == 0 {
		return dialogs.Choice{}, fmt.Errorf("tap %q: the last turn offered no choices", strings.Join(alts, "|"))
	}
	return dialogs.Choice{}, fmt.Errorf("tap %q: no such choice among %s", strings.Join(alts, "|"), labels(choices))
}

func labels(cs []dialogs.Choice) string {
	var l []string
	for _, c := range cs {
		l = append(l, "["+c.Label+"]")
	}
	return strings.Join(l, " ")
}

// output is the turn as text: each reply's text, its choices' labels, its
// links' labels and URLs.
func output(replies []dialogs.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString(strings.TrimSpace(r.Text) + "\n")
		for _, c := range r.Choices {
			b.WriteString("  [" + c.Label + "]\n")
		}
		for _, l := range r.Links {
			b.WriteString("  ☎ " + l.Label + " <" + l.URL + ">\n")
		}
		if h := r.Handoff; h != nil {
			fmt.Fprintf(&b, "  (handoff %s)\n", h.Line)
		}
	}
	return b.String()
}

func hasText(replies []dialogs.Reply) bool {
	for _, r := range replies {
		if strings.TrimSpace(r.Text) != "" {
			return true
		}
	}
	return false
}

// check runs one check; it returns "" when it holds.
func check(c Check, replies []dialogs.Reply, out string) string {
	switch c.Kind {
	case CheckReply:
		if !hasText(replies) {
			return "no reply"
		}
	case CheckMust:
		for _, a := range c.Alts {
			if contains(out, a) {
				return ""
			}
		}
		return fmt.Sprintf("must: none of %q in the reply", strings.Join(c.Alts, "|"))
	case CheckNot:
		for _, a := range c.Alts {
			if contains(out, a) {
				return fmt.Sprintf("not: %q is in the reply", a)
			}
		}
	case CheckChoice:
		for _, r := range replies {
			for _, ch := range r.Choices {
				for _, a := range c.Alts {
					if contains(ch.Label, a) {
						return ""
					}
				}
			}
		}
		return fmt.Sprintf("choice: no choice labelled %q", strings.Join(c.Alts, "|"))
	case CheckHandoff:
		var lines []string
		for _, r := range replies {
			if r.Handoff != nil {
				lines = append(lines, r.Handoff.Line)
			}
		}
		if c.Alts[0] == "none" {
			if len(lines) > 0 {
				return fmt.Sprintf("handoff: none wanted, got a handoff to %s", strings.Join(lines, ", "))
			}
			return ""
		}
		for _, l := range lines {
			if slices.Contains(c.Alts, l) {
				return ""
			}
		}
		if len(lines) == 0 {
			return fmt.Sprintf("handoff: want %s, got no handoff", strings.Join(c.Alts, "|"))
		}
		return fmt.Sprintf("handoff: want %s, got %s", strings.Join(c.Alts, "|"), strings.Join(lines, ", "))
	case CheckLang:
		want := dialogs.Lang(c.Alts[0])
		for _, r := range replies {
			if r.Lang != want {
				return fmt.Sprintf("lang: want %s, a reply is in %s", want, r.Lang)
			}
		}
		han, latin := 0, 0
		for _, r := range replies {
			for _, ch := range r.Text {
				switch {
				case unicode.Is(unicode.Han, ch):
					han++
				case ch < unicode.MaxASCII && unicode.IsLetter(ch):
					latin++
				}
			}
		}
		// English replies quote Chinese names (健保卡); Chinese ones
		// quote 1922.gov.tw or an app's name: judge by the majority.
		if want == knowledge.ZhTW && han < latin {
			return "lang: want zh-TW, the reply reads as English"
		}
		if want == knowledge.En && latin < han {
			return "lang: want en, the reply reads as Chinese"
		}
	}
	return ""
}

var space = regexp.MustCompile(`\s+`)

// normalize folds text for comparison: NFKC, lower case, white space next
// to a non-ASCII character dropped and other runs of it made one space.
func normalize(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	fields := space.Split(strings.TrimSpace(s), -1)
	var b strings.Builder
	for i, f := range fields {
		if i > 0 && f != "" {
			prev, _ := lastRune(fields[i-1])
			if prev < 0x80 && f[0] < 0x80 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(f)
	}
	return b.String()
}

func lastRune(s string) (rune, bool) {
	r := []rune(s)
	if len(r) == 0 {
		return 0, false
	}
	return r[len(r)-1], true
}

func isWord(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// contains reports whether needle occurs in hay after normalize, a Latin
// word or number whole (a trailing * allows more letters after it).
func contains(hay, needle string) bool {
	prefix := strings.HasSuffix(needle, "*")
	h, n := normalize(hay), normalize(strings.TrimSuffix(needle, "*"))
	if n == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(h[i:], n)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(n)
		okStart := !isWord(n[0]) || start == 0 || !isWord(h[start-1])
		okEnd := prefix || !isWord(n[len(n)-1]) || end == len(h) || !isWord(h[end])
		if okStart && okEnd {
			return true
		}
		i = start + 1
	}
}

var (
	idShape  = regexp.MustCompile(`^[A-Z][A-Z0-9][0-9]{8}`)
	longRun  = regexp.MustCompile(`[0-9]{8,}`)
	separate = strings.NewReplacer(" ", "", "\t", "", "\n", "", "-", "", ".", "", "\u00a0", "", "\u3000", "")
)

// compactNumbers folds text so numbers compare whatever the separators.
func compactNumbers(s string) string {
	return separate.Replace(strings.ToUpper(norm.NFKC.String(s)))
}

// storyNumbers are the full numbers the person types in the story: ID
// shapes and runs of eight or more digits (card and phone numbers).
func storyNumbers(s *Story) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range s.Turns {
		if t.Kind != KindText {
			continue
		}
		c := compactNumbers(t.Value)
		// Separators are gone, so a word may run into an ID ("ISA123…"):
		// try an ID at every position.
		var found []string
		for i := range len(c) {
			if m := idShape.FindString(c[i:]); m != "" {
				found = append(found, m)
			}
		}
		for _, m := range append(found, longRun.FindAllString(c, -1)...) {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// leaks returns the first secret found in out, masked, or "".
func leaks(out string, secrets []string) string {
	if len(secrets) == 0 {
		return ""
	}
	c := compactNumbers(out)
	for _, s := range secrets {
		if strings.Contains(c, s) {
			return dialogs.Redact(s)
		}
	}
	return ""
}

// Report is the result of a run of many stories.
type Report struct {
	Results []*Result
}

// Run runs every story, each in a fresh conversation.
func Run(ctx context.Context, stories []*Story, fresh Fresh) *Report {
	rep := &Report{}
	for _, s := range stories {
		rep.Results = append(rep.Results, RunStory(ctx, s, fresh))
	}
	return rep
}

// Count is how many stories passed of how many.
type Count struct{ Passed, Total int }

// ByClass counts the stories of each class (a story counts in each of its
// classes).
func (r *Report) ByClass() map[int]Count {
	m := map[int]Count{}
	for _, res := range r.Results {
		for _, c := range res.Story.Classes {
			n := m[c]
			n.Total++
			if res.Passed() {
				n.Passed++
			}
			m[c] = n
		}
	}
	return m
}

// ByLang counts the stories of each language.
func (r *Report) ByLang() map[string]Count {
	m := map[string]Count{}
	for _, res := range r.Results {
		n := m[res.Story.Lang]
		n.Total++
		if res.Passed() {
			n.Passed++
		}
		m[res.Story.Lang] = n
	}
	return m
}

// Failed returns the results that failed.
func (r *Report) Failed() []*Result {
	var out []*Result
	for _, res := range r.Results {
		if !res.Passed() {
			out = append(out, res)
		}
	}
	return out
}

// ClassNames are the failure classes, for a summary.
var ClassNames = map[int]string{
	0: "plain happy paths",
	1: "asking for a person",
	2: "questions inside the form",
	3: "neighbouring questions",
	4: "small talk",
	5: "long messages",
	6: "several facts in one message",
	7: "stickers, photos, audio, locations",
	8: "the QA's own flows",
	9: "where to go after verified",
}

// WriteSummary writes the pass counts per class and language, and the
// total.
func (r *Report) WriteSummary(w io.Writer) error {
	var b strings.Builder
	byClass := r.ByClass()
	classes := make([]int, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Ints(classes)
	for _, c := range classes {
		n := byClass[c]
		fmt.Fprintf(&b, "class %d (%s): %d/%d passed\n", c, ClassNames[c], n.Passed, n.Total)
	}
	byLang := r.ByLang()
	for _, l := range []string{"zh-TW", "en", "mixed"} {
		if n, ok := byLang[l]; ok {
			fmt.Fprintf(&b, "%s: %d/%d passed\n", l, n.Passed, n.Total)
		}
	}
	fmt.Fprintf(&b, "all: %d/%d passed\n", len(r.Results)-len(r.Failed()), len(r.Results))
	_, err := io.WriteString(w, b.String())
	return err
}
