package bot

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
)

// secret stands for what a person typed: it must never reach a log line,
// not even inside a panic's value.
const secret = "A123456789"

// handlerFunc is a Handler.
type handlerFunc func(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error)

func (f handlerFunc) Handle(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error) {
	return f(ctx, in)
}

// apologetic is a Handler that can apologise, as dialogs.Conversation can.
type apologetic struct{ handlerFunc }

func (apologetic) Apology(in dialogs.Input) []dialogs.Reply {
	return []dialogs.Reply{{Text: "sorry: call 1922"}}
}

// echo answers every input with its text, and panics on "boom".
func echo(_ context.Context, in dialogs.Input) ([]dialogs.Reply, error) {
	if in.Text == "boom" {
		panic("cannot handle " + secret)
	}
	return []dialogs.Reply{{Text: "re: " + in.Text}}, nil
}

// fakeChannel records deliveries; it panics in Prepare or Deliver for the
// texts named.
type fakeChannel struct {
	panicPrepare, panicDeliver string
	delivered                  chan string // the first reply's text of each delivery
}

func newFakeChannel() *fakeChannel { return &fakeChannel{delivered: make(chan string, 16)} }

func (c *fakeChannel) Name() string                                  { return "line" }
func (c *fakeChannel) Authenticate(func(string) string, []byte) bool { return true }

// Decode makes one event of the body's text, and panics on "boom".
func (c *fakeChannel) Decode(body []byte) ([]Event, error) {
	if string(body) == "boom" {
		panic(errors.New("decoder bug near " + secret))
	}
	return []Event{{ID: string(body), Type: "text", Input: dialogs.Input{Person: "line:U1", Text: string(body)}}}, nil
}

func (c *fakeChannel) Prepare(_ context.Context, ev Event) {
	if ev.Input.Text == c.panicPrepare {
		panic(secret)
	}
}

func (c *fakeChannel) Deliver(_ context.Context, ev Event, replies []dialogs.Reply) error {
	if ev.Input.Text == c.panicDeliver {
		panic(secret)
	}
	c.delivered <- replies[0].Text
	return nil
}

// wait returns the next delivery, or fails after 5 s.
func (c *fakeChannel) wait(t *testing.T) string {
	t.Helper()
	select {
	case text := <-c.delivered:
		return text
	case <-time.After(5 * time.Second):
		t.Fatal("nothing delivered")
		return ""
	}
}

// lockedBuffer is a log destination safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func metricsText(m *Metrics) string {
	var b bytes.Buffer
	m.WritePrometheus(&b)
	return b.String()
}

// TestDispatcherSurvivesPanics: a panic in Prepare, Handle or Deliver ends
// that event only; the one worker goes on with the next event of the same
// person. The person hears the Handler's apology when it has one. The
// panic is counted, and logged with its type and stack, never its value.
func TestDispatcherSurvivesPanics(t *testing.T) {
	tests := []struct {
		name         string
		handler      Handler
		panicPrepare string
		panicDeliver string
		first        string // what is delivered for "boom" ("" nothing)
		wantLost     bool
	}{
		{name: "handler panics", handler: handlerFunc(echo)},
		{name: "handler panics, apology delivered", handler: apologetic{handlerFunc(echo)}, first: "sorry: call 1922"},
		{name: "prepare panics, the event is handled", handler: handlerFunc(func(_ context.Context, in dialogs.Input) ([]dialogs.Reply, error) {
			return []dialogs.Reply{{Text: "re: " + in.Text}}, nil
		}), panicPrepare: "boom", first: "re: boom"},
		{name: "deliver panics", handler: handlerFunc(func(_ context.Context, in dialogs.Input) ([]dialogs.Reply, error) {
			return []dialogs.Reply{{Text: "re: " + in.Text}}, nil
		}), panicDeliver: "boom", wantLost: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs lockedBuffer
			m := NewMetrics()
			ch := newFakeChannel()
			ch.panicPrepare, ch.panicDeliver = tt.panicPrepare, tt.panicDeliver
			d := NewDispatcher(DispatcherConfig{Handler: tt.handler, Metrics: m, Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Workers: 1})
			defer d.Close(context.Background())
			for _, text := range []string{"boom", "hello"} {
				if err := d.Enqueue(ch, Event{Type: "text", Input: dialogs.Input{Person: "line:U1", Text: text}}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.first != "" {
				if got := ch.wait(t); got != tt.first {
					t.Errorf("first delivery %q, want %q", got, tt.first)
				}
			}
			if got := ch.wait(t); got != "re: hello" {
				t.Errorf("next delivery %q, want the answer to hello", got)
			}
			text := metricsText(m)
			if want := `vaxbot_turn_failures_total{cause="panic"} 1` + "\n"; !strings.Contains(text, want) {
				t.Errorf("no %s in:\n%s", want, text)
			}
			if lost := strings.Contains(text, `vaxbot_replies_total{channel="line",result="lost"} 1`); lost != tt.wantLost {
				t.Errorf("replies lost counted: %v, want %v", lost, tt.wantLost)
			}
			l := logs.String()
			if strings.Contains(l, secret) {
				t.Errorf("the panic's value reached the log:\n%s", l)
			}
			if !strings.Contains(l, `"panic_type":"string"`) || !strings.Contains(l, "runtime/debug.Stack") {
				t.Errorf("no panic type or stack in the log:\n%s", l)
			}
		})
	}
}

// TestDispatcherDeliversApologyWithError: replies that come with an error
// (the Conversation's apology) are delivered, and the error logged.
func TestDispatcherDeliversApologyWithError(t *testing.T) {
	var logs lockedBuffer
	ch := newFakeChannel()
	h := handlerFunc(func(context.Context, dialogs.Input) ([]dialogs.Reply, error) {
		return []dialogs.Reply{{Text: "sorry: call 1922"}}, errors.New("dialogs: load session: redis down")
	})
	d := NewDispatcher(DispatcherConfig{Handler: h, Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Workers: 1})
	defer d.Close(context.Background())
	if err := d.Enqueue(ch, Event{Type: "text", Input: dialogs.Input{Person: "line:U1", Text: "hi"}}); err != nil {
		t.Fatal(err)
	}
	if got := ch.wait(t); got != "sorry: call 1922" {
		t.Errorf("delivered %q, want the apology", got)
	}
	d.Close(context.Background())
	if l := logs.String(); !strings.Contains(l, `"level":"ERROR","msg":"conversation failed"`) || !strings.Contains(l, "redis down") {
		t.Errorf("the error was not logged:\n%s", l)
	}
}

// failingDedupe is a shared store of event ids that fails while down.
type failingDedupe struct {
	mu   sync.Mutex
	down bool
	seen map[string]bool
}

func (f *failingDedupe) Seen(ctx context.Context, key string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return false, errors.New("redisstore: event id: connection refused")
	}
	was := f.seen[key]
	f.seen[key] = true
	return was, nil
}

