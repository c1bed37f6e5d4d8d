package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/dialogstest"
	"github.com/vaxbot/vaxbot/knowledge"
)

// fixturesDir holds the LINE SDKs' own webhook payloads (read, never
// copied into the repository).
const fixturesDir = "../../../shared/fixtures/platforms/line"

// sourced is a webhook body with one event from a source, such as
// `{"type":"group","groupId":"C1","userId":"U1"}`; rest is the event's
// other members (message, postback…).
func sourced(source, kind, rest string) []byte {
	return fmt.Appendf(nil, `{"destination":"Ubot","events":[{"type":%q,%s,"webhookEventId":"01E","timestamp":1625665242211,"mode":"active","source":%s,"replyToken":"rt1"}]}`, kind, rest, source)
}

const (
	group = `{"type":"group","groupId":"C1","userId":"U1"}`
	room  = `{"type":"room","roomId":"R1","userId":"U1"}`
	user  = `{"type":"user","userId":"U1"}`
)

func textWith(text, mentionees string) string {
	if mentionees == "" {
		return fmt.Sprintf(`"message":{"type":"text","id":"1","text":%q}`, text)
	}
	return fmt.Sprintf(`"message":{"type":"text","id":"1","text":%q,"mention":{"mentionees":[%s]}}`, text, mentionees)
}

const (
	self  = `{"index":0,"length":7,"userId":"Ubot","type":"user","isSelf":true}`
	other = `{"index":0,"length":7,"userId":"U2","type":"user","isSelf":false}`
	all   = `{"index":0,"length":4,"type":"all"}`
)

func TestDecodeShared(t *testing.T) {
	tests := []struct {
		name   string
		body   []byte
		want   *dialogs.Input // nil: no event
		wantTo string         // the push target
	}{
		{"group text mentioning the bot", sourced(group, "message", textWith("@VaxBot A123456789", self)),
			&dialogs.Input{Person: "line:C1:U1", Shared: true}, "C1"},
		{"room text mentioning the bot", sourced(room, "message", textWith("@VaxBot hi", other+","+self)),
			&dialogs.Input{Person: "line:R1:U1", Shared: true}, "R1"},
		{"group text mentioning someone else", sourced(group, "message", textWith("@Mei A123456789", other)), nil, ""},
		{"group text mentioning all", sourced(group, "message", textWith("@All hi", all)), nil, ""},
		{"group text without a mention", sourced(group, "message", textWith("A123456789", "")), nil, ""},
		{"group sticker", sourced(group, "message", `"message":{"type":"sticker","id":"1","packageId":"1","stickerId":"1"}`), nil, ""},
		{"group image", sourced(group, "message", `"message":{"type":"image","id":"1","contentProvider":{"type":"line"}}`), nil, ""},
		{"group postback", sourced(group, "postback", `"postback":{"data":"verify:yes"}`),
			&dialogs.Input{Person: "line:C1:U1", Shared: true}, "C1"},
		{"room postback", sourced(room, "postback", `"postback":{"data":"menu"}`),
			&dialogs.Input{Person: "line:R1:U1", Shared: true}, "R1"},
		{"group postback without a user id", sourced(`{"type":"group","groupId":"C1"}`, "postback", `"postback":{"data":"menu"}`),
			&dialogs.Input{Person: "line:C1:", Shared: true}, "C1"},
		{"group join", sourced(group, "join", `"joined":{}`), nil, ""},
		{"group with no id", sourced(`{"type":"group","userId":"U1"}`, "postback", `"postback":{"data":"menu"}`), nil, ""},
		{"one-to-one text with a self mention", sourced(user, "message", textWith("@VaxBot hi", self)),
			&dialogs.Input{Person: "line:U1", Text: "@VaxBot hi"}, "U1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := decode(tt.body, time.Now())
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if tt.want == nil {
				if len(evs) != 0 {
					t.Fatalf("got %+v, want no event", evs)
				}
				return
			}
			if len(evs) != 1 {
				t.Fatalf("got %d events, want 1", len(evs))
			}
			if evs[0].Input != *tt.want {
				t.Errorf("input:\n got %+v\nwant %+v", evs[0].Input, *tt.want)
			}
			if r := evs[0].Reply.(replyTo); r.userID != tt.wantTo || r.token != "rt1" {
				t.Errorf("reply context %+v, want push to %s with token rt1", r, tt.wantTo)
			}
		})
	}
}

