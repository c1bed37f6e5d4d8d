package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/bot/voice"
)

const testDataKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

// voiceStep posts one signed request of a call to ts, as the provider does,
// and returns the TwiML.
func voiceStep(t *testing.T, ts *testServer, sid, path string, form url.Values) string {
	t.Helper()
	form.Set("CallSid", sid)
	form.Set("From", "+886912345678")
	req, _ := http.NewRequest(http.MethodPost, ts.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", voice.Signature("twilio-token", "https://vaxbot.example"+path, form))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %s", path, res.StatusCode, b)
	}
	return string(b)
}

// TestServeVoiceCallAcrossReplicas: one phone call whose requests
// alternate between two replicas on one Redis goes through as one call:
// the language, the menu's second page, the number check by keypad, the
// handoff with <Dial>, and the call-back after a busy line.
func TestServeVoiceCallAcrossReplicas(t *testing.T) {
	addr := os.Getenv("VAXBOT_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("VAXBOT_TEST_REDIS_ADDR is not set; set it (e.g. 127.0.0.1:6379) to run the replica test")
	}
	cfg := serveConfig{
		VoiceAuthToken: "twilio-token", PublicURL: "https://vaxbot.example", Registry: demoRegistry,
		RedisAddr: addr, DataKey: testDataKey, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
	}
	// Both replicas keep their tickets in one place, as with PostgreSQL.
	cfg.DataDir = t.TempDir()
	if db := os.Getenv("VAXBOT_TEST_DATABASE_URL"); db != "" {
		cfg.DatabaseURL = db
	}
	a, b := startServer(t, cfg), startServer(t, cfg)
	sid := fmt.Sprintf("CAreplicas%d", time.Now().UnixNano())
	steps := []struct {
		ts     *testServer
		path   string
		form   url.Values
		want   string
		notOld string // what the call would say had it started over
	}{
		{a, "/voice/incoming", url.Values{}, "For English, press 2", ""},
		{b, "/voice/gather", url.Values{"Digits": {"1"}}, "其他選項，請按 9", "For English, press 2"},
		{a, "/voice/gather", url.Values{"Digits": {"9"}}, "檢查我的證號和卡號，請按 2", "For English, press 2"},
		{b, "/voice/gather", url.Values{"Digits": {"2"}}, "finishOnKey=\"#\"", "For English, press 2"},
		// C123456781 by keypad (C = 03): a duplicate ID in the demo registry.
		{a, "/voice/gather", url.Values{"Digits": {"03123456781"}}, "C, 1 2 3, 4 5 6, 7 8 1", "For English, press 2"},
		{b, "/voice/gather", url.Values{"Digits": {"1"}}, "12 位數字", "For English, press 2"},
		{a, "/voice/gather", url.Values{"Digits": {"000077778888"}}, "其他(健保署)", "For English, press 2"},
		// QA item 7's last step: replaced the card, still fails: 1922.
		{b, "/voice/gather", url.Values{"Digits": {"2"}}, "<Dial", "For English, press 2"},
		{a, "/voice/dialed", url.Values{"DialCallStatus": {"busy"}}, "請按 1", "For English, press 2"},
		{b, "/voice/gather", url.Values{"Digits": {"1"}}, "0 9 1 2, …, 6 7 8", "For English, press 2"},
	}
	for i, s := range steps {
		body := voiceStep(t, s.ts, sid, s.path, s.form)
		if !strings.Contains(body, s.want) {
			t.Fatalf("step %d (%s %v): want %q in\n%s", i+1, s.path, s.form, s.want, body)
		}
		if s.notOld != "" && strings.Contains(body, s.notOld) {
			t.Fatalf("step %d: the call started over on the other replica:\n%s", i+1, body)
		}
		if strings.Contains(body, "C123456781") || strings.Contains(body, "000077778888") {
			t.Fatalf("step %d: a full number in the TwiML:\n%s", i+1, body)
		}
	}
	last := voiceStep(t, a, sid, "/voice/gather", url.Values{})
	if !strings.Contains(last, "<Gather") && !strings.Contains(last, "<Hangup") {
		t.Errorf("after the call-back the call neither goes on nor ends:\n%s", last)
	}
}

// redisGate is a TCP proxy to Redis that the test can close and open, as if
// Redis went down and came back.
type redisGate struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func newRedisGate(t *testing.T, target string) *redisGate {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &redisGate{ln: ln, target: target}
	go g.serve()
	t.Cleanup(func() { ln.Close(); g.setDown(true) })
	return g
}

func (g *redisGate) addr() string { return g.ln.Addr().String() }

func (g *redisGate) serve() {
	for {
		c, err := g.ln.Accept()
		if err != nil {
			return
		}
		g.mu.Lock()
		if g.down {
			g.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", g.target)
		if err != nil {
			g.mu.Unlock()
			c.Close()
			continue
		}
		g.conns = append(g.conns, c, up)
		g.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

// setDown closes every connection and refuses new ones (down) or lets them
// through again.
func (g *redisGate) setDown(down bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.down = down
	if down {
		for _, c := range g.conns {
			c.Close()
		}
		g.conns = nil
	}
}

// TestServeRedisDownMidConversation: when Redis goes away in the middle of
// a number check, the next message gets the apology with the 1922 line (not
// silence), the failure is counted, and once Redis is back the same
// conversation goes on where it was.
func TestServeRedisDownMidConversation(t *testing.T) {
	addr := os.Getenv("VAXBOT_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("VAXBOT_TEST_REDIS_ADDR is not set; set it (e.g. 127.0.0.1:6379) to run the Redis outage test")
	}
	gate := newRedisGate(t, addr)
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.RedisAddr, cfg.DataKey = gate.addr(), testDataKey
	ts := startServer(t, cfg)
	user := fmt.Sprintf("Uoutage%d", time.Now().UnixNano())
	n := 0
	say := func(kind, value string) string {
		t.Helper()
		n++
		id := fmt.Sprintf("%s-%d", user, n)
		postLINE(t, ts, lineBody(lineEvent(id, user, id, kind, value)))
		replies := api.WaitReplies(t, n)
		b, _ := json.Marshal(replies[n-1].Messages)
		return string(b)
	}
	if got := say("postback", "verify:start"); !strings.Contains(got, "身分證號") {
		t.Fatalf("the check did not start: %s", got)
	}
	if got := say("message", "A123456789"); !strings.Contains(got, "A12*****89") {
		t.Fatalf("the ID was not taken: %s", got)
	}
	gate.setDown(true)
	got := say("postback", "verify:yes")
	if !strings.Contains(got, "抱歉") || !strings.Contains(got, "1922") {
		t.Errorf("with Redis down the person did not get the apology with 1922: %s", got)
	}
	if m := get(t, ts.url+"/metrics"); !strings.Contains(m, `vaxbot_turn_failures_total{cause="lock"} 1`) &&
		!strings.Contains(m, `vaxbot_turn_failures_total{cause="store"} 1`) {
		t.Errorf("the failure was not counted:\n%s", grepLines(m, "turn_failures"))
	}
	gate.setDown(false)
	// The event ids and sessions of the dead connections are retried by a
	// new connection: the form is where it was before the outage.
	got = say("postback", "verify:yes")
	if !strings.Contains(got, "卡號") {
		t.Fatalf("after Redis came back the check did not go on: %s", got)
	}
	if got := say("message", "000011112222"); !strings.Contains(got, "相符") {
		t.Errorf("the check did not finish: %s", got)
	}
}

// grepLines keeps the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
