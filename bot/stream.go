package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
)

// Stream is a durable intake that replicas share (bot/redisstore's, on a
// Redis Stream). With one, the webhook answers 200 only once its events
// are appended to the stream, and the dispatcher's workers take them from
// it instead of from memory: an event acknowledged to the platform
// survives the process that received it.
//
// A Stream keeps one person's entries in the order they were appended, and
// hands them to one replica at a time; a replica that stops (killed, or
// shut down with entries undone) leaves its entries to the others.
type Stream interface {
	// Append stores one event of person durably, within ctx.
	Append(ctx context.Context, person string, entry []byte) error
	// Consume calls take with the entries this replica is to handle, one
	// person's in order, until ctx ends. take returns once the entry is
	// in the dispatcher's hands (or ctx has ended, with ctx's error); the
	// entry's Done is called once it is handled and its replies delivered.
	Consume(ctx context.Context, take func(ctx context.Context, e StreamEntry) error) error
	// Close gives back the entries taken but not done (another replica
	// handles them), and stops; call it after Consume has returned and
	// the workers are done.
	Close(ctx context.Context) error
}

// AppendNewer is a Stream that also keeps the Deduper's event ids, and can
// remember an event's id and append the event in one step (one round trip
// to Redis instead of two while the platform waits).
type AppendNewer interface {
	// AppendNew remembers key for ttl, as Deduper.Seen does, and appends
	// entry for person unless key was remembered already: then seen is
	// true and nothing is appended. On an error neither may have
	// happened.
	AppendNew(ctx context.Context, key string, ttl time.Duration, person string, entry []byte) (seen bool, err error)
}

// StreamEntry is one entry a Stream hands over.
type StreamEntry struct {
	// Data is what Append was given.
	Data []byte
	// Claimed is set for an entry taken over from a replica that stopped.
	Claimed bool
	// Done acknowledges the entry: it is removed from the stream. It is
	// never called for an entry given up at shutdown, which stays in the
	// stream for another replica.
	Done func()
}

// ReplyCodec is implemented by a channel whose events can wait in a
// Stream: it writes an event's reply context (Event.Reply) as JSON and
// reads it back, in another process if need be.
type ReplyCodec interface {
	EncodeReply(reply any) ([]byte, error)
	DecodeReply(data []byte) (any, error)
}

// streamEvent is an event as it waits in a Stream. It holds what the
// person typed: the Stream seals it and deletes it once it is done.
type streamEvent struct {
	Channel  string          `json:"c"`
	ID       string          `json:"id,omitempty"`
	Type     string          `json:"t"`
	Input    dialogs.Input   `json:"in"`
	At       time.Time       `json:"at,omitzero"`
	Received time.Time       `json:"r"`
	Reply    json.RawMessage `json:"re,omitempty"`
}

// ErrNoCodec is returned by Accept for a channel whose events cannot wait
// in a Stream (it does not implement ReplyCodec).
var ErrNoCodec = errors.New("bot: the channel cannot put its events in the stream")

// encodeEvent writes ev of ch as a stream entry. Errors name the channel,
// never the event's contents.
func encodeEvent(ch Channel, ev Event, received time.Time) ([]byte, error) {
	codec, ok := ch.(ReplyCodec)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoCodec, ch.Name())
	}
	reply, err := codec.EncodeReply(ev.Reply)
	if err != nil {
		return nil, fmt.Errorf("bot: stream: %s reply context: %w", ch.Name(), err)
	}
	b, err := json.Marshal(streamEvent{Channel: ch.Name(), ID: ev.ID, Type: ev.Type, Input: ev.Input, At: ev.At, Received: received, Reply: reply})
	if err != nil {
		return nil, fmt.Errorf("bot: stream: encode %s event: %w", ch.Name(), err)
	}
	return b, nil
}

// errUndecodable marks an entry that cannot be read back (a channel no
// longer enabled, a format from another version): it is counted and
// removed, never retried for ever.
var errUndecodable = errors.New("bot: stream: undecodable entry")

