package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
)

// TestServeTwoReplicasShareRedis: two servers with one Redis act as one bot —
// a number check started on one replica finishes on the other, and a
// redelivery to the other replica is dropped.
func TestServeTwoReplicasShareRedis(t *testing.T) {
	addr := os.Getenv("VAXBOT_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("VAXBOT_TEST_REDIS_ADDR is not set; set it (e.g. 127.0.0.1:6379) to run the replica test")
	}
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.RedisAddr = addr
	cfg.DataKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	a, b := startServer(t, cfg), startServer(t, cfg)
	// Event ids and sessions outlive a test run in Redis: make them new.
	user := fmt.Sprintf("Ureplica%d", time.Now().UnixNano())
	steps := []struct {
		ts *testServer
		ev map[string]any
	}{
		{a, lineEvent("r1"+user, user, "r1", "postback", "verify:start")},
		{b, lineEvent("r2"+user, user, "r2", "message", "A123456789")},
		{a, lineEvent("r3"+user, user, "r3", "postback", "verify:yes")},
		{b, lineEvent("r4"+user, user, "r4", "message", "000011112222")},
	}
	for i, s := range steps {
		postLINE(t, s.ts, lineBody(s.ev))
		api.WaitReplies(t, i+1)
	}
	// LINE redelivers the last event to the other replica.
	postLINE(t, a, lineBody(steps[3].ev))
	postLINE(t, a, lineBody(lineEvent("r5"+user, user, "r5", "message", "menu")))
	replies := api.WaitReplies(t, 5)
	last, _ := json.Marshal(replies[3].Messages)
	if !strings.Contains(string(last), "相符") {
		t.Errorf("the check did not finish across replicas: %s", last)
	}
	if n := len(api.Replies()); n != 5 || replies[4].Token != "r5" {
		t.Errorf("%d replies, last to %s: the redelivery was not dropped", n, replies[len(replies)-1].Token)
	}
}

func TestServeRedisNeedsDataKey(t *testing.T) {
	addr := os.Getenv("VAXBOT_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("VAXBOT_TEST_REDIS_ADDR is not set; set it (e.g. 127.0.0.1:6379) to run the replica test")
	}
	cfg := serveConfig{RedisAddr: addr, DataDir: t.TempDir(), MaxBody: 1 << 20}
	if _, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "VAXBOT_DATA_KEY") {
		t.Errorf("Redis without a data key: %v", err)
	}
}
