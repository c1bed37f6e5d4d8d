package telegram

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// textUpdate is a private-chat message update holding text.
func textUpdate(text string) []byte {
	return fmt.Appendf(nil, `{"update_id":900,"message":{"message_id":5,"from":{"id":42,"is_bot":false,"first_name":"A"},"chat":{"id":42,"type":"private"},"date":1764137000,"text":%q}}`, text)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		body    []byte
		bad     bool
		want    []bot.Event // Reply is checked separately
		wantTgt *target
	}{
		{name: "text", body: readTestdata(t, "text.json"), want: []bot.Event{{
			ID: "734512001", Type: "text",
			Input: dialogs.Input{Person: "telegram:5123456789:5123456789", Text: "疫苗接種紀錄要怎麼查？", LangHint: knowledge.ZhTW},
		}}, wantTgt: &target{chatID: 5123456789, messageID: 41, lang: knowledge.ZhTW}},
		{name: "start", body: readTestdata(t, "start.json"), want: []bot.Event{{
			ID: "734512002", Type: "command",
			Input: dialogs.Input{Person: "telegram:5123456789:5123456789", Event: dialogs.EventStart, LangHint: knowledge.En},
		}}, wantTgt: &target{chatID: 5123456789, messageID: 1, lang: knowledge.En}},
		{name: "lang en", body: readTestdata(t, "lang_en.json"), want: []bot.Event{{
			ID: "734512003", Type: "command",
			Input: dialogs.Input{Person: "telegram:5123456789:5123456789", Payload: "lang:en"},
		}}, wantTgt: &target{chatID: 5123456789, messageID: 43}},
		{name: "callback", body: readTestdata(t, "callback.json"), want: []bot.Event{{
			ID: "734512004", Type: "callback",
			Input: dialogs.Input{Person: "telegram:5123456789:5123456789", Payload: "faq:q5", LangHint: knowledge.ZhTW},
		}}, wantTgt: &target{chatID: 5123456789, callbackID: "4382bfdwdsb323b2d9", lang: knowledge.ZhTW}},
		{name: "callback on an inaccessible message", body: readTestdata(t, "callback_inaccessible.json"), want: []bot.Event{{
			ID: "734512005", Type: "callback",
			Input: dialogs.Input{Person: "telegram:5123456789:5123456789", Payload: "menu"},
		}}, wantTgt: &target{chatID: 5123456789, callbackID: "4382bfdwdsb323b2e0"}},
		{name: "group /menu@bot: the note", body: readTestdata(t, "group.json"), want: []bot.Event{{
			ID: "734512011", Type: "command",
			Input: dialogs.Input{Person: "telegram:-4012345678:5123456789", Shared: true,
				PrivateLink: "https://t.me/vaxbot_tw_bot?start=check", LangHint: knowledge.ZhTW},
		}}, wantTgt: &target{chatID: -4012345678, lang: knowledge.ZhTW, shared: true, addressee: "vaxbot_tw_bot"}},
		{name: "ID number", body: readTestdata(t, "id_number.json"), want: []bot.Event{{
			ID: "734512010", Type: "text",
			Input: dialogs.Input{Person: "telegram:5123456789:5123456789", Text: "A123456789", LangHint: knowledge.En},
		}}, wantTgt: &target{chatID: 5123456789, messageID: 47, hasNumber: true, lang: knowledge.En}},
		{name: "edited message", body: readTestdata(t, "edited.json")},
		{name: "sticker", body: readTestdata(t, "sticker.json"), want: []bot.Event{{
			ID: "734512007", Type: "unsupported",
			Input: dialogs.Input{Person: "telegram:5123456789:5123456789", Event: dialogs.EventSticker, LangHint: knowledge.ZhTW},
		}}, wantTgt: &target{chatID: 5123456789, messageID: 45, lang: knowledge.ZhTW}},
		{name: "photo", body: readTestdata(t, "photo.json"), want: []bot.Event{{
			ID: "734512008", Type: "unsupported",
			Input: dialogs.Input{Person: "telegram:5123456789:5123456789", Event: dialogs.EventPhoto},
		}}, wantTgt: &target{chatID: 5123456789, messageID: 46}},
		{name: "channel post", body: readTestdata(t, "channel_post.json")},
		{name: "unknown update kind", body: []byte(`{"update_id":77,"some_future_update":{"x":1}}`)},
		{name: "garbage", body: readTestdata(t, "garbage.json"), bad: true},
		{name: "empty object", body: readTestdata(t, "empty.json"), bad: true},
		{name: "only a zero id", body: []byte(`{"update_id":0}`), bad: true},
		{name: "null", body: []byte(`null`), bad: true},
		{name: "array", body: []byte(`[]`), bad: true},
		{name: "empty body", body: nil, bad: true},
		{name: "wrong type", body: []byte(`{"update_id":"x"}`), bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decode(tt.body, fakeUsername)
			if tt.bad {
				if !errors.Is(err, bot.ErrBadRequest) {
					t.Fatalf("decode: got err %v, want ErrBadRequest", err)
				}
				if !strings.HasPrefix(err.Error(), "telegram: decode: ") {
					t.Errorf("err = %q, want prefix telegram: decode:", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d events, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				tgt, ok := got[i].Reply.(*target)
				if !ok {
					t.Fatalf("Reply is %T, want *target", got[i].Reply)
				}
				got[i].Reply = nil
				got[i].At = time.Time{} // TestDecodeAt checks it
				if got[i] != tt.want[i] {
					t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
				w := tt.wantTgt
				if tgt.chatID != w.chatID || tgt.messageID != w.messageID || tgt.callbackID != w.callbackID ||
					tgt.hasNumber != w.hasNumber || tgt.lang != w.lang || tgt.threadID != w.threadID ||
					tgt.shared != w.shared || tgt.pendingLink != w.pendingLink || tgt.addressee != w.addressee {
					t.Errorf("target: got %+v, want %+v", tgt, w)
				}
			}
		})
	}
}

func TestDecodeCommands(t *testing.T) {
	tests := []struct {
		text string
		typ  string
		want dialogs.Input
	}{
		{"/start", "command", dialogs.Input{Event: dialogs.EventStart}},
		{"/start@vaxbot_tw_bot", "command", dialogs.Input{Event: dialogs.EventStart}},
		{"/start deep-link-payload", "command", dialogs.Input{Event: dialogs.EventStart}},
		{"/START", "command", dialogs.Input{Event: dialogs.EventStart}},
		{"/start check", "command", dialogs.Input{Payload: "verify:start"}},
		{"/menu", "command", dialogs.Input{Payload: "menu"}},
		{"/menu@vaxbot_tw_bot", "command", dialogs.Input{Payload: "menu"}},
		{"/help", "command", dialogs.Input{Payload: "menu"}},
		{"/lang", "command", dialogs.Input{Payload: "lang:other"}},
		{"/lang en", "command", dialogs.Input{Payload: "lang:en"}},
		{"/lang@vaxbot_tw_bot  English", "command", dialogs.Input{Payload: "lang:en"}},
		{"/lang zh", "command", dialogs.Input{Payload: "lang:zh-TW"}},
		{"/lang 中文", "command", dialogs.Input{Payload: "lang:zh-TW"}},
		{"/lang\nzh-tw", "command", dialogs.Input{Payload: "lang:zh-TW"}},
		{"/lang klingon", "command", dialogs.Input{Payload: "lang:other"}},
		{"/unknown", "text", dialogs.Input{Text: "/unknown"}},
		{"/", "text", dialogs.Input{Text: "/"}},
		{"start", "text", dialogs.Input{Text: "start"}},
		{"hello /start", "text", dialogs.Input{Text: "hello /start"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			evs, err := decode(textUpdate(tt.text), fakeUsername)
			if err != nil || len(evs) != 1 {
				t.Fatalf("decode: got %v, %v; want one event", evs, err)
			}
			tt.want.Person = "telegram:42:42"
			if evs[0].Input != tt.want || evs[0].Type != tt.typ {
				t.Errorf("got %+v (%s), want %+v (%s)", evs[0].Input, evs[0].Type, tt.want, tt.typ)
			}
		})
	}
}

func TestDecodeIgnoresBots(t *testing.T) {
	body := []byte(`{"update_id":5,"message":{"message_id":5,"from":{"id":9,"is_bot":true,"first_name":"B"},"chat":{"id":-100,"type":"group"},"date":1,"text":"hi"}}`)
	evs, err := decode(body, fakeUsername)
	if err != nil || len(evs) != 0 {
		t.Errorf("decode: got %v, %v; want no events", evs, err)
	}
}

func TestLangHint(t *testing.T) {
	tests := []struct {
		code string
		want dialogs.Lang
	}{
		{"zh-hans", knowledge.ZhTW}, {"zh-TW", knowledge.ZhTW}, {"zh", knowledge.ZhTW},
		{"en", knowledge.En}, {"en-US", knowledge.En}, {"EN", knowledge.En},
		{"fr", ""}, {"", ""}, {"ja", ""},
	}
	for _, tt := range tests {
		if got := langHint(tt.code); got != tt.want {
			t.Errorf("langHint(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestHoldsNumber(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"A123456789", true},
		{"my id is a123456789 thanks", true},
		{"Ａ１２３４５６７８９", true}, // full width
		{"A 1234 56789", true},
		{"card 0000 1234 5678", true},
		{"000012345678", true},
		{"疫苗接種紀錄要怎麼查？", false},
		{"1922", false},
		{"I had 2 doses", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := holdsNumber(tt.text); got != tt.want {
			t.Errorf("holdsNumber(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestAuthenticate(t *testing.T) {
	header := func(v string, set bool) func(string) string {
		return func(name string) string {
			if set && name == "X-Telegram-Bot-Api-Secret-Token" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name   string
		secret string
		got    string
		set    bool
		want   bool
	}{
		{"right", "s3cret-Token_1", "s3cret-Token_1", true, true},
		{"wrong", "s3cret-Token_1", "s3cret-Token_2", true, false},
		{"different length", "s3cret-Token_1", "s3cret", true, false},
		{"missing header", "s3cret-Token_1", "", false, false},
		{"empty header", "s3cret-Token_1", "", true, false},
		{"no secret configured, empty header", "", "", true, false},
		{"no secret configured, any header", "", "anything", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Config{Token: testToken, Secret: tt.secret})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Authenticate(header(tt.got, tt.set), []byte(`{}`)); got != tt.want {
				t.Errorf("Authenticate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New with no token: got nil error")
	}
	// No network: an unreachable API must not matter to New.
	c, err := New(Config{Token: testToken, APIBase: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if c.Name() != "telegram" {
		t.Errorf("Name = %q", c.Name())
	}
}

func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(textUpdate("/lang@x zh"))
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := decode(body, fakeUsername)
		if err != nil {
			if !errors.Is(err, bot.ErrBadRequest) {
				t.Fatalf("error %v does not wrap ErrBadRequest", err)
			}
			return
		}
		for _, ev := range evs {
			parts := strings.Split(ev.Input.Person, ":")
			if len(parts) != 3 || parts[0] != "telegram" || parts[1] == "0" || parts[2] == "0" {
				t.Errorf("Person = %q", ev.Input.Person)
			}
			tgt, ok := ev.Reply.(*target)
			if !ok || tgt == nil || tgt.chatID == 0 {
				t.Fatalf("Reply = %#v", ev.Reply)
			}
			if tgt.shared != ev.Input.Shared {
				t.Errorf("target shared %v, input shared %v", tgt.shared, ev.Input.Shared)
			}
			if ev.Input.Shared && (ev.Input.Text != "" || ev.Input.Payload != "" || ev.Input.Event != "" || tgt.hasNumber) {
				t.Errorf("a shared event carries what a form would take: %+v", ev.Input)
			}
		}
	})
}
