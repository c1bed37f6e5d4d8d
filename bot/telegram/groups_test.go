package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// fixturesDir holds the platforms' own webhook payloads (read, never
// copied into the repository).
const fixturesDir = "../../../shared/fixtures/platforms/telegram"

// groupUpdate is a message update from user 77 in a chat of the given type.
func groupUpdate(chatType string, text string) []byte {
	return fmt.Appendf(nil, `{"update_id":901,"message":{"message_id":6,"from":{"id":77,"is_bot":false,"first_name":"B","language_code":"en"},"chat":{"id":-1001234,"type":%q,"title":"Family"},"date":1764137000,"text":%q}}`, chatType, text)
}

// topicUpdate is a message in forum topic 4 of a supergroup.
func topicUpdate(text string) []byte {
	return fmt.Appendf(nil, `{"update_id":902,"message":{"message_id":9,"message_thread_id":4,"is_topic_message":true,"from":{"id":77,"is_bot":false,"first_name":"B"},"chat":{"id":-1001847508954,"type":"supergroup","is_forum":true,"title":"t"},"date":1764137000,"text":%q}}`, text)
}

// callbackIn is a callback query from user 77 on a bot message in a chat.
func callbackIn(chatID int64, chatType, data string, thread int) []byte {
	topic := ""
	if thread != 0 {
		topic = fmt.Sprintf(`"message_thread_id":%d,"is_topic_message":true,`, thread)
	}
	return fmt.Appendf(nil, `{"update_id":903,"callback_query":{"id":"cb77","from":{"id":77,"is_bot":false,"first_name":"B","language_code":"zh-TW"},"chat_instance":"1","data":%q,"message":{"message_id":3,%s"from":{"id":7000000001,"is_bot":true,"first_name":"VaxBot"},"chat":{"id":%d,"type":%q},"date":1764137000,"text":"?"}}}`, data, topic, chatID, chatType)
}

// mediaUpdate is a message from user 42 holding one medium (a JSON member).
func mediaUpdate(chatID int64, chatType, member string) []byte {
	return fmt.Appendf(nil, `{"update_id":904,"message":{"message_id":8,"from":{"id":42,"is_bot":false,"first_name":"A"},"chat":{"id":%d,"type":%q},"date":1764137000,%s}}`, chatID, chatType, member)
}

