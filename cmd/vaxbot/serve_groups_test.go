package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// The end-to-end tests of issue 10, "one-to-one only for numbers": in a
// group, nobody starts, sees or continues a number check.

const (
	grpToken    = "grp-token"
	grpSecret   = "grp_secret-1"
	grpUsername = "vaxbot_group_bot"
	grpLink     = "https://t.me/" + grpUsername + "?start=check"
)

// grpTelegram is a Bot API on loopback that also answers getMe, as the
// channel asks it for its username the first time a group needs it.
type grpTelegram struct {
	srv   *httptest.Server
	mu    sync.Mutex
	calls []tgCall
}

func newGrpTelegram(t *testing.T) *grpTelegram {
	f := &grpTelegram{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/bot"+grpToken+"/") {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		fields := map[string]string{}
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			for k, v := range r.MultipartForm.Value {
				fields[k] = v[0]
			}
		}
		f.mu.Lock()
		f.calls = append(f.calls, tgCall{Method: method, Fields: fields})
		n := len(f.calls)
		f.mu.Unlock()
		switch method {
		case "getMe":
			fmt.Fprintf(w, `{"ok":true,"result":{"id":7000000002,"is_bot":true,"first_name":"VaxBot","username":%q}}`, grpUsername)
		case "sendMessage":
			text, _ := json.Marshal(fields["text"])
			fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":1625665242,"chat":{"id":%s,"type":"private"},"text":%s}}`, n, fields["chat_id"], text)
		default:
			io.WriteString(w, `{"ok":true,"result":true}`)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *grpTelegram) Calls() []tgCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]tgCall(nil), f.calls...)
}

// sends returns the sendMessage calls to a chat.
func (f *grpTelegram) sends(chat string) []tgCall {
	var out []tgCall
	for _, c := range f.Calls() {
		if c.Method == "sendMessage" && c.Fields["chat_id"] == chat {
			out = append(out, c)
		}
	}
	return out
}

// waitSends waits for n messages to a chat and returns them all.
func (f *grpTelegram) waitSends(t *testing.T, chat string, n int) []tgCall {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got := f.sends(chat); len(got) >= n {
			return got
		}
	}
	t.Fatalf("fewer than %d messages to chat %s: %+v", n, chat, f.Calls())
	return nil
}

func (f *grpTelegram) count(method string) int {
	n := 0
	for _, c := range f.Calls() {
		if c.Method == method {
			n++
		}
	}
	return n
}

// grpMessage is a text message from a user in a chat; thread, when not 0,
// is the forum topic it was written in.
func grpMessage(id int, chat int64, chatType string, user int64, thread int, text string) []byte {
	topic := ""
	if thread != 0 {
		topic = fmt.Sprintf(`"message_thread_id":%d,"is_topic_message":true,`, thread)
	}
	forum := ""
	if thread != 0 {
		forum = `,"is_forum":true`
	}
	// Dated now: an older message is refused as a replay.
	return fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,%s"date":%d,"chat":{"id":%d,"type":%q%s},"from":{"id":%d,"is_bot":false,"first_name":"P%d","language_code":"en"},"text":%q}}`,
		id, id, topic, time.Now().Unix(), chat, chatType, forum, user, user, text)
}

// grpCallback is a user's press of a button on one of the bot's messages
// in a chat.
func grpCallback(id int, chat int64, chatType string, user int64, data string) []byte {
	return fmt.Appendf(nil, `{"update_id":%d,"callback_query":{"id":"cq%d","from":{"id":%d,"is_bot":false,"first_name":"P%d","language_code":"en"},"chat_instance":"1","data":%q,"message":{"message_id":7,"date":1625665242,"from":{"id":7000000002,"is_bot":true,"first_name":"VaxBot"},"chat":{"id":%d,"type":%q},"text":"?"}}}`,
		id, id, user, user, data, chat, chatType)
}

func grpPost(t *testing.T, url string, body []byte, header map[string]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
}

// urlButtons returns the URLs of a message's inline keyboard.
func urlButtons(t *testing.T, c tgCall) []string {
	t.Helper()
	if c.Fields["reply_markup"] == "" {
		return nil
	}
	var kb struct {
		InlineKeyboard [][]struct {
			URL          string `json:"url"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(c.Fields["reply_markup"]), &kb); err != nil {
		t.Fatalf("reply_markup %q: %v", c.Fields["reply_markup"], err)
	}
	var urls []string
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != "" {
				t.Errorf("a button that continues a conversation in a group: %q", b.CallbackData)
			}
			urls = append(urls, b.URL)
		}
	}
	return urls
}

