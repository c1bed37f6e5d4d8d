package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	tgbot "github.com/go-telegram/bot"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

type button struct {
	Text         string `json:"text"`
	URL          string `json:"url,omitempty"`
	CallbackData string `json:"callback_data,omitempty"`
}

func keyboard(t *testing.T, c apiCall) [][]button {
	t.Helper()
	rm, ok := c.Form["reply_markup"]
	if !ok {
		return nil
	}
	var kb struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(rm), &kb); err != nil {
		t.Fatalf("reply_markup %q: %v", rm, err)
	}
	return kb.InlineKeyboard
}

func mustDecode(t *testing.T, body []byte) bot.Event {
	t.Helper()
	evs, err := decode(body, fakeUsername)
	if err != nil || len(evs) != 1 {
		t.Fatalf("decode: %v, %v", evs, err)
	}
	return evs[0]
}

func metricsText(m *bot.Metrics) string {
	var b bytes.Buffer
	m.WritePrometheus(&b)
	return b.String()
}

func wantMetric(t *testing.T, m *bot.Metrics, result string, n string) {
	t.Helper()
	line := `vaxbot_replies_total{channel="telegram",result="` + result + `"} ` + n
	if !strings.Contains(metricsText(m), line+"\n") {
		t.Errorf("metrics lack %q:\n%s", line, metricsText(m))
	}
}

func TestDeliverRendersKeyboard(t *testing.T) {
	tests := []struct {
		name    string
		choices []dialogs.Choice
		want    [][]button
	}{
		{
			name:    "short labels two per row",
			choices: []dialogs.Choice{ch("是", "ans:yes"), ch("否", "ans:no"), ch("選單", "menu")},
			want: [][]button{
				{{Text: "是", CallbackData: "ans:yes"}, {Text: "否", CallbackData: "ans:no"}},
				{{Text: "選單", CallbackData: "menu"}},
			},
		},
		{
			name:    "long labels one per row",
			choices: []dialogs.Choice{ch("How do I check my record?", "faq:q5"), ch("Menu", "menu")},
			want: [][]button{
				{{Text: "How do I check my record?", CallbackData: "faq:q5"}},
				{{Text: "Menu", CallbackData: "menu"}},
			},
		},
		{
			name:    "payload over 64 bytes skipped",
			choices: []dialogs.Choice{ch("ok", "faq:q1"), ch("too long", strings.Repeat("x", 65)), ch("edge", strings.Repeat("y", 64))},
			want: [][]button{
				{{Text: "ok", CallbackData: "faq:q1"}, {Text: "edge", CallbackData: strings.Repeat("y", 64)}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newTestChannel(t, Config{})
			ev := mustDecode(t, readTestdata(t, "text.json"))
			err := c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "請選擇：", Choices: tt.choices, Lang: knowledge.ZhTW}})
			if err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			calls := f.recorded()
			if len(calls) != 1 || calls[0].Method != "sendMessage" {
				t.Fatalf("calls = %v, want one sendMessage", f.methods())
			}
			if got := calls[0].Form["chat_id"]; got != "5123456789" {
				t.Errorf("chat_id = %q", got)
			}
			if got := calls[0].Form["text"]; got != "請選擇：" {
				t.Errorf("text = %q", got)
			}
			if _, ok := calls[0].Form["parse_mode"]; ok {
				t.Errorf("parse_mode set; text must go as plain text")
			}
			if got := keyboard(t, calls[0]); !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("keyboard:\n got %+v\nwant %+v", got, tt.want)
			}
			wantMetric(t, c.metrics, "sent", "1")
		})
	}
}

func TestDeliverLinks(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	ev := mustDecode(t, readTestdata(t, "text.json"))
	r := dialogs.Reply{
		Text: "請撥打專線：",
		Links: []dialogs.Link{
			{Label: "1922", URL: "tel:1922"},
			{Label: "0800-030-598", URL: "tel:0800030598"},
			{Label: "健保署", URL: "tel:0800030598"},
			{Label: "疾管署網站", URL: "https://www.cdc.gov.tw/"},
		},
		Choices: []dialogs.Choice{ch("選單", "menu")},
	}
	if err := c.Deliver(context.Background(), ev, []dialogs.Reply{r}); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	calls := f.recorded()
	if len(calls) != 1 {
		t.Fatalf("calls = %v", f.methods())
	}
	wantText := "請撥打專線：\n☎ 1922\n☎ 0800-030-598\n☎ 健保署 0800030598"
	if got := calls[0].Form["text"]; got != wantText {
		t.Errorf("text:\n got %q\nwant %q", got, wantText)
	}
	want := [][]button{{{Text: "選單", CallbackData: "menu"}}, {{Text: "疾管署網站", URL: "https://www.cdc.gov.tw/"}}}
	if got := keyboard(t, calls[0]); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("keyboard:\n got %+v\nwant %+v", got, want)
	}
	if strings.Contains(calls[0].Form["reply_markup"], "tel:") {
		t.Errorf("a tel: link became a button: %s", calls[0].Form["reply_markup"])
	}
}