func TestDecodeUnsupported(t *testing.T) {
	tests := []struct {
		name    string
		message string
		want    dialogs.Event // "": no event
	}{
		{"sticker", `{"type":"sticker","id":"1","packageId":"446","stickerId":"1988","stickerResourceType":"STATIC"}`, dialogs.EventSticker},
		{"image", `{"type":"image","id":"1","contentProvider":{"type":"line"}}`, dialogs.EventPhoto},
		{"video", `{"type":"video","id":"1","duration":6000,"contentProvider":{"type":"line"}}`, dialogs.EventUnsupported},
		{"audio", `{"type":"audio","id":"1","duration":6000,"contentProvider":{"type":"line"}}`, dialogs.EventUnsupported},
		{"file", `{"type":"file","id":"1","fileName":"card.pdf","fileSize":2138}`, dialogs.EventUnsupported},
		{"location", `{"type":"location","id":"1","latitude":25.03,"longitude":121.56}`, dialogs.EventUnsupported},
		{"a type LINE may add", `{"type":"hologram","id":"1"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := decode(sourced(user, "message", `"message":`+tt.message), time.Now())
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if tt.want == "" {
				if len(evs) != 0 {
					t.Errorf("got %+v, want no event", evs)
				}
				return
			}
			want := dialogs.Input{Person: "line:U1", Event: tt.want}
			if len(evs) != 1 || evs[0].Input != want || evs[0].Type != "unsupported" {
				t.Errorf("got %+v, want one unsupported event %+v", evs, want)
			}
		})
	}
}

// TestDecodeSharedFixtures decodes every body of the LINE SDKs' test
// suites: none fails, and every event from a group or a room is Shared and
// carries nothing a form could take, while no one-to-one event is Shared.
func TestDecodeSharedFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixturesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		if _, err := os.Stat(fixturesDir); errors.Is(err, os.ErrNotExist) {
			t.Skipf("no fixtures at %s", fixturesDir)
		}
		t.Fatalf("no fixtures in %s", fixturesDir)
	}
	fromGroups, shared, unsupported := 0, 0, 0
	for _, name := range files {
		base := filepath.Base(name)
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decode(body, time.Now()); err != nil {
			t.Errorf("%s: decode: %v", base, err)
			continue
		}
		raws, _ := rawEvents(body)
		for i, raw := range raws {
			var src struct {
				Source struct {
					Type string `json:"type"`
				} `json:"source"`
			}
			_ = json.Unmarshal(raw, &src)
			e, err := decodeEvent(raw)
			if err != nil {
				t.Errorf("%s event %d: %v", base, i, err)
				continue
			}
			ev, ok := event(e)
			isGroup := src.Source.Type == "group" || src.Source.Type == "room"
			if isGroup {
				fromGroups++
			}
			if !ok {
				continue
			}
			switch {
			case isGroup && !ev.Input.Shared:
				t.Errorf("%s event %d (%s): a non-shared input %+v", base, i, src.Source.Type, ev.Input)
			case !isGroup && ev.Input.Shared:
				t.Errorf("%s event %d (%s): a shared input", base, i, src.Source.Type)
			}
			if ev.Input.Shared {
				shared++
				if ev.Input.Text != "" || ev.Input.Payload != "" || ev.Input.Event != "" {
					t.Errorf("%s event %d: a shared input carries a form's step: %+v", base, i, ev.Input)
				}
			}
			if ev.Input.Event == dialogs.EventUnsupported {
				unsupported++
			}
		}
	}
	if fromGroups == 0 || unsupported == 0 {
		t.Errorf("%d group events and %d unsupported messages in %d files: the test proves nothing", fromGroups, unsupported, len(files))
	}
	t.Logf("%d files, %d events from groups and rooms, %d shared, %d unsupported", len(files), fromGroups, shared, unsupported)
}

// TestGroupsThroughTheAPI runs group events through the real conversation
// and the fake Messaging API: a mention and a postback get the note, by
// the reply token, and nothing of a form or a number; a text without a
// mention gets nothing; no session is opened.
func TestGroupsThroughTheAPI(t *testing.T) {
	now := time.Now()
	store := dialogs.NewMemoryStore(time.Hour)
	conv := dialogs.NewConversation(dialogstest.Engine(t, now), store)
	words, err := dialogs.DefaultWords()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		file      string
		body      []byte
		wantToken string // "" no reply
	}{
		{name: "mention with an ID and a card number", file: "group_mention.json", wantToken: "aaaaaaaaaaaa4f4197887e939187e19e"},
		{name: "postback verify:yes", file: "group_postback.json", wantToken: "bbbbbbbbbbbb4f4197887e939187e19e"},
		{name: "text without a mention", file: "group.json"},
		{name: "room text mentioning the bot", body: sourced(room, "message", textWith("@VaxBot 0000 1111 2222", self)), wantToken: "rt1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := linetest.New(t)
			c := newChannel(t, api, false, func() time.Time { return now })
			body := tt.body
			if tt.file != "" {
				if body, err = os.ReadFile(filepath.Join("testdata", tt.file)); err != nil {
					t.Fatal(err)
				}
			}
			if !c.Authenticate(func(string) string { return sign(body) }, body) {
				t.Fatal("the signed body is refused")
			}
			evs, err := c.Decode(body)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				c.Prepare(context.Background(), ev)
				replies, err := conv.Handle(context.Background(), ev.Input)
				if err != nil {
					t.Fatalf("Handle: %v", err)
				}
				if err := c.Deliver(context.Background(), ev, replies); err != nil {
					t.Fatalf("Deliver: %v", err)
				}
				if s, err := store.Get(context.Background(), ev.Input.Person); err != nil || s != nil {
					t.Errorf("a session for a group: %+v, %v", s, err)
				}
			}
			calls := api.Calls()
			if tt.wantToken == "" {
				if len(evs) != 0 || len(calls) != 0 {
					t.Fatalf("events %+v, calls %+v; want none", evs, calls)
				}
				return
			}
			if len(calls) != 1 || calls[0].Path != "/v2/bot/message/reply" {
				t.Fatalf("calls %+v, want one reply (no loading animation, no push)", calls)
			}
			replies := api.Replies()
			if len(replies) != 1 || replies[0].Token != tt.wantToken {
				t.Fatalf("replies %+v, want one with token %s", replies, tt.wantToken)
			}
			raw, _ := json.Marshal(replies[0].Messages)
			var text strings.Builder
			for _, m := range replies[0].Messages {
				s, _ := m["text"].(string)
				text.WriteString(s)
			}
			if !strings.Contains(text.String(), words.T(knowledge.ZhTW, "group_note")) &&
				!strings.Contains(text.String(), words.T(knowledge.En, "group_note")) {
				t.Errorf("the reply is not the group note: %s", raw)
			}
			for _, leak := range []string{"A123456789", "A12*****89", "0000", "*****", "verify:"} {
				if strings.Contains(string(raw), leak) {
					t.Errorf("the reply holds %q: %s", leak, raw)
				}
			}
			if strings.Contains(string(raw), "quickReply") {
				t.Errorf("the note offers choices in a group: %s", raw)
			}
		})
	}
}

// TestMentionsSelf covers the SDK's mentionee kinds, as values and pointers.
func TestMentionsSelf(t *testing.T) {
	tests := []struct {
		name string
		m    *webhook.Mention
		want bool
	}{
		{"none", nil, false},
		{"empty", &webhook.Mention{}, false},
		{"self", &webhook.Mention{Mentionees: []webhook.MentioneeInterface{webhook.UserMentionee{IsSelf: true}}}, true},
		{"self as a pointer", &webhook.Mention{Mentionees: []webhook.MentioneeInterface{&webhook.UserMentionee{IsSelf: true}}}, true},
		{"another user", &webhook.Mention{Mentionees: []webhook.MentioneeInterface{webhook.UserMentionee{UserId: "U2"}}}, false},
		{"all", &webhook.Mention{Mentionees: []webhook.MentioneeInterface{webhook.AllMentionee{}}}, false},
		{"all, then self", &webhook.Mention{Mentionees: []webhook.MentioneeInterface{webhook.AllMentionee{}, webhook.UserMentionee{IsSelf: true}}}, true},
	}
	for _, tt := range tests {
		if got := mentionsSelf(tt.m); got != tt.want {
			t.Errorf("%s: mentionsSelf = %v, want %v", tt.name, got, tt.want)
		}
	}
}
