package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/dialogstest"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// hangingTickets is a ticket store whose writes hang until their context
// ends: a database that accepts connections and never answers.
type hangingTickets struct{ *tickets.MemoryStore }

func (hangingTickets) Create(ctx context.Context, _ *tickets.Ticket) error {
	<-ctx.Done()
	return ctx.Err()
}

// recordingChannel records, per person, the texts delivered to them and
// when.
type recordingChannel struct {
	mu  sync.Mutex
	got map[string][]string
	at  map[string]time.Time
}

func (c *recordingChannel) Name() string                                  { return "line" }
func (c *recordingChannel) Authenticate(func(string) string, []byte) bool { return true }
func (c *recordingChannel) Decode([]byte) ([]Event, error)                { return nil, nil }
func (c *recordingChannel) Deliver(_ context.Context, ev Event, replies []dialogs.Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got[ev.Input.Person] = append(c.got[ev.Input.Person], ev.ID)
	c.at[ev.ID] = time.Now()
	return nil
}

func (c *recordingChannel) answered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.at)
}

// TestHangingTicketStoreHoldsUpOnlyItsPerson: with every person on one
// worker and a ticket store that hangs, the people who asked for a human
// wait for it (the conversation's bound, then the line to call without a
// reference), and everybody else's questions are all answered at once,
// not behind them; a waiting person's later message is answered after
// their handoff, in order.
func TestHangingTicketStoreHoldsUpOnlyItsPerson(t *testing.T) {
	conv := dialogs.NewConversation(dialogstest.Engine(t, time.Now()), dialogs.NewMemoryStore(time.Hour))
	conv.Tickets = hangingTickets{tickets.NewMemoryStore()}
	ch := &recordingChannel{got: map[string][]string{}, at: map[string]time.Time{}}
	m := NewMetrics()
	d := NewDispatcher(DispatcherConfig{Handler: conv, Metrics: m, Workers: 1, StallAfter: 200 * time.Millisecond})
	defer d.Close(context.Background())
	start := time.Now()
	send := func(person, id string, in dialogs.Input) {
		t.Helper()
		in.Person = person
		if err := d.Enqueue(ch, Event{ID: id, Type: "text", Input: in}); err != nil {
			t.Fatal(err)
		}
	}
	const waiting, others = 3, 40
	for i := range waiting {
		send(fmt.Sprintf("line:Uhandoff%d", i), fmt.Sprintf("handoff%d", i), dialogs.Input{Payload: dialogs.PayloadHandoff(dialogs.Line1922)})
	}
	for i := range others {
		send(fmt.Sprintf("line:Uother%d", i), fmt.Sprintf("other%d", i), dialogs.Input{Text: "健保卡號在哪裡"})
	}
	send("line:Uhandoff0", "after0", dialogs.Input{Text: "menu"})
	deadline := time.Now().Add(2 * time.Second)
	for ch.answered() < others && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ch.mu.Lock()
	var late []string
	for i := range others {
		id := fmt.Sprintf("other%d", i)
		if at, ok := ch.at[id]; !ok || at.Sub(start) > 1500*time.Millisecond {
			late = append(late, id)
		}
	}
	ch.mu.Unlock()
	if len(late) > 0 {
		t.Errorf("%d of %d unrelated questions not answered within 1.5 s, behind a hanging ticket store: %v", len(late), others, late)
	}
	// The people waiting for the store are answered too, after its bound.
	for deadline := time.Now().Add(10 * time.Second); ch.answered() < others+waiting+1 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if got := strings.Join(ch.got["line:Uhandoff0"], ","); got != "handoff0,after0" {
		t.Errorf("the waiting person's replies: %s, want handoff0,after0", got)
	}
	if n := len(ch.at); n != others+waiting+1 {
		t.Errorf("%d events answered, want %d", n, others+waiting+1)
	}
	if !strings.Contains(metricsText(m), "vaxbot_dispatch_stalls_total") {
		t.Error("the stalls were not counted")
	}
}