func TestDecodeGroups(t *testing.T) {
	const link = "https://t.me/vaxbot_tw_bot?start=check"
	note := func(lang dialogs.Lang, link string) *dialogs.Input {
		return &dialogs.Input{Person: "telegram:-1001234:77", Shared: true, PrivateLink: link, LangHint: lang}
	}
	tests := []struct {
		name     string
		body     []byte
		username string         // what the channel knows at decoding
		want     *dialogs.Input // nil: no event
		wantTgt  *target
	}{
		{name: "/start@bot in a supergroup", body: groupUpdate("supergroup", "/start@vaxbot_tw_bot"), username: fakeUsername,
			want: note(knowledge.En, link), wantTgt: &target{chatID: -1001234, shared: true, addressee: "vaxbot_tw_bot", lang: knowledge.En}},
		{name: "the name in another case", body: groupUpdate("group", "/MENU@VaxBot_TW_bot"), username: fakeUsername,
			want: note(knowledge.En, link), wantTgt: &target{chatID: -1001234, shared: true, addressee: "VaxBot_TW_bot", lang: knowledge.En}},
		{name: "a bare command of the bot's", body: groupUpdate("group", "/lang en"), username: fakeUsername,
			want: note(knowledge.En, link), wantTgt: &target{chatID: -1001234, shared: true, lang: knowledge.En}},
		{name: "any command addressed to the bot", body: groupUpdate("supergroup", "/check@vaxbot_tw_bot A123456789"), username: fakeUsername,
			want: note(knowledge.En, link), wantTgt: &target{chatID: -1001234, shared: true, addressee: "vaxbot_tw_bot", lang: knowledge.En}},
		{name: "a command for another bot", body: groupUpdate("supergroup", "/start@other_bot"), username: fakeUsername},
		{name: "a bare command not the bot's", body: groupUpdate("supergroup", "/roll"), username: fakeUsername},
		{name: "plain text", body: groupUpdate("supergroup", "hello"), username: fakeUsername},
		{name: "an ID number", body: groupUpdate("supergroup", "A123456789"), username: fakeUsername},
		{name: "a number after a mention", body: groupUpdate("supergroup", "@vaxbot_tw_bot A123456789"), username: fakeUsername},
		{name: "a message in a channel chat", body: groupUpdate("channel", "/start@vaxbot_tw_bot"), username: fakeUsername,
			want: note(knowledge.En, link), wantTgt: &target{chatID: -1001234, shared: true, addressee: "vaxbot_tw_bot", lang: knowledge.En}},
		{name: "a chat type Telegram may add", body: groupUpdate("future", "/start"), username: fakeUsername,
			want: note(knowledge.En, link), wantTgt: &target{chatID: -1001234, shared: true, lang: knowledge.En}},
		{name: "username unknown: link pending", body: groupUpdate("supergroup", "/start@vaxbot_tw_bot"),
			want:    note(knowledge.En, pendingLink),
			wantTgt: &target{chatID: -1001234, shared: true, pendingLink: true, addressee: "vaxbot_tw_bot", lang: knowledge.En}},
		{name: "username unknown: another bot's command waits for getMe", body: groupUpdate("supergroup", "/start@other_bot"),
			want:    note(knowledge.En, pendingLink),
			wantTgt: &target{chatID: -1001234, shared: true, pendingLink: true, addressee: "other_bot", lang: knowledge.En}},
		{name: "username unknown: plain text", body: groupUpdate("supergroup", "A123456789")},
		{name: "forum topic", body: topicUpdate("/help@vaxbot_tw_bot"), username: fakeUsername,
			want:    &dialogs.Input{Person: "telegram:-1001847508954:77", Shared: true, PrivateLink: link},
			wantTgt: &target{chatID: -1001847508954, threadID: 4, shared: true, addressee: "vaxbot_tw_bot"}},
		{name: "callback in a group", body: callbackIn(-1001234, "supergroup", "verify:yes", 0), username: fakeUsername,
			want:    note(knowledge.ZhTW, link),
			wantTgt: &target{chatID: -1001234, callbackID: "cb77", shared: true, lang: knowledge.ZhTW}},
		{name: "callback in a forum topic", body: callbackIn(-1001234, "supergroup", "menu", 4), username: fakeUsername,
			want:    note(knowledge.ZhTW, link),
			wantTgt: &target{chatID: -1001234, threadID: 4, callbackID: "cb77", shared: true, lang: knowledge.ZhTW}},
		{name: "callback in a private chat", body: callbackIn(77, "private", "verify:yes", 0), username: fakeUsername,
			want:    &dialogs.Input{Person: "telegram:77:77", Payload: "verify:yes", LangHint: knowledge.ZhTW},
			wantTgt: &target{chatID: 77, callbackID: "cb77", lang: knowledge.ZhTW}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := decode(tt.body, tt.username)
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
			if got := evs[0].Input; got != *tt.want {
				t.Errorf("input:\n got %+v\nwant %+v", got, *tt.want)
			}
			got := evs[0].Reply.(*target)
			w := tt.wantTgt
			if got.chatID != w.chatID || got.threadID != w.threadID || got.messageID != w.messageID ||
				got.callbackID != w.callbackID || got.hasNumber != w.hasNumber || got.lang != w.lang ||
				got.shared != w.shared || got.pendingLink != w.pendingLink || got.addressee != w.addressee {
				t.Errorf("target:\n got %+v\nwant %+v", got, w)
			}
		})
	}
}

// TestPersonKeys: a private chat's messages and button presses share one
// conversation; two people in one group never do.
func TestPersonKeys(t *testing.T) {
	key := func(body []byte) string {
		t.Helper()
		evs, err := decode(body, fakeUsername)
		if err != nil || len(evs) != 1 {
			t.Fatalf("decode: %v, %v", evs, err)
		}
		return evs[0].Input.Person
	}
	msg := key([]byte(strings.ReplaceAll(string(textUpdate("hi")), "42", "77")))
	if cb := key(callbackIn(77, "private", "menu", 0)); msg != "telegram:77:77" || cb != msg {
		t.Errorf("private chat: message key %q, callback key %q; want both telegram:77:77", msg, cb)
	}
	a := key(groupUpdate("group", "/start"))
	b := key([]byte(strings.Replace(string(groupUpdate("group", "/start")), `"id":77`, `"id":78`, 1)))
	if a == b {
		t.Errorf("two members of a group share the key %q", a)
	}
}