func TestDeliverCallbackAnswersFirst(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	ev := mustDecode(t, readTestdata(t, "callback.json"))
	if err := c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "one"}, {Text: "two"}}); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if got, want := f.methods(), []string{"answerCallbackQuery", "sendMessage", "sendMessage"}; !slices.Equal(got, want) {
		t.Fatalf("calls = %v, want %v", got, want)
	}
	calls := f.recorded()
	if got := calls[0].Form["callback_query_id"]; got != "4382bfdwdsb323b2d9" {
		t.Errorf("callback_query_id = %q", got)
	}
	if got := calls[0].Form["text"]; got != "" {
		t.Errorf("answer text = %q, want empty", got)
	}
}

func TestPrepareAnswersCallbackOnce(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	ev := mustDecode(t, readTestdata(t, "callback.json"))
	c.Prepare(context.Background(), ev)
	if got := f.methods(); !slices.Equal(got, []string{"answerCallbackQuery"}) {
		t.Fatalf("after Prepare: calls = %v", got)
	}
	if err := c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "ok"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.methods(), []string{"answerCallbackQuery", "sendMessage"}; !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestDeletesMessageWithNumber(t *testing.T) {
	tests := []struct {
		name      string
		prepare   bool
		lang      dialogs.Lang
		deleteErr *cannedReply
		want      []string // sendMessage texts
	}{
		{"prepare then deliver, en", true, knowledge.En, nil, []string{deletedEn, "reply"}},
		{"prepare then deliver, zh-TW", true, knowledge.ZhTW, nil, []string{deletedZh, "reply"}},
		{"deliver alone", false, knowledge.En, nil, []string{deletedEn, "reply"}},
		{"reply without lang uses the hint", true, "", nil, []string{deletedEn, "reply"}},
		{"delete refused: no notice", true, knowledge.En, &noDelete, []string{"reply"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newTestChannel(t, Config{})
			if tt.deleteErr != nil {
				f.then("deleteMessage", *tt.deleteErr)
			}
			ev := mustDecode(t, readTestdata(t, "id_number.json")) // "A123456789", language_code en
			if tt.prepare {
				c.Prepare(context.Background(), ev)
				if got := f.methods(); !slices.Equal(got, []string{"deleteMessage"}) {
					t.Fatalf("after Prepare: calls = %v", got)
				}
			}
			if err := c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "reply", Lang: tt.lang}}); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			var texts []string
			deletes := 0
			for _, call := range f.recorded() {
				switch call.Method {
				case "deleteMessage":
					deletes++
					if call.Form["chat_id"] != "5123456789" || call.Form["message_id"] != "47" {
						t.Errorf("deleteMessage form = %v", call.Form)
					}
				case "sendMessage":
					texts = append(texts, call.Form["text"])
				}
			}
			if deletes != 1 {
				t.Errorf("deleteMessage called %d times, want 1", deletes)
			}
			if !slices.Equal(texts, tt.want) {
				t.Errorf("sent %q, want %q", texts, tt.want)
			}
		})
	}
}

func TestNoDeleteWithoutNumber(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	ev := mustDecode(t, readTestdata(t, "text.json"))
	c.Prepare(context.Background(), ev)
	if err := c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "hi"}}); err != nil {
		t.Fatal(err)
	}
	if got := f.methods(); !slices.Equal(got, []string{"sendMessage"}) {
		t.Errorf("calls = %v", got)
	}
}

