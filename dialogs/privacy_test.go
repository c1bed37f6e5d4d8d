package dialogs

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/verify"
)

// TestNoNumbersAfterResult runs whole checks with real-looking numbers, typed
// the ways people type them, through every outcome, and asserts that no log
// line, no reply and no stored session holds a full ID or card number once
// the result is shown.
func TestNoNumbersAfterResult(t *testing.T) {
	numbers := []struct{ id, card string }{
		{"A123456789", "000011112222"}, // verified
		{"B222222228", "000022223333"}, // card too new
		{"AC00000003", "000033334444"}, // record moved
		{"A800000014", "000044445555"}, // the card shows the old number
		{"EB00000005", "000066667777"}, // use the new number
		{"C123456781", "000077778888"}, // duplicate ID
		{"A123456789", "999999999999"}, // mismatch
	}
	clock := &testClock{now: start}
	var logs bytes.Buffer
	store := NewMemoryStore(time.Hour)
	engine := newTestEngine(t, clock, nil, &logs)
	engine.cfg.Limiter = NewMemoryLimiter(100, time.Hour)
	hasher, err := tickets.NewHasher([]byte("test-hash-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	engine.cfg.Hasher = hasher
	conv := NewConversation(engine, store)
	desk := tickets.NewMemoryStore()
	conv.Tickets = desk
	ctx := context.Background()
	for i, n := range numbers {
		person := "line:U" + strings.Repeat("0", i+1)
		var replies []Reply
		steps := []Input{
			{Text: "check my id"},
			{Text: "my id is " + strings.ToLower(n.id[:4]) + " " + n.id[4:]},
			{Payload: "verify:yes"},
			{Text: n.card[:4] + "-" + n.card[4:8] + " " + n.card[8:]},
		}
		if n.id == "C123456781" {
			// QA item 7: the person replaced the card and it still fails.
			steps = append(steps, Input{Payload: PayloadVerify(VerifyReplaced)})
		}
		for _, in := range steps {
			in.Person = person
			out, err := conv.Handle(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			replies = append(replies, out...)
		}
		s, err := store.Get(ctx, person)
		if err != nil || s == nil {
			t.Fatalf("session: %v %v", s, err)
		}
		if s.ID != "" || s.Card != "" || s.Node != NodeMenu {
			t.Errorf("%s: session after the result still holds numbers or the form: %+v", person, s)
		}
		raw, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var shown bytes.Buffer
		if _, err := RenderText(&shown, replies); err != nil {
			t.Fatal(err)
		}
		opened, err := desk.List(ctx, tickets.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		ticketJSON, _ := json.Marshal(opened)
		for what, text := range map[string]string{"session": string(raw), "replies": shown.String(), "logs": logs.String(), "tickets": string(ticketJSON)} {
			if strings.Contains(text, n.id) || strings.Contains(text, n.card) {
				t.Errorf("%s holds a full number of %s:\n%s", what, verify.Mask(n.id), text)
			}
		}
	}
	// The duplicate ID was handed to 1922 with a ticket that lets staff match
	// the caller by the hash of the number, and shows it only masked.
	opened, _ := desk.List(ctx, tickets.Filter{Line: "1922"})
	var dup *tickets.Ticket
	for _, tk := range opened {
		if tk.Reason == "duplicate_id" {
			dup = tk
		}
	}
	if dup == nil {
		t.Fatalf("no ticket for the duplicate ID among %d", len(opened))
	}
	if dup.MaskedID != "C12*****81" || dup.IDHash != hasher.Hash("C123456781") || dup.Channel != "line" || len(dup.Turns) == 0 {
		t.Errorf("ticket %+v", dup)
	}
	if !strings.Contains(logs.String(), "outcome=") {
		t.Fatalf("the check logged no outcome, so this test proves nothing:\n%s", logs.String())
	}
}

// TestPayloadNumbersMasked: a payload holding a number (a modified client
// can send any callback data) reaches the session's history masked.
func TestPayloadNumbersMasked(t *testing.T) {
	clock := &testClock{now: start}
	store := NewMemoryStore(time.Hour)
	conv := NewConversation(newTestEngine(t, clock, nil, nil), store)
	for _, payload := range []string{"faq:A123456789", "0912345678", "verify:000011112222"} {
		if _, err := conv.Handle(context.Background(), Input{Person: "telegram:42", Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := store.Get(context.Background(), "telegram:42")
	if err != nil || s == nil {
		t.Fatalf("session: %v, %v", s, err)
	}
	raw, _ := json.Marshal(s.History)
	for _, full := range []string{"A123456789", "0912345678", "000011112222"} {
		if strings.Contains(string(raw), full) {
			t.Errorf("the history holds %s: %s", full, raw)
		}
	}
	if !strings.Contains(string(raw), "[faq:A12*****89]") {
		t.Errorf("the masked payload is not in the history: %s", raw)
	}
}
