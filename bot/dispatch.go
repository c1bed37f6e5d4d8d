package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
)

// Handler runs the conversation for one input (dialogs.Conversation). When
// it fails it may return replies (an apology) together with the error: they
// are delivered. A Handler that also has the method of apologizer
// (dialogs.Conversation does) gives the apology the person hears when
// Handle panics.
type Handler interface {
	Handle(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error)
}

// apologizer gives what a person hears when their input could not be
// handled at all.
type apologizer interface {
	Apology(in dialogs.Input) []dialogs.Reply
}

// DispatcherConfig sets up a Dispatcher.
type DispatcherConfig struct {
	Handler Handler
	Metrics *Metrics
	Logger  *slog.Logger
	// Workers is how many events are handled at once (DefaultWorkers):
	// the conversation's work, with the back ends it waits for (the
	// session store, the record service, the ticket database). Replies
	// are delivered apart from the workers (Sending). Events of one person
	// always go to the same worker, in order.
	Workers int
	// Queue is how many events may wait for a worker, all workers together
	// (DefaultQueue), whatever their number.
	Queue int
	// Sending is how many events' replies may be on their way to the
	// platforms at once, or waiting behind an earlier reply to the same
	// person (DefaultSending); a worker waits while that many are. A
	// person's replies leave in the order of their events.
	Sending int
	// Timeout bounds the handling and delivery of one event (default 55 s,
	// inside LINE's one-minute reply window).
	Timeout time.Duration
	// StallAfter is how long one event may hold its worker (a slow
	// database, a slow API) before the worker's other people are handed to
	// a new goroutine (DefaultStallAfter).
	StallAfter time.Duration
	// DedupeFor is how long event ids are remembered (default 10 min).
	DedupeFor time.Duration
	// Dedupe, when set, remembers event ids in a shared store, so a
	// redelivery to another replica is dropped too.
	Dedupe Deduper
	// Stream, when set, is where accepted events wait (Accept appends to
	// it) and where the workers take them from: a durable intake shared
	// by replicas. Without it events wait in this process's memory.
	Stream Stream
	// Channels are the channels whose events the Stream may hold (needed
	// with Stream only).
	Channels []Channel
}

// Deduper remembers event ids in a store shared by replicas. The webhook
// handler calls it while the platform waits: ctx bounds each call, and an
// implementation should bound it further (a fraction of a second).
type Deduper interface {
	// Seen reports whether key was seen before, and remembers it. On an
	// error the dispatcher takes the event as new: a rare duplicate reply
	// beats a lost one.
	Seen(ctx context.Context, key string) (bool, error)
	// Forget drops key, so that a redelivery is taken.
	Forget(ctx context.Context, key string) error
}

// Defaults of DispatcherConfig: 32 768 events may wait in all.
const (
	DefaultWorkers = 512
	DefaultQueue   = 32768
)

type job struct {
	ch       Channel
	ev       Event
	received time.Time
	// done acknowledges a Stream's entry once the event is handled; nil
	// for an event from memory.
	done func()
	// claimed: a Stream's entry taken over from a replica that stopped.
	claimed bool
	// waitingToSend, set by the worker's goroutine, is true while it
	// waits for room to hand the replies over (send): the platform's API
	// is slow for everyone, not a back end for this person (stall.go).
	waitingToSend *atomic.Bool
}

