package line

import (
	"context"
	"net/http"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/dialogs"
)

// TestFastEventShapes: the plain events LINE sends most take the one-walk
// path, and the shapes it leaves to the SDK do go there (FuzzDecodeMatchesSDK
// checks that both give the SDK's result).
func TestFastEventShapes(t *testing.T) {
	for _, tc := range []struct {
		file string
		fast bool
	}{
		{"text.json", true},
		{"postback.json", true},
		{"follow.json", true},
		{"group_postback.json", true},
		{"standby.json", true},
		{"group_mention.json", false}, // a mention: the SDK's Mentionee types
		{"sticker.json", false},
		{"unknown.json", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			events, err := rawEvents(body)
			if err != nil || len(events) == 0 {
				t.Fatalf("rawEvents: %d events, %v", len(events), err)
			}
			_, _, ok := fastEvent(events[0])
			if ok != tc.fast {
				t.Errorf("fast path taken: %v, want %v", ok, tc.fast)
			}
		})
	}
}

// TestFastCallIsTheSDKsRequest: a reply and a push through fasthttp's
// client directly carry what the SDK's http.Client sends (method, path,
// token, User-Agent, content type, retry key, body), and are retried and
// refused alike.
func TestFastCallIsTheSDKsRequest(t *testing.T) {
	replies := []dialogs.Reply{{Text: "健保卡 <1922> & \u2028", Choices: []dialogs.Choice{{Label: "Main menu", Payload: "menu"}}}}
	received := time.Now()
	type seen struct {
		paths, agents, types, auths []string
		keys                        int
		bodies                      []map[string]any
		err                         bool
	}
	run := func(t *testing.T, hc *http.Client) seen {
		api := linetest.New(t)
		api.Fail(500, 400) // a retry, then an invalid token: push
		c, err := New(Config{Secret: testSecret, Token: "tok", APIBase: api.URL, PushFallback: true, HTTPClient: hc,
			Now: func() time.Time { return received }})
		if err != nil {
			t.Fatal(err)
		}
		if (c.fast != nil) != (hc == nil) {
			t.Fatalf("fast path set up: %v, want %v", c.fast != nil, hc == nil)
		}
		ev := bot.Event{Type: "text", Reply: replyTo{token: "tok123", userID: "Uabc", received: received}}
		err = c.Deliver(context.Background(), ev, replies)
		var s seen
		s.err = err != nil
		for _, call := range api.Calls() {
			s.paths = append(s.paths, call.Path)
			s.agents = append(s.agents, call.Header.Get("User-Agent"))
			s.types = append(s.types, call.Header.Get("Content-Type"))
			s.auths = append(s.auths, call.Header.Get("Authorization"))
			if call.Header.Get("X-Line-Retry-Key") != "" {
				s.keys++
			}
			s.bodies = append(s.bodies, call.Body)
		}
		return s
	}
	fast := run(t, nil)
	sdk := run(t, &http.Client{Timeout: 10 * time.Second})
	if !reflect.DeepEqual(fast, sdk) {
		t.Errorf("fasthttp directly:\n%+v\nthe SDK's client:\n%+v", fast, sdk)
	}
	if len(fast.paths) != 3 || fast.keys != 1 || fast.err {
		t.Errorf("calls %v, retry keys %d, error %v: want reply, reply, push with one key", fast.paths, fast.keys, fast.err)
	}
}
