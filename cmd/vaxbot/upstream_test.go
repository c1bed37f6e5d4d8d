package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
)

// TestServeWithUpstreamRegistry: with VAXBOT_REGISTRY_URL the checks go to
// the deployment's record service; when it fails the person hears that
// verification is unavailable and is handed to 1922.
func TestServeWithUpstreamRegistry(t *testing.T) {
	var down atomic.Bool
	var seen atomic.Int32
	records := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		if down.Load() || r.URL.Path != "/v1/records:lookup" || r.Header.Get("Authorization") != "Bearer reg-token" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var req struct{ ID, CardNumber string }
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &req)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"records":[{"id":"F111111118","card_number":"000088889999","card_id":"","card_issued_at":"2020-01-01T00:00:00+08:00","previous_id":"","duplicate":false}]}`)
	}))
	defer records.Close()
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.Registry, cfg.RegistryURL, cfg.RegistryToken = "", records.URL, "reg-token"
	ts := startServer(t, cfg)
	n := 0
	check := func(user string) string {
		for _, ev := range []map[string]any{
			lineEvent(user+"1", user, user+"1", "postback", "verify:start"),
			lineEvent(user+"2", user, user+"2", "message", "F111111118"),
			lineEvent(user+"3", user, user+"3", "postback", "verify:yes"),
			lineEvent(user+"4", user, user+"4", "message", "000088889999"),
		} {
			postLINE(t, ts, lineBody(ev))
			n++
			api.WaitReplies(t, n)
		}
		b, _ := json.Marshal(api.Replies()[n-1].Messages)
		return string(b)
	}
	if got := check("Uup1"); !strings.Contains(got, "相符") {
		t.Errorf("verified through the upstream: %s", got)
	}
	if seen.Load() == 0 {
		t.Fatal("the upstream was never asked")
	}
	down.Store(true)
	if got := check("Uup2"); !strings.Contains(got, "無法連線到驗證系統") || !strings.Contains(got, "1922") {
		t.Errorf("upstream down: %s", got)
	}
	if m := get(t, ts.url+"/metrics"); !strings.Contains(m, "vaxbot_registry_breaker_open") {
		t.Error("no breaker gauge in the metrics")
	}
}