func (f *failingDedupe) Forget(ctx context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("redisstore: forget event id: connection refused")
	}
	delete(f.seen, key)
	return nil
}

// TestDispatcherDedupeFailure: when the shared store fails, events are
// taken as new (never dropped), every failure is counted, and the outage is
// logged once at Warn, its end once at Info.
func TestDispatcherDedupeFailure(t *testing.T) {
	var logs lockedBuffer
	m := NewMetrics()
	dd := &failingDedupe{down: true, seen: map[string]bool{}}
	d := NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Metrics: m, Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Workers: 1, Dedupe: dd})
	defer d.Close(context.Background())
	ctx := context.Background()
	steps := []struct {
		name string
		down bool
		id   string
		want bool
	}{
		{"down: new", true, "ev1", false},
		{"down: a redelivery is taken too", true, "ev1", false},
		{"up again: new", false, "ev1", false},
		{"up: a redelivery is dropped", false, "ev1", true},
	}
	for _, s := range steps {
		dd.mu.Lock()
		dd.down = s.down
		dd.mu.Unlock()
		if got := d.Seen(ctx, "line", s.id); got != s.want {
			t.Errorf("%s: Seen = %v, want %v", s.name, got, s.want)
		}
	}
	dd.mu.Lock()
	dd.down = true
	dd.mu.Unlock()
	d.Forget(ctx, "line", "ev1")
	text := metricsText(m)
	for _, want := range []string{
		`vaxbot_dedupe_failures_total{channel="line",op="seen"} 2`,
		`vaxbot_dedupe_failures_total{channel="line",op="forget"} 1`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("no %s in:\n%s", want, text)
		}
	}
	l := logs.String()
	if n := strings.Count(l, `"level":"WARN"`); n != 2 {
		t.Errorf("%d warnings for two outages, want 2:\n%s", n, l)
	}
	if n := strings.Count(l, `"level":"INFO"`); n != 1 {
		t.Errorf("%d notes of the store answering again, want 1:\n%s", n, l)
	}
}

// startServer serves s on loopback until the test ends.
func startServer(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return "http://" + ln.Addr().String()
}

// TestServerRecoversPanic: a request whose handler panics gets 500 (the
// platform delivers the event again), the panic is counted and logged
// without the body, and the server goes on serving.
func TestServerRecoversPanic(t *testing.T) {
	var logs lockedBuffer
	m := NewMetrics()
	ch := newFakeChannel()
	d := NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Metrics: m, Workers: 1})
	s := NewServer(ServerConfig{Channels: []Channel{ch}, Dispatcher: d, Metrics: m, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	base := startServer(t, s)
	steps := []struct {
		name   string
		method string
		path   string
		body   string
		want   int
	}{
		{"a webhook that panics", http.MethodPost, "/webhook/line", "boom", http.StatusInternalServerError},
		{"the next webhook", http.MethodPost, "/webhook/line", "hello", http.StatusOK},
		{"health", http.MethodGet, "/healthz", "", http.StatusOK},
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, st := range steps {
		req, _ := http.NewRequest(st.method, base+st.path, strings.NewReader(st.body))
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != st.want {
			t.Errorf("%s: status %d, want %d", st.name, res.StatusCode, st.want)
		}
	}
	if got := ch.wait(t); got != "re: hello" {
		t.Errorf("delivered %q, want the answer to hello", got)
	}
	if want := `vaxbot_http_panics_total{route="webhook_line"} 1`; !strings.Contains(metricsText(m), want+"\n") {
		t.Errorf("no %s in:\n%s", want, metricsText(m))
	}
	l := logs.String()
	if strings.Contains(l, secret) {
		t.Errorf("the panic's value or the body reached the log:\n%s", l)
	}
	if !strings.Contains(l, `"panic_type":"*errors.errorString"`) || !strings.Contains(l, `"route":"webhook_line"`) {
		t.Errorf("no panic type or route in the log:\n%s", l)
	}
}

// TestFasthttpLoggerDropsArgs: fasthttp's own messages reach the logger
// without their arguments, which may quote a request's bytes.
func TestFasthttpLoggerDropsArgs(t *testing.T) {
	var logs lockedBuffer
	fasthttpLogger{l: slog.New(slog.NewJSONHandler(&logs, nil))}.Printf("cannot parse %q: %v", "text "+secret, errors.New(secret))
	l := logs.String()
	if strings.Contains(l, secret) || !strings.Contains(l, `cannot parse %q: %v`) || !strings.Contains(l, `"args_dropped":2`) {
		t.Errorf("log %s", l)
	}
}
