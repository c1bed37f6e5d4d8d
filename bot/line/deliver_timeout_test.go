package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

// clientTimeout is the HTTP client's timeout in these tests: a call the
// fake holds longer goes unanswered.
const clientTimeout = 150 * time.Millisecond

// step is how the fake answers one call: it may first take the call in
// (deliver it), then either answer with status and body or hold the call
// past the client's timeout ("hang").
type step struct {
	deliver bool
	hang    bool
	status  int
	body    string
}

var (
	deliverThenHang = step{deliver: true, hang: true}
	hangOnly        = step{hang: true}
	tokenUsed       = step{status: http.StatusBadRequest, body: `{"message":"Invalid reply token"}`}
	keyAccepted     = step{status: http.StatusConflict, body: `{"message":"The retry key is already accepted"}`}
)

// deliveringAPI is a Messaging API that delivers as LINE does: a reply
// token is used once, a push retry key is accepted once. Each path
// follows its script of steps, then answers 200 and delivers.
type deliveringAPI struct {
	url     string
	mu      sync.Mutex
	script  map[string][]step
	calls   []string // paths, in order
	shown   []string // what reached the person: "reply" or "push"
	release chan struct{}
}

func newDeliveringAPI(t *testing.T, script map[string][]step) *deliveringAPI {
	t.Helper()
	a := &deliveringAPI{script: script, release: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(a.serve))
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() { close(a.release) })
		srv.Close()
	})
	a.url = srv.URL
	return a
}

func (a *deliveringAPI) serve(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	kind := map[string]string{replyPath: "reply", pushPath: "push"}[r.URL.Path]
	a.mu.Lock()
	a.calls = append(a.calls, r.URL.Path)
	s := step{deliver: true, status: http.StatusOK, body: `{"sentMessages":[{"id":"1","quoteToken":"q"}]}`}
	if q := a.script[r.URL.Path]; len(q) > 0 {
		s, a.script[r.URL.Path] = q[0], q[1:]
	}
	if s.deliver {
		a.shown = append(a.shown, kind)
	}
	a.mu.Unlock()
	if s.hang {
		select {
		case <-r.Context().Done():
		case <-a.release:
		}
		return
	}
	w.WriteHeader(s.status)
	io.WriteString(w, s.body)
}

func (a *deliveringAPI) record() (calls, shown []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.calls...), append([]string(nil), a.shown...)
}

// TestDeliverAtMostOnce: a reply or a push that went unanswered is never
// followed by another that would show the same replies again; each
// outcome is counted as what it is.
func TestDeliverAtMostOnce(t *testing.T) {
	tests := []struct {
		name      string
		script    map[string][]step
		age       time.Duration // of the event: past the reply window, a push
		wantErr   error         // nil: delivered
		wantShown string        // what reached the person
		wantCalls string
		wantCount string // the vaxbot_replies_total result counted once
	}{
		{"reply delivered, then timed out: the retry's invalid token means delivered, no push",
			map[string][]step{replyPath: {deliverThenHang, tokenUsed}}, 0, nil,
			"reply", "reply reply", "delivered_after_timeout"},
		{"reply never answered: unknown, no push",
			map[string][]step{replyPath: {hangOnly, hangOnly, hangOnly, hangOnly}}, 0, bot.ErrDeliveryUnknown,
			"", "reply reply reply reply", "unknown"},
		{"reply delivered, then every retry unanswered: unknown, no push",
			map[string][]step{replyPath: {deliverThenHang, hangOnly, hangOnly, hangOnly}}, 0, bot.ErrDeliveryUnknown,
			"reply", "reply reply reply reply", "unknown"},
		{"reply timed out undelivered: the retry delivers",
			map[string][]step{replyPath: {hangOnly}}, 0, nil,
			"reply", "reply reply", "sent"},
		{"invalid token without a timeout: push",
			map[string][]step{replyPath: {tokenUsed}}, 0, nil,
			"push", "reply push", "pushed"},
		{"push delivered, then timed out: the retry key's 409 means delivered",
			map[string][]step{pushPath: {deliverThenHang, keyAccepted}}, time.Minute, nil,
			"push", "push push", "delivered_after_timeout"},
		{"push never answered: unknown",
			map[string][]step{pushPath: {hangOnly, hangOnly, hangOnly, hangOnly}}, time.Minute, bot.ErrDeliveryUnknown,
			"", "push push push push", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each waits out timeouts and backoffs
			api := newDeliveringAPI(t, tt.script)
			m := bot.NewMetrics()
			received := time.Now().Add(-tt.age)
			c, err := New(Config{
				Secret: testSecret, Token: "tok", APIBase: api.url, PushFallback: true, Metrics: m,
				HTTPClient: &http.Client{Timeout: clientTimeout},
			})
			if err != nil {
				t.Fatal(err)
			}
			ev := bot.Event{Type: "text", Reply: replyTo{token: "tok123", userID: "Uabc", received: received}}
			err = c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "hi"}})
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Deliver: %v", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("Deliver: got %v, want %v", err, tt.wantErr)
			case errors.Is(err, bot.ErrDeliveryUnknown) && errors.Is(err, ErrLost):
				t.Errorf("error %v is both unknown and lost", err)
			}
			calls, shown := api.record()
			for i, p := range calls {
				calls[i] = map[string]string{replyPath: "reply", pushPath: "push"}[p]
			}
			if got := strings.Join(calls, " "); got != tt.wantCalls {
				t.Errorf("got calls %q, want %q", got, tt.wantCalls)
			}
			if got := strings.Join(shown, " "); got != tt.wantShown {
				t.Errorf("the person was shown %q, want %q", got, tt.wantShown)
			}
			var b bytes.Buffer
			m.WritePrometheus(&b)
			for _, result := range []string{"sent", "pushed", "delivered_after_timeout", "unknown", "failed", "expired"} {
				want := 0
				if result == tt.wantCount {
					want = 1
				}
				if got := countOf(b.String(), result); got != want {
					t.Errorf("got %d replies counted %q, want %d", got, result, want)
				}
			}
		})
	}
}

// countOf is vaxbot_replies_total{channel="line",result=…} in a metrics
// text (0 when absent).
func countOf(text, result string) int {
	prefix := `vaxbot_replies_total{channel="line",result="` + result + `"} `
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			var n int
			_ = json.Unmarshal([]byte(v), &n)
			return n
		}
	}
	return 0
}

// TestDeliverChecksItsContextFirst: once the event's context has ended,
// no call is made at all, and the replies are lost (not unknown).
func TestDeliverChecksItsContextFirst(t *testing.T) {
	api := newDeliveringAPI(t, nil)
	c, err := New(Config{Secret: testSecret, Token: "tok", APIBase: api.url, PushFallback: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ev := bot.Event{Type: "text", Reply: replyTo{token: "tok123", userID: "Uabc", received: time.Now()}}
	err = c.Deliver(ctx, ev, []dialogs.Reply{{Text: "hi"}})
	if !errors.Is(err, ErrLost) || !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want ErrLost and context.Canceled", err)
	}
	if calls, _ := api.record(); len(calls) != 0 {
		t.Errorf("got calls %v after the context ended, want none", calls)
	}
}
