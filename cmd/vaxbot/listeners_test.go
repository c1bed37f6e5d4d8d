package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/bot/voice"
)

// startTwoListeners runs the real server wiring with a public and an admin
// listener on 127.0.0.1:0, as VAXBOT_ADMIN_ADDR does: ts.url is the public
// listener's base URL, admin the admin listener's.
func startTwoListeners(t *testing.T, cfg serveConfig) (ts *testServer, admin string) {
	t.Helper()
	public, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	adminLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		public.Close()
		t.Fatal(err)
	}
	cfg.AdminAddr = adminLn.Addr().String()
	if cfg.DataDir == "" && cfg.DatabaseURL == "" {
		cfg.DataDir = t.TempDir()
	}
	logs := &bytes.Buffer{}
	a, err := newApp(context.Background(), cfg, slog.New(slog.NewJSONHandler(&syncWriter{w: logs}, nil)))
	if err != nil {
		public.Close()
		adminLn.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts = &testServer{url: "http://" + public.Addr().String(), cancel: cancel, done: make(chan error, 1), logs: logs}
	go func() { ts.done <- a.runListeners(ctx, public, adminLn) }()
	t.Cleanup(func() {
		cancel()
		<-ts.done
	})
	return ts, "http://" + cfg.AdminAddr
}

