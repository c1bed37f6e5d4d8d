package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
)

const lineSecret = "test-line-secret"

// testServer runs the real server wiring on 127.0.0.1:0.
type testServer struct {
	url    string
	cancel context.CancelFunc
	done   chan error
	logs   *bytes.Buffer
}

func startServer(t *testing.T, cfg serveConfig) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	if cfg.DataDir == "" && cfg.DatabaseURL == "" {
		cfg.DataDir = t.TempDir()
	}
	a, err := newApp(context.Background(), cfg, slog.New(slog.NewJSONHandler(&syncWriter{w: logs}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{url: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1), logs: logs}
	go func() { ts.done <- a.run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-ts.done
	})
	return ts
}

// syncWriter makes a buffer safe for the logger's concurrent writes.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func lineConfig(api string) serveConfig {
	return serveConfig{
		LineSecret: lineSecret, LineToken: "line-token", LineAPIBase: api,
		Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
	}
}

// lineEvent builds one LINE webhook event as the platform sends it.
func lineEvent(id, user, token, kind, value string) map[string]any {
	ev := map[string]any{
		"type": kind, "webhookEventId": id, "timestamp": time.Now().UnixMilli(), "mode": "active",
		"deliveryContext": map[string]any{"isRedelivery": false},
		"source":          map[string]any{"type": "user", "userId": user},
		"replyToken":      token,
	}
	switch kind {
	case "message":
		ev["message"] = map[string]any{"type": "text", "id": "m" + id, "text": value}
	case "postback":
		ev["postback"] = map[string]any{"data": value}
	}
	return ev
}

func lineBody(events ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": events})
	return b
}