func TestDeliverRetries(t *testing.T) {
	tests := []struct {
		name      string
		script    []cannedReply
		wantErr   error // nil: delivered
		wantCalls int
		wantWaits []time.Duration
		metrics   map[string]string
	}{
		{
			name: "429 then success", script: []cannedReply{tooMany},
			wantCalls: 2, wantWaits: []time.Duration{time.Second},
			metrics: map[string]string{"retried": "1", "sent": "1"},
		},
		{
			name:      "429 retry_after capped at 5 s",
			script:    []cannedReply{{429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 30","parameters":{"retry_after":30}}`}},
			wantCalls: 2, wantWaits: []time.Duration{5 * time.Second},
			metrics: map[string]string{"retried": "1", "sent": "1"},
		},
		{
			name: "5xx backs off then succeeds", script: []cannedReply{badGateway, {500, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`}},
			wantCalls: 3, wantWaits: []time.Duration{100 * time.Millisecond, 400 * time.Millisecond},
			metrics: map[string]string{"retried": "2", "sent": "1"},
		},
		{
			name: "gives up after 3 retries", script: []cannedReply{badGateway, badGateway, badGateway, badGateway, badGateway},
			wantErr: errAny, wantCalls: 4, wantWaits: []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, 1600 * time.Millisecond},
			metrics: map[string]string{"retried": "3", "failed": "1"},
		},
		{
			name: "400 is final", script: []cannedReply{badRequest},
			wantErr: tgbot.ErrorBadRequest, wantCalls: 1,
			metrics: map[string]string{"failed": "1"},
		},
		{
			name: "403 is final", script: []cannedReply{forbidden},
			wantErr: tgbot.ErrorForbidden, wantCalls: 1,
			metrics: map[string]string{"failed": "1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, w := newTestChannel(t, Config{})
			f.then("sendMessage", tt.script...)
			ev := mustDecode(t, readTestdata(t, "text.json"))
			err := c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "hello"}})
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Deliver: %v", err)
			case tt.wantErr != nil && err == nil:
				t.Fatalf("Deliver: nil error, want one")
			case tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Errorf("Deliver: %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "telegram: deliver: ") {
				t.Errorf("err = %q, want prefix telegram: deliver:", err)
			}
			if got := len(f.recorded()); got != tt.wantCalls {
				t.Errorf("%d calls, want %d", got, tt.wantCalls)
			}
			if !slices.Equal(w.d, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", w.d, tt.wantWaits)
			}
			for result, n := range tt.metrics {
				wantMetric(t, c.metrics, result, n)
			}
		})
	}
}

func ch(label, payload string) dialogs.Choice {
	return dialogs.Choice{Label: label, Payload: payload}
}

// errAny stands for "some error" in tables.
var errAny = errors.New("any error")

func TestDeliverStopsWhenBlocked(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	f.then("sendMessage", forbidden)
	ev := mustDecode(t, readTestdata(t, "text.json"))
	err := c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "one"}, {Text: "two"}})
	if !errors.Is(err, tgbot.ErrorForbidden) {
		t.Fatalf("Deliver: %v, want ErrorForbidden", err)
	}
	if got := len(f.recorded()); got != 1 {
		t.Errorf("%d calls after a 403, want 1", got)
	}
}

func TestDeliverContinuesAfterBadRequest(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	f.then("sendMessage", badRequest)
	ev := mustDecode(t, readTestdata(t, "text.json"))
	err := c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "one"}, {Text: "two"}})
	if !errors.Is(err, tgbot.ErrorBadRequest) || !strings.Contains(err.Error(), "reply 1 of 2") {
		t.Fatalf("Deliver: %v, want reply 1 of 2 bad request", err)
	}
	if got := len(f.recorded()); got != 2 {
		t.Errorf("%d calls, want 2", got)
	}
}

func TestDeliverConnectionError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := New(Config{Token: testToken, APIBase: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	w := &waits{}
	c.sleep = w.sleep
	ev := mustDecode(t, readTestdata(t, "text.json"))
	err = c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "hello"}})
	if err == nil {
		t.Fatal("Deliver: nil error")
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error leaks the token: %v", err)
	}
	if len(w.d) != 3 {
		t.Errorf("waits = %v, want 3 backoffs", w.d)
	}
}

func TestDeliverStopsWithContext(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	c.sleep = sleep // the real one
	f.then("sendMessage", badGateway, badGateway, badGateway, badGateway)
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Deliver(ctx, mustDecode(t, readTestdata(t, "text.json")), []dialogs.Reply{{Text: "hello"}})
	if err == nil {
		t.Fatal("Deliver: nil error")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Deliver took %v after its context ended", d)
	}
	if got := len(f.recorded()); got > 3 {
		t.Errorf("%d calls, want at most 3 within 250 ms", got)
	}
}

func TestDeliverSplitsLongText(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	para := strings.Repeat("接種紀錄😀", 300) // 6 UTF-16 units a repetition
	text := para + "\n" + para + "\n" + para
	err := c.Deliver(context.Background(), mustDecode(t, readTestdata(t, "text.json")),
		[]dialogs.Reply{{Text: text, Choices: []dialogs.Choice{ch("選單", "menu")}}})
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	calls := f.recorded()
	if len(calls) < 2 {
		t.Fatalf("%d messages, want the text split", len(calls))
	}
	var joined []string
	for i, call := range calls {
		s := call.Form["text"]
		if n := len(utf16.Encode([]rune(s))); n > 4096 {
			t.Errorf("message %d: %d UTF-16 units", i, n)
		}
		joined = append(joined, s)
		if _, has := call.Form["reply_markup"]; has != (i == len(calls)-1) {
			t.Errorf("message %d: keyboard %v, want it on the last message only", i, has)
		}
	}
	if got := strings.Join(joined, "\n"); got != text {
		t.Errorf("split lost or changed text")
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"short", "abc", 10, []string{"abc"}},
		{"empty", "  ", 10, nil},
		{"at newline", "aaaa\nbbbb", 6, []string{"aaaa", "bbbb"}},
		{"at space", "aaaa bbbb", 6, []string{"aaaa", "bbbb"}},
		{"hard cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"no split of a surrogate pair", "ab😀cd", 3, []string{"ab", "😀c", "d"}},
	}
	for _, tt := range tests {
		if got := split(tt.in, tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("%s: split(%q, %d) = %q, want %q", tt.name, tt.in, tt.max, got, tt.want)
		}
	}
}

func TestDeliverWithoutTarget(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	err := c.Deliver(context.Background(), bot.Event{}, []dialogs.Reply{{Text: "x"}})
	if err == nil || !strings.HasPrefix(err.Error(), "telegram: deliver: ") {
		t.Errorf("Deliver: %v", err)
	}
	c.Prepare(context.Background(), bot.Event{}) // must not panic
	if n := len(f.recorded()); n != 0 {
		t.Errorf("%d calls", n)
	}
}

// TestLogsHoldNoNumbers runs the paths that log and fail with a message
// holding an ID and a card number, and checks that neither the numbers, the
// text, nor the person's ids reach the logs or the error.
func TestLogsHoldNoNumbers(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, f, _ := newTestChannel(t, Config{Logger: log})
	f.then("deleteMessage", noDelete)
	f.then("sendMessage", badRequest, tooMany, badGateway, badGateway, badGateway)

	text := "我的身分證 A123456789 卡號 0000 1234 5678"
	body := []byte(`{"update_id":1001,"message":{"message_id":9,"from":{"id":5123456789,"is_bot":false,"first_name":"Mei","language_code":"zh-TW"},"chat":{"id":5123456789,"type":"private"},"date":1764137000,"text":` + jsonString(text) + `}}`)
	evs, err := c.Decode(body)
	if err != nil || len(evs) != 1 {
		t.Fatalf("Decode: %v, %v", evs, err)
	}
	c.Prepare(context.Background(), evs[0])
	replies := []dialogs.Reply{
		{Text: "您輸入的是 A12*****89 嗎？", Choices: []dialogs.Choice{ch("是", "verify:yes"), ch("A123456789", strings.Repeat("verify:A123456789:", 4))}},
		{Text: "second"},
	}
	derr := c.Deliver(context.Background(), evs[0], replies)
	if derr == nil {
		t.Fatal("Deliver: want an error")
	}
	if logs.Len() == 0 {
		t.Fatal("nothing logged; the test would prove nothing")
	}
	for _, secret := range []string{"A123456789", "a123456789", "123456789", "000012345678", "1234 5678", "5123456789", "身分證", "second"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs hold %q:\n%s", secret, logs.String())
		}
		if strings.Contains(derr.Error(), secret) {
			t.Errorf("error holds %q: %v", secret, derr)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// The notices after deleting a message with a number, from the shipped words.
const (
	deletedZh = "為保護您的資料，我已刪除您剛才傳送的號碼訊息。"
	deletedEn = "To protect your data, I deleted your message with the number."
)
