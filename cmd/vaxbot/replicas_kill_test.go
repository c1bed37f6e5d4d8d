package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// tokenAPI is a fake LINE Messaging API that treats reply tokens as LINE
// does: each is good for one reply, and a second reply with it is refused
// with 400 "Invalid reply token". It records the order in which tokens
// were used, and how many replies came for a token already used.
type tokenAPI struct {
	*httptest.Server
	delay time.Duration
	mu    sync.Mutex
	used  []string
	seen  map[string]bool
	again int
}

func newTokenAPI(t *testing.T, delay time.Duration) *tokenAPI {
	f := &tokenAPI{delay: delay, seen: map[string]bool{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *tokenAPI) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	if r.URL.Path != "/v2/bot/message/reply" {
		io.WriteString(w, `{}`)
		return
	}
	var req struct {
		ReplyToken string `json:"replyToken"`
	}
	_ = json.Unmarshal(raw, &req)
	f.mu.Lock()
	if f.seen[req.ReplyToken] {
		f.again++
		f.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"message":"Invalid reply token"}`)
		return
	}
	// LINE delivers as it takes the call: a replica killed while it waits
	// for the answer has still replied.
	f.seen[req.ReplyToken] = true
	f.used = append(f.used, req.ReplyToken)
	f.mu.Unlock()
	time.Sleep(f.delay)
	io.WriteString(w, `{"sentMessages":[{"id":"1","quoteToken":"q"}]}`)
}

func (f *tokenAPI) tokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.used...)
}

func (f *tokenAPI) repeated() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.again
}

// TestHelperReplica is not a test: TestServeReplicaKilled runs the test
// binary again with VAXBOT_TEST_REPLICA set, and this serves as a replica,
// configured by the environment, until it is killed.
func TestHelperReplica(t *testing.T) {
	if os.Getenv("VAXBOT_TEST_REPLICA") == "" {
		t.Skip("a replica for TestServeReplicaKilled, run as a process of its own")
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.redisPrefix = os.Getenv("VAXBOT_TEST_REPLICA_PREFIX")
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.run(context.Background(), ln); err != nil {
		t.Fatal(err)
	}
}

// startReplicaProcess runs a replica as a process of its own, so that it
// can be killed with SIGKILL, and waits until it is ready.
func startReplicaProcess(t *testing.T, env []string) (*exec.Cmd, string) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperReplica$", "-test.count=1")
	cmd.Env = append(os.Environ(), append(env, "VAXBOT_TEST_REPLICA=1", "VAXBOT_ADDR="+addr)...)
	logs := &syncWriter{w: &strings.Builder{}}
	cmd.Stderr, cmd.Stdout = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return cmd, base
			}
		}
	}
	logs.mu.Lock()
	defer logs.mu.Unlock()
	t.Fatalf("the replica was not ready in 30 s:\n%s", logs.w)
	return nil, ""
}

// TestServeReplicaKilled: two replicas on one Redis, one a process of its
// own that is killed with SIGKILL while it holds queued events. Every event
// it acknowledged (200) is answered, each once (no second reply is even
// tried: the fake refuses it, as LINE refuses a used reply token), and one
// person's in the order sent.
func TestServeReplicaKilled(t *testing.T) {
	addr := os.Getenv("VAXBOT_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("VAXBOT_TEST_REDIS_ADDR is not set; set it (e.g. 127.0.0.1:6379) to run the replica test")
	}
	prefix := fmt.Sprintf("vaxbot-kill-%d:", time.Now().UnixNano())
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := rdb.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		rdb.Close()
	})
	// Each reply takes 150 ms: the killed replica, with two workers, has
	// events waiting when it dies.
	api := newTokenAPI(t, 150*time.Millisecond)
	const claimIdle = 2 * time.Second
	proc, aURL := startReplicaProcess(t, []string{
		"VAXBOT_LINE_CHANNEL_SECRET=" + lineSecret, "VAXBOT_LINE_CHANNEL_TOKEN=line-token", "VAXBOT_LINE_API_BASE=" + api.URL,
		"VAXBOT_REGISTRY=demo", "VAXBOT_REDIS_ADDR=" + addr, "VAXBOT_DATA_KEY=" + testDataKey, "VAXBOT_WORKERS=2",
		"VAXBOT_CLAIM_IDLE=" + claimIdle.String(), "VAXBOT_DATA_DIR=" + t.TempDir(), "VAXBOT_TEST_REPLICA_PREFIX=" + prefix,
		"VAXBOT_DRAIN=0s", "VAXBOT_HASH_KEY=a-hash-key-of-24-bytes!!",
	})
	cfg := lineConfig(api.URL)
	cfg.RedisAddr, cfg.DataKey, cfg.ClaimIdle, cfg.redisPrefix = addr, testDataKey, claimIdle, prefix
	b := startServer(t, cfg)

	// Both replicas hold a share of the partitions before events come.
	waitUntil(t, 15*time.Second, "the replicas share the partitions", func() bool {
		keys, _ := rdb.Keys(context.Background(), prefix+"in:lease:*").Result()
		holders := map[string]bool{}
		for _, k := range keys {
			holders[rdb.Get(context.Background(), k).Val()] = true
		}
		return len(holders) == 2
	})

	const people, each = 16, 4
	run := time.Now().UnixNano()
	var sent []string
	for i := range each {
		for p := range people {
			user := fmt.Sprintf("Ukill%d-%02d", run, p)
			token := fmt.Sprintf("%s-%d", user, i)
			body := lineBody(lineEvent(token, user, token, "message", "menu"))
			if code := post(t, aURL+"/webhook/line", body, map[string]string{"X-Line-Signature": signLINE(body), "Content-Type": "application/json"}); code != http.StatusOK {
				t.Fatalf("event %s: status %d", token, code)
			}
			sent = append(sent, token)
		}
	}
	// Killed once it has started answering, with most of its events
	// still waiting.
	waitUntil(t, 10*time.Second, "the first replies", func() bool { return len(api.tokens()) >= 3 })
	if err := proc.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	proc.Wait()
	killedAt := len(api.tokens())

	waitUntil(t, 30*time.Second, "every acknowledged event answered", func() bool { return len(api.tokens()) >= len(sent) })
	time.Sleep(claimIdle) // a second answer would come by now
	got := api.tokens()
	if len(got) != len(sent) {
		t.Errorf("%d replies, want %d", len(got), len(sent))
	}
	answered := map[string]bool{}
	for _, tok := range got {
		answered[tok] = true
	}
	for _, tok := range sent {
		if !answered[tok] {
			t.Errorf("event %s was acknowledged and never answered", tok)
		}
	}
	// One person's replies in the order of their messages.
	next := map[string]int{}
	for _, tok := range got {
		i := strings.LastIndex(tok, "-")
		user, n := tok[:i], 0
		fmt.Sscan(tok[i+1:], &n)
		if n != next[user] {
			t.Errorf("%s answered when %s-%d was next: out of order", tok, user, next[user])
		}
		next[user] = n + 1
	}
	m := get(t, b.url+"/metrics")
	claimed := metricCount(m, `vaxbot_stream_claimed_total{channel="line"}`)
	t.Logf("%d of %d events answered when the replica was killed; the other claimed %d of its events; %d replies refused as already sent",
		killedAt, len(sent), claimed, api.repeated())
	if claimed == 0 {
		t.Error("the surviving replica claimed none of the killed one's events: the test did not kill it with events queued")
	}
	if n := api.repeated(); n > 0 {
		// What the killed replica was sending as it died is marked as
		// such: the other handles it again but does not reply again.
		t.Errorf("%d replies sent a second time", n)
	}
}

// waitUntil polls cond every 20 ms until it holds, or fails the test
// after d, naming what it waited for.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
