package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/bot/sqlstore"
)

// servedFromEnv is "vaxbot serve" run through run(), as main runs it:
// configured only by the environment and the arguments.
type servedFromEnv struct {
	url  string
	logs *syncWriter
	buf  *bytes.Buffer
	stop func() int // cancels the run and returns its exit code
}

// clearServeEnv empties every variable of README's configuration table for
// the test, so that the machine's own settings do not leak in, and keeps
// the garbage collector's setting as it is.
func clearServeEnv(t *testing.T) {
	t.Helper()
	for _, name := range readmeVariables(t) {
		t.Setenv(name, "")
	}
	t.Setenv("VAXBOT_DRAIN", "0s") // no five seconds of drain at each stop
	t.Setenv("GOGC", "100")        // serve leaves the collector alone when GOGC is set
}

// serveFromEnv runs "vaxbot serve --addr 127.0.0.1:…" with args and waits
// until it is ready, or fails the test with its logs.
func serveFromEnv(t *testing.T, args ...string) *servedFromEnv {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	buf := &bytes.Buffer{}
	logs := &syncWriter{w: buf}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"serve", "--addr", addr}, args...), nil, io.Discard, logs) }()
	var once sync.Once
	code := 0
	s := &servedFromEnv{url: "http://" + addr, logs: logs, buf: buf, stop: func() int {
		once.Do(func() {
			cancel()
			code = <-done
		})
		return code
	}}
	t.Cleanup(func() { s.stop() })
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case c := <-done:
			done <- c
			t.Fatalf("serve exited with %d before it was ready:\n%s", c, s.text())
		default:
		}
		if res, err := http.Get(s.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
	}
	t.Fatalf("serve was not ready in 20 s:\n%s", s.text())
	return nil
}

// text is what serve has logged so far.
func (s *servedFromEnv) text() string {
	s.logs.mu.Lock()
	defer s.logs.mu.Unlock()
	return s.buf.String()
}

// logLine returns the first JSON log record with message msg, or nil.
func logLine(logs, msg string) map[string]any {
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == msg {
			return rec
		}
	}
	return nil
}

// fakeRecordService is the deployment's record service of README's "record
// service contract", holding the demo's verified record, and keeping what
// it was asked.
type fakeRecordService struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recordRequest
}

// recordRequest is one request the fake record service received.
type recordRequest struct {
	Method, Path, Auth, ContentType string
	ID, CardNumber                  string
}

