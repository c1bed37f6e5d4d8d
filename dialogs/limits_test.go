package dialogs

import (
	"context"
	"strings"
	"testing"
	"time"
)

// check runs a whole number check for person and returns the last turn's
// replies.
func check(t *testing.T, conv *Conversation, person, id, card string) []Reply {
	t.Helper()
	var out []Reply
	for _, in := range []Input{{Payload: "verify:start"}, {Text: id}, {Payload: "verify:yes"}, {Text: card}} {
		in.Person = person
		r, err := conv.Handle(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		out = r
	}
	return out
}

func TestFailedChecksPerIDAcrossAccounts(t *testing.T) {
	clock := &testClock{now: start}
	e := newTestEngine(t, clock, nil, nil)
	e.cfg.MaxFailures = 2
	conv := NewConversation(e, NewMemoryStore(time.Hour))
	// Two accounts fail with the same ID; a third is refused before any lookup.
	for _, p := range []string{"line:U1", "telegram:2"} {
		if r := check(t, conv, p, "A123456789", "999999999999"); !strings.Contains(r[0].Text, "don't match") && !strings.Contains(r[0].Text, "對不起來") {
			t.Fatalf("%s: %q", p, r[0].Text)
		}
	}
	r := check(t, conv, "line:U3", "A123456789", "000011112222")
	if len(r) < 2 || !strings.Contains(r[0].Text, "暫停") || r[1].Handoff == nil || r[1].Handoff.Reason != ReasonIDFailures {
		t.Fatalf("third account: %+v", r)
	}
	// Another ID is not affected.
	if r := check(t, conv, "line:U3", "B222222228", "000022223333"); strings.Contains(r[0].Text, "暫停") {
		t.Errorf("another ID was paused too: %q", r[0].Text)
	}
}

func TestChannelBucket(t *testing.T) {
	clock := &testClock{now: start}
	e := newTestEngine(t, clock, nil, nil)
	e.cfg.Channels = NewBuckets(0.0001, 1) // one check, then empty
	conv := NewConversation(e, NewMemoryStore(time.Hour))
	if r := check(t, conv, "line:U1", "A123456789", "000011112222"); !strings.Contains(r[0].Text, "相符") {
		t.Fatalf("first check: %q", r[0].Text)
	}
	if r := check(t, conv, "line:U2", "A123456789", "000011112222"); !strings.Contains(r[0].Text, "同時檢查的人很多") {
		t.Errorf("second check on the same channel: %q", r[0].Text)
	}
	if r := check(t, conv, "telegram:3", "A123456789", "000011112222"); !strings.Contains(r[0].Text, "相符") {
		t.Errorf("another channel has its own bucket: %q", r[0].Text)
	}
}