func signLINE(body []byte) string {
	m := hmac.New(sha256.New, []byte(lineSecret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func post(t *testing.T, url string, body []byte, header map[string]string) int {
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
	return res.StatusCode
}

func postLINE(t *testing.T, ts *testServer, body []byte) int {
	return post(t, ts.url+"/webhook/line", body, map[string]string{"X-Line-Signature": signLINE(body), "Content-Type": "application/json"})
}

func quickReplyData(m map[string]any) []string {
	qr, _ := m["quickReply"].(map[string]any)
	items, _ := qr["items"].([]any)
	var out []string
	for _, it := range items {
		a := it.(map[string]any)["action"].(map[string]any)
		if d, ok := a["data"].(string); ok {
			out = append(out, d)
		}
	}
	return out
}

func TestServeLINEReplyWithQuickReplies(t *testing.T) {
	api := linetest.New(t)
	ts := startServer(t, lineConfig(api.URL))
	body := lineBody(lineEvent("ev1", "Ualice", "token-1", "message", "健保卡號在哪裡"))
	if code := postLINE(t, ts, body); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	r := api.WaitReplies(t, 1)[0]
	if r.Token != "token-1" || len(r.Messages) != 1 {
		t.Fatalf("reply %+v", r)
	}
	text, _ := r.Messages[0]["text"].(string)
	if !strings.Contains(text, "左下角") {
		t.Errorf("answer %q is not QA item 1", text)
	}
	if qr := quickReplyData(r.Messages[0]); len(qr) == 0 || qr[len(qr)-1] != "menu" {
		t.Errorf("quick replies %v", qr)
	}
}

// TestServeLINEVerifyButton: the console's Verify button posts a signed body
// without events; it gets 200 and nothing is sent.
func TestServeLINEVerifyButton(t *testing.T) {
	api := linetest.New(t)
	ts := startServer(t, lineConfig(api.URL))
	if code := postLINE(t, ts, []byte(`{"destination":"U0123456789abcdef0123456789abcdef","events":[]}`)); code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	// A message after it is answered, and is the only call the API sees.
	if code := postLINE(t, ts, lineBody(lineEvent("ev1", "Ualice", "token-1", "message", "menu"))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	api.WaitReplies(t, 1)
	if calls := api.Calls(); len(calls) != 1 {
		t.Errorf("the API saw %d calls, want the one reply", len(calls))
	}
}

func TestServeRejectsAndDedupes(t *testing.T) {
	api := linetest.New(t)
	ts := startServer(t, lineConfig(api.URL))
	forged := lineBody(lineEvent("evF", "Ubob", "token-forged", "message", "menu"))
	if code := post(t, ts.url+"/webhook/line", forged, map[string]string{"X-Line-Signature": signLINE([]byte("other"))}); code != http.StatusUnauthorized {
		t.Errorf("forged signature: status %d, want 401", code)
	}
	if code := post(t, ts.url+"/webhook/line", forged, nil); code != http.StatusUnauthorized {
		t.Errorf("no signature: status %d, want 401", code)
	}
	once := lineBody(lineEvent("evD", "Ubob", "token-d1", "message", "menu"))
	for range 3 {
		if code := postLINE(t, ts, once); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	garbage := []byte(`{"events":[{"type":"message","message":42`)
	if code := postLINE(t, ts, garbage); code != http.StatusBadRequest {
		t.Errorf("garbage: status %d, want 400", code)
	}
	big := append([]byte(`{"events":[],"pad":"`), bytes.Repeat([]byte("a"), 1<<20)...)
	big = append(big, '"', '}')
	if code := postRaw(t, ts, "/webhook/line", big, signLINE(big)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MB body: status %d, want 413", code)
	}
	if code := post(t, ts.url+"/webhook/telegram", []byte(`{}`), nil); code != http.StatusNotFound {
		t.Errorf("disabled channel: status %d, want 404", code)
	}
	if code := post(t, ts.url+"/webhook/nope", []byte(`{}`), nil); code != http.StatusNotFound {
		t.Errorf("unknown path: status %d, want 404", code)
	}
	res, err := http.Get(ts.url + "/webhook/line")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET webhook: status %d, want 405", res.StatusCode)
	}
	// A last event, so that everything before it has been handled.
	if code := postLINE(t, ts, lineBody(lineEvent("evLast", "Ubob", "token-last", "message", "menu"))); code != http.StatusOK {
		t.Fatal(code)
	}
	replies := api.WaitReplies(t, 2)
	time.Sleep(50 * time.Millisecond)
	replies = api.Replies()
	var tokens []string
	for _, r := range replies {
		tokens = append(tokens, r.Token)
	}
	if strings.Join(tokens, ",") != "token-d1,token-last" {
		t.Errorf("replies to %v, want one to the first delivery and one to the last event", tokens)
	}
	metrics := get(t, ts.url+"/metrics")
	for _, want := range []string{
		`vaxbot_requests_rejected_total{channel="line",reason="auth"} 2`,
		`vaxbot_duplicates_dropped_total{channel="line"} 2`,
		`vaxbot_requests_rejected_total{channel="line",reason="bad_body"} 1`,
		`vaxbot_requests_rejected_total{channel="line",reason="too_large"} 1`,
		`vaxbot_events_total{channel="line",type="text"} 2`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s:\n%s", want, metrics)
		}
	}
}

// postRaw sends a request over a bare connection and reads the status,
// ignoring a failed write: a server that refuses a large body answers and
// closes while the client may still be sending it.
func postRaw(t *testing.T, ts *testServer, path string, body []byte, sig string) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: vaxbot\r\nContent-Type: application/json\r\nX-Line-Signature: %s\r\nContent-Length: %d\r\n\r\n", path, sig, len(body))
	conn.Write(body)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	res.Body.Close()
	return res.StatusCode
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	return string(b)
}

func TestServeHealth(t *testing.T) {
	ts := startServer(t, serveConfig{MaxBody: 1 << 20, ShutdownTimeout: time.Second})
	if got := get(t, ts.url+"/healthz"); got != "ok\n" {
		t.Errorf("healthz %q", got)
	}
	if got := get(t, ts.url+"/readyz"); got != `{"status":"ready","down":[],"checks":{"database":"up"}}`+"\n" {
		t.Errorf("readyz %q", got)
	}
	if code := post(t, ts.url+"/webhook/line", []byte(`{}`), nil); code != http.StatusNotFound {
		t.Errorf("LINE without credentials: status %d, want 404", code)
	}
}

func TestServeFiftyPeopleInOrder(t *testing.T) {
	api := linetest.New(t)
	ts := startServer(t, lineConfig(api.URL))
	const people = 50
	steps := []string{"faq:q1", "faq:q2", "faq:q6"}
	var wg sync.WaitGroup
	for p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, payload := range steps {
				id := fmt.Sprintf("p%d-%d", p, i)
				body := lineBody(lineEvent(id, fmt.Sprintf("U%04d", p), "tok-"+id, "postback", payload))
				if code := postLINE(t, ts, body); code != http.StatusOK {
					t.Errorf("status %d", code)
				}
			}
		}()
	}
	wg.Wait()
	replies := api.WaitReplies(t, people*len(steps))
	byPerson := map[string][]string{}
	for _, r := range replies {
		var p, i int
		fmt.Sscanf(r.Token, "tok-p%d-%d", &p, &i)
		byPerson[fmt.Sprint(p)] = append(byPerson[fmt.Sprint(p)], fmt.Sprintf("%d:%s", i, firstLine(r.Messages[0]["text"].(string))))
	}
	want := []string{"0:健保卡卡號在哪裡", "1:卡號看不清楚怎麼查", "2:剛辦好的健保卡何時可用"}
	for p := range people {
		if got := byPerson[fmt.Sprint(p)]; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("person %d got %v, want %v", p, got, want)
		}
	}
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

