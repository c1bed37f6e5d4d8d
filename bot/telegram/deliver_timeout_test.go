package telegram

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

// hold says how the front of the fake API holds the next calls of a
// method past the client's timeout: after delivering them (the fake
// records them and the person sees them) or before.
type hold struct {
	method  string
	deliver bool
}

// holdingAPI puts a front before a fake Bot API that holds the calls
// listed, in order, and passes the others through.
func holdingAPI(t *testing.T, holds ...hold) (url string, f *fakeAPI) {
	t.Helper()
	f = newFakeAPI(t)
	release := make(chan struct{})
	var mu sync.Mutex
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		mu.Lock()
		var h *hold
		if len(holds) > 0 && holds[0].method == method {
			h, holds = &holds[0], holds[1:]
		}
		mu.Unlock()
		if h == nil {
			f.serve(w, r)
			return
		}
		if h.deliver {
			f.serve(httptest.NewRecorder(), r) // delivered; the answer never leaves
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() { close(release) })
		front.Close()
	})
	return front.URL, f
}

// TestDeliverNeverResends: a sendMessage that went unanswered may have been
// delivered: it is not sent again, nor are the replies after it, and it is
// counted "unknown", not "failed". A refused connection is retried, and an
// unanswered answerCallbackQuery too (answering twice shows nothing twice).
func TestDeliverNeverResends(t *testing.T) {
	tests := []struct {
		name      string
		body      string // testdata file of the event
		holds     []hold
		wantErr   error // nil: delivered
		wantSends int   // sendMessage calls the API took in
		wantCalls string
		metrics   map[string]string
	}{
		{"delivered, then no answer: not resent", "text.json", []hold{{"sendMessage", true}}, bot.ErrDeliveryUnknown,
			1, "sendMessage", map[string]string{"unknown": "1"}},
		{"no answer, not delivered: still not resent", "text.json", []hold{{"sendMessage", false}}, bot.ErrDeliveryUnknown,
			0, "", map[string]string{"unknown": "1"}},
		{"callback answer unanswered: answered again, then the reply", "callback.json", []hold{{"answerCallbackQuery", true}}, nil,
			2, "answerCallbackQuery answerCallbackQuery sendMessage sendMessage", map[string]string{"sent": "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, f := holdingAPI(t, tt.holds...)
			m := bot.NewMetrics()
			// The held call waits out the timeout; the others must come
			// back within it, also on a machine busy with other tests
			// (150 ms was once too short there).
			c, err := New(Config{Token: testToken, APIBase: url, Metrics: m, HTTPClient: &http.Client{Timeout: time.Second}})
			if err != nil {
				t.Fatal(err)
			}
			c.sleep = (&waits{}).sleep
			ev := mustDecode(t, readTestdata(t, tt.body))
			err = c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "one"}, {Text: "two"}})
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Deliver: %v", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("Deliver: got %v, want %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Errorf("the error holds the token: %v", err)
			}
			if got := len(sent(f)); got != tt.wantSends {
				t.Errorf("got %d messages taken in by the API, want %d", got, tt.wantSends)
			}
			if tt.wantCalls != "" {
				if got := strings.Join(f.methods(), " "); got != tt.wantCalls {
					t.Errorf("got calls %q, want %q", got, tt.wantCalls)
				}
			}
			for result, n := range tt.metrics {
				wantMetric(t, m, result, n)
			}
			if text := metricsText(m); strings.Contains(text, `result="failed"`) || strings.Contains(text, `result="retried"`) {
				t.Errorf("a send was counted failed or retried:\n%s", text)
			}
		})
	}
}

// TestDeliverChecksItsContextFirst: once the event's context has ended no
// call is made.
func TestDeliverChecksItsContextFirst(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.Deliver(ctx, mustDecode(t, readTestdata(t, "callback.json")), []dialogs.Reply{{Text: "hello"}})
	if !errors.Is(err, context.Canceled) || errors.Is(err, bot.ErrDeliveryUnknown) {
		t.Errorf("got %v, want context.Canceled, not unknown", err)
	}
	if calls := f.methods(); len(calls) != 0 {
		t.Errorf("got calls %v after the context ended, want none", calls)
	}
}

// TestDecodeAt: a message's date is its event's time, for the replay
// window; a callback query has none.
func TestDecodeAt(t *testing.T) {
	tests := []struct {
		name string
		body string
		want time.Time
	}{
		{"message", `{"update_id":1,"message":{"message_id":5,"from":{"id":42,"is_bot":false,"first_name":"A"},"chat":{"id":42,"type":"private"},"date":1764137000,"text":"hi"}}`, time.Unix(1764137000, 0)},
		{"message without a date", `{"update_id":1,"message":{"message_id":5,"from":{"id":42,"is_bot":false,"first_name":"A"},"chat":{"id":42,"type":"private"},"text":"hi"}}`, time.Time{}},
		{"callback query", string(callbackIn(77, "private", "menu", 0)), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := mustDecode(t, []byte(tt.body))
			if !ev.At.Equal(tt.want) {
				t.Errorf("got At %v, want %v", ev.At, tt.want)
			}
		})
	}
}
