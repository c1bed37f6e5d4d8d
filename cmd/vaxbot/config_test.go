package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
)

// TestConfigFromEnv reads every variable of the README's table.
func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"VAXBOT_ADDR": "127.0.0.1:9", "VAXBOT_LINE_CHANNEL_SECRET": "ls", "VAXBOT_LINE_CHANNEL_TOKEN": "lt",
		"VAXBOT_LINE_API_BASE": "http://line", "VAXBOT_LINE_PUSH_FALLBACK": "true", "VAXBOT_TELEGRAM_TOKEN": "tt",
		"VAXBOT_TELEGRAM_SECRET": "ts", "VAXBOT_TELEGRAM_API_BASE": "http://tg", "VAXBOT_REGISTRY": "r.csv",
		"VAXBOT_HOTLINES": "h.toml", "VAXBOT_DATA_DIR": "/d", "VAXBOT_DATABASE_URL": "postgres://x",
		"VAXBOT_HASH_KEY": "hk", "VAXBOT_OPS_TOKEN": "ot", "VAXBOT_HANDOFF_WEBHOOK": "http://hook",
		"VAXBOT_TELEGRAM_OPS_CHAT": "-1", "VAXBOT_DATA_KEY": "dk", "VAXBOT_CALLBACK_RETENTION": "24h",
		"VAXBOT_VOICE_AUTH_TOKEN": "vt", "VAXBOT_PUBLIC_URL": "https://pub", "VAXBOT_WORKERS": "8", "VAXBOT_MAX_BODY": "1000", "VAXBOT_REDIS_ADDR": "127.0.0.1:6379",
		"VAXBOT_CHECK_RATE": "500",
	}
	c, err := configFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.Addr, c.LineSecret, c.LineToken, c.LineAPIBase, c.LinePushFallback, c.TelegramToken, c.TelegramSecret,
		c.TelegramAPIBase, c.Registry, c.Hotlines, c.DataDir, c.DatabaseURL, c.HashKey, c.OpsToken, c.HandoffWebhook,
		c.TelegramOpsChat, c.DataKey, c.CallbackRetention, c.VoiceAuthToken, c.PublicURL, c.DispatcherWorkers, c.MaxBody, c.RedisAddr, c.CheckRate}
	want := []any{"127.0.0.1:9", "ls", "lt", "http://line", true, "tt", "ts", "http://tg", "r.csv", "h.toml", "/d",
		"postgres://x", "hk", "ot", "http://hook", "-1", "dk", 24 * time.Hour, "vt", "https://pub", 8, 1000, "127.0.0.1:6379", 500}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d: got %v, want %v", i, got[i], want[i])
		}
	}
	d, err := configFromEnv(func(string) string { return "" })
	if err != nil || d.Addr != ":8080" || d.DataDir != "./data" || d.MaxBody != 1<<20 || d.CallbackRetention != 7*24*time.Hour {
		t.Errorf("defaults: %+v, %v", d, err)
	}
	for k, v := range map[string]string{"VAXBOT_LINE_PUSH_FALLBACK": "maybe", "VAXBOT_WORKERS": "-1", "VAXBOT_MAX_BODY": "x", "VAXBOT_CALLBACK_RETENTION": "week", "VAXBOT_CHECK_RATE": "0"} {
		if _, err := configFromEnv(func(key string) string {
			if key == k {
				return v
			}
			return ""
		}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v", k, v, err)
		}
	}
}

// TestCheckRate: VAXBOT_CHECK_RATE reaches the engine: at one check a
// second (bursts of two) the third check at once is refused as busy; by
// default it is not.
func TestCheckRate(t *testing.T) {
	for _, tt := range []struct {
		rate     int
		wantBusy bool
	}{{1, true}, {0, false}} {
		engine, err := buildEngine(engineOptions{checkRate: tt.rate})
		if err != nil {
			t.Fatal(err)
		}
		conv := dialogs.NewConversation(engine, dialogs.NewMemoryStore(0))
		var last []dialogs.Reply
		for i := range 3 {
			for _, in := range []dialogs.Input{{Payload: "verify:start"}, {Text: "A123456789"}, {Payload: "verify:yes"}, {Text: "000011112222"}} {
				in.Person = fmt.Sprintf("line:U%d", i)
				if last, err = conv.Handle(context.Background(), in); err != nil {
					t.Fatal(err)
				}
			}
		}
		busy := len(last) > 0 && strings.Contains(last[0].Text, "同時檢查的人很多")
		if busy != tt.wantBusy {
			t.Errorf("rate %d: third check answered %q, want busy %v", tt.rate, last[0].Text, tt.wantBusy)
		}
	}
}