func TestDecodeUnsupported(t *testing.T) {
	media := []struct {
		name, member string
		want         dialogs.Event
	}{
		{"sticker", `"sticker":{"file_id":"x","file_unique_id":"y","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false}`, dialogs.EventSticker},
		{"photo", `"photo":[{"file_id":"x","file_unique_id":"y","width":90,"height":67}]`, dialogs.EventPhoto},
		{"voice", `"voice":{"file_id":"x","file_unique_id":"y","duration":3}`, dialogs.EventUnsupported},
		{"audio", `"audio":{"file_id":"x","file_unique_id":"y","duration":3}`, dialogs.EventUnsupported},
		{"video", `"video":{"file_id":"x","file_unique_id":"y","width":1,"height":1,"duration":3}`, dialogs.EventUnsupported},
		{"video note", `"video_note":{"file_id":"x","file_unique_id":"y","length":1,"duration":3}`, dialogs.EventUnsupported},
		{"animation", `"animation":{"file_id":"x","file_unique_id":"y","width":1,"height":1,"duration":3}`, dialogs.EventSticker},
		{"document", `"document":{"file_id":"x","file_unique_id":"y","file_name":"card.pdf"}`, dialogs.EventUnsupported},
		{"image document", `"document":{"file_id":"x","file_unique_id":"y","file_name":"card.jpg","mime_type":"image/jpeg"}`, dialogs.EventPhoto},
		{"location", `"location":{"latitude":25.03,"longitude":121.56}`, dialogs.EventUnsupported},
		{"venue", `"location":{"latitude":25.03,"longitude":121.56},"venue":{"location":{"latitude":25.03,"longitude":121.56},"title":"x","address":"y"}`, dialogs.EventUnsupported},
		{"contact", `"contact":{"phone_number":"+886912345678","first_name":"A"}`, dialogs.EventUnsupported},
	}
	for _, m := range media {
		t.Run(m.name+" one-to-one", func(t *testing.T) {
			evs, err := decode(mediaUpdate(42, "private", m.member), fakeUsername)
			if err != nil || len(evs) != 1 {
				t.Fatalf("decode: %v, %v; want one event", evs, err)
			}
			want := dialogs.Input{Person: "telegram:42:42", Event: m.want}
			if evs[0].Input != want || evs[0].Type != "unsupported" {
				t.Errorf("got %+v (%s), want %+v (unsupported)", evs[0].Input, evs[0].Type, want)
			}
			if tgt := evs[0].Reply.(*target); tgt.chatID != 42 || tgt.hasNumber {
				t.Errorf("target %+v", tgt)
			}
		})
		t.Run(m.name+" in a group", func(t *testing.T) {
			evs, err := decode(mediaUpdate(-100, "supergroup", m.member), fakeUsername)
			if err != nil || len(evs) != 0 {
				t.Errorf("decode: %v, %v; want no event", evs, err)
			}
		})
	}
	t.Run("a caption with a number", func(t *testing.T) {
		member := `"photo":[{"file_id":"x","file_unique_id":"y","width":9,"height":9}],"caption":"A123456789"`
		evs, err := decode(mediaUpdate(42, "private", member), fakeUsername)
		if err != nil || len(evs) != 1 {
			t.Fatalf("decode: %v, %v", evs, err)
		}
		if !evs[0].Reply.(*target).hasNumber {
			t.Error("the message with a number in its caption is not marked for deletion")
		}
	})
	t.Run("a poll: no event", func(t *testing.T) {
		evs, err := decode(mediaUpdate(42, "private", `"dice":{"emoji":"🎲","value":3}`), fakeUsername)
		if err != nil || len(evs) != 0 {
			t.Errorf("decode: %v, %v; want no event", evs, err)
		}
	})
}

// sourceChat returns the type of the chat an update's message or callback
// query comes from, read from the raw JSON ("" when it has none: a query
// on an inline message, answered in private).
func sourceChat(body []byte) string {
	var u struct {
		Message *struct {
			Chat struct {
				Type string `json:"type"`
			} `json:"chat"`
		} `json:"message"`
		CallbackQuery *struct {
			Message *struct {
				Chat struct {
					Type string `json:"type"`
				} `json:"chat"`
			} `json:"message"`
		} `json:"callback_query"`
	}
	if json.Unmarshal(body, &u) != nil {
		return ""
	}
	switch {
	case u.Message != nil:
		return u.Message.Chat.Type
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
		return u.CallbackQuery.Message.Chat.Type
	}
	return ""
}