func TestServeRetriesThenDeliversOnce(t *testing.T) {
	api := linetest.New(t)
	api.Fail(http.StatusInternalServerError)
	ts := startServer(t, lineConfig(api.URL))
	if code := postLINE(t, ts, lineBody(lineEvent("evR", "Ucarol", "token-r", "message", "menu"))); code != http.StatusOK {
		t.Fatal(code)
	}
	replies := api.WaitReplies(t, 1)
	time.Sleep(100 * time.Millisecond)
	if n := len(api.Replies()); n != 1 || replies[0].Token != "token-r" {
		t.Errorf("got %d replies, want exactly one", n)
	}
	if calls := len(api.Calls()); calls != 2 {
		t.Errorf("API saw %d calls, want 2 (500, then 200)", calls)
	}
}

func TestServeDrainsOnShutdown(t *testing.T) {
	api := linetest.New(t)
	api.Delay(300 * time.Millisecond)
	ts := startServer(t, lineConfig(api.URL))
	if code := postLINE(t, ts, lineBody(lineEvent("evS", "Udave", "token-s", "message", "menu"))); code != http.StatusOK {
		t.Fatal(code)
	}
	time.Sleep(50 * time.Millisecond) // the reply is now in flight at the slow API
	ts.cancel()                       // what SIGTERM does through signal.NotifyContext
	select {
	case err := <-ts.done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		ts.done <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	if r := api.Replies(); len(r) != 1 || r[0].Token != "token-s" {
		t.Errorf("the in-flight reply was not delivered before exit: %v", r)
	}
	if _, err := http.Get(ts.url + "/healthz"); err == nil {
		t.Error("server still accepts requests after shutdown")
	}
}

func TestServeLogsNoNumbersOrSecrets(t *testing.T) {
	api := linetest.New(t)
	ts := startServer(t, lineConfig(api.URL))
	steps := []map[string]any{
		lineEvent("n1", "Ueve", "t1", "postback", "verify:start"),
		lineEvent("n2", "Ueve", "t2", "message", "A123456789"),
		lineEvent("n3", "Ueve", "t3", "postback", "verify:yes"),
		lineEvent("n4", "Ueve", "t4", "message", "0000 1111 2222"),
	}
	for i, ev := range steps {
		postLINE(t, ts, lineBody(ev))
		api.WaitReplies(t, i+1)
	}
	ts.cancel()
	<-ts.done
	ts.done <- nil
	logs := ts.logs.String()
	for _, secret := range []string{"A123456789", "000011112222", lineSecret, "line-token"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
	for _, r := range api.Replies() {
		b, _ := json.Marshal(r.Messages)
		if strings.Contains(string(b), "A123456789") || strings.Contains(string(b), "000011112222") {
			t.Errorf("a reply holds a full number: %s", b)
		}
	}
}
