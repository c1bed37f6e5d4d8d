package bot

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

func TestNotifierRetriesAndSendsNoNumbers(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	calls := 0
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		bodies = append(bodies, string(b))
	}))
	defer hook.Close()
	var tg []string
	n := NewNotifier(NotifierConfig{
		Webhook: hook.URL, Backoff: time.Millisecond,
		Telegram: func(_ context.Context, text string) error {
			mu.Lock()
			defer mu.Unlock()
			tg = append(tg, text)
			return nil
		},
	})
	store := NotifyingStore{Store: tickets.NewMemoryStore(), Notifier: n}
	tk := &tickets.Ticket{Ref: "K7M-42Q", Line: "1922", Reason: "mismatch_twice", Channel: "line", Lang: "en",
		MaskedID: "A12*****89", IDHash: "abc", Status: tickets.StatusOpen, CreatedAt: time.Now(),
		Turns: []tickets.Turn{{From: "person", Text: "my card 0000 1111 2222"}}}
	if err := store.Create(context.Background(), tk); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 2 || len(bodies) != 1 || len(tg) != 1 {
		t.Fatalf("calls %d, bodies %v, telegram %v", calls, bodies, tg)
	}
	var got Notice
	if err := json.Unmarshal([]byte(bodies[0]), &got); err != nil || got.Ref != "K7M-42Q" || got.MaskedID != "A12*****89" {
		t.Errorf("notice %s (%v)", bodies[0], err)
	}
	for _, s := range []string{bodies[0], tg[0]} {
		if strings.Contains(s, "0000 1111 2222") || strings.Contains(s, "abc") {
			t.Errorf("notice carries conversation text or the hash: %s", s)
		}
	}
	if !strings.Contains(tg[0], "K7M-42Q") {
		t.Errorf("telegram text %q", tg[0])
	}
}

func TestNotifierGivesUp(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer hook.Close()
	m := NewMetrics()
	n := NewNotifier(NotifierConfig{Webhook: hook.URL, Backoff: time.Millisecond, Attempts: 3, Metrics: m})
	n.Notify(&tickets.Ticket{Ref: "AAA-AAA"})
	n.Close(context.Background())
	var b strings.Builder
	m.WritePrometheus(&b)
	if !strings.Contains(b.String(), `vaxbot_notifications_total{target="webhook",result="failed"} 1`) {
		t.Errorf("metrics:\n%s", b.String())
	}
}

func TestNotifyAfterCloseIsDropped(t *testing.T) {
	m := NewMetrics()
	n := NewNotifier(NotifierConfig{Webhook: "http://127.0.0.1:1", Metrics: m})
	n.Close(context.Background())
	n.Notify(&tickets.Ticket{Ref: "AAA-AAA"}) // must not panic
	var b strings.Builder
	m.WritePrometheus(&b)
	if !strings.Contains(b.String(), `vaxbot_notifications_total{result="dropped"} 1`) {
		t.Errorf("metrics:\n%s", b.String())
	}
}

func TestNoticeTextInBothLanguages(t *testing.T) {
	n := Notice{Ref: "K7M-42Q", Line: "county", County: "TPE", Reason: "mismatch_twice", Channel: "line", Lang: "en", MaskedID: "A12*****89"}
	want := "新案件 K7M-42Q：專線 county，原因 mismatch_twice（line，en），縣市 TPE，證號 A12*****89\n" +
		"New ticket K7M-42Q for county: mismatch_twice (line, en), county TPE, ID A12*****89"
	if got := n.Text(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