// status sends one request and returns its status, the body read and
// dropped.
func status(t *testing.T, method, u string, header map[string]string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
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

// stopServer stops ts as SIGTERM does and fails the test unless run
// returns nil within a few seconds.
func stopServer(t *testing.T, ts *testServer) {
	t.Helper()
	ts.cancel()
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
		ts.done <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
}

// refused reports whether nothing answers at base any more.
func refused(base string) bool {
	res, err := (&http.Client{Timeout: time.Second}).Get(base + "/healthz")
	if err == nil {
		res.Body.Close()
	}
	return err != nil
}

// TestServeTwoListeners: with VAXBOT_ADMIN_ADDR, the public listener
// answers the webhooks, the voice line, /healthz and /readyz and 404 for
// /metrics, /ops/, /desk/ and pprof; the admin listener the other way round. Both
// share the metrics and stop together.
func TestServeTwoListeners(t *testing.T) {
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.OpsToken = "ops-token"
	cfg.VoiceAuthToken = "twilio-token"
	cfg.PublicURL = "https://vaxbot.example"
	ts, admin := startTwoListeners(t, cfg)

	// A signed event refused on the admin listener is not remembered
	// there: the same event is then taken on the public one.
	event := lineBody(lineEvent("ev2l", "Utwo", "token-2l", "message", "menu"))
	signed := map[string]string{"X-Line-Signature": signLINE(event), "Content-Type": "application/json"}
	if code := status(t, http.MethodPost, admin+"/webhook/line", signed, event); code != http.StatusNotFound {
		t.Errorf("a LINE webhook on the admin listener: status %d, want 404", code)
	}
	if code := status(t, http.MethodPost, ts.url+"/webhook/line", signed, event); code != http.StatusOK {
		t.Errorf("a LINE webhook on the public listener: status %d, want 200", code)
	}
	api.WaitReplies(t, 1)

	form := url.Values{"CallSid": {"CA2l"}, "From": {"+886912345678"}}
	call := map[string]string{
		"Content-Type":       "application/x-www-form-urlencoded",
		"X-Twilio-Signature": voice.Signature("twilio-token", cfg.PublicURL+"/voice/incoming", form),
	}
	bearer := map[string]string{"Authorization": "Bearer ops-token"}
	tests := []struct {
		name, method, path string
		header             map[string]string
		body               []byte
		wantPublic         int
		wantAdmin          int
	}{
		{"healthz", http.MethodGet, "/healthz", nil, nil, http.StatusOK, http.StatusNotFound},
		{"readyz", http.MethodGet, "/readyz", nil, nil, http.StatusOK, http.StatusNotFound},
		{"voice", http.MethodPost, "/voice/incoming", call, []byte(form.Encode()), http.StatusOK, http.StatusNotFound},
		{"Telegram, disabled", http.MethodPost, "/webhook/telegram", nil, []byte(`{}`), http.StatusNotFound, http.StatusNotFound},
		{"metrics", http.MethodGet, "/metrics", nil, nil, http.StatusNotFound, http.StatusOK},
		{"ops", http.MethodGet, "/ops/tickets", bearer, nil, http.StatusNotFound, http.StatusOK},
		{"ops without the token", http.MethodGet, "/ops/tickets", nil, nil, http.StatusNotFound, http.StatusUnauthorized},
		{"pprof", http.MethodGet, "/debug/pprof/", nil, nil, http.StatusNotFound, http.StatusOK},
		{"pprof heap", http.MethodGet, "/debug/pprof/heap", nil, nil, http.StatusNotFound, http.StatusOK},
		{"desk (its sign-in page)", http.MethodGet, "/desk/", nil, nil, http.StatusNotFound, http.StatusOK},
		{"unknown", http.MethodGet, "/nope", nil, nil, http.StatusNotFound, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := status(t, tt.method, ts.url+tt.path, tt.header, tt.body); got != tt.wantPublic {
				t.Errorf("public listener: got %d, want %d", got, tt.wantPublic)
			}
			if got := status(t, tt.method, admin+tt.path, tt.header, tt.body); got != tt.wantAdmin {
				t.Errorf("admin listener: got %d, want %d", got, tt.wantAdmin)
			}
		})
	}

	// What the public listener took is counted in the admin's metrics.
	metrics := get(t, admin+"/metrics")
	for _, want := range []string{
		`vaxbot_events_total{channel="line",type="text"} 1`,
		`vaxbot_events_total{channel="voice",type="incoming"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("the admin listener's metrics lack %s", want)
		}
	}

	stopServer(t, ts)
	if !refused(ts.url) || !refused(admin) {
		t.Errorf("a listener still answers after the stop: public %v, admin %v", !refused(ts.url), !refused(admin))
	}
	if logLine(ts.logs.String(), logTwoListeners) == nil {
		t.Errorf("start-up did not say there are two listeners:\n%s", ts.logs)
	}
	if logLine(ts.logs.String(), logOneListener) != nil {
		t.Errorf("start-up says there is one listener:\n%s", ts.logs)
	}
}

// TestServeOneListenerSaysSo: without VAXBOT_ADMIN_ADDR every route but
// pprof (the desk too) is on the one listener, and start-up says so in one line.
func TestServeOneListenerSaysSo(t *testing.T) {
	ts := startServer(t, serveConfig{OpsToken: "ops-token", MaxBody: 1 << 20, ShutdownTimeout: time.Second})
	bearer := map[string]string{"Authorization": "Bearer ops-token"}
	for _, tt := range []struct {
		path   string
		header map[string]string
		want   int
	}{
		{"/healthz", nil, http.StatusOK},
		{"/readyz", nil, http.StatusOK},
		{"/metrics", nil, http.StatusOK},
		{"/ops/tickets", bearer, http.StatusOK},
		{"/debug/pprof/", nil, http.StatusNotFound},
		{"/desk/", nil, http.StatusOK}, // the desk's sign-in page
	} {
		if got := status(t, http.MethodGet, ts.url+tt.path, tt.header, nil); got != tt.want {
			t.Errorf("GET %s: got %d, want %d", tt.path, got, tt.want)
		}
	}
	stopServer(t, ts)
	logs := ts.logs.String()
	if strings.Count(logs, logOneListener) != 1 {
		t.Errorf("start-up did not say once that there is one listener:\n%s", logs)
	}
	if logLine(logs, logTwoListeners) != nil {
		t.Errorf("start-up says there are two listeners:\n%s", logs)
	}
}

// freeAddr is a loopback address nothing listens on, for serve to take.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeTwoListenersShareTheShutdown: "vaxbot serve" with
// VAXBOT_ADMIN_ADDR drains as with one listener (/readyz 503 on the public
// one while both still serve), then both stop, within drain + bound + 1 s.
func TestServeTwoListenersShareTheShutdown(t *testing.T) {
	const drain, bound = time.Second, 2 * time.Second
	clearServeEnv(t)
	adminAddr := freeAddr(t)
	for k, v := range map[string]string{
		"VAXBOT_ADMIN_ADDR": adminAddr, "VAXBOT_OPS_TOKEN": "ops-token", "VAXBOT_DATA_DIR": t.TempDir(),
		"VAXBOT_DRAIN": drain.String(), "VAXBOT_SHUTDOWN_TIMEOUT": bound.String(),
	} {
		t.Setenv(k, v)
	}
	s := serveFromEnv(t)
	admin := "http://" + adminAddr
	if rec := logLine(s.text(), "serving"); rec == nil || rec["admin_addr"] != adminAddr {
		t.Errorf("the serving line does not name the admin address %s: %v", adminAddr, rec)
	}
	if code := status(t, http.MethodGet, admin+"/metrics", nil, nil); code != http.StatusOK {
		t.Fatalf("admin /metrics: %d, want 200", code)
	}

	stopped := make(chan int, 1)
	start := time.Now()
	go func() { stopped <- s.stop() }() // what SIGTERM does through signal.NotifyContext
	time.Sleep(200 * time.Millisecond)
	if code := status(t, http.MethodGet, s.url+"/readyz", nil, nil); code != http.StatusServiceUnavailable {
		t.Errorf("public /readyz during the drain: %d, want 503", code)
	}
	for _, tt := range []struct {
		base, path string
		header     map[string]string
	}{
		{s.url, "/healthz", nil},
		{admin, "/metrics", nil},
		{admin, "/ops/tickets", map[string]string{"Authorization": "Bearer ops-token"}},
	} {
		if code := status(t, http.MethodGet, tt.base+tt.path, tt.header, nil); code != http.StatusOK {
			t.Errorf("%s%s during the drain: %d, want 200", tt.base, tt.path, code)
		}
	}
	select {
	case code := <-stopped:
		took := time.Since(start)
		if code != 0 {
			t.Errorf("exit %d, want 0:\n%s", code, s.text())
		}
		if took < drain || took > drain+bound+time.Second {
			t.Errorf("stopped %v after the signal, want between %v and %v", took, drain, drain+bound+time.Second)
		}
	case <-time.After(drain + bound + 5*time.Second):
		t.Fatalf("serve did not stop:\n%s", s.text())
	}
	if !refused(s.url) || !refused(admin) {
		t.Errorf("a listener still answers after the stop: public %v, admin %v", !refused(s.url), !refused(admin))
	}
}

// TestServeRefusesOneAddressForBoth: VAXBOT_ADMIN_ADDR equal to the public
// address is a configuration error (exit 2), said with the variable.
func TestServeRefusesOneAddressForBoth(t *testing.T) {
	clearServeEnv(t)
	addr := freeAddr(t)
	t.Setenv("VAXBOT_ADMIN_ADDR", addr)
	t.Setenv("VAXBOT_DATA_DIR", t.TempDir())
	code, _, errOut := runCLI(t, "", "serve", "--addr", addr)
	if code != 2 || !strings.Contains(errOut, "VAXBOT_ADMIN_ADDR") {
		t.Errorf("exit %d, %q: want 2 naming VAXBOT_ADMIN_ADDR", code, errOut)
	}
}

// TestRunListenersNeedsWhatWasConfigured: an admin listener without
// VAXBOT_ADMIN_ADDR, or none with it, is refused rather than served
// with routes nobody can reach.
func TestRunListenersNeedsWhatWasConfigured(t *testing.T) {
	for _, apart := range []bool{false, true} {
		t.Run(fmt.Sprint("apart ", apart), func(t *testing.T) {
			cfg := serveConfig{DataDir: t.TempDir(), MaxBody: 1 << 20, ShutdownTimeout: time.Second}
			if apart {
				cfg.AdminAddr = "127.0.0.1:0"
			}
			a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				a.server.Shutdown(context.Background())
				a.notifier.Close(context.Background())
				a.store.Close()
			})
			public, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer public.Close()
			var admin net.Listener
			if !apart {
				if admin, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
					t.Fatal(err)
				}
				defer admin.Close()
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if err := a.runListeners(ctx, public, admin); err == nil || errors.Is(err, context.Canceled) {
				t.Errorf("got %v, want a refusal", err)
			}
		})
	}
}
