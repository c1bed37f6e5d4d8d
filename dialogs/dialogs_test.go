package dialogs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/knowledge"
	"github.com/vaxbot/vaxbot/verify"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/")

// start is the fixed clock of every transcript: 2021-07-21 09:00 Taiwan time.
var start = time.Date(2021, 7, 21, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

var (
	kbOnce sync.Once
	kbBase *knowledge.Base
	kbIx   *knowledge.Index
	kbErr  error
)

// testDeps returns the real knowledge base and index, built once.
func testDeps(t testing.TB) (*knowledge.Base, *knowledge.Index) {
	t.Helper()
	kbOnce.Do(func() {
		if kbBase, kbErr = knowledge.Default(); kbErr == nil {
			kbIx, kbErr = knowledge.NewIndex(kbBase)
		}
	})
	if kbErr != nil {
		t.Fatal(kbErr)
	}
	return kbBase, kbIx
}

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newTestEngine builds the real engine over the embedded data and the demo
// registry, with a fixed clock and a logger writing to logs.
func newTestEngine(t testing.TB, clock *testClock, reg verify.Registry, logs *bytes.Buffer) *Engine {
	t.Helper()
	base, ix := testDeps(t)
	dir, err := DefaultDirectory()
	if err != nil {
		t.Fatal(err)
	}
	words, err := DefaultWords()
	if err != nil {
		t.Fatal(err)
	}
	if reg == nil {
		reg = verify.DemoRegistry(clock.Now())
	}
	var logger *slog.Logger
	if logs != nil {
		logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e, err := New(Config{
		Matcher: ix, Topics: base, Registry: reg, Directory: dir, Words: words,
		Now: clock.Now, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var pick = regexp.MustCompile(`^\[(\d+)\]$`)

// replay runs a transcript: "> text" lines are the person ("> [2]" picks the
// second choice of the bot's last turn), "= wait 20m", "= event follow" and
// "= lang en", "= payload verify:yes" (a tap on an old button) and
// "= registry down|up" are directives, "< " lines are the bot and are regenerated.
// It returns the transcript with the bot lines as the engine says them now.
func replay(t *testing.T, src string) string {
	t.Helper()
	clock := &testClock{now: start}
	var logs bytes.Buffer
	reg := &switchableRegistry{Registry: verify.DemoRegistry(clock.Now())}
	conv := NewConversation(newTestEngine(t, clock, reg, &logs), NewMemoryStore(time.Hour))
	conv.Tickets = tickets.NewMemoryStore()
	conv.Rand = mathrand.NewChaCha8([32]byte{7}) // deterministic references
	sealer, err := tickets.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	conv.Sealer = sealer
	var out strings.Builder
	var choices []Choice
	var hint Lang
	send := func(in Input) {
		in.Person, in.LangHint = "test:1", hint
		replies, err := conv.Handle(context.Background(), in)
		if err != nil {
			t.Fatalf("Handle: %v", err)
		}
		var buf bytes.Buffer
		if choices, err = RenderText(&buf, replies); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
			out.WriteString(strings.TrimRight("< "+line, " ") + "\n")
		}
	}
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "<"):
			continue
		case strings.HasPrefix(line, "= "):
			out.WriteString(line + "\n")
			f := strings.Fields(line[2:])
			switch {
			case len(f) == 2 && f[0] == "wait":
				d, err := time.ParseDuration(f[1])
				if err != nil {
					t.Fatalf("bad directive %q: %v", line, err)
				}
				clock.Advance(d)
			case len(f) == 2 && f[0] == "event":
				send(Input{Event: Event(f[1])})
			case len(f) == 2 && f[0] == "payload":
				send(Input{Payload: f[1]})
			case len(f) == 2 && f[0] == "registry":
				reg.down = f[1] == "down"
			case len(f) == 2 && f[0] == "lang":
				hint = Lang(f[1])
			default:
				t.Fatalf("unknown directive %q", line)
			}
		case strings.HasPrefix(line, "> "):
			out.WriteString(line + "\n")
			text := line[2:]
			if m := pick.FindStringSubmatch(text); m != nil {
				n, _ := strconv.Atoi(m[1])
				if n < 1 || n > len(choices) {
					t.Errorf("%q: the bot offered %d choices", line, len(choices))
					continue
				}
				send(Input{Payload: choices[n-1].Payload})
				continue
			}
			send(Input{Text: text})
		default:
			out.WriteString(line + "\n")
		}
	}
	return out.String()
}

// switchableRegistry is a registry whose back end can be taken down.
type switchableRegistry struct {
	verify.Registry
	down bool
}

func (r *switchableRegistry) Lookup(ctx context.Context, id, card string) ([]verify.Record, error) {
	if r.down {
		return nil, fmt.Errorf("test registry: %w", verify.ErrUnavailable)
	}
	return r.Registry.Lookup(ctx, id, card)
}

func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := replay(t, string(raw))
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(raw) {
				t.Errorf("transcript differs (run go test ./dialogs -run TestTranscripts -update and review the diff):\n%s", firstDiff(string(raw), got))
			}
		})
	}
}