// TestDecodeSharedFixtures decodes every update of the Telegram libraries'
// test suites: none fails, and whatever comes from a group, a supergroup
// or a channel is Shared (the note, never a form), with the username known
// and not.
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
	groups, shared, unsupported := 0, 0, 0
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src := sourceChat(body)
		if src != "" && src != "private" {
			groups++
		}
		for _, username := range []string{fakeUsername, ""} {
			evs, err := decode(body, username)
			if err != nil {
				t.Errorf("%s: decode: %v", filepath.Base(name), err)
				continue
			}
			for _, ev := range evs {
				switch {
				case src != "" && src != "private" && !ev.Input.Shared:
					t.Errorf("%s (%s chat): a non-shared input %+v", filepath.Base(name), src, ev.Input)
				case src == "private" && ev.Input.Shared:
					t.Errorf("%s: a private chat's input is shared", filepath.Base(name))
				}
				if ev.Input.Shared && (ev.Input.Text != "" || ev.Input.Payload != "" || ev.Input.Event != "") {
					t.Errorf("%s: a shared input carries a form's step: %+v", filepath.Base(name), ev.Input)
				}
				if ev.Input.Shared && username == "" && ev.Input.PrivateLink != pendingLink {
					t.Errorf("%s: link %q, want it pending", filepath.Base(name), ev.Input.PrivateLink)
				}
				if ev.Input.Shared && username != "" && ev.Input.PrivateLink != deepLink(username) {
					t.Errorf("%s: link %q", filepath.Base(name), ev.Input.PrivateLink)
				}
				if ev.Input.Shared {
					shared++
				}
				switch ev.Input.Event {
				case dialogs.EventUnsupported, dialogs.EventSticker, dialogs.EventPhoto:
					unsupported++
				}
			}
		}
	}
	if groups == 0 || unsupported == 0 {
		t.Errorf("%d group updates and %d unsupported messages among %d files: the test proves nothing", groups, unsupported, len(files))
	}
	t.Logf("%d files, %d from shared chats, %d shared events, %d unsupported", len(files), groups, shared, unsupported)
}

// sent returns the sendMessage calls the fake received.
func sent(f *fakeAPI) []apiCall {
	var out []apiCall
	for _, c := range f.recorded() {
		if c.Method == "sendMessage" {
			out = append(out, c)
		}
	}
	return out
}

// groupNote is what the conversation answers a shared input.
func groupNote(in dialogs.Input) []dialogs.Reply {
	r := dialogs.Reply{Text: "group note", Lang: knowledge.En}
	if in.PrivateLink != "" {
		r.Links = []dialogs.Link{{Label: "Message me privately", URL: in.PrivateLink}}
	}
	return []dialogs.Reply{r}
}

func TestDeliverGroupNote(t *testing.T) {
	const link = "https://t.me/" + fakeUsername + "?start=check"
	tests := []struct {
		name       string
		username   string // Config.Username
		getMe      *cannedReply
		body       []byte
		wantCalls  []string
		wantButton string // URL of the note's button; "" none
		wantThread string
	}{
		{name: "username configured: no getMe", username: "@" + fakeUsername, body: groupUpdate("supergroup", "/start@vaxbot_tw_bot"),
			wantCalls: []string{"sendMessage"}, wantButton: link},
		{name: "username from getMe", body: groupUpdate("supergroup", "/start@vaxbot_tw_bot"),
			wantCalls: []string{"getMe", "sendMessage"}, wantButton: link},
		{name: "getMe fails: the note without the link", getMe: &badGateway, body: groupUpdate("supergroup", "/start@vaxbot_tw_bot"),
			wantCalls: []string{"getMe", "sendMessage"}},
		{name: "another bot's command: nothing", body: groupUpdate("supergroup", "/start@other_bot"),
			wantCalls: []string{"getMe"}},
		{name: "forum topic", username: fakeUsername, body: topicUpdate("/start@vaxbot_tw_bot"),
			wantCalls: []string{"sendMessage"}, wantButton: link, wantThread: "4"},
		{name: "callback in a group: answered, then the note", body: callbackIn(-1001234, "supergroup", "verify:yes", 0),
			wantCalls: []string{"answerCallbackQuery", "getMe", "sendMessage"}, wantButton: link},
		{name: "callback in a topic", username: fakeUsername, body: callbackIn(-1001234, "supergroup", "verify:yes", 7),
			wantCalls: []string{"answerCallbackQuery", "sendMessage"}, wantButton: link, wantThread: "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newTestChannel(t, Config{Username: tt.username})
			if tt.getMe != nil {
				f.then("getMe", *tt.getMe)
			}
			evs, err := c.Decode(tt.body)
			if err != nil || len(evs) != 1 {
				t.Fatalf("Decode: %v, %v", evs, err)
			}
			c.Prepare(context.Background(), evs[0])
			if err := c.Deliver(context.Background(), evs[0], groupNote(evs[0].Input)); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			if got := f.methods(); !slices.Equal(got, tt.wantCalls) {
				t.Fatalf("calls %v, want %v", got, tt.wantCalls)
			}
			msgs := sent(f)
			if len(msgs) == 0 {
				return
			}
			m := msgs[0]
			var urls []string
			for _, row := range keyboard(t, m) {
				for _, b := range row {
					urls = append(urls, b.URL)
				}
			}
			if tt.wantButton == "" && len(urls) != 0 || tt.wantButton != "" && !slices.Equal(urls, []string{tt.wantButton}) {
				t.Errorf("buttons %q, want %q", urls, tt.wantButton)
			}
			if strings.Contains(m.Form["text"], pendingLink) || strings.Contains(m.Form["reply_markup"], pendingLink) {
				t.Errorf("the placeholder link was sent: %v", m.Form)
			}
			if got := m.Form["message_thread_id"]; got != tt.wantThread {
				t.Errorf("message_thread_id %q, want %q", got, tt.wantThread)
			}
		})
	}
}

