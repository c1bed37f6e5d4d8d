package dialogs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// TestRepeatedHandoffsShareATicket: tapping "talk to 1922" again and again
// gives one ticket (and so one notification), with the same reference each
// time; another reason or half an hour later opens a new one.
func TestRepeatedHandoffsShareATicket(t *testing.T) {
	clock := &testClock{now: start}
	var seen []string
	engine := newTestEngine(t, clock, nil, nil)
	engine.cfg.Observe = func(kind, value string) { seen = append(seen, kind) }
	conv := NewConversation(engine, NewMemoryStore(time.Hour))
	desk := tickets.NewMemoryStore()
	conv.Tickets = desk
	ctx := context.Background()
	tap := func(payload string) string {
		t.Helper()
		r, err := conv.Handle(ctx, Input{Person: "line:Umerge", Payload: payload})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range r {
			if x.Handoff != nil {
				return x.Handoff.Ticket
			}
		}
		t.Fatalf("no handoff for %s", payload)
		return ""
	}
	count := func() int {
		list, _ := desk.List(ctx, tickets.Filter{})
		return len(list)
	}
	first := tap(PayloadHandoff(Line1922))
	for range 5 {
		clock.now = clock.now.Add(time.Minute)
		if ref := tap(PayloadHandoff(Line1922)); ref != first {
			t.Errorf("a repeated handoff got %s, want the first ticket %s", ref, first)
		}
	}
	if n := count(); n != 1 {
		t.Errorf("%d tickets after six taps, want 1", n)
	}
	if merged := strings.Count(strings.Join(seen, " "), "ticket_merged"); merged != 5 {
		t.Errorf("%d merges counted, want 5", merged)
	}
	if ref := tap(PayloadHandoff(LineNHIA)); ref == first || count() != 2 {
		t.Errorf("another line got %s (tickets %d): want a new ticket", ref, count())
	}
	clock.now = clock.now.Add(TicketMergeWindow + time.Minute)
	if ref := tap(PayloadHandoff(LineNHIA)); count() != 3 {
		t.Errorf("after the window %s: %d tickets, want 3", ref, count())
	}
}
