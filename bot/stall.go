package bot

import (
	"sync"
	"sync/atomic"
	"time"
)

// DefaultStallAfter is DispatcherConfig.StallAfter's default: well under
// the ticket store's bound (3 s), so that a person whose ticket write
// hangs costs the others of their worker at most this.
const DefaultStallAfter = time.Second

// minStalled is the least number of goroutines that may be handed over
// (Workers, when more): each ends with its event's Timeout at the latest.
const minStalled = 256

// stallTick is how often the watchdog looks at the workers.
const stallTick = 100 * time.Millisecond

// stalls keeps the people whose event outlasted StallAfter on a worker
// before its delivery: in the conversation (a ticket database, the record
// service, the session store), back ends that only some people wait for.
// That worker's queue is then read by a new goroutine, so that the
// others hashed to it are not held up by one person's slow back end; the
// stalled person's later events wait, in order, for the goroutine that
// runs their stalled event, which runs them next and then ends.
type stalls struct {
	stallMu sync.Mutex
	// waiting holds each stalled person's later events, in order.
	waiting map[string][]job
	// stalledJobs are the events in hand on the goroutines handed over,
	// for Close to count when it gives up on them.
	stalledJobs map[*job]struct{}
	// parked is len(waiting), read without the lock on every event.
	parked atomic.Int32
	// stalled counts the goroutines handed over, bounded by Workers (at
	// least minStalled).
	stalled atomic.Int32
}

// watchStalls hands a worker's queue to a new goroutine when its event
// has run longer than StallAfter, until the dispatcher is closed. An event
// is known by its address (each is a new variable in work's loop): the
// same one seen for StallAfter has stalled.
func (d *Dispatcher) watchStalls() {
	t := time.NewTicker(stallTick)
	defer t.Stop()
	seen := make([]*job, len(d.current))
	since := make([]time.Time, len(d.current))
	for {
		select {
		case <-d.baseCtx.Done():
			return
		case now := <-t.C:
			for i := range d.current {
				p := d.current[i].Load()
				if p == nil || p != seen[i] {
					seen[i], since[i] = p, now
					continue
				}
				if p.waitingToSend != nil && p.waitingToSend.Load() {
					// The platform's API is everyone's: a slow one
					// would hold up the new goroutine's people too.
					since[i] = now
					continue
				}
				if now.Sub(since[i]) >= d.cfg.StallAfter && d.handOver(i, p) {
					seen[i] = nil
				}
			}
		}
	}
}

// handOver starts a new goroutine on worker i's queue, unless the event p
// has ended meanwhile (the CompareAndSwap that work does too decides) or
// Workers (at least minStalled) goroutines are handed over already.
func (d *Dispatcher) handOver(i int, p *job) bool {
	if int(d.stalled.Load()) >= max(d.cfg.Workers, minStalled) {
		return false
	}
	d.stallMu.Lock()
	defer d.stallMu.Unlock()
	if !d.current[i].CompareAndSwap(p, nil) {
		return false
	}
	if d.waiting == nil {
		d.waiting, d.stalledJobs = map[string][]job{}, map[*job]struct{}{}
	}
	d.waiting[p.ev.Input.Person] = nil
	d.stalledJobs[p] = struct{}{}
	d.parked.Add(1)
	d.stalled.Add(1)
	d.cfg.Metrics.inc(`vaxbot_dispatch_stalls_total{channel=%q}`, p.ch.Name())
	d.wg.Add(1)
	go d.work(d.queues[i], &d.current[i])
	return true
}

// park puts j behind its person's stalled event, if they have one.
func (d *Dispatcher) park(j job) bool {
	d.stallMu.Lock()
	defer d.stallMu.Unlock()
	list, ok := d.waiting[j.ev.Input.Person]
	if ok {
		d.waiting[j.ev.Input.Person] = append(list, j)
	}
	return ok
}

// finishStalled runs, once the stalled event j is done, the events its
// person sent meanwhile, in order; then their events go to the worker
// again and this goroutine ends.
func (d *Dispatcher) finishStalled(j *job) {
	person := j.ev.Input.Person
	defer d.stalled.Add(-1)
	for {
		d.stallMu.Lock()
		delete(d.stalledJobs, j)
		list, ok := d.waiting[person]
		if len(list) == 0 {
			if ok {
				delete(d.waiting, person)
				d.parked.Add(-1)
			}
			d.stallMu.Unlock()
			return
		}
		next := list[0]
		d.waiting[person] = list[1:]
		j = &next
		d.stalledJobs[j] = struct{}{}
		d.stallMu.Unlock()
		if d.baseCtx.Err() != nil {
			d.lose(next)
			continue
		}
		d.run(next)
	}
}

// loseStalled counts, when Close gives up, the stalled events and those
// waiting behind them.
func (d *Dispatcher) loseStalled() {
	d.stallMu.Lock()
	defer d.stallMu.Unlock()
	for j := range d.stalledJobs {
		d.lose(*j)
	}
	for _, list := range d.waiting {
		for _, j := range list {
			d.lose(j)
		}
	}
	clear(d.stalledJobs)
	clear(d.waiting)
	d.parked.Store(0)
}