// TestGetMeOnce: the username is asked once and kept; after a failure it
// is not asked again at once.
func TestGetMeOnce(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	for range 3 {
		if got := c.botUsername(context.Background()); got != fakeUsername {
			t.Fatalf("botUsername = %q", got)
		}
	}
	if evs, _ := c.Decode(groupUpdate("group", "/start")); len(evs) != 1 || evs[0].Input.PrivateLink != deepLink(fakeUsername) {
		t.Errorf("after getMe, Decode gives %+v", evs)
	}
	c2, f2, _ := newTestChannel(t, Config{})
	f2.then("getMe", badGateway)
	for range 3 {
		if got := c2.botUsername(context.Background()); got != "" {
			t.Fatalf("botUsername = %q after a failure", got)
		}
	}
	count := func(f *fakeAPI) int { return strings.Count(strings.Join(f.methods(), " "), "getMe") }
	if count(f) != 1 || count(f2) != 1 {
		t.Errorf("getMe calls: %d and %d, want 1 each", count(f), count(f2))
	}
}

func TestNewUsername(t *testing.T) {
	tests := []struct {
		username string
		want     string
		bad      bool
	}{
		{"", "", false},
		{"vaxbot_tw_bot", "vaxbot_tw_bot", false},
		{" @vaxbot_tw_bot ", "vaxbot_tw_bot", false},
		{"vax bot", "", true},
		{"vax/bot?x=1", "", true},
	}
	for _, tt := range tests {
		c, err := New(Config{Token: testToken, Username: tt.username})
		if tt.bad {
			if err == nil {
				t.Errorf("New(%q): nil error", tt.username)
			}
			continue
		}
		if err != nil {
			t.Fatalf("New(%q): %v", tt.username, err)
		}
		if got := c.knownUsername(); got != tt.want {
			t.Errorf("New(%q): username %q, want %q", tt.username, got, tt.want)
		}
	}
}

// TestThreadOnEverySend: in a forum topic of a private chat with topics,
// the deletion notice and each reply go to the topic.
func TestThreadOnEverySend(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	body := []byte(`{"update_id":905,"message":{"message_id":11,"message_thread_id":9,"is_topic_message":true,"from":{"id":42,"is_bot":false,"first_name":"A","language_code":"en"},"chat":{"id":42,"type":"private"},"date":1764137000,"text":"A123456789"}}`)
	evs, err := c.Decode(body)
	if err != nil || len(evs) != 1 {
		t.Fatalf("Decode: %v, %v", evs, err)
	}
	if err := c.Deliver(context.Background(), evs[0], []dialogs.Reply{{Text: "one"}, {Text: "two"}}); err != nil {
		t.Fatal(err)
	}
	msgs := sent(f)
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want the notice and two replies", len(msgs))
	}
	for i, m := range msgs {
		if m.Form["message_thread_id"] != "9" {
			t.Errorf("message %d: message_thread_id %q, want 9", i, m.Form["message_thread_id"])
		}
	}
	// A reply in a chat without topics carries no thread id.
	c2, f2, _ := newTestChannel(t, Config{})
	reply := []byte(`{"update_id":906,"message":{"message_id":12,"message_thread_id":5,"from":{"id":77,"is_bot":false,"first_name":"B"},"chat":{"id":-1001234,"type":"supergroup"},"date":1764137000,"text":"/start@vaxbot_tw_bot"}}`)
	evs, err = c2.Decode(reply)
	if err != nil || len(evs) != 1 {
		t.Fatalf("Decode: %v, %v", evs, err)
	}
	if err := c2.Deliver(context.Background(), evs[0], groupNote(evs[0].Input)); err != nil {
		t.Fatal(err)
	}
	if m := sent(f2); len(m) != 1 || m[0].Form["message_thread_id"] != "" {
		t.Errorf("sent %+v, want one message without a thread id", m)
	}
}