// TestServeGroupsTelegram: in a supergroup, a member who types an ID sees
// no form and no number; "/start@bot" gets the note with the deep link;
// another member pressing "verify:yes" there continues nobody's form (the
// one-to-one form of the first member goes on in private); a message in a
// forum topic is answered in that topic.
func TestServeGroupsTelegram(t *testing.T) {
	api := newGrpTelegram(t)
	ts := startServer(t, serveConfig{
		TelegramToken: grpToken, TelegramSecret: grpSecret, TelegramAPIBase: api.srv.URL,
		Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
	})
	words, err := dialogs.DefaultWords()
	if err != nil {
		t.Fatal(err)
	}
	note := words.T(knowledge.En, "group_note")
	askCard := words.T(knowledge.En, "verify_ask_card")
	confirm, _, _ := strings.Cut(words.T(knowledge.En, "verify_confirm"), "{")
	hook := ts.url + "/webhook/telegram"
	send := func(body []byte) {
		t.Helper()
		grpPost(t, hook, body, map[string]string{"X-Telegram-Bot-Api-Secret-Token": grpSecret, "Content-Type": "application/json"})
	}
	const (
		ana, ben, chen = 501, 502, 503
		group          = int64(-1001777)
		forum          = int64(-1001888)
	)

	// Ana starts a number check one-to-one: the bot asks her to confirm it.
	send(grpMessage(1, ana, "private", ana, 0, "/start"))
	api.waitSends(t, "501", 1)
	send(grpCallback(2, ana, "private", ana, "verify:start"))
	api.waitSends(t, "501", 2)
	send(grpMessage(3, ana, "private", ana, 0, "A123456789"))
	private := api.waitSends(t, "501", 4) // the deletion notice, the confirmation
	if last := private[len(private)-1].Fields["text"]; !strings.Contains(last, confirm) || !strings.Contains(last, "A12*****89") {
		t.Fatalf("one-to-one: %q, want the confirmation of A12*****89", last)
	}

	// In the group, IDs typed by Ana and by Ben give nothing at all.
	send(grpMessage(4, group, "supergroup", ana, 0, "A123456789"))
	send(grpMessage(5, group, "supergroup", ben, 0, "my ID is A123456789, card 0000 1111 2222"))
	// Ben's /start@bot: the note, with the deep link as a URL button.
	send(grpMessage(6, group, "supergroup", ben, 0, "/start@"+grpUsername))
	got := api.waitSends(t, "-1001777", 1)
	if len(got) != 1 || got[0].Fields["text"] != note {
		t.Fatalf("group: %+v, want only the note %q", got, note)
	}
	if urls := urlButtons(t, got[0]); len(urls) != 1 || urls[0] != grpLink {
		t.Errorf("the note's buttons %q, want %s", urls, grpLink)
	}
	// Ben presses "verify:yes" in the group, then Ana does: each press is
	// answered and gets the note; neither continues a form.
	send(grpCallback(7, group, "supergroup", ben, "verify:yes"))
	api.waitSends(t, "-1001777", 2)
	send(grpCallback(8, group, "supergroup", ana, "verify:yes"))
	api.waitSends(t, "-1001777", 3)
	// A command for another bot gets nothing.
	send(grpMessage(9, group, "supergroup", ben, 0, "/start@other_bot"))
	// A member in a forum topic is answered in that topic.
	send(grpMessage(10, forum, "supergroup", chen, 4, "/menu@"+grpUsername))
	topic := api.waitSends(t, "-1001888", 1)
	if topic[0].Fields["message_thread_id"] != "4" || topic[0].Fields["text"] != note {
		t.Errorf("forum topic: %+v, want the note in thread 4", topic[0].Fields)
	}
	// Ana's own form was not touched: "yes" one-to-one asks for the card.
	send(grpCallback(11, ana, "private", ana, "verify:yes"))
	private = api.waitSends(t, "501", 5)
	if last := private[len(private)-1].Fields["text"]; !strings.Contains(last, askCard) {
		t.Errorf("one-to-one after the group's presses: %q, want %q", last, askCard)
	}

	groupMsgs := append(api.sends("-1001777"), api.sends("-1001888")...)
	if len(groupMsgs) != 4 {
		t.Errorf("%d messages to the groups, want 4 notes: %+v", len(groupMsgs), groupMsgs)
	}
	for _, m := range groupMsgs {
		text := m.Fields["text"]
		for _, bad := range []string{"A12*****89", "*****", "A123456789", confirm, askCard} {
			if strings.Contains(text, bad) {
				t.Errorf("a group saw %q: %q", bad, text)
			}
		}
		if text != note {
			t.Errorf("a group message that is not the note: %q", text)
		}
	}
	answered := map[string]bool{}
	for _, c := range api.Calls() {
		switch c.Method {
		case "answerCallbackQuery":
			answered[c.Fields["callback_query_id"]] = true
		case "deleteMessage":
			if c.Fields["chat_id"] != "501" {
				t.Errorf("deleted a message in chat %s", c.Fields["chat_id"])
			}
		}
	}
	for _, id := range []string{"cq7", "cq8", "cq11"} {
		if !answered[id] {
			t.Errorf("callback query %s not answered", id)
		}
	}
	if n := api.count("getMe"); n != 1 {
		t.Errorf("getMe called %d times, want once", n)
	}
	if strings.Contains(ts.logs.String(), "A123456789") {
		t.Error("the log holds the full ID")
	}
}