// decodeEvent reads a stream entry back into its channel and event, and
// the time the webhook received it.
func (d *Dispatcher) decodeEvent(data []byte) (Channel, Event, time.Time, error) {
	var se streamEvent
	if err := json.Unmarshal(data, &se); err != nil {
		// json's message may quote the entry: not wrapped.
		return nil, Event{}, time.Time{}, fmt.Errorf("%w: not JSON", errUndecodable)
	}
	ch, ok := d.channels[se.Channel]
	if !ok {
		return nil, Event{}, time.Time{}, fmt.Errorf("%w: channel %q not enabled here", errUndecodable, channelLabel(se.Channel))
	}
	codec, ok := ch.(ReplyCodec)
	if !ok {
		return nil, Event{}, time.Time{}, fmt.Errorf("%w: %s", ErrNoCodec, ch.Name())
	}
	reply, err := codec.DecodeReply(se.Reply)
	if err != nil {
		return ch, Event{}, time.Time{}, fmt.Errorf("%w: %s reply context", errUndecodable, ch.Name())
	}
	return ch, Event{ID: se.ID, Type: se.Type, Input: se.Input, Reply: reply, At: se.At}, se.Received, nil
}

// channelLabel bounds a channel name read from the stream to the names
// served, for logs and metrics.
func channelLabel(name string) string {
	if _, ok := knownChannels[name]; ok {
		return name
	}
	return "none"
}

// Accept hands an event over for handling: with a Stream it is appended
// there within ctx (the webhook answers 200 only after), otherwise queued
// in memory (Enqueue).
func (d *Dispatcher) Accept(ctx context.Context, ch Channel, ev Event) error {
	if d.cfg.Stream == nil {
		return d.Enqueue(ch, ev)
	}
	entry, err := d.streamEntry(ch, ev)
	if err != nil {
		return err
	}
	if err := d.appended(ch.Name(), d.cfg.Stream.Append(ctx, ev.Input.Person, entry)); err != nil {
		return d.Enqueue(ch, ev)
	}
	return nil
}

// Admit takes an event the webhook received: it drops a redelivery (dup,
// by the event's id: Seen) and hands a new event over (Accept). When the
// Stream keeps the event ids too (AppendNewer, with a Deduper), both are one
// call. On an error the event was not taken and its id is forgotten, so
// that the platform may deliver it again.
func (d *Dispatcher) Admit(ctx context.Context, ch Channel, ev Event) (dup bool, err error) {
	name := ch.Name()
	an, ok := d.cfg.Stream.(AppendNewer)
	if ok && d.cfg.Dedupe != nil && ev.ID != "" {
		entry, err := d.streamEntry(ch, ev)
		if err != nil {
			return false, err
		}
		seen, err := an.AppendNew(ctx, name+":"+ev.ID, d.cfg.DedupeFor, ev.Input.Person, entry)
		// On an error the event is taken as new (a rare duplicate reply
		// beats a lost one) and waits in memory.
		d.dedupeResult(name, "seen", err)
		if d.appended(name, err) == nil {
			return seen, nil
		}
		err = d.Enqueue(ch, ev)
	} else {
		if d.Seen(ctx, name, ev.ID) {
			return true, nil
		}
		err = d.Accept(ctx, ch, ev)
	}
	if err != nil {
		d.Forget(ctx, name, ev.ID)
	}
	return false, err
}

// streamEntry encodes ev for the Stream, unless the dispatcher is closed.
func (d *Dispatcher) streamEntry(ch Channel, ev Event) ([]byte, error) {
	d.mu.RLock()
	closed := d.closed
	d.mu.RUnlock()
	if closed {
		return nil, ErrClosed
	}
	return encodeEvent(ch, ev, time.Now())
}

// appended notes how appending to the Stream went, and returns err. When
// it failed (Redis is down) the caller queues the event in memory, as
// without a Stream, so that the person still gets an answer (the apology,
// when the conversation's store is down too); a crash then would lose it.
// The outage is counted and logged once, and its end logged.
func (d *Dispatcher) appended(channel string, err error) error {
	if err != nil {
		d.cfg.Metrics.StreamFallback(channel)
		if d.streamDown.CompareAndSwap(false, true) {
			d.cfg.Logger.Warn("stream: appending failed; events wait in memory until it works again (logged once)",
				"channel", channel, "err", err)
		}
		return err
	}
	if d.streamDown.Load() && d.streamDown.CompareAndSwap(true, false) {
		d.cfg.Logger.Info("stream: appending works again")
	}
	return nil
}

// StreamFallback counts an event that waited in memory because the Stream
// could not take it.
func (m *Metrics) StreamFallback(channel string) {
	m.inc(`vaxbot_stream_fallback_total{channel=%q}`, channel)
}

