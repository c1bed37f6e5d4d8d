package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// tgCall is one Bot API call the fake Telegram server received.
type tgCall struct {
	Method string
	Fields map[string]string
}

// fakeTelegram is a Bot API on loopback speaking its wire format:
// multipart/form-data POSTs to /bot<token>/<method>, answered with
// {"ok":true,"result":…}.
type fakeTelegram struct {
	mu    sync.Mutex
	calls []tgCall
	srv   *httptest.Server
}

func newFakeTelegram(t *testing.T) *fakeTelegram {
	f := &fakeTelegram{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		if !strings.HasPrefix(r.URL.Path, "/bottg-token/") {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		fields := map[string]string{}
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			for k, v := range r.MultipartForm.Value {
				fields[k] = v[0]
			}
		}
		f.mu.Lock()
		f.calls = append(f.calls, tgCall{Method: method, Fields: fields})
		n := len(f.calls) // the message id, read under the lock
		f.mu.Unlock()
		switch method {
		case "sendMessage", "sendPhoto":
			chat := fields["chat_id"]
			text, _ := json.Marshal(fields["text"])
			fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":1625665242,"chat":{"id":%s,"type":"private"},"text":%s}}`, n, chat, text)
		default:
			io.WriteString(w, `{"ok":true,"result":true}`)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeTelegram) Calls() []tgCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]tgCall(nil), f.calls...)
}

func (f *fakeTelegram) waitMethod(t *testing.T, method string, n int) []tgCall {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var got []tgCall
		for _, c := range f.Calls() {
			if c.Method == method {
				got = append(got, c)
			}
		}
		if len(got) >= n {
			return got
		}
	}
	t.Fatalf("fewer than %d %s calls: %+v", n, method, f.Calls())
	return nil
}

func tgUpdate(id int, chat int64, text string) []byte {
	// Dated now: an older message is refused as a replay.
	return []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private","first_name":"Ana"},"from":{"id":%d,"is_bot":false,"first_name":"Ana","language_code":"en"},"text":%q}}`, id, id, time.Now().Unix(), chat, chat, text))
}

func tgCallback(id int, chat int64, data string) []byte {
	return []byte(fmt.Sprintf(`{"update_id":%d,"callback_query":{"id":"cq%d","from":{"id":%d,"is_bot":false,"first_name":"Ana"},"chat_instance":"1","data":%q,"message":{"message_id":7,"date":1625665242,"chat":{"id":%d,"type":"private"},"text":"menu"}}}`, id, id, chat, data, chat))
}

func TestServeTelegram(t *testing.T) {
	api := newFakeTelegram(t)
	cfg := serveConfig{
		TelegramToken: "tg-token", TelegramSecret: "tg_secret-1", TelegramAPIBase: api.srv.URL,
		Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
	}
	ts := startServer(t, cfg)
	hook := ts.url + "/webhook/telegram"
	secret := map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1", "Content-Type": "application/json"}

	if code := post(t, hook, tgUpdate(1, 42, "/start"), map[string]string{"X-Telegram-Bot-Api-Secret-Token": "wrong"}); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: status %d, want 401", code)
	}
	if code := post(t, hook, []byte(`{"update_id":`), secret); code != http.StatusBadRequest {
		t.Errorf("garbage: status %d, want 400", code)
	}
	for range 2 { // the second is a redelivery
		if code := post(t, hook, tgUpdate(2, 42, "/start"), secret); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	welcome := api.waitMethod(t, "sendMessage", 1)[0]
	if welcome.Fields["chat_id"] != "42" || !strings.Contains(welcome.Fields["text"], "Hello") {
		t.Errorf("welcome %+v", welcome.Fields)
	}
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(welcome.Fields["reply_markup"]), &kb); err != nil || len(kb.InlineKeyboard) == 0 || kb.InlineKeyboard[0][0].CallbackData != "faq:q1" {
		t.Errorf("inline keyboard %s (%v)", welcome.Fields["reply_markup"], err)
	}

	if code := post(t, hook, tgCallback(3, 42, "verify:start"), secret); code != http.StatusOK {
		t.Fatal(code)
	}
	api.waitMethod(t, "answerCallbackQuery", 1)
	api.waitMethod(t, "sendMessage", 2)
	if code := post(t, hook, tgUpdate(4, 42, "A123456789"), secret); code != http.StatusOK {
		t.Fatal(code)
	}
	del := api.waitMethod(t, "deleteMessage", 1)[0]
	if del.Fields["message_id"] != "4" {
		t.Errorf("deleted message %q, want the one with the number", del.Fields["message_id"])
	}
	sends := api.waitMethod(t, "sendMessage", 4)
	all := ""
	for _, c := range sends {
		all += c.Fields["text"] + "\n"
	}
	if !strings.Contains(all, "A12*****89") || !strings.Contains(all, "deleted your message") {
		t.Errorf("replies:\n%s", all)
	}
	if strings.Contains(all, "A123456789") {
		t.Error("a reply holds the full number")
	}
	if n := len(api.waitMethod(t, "sendMessage", 1)); n < 4 {
		t.Errorf("%d messages", n)
	}
	// The redelivered /start produced no second welcome.
	welcomes := 0
	for _, c := range api.Calls() {
		if c.Method == "sendMessage" && strings.Contains(c.Fields["text"], "Hello!") {
			welcomes++
		}
	}
	if welcomes != 1 {
		t.Errorf("%d welcomes, want 1 (redelivery dropped)", welcomes)
	}
}
