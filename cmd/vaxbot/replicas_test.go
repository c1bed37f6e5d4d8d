package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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

// TestServeReplicasShareTheCheckRate: VAXBOT_CHECK_RATE bounds the checks
// of all replicas together: at one a second (two in a two-second window)
// a third check on the other replica is refused as busy.
func TestServeReplicasShareTheCheckRate(t *testing.T) {
	addr := os.Getenv("VAXBOT_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("VAXBOT_TEST_REDIS_ADDR is not set; set it (e.g. 127.0.0.1:6379) to run the replica test")
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	// Other tests' checks count in the same window: start it afresh.
	if err := rdb.Del(context.Background(), "vaxbot:w:checks:line").Err(); err != nil {
		t.Fatal(err)
	}
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.RedisAddr = addr
	cfg.DataKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	cfg.CheckRate = 1
	a, b := startServer(t, cfg), startServer(t, cfg)
	run, started := time.Now().UnixNano(), time.Now()
	var last []byte
	for i, ts := range []*testServer{a, a, b} {
		user := fmt.Sprintf("Urate%d-%d", run, i)
		for j, step := range [][2]string{{"postback", "verify:start"}, {"message", "A123456789"}, {"postback", "verify:yes"}, {"message", "000011112222"}} {
			id := fmt.Sprintf("%s-%d", user, j)
			postLINE(t, ts, lineBody(lineEvent(id, user, id, step[0], step[1])))
			api.WaitReplies(t, 4*i+j+1)
		}
		replies := api.Replies()
		last, _ = json.Marshal(replies[len(replies)-1].Messages)
		if i < 2 && !strings.Contains(string(last), "相符") {
			t.Fatalf("check %d was not done: %s", i+1, last)
		}
	}
	if time.Since(started) > 1900*time.Millisecond {
		t.Skip("the three checks took longer than the two-second window: too slow a machine to judge")
	}
	if !strings.Contains(string(last), "同時檢查的人很多") {
		t.Errorf("the third check, on the other replica, was not refused: %s", last)
	}
}

// TestSharedChecksLetThroughWhenRedisFails: a Redis error lets the check
// go ahead; Redis's answer is followed otherwise.
func TestSharedChecksLetThroughWhenRedisFails(t *testing.T) {
	for _, tt := range []struct {
		ok   bool
		err  error
		want bool
	}{{true, nil, true}, {false, nil, false}, {false, errors.New("connection refused"), true}} {
		s := sharedChecks{w: fakeWindow{tt.ok, tt.err}, logger: slog.New(slog.DiscardHandler)}
		if got := s.Allow(context.Background(), "line"); got != tt.want {
			t.Errorf("Redis says %v, %v: Allow = %v, want %v", tt.ok, tt.err, got, tt.want)
		}
	}
}

type fakeWindow struct {
	ok  bool
	err error
}

func (f fakeWindow) Allow(context.Context, string) (bool, error) { return f.ok, f.err }
