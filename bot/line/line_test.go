package line

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/dialogs"
)

const testSecret = "s3cret-channel"

// sign computes X-Line-Signature as LINE does.
func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(testSecret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func newChannel(t *testing.T, api *linetest.Fake, push bool, now func() time.Time) *Channel {
	t.Helper()
	c, err := New(Config{Secret: testSecret, Token: "tok", APIBase: api.URL, PushFallback: push, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAuthenticate(t *testing.T) {
	c, _ := New(Config{Secret: testSecret, Token: "tok"})
	body := []byte(`{"events":[]}`)
	tests := []struct {
		name string
		sig  string
		want bool
	}{
		{"valid", sign(body), true},
		{"forged", sign([]byte(`{"events":[1]}`)), false},
		{"missing", "", false},
		{"not base64", "%%%", false},
	}
	for _, tt := range tests {
		got := c.Authenticate(func(string) string { return tt.sig }, body)
		if got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// FuzzAuthenticateMatchesSDK: the pooled MACs accept exactly the
// signatures the SDK's webhook.ValidateSignature accepts, for any body and
// any header, and a MAC taken back from the pool carries nothing of the
// webhook before (the same body checked twice, after another).
func FuzzAuthenticateMatchesSDK(f *testing.F) {
	body := []byte(`{"events":[]}`)
	good := sign(body)
	for _, seed := range []struct{ body, sig string }{
		{string(body), good},
		{string(body), good[:len(good)-1]},                 // padding cut
		{string(body), good + "\n"},                        // a newline after it
		{string(body), strings.ReplaceAll(good, "/", "_")}, // URL alphabet
		{"", sign(nil)},
		{"{}", "%%%"},
		{"{}", ""},
	} {
		f.Add([]byte(seed.body), seed.sig, false)
		f.Add([]byte(seed.body), seed.sig, true)
	}
	c, _ := New(Config{Secret: testSecret, Token: "tok"})
	f.Fuzz(func(t *testing.T, body []byte, sig string, signIt bool) {
		if signIt {
			sig = sign(body)
		}
		want := sig != "" && webhook.ValidateSignature(testSecret, sig, body)
		for range 2 {
			if got := c.Authenticate(func(string) string { return sig }, body); got != want {
				t.Fatalf("Authenticate(%q, %q) = %v, the SDK says %v", body, sig, got, want)
			}
			c.Authenticate(func(string) string { return sign([]byte("other")) }, []byte("other"))
		}
	})
}

func TestDecode(t *testing.T) {
	tests := []struct {
		file      string
		wantType  string
		wantInput dialogs.Input
		wantID    string
	}{
		{"text.json", "text", dialogs.Input{Person: "line:U80696558e1aa831b1c4d2ba6e7d5e3f2", Text: "健保卡號在哪裡"}, "01FZ74A0TDDPYRVKNK77XKC3ZR"},
		{"postback.json", "postback", dialogs.Input{Person: "line:U80696558e1aa831b1c4d2ba6e7d5e3f2", Payload: "faq:q5"}, "01FZ74A0TDDPYRVKNK77XKC3ZS"},
		{"follow.json", "follow", dialogs.Input{Person: "line:U80696558e1aa831b1c4d2ba6e7d5e3f2", Event: dialogs.EventFollow}, "01FZ74A0TDDPYRVKNK77XKC3ZT"},
		{"sticker.json", "unsupported", dialogs.Input{Person: "line:U80696558e1aa831b1c4d2ba6e7d5e3f2", Event: dialogs.EventSticker}, "01FZ74A0TDDPYRVKNK77XKC3ZU"},
		{"group.json", "", dialogs.Input{}, ""},
		{"group_mention.json", "text", dialogs.Input{Person: "line:Ca56f94637c1234567890abcdef123456:U80696558e1aa831b1c4d2ba6e7d5e3f2", Shared: true}, "01FZ74A0TDDPYRVKNK77XKC3ZW"},
		{"group_postback.json", "postback", dialogs.Input{Person: "line:Ca56f94637c1234567890abcdef123456:U11111111111111111111111111111111", Shared: true}, "01FZ74A0TDDPYRVKNK77XKC3ZX"},
		{"standby.json", "", dialogs.Input{}, ""},
		{"unknown.json", "", dialogs.Input{}, ""},
		{"verify.json", "", dialogs.Input{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			evs, err := decode(body, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantType == "" {
				if len(evs) != 0 {
					t.Fatalf("got %d events, want none", len(evs))
				}
				return
			}
			if len(evs) != 1 {
				t.Fatalf("got %d events, want 1", len(evs))
			}
			ev := evs[0]
			if ev.Type != tt.wantType || ev.Input != tt.wantInput || ev.ID != tt.wantID {
				t.Errorf("got %+v, want %s %+v %s", ev, tt.wantType, tt.wantInput, tt.wantID)
			}
			if r := ev.Reply.(replyTo); r.token == "" || r.received.IsZero() {
				t.Errorf("reply context %+v", r)
			}
		})
	}
	for _, bad := range []string{"", "{", "[]", `{"events":"x"}`, `{"events":[{"type":"message","message":"x"}]}`} {
		if _, err := decode([]byte(bad), time.Now()); !errors.Is(err, bot.ErrBadRequest) {
			t.Errorf("decode(%q) error %v, want ErrBadRequest", bad, err)
		}
	}
}

func TestRender(t *testing.T) {
	few := []dialogs.Reply{{
		Text:    "hello",
		Choices: []dialogs.Choice{{Label: "Registration, verification (1922)", Payload: "handoff:1922"}, {Label: "Main menu", Payload: "menu"}},
		Links:   []dialogs.Link{{Label: "1922", URL: "tel:1922"}},
	}}
	msgs := render(few)
	raw, _ := json.Marshal(msgs)
	var got []map[string]any
	json.Unmarshal(raw, &got)
	if len(got) != 1 || got[0]["type"] != "text" {
		t.Fatalf("got %s", raw)
	}
	items := got[0]["quickReply"].(map[string]any)["items"].([]any)
	if len(items) != 3 {
		t.Fatalf("got %d quick reply items, want 3: %s", len(items), raw)
	}
	first := items[0].(map[string]any)["action"].(map[string]any)
	if first["type"] != "postback" || first["data"] != "handoff:1922" || first["label"] != "Registration, verif…" || first["displayText"] != "Registration, verification (1922)" {
		t.Errorf("first item %v", first)
	}
	tel := items[2].(map[string]any)["action"].(map[string]any)
	if tel["type"] != "uri" || tel["uri"] != "tel:1922" {
		t.Errorf("tel item %v", tel)
	}

	var counties []dialogs.Choice
	for i := range 22 {
		counties = append(counties, dialogs.Choice{Label: "County " + string(rune('A'+i)), Payload: "county:X"})
	}
	var many []dialogs.Reply
	for range 7 {
		many = append(many, dialogs.Reply{Text: "part"})
	}
	many = append(many, dialogs.Reply{Text: "Which county?", Choices: counties})
	msgs = render(many)
	raw, _ = json.Marshal(msgs)
	got = nil
	json.Unmarshal(raw, &got)
	if len(got) != maxMessages {
		t.Fatalf("got %d messages, want %d", len(got), maxMessages)
	}
	last := got[len(got)-1]
	if last["type"] != "flex" || !strings.Contains(string(raw), `"type":"carousel"`) || strings.Count(string(raw), `"type":"button"`) != 22 {
		t.Errorf("22 choices did not become a carousel of 22 buttons: %s", raw)
	}
}

func TestDeliver(t *testing.T) {
	replies := []dialogs.Reply{{Text: "hi", Choices: []dialogs.Choice{{Label: "Main menu", Payload: "menu"}}}}
	received := time.Now()
	tests := []struct {
		name      string
		statuses  []int
		push      bool
		age       time.Duration
		wantPaths []string
		wantErr   bool
	}{
		{"reply", nil, false, 0, []string{"/v2/bot/message/reply"}, false},
		{"500 then 200 delivers once", []int{500}, false, 0, []string{"/v2/bot/message/reply", "/v2/bot/message/reply"}, false},
		{"429 honours Retry-After", []int{429, 429}, false, 0, []string{"/v2/bot/message/reply", "/v2/bot/message/reply", "/v2/bot/message/reply"}, false},
		{"400 is final", []int{400}, false, 0, []string{"/v2/bot/message/reply"}, true},
		{"invalid token falls back to push", []int{400}, true, 0, []string{"/v2/bot/message/reply", "/v2/bot/message/push"}, false},
		{"expired token, no fallback: lost", nil, false, time.Minute, nil, true},
		{"expired token, fallback: push", nil, true, time.Minute, []string{"/v2/bot/message/push"}, false},
		{"5xx until the tries run out", []int{500, 502, 503, 504}, false, 0, []string{"/v2/bot/message/reply", "/v2/bot/message/reply", "/v2/bot/message/reply", "/v2/bot/message/reply"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := linetest.New(t)
			api.Fail(tt.statuses...)
			c := newChannel(t, api, tt.push, func() time.Time { return received.Add(tt.age) })
			ev := bot.Event{Type: "text", Reply: replyTo{token: "tok123", userID: "Uabc", received: received}}
			err := c.Deliver(context.Background(), ev, replies)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Deliver error %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr && !errors.Is(err, ErrLost) {
				t.Errorf("error %v does not wrap ErrLost", err)
			}
			calls := api.Calls()
			var paths []string
			for _, c := range calls {
				paths = append(paths, c.Path)
			}
			if strings.Join(paths, " ") != strings.Join(tt.wantPaths, " ") {
				t.Fatalf("calls %v, want %v", paths, tt.wantPaths)
			}
			for _, c := range calls {
				if c.Header.Get("Authorization") != "Bearer tok" {
					t.Errorf("Authorization %q", c.Header.Get("Authorization"))
				}
				switch c.Path {
				case "/v2/bot/message/reply":
					if c.Body["replyToken"] != "tok123" {
						t.Errorf("reply token %v", c.Body["replyToken"])
					}
				case "/v2/bot/message/push":
					if c.Body["to"] != "Uabc" || c.Header.Get("X-Line-Retry-Key") == "" {
						t.Errorf("push to %v, retry key %q", c.Body["to"], c.Header.Get("X-Line-Retry-Key"))
					}
				}
			}
		})
	}
}

// TestLoadingAnimation: a card number arranges the loading animation; it is
// shown when the replies take longer than the delay, and not at all when
// they come first. Other text arranges nothing.
func TestLoadingAnimation(t *testing.T) {
	replies := []dialogs.Reply{{Text: "result"}}
	tests := []struct {
		name     string
		text     string
		slow     bool // the replies come after the delay
		wantLoad bool
	}{
		{"card number, slow lookup", "0000 1111 2222", true, true},
		{"card number, quick lookup", "0000 1111 2222", false, false},
		{"an ID is not a lookup", "A123456789", true, false},
		{"a question", "hello", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := linetest.New(t)
			c := newChannel(t, api, false, nil)
			c.cfg.LoadingDelay = 200 * time.Millisecond
			var logs bytes.Buffer
			c.cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			ev := bot.Event{Input: dialogs.Input{Text: tt.text}, Reply: replyTo{userID: "Uabc", token: "tok1", received: time.Now()}}
			c.Prepare(context.Background(), ev)
			switch {
			case tt.slow && tt.wantLoad:
				// The lookup outlasts the delay: the animation goes out.
				for deadline := time.Now().Add(5 * time.Second); len(api.Calls()) == 0 && time.Now().Before(deadline); {
					time.Sleep(10 * time.Millisecond)
				}
			case tt.slow:
				time.Sleep(300 * time.Millisecond)
			}
			if err := c.Deliver(context.Background(), ev, replies); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond) // a timer not stopped would fire now
			var paths []string
			for _, call := range api.Calls() {
				paths = append(paths, call.Path)
			}
			want := []string{"/v2/bot/message/reply"}
			if tt.wantLoad {
				want = []string{"/v2/bot/chat/loading/start", "/v2/bot/message/reply"}
			}
			if !slices.Equal(paths, want) {
				t.Fatalf("calls %v, want %v", paths, want)
			}
			if tt.wantLoad && api.Calls()[0].Body["chatId"] != "Uabc" {
				t.Errorf("animation for %v", api.Calls()[0].Body["chatId"])
			}
			if strings.Contains(logs.String(), "000011112222") {
				t.Error("a card number reached the log")
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := decode(body, time.Now())
		if err != nil {
			if !errors.Is(err, bot.ErrBadRequest) {
				t.Fatalf("error %v is not ErrBadRequest", err)
			}
			return
		}
		for _, ev := range evs {
			if !strings.HasPrefix(ev.Input.Person, "line:") || len(ev.Input.Person) == len("line:") {
				t.Fatalf("event without a person: %+v", ev)
			}
		}
	})
}

// TestRenderCacheSendsWhatTheSDKWould: a cached encoding is byte for byte
// what the SDK encodes for the same replies, and a change misses the cache.
func TestRenderCacheSendsWhatTheSDKWould(t *testing.T) {
	replies := []dialogs.Reply{{Text: "menu & <more>", Choices: []dialogs.Choice{{Label: "Main menu", Payload: "menu"}},
		Links: []dialogs.Link{{Label: "1922", URL: "tel:1922"}}}}
	var rc renderCache
	direct, _ := json.Marshal(&messaging_api.ReplyMessageRequest{ReplyToken: "t", Messages: render(replies)})
	for range 2 { // the second is a cache hit
		cached, _ := json.Marshal(&messaging_api.ReplyMessageRequest{ReplyToken: "t", Messages: rc.get(replies)})
		if string(cached) != string(direct) {
			t.Fatalf("cached %s\nsdk    %s", cached, direct)
		}
	}
	other := []dialogs.Reply{{Text: "menu & <more>!", Choices: replies[0].Choices}}
	if got, _ := json.Marshal(rc.get(other)); strings.Contains(string(got), "more>\"") {
		t.Errorf("a different reply hit the cache: %s", got)
	}
}

// FuzzDecodeMatchesSDK: decode finds the same events, and refuses the same
// bodies, as parsing the whole body with webhook.CallbackRequest.
func FuzzDecodeMatchesSDK(f *testing.F) {
	for _, b := range webhookBodies(f) {
		f.Add(b)
	}
	if text, err := os.ReadFile("testdata/text.json"); err == nil {
		// The cases where walking the JSON could part from a map: escaped
		// and repeated keys, escaped values, odd spacing.
		t := string(text)
		for _, s := range []string{
			strings.Replace(t, `"type":"message"`, `"ty\u0070e":"message"`, 1),
			strings.Replace(t, `"type":"message"`, `"type":"follow","type":"message"`, 1),
			strings.Replace(t, `"type":"message"`, `"type":"message","type":"follow"`, 1),
			strings.Replace(t, `"type":"message"`, `"type":"mess\u0061ge"`, 1),
			strings.Replace(t, `"type":"message"`, `"type" : "message" `, 1),
			strings.Replace(t, `"type":"message"`, `"type":7`, 1),
			strings.Replace(t, `"events"`, `"eve\u006ets"`, 1),
			strings.Replace(t, `{"destination"`, `{"events":[],"destination"`, 1),
			strings.Replace(t, `"destination":`, `"destination":null,"x":`, 1),
			strings.Replace(t, `"text":"`, `"text":"\"}]\\`, 1),
			" \n" + t + "\n ",
			// The shapes the fast path reads, and the ones it must leave
			// to the SDK.
			strings.Replace(t, `"timestamp":1625665242211`, `"timestamp":1.5e12`, 1),
			strings.Replace(t, `"timestamp":1625665242211`, `"timestamp":-1`, 1),
			strings.Replace(t, `"timestamp":1625665242211`, `"timestamp":"1"`, 1),
			strings.Replace(t, `"mode":"active"`, `"mode":"standby"`, 1),
			strings.Replace(t, `"mode":"active"`, `"mode":null`, 1),
			strings.Replace(t, `"type":"user",`, `"type":"user","userid":"x",`, 1),
			strings.Replace(t, `"type":"user",`, `"type":"group","groupId":"G1",`, 1),
			strings.Replace(t, `"type":"user",`, `"type":"room","roomId":"R1",`, 1),
			strings.Replace(t, `"type":"user",`, `"type":"user","groupId":"G1",`, 1),
			strings.Replace(t, `"type":"user",`, `"type":"user","type":"user",`, 1),
			strings.Replace(t, `"type":"text",`, `"type":"text","Text":"x",`, 1),
			strings.Replace(t, `"type":"text",`, `"type":"text","emojis":[],`, 1),
			strings.Replace(t, `"type":"text",`, `"type":"sticker",`, 1),
			strings.Replace(t, `"text":"`, `"text":"\u00e9\ud83d\ude00`, 1),
			strings.Replace(t, `"text":"`, "\"text\":\"\xff\xfe", 1),
			strings.Replace(t, `"deliveryContext":{"isRedelivery":false}`, `"deliveryContext":{"isRedelivery":1}`, 1),
			strings.Replace(t, `"deliveryContext":{"isRedelivery":false}`, `"deliveryContext":null`, 1),
			strings.Replace(t, `"replyToken":`, `"postback":{"data":"menu"},"replyToken":`, 1),
			strings.Replace(t, `"source":`, `"x":1,"source":`, 1),
			strings.Replace(strings.Replace(t, `"type":"message"`, `"type":"postback"`, 1), `"message":{`, `"postback":{"data":"a=1"},"m":{`, 1),
			strings.Replace(strings.Replace(t, `"type":"message"`, `"type":"follow"`, 1), `"message":{`, `"follow":{"isUnblocked":true},"m":{`, 1),
			strings.Replace(strings.Replace(t, `"type":"message"`, `"type":"follow"`, 1), `"message":{`, `"follow":{"isUnblocked":true},"message":{`, 1),
		} {
			f.Add([]byte(s))
		}
	}
	for _, s := range []string{`null`, `{}`, `[]`, `{"events":null}`, `{"events":[null]}`, `{"events":[{}]}`, `{"events":{}}`, `{"destination":[]}`, `{"eveNts":{}}`, `{"events":[]} x`} {
		f.Add([]byte(s))
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := decode(body, now)
		var cb webhook.CallbackRequest
		sdkErr := json.Unmarshal(body, &cb)
		if (err == nil) != (sdkErr == nil) {
			t.Fatalf("decode error %v, SDK error %v", err, sdkErr)
		}
		if err != nil {
			return
		}
		var want []bot.Event
		for _, e := range cb.Events {
			if ev, ok := event(e); ok {
				r := ev.Reply.(replyTo)
				r.received = now
				ev.Reply = r
				want = append(want, ev)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decode %+v\nSDK    %+v", got, want)
		}
	})
}

// TestReplyBodyIsTheSDKs: the reply body is byte for byte what the SDK's
// ReplyMessageWithHttpInfo encodes, for cached and uncached messages,
// with characters JSON escapes.
func TestReplyBodyIsTheSDKs(t *testing.T) {
	sets := [][]dialogs.Reply{
		{{Text: "健保卡卡號在哪裡\n\n<左下角> & 12 碼 \u2028 🙂", Choices: []dialogs.Choice{{Label: "主選單", Payload: "menu"}}}},
		{{Text: "one"}, {Text: "two", Links: []dialogs.Link{{Label: "1922", URL: "tel:1922"}}}},
		{{Text: strings.Repeat("長", 3000)}},
	}
	for i, replies := range sets {
		for _, token := range []string{"757913772c4646b784d4b7ce46d12671", `odd"token<>`} {
			var rc renderCache
			for _, msgs := range [][]messaging_api.MessageInterface{render(replies), rc.get(replies)} {
				var want bytes.Buffer
				if err := json.NewEncoder(&want).Encode(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: msgs}); err != nil {
					t.Fatal(err)
				}
				got, err := replyBody(token, msgs)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want.Bytes()) {
					t.Errorf("set %d, token %q:\ngot  %s\nwant %s", i, token, got, want.Bytes())
				}
			}
		}
	}
}
