package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// fakeVoice is a Voice that accepts every request and answers a Hangup.
type fakeVoice struct{}

func (fakeVoice) Authenticate(string, string, url.Values, string) bool { return true }
func (fakeVoice) Handle(context.Context, string, url.Values) []byte {
	return []byte("<Response><Hangup/></Response>")
}

// do sends one request and returns the response with its body read.
func do(t *testing.T, method, u, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestMethodNotAllowedSaysAllow: every route answers a wrong method with
// 405 and an Allow header naming the right ones.
func TestMethodNotAllowedSaysAllow(t *testing.T) {
	d := NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Workers: 1})
	s := NewServer(ServerConfig{
		Channels: []Channel{newFakeChannel()}, Dispatcher: d, Voice: fakeVoice{},
		Ops: &Ops{Token: "ops-token", Tickets: tickets.NewMemoryStore()},
	})
	base := startServer(t, s)
	bearer := map[string]string{"Authorization": "Bearer ops-token"}
	tests := []struct {
		name, method, path string
		header             map[string]string
		allow              string
	}{
		{"webhook GET", http.MethodGet, "/webhook/line", nil, "POST"},
		{"webhook PUT", http.MethodPut, "/webhook/line", nil, "POST"},
		{"voice GET", http.MethodGet, "/voice/incoming", nil, "POST"},
		{"voice DELETE", http.MethodDelete, "/voice/gather", nil, "POST"},
		{"healthz POST", http.MethodPost, "/healthz", nil, "GET, HEAD"},
		{"readyz POST", http.MethodPost, "/readyz", nil, "GET, HEAD"},
		{"metrics DELETE", http.MethodDelete, "/metrics", nil, "GET, HEAD"},
		{"ops list POST", http.MethodPost, "/ops/tickets", bearer, "GET"},
		{"ops find GET", http.MethodGet, "/ops/tickets:find", bearer, "POST"},
		{"ops ticket POST", http.MethodPost, "/ops/tickets/K7M-42Q", bearer, "GET"},
		{"ops claim GET", http.MethodGet, "/ops/tickets/K7M-42Q/claim", bearer, "POST"},
		{"ops close GET", http.MethodGet, "/ops/tickets/K7M-42Q/close", bearer, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := do(t, tt.method, base+tt.path, "", tt.header)
			if res.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("got status %d, want 405", res.StatusCode)
			}
			if got := res.Header.Get("Allow"); got != tt.allow {
				t.Errorf("got Allow %q, want %q", got, tt.allow)
			}
		})
	}
}

// countingCheck is a readiness check whose result the test sets, counting
// how often it is asked.
type countingCheck struct {
	calls atomic.Int32
	down  atomic.Bool
	hang  atomic.Bool
}

func (c *countingCheck) probe(ctx context.Context) error {
	c.calls.Add(1)
	if c.hang.Load() {
		<-ctx.Done()
		return ctx.Err()
	}
	if c.down.Load() {
		return errors.New("connection refused")
	}
	return nil
}

// readyBody reads /readyz's status and JSON answer.
func readyBody(t *testing.T, base string) (int, readyAnswer) {
	t.Helper()
	res, body := do(t, http.MethodGet, base+"/readyz", "", nil)
	var a readyAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("readyz body %q: %v", body, err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("readyz Content-Type %q", ct)
	}
	return res.StatusCode, a
}

