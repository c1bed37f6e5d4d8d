package line

import (
	"testing"
	"time"
)

// TestDecodeAt: each event carries LINE's timestamp, for the server's
// replay window; an event without one has the zero time.
func TestDecodeAt(t *testing.T) {
	tests := []struct {
		name string
		body string
		want time.Time
	}{
		{"text", string(sourced(user, "message", textWith("hi", ""))), time.UnixMilli(1625665242211)},
		{"postback", string(sourced(user, "postback", `"postback":{"data":"menu"}`)), time.UnixMilli(1625665242211)},
		{"follow without a timestamp", `{"destination":"Ubot","events":[{"type":"follow","webhookEventId":"01E","mode":"active","source":{"type":"user","userId":"U1"},"replyToken":"rt1"}]}`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := decode([]byte(tt.body), time.Now())
			if err != nil || len(evs) != 1 {
				t.Fatalf("decode: %v, %v", evs, err)
			}
			if !evs[0].At.Equal(tt.want) {
				t.Errorf("got At %v, want %v", evs[0].At, tt.want)
			}
		})
	}
}