// Dispatcher runs events through the conversation, one at a time per person
// and concurrently across people, and delivers the replies.
type Dispatcher struct {
	cfg    DispatcherConfig
	queues []*lane
	// queued is how many events wait in all the lanes (at most Queue);
	// room has a token when one was taken, for the Stream's consumer.
	queued  atomic.Int64
	room    chan struct{}
	seen    *eventIDs
	wg      sync.WaitGroup
	mu      sync.RWMutex
	closed  bool
	baseCtx context.Context
	cancel  context.CancelFunc
	// dedupeDown is set while the shared Deduper fails, so that an outage
	// is logged once, not once an event.
	dedupeDown atomic.Bool
	// current holds each worker's event while it runs (nil between
	// events), so that Close can count those a stuck call holds.
	current []atomic.Pointer[job]
	// lost counts the events given up at shutdown.
	lost atomic.Int64
	// channels by name, and the Stream's consumer and its end (with a
	// Stream only).
	channels      map[string]Channel
	stopConsuming context.CancelFunc
	consumed      chan struct{}
	// streamDown is set while appending to the Stream fails.
	streamDown atomic.Bool
	// stalls are the people whose event a slow back end holds (stall.go).
	stalls
	// senders deliver the replies (send.go).
	senders
}

// ErrOverloaded is returned by Enqueue when Queue events wait already.
var ErrOverloaded = errors.New("bot: overloaded")

// ErrClosed is returned by Enqueue after Close.
var ErrClosed = errors.New("bot: shutting down")

// ErrEventsLost is wrapped by Close's error when its context ended before
// every queued event was handled: those events are counted in
// vaxbot_events_lost_total{reason="shutdown"}.
var ErrEventsLost = errors.New("bot: events lost at shutdown")

// closeGrace is how long Close waits, once its context has ended and the
// work in flight is cancelled, for the workers to return. Calls that honour
// their context end at once; one that does not is left behind, and its
// event counted lost, so that shutdown keeps its bound.
const closeGrace = 500 * time.Millisecond

// NewDispatcher starts the workers.
func NewDispatcher(cfg DispatcherConfig) *Dispatcher {
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.Sending <= 0 {
		cfg.Sending = DefaultSending
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 55 * time.Second
	}
	if cfg.DedupeFor <= 0 {
		cfg.DedupeFor = 10 * time.Minute
	}
	if cfg.StallAfter <= 0 {
		cfg.StallAfter = DefaultStallAfter
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{cfg: cfg, seen: newEventIDs(ctx, cfg.DedupeFor), baseCtx: ctx, cancel: cancel, room: make(chan struct{}, 1)}
	d.sending, d.slots = map[string][]*outgoing{}, make(chan struct{}, cfg.Sending)
	d.current = make([]atomic.Pointer[job], cfg.Workers)
	for i := range cfg.Workers {
		l := newLane()
		d.queues = append(d.queues, l)
		d.wg.Add(1)
		go d.work(l, &d.current[i])
	}
	// What a custom-metrics autoscaler and the alerts watch: events
	// waiting, room for them, and how long the oldest event being handled
	// has been in the server.
	cfg.Metrics.Gauge("vaxbot_queue_depth", func() float64 { return float64(d.QueueDepth()) })
	cfg.Metrics.Gauge("vaxbot_queue_capacity", func() float64 { return float64(cfg.Queue) })
	cfg.Metrics.Gauge("vaxbot_queue_oldest_seconds", func() float64 { return d.oldest().Seconds() })
	if cfg.Stream != nil {
		d.consume()
	}
	go d.watchStalls()
	return d
}

// QueueDepth is how many events wait for a worker.
func (d *Dispatcher) QueueDepth() int { return int(d.queued.Load()) }

// oldest is how long ago the oldest event a worker is handling, or whose
// replies are on their way, arrived (0 when none is).
func (d *Dispatcher) oldest() time.Duration {
	now := time.Now()
	oldest := d.oldestSending(now)
	for i := range d.current {
		if j := d.current[i].Load(); j != nil {
			oldest = max(oldest, now.Sub(j.received))
		}
	}
	return oldest
}

// SharedDedupe reports whether event ids are kept in a shared store, which
// Seen and Forget ask over the network.
func (d *Dispatcher) SharedDedupe() bool { return d.cfg.Dedupe != nil }

// Seen reports whether a channel's event id was seen before, and remembers
// it: an atomic check-and-set, in memory (eventIDs) or in the shared
// Deduper. When the shared Deduper
// fails the event is taken as new: the failure is counted and logged once
// until the store answers again.
func (d *Dispatcher) Seen(ctx context.Context, channel, id string) bool {
	if id == "" {
		return false
	}
	if d.cfg.Dedupe != nil {
		seen, err := d.cfg.Dedupe.Seen(ctx, channel+":"+id)
		d.dedupeResult(channel, "seen", err)
		return err == nil && seen
	}
	return !d.seen.add(channel+":"+id, time.Now())
}

// Forget drops an event id, so that an event that could not be queued can
// be redelivered.
func (d *Dispatcher) Forget(ctx context.Context, channel, id string) {
	if id == "" {
		return
	}
	if d.cfg.Dedupe != nil {
		d.dedupeResult(channel, "forget", d.cfg.Dedupe.Forget(ctx, channel+":"+id))
		return
	}
	d.seen.forget(channel + ":" + id)
}

// dedupeResult counts a failed call to the shared Deduper, and logs the
// first failure of an outage and its end.
func (d *Dispatcher) dedupeResult(channel, op string, err error) {
	if err == nil {
		if d.dedupeDown.Load() && d.dedupeDown.CompareAndSwap(true, false) {
			d.cfg.Logger.Info("event ids: the shared store answers again")
		}
		return
	}
	d.cfg.Metrics.DedupeFailure(channel, op)
	if d.dedupeDown.CompareAndSwap(false, true) {
		d.cfg.Logger.Warn("event ids: the shared store failed; events are taken as new until it answers (logged once)",
			"channel", channel, "op", op, "err", err)
	}
}

// Enqueue queues an event for its person's worker without waiting.
func (d *Dispatcher) Enqueue(ch Channel, ev Event) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return ErrClosed
	}
	if !d.reserve() {
		return ErrOverloaded
	}
	d.lane(ev.Input.Person).push(job{ch: ch, ev: ev, received: time.Now()})
	return nil
}

