package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
)

// TestServeRefusesReplays: a correctly signed event older than the replay
// window is answered 200 (the platform must not send it again) but not
// processed, and counted; a younger one is answered. Each case posts the
// old event first, then a fresh one from the same person, whose reply
// shows the old one was handled (or not) before it.
func TestServeRefusesReplays(t *testing.T) {
	tests := []struct {
		name       string
		window     time.Duration // VAXBOT_REPLAY_WINDOW (0: the default)
		age        time.Duration
		wantReplay bool
	}{
		{"default window: 11 minutes old", 0, 11 * time.Minute, true},
		{"default window: 9 minutes old", 0, 9 * time.Minute, false},
		{"1 minute window: 2 minutes old", time.Minute, 2 * time.Minute, true},
		{"1 minute window: 30 seconds old", time.Minute, 30 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run("LINE, "+tt.name, func(t *testing.T) {
			api := linetest.New(t)
			cfg := lineConfig(api.URL)
			cfg.ReplayWindow = tt.window
			ts := startServer(t, cfg)
			old := lineEvent("evOld", "Ureplay", "tok-old", "postback", "menu")
			old["timestamp"] = time.Now().Add(-tt.age).UnixMilli()
			if code := postLINE(t, ts, lineBody(old)); code != http.StatusOK {
				t.Fatalf("old event: status %d, want 200", code)
			}
			if code := postLINE(t, ts, lineBody(lineEvent("evNew", "Ureplay", "tok-new", "postback", "menu"))); code != http.StatusOK {
				t.Fatalf("fresh event: status %d", code)
			}
			want := "tok-new"
			if !tt.wantReplay {
				want = "tok-old,tok-new"
			}
			waitTokens(t, api, want)
			wantCount(t, ts, `vaxbot_requests_rejected_total{channel="line",reason="replay"}`, tt.wantReplay)
		})
		t.Run("Telegram, "+tt.name, func(t *testing.T) {
			api := newFakeTelegram(t)
			ts := startServer(t, serveConfig{
				TelegramToken: "tg-token", TelegramSecret: "tg_secret-1", TelegramAPIBase: api.srv.URL,
				Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second, ReplayWindow: tt.window,
			})
			hook := ts.url + "/webhook/telegram"
			secret := map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1", "Content-Type": "application/json"}
			old := datedBack(t, tgUpdate(1, 42, "/start"), tt.age)
			if code := post(t, hook, old, secret); code != http.StatusOK {
				t.Fatalf("old update: status %d, want 200", code)
			}
			if code := post(t, hook, tgUpdate(2, 42, "/menu"), secret); code != http.StatusOK {
				t.Fatalf("fresh update: status %d", code)
			}
			sends := api.waitMethod(t, "sendMessage", 1)
			time.Sleep(100 * time.Millisecond) // the reply to the old one, were it taken, comes first
			sends = api.waitMethod(t, "sendMessage", 1)
			welcomed := strings.Contains(sends[0].Fields["text"], "Hello")
			if welcomed == tt.wantReplay {
				t.Errorf("the old /start answered: %v, want %v (first reply %q)", welcomed, !tt.wantReplay, sends[0].Fields["text"])
			}
			wantCount(t, ts, `vaxbot_requests_rejected_total{channel="telegram",reason="replay"}`, tt.wantReplay)
		})
	}
}

// datedBack is a Telegram update whose message is dated age ago.
func datedBack(t *testing.T, update []byte, age time.Duration) []byte {
	t.Helper()
	var u map[string]any
	if err := json.Unmarshal(update, &u); err != nil {
		t.Fatal(err)
	}
	u["message"].(map[string]any)["date"] = time.Now().Add(-age).Unix()
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitTokens waits until the fake LINE API has the replies to the tokens
// listed (comma-separated, in order) and no other.
func waitTokens(t *testing.T, api *linetest.Fake, want string) {
	t.Helper()
	n := strings.Count(want, ",") + 1
	api.WaitReplies(t, n)
	time.Sleep(100 * time.Millisecond) // a reply too many would come by now
	var got []string
	for _, r := range api.Replies() {
		got = append(got, r.Token)
	}
	if strings.Join(got, ",") != want {
		t.Errorf("got replies to %v, want %s", got, want)
	}
}

// wantCount checks that the series is 1 (counted) or absent (not).
func wantCount(t *testing.T, ts *testServer, series string, counted bool) {
	t.Helper()
	metrics := get(t, ts.url+"/metrics")
	if got := strings.Contains(metrics, series+" 1\n"); got != counted {
		t.Errorf("%s counted once: %v, want %v:\n%s", series, got, counted, grepLines(metrics, "rejected"))
	}
}
