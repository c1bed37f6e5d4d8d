package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/vaxbot/vaxbot/bot"
)

const testToken = "123456:TEST-token_abc"

// fakeUsername is the bot's username as the fake API's getMe gives it.
const fakeUsername = "vaxbot_tw_bot"

// apiCall is one request the fake Bot API received.
type apiCall struct {
	Method string
	Form   map[string]string
}

// cannedReply is a response the fake gives instead of its default one.
type cannedReply struct {
	status int
	body   string
}

var (
	tooMany    = cannedReply{429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`}
	badRequest = cannedReply{400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`}
	forbidden  = cannedReply{403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`}
	badGateway = cannedReply{502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>\r\n</html>\r\n"}
	noDelete   = cannedReply{400, `{"ok":false,"error_code":400,"description":"Bad Request: message can't be deleted"}`}
)

// fakeAPI is an in-process Telegram Bot API: it takes multipart POSTs to
// /bot<token>/<method>, validates what Telegram validates for the methods
// the channel uses, answers in Telegram's envelope and records every call.
type fakeAPI struct {
	t   testing.TB
	srv *httptest.Server

	mu     sync.Mutex
	calls  []apiCall
	script map[string][]cannedReply
	nextID int
}

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{t: t, script: map[string][]cannedReply{}, nextID: 100}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve)) // 127.0.0.1:0
	t.Cleanup(f.srv.Close)
	return f
}

// then makes the next calls of method get these replies, in order.
func (f *fakeAPI) then(method string, replies ...cannedReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[method] = append(f.script[method], replies...)
}

func (f *fakeAPI) recorded() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...)
}

func (f *fakeAPI) methods() []string {
	var out []string
	for _, c := range f.recorded() {
		out = append(out, c.Method)
	}
	return out
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || r.Method != http.MethodPost {
		writeJSON(w, 404, `{"ok":false,"error_code":404,"description":"Not Found"}`)
		return
	}
	if token != testToken {
		writeJSON(w, 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	form := map[string]string{}
	// A method without parameters (getMe) comes without a body.
	if r.ContentLength != 0 || r.Header.Get("Content-Type") != "" {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			writeJSON(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: expected multipart/form-data"}`)
			return
		}
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			writeJSON(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: bad form"}`)
			return
		}
		for k, v := range r.MultipartForm.Value {
			form[k] = v[0]
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, apiCall{Method: method, Form: form})
	var canned *cannedReply
	if q := f.script[method]; len(q) > 0 {
		canned, f.script[method] = &q[0], q[1:]
	}
	f.nextID++
	id := f.nextID
	f.mu.Unlock()
	if canned != nil {
		if strings.HasPrefix(canned.body, "{") {
			writeJSON(w, canned.status, canned.body)
		} else {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(canned.status)
			fmt.Fprint(w, canned.body)
		}
		return
	}
	switch method {
	case "sendMessage":
		if msg := checkSendMessage(form); msg != "" {
			writeJSON(w, 400, fmt.Sprintf(`{"ok":false,"error_code":400,"description":%q}`, msg))
			return
		}
		chatID, _ := strconv.ParseInt(form["chat_id"], 10, 64)
		result, _ := json.Marshal(map[string]any{
			"message_id": id,
			"from":       map[string]any{"id": 7000000001, "is_bot": true, "first_name": "VaxBot", "username": fakeUsername},
			"chat":       map[string]any{"id": chatID, "type": "private"},
			"date":       time.Now().Unix(),
			"text":       form["text"],
		})
		writeJSON(w, 200, `{"ok":true,"result":`+string(result)+`}`)
	case "sendPhoto":
		if msg := checkSendPhoto(form); msg != "" {
			writeJSON(w, 400, fmt.Sprintf(`{"ok":false,"error_code":400,"description":%q}`, msg))
			return
		}
		chatID, _ := strconv.ParseInt(form["chat_id"], 10, 64)
		result, _ := json.Marshal(map[string]any{
			"message_id": id,
			"chat":       map[string]any{"id": chatID, "type": "private"},
			"date":       time.Now().Unix(),
			"photo":      []map[string]any{{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 1040, "height": 656}},
			"caption":    form["caption"],
		})
		writeJSON(w, 200, `{"ok":true,"result":`+string(result)+`}`)
	case "getMe":
		writeJSON(w, 200, `{"ok":true,"result":{"id":7000000001,"is_bot":true,"first_name":"VaxBot","username":"`+fakeUsername+`","can_join_groups":true,"can_read_all_group_messages":false,"supports_inline_queries":false}}`)
	case "setMyCommands":
		if msg := checkSetMyCommands(form); msg != "" {
			writeJSON(w, 400, fmt.Sprintf(`{"ok":false,"error_code":400,"description":%q}`, msg))
			return
		}
		writeJSON(w, 200, `{"ok":true,"result":true}`)
	case "deleteMessage", "answerCallbackQuery":
		if form["chat_id"] == "" && method == "deleteMessage" || method == "answerCallbackQuery" && form["callback_query_id"] == "" {
			writeJSON(w, 400, `{"ok":false,"error_code":400,"description":"Bad Request: missing parameter"}`)
			return
		}
		writeJSON(w, 200, `{"ok":true,"result":true}`)
	default:
		writeJSON(w, 404, `{"ok":false,"error_code":404,"description":"Not Found: method not found"}`)
	}
}