// reserve takes room for one event in the lanes, and reports false when
// Queue events wait already.
func (d *Dispatcher) reserve() bool {
	if d.queued.Add(1) > int64(d.cfg.Queue) {
		d.queued.Add(-1)
		return false
	}
	return true
}

// taken gives back the room of an event taken from a lane.
func (d *Dispatcher) taken() {
	d.queued.Add(-1)
	select {
	case d.room <- struct{}{}:
	default:
	}
}

// lane is the person's worker's lane.
func (d *Dispatcher) lane(person string) *lane {
	return d.queues[fnv32a(person)%uint32(len(d.queues))]
}

// fnv32a is the 32-bit FNV-1a hash of s, which picks a person's worker.
func fnv32a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// work runs the events of one queue in order. Before each it checks the
// dispatcher's context: once Close has given up waiting, what is left is
// counted lost, not started.
func (d *Dispatcher) work(q *lane, current *atomic.Pointer[job]) {
	defer d.wg.Done()
	var waitingToSend atomic.Bool
	for {
		j, ok := q.pop()
		if !ok {
			return
		}
		d.taken()
		if d.baseCtx.Err() != nil {
			d.lose(j)
			continue
		}
		if d.parked.Load() > 0 && d.park(j) {
			continue // behind their event that a slow back end holds
		}
		j.waitingToSend = &waitingToSend
		current.Store(&j)
		d.run(j)
		if !current.CompareAndSwap(&j, nil) {
			// The event outlasted StallAfter: another goroutine took
			// over q (handOver). This one finishes the person's events.
			d.finishStalled(&j)
			return
		}
	}
}

// lose counts an event given up at shutdown: lost, or, when it came from
// a Stream, left there for another replica.
func (d *Dispatcher) lose(j job) {
	if j.done != nil {
		d.cfg.Metrics.StreamReturned(j.ch.Name())
		return
	}
	d.lost.Add(1)
	d.cfg.Metrics.EventLost(j.ch.Name(), "shutdown")
}

