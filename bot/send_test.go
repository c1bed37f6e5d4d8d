package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
)

// gatedChannel records what is delivered to each person, in order; the
// deliveries to the people in hold wait until release is closed.
type gatedChannel struct {
	hold    map[string]bool
	release chan struct{}
	mu      sync.Mutex
	got     map[string][]string
	order   []string // every delivery, in the order it ended
}

func (c *gatedChannel) Name() string                                  { return "line" }
func (c *gatedChannel) Authenticate(func(string) string, []byte) bool { return true }
func (c *gatedChannel) Decode([]byte) ([]Event, error)                { return nil, nil }
func (c *gatedChannel) Deliver(ctx context.Context, ev Event, _ []dialogs.Reply) error {
	if c.hold[ev.Input.Person] {
		select {
		case <-c.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got[ev.Input.Person] = append(c.got[ev.Input.Person], ev.ID)
	c.order = append(c.order, ev.ID)
	return nil
}

func (c *gatedChannel) delivered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.order)
}

// waitFor polls until cond holds or a generous deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestSlowDeliveryHoldsOnlyItsPerson: with one worker and the platform's
// API hanging for one person, the worker goes on: everyone else's events
// are handled and their replies delivered meanwhile; the held person's
// later events are handled too, and their replies leave after the first,
// in order, once the API answers.
func TestSlowDeliveryHoldsOnlyItsPerson(t *testing.T) {
	ch := &gatedChannel{hold: map[string]bool{"line:Uslow": true}, release: make(chan struct{}), got: map[string][]string{}}
	var handledMu sync.Mutex
	var handled []string
	h := handlerFunc(func(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error) {
		handledMu.Lock()
		handled = append(handled, in.Text)
		handledMu.Unlock()
		return echo(ctx, in)
	})
	d := NewDispatcher(DispatcherConfig{Handler: h, Workers: 1})
	defer d.Close(context.Background())
	send := func(person, id string) {
		t.Helper()
		if err := d.Enqueue(ch, Event{ID: id, Type: "text", Input: dialogs.Input{Person: person, Text: id}}); err != nil {
			t.Fatal(err)
		}
	}
	send("line:Uslow", "slow1")
	const others = 20
	for i := range others {
		send(fmt.Sprintf("line:U%02d", i), fmt.Sprintf("other%d", i))
		if i == others/2 {
			send("line:Uslow", "slow2")
		}
	}
	send("line:Uslow", "slow3")
	waitFor(t, "the other people's replies", func() bool { return ch.delivered() >= others })
	handledMu.Lock()
	n := len(handled)
	handledMu.Unlock()
	if n != others+3 {
		t.Errorf("the worker handled %d events while one delivery hung, want all %d", n, others+3)
	}
	ch.mu.Lock()
	if got := ch.got["line:Uslow"]; len(got) != 0 {
		t.Errorf("replies to the held person delivered before the first: %v", got)
	}
	ch.mu.Unlock()

	close(ch.release)
	waitFor(t, "the held person's replies", func() bool { return ch.delivered() == others+3 })
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if got := strings.Join(ch.got["line:Uslow"], ","); got != "slow1,slow2,slow3" {
		t.Errorf("the held person's replies arrived as %s, want slow1,slow2,slow3", got)
	}
}

// TestSendingBound: once Sending replies are on their way, the worker
// waits for a slot before it hands over another; the events behind wait in
// the queue, and all are delivered once the API answers.
func TestSendingBound(t *testing.T) {
	hold := map[string]bool{}
	for i := range 6 {
		hold[fmt.Sprintf("line:U%d", i)] = true
	}
	ch := &gatedChannel{hold: hold, release: make(chan struct{}), got: map[string][]string{}}
	d := NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Workers: 1, Sending: 2})
	defer d.Close(context.Background())
	for i := range 6 {
		if err := d.Enqueue(ch, Event{ID: fmt.Sprint(i), Type: "text", Input: dialogs.Input{Person: fmt.Sprintf("line:U%d", i), Text: "hi"}}); err != nil {
			t.Fatal(err)
		}
	}
	// Two on their way, the worker waiting for a slot with the third,
	// three in the queue.
	waitFor(t, "the queue to settle", func() bool { return d.QueueDepth() == 3 })
	time.Sleep(50 * time.Millisecond) // the worker would take more now, were it free to
	if got := d.QueueDepth(); got != 3 {
		t.Errorf("queue depth %d while Sending replies are on their way, want 3", got)
	}
	close(ch.release)
	waitFor(t, "every reply", func() bool { return ch.delivered() == 6 })
}

// TestQueueBoundIsTotal: Queue bounds the events waiting in all, whatever
// the number of workers.
func TestQueueBoundIsTotal(t *testing.T) {
	for _, workers := range []int{1, 4, 64} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			release := make(chan struct{})
			h := handlerFunc(func(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error) {
				<-release
				return nil, nil
			})
			d := NewDispatcher(DispatcherConfig{Handler: h, Workers: workers, Queue: 10})
			defer d.Close(context.Background())
			defer close(release)
			ch := newFakeChannel()
			accepted := 0
			for i := range 200 {
				err := d.Enqueue(ch, Event{Type: "text", Input: dialogs.Input{Person: fmt.Sprintf("line:U%d", i), Text: "hi"}})
				switch {
				case err == nil:
					accepted++
				case !errors.Is(err, ErrOverloaded):
					t.Fatal(err)
				}
			}
			// Each worker holds at most one event of its own, taken from
			// the queue; the queue holds at most 10 more.
			if accepted > 10+workers || accepted < 10 {
				t.Errorf("%d events accepted, want 10 queued plus at most one a worker (%d)", accepted, workers)
			}
			if got := d.QueueDepth(); got > 10 {
				t.Errorf("queue depth %d, want at most 10", got)
			}
		})
	}
}

// TestSlowAPIIsNoStall: when the platform's API holds every reply and the
// worker waits for room to hand more over, that is not one person's slow
// back end: the worker's queue is not handed to new goroutines.
func TestSlowAPIIsNoStall(t *testing.T) {
	hold := map[string]bool{}
	for i := range 5 {
		hold[fmt.Sprintf("line:U%d", i)] = true
	}
	ch := &gatedChannel{hold: hold, release: make(chan struct{}), got: map[string][]string{}}
	m := NewMetrics()
	d := NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Metrics: m, Workers: 1, Sending: 1, StallAfter: 100 * time.Millisecond})
	defer d.Close(context.Background())
	for i := range 5 {
		if err := d.Enqueue(ch, Event{ID: fmt.Sprint(i), Type: "text", Input: dialogs.Input{Person: fmt.Sprintf("line:U%d", i), Text: "hi"}}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the worker to wait for room", func() bool { return d.QueueDepth() == 3 })
	time.Sleep(5 * stallTick) // several looks of the watchdog past StallAfter
	if text := metricsText(m); strings.Contains(text, "vaxbot_dispatch_stalls_total") {
		t.Errorf("waiting on the platform's API was taken for a stall:\n%s", grepPrefix(text, "vaxbot_dispatch_stalls"))
	}
	close(ch.release)
	waitFor(t, "every reply", func() bool { return ch.delivered() == 5 })
}