func newFakeRecordService(t *testing.T) *fakeRecordService {
	f := &fakeRecordService{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ID         string `json:"id"`
			CardNumber string `json:"card_number"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		f.requests = append(f.requests, recordRequest{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body.ID, body.CardNumber})
		f.mu.Unlock()
		if r.Method != http.MethodPost || r.URL.Path != "/v1/records:lookup" || r.Header.Get("Authorization") != "Bearer reg-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		records := `[]`
		if body.ID == "A123456789" || body.CardNumber == "000011112222" {
			records = `[{"id":"A123456789","card_number":"000011112222","card_id":"","card_issued_at":"2021-01-04T09:00:00+08:00","previous_id":"","duplicate":false}]`
		}
		io.WriteString(w, `{"records":`+records+`}`)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeRecordService) received() []recordRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recordRequest(nil), f.requests...)
}

// TestServeFromEnvironmentWithRecordService: serve configured only through
// VAXBOT_* variables asks the record service of VAXBOT_REGISTRY_URL, with
// the bearer token of VAXBOT_REGISTRY_TOKEN, when a LINE user checks their
// numbers; start-up names each back end without secrets.
func TestServeFromEnvironmentWithRecordService(t *testing.T) {
	clearServeEnv(t)
	records := newFakeRecordService(t)
	api := linetest.New(t)
	dir := t.TempDir()
	t.Setenv("VAXBOT_LINE_CHANNEL_SECRET", lineSecret)
	t.Setenv("VAXBOT_LINE_CHANNEL_TOKEN", "line-token")
	t.Setenv("VAXBOT_LINE_API_BASE", api.URL)
	t.Setenv("VAXBOT_REGISTRY_URL", records.URL)
	t.Setenv("VAXBOT_REGISTRY_TOKEN", "reg-token")
	t.Setenv("VAXBOT_DATA_DIR", dir)
	s := serveFromEnv(t)

	ts := &testServer{url: s.url}
	for i, ev := range []map[string]any{
		lineEvent("e1", "Urec", "t1", "postback", "verify:start"),
		lineEvent("e2", "Urec", "t2", "message", "A123456789"),
		lineEvent("e3", "Urec", "t3", "postback", "verify:yes"),
		lineEvent("e4", "Urec", "t4", "message", "000011112222"),
	} {
		if code := postLINE(t, ts, lineBody(ev)); code != http.StatusOK {
			t.Fatalf("event %d: status %d", i+1, code)
		}
		api.WaitReplies(t, i+1)
	}
	got := records.received()
	if len(got) == 0 {
		t.Fatal("the record service was never asked")
	}
	want := recordRequest{http.MethodPost, "/v1/records:lookup", "Bearer reg-token", "application/json", "A123456789", "000011112222"}
	if got[0] != want {
		t.Errorf("the record service got %+v, want %+v", got[0], want)
	}
	b, _ := json.Marshal(api.Replies()[3].Messages)
	if !strings.Contains(string(b), "相符") {
		t.Errorf("the check's answer is not the verified one: %s", b)
	}

	if code := s.stop(); code != 0 {
		t.Errorf("exit %d after the stop, want 0", code)
	}
	logs := s.text()
	host := strings.TrimPrefix(records.URL, "http://")
	for _, tt := range []struct {
		msg  string
		want map[string]string
	}{
		{"registry", map[string]string{"backend": "record service", "host": host}},
		{"session store", map[string]string{"backend": "memory"}},
		{"ticket store", map[string]string{"backend": "sqlite", "path": filepath.Join(dir, "tickets.db")}},
	} {
		rec := logLine(logs, tt.msg)
		if rec == nil {
			t.Errorf("no %q line at start-up:\n%s", tt.msg, logs)
			continue
		}
		for k, v := range tt.want {
			if rec[k] != v {
				t.Errorf("%q line: %s = %v, want %q", tt.msg, k, rec[k], v)
			}
		}
	}
	for _, secret := range []string{"reg-token", lineSecret, "line-token", "A123456789", "000011112222"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold %q:\n%s", secret, logs)
		}
	}
}

// TestServeRefusesWithoutRegistry: with a channel credential and no
// registry, or with a record service URL that is not http(s), serve exits
// 2 before listening, saying what to set.
func TestServeRefusesWithoutRegistry(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"LINE, no registry", map[string]string{"VAXBOT_LINE_CHANNEL_SECRET": "s", "VAXBOT_LINE_CHANNEL_TOKEN": "t"},
			[]string{"VAXBOT_REGISTRY ", "VAXBOT_REGISTRY_URL", "VAXBOT_REGISTRY=demo"}},
		{"LINE token alone", map[string]string{"VAXBOT_LINE_CHANNEL_TOKEN": "t"}, []string{"VAXBOT_REGISTRY=demo"}},
		{"Telegram, no registry", map[string]string{"VAXBOT_TELEGRAM_TOKEN": "t", "VAXBOT_TELEGRAM_SECRET": "s"}, []string{"VAXBOT_REGISTRY=demo"}},
		{"voice, no registry", map[string]string{"VAXBOT_VOICE_AUTH_TOKEN": "t"}, []string{"VAXBOT_REGISTRY=demo"}},
		{"record service over ftp", map[string]string{"VAXBOT_REGISTRY_URL": "ftp://x", "VAXBOT_REGISTRY_TOKEN": "t"}, []string{"VAXBOT_REGISTRY_URL"}},
		{"record service over ftp, with LINE", map[string]string{"VAXBOT_REGISTRY_URL": "ftp://x", "VAXBOT_LINE_CHANNEL_SECRET": "s"}, []string{"VAXBOT_REGISTRY_URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearServeEnv(t)
			t.Setenv("VAXBOT_DATA_DIR", t.TempDir())
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel() // should it start after all
			var stderr bytes.Buffer
			if code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, nil, io.Discard, &stderr); code != 2 {
				t.Fatalf("exit %d, want 2:\n%s", code, stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("the message does not name %s:\n%s", w, stderr.String())
				}
			}
		})
	}
}

// TestServeDemoRegistry: "demo" names the embedded registry, through the
// variable or the flag; with no credentials at all serve starts on it,
// saying so.
func TestServeDemoRegistry(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"VAXBOT_REGISTRY=demo", map[string]string{"VAXBOT_LINE_CHANNEL_SECRET": "s", "VAXBOT_LINE_CHANNEL_TOKEN": "t", "VAXBOT_REGISTRY": "demo"}, nil},
		{"--registry demo", map[string]string{"VAXBOT_TELEGRAM_TOKEN": "t", "VAXBOT_TELEGRAM_SECRET": "s"}, []string{"--registry", "demo"}},
		{"a laptop", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearServeEnv(t)
			t.Setenv("VAXBOT_DATA_DIR", t.TempDir())
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			s := serveFromEnv(t, tt.args...)
			if code := s.stop(); code != 0 {
				t.Errorf("exit %d, want 0", code)
			}
			if rec := logLine(s.text(), "registry"); rec == nil || rec["backend"] != "demo" {
				t.Errorf("registry line %v, want the demo:\n%s", rec, s.text())
			}
		})
	}
}

// TestBackendLines: Redis and PostgreSQL are named by host only.
func TestBackendLines(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	serveConfig{RedisAddr: "redis://vaxbot:pw-secret@cache.test:6380/1"}.logSessions(logger)
	serveConfig{RegistryURL: "https://records.test:8443/nhi?x=1"}.logRegistry(logger)
	serveConfig{Registry: "/etc/vaxbot/registry.csv"}.logRegistry(logger)
	logs := buf.String()
	if rec := logLine(logs, "session store"); rec == nil || rec["backend"] != "redis" || rec["host"] != "cache.test:6380" {
		t.Errorf("session store line %v", rec)
	}
	if rec := logLine(logs, "registry"); rec == nil || rec["backend"] != "record service" || rec["host"] != "records.test:8443" {
		t.Errorf("registry line %v", rec)
	}
	if !strings.Contains(logs, `"backend":"csv","file":"/etc/vaxbot/registry.csv"`) {
		t.Errorf("no CSV registry line:\n%s", logs)
	}
	if strings.Contains(logs, "pw-secret") || strings.Contains(logs, "x=1") {
		t.Errorf("the lines hold more than hosts:\n%s", logs)
	}
	dsn := os.Getenv("VAXBOT_TEST_DATABASE_URL")
	if dsn == "" {
		t.Skip("VAXBOT_TEST_DATABASE_URL is not set: the PostgreSQL line is not checked")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.OpenPostgres(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	buf.Reset()
	logTickets(logger, store)
	if rec := logLine(buf.String(), "ticket store"); rec == nil || rec["backend"] != "postgresql" || rec["host"] != u.Host {
		t.Errorf("ticket store line %v, want postgresql on %s", rec, u.Host)
	}
}