// TestServeGroupsLINE: in a LINE group, a text that mentions the bot and a
// postback get the note by the reply token; a text without a mention gets
// nothing.
func TestServeGroupsLINE(t *testing.T) {
	const secret = "grp-line-secret"
	api := linetest.New(t)
	ts := startServer(t, serveConfig{
		LineSecret: secret, LineToken: "grp-line-token", LineAPIBase: api.URL,
		Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
	})
	words, err := dialogs.DefaultWords()
	if err != nil {
		t.Fatal(err)
	}
	event := func(id, token, user, kind, member string) string {
		return fmt.Sprintf(`{"type":%q,%s,"webhookEventId":%q,"deliveryContext":{"isRedelivery":false},"timestamp":%d,"mode":"active","source":{"type":"group","groupId":"Cgroup1","userId":%q},"replyToken":%q}`,
			kind, member, id, time.Now().UnixMilli(), user, token)
	}
	send := func(events ...string) {
		t.Helper()
		body := []byte(`{"destination":"Ubot","events":[` + strings.Join(events, ",") + `]}`)
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(body)
		grpPost(t, ts.url+"/webhook/line", body, map[string]string{
			"X-Line-Signature": base64.StdEncoding.EncodeToString(m.Sum(nil)), "Content-Type": "application/json",
		})
	}
	send(
		event("01GRP1", "tok-plain", "Uana", "message", `"message":{"type":"text","id":"1","text":"A123456789"}`),
		event("01GRP2", "tok-mention", "Uana", "message", `"message":{"type":"text","id":"2","text":"@VaxBot A123456789","mention":{"mentionees":[{"index":0,"length":7,"userId":"Ubot","type":"user","isSelf":true}]}}`),
		event("01GRP3", "tok-postback", "Uben", "postback", `"postback":{"data":"verify:yes"}`),
	)
	replies := api.WaitReplies(t, 2)
	time.Sleep(100 * time.Millisecond) // a reply to the plain text would come by now
	replies = api.Replies()
	tokens := map[string]bool{}
	for _, r := range replies {
		tokens[r.Token] = true
		raw, _ := json.Marshal(r.Messages)
		if !strings.Contains(string(raw), strings.ReplaceAll(words.T(knowledge.ZhTW, "group_note"), `"`, `\"`)) {
			t.Errorf("reply %s is not the note: %s", r.Token, raw)
		}
		for _, bad := range []string{"A12*****89", "A123456789", "verify:", "quickReply"} {
			if strings.Contains(string(raw), bad) {
				t.Errorf("reply %s holds %q: %s", r.Token, bad, raw)
			}
		}
	}
	if len(replies) != 2 || !tokens["tok-mention"] || !tokens["tok-postback"] {
		t.Errorf("replies to %v, want the mention and the postback only", tokens)
	}
}