// TestReadyz: /readyz is 200 with every check up, 503 naming what is
// down (a check that fails, one that hangs past the timeout, the drain),
// and /healthz stays 200 throughout.
func TestReadyz(t *testing.T) {
	redis, db := &countingCheck{}, &countingCheck{}
	d := NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Workers: 1})
	s := NewServer(ServerConfig{
		Dispatcher: d, ReadyCache: time.Nanosecond, ReadyTimeout: 100 * time.Millisecond,
		Checks: []Check{{Name: "redis", Probe: redis.probe}, {Name: "database", Probe: db.probe}},
	})
	base := startServer(t, s)
	steps := []struct {
		name               string
		setup              func()
		wantStatus         int
		wantDown           []string
		wantRedis, wantDB  string
		wantStatusInAnswer string
	}{
		{"all up", func() {}, 200, []string{}, "up", "up", "ready"},
		{"redis down", func() { redis.down.Store(true) }, 503, []string{"redis"}, "down", "up", "not ready"},
		{"database hangs too", func() { db.hang.Store(true) }, 503, []string{"redis", "database"}, "down", "down", "not ready"},
		{"both back", func() { redis.down.Store(false); db.hang.Store(false) }, 200, []string{}, "up", "up", "ready"},
		{"draining", s.Drain, 503, []string{Draining}, "up", "up", "not ready"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.setup()
			start := time.Now()
			code, a := readyBody(t, base)
			if took := time.Since(start); took > time.Second {
				t.Errorf("readyz took %v: the checks are not bounded", took)
			}
			if code != st.wantStatus || a.Status != st.wantStatusInAnswer {
				t.Errorf("got %d %q, want %d %q", code, a.Status, st.wantStatus, st.wantStatusInAnswer)
			}
			if strings.Join(a.Down, ",") != strings.Join(st.wantDown, ",") {
				t.Errorf("got down %v, want %v", a.Down, st.wantDown)
			}
			if a.Checks["redis"] != st.wantRedis || a.Checks["database"] != st.wantDB {
				t.Errorf("got checks %v, want redis %s, database %s", a.Checks, st.wantRedis, st.wantDB)
			}
			if res, _ := do(t, http.MethodGet, base+"/healthz", "", nil); res.StatusCode != http.StatusOK {
				t.Errorf("healthz %d, want 200 (liveness asks no back end)", res.StatusCode)
			}
		})
	}
}

// TestReadyzCachesChecks: a storm of probes within the cache period asks
// each back end once.
func TestReadyzCachesChecks(t *testing.T) {
	redis := &countingCheck{}
	s := NewServer(ServerConfig{
		Dispatcher: NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Workers: 1}),
		ReadyCache: time.Minute, Checks: []Check{{Name: "redis", Probe: redis.probe}},
	})
	base := startServer(t, s)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if res, _ := do(t, http.MethodGet, base+"/readyz", "", nil); res.StatusCode != http.StatusOK {
				t.Errorf("readyz %d", res.StatusCode)
			}
		})
	}
	wg.Wait()
	if n := redis.calls.Load(); n != 1 {
		t.Errorf("50 probes asked Redis %d times, want 1", n)
	}
}

// hangingChannel is a channel whose Deliver blocks: until its context
// ends (an API that hangs, with a client that honours cancellation), or
// until the test ends (a call that ignores its context).
type hangingChannel struct {
	ignoreCtx bool
	release   chan struct{}
	started   chan struct{}
}

func (c *hangingChannel) Name() string                                  { return "line" }
func (c *hangingChannel) Authenticate(func(string) string, []byte) bool { return true }
func (c *hangingChannel) Decode([]byte) ([]Event, error)                { return nil, nil }

func (c *hangingChannel) Deliver(ctx context.Context, _ Event, _ []dialogs.Reply) error {
	select {
	case c.started <- struct{}{}:
	default:
	}
	if c.ignoreCtx {
		<-c.release
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.release:
		return nil
	}
}

