package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
)

// TestServeReminderSentOnce: a person whose new card is not usable yet
// (card_too_new) asks to be reminded when it is; the reminder is sent by
// push exactly once, at its minute, by one of two replicas sharing the
// ticket database (PostgreSQL with VAXBOT_TEST_DATABASE_URL; one replica
// on SQLite without); another person who cancels gets none. The replicas'
// clock is moved forward by the test.
func TestServeReminderSentOnce(t *testing.T) {
	api := linetest.New(t)
	var offset atomic.Int64
	cfg := lineConfig(api.URL)
	cfg.reminderEvery = 20 * time.Millisecond
	cfg.reminderNow = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	replicas := 1
	if db := os.Getenv("VAXBOT_TEST_DATABASE_URL"); db != "" {
		cfg.DatabaseURL, replicas = db, 2
	}
	a := startServer(t, cfg)
	if replicas == 2 {
		startServer(t, cfg)
	}
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	alice, bob := "Ualice"+nonce, "Ubob"+nonce
	step := 0
	say := func(user, kind, value string) map[string]any {
		step++
		token := fmt.Sprintf("t%d-%s", step, nonce)
		postLINE(t, a, lineBody(lineEvent(fmt.Sprintf("ev%d%s", step, nonce), user, token, kind, value)))
		waitLINEToken(t, api, token)
		for _, r := range api.Replies() {
			if r.Token == token {
				return r.Messages[len(r.Messages)-1]
			}
		}
		return nil
	}
	remindPayload := func(user string) string {
		say(user, "postback", "verify:start")
		say(user, "message", "B222222228")
		say(user, "postback", "verify:yes")
		last := say(user, "message", "000022223333")
		for _, d := range quickReplyData(last) {
			if strings.HasPrefix(d, "remind:") {
				return d
			}
		}
		t.Fatalf("no reminder offered: %v", quickReplyData(last))
		return ""
	}
	p := remindPayload(alice)
	at, _ := strconv.ParseInt(strings.TrimPrefix(p, "remind:"), 10, 64)
	say(alice, "postback", p)
	say(bob, "postback", remindPayload(bob))
	say(bob, "postback", "remind:cancel")

	pushesTo := func(user string) int {
		n := 0
		for _, c := range api.Calls() {
			if c.Path == "/v2/bot/message/push" && c.Body["to"] == user {
				n++
			}
		}
		return n
	}
	due := time.Unix(at, 0)
	offset.Store(int64(time.Until(due) - 2*time.Second))
	time.Sleep(200 * time.Millisecond)
	if n := pushesTo(alice); n != 0 {
		t.Fatalf("%d pushes before the minute", n)
	}
	offset.Store(int64(time.Until(due) + time.Second))
	deadline := time.Now().Add(5 * time.Second)
	for pushesTo(alice) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // time for a second send, were there one
	if n := pushesTo(alice); n != 1 {
		t.Fatalf("%d pushes to the person reminded, want 1", n)
	}
	if n := pushesTo(bob); n != 0 {
		t.Errorf("%d pushes to the person who cancelled", n)
	}
	for _, c := range api.Calls() {
		if c.Path == "/v2/bot/message/push" && c.Body["to"] == alice {
			msgs, _ := c.Body["messages"].([]any)
			text, _ := msgs[0].(map[string]any)["text"].(string)
			if !holdsAny(text, wordsIn(t, "remind_due")) || !strings.Contains(fmt.Sprint(msgs), "verify:start") {
				t.Errorf("push %v, want the reminder with a button into the check", msgs)
			}
		}
	}
	if got := metricCount(get(t, a.url+"/metrics"), `vaxbot_reminders_total{result="scheduled"}`); got < 1 {
		t.Errorf("scheduled reminders counted %d", got)
	}
}