// checkSendMessage returns Telegram's description for a sendMessage it
// would refuse, or "".
func checkSendMessage(form map[string]string) string {
	if _, err := strconv.ParseInt(form["chat_id"], 10, 64); err != nil {
		return "Bad Request: chat not found"
	}
	if id, ok := form["message_thread_id"]; ok {
		if n, err := strconv.Atoi(id); err != nil || n <= 0 {
			return "Bad Request: message thread not found"
		}
	}
	text := strings.TrimSpace(form["text"])
	if text == "" {
		return "Bad Request: message text is empty"
	}
	if len(utf16.Encode([]rune(text))) > 4096 {
		return "Bad Request: message is too long"
	}
	if rm, ok := form["reply_markup"]; ok {
		var kb struct {
			InlineKeyboard [][]struct {
				Text         string `json:"text"`
				URL          string `json:"url"`
				CallbackData string `json:"callback_data"`
			} `json:"inline_keyboard"`
		}
		if err := json.Unmarshal([]byte(rm), &kb); err != nil {
			return "Bad Request: can't parse reply keyboard markup JSON object"
		}
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if len(b.CallbackData) > 64 || (b.CallbackData == "" && b.URL == "") {
					return "Bad Request: BUTTON_DATA_INVALID"
				}
				if strings.HasPrefix(b.URL, "tel:") {
					return "Bad Request: inline keyboard button URL 'tel:1922' is invalid: unsupported URL protocol"
				}
			}
		}
	}
	return ""
}

// checkSendPhoto returns Telegram's description for a sendPhoto it would
// refuse, or "": a photo is a URL here (the channel never uploads).
func checkSendPhoto(form map[string]string) string {
	if _, err := strconv.ParseInt(form["chat_id"], 10, 64); err != nil {
		return "Bad Request: chat not found"
	}
	if u := form["photo"]; !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return "Bad Request: wrong remote file identifier specified"
	}
	if len(utf16.Encode([]rune(form["caption"]))) > 1024 {
		return "Bad Request: message caption is too long"
	}
	if rm, ok := form["reply_markup"]; ok && !json.Valid([]byte(rm)) {
		return "Bad Request: can't parse reply keyboard markup JSON object"
	}
	return ""
}

// checkSetMyCommands returns Telegram's description for a setMyCommands
// it would refuse, or "".
func checkSetMyCommands(form map[string]string) string {
	var cmds []struct {
		Command     string `json:"command"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal([]byte(form["commands"]), &cmds); err != nil || len(cmds) == 0 || len(cmds) > 100 {
		return "Bad Request: can't parse commands JSON object"
	}
	for _, c := range cmds {
		if len(c.Command) == 0 || len(c.Command) > 32 || strings.ToLower(c.Command) != c.Command || strings.Trim(c.Command, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			return "Bad Request: BOT_COMMAND_INVALID"
		}
		if n := len([]rune(c.Description)); n == 0 || n > 256 {
			return "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
		}
	}
	if code := form["language_code"]; code != "" && len(code) != 2 {
		return "Bad Request: LANG_CODE_INVALID"
	}
	return ""
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// waits records the waits between retries instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

// newTestChannel returns a Channel talking to a fresh fake API.
func newTestChannel(t testing.TB, cfg Config) (*Channel, *fakeAPI, *waits) {
	t.Helper()
	f := newFakeAPI(t)
	cfg.Token = testToken
	cfg.APIBase = f.srv.URL
	if cfg.Secret == "" {
		cfg.Secret = "s3cret-Token_1"
	}
	if cfg.Metrics == nil {
		cfg.Metrics = bot.NewMetrics()
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	w := &waits{}
	c.sleep = w.sleep
	return c, f, w
}