// TestDispatcherCloseKeepsItsBound: with 40 events queued behind an API
// that hangs, Close returns within its context plus closeGrace, whether
// the calls honour their context or not; every event is counted, as lost
// at shutdown or as a lost reply, and the error says so.
func TestDispatcherCloseKeepsItsBound(t *testing.T) {
	const events, bound = 40, 300 * time.Millisecond
	tests := []struct {
		name      string
		ignoreCtx bool
	}{
		{"calls honour their context", false},
		{"calls ignore their context", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := &hangingChannel{ignoreCtx: tt.ignoreCtx, release: make(chan struct{}), started: make(chan struct{}, 1)}
			t.Cleanup(func() { close(ch.release) })
			m := NewMetrics()
			d := NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Metrics: m, Workers: 2})
			for i := range events {
				ev := Event{Type: "text", Input: dialogs.Input{Person: "line:U" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Text: "hi"}}
				if err := d.Enqueue(ch, ev); err != nil {
					t.Fatal(err)
				}
			}
			<-ch.started
			ctx, cancel := context.WithTimeout(context.Background(), bound)
			defer cancel()
			start := time.Now()
			err := d.Close(ctx)
			if took := time.Since(start); took > bound+closeGrace+200*time.Millisecond {
				t.Errorf("Close took %v, want at most %v", took, bound+closeGrace)
			}
			if !errors.Is(err, ErrEventsLost) {
				t.Errorf("got %v, want ErrEventsLost", err)
			}
			text := metricsText(m)
			lost := metricValue(t, text, `vaxbot_events_lost_total{channel="line",reason="shutdown"}`)
			replies := metricValue(t, text, `vaxbot_replies_total{channel="line",result="lost"}`)
			if lost+replies != events || lost < events-2 {
				t.Errorf("got %d events lost at shutdown and %d replies lost, want %d in all (at most 2 in flight)", lost, replies, events)
			}
		})
	}
}

// metricValue is the value of the series named (0 when absent).
func metricValue(t *testing.T, text, series string) int {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			var n int
			if err := json.Unmarshal([]byte(v), &n); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return n
		}
	}
	return 0
}

// unknownChannel is a channel whose deliveries end unanswered.
type unknownChannel struct{ fakeChannel }

func (c *unknownChannel) Deliver(context.Context, Event, []dialogs.Reply) error {
	c.delivered <- "unknown"
	return errors.New("line: reply: " + ErrDeliveryUnknown.Error())
}

// unknownWrapped is a channel whose deliveries end unanswered, the error
// wrapping ErrDeliveryUnknown.
type unknownWrapped struct{ fakeChannel }

func (c *unknownWrapped) Deliver(context.Context, Event, []dialogs.Reply) error {
	c.delivered <- "unknown"
	return errors.Join(errors.New("line: reply"), ErrDeliveryUnknown)
}

// TestDispatcherCountsUnknownApart: replies that may have arrived are not
// counted lost, nor as a failed turn; a plain error is.
func TestDispatcherCountsUnknownApart(t *testing.T) {
	tests := []struct {
		name string
		ch   interface {
			Channel
			wait(t *testing.T) string
		}
		wantLost int
	}{
		{"wrapping ErrDeliveryUnknown", &unknownWrapped{*newFakeChannel()}, 0},
		{"another error", &unknownChannel{*newFakeChannel()}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMetrics()
			d := NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Metrics: m, Workers: 1})
			if err := d.Enqueue(tt.ch, Event{Type: "text", Input: dialogs.Input{Person: "line:U1", Text: "hi"}}); err != nil {
				t.Fatal(err)
			}
			tt.ch.wait(t)
			if err := d.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			text := metricsText(m)
			if got := metricValue(t, text, `vaxbot_replies_total{channel="line",result="lost"}`); got != tt.wantLost {
				t.Errorf("got %d lost, want %d", got, tt.wantLost)
			}
			if got := metricValue(t, text, `vaxbot_turn_failures_total{cause="deliver"}`); got != tt.wantLost {
				t.Errorf("got %d failed turns, want %d", got, tt.wantLost)
			}
		})
	}
}

// TestMetricsHoldProcessAndRuntime: /metrics carries the process's and
// the Go runtime's metrics besides vaxbot's.
func TestMetricsHoldProcessAndRuntime(t *testing.T) {
	s := NewServer(ServerConfig{Dispatcher: NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Workers: 1})})
	base := startServer(t, s)
	res, body := do(t, http.MethodGet, base+"/metrics", "", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("metrics %d", res.StatusCode)
	}
	for _, want := range []string{"go_goroutines ", "go_memstats_heap_inuse_bytes ", "go_gc_duration_seconds", "process_cpu_seconds_total ", "vaxbot_turn_failures_total"} {
		if !strings.Contains(body, "\n"+want) {
			t.Errorf("no %s in /metrics", want)
		}
	}
}
