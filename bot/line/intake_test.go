package line

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/dialogs"
)

// TestReplyContextThroughTheStream: an event's reply context written for a
// durable intake and read back (by another replica) keeps when the
// webhook received it, so that an event taken over after LINE's reply
// window is pushed where push is on, and otherwise counted expired, never
// answered with a stale token.
func TestReplyContextThroughTheStream(t *testing.T) {
	tests := []struct {
		name       string
		age        time.Duration
		push       bool
		wantPath   string
		wantResult string
	}{
		{"young: replied", 5 * time.Second, false, replyPath, "sent"},
		{"past the reply window, push on: pushed", 2 * time.Minute, true, pushPath, "pushed"},
		{"past the reply window, push off: counted", 2 * time.Minute, false, "", "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := linetest.New(t)
			now := time.Now()
			m := bot.NewMetrics()
			c, err := New(Config{Secret: testSecret, Token: "tok", APIBase: api.URL, PushFallback: tt.push, Metrics: m,
				Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			body := `{"destination":"Ubot","events":[{"type":"message","webhookEventId":"e1","timestamp":1,"mode":"active",` +
				`"source":{"type":"user","userId":"Uabc"},"replyToken":"tok-1","message":{"type":"text","id":"m1","text":"hello"}}]}`
			events, err := c.Decode([]byte(body))
			if err != nil || len(events) != 1 {
				t.Fatalf("decode: %v, %d events", err, len(events))
			}
			ev := events[0]
			r := ev.Reply.(replyTo)
			r.received = now.Add(-tt.age)
			data, err := c.EncodeReply(r)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Reply, err = c.DecodeReply(data); err != nil {
				t.Fatal(err)
			}
			if got := ev.Reply.(replyTo); got.token != r.token || got.userID != r.userID || !got.received.Equal(r.received) {
				t.Fatalf("read back %+v, want %+v", got, r)
			}
			c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "hi"}})
			calls := api.Calls()
			switch {
			case tt.wantPath == "" && len(calls) != 0:
				t.Errorf("%d calls, want none", len(calls))
			case tt.wantPath != "" && (len(calls) != 1 || calls[0].Path != tt.wantPath):
				t.Errorf("calls %+v, want one to %s", calls, tt.wantPath)
			}
			var b bytes.Buffer
			m.WritePrometheus(&b)
			if want := `vaxbot_replies_total{channel="line",result="` + tt.wantResult + `"} 1`; !strings.Contains(b.String(), want) {
				t.Errorf("not counted: %s", want)
			}
		})
	}
	if _, err := (&Channel{}).EncodeReply("not a reply context"); err == nil {
		t.Error("a foreign reply context was encoded")
	}
	if _, err := (&Channel{}).DecodeReply([]byte("{")); err == nil {
		t.Error("a malformed reply context was decoded")
	}
}