// Durable reports whether accepted events wait in a Stream rather than in
// this process's memory.
func (d *Dispatcher) Durable() bool { return d.cfg.Stream != nil }

// take is the Stream's consumer: it queues an entry for its person's
// worker, waiting while Queue events wait already (the entry is safe in
// the stream meanwhile), until ctx ends.
func (d *Dispatcher) take(ctx context.Context, e StreamEntry) error {
	ch, ev, received, err := d.decodeEvent(e.Data)
	if err != nil {
		// Nothing of the entry's contents is logged.
		name := "none"
		if ch != nil {
			name = ch.Name()
		}
		d.cfg.Metrics.EventLost(name, "undecodable")
		d.cfg.Logger.Error("stream entry dropped: it cannot be read back", "err", err)
		e.Done()
		return nil
	}
	if e.Claimed {
		d.cfg.Metrics.StreamClaimed(ch.Name())
	}
	j := job{ch: ch, ev: ev, received: received, done: e.Done, claimed: e.Claimed}
	for !d.reserve() {
		// Queue events wait already: this one waits for room, safe in
		// the stream meanwhile.
		select {
		case <-d.room:
		case <-time.After(roomPoll):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// Close closes the lanes under the lock, once ctx has ended: an entry
	// is never pushed to a closed lane.
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		d.queued.Add(-1)
		return ErrClosed
	}
	d.lane(ev.Input.Person).push(j)
	return nil
}

// roomPoll is how often the Stream's consumer looks for room again when a
// worker took an event while another consumer held room's token.
const roomPoll = 10 * time.Millisecond

// consume starts the Stream's consumer, which runs until Close; it
// retries what fails (the Stream logs it) until then.
func (d *Dispatcher) consume() {
	d.channels = make(map[string]Channel, len(d.cfg.Channels))
	for _, ch := range d.cfg.Channels {
		d.channels[ch.Name()] = ch
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.stopConsuming, d.consumed = cancel, make(chan struct{})
	go func() {
		defer close(d.consumed)
		for ctx.Err() == nil {
			if err := d.cfg.Stream.Consume(ctx, d.take); err != nil && ctx.Err() == nil {
				d.cfg.Logger.Error("stream: consumer stopped; starting again in a second", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	}()
}

// streamCloseTimeout bounds handing entries back at shutdown.
const streamCloseTimeout = 400 * time.Millisecond

// closeStream gives the entries not done back to the stream.
func (d *Dispatcher) closeStream(ctx context.Context) {
	// Within the shutdown's bound and its second more, even when ctx
	// has ended: handing entries back takes one round trip or two.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), streamCloseTimeout)
	defer cancel()
	if err := d.cfg.Stream.Close(ctx); err != nil {
		d.cfg.Logger.Warn("stream: closing; entries not done are left for other replicas once idle", "err", err)
	}
}

// StreamClaimed counts an event a replica took over from one that stopped.
func (m *Metrics) StreamClaimed(channel string) {
	m.inc(`vaxbot_stream_claimed_total{channel=%q}`, channel)
}

// StreamReturned counts an event given up at shutdown that stays in the
// Stream for another replica (without a Stream it would be lost).
func (m *Metrics) StreamReturned(channel string) {
	m.inc(`vaxbot_stream_returned_total{channel=%q}`, channel)
}

// sentBefore marks a Stream's event as being delivered, in the shared
// store of event ids, and reports whether a replica that stopped had
// marked it already: then its replies may have arrived, and are not sent
// again (counted "unknown"). A replica killed while it delivered leaves
// the event to another, which handles it again but never says it twice.
func (d *Dispatcher) sentBefore(ctx context.Context, j job) bool {
	if d.cfg.Dedupe == nil || j.ev.ID == "" {
		return false
	}
	name := j.ch.Name()
	seen, err := d.cfg.Dedupe.Seen(ctx, "sent:"+name+":"+j.ev.ID)
	if err != nil || !seen || !j.claimed {
		// A failure of the store sends: a rare second reply beats none.
		return false
	}
	d.cfg.Metrics.Reply(name, "unknown")
	d.cfg.Logger.Info("replies may have arrived: the replica that stopped was sending them; not sent again", "channel", name, "type", j.ev.Type)
	return true
}
