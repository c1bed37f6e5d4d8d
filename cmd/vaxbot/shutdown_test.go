package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hangingLINE is a Messaging API that takes calls in and never answers
// them (until the test ends, or the caller gives up).
type hangingLINE struct {
	url   string
	calls atomic.Int32
}

func newHangingLINE(t *testing.T) *hangingLINE {
	t.Helper()
	h := &hangingLINE{}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		h.calls.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() { close(release) })
		srv.Close()
	})
	h.url = srv.URL
	return h
}

// postSigned posts a LINE body signed with the test's secret to base.
func postSigned(t *testing.T, base string, body []byte) int {
	t.Helper()
	return post(t, base+"/webhook/line", body, map[string]string{"X-Line-Signature": signLINE(body), "Content-Type": "application/json"})
}

// TestServeShutdownKeepsItsBound: with 40 events queued behind a LINE API
// that hangs, SIGTERM first drains (/readyz 503 naming the drain, /healthz
// 200, a webhook still answered 200), then serve exits 0 within drain +
// bound + 1 s, having counted what it gave up.
func TestServeShutdownKeepsItsBound(t *testing.T) {
	const drain, bound = time.Second, 2 * time.Second
	api := newHangingLINE(t)
	clearServeEnv(t)
	for k, v := range map[string]string{
		"VAXBOT_LINE_CHANNEL_SECRET": lineSecret, "VAXBOT_LINE_CHANNEL_TOKEN": "line-token", "VAXBOT_LINE_API_BASE": api.url,
		"VAXBOT_REGISTRY": demoRegistry, "VAXBOT_DATA_DIR": t.TempDir(), "VAXBOT_WORKERS": "2", "VAXBOT_SENDING": "2",
		"VAXBOT_DRAIN": drain.String(), "VAXBOT_SHUTDOWN_TIMEOUT": bound.String(),
	} {
		t.Setenv(k, v)
	}
	s := serveFromEnv(t)
	const queued = 40
	for i := range queued {
		id := fmt.Sprintf("sd%d", i)
		if code := postSigned(t, s.url, lineBody(lineEvent(id, fmt.Sprintf("Ushutdown%02d", i), "tok-"+id, "postback", "menu"))); code != http.StatusOK {
			t.Fatalf("event %d: status %d", i, code)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); api.calls.Load() < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the two workers did not reach the API: %d calls", api.calls.Load())
		}
	}
	stopped := make(chan int, 1)
	start := time.Now()
	go func() { stopped <- s.stop() }() // what SIGTERM does through signal.NotifyContext
	time.Sleep(200 * time.Millisecond)

	res, err := http.Get(s.url + "/readyz")
	if err != nil {
		t.Fatalf("readyz during the drain: %v", err)
	}
	var ready struct {
		Status string   `json:"status"`
		Down   []string `json:"down"`
	}
	json.NewDecoder(res.Body).Decode(&ready)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || strings.Join(ready.Down, ",") != "draining" {
		t.Errorf("readyz during the drain: %d %+v, want 503 down [draining]", res.StatusCode, ready)
	}
	if res, err := http.Get(s.url + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("healthz during the drain: %v %v, want 200", res, err)
	}
	if code := postSigned(t, s.url, lineBody(lineEvent("sd-late", "Ulate", "tok-late", "postback", "menu"))); code != http.StatusOK {
		t.Errorf("a webhook during the drain: status %d, want 200", code)
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
	rec := logLine(s.text(), "shutdown bound reached: the rest was given up and counted (vaxbot_events_lost_total)")
	if rec == nil {
		t.Fatalf("no line on the bound:\n%s", s.text())
	}
	// Two events were at the hanging API; the other 39 were given up.
	if got := fmt.Sprint(rec["err"]); !strings.Contains(got, fmt.Sprintf("events lost at shutdown: %d", queued+1-2)) {
		t.Errorf("got %q, want %d events lost", got, queued+1-2)
	}
	if n := api.calls.Load(); n != 2 {
		t.Errorf("the API saw %d calls, want the 2 in flight: nothing was started after the bound", n)
	}
}

// TestServeLogLevel: VAXBOT_LOG_LEVEL sets the least severe line serve
// writes.
func TestServeLogLevel(t *testing.T) {
	tests := []struct {
		level       string
		wantInfo    bool
		wantAnyLine bool
	}{
		{"debug", true, true},
		{"info", true, true},
		{"error", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			clearServeEnv(t)
			t.Setenv("VAXBOT_DATA_DIR", t.TempDir())
			t.Setenv("VAXBOT_LOG_LEVEL", tt.level)
			s := serveFromEnv(t)
			if code := s.stop(); code != 0 {
				t.Fatalf("exit %d:\n%s", code, s.text())
			}
			logs := s.text()
			if got := logLine(logs, "serving") != nil; got != tt.wantInfo {
				t.Errorf("the info line \"serving\" written: %v, want %v:\n%s", got, tt.wantInfo, logs)
			}
			if got := strings.TrimSpace(logs) != ""; got != tt.wantAnyLine {
				t.Errorf("lines written: %v, want %v:\n%s", got, tt.wantAnyLine, logs)
			}
		})
	}
}
