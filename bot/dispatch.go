package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
	"github.com/vaxbot/vaxbot/dialogs"
)

// Handler runs the conversation for one input (dialogs.Conversation).
type Handler interface {
	Handle(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error)
}

// DispatcherConfig sets up a Dispatcher.
type DispatcherConfig struct {
	Handler Handler
	Metrics *Metrics
	Logger  *slog.Logger
	// Workers is how many people are served at once (DefaultWorkers). Each
	// waits for the platform's API while it delivers, so on a real network
	// (tens of milliseconds a reply) the workers bound the replies a second:
	// 512 allow some 10 000. Events of
	// one person always go to the same worker, in order.
	Workers int
	// Queue is how many events may wait per worker (DefaultQueue).
	Queue int
	// Timeout bounds the handling and delivery of one event (default 55 s,
	// inside LINE's one-minute reply window).
	Timeout time.Duration
	// DedupeFor is how long event ids are remembered (default 10 min).
	DedupeFor time.Duration
	// Dedupe, when set, remembers event ids in a shared store, so a
	// redelivery to another replica is dropped too.
	Dedupe Deduper
}

// Deduper remembers event ids. Seen reports whether id was seen before and
// remembers it; Forget drops it.
type Deduper interface {
	Seen(key string) bool
	Forget(key string)
}

// Defaults of DispatcherConfig: 32 768 events may wait in all.
const (
	DefaultWorkers = 512
	DefaultQueue   = 64
)

type job struct {
	ch       Channel
	ev       Event
	received time.Time
}

// Dispatcher runs events through the conversation, one at a time per person
// and concurrently across people, and delivers the replies.
type Dispatcher struct {
	cfg     DispatcherConfig
	queues  []chan job
	seen    *cache.Cache
	wg      sync.WaitGroup
	mu      sync.RWMutex
	closed  bool
	baseCtx context.Context
	cancel  context.CancelFunc
}

// ErrOverloaded is returned by Enqueue when a worker's queue is full.
var ErrOverloaded = errors.New("bot: overloaded")

// ErrClosed is returned by Enqueue after Close.
var ErrClosed = errors.New("bot: shutting down")

// NewDispatcher starts the workers.
func NewDispatcher(cfg DispatcherConfig) *Dispatcher {
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 55 * time.Second
	}
	if cfg.DedupeFor <= 0 {
		cfg.DedupeFor = 10 * time.Minute
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{cfg: cfg, seen: cache.New(cfg.DedupeFor, cfg.DedupeFor), baseCtx: ctx, cancel: cancel}
	for range cfg.Workers {
		q := make(chan job, cfg.Queue)
		d.queues = append(d.queues, q)
		d.wg.Add(1)
		go d.work(q)
	}
	return d
}

// Seen reports whether a channel's event id was seen before, and remembers
// it. go-cache's Add is an atomic check-and-set.
func (d *Dispatcher) Seen(channel, id string) bool {
	if id == "" {
		return false
	}
	if d.cfg.Dedupe != nil {
		return d.cfg.Dedupe.Seen(channel + ":" + id)
	}
	return d.seen.Add(channel+":"+id, struct{}{}, cache.DefaultExpiration) != nil
}

// Forget drops an event id, so that an event that could not be queued can
// be redelivered.
func (d *Dispatcher) Forget(channel, id string) {
	if d.cfg.Dedupe != nil {
		d.cfg.Dedupe.Forget(channel + ":" + id)
		return
	}
	d.seen.Delete(channel + ":" + id)
}

// Enqueue queues an event for its person's worker without waiting.
func (d *Dispatcher) Enqueue(ch Channel, ev Event) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return ErrClosed
	}
	select {
	case d.queues[fnv32a(ev.Input.Person)%uint32(len(d.queues))] <- job{ch: ch, ev: ev, received: time.Now()}:
		return nil
	default:
		return ErrOverloaded
	}
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

func (d *Dispatcher) work(q chan job) {
	defer d.wg.Done()
	for j := range q {
		d.run(j)
	}
}

func (d *Dispatcher) run(j job) {
	ctx, cancel := context.WithTimeout(d.baseCtx, d.cfg.Timeout)
	defer cancel()
	name := j.ch.Name()
	if p, ok := j.ch.(Preparer); ok {
		p.Prepare(ctx, j.ev)
	}
	replies, err := d.cfg.Handler.Handle(ctx, j.ev.Input)
	if err != nil {
		d.cfg.Logger.Error("conversation failed", "channel", name, "type", j.ev.Type, "err", err)
	}
	if len(replies) == 0 {
		return
	}
	if err := j.ch.Deliver(ctx, j.ev, replies); err != nil {
		d.cfg.Metrics.Reply(name, "lost")
		d.cfg.Logger.Warn("replies lost", "channel", name, "type", j.ev.Type, "err", err)
		return
	}
	d.cfg.Metrics.ReplySeconds(name, time.Since(j.received).Seconds())
}

// Close stops taking events and waits until the queued ones are handled and
// delivered, or ctx ends; then in-flight deliveries are cancelled.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		for _, q := range d.queues {
			close(q)
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
		return nil
	case <-ctx.Done():
		d.cancel()
		<-done
		return ctx.Err()
	}
}