// firstDiff shows the first line where want and got part.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d\nwant: %s\ngot:  %s", i+1, wl, gl)
		}
	}
	return ""
}

// slowStore widens the window between load and save, so that without the
// per-person lock concurrent inputs would overwrite each other's updates.
type slowStore struct{ *MemoryStore }

func (s slowStore) Get(ctx context.Context, person string) (*Session, error) {
	time.Sleep(200 * time.Microsecond)
	return s.MemoryStore.Get(ctx, person)
}

func TestConversationSerialisesOnePerson(t *testing.T) {
	clock := &testClock{now: start}
	store := slowStore{NewMemoryStore(time.Hour)}
	conv := NewConversation(newTestEngine(t, clock, nil, nil), store)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each unmatched question counts one miss in the session.
			if _, err := conv.Handle(context.Background(), Input{Person: "line:U1", Text: fmt.Sprintf("zzqx %d", i)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s, err := store.Get(context.Background(), "line:U1")
	if err != nil || s == nil {
		t.Fatalf("session: %v, %v", s, err)
	}
	if s.Misses != n {
		t.Errorf("got %d misses recorded, want %d: updates were lost", s.Misses, n)
	}
}

// TestHistoryKeepsTheLastTurns: a session keeps the last historyTurns
// turns, oldest first, each reply by its first line, in a slice of its own.
func TestHistoryKeepsTheLastTurns(t *testing.T) {
	clock := &testClock{now: start}
	store := NewMemoryStore(time.Hour)
	conv := NewConversation(newTestEngine(t, clock, nil, nil), store)
	inputs := []Input{{Event: EventFollow}, {Payload: "menu"}, {Text: "健保卡號在哪裡"}, {Payload: "menu"}, {Payload: "menu"}, {Payload: "menu"}, {Payload: "menu"}, {Text: "where is my card number"}}
	var last []Reply
	for _, in := range inputs {
		in.Person = "line:U1"
		var err error
		if last, err = conv.Handle(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	s, err := store.Get(context.Background(), "line:U1")
	if err != nil || s == nil {
		t.Fatalf("session: %v, %v", s, err)
	}
	if len(s.History) != historyTurns || cap(s.History) != historyTurns {
		t.Fatalf("history holds %d turns in room for %d, want %d", len(s.History), cap(s.History), historyTurns)
	}
	tail := s.History[len(s.History)-len(last)-1:]
	if tail[0].From != "person" || tail[0].Text != "where is my card number" {
		t.Errorf("last person turn %+v", tail[0])
	}
	for i, r := range last {
		first, _, _ := strings.Cut(strings.TrimSpace(r.Text), "\n")
		if tail[i+1].From != "bot" || tail[i+1].Text != clip(first, 120) {
			t.Errorf("bot turn %d: %+v, want the first line of %q", i, tail[i+1], r.Text)
		}
	}
}

// TestTurnJSONIsATicketTurn: a session's history is written as tickets'
// turns are, and a session stored before the compact form reads the same.
func TestTurnJSONIsATicketTurn(t *testing.T) {
	at := time.Date(2021, 7, 21, 9, 30, 0, 123_000_000, time.UTC)
	stored := `{"at":"2021-07-21T09:30:00.123Z","from":"bot","text":"請輸入健保卡卡號"}`
	var turn Turn
	if err := json.Unmarshal([]byte(stored), &turn); err != nil {
		t.Fatal(err)
	}
	if want := (Turn{At: at.UnixMilli(), From: "bot", Text: "請輸入健保卡卡號"}); turn != want {
		t.Errorf("read %+v, want %+v", turn, want)
	}
	out, err := json.Marshal(turn)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != stored {
		t.Errorf("wrote %s, want %s", out, stored)
	}
	if tt := turn.Ticket(); !tt.At.Equal(at) || tt.From != "bot" || tt.Text != turn.Text {
		t.Errorf("as a ticket's turn: %+v", tt)
	}
}

// TestClip: at most n characters (not bytes) are kept, the last of them
// "…" when the text was cut.
func TestClip(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"", 5, ""},
		{"hello", 5, "hello"},
		{"hello!", 5, "hell…"},
		{"健保卡號在哪裡", 7, "健保卡號在哪裡"},
		{"健保卡號在哪裡", 6, "健保卡號在…"},
		{"ab健保", 3, "ab…"},
		{"ok😀", 3, "ok😀"},
		{"ok😀😀", 3, "ok…"},
	}
	for _, tt := range tests {
		if got := clip(tt.s, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
