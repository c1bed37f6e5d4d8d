// Package linetest is a fake LINE Messaging API on loopback for tests: it
// speaks the API's wire format and records what it receives.
package linetest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Call is one request the fake received.
type Call struct {
	Path   string
	Header http.Header
	Body   map[string]any
}

// Reply is one reply call the fake accepted.
type Reply struct {
	Token    string
	Messages []map[string]any
}

// Fake is the fake API. It answers 200 with a send result unless told to
// fail (429 comes with Retry-After: 0).
type Fake struct {
	// URL is the base URL to give the SDK (messaging_api.WithEndpoint).
	URL string

	mu       sync.Mutex
	calls    []Call
	replies  []Reply
	statuses []int
	delay    time.Duration
}

// New starts a fake, closed when the test ends.
func New(t testing.TB) *Fake {
	f := &Fake{}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Fail makes the next answers these statuses, in order.
func (f *Fake) Fail(statuses ...int) {
	f.mu.Lock()
	f.statuses = append(f.statuses, statuses...)
	f.mu.Unlock()
}

// Delay makes every answer wait d.
func (f *Fake) Delay(d time.Duration) {
	f.mu.Lock()
	f.delay = d
	f.mu.Unlock()
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	f.mu.Lock()
	f.calls = append(f.calls, Call{Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	status := http.StatusOK
	if len(f.statuses) > 0 {
		status, f.statuses = f.statuses[0], f.statuses[1:]
	}
	delay := f.delay
	f.mu.Unlock()
	time.Sleep(delay)
	if status != http.StatusOK {
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"message":"error"}`)
		return
	}
	if r.URL.Path == "/v2/bot/message/reply" {
		var req struct {
			ReplyToken string           `json:"replyToken"`
			Messages   []map[string]any `json:"messages"`
		}
		_ = json.Unmarshal(raw, &req)
		f.mu.Lock()
		f.replies = append(f.replies, Reply{Token: req.ReplyToken, Messages: req.Messages})
		f.mu.Unlock()
	}
	io.WriteString(w, `{"sentMessages":[{"id":"461230966842064897","quoteToken":"IStG5h1Tz7b"}]}`)
}

// Calls returns every request received, in order.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// Replies returns the accepted reply calls, in order.
func (f *Fake) Replies() []Reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Reply(nil), f.replies...)
}

// WaitReplies waits up to 10 s for n accepted replies and returns them.
func (f *Fake) WaitReplies(t testing.TB, n int) []Reply {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if r := f.Replies(); len(r) >= n {
			return r
		}
	}
	t.Fatalf("got %d replies, want %d", len(f.Replies()), n)
	return nil
}
