package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/vaxbot/vaxbot/bot/gopool"
	"github.com/vaxbot/vaxbot/dialogs"
)

// DefaultSending is DispatcherConfig.Sending's default: as many replies on
// their way at once as the LINE client keeps connections (bot/line).
const DefaultSending = 1024

// outgoing is a handled event whose replies wait to be delivered.
type outgoing struct {
	j       job
	ctx     context.Context
	cancel  context.CancelFunc
	replies []dialogs.Reply
}

// senders delivers replies apart from the workers, so that a worker goes on
// to its next event while the platform's API answers: the workers do the
// conversation's work, and many replies are on their way at once. A
// person's replies leave in the order of their events: while one is on its
// way, the person's next wait behind it (sending).
type senders struct {
	sendMu sync.Mutex
	// sending holds, for each person with replies on their way, those
	// replies in order; the first is being delivered.
	sending map[string][]*outgoing
	// slots bounds the replies on their way or waiting behind a person's
	// (DispatcherConfig.Sending): a worker waits for a slot.
	slots chan struct{}
}

// send hands o's replies over for delivery, waiting while Sending replies
// are on their way already. At shutdown, once Close has given up, the
// event is counted lost instead.
func (d *Dispatcher) send(o *outgoing) {
	select {
	case d.slots <- struct{}{}:
	default:
		if w := o.j.waitingToSend; w != nil {
			w.Store(true)
			defer w.Store(false)
		}
		select {
		case d.slots <- struct{}{}:
		case <-d.baseCtx.Done():
			o.cancel()
			d.lose(o.j)
			return
		}
	}
	person := o.j.ev.Input.Person
	d.sendMu.Lock()
	list, busy := d.sending[person]
	d.sending[person] = append(list, o)
	if !busy {
		d.wg.Add(1)
		gopool.Go(func() { d.sendAll(person) })
	}
	d.sendMu.Unlock()
}

// sendAll delivers a person's replies in order until none wait, then ends.
// send started it with the person's first; it alone removes entries from
// the person's list (or Close, giving up: loseSending).
func (d *Dispatcher) sendAll(person string) {
	defer d.wg.Done()
	d.sendMu.Lock()
	o := d.sending[person][0]
	d.sendMu.Unlock()
	for {
		done := d.deliver(o)
		o.cancel()
		<-d.slots
		if done && o.j.done != nil {
			o.j.done()
		}

		d.sendMu.Lock()
		list := d.sending[person]
		if len(list) == 0 || list[0] != o {
			// Close gave up on it and counted it (loseSending).
			d.sendMu.Unlock()
			return
		}
		if len(list) == 1 {
			delete(d.sending, person)
			d.sendMu.Unlock()
			return
		}
		list[0] = nil
		d.sending[person] = list[1:]
		o = list[1]
		d.sendMu.Unlock()
	}
}

// deliver sends o's replies through its channel and counts the outcome. It
// reports whether the event is done with: false when it was given up at
// shutdown.
func (d *Dispatcher) deliver(o *outgoing) (done bool) {
	j, ctx := o.j, o.ctx
	name := j.ch.Name()
	if ctx.Err() != nil {
		// No call is made with a context that has ended.
		if d.baseCtx.Err() != nil {
			d.lose(j)
			return false
		}
		d.cfg.Metrics.Reply(name, "lost")
		d.cfg.Metrics.TurnFailure(CauseDeliver)
		d.cfg.Logger.Warn("replies lost: the event's time ran out before delivery", "channel", name, "type", j.ev.Type)
		return true
	}
	if j.done != nil && d.sentBefore(ctx, j) {
		return true
	}
	var err error
	if !d.guard(j, "deliver", func() { err = j.ch.Deliver(ctx, j.ev, o.replies) }) {
		// Counted as a panic already.
		d.cfg.Metrics.Reply(name, "lost")
		return true
	}
	switch {
	case errors.Is(err, ErrDeliveryUnknown):
		// The channel counted it "unknown": it may have arrived, and is
		// not sent again.
		d.cfg.Logger.Info("replies may have arrived: a call went unanswered; not sent again", "channel", name, "type", j.ev.Type, "err", err)
	case err != nil && d.baseCtx.Err() != nil:
		// Close gave up waiting and cancelled the call.
		d.lose(j)
		return false
	case err != nil:
		d.cfg.Metrics.Reply(name, "lost")
		d.cfg.Metrics.TurnFailure(CauseDeliver)
		d.cfg.Logger.Warn("replies lost", "channel", name, "type", j.ev.Type, "err", err)
	default:
		d.cfg.Metrics.ReplySeconds(name, time.Since(j.received).Seconds())
	}
	return true
}

// oldestSending is the time since the oldest event whose replies are on
// their way or waiting arrived (0 when none).
func (d *Dispatcher) oldestSending(now time.Time) time.Duration {
	d.sendMu.Lock()
	defer d.sendMu.Unlock()
	var oldest time.Duration
	for _, list := range d.sending {
		if len(list) > 0 {
			oldest = max(oldest, now.Sub(list[0].j.received))
		}
	}
	return oldest
}

// loseSending counts, when Close gives up, the events whose replies were
// still on their way or waiting.
func (d *Dispatcher) loseSending() {
	d.sendMu.Lock()
	defer d.sendMu.Unlock()
	for _, list := range d.sending {
		for _, o := range list {
			d.lose(o.j)
		}
	}
	clear(d.sending)
}