// run handles one event and hands its replies over for delivery (send);
// a Stream's entry is acknowledged once they are delivered, or at once when
// there are none. A panic in the channel or the Handler ends this event
// only: it is logged and counted, the person gets the apology when the
// Handler can give one, and the worker goes on.
func (d *Dispatcher) run(j job) {
	ctx, cancel := context.WithTimeout(d.baseCtx, d.cfg.Timeout)
	name := j.ch.Name()
	if p, ok := j.ch.(Preparer); ok {
		// Preparing only helps (an animation, a deleted message): the
		// event is handled even when it panics.
		d.guard(j, "prepare", func() { p.Prepare(ctx, j.ev) })
	}
	var replies []dialogs.Reply
	var err error
	if !d.guard(j, "handle", func() { replies, err = d.cfg.Handler.Handle(ctx, j.ev.Input) }) {
		replies, err = d.apology(j)
	}
	if err != nil {
		// Replies that come with the error are the apology: delivered.
		d.cfg.Logger.Error("conversation failed", "channel", name, "type", j.ev.Type, "apology", len(replies) > 0, "err", err)
	}
	if len(replies) == 0 {
		cancel()
		if j.done != nil {
			j.done()
		}
		return
	}
	d.send(&outgoing{j: j, ctx: ctx, cancel: cancel, replies: replies})
}

// apology is what the person hears when the Handler panicked: its
// Apology, when it has one (itself guarded).
func (d *Dispatcher) apology(j job) (replies []dialogs.Reply, err error) {
	err = errors.New("bot: the handler panicked")
	a, ok := d.cfg.Handler.(apologizer)
	if !ok {
		return nil, err
	}
	d.guard(j, "apology", func() { replies = a.Apology(j.ev.Input) })
	return replies, err
}

// guard runs f and reports whether it returned without panicking. A panic
// is logged with its type and stack, never its value (it may quote what
// the person typed), and counted.
func (d *Dispatcher) guard(j job, stage string, f func()) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			d.cfg.Metrics.TurnFailure(dialogs.CausePanic)
			d.cfg.Logger.Error("panic in the dispatcher", "channel", j.ch.Name(), "type", j.ev.Type, "stage", stage,
				"panic_type", fmt.Sprintf("%T", p), "stack", string(debug.Stack()))
			ok = false
		}
	}()
	f()
	return true
}

// Close stops taking events and waits until the queued ones are handled and
// delivered, or ctx ends. Then it cancels the calls in flight, and the
// workers count what is still queued lost instead of starting it; after
// closeGrace at most, Close returns even if a call ignores its context,
// counting that call's event lost too. The error wraps ErrEventsLost when
// any event was given up.
func (d *Dispatcher) Close(ctx context.Context) error {
	if d.cfg.Stream != nil {
		// No more entries are taken; then the queues can close. What the
		// workers leave undone is given back to the stream.
		d.stopConsuming()
		select {
		case <-d.consumed:
		case <-ctx.Done():
		}
		defer d.closeStream(ctx)
	}
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		for _, q := range d.queues {
			q.close()
		}
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		d.cancel()
		return d.lostErr()
	case <-ctx.Done():
	}
	d.cancel()
	grace := time.NewTimer(closeGrace)
	defer grace.Stop()
	select {
	case <-done:
	case <-grace.C:
		// Some worker is stuck in a call that ignores its context: what
		// its queue holds is counted here, with the event it is on.
		for i, q := range d.queues {
			for _, j := range q.drain() {
				d.lose(j)
			}
			if j := d.current[i].Swap(nil); j != nil {
				d.lose(*j)
			}
		}
		d.loseStalled()
		d.loseSending()
	}
	return d.lostErr()
}

// lostErr reports the events given up at shutdown, if any.
func (d *Dispatcher) lostErr() error {
	if n := d.lost.Load(); n > 0 {
		return fmt.Errorf("%w: %d", ErrEventsLost, n)
	}
	return nil
}
