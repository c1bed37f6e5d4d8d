package dialogs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// Conversation runs the engine for many people: it takes the person's lock,
// loads the session, lets the engine handle the input, acts on the side
// effects the replies carry (a ticket to open, a call-back to store), and
// saves the session, so two quick messages from one person never lose an
// update.
//
// It is also the one place of the failure policy: whatever fails on the way
// (the lock, the session store, a ticket, a panic), the person gets one
// short apology with the 1922 line in their language, never silence, and
// the failure is counted ("turn_failure" to Config.Observe, with its cause).
type Conversation struct {
	Engine *Engine
	Store  Store
	// Tickets, when set, receives a ticket for every handoff, and the reply
	// gives the person its reference.
	Tickets tickets.Store
	// Rand is the source of ticket references (crypto/rand when nil).
	Rand io.Reader
	// Sealer, when set with Tickets, lets people leave a phone number for a
	// call-back, stored sealed in their ticket.
	Sealer *tickets.Sealer
	// Locker, when set, serialises a person's events across processes (a
	// shared store); without it a lock in this process does.
	Locker Locker
	// TicketTimeout bounds each ticket write (DefaultTicketTimeout when 0):
	// a database that hangs costs the person a few seconds, not the reply.
	TicketTimeout time.Duration
	locks         personLocks
}

// DefaultTicketTimeout is how long a ticket write may take.
const DefaultTicketTimeout = 3 * time.Second

// TicketMergeWindow is how long a person's ticket takes in their repeated
// handoffs for the same line and reason (taps on "talk to 1922", refused
// checks): one ticket and one notification, not one each.
const TicketMergeWindow = 30 * time.Minute

// Causes of a failed turn, as counted.
const (
	CauseLock   = "lock"
	CauseStore  = "store"
	CauseTicket = "ticket"
	CausePanic  = "panic"
	// CauseRegistry: the record service failed; the engine says so and
	// hands the person to 1922 (counted by the engine, not here).
	CauseRegistry = "registry"
)

// NewConversation returns a Conversation over engine and store.
func NewConversation(engine *Engine, store Store) *Conversation {
	return &Conversation{Engine: engine, Store: store}
}

// historyTurns is how many turns a session keeps for a ticket.
const historyTurns = 10

// Handle processes one input and returns the replies to send. When
// something fails it still returns replies (the apology) together with the
// error, which says what failed and never holds a number.
func (c *Conversation) Handle(ctx context.Context, in Input) (replies []Reply, err error) {
	if in.Person == "" {
		return nil, fmt.Errorf("dialogs: input without a person")
	}
	lang := c.Engine.inputLang(nil, in)
	defer func() {
		if p := recover(); p != nil {
			// The panic's value may quote what the person typed: log its
			// type and the stack, never the value.
			c.Engine.cfg.Logger.Error("conversation panicked", "panic_type", fmt.Sprintf("%T", p), "stack", string(debug.Stack()))
			replies, err = c.fail(lang, CausePanic), errors.New("dialogs: the conversation panicked")
		}
	}()
	if in.Shared {
		// No session for a shared chat: nothing is remembered of it, and
		// nobody can continue somebody else's form.
		return c.Engine.sharedNote(in, lang), nil
	}
	unlock := c.locks.lock(in.Person)
	defer unlock()
	s, save, release, err := c.load(ctx, in.Person)
	if err != nil {
		cause := CauseLock
		if errors.Is(err, ErrSessionLoad) {
			cause = CauseStore
		}
		return c.fail(lang, cause), err
	}
	defer release()
	if s == nil {
		s = &Session{Person: in.Person}
	}
	replies = c.Engine.handle(ctx, s, in, handleOptions{callbacks: c.Sealer != nil && c.Tickets != nil})
	var ticketErr error
	for i := range replies {
		if replies[i].Handoff != nil && c.Tickets != nil {
			if err := c.openTicket(ctx, s, &replies[i]); err != nil {
				ticketErr = err
			}
		}
		if cb := replies[i].Callback; cb != nil {
			c.storeCallback(ctx, s, &replies[i])
		}
		// The phone number never leaves for a channel.
		replies[i].Callback = nil
	}
	c.remember(s, in, replies)
	if err := save(ctx, s); err != nil {
		// The turn is not saved: what it said would not hold on the next
		// message. Say so rather than pretend.
		return c.fail(s.Lang, CauseStore), fmt.Errorf("dialogs: save session: %w", err)
	}
	if ticketErr != nil {
		return slices.Clip(replies), ticketErr
	}
	return slices.Clip(replies), nil
}

// load takes the person's lock (Locker, or the Store's own when it is a
// LockingStore) and loads their session. save stores the session (and,
// with a LockingStore, lets the lock go in the same round trip); release,
// which the caller defers, lets the lock go if it is still held, so that a
// turn that ends early (a failure, a panic) does not keep it. The error
// wraps ErrSessionLoad when the lock was taken but the session could not
// be read.
func (c *Conversation) load(ctx context.Context, person string) (s *Session, save func(context.Context, *Session) error, release func(), err error) {
	if ls, ok := c.Store.(LockingStore); ok && c.Locker == nil {
		s, held, err := ls.LockGet(ctx, person)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("dialogs: lock and load session: %w", err)
		}
		released := false
		save = func(ctx context.Context, s *Session) error {
			if err := held.PutUnlock(ctx, s); err != nil {
				return err
			}
			released = true
			return nil
		}
		return s, save, func() {
			if !released {
				held.Unlock()
			}
		}, nil
	}
	release = func() {}
	if c.Locker != nil {
		if release, err = c.Locker.Lock(ctx, person); err != nil {
			return nil, nil, nil, fmt.Errorf("dialogs: lock: %w", err)
		}
	}
	if s, err = c.Store.Get(ctx, person); err != nil {
		release()
		return nil, nil, nil, fmt.Errorf("%w: %w", ErrSessionLoad, err)
	}
	return s, c.Store.Put, release, nil
}

// Apology is what the person who sent in hears when their message could
// not be handled at all (for a dispatcher that caught a failure outside
// Handle): the apology with the 1922 line, in the language of in's hint.
func (c *Conversation) Apology(in Input) []Reply {
	return c.Engine.Apology(c.Engine.inputLang(nil, in))
}

// fail counts a failed turn and returns the apology.
func (c *Conversation) fail(lang Lang, cause string) []Reply {
	c.Engine.cfg.Observe("turn_failure", cause)
	return c.Engine.Apology(lang)
}

// remember adds the turn to the session's history, numbers masked.
func (c *Conversation) remember(s *Session, in Input, replies []Reply) {
	now := s.Updated
	person := in.Payload
	switch {
	case in.Event != "":
		person = "(" + string(in.Event) + ")"
	case in.Keys != "":
		person = "[keys " + clip(Redact(in.Keys), 40) + "]"
	case person != "":
		// Masked too: a payload comes from the platform as any client
		// sends it (Telegram's callback data can be anything).
		person = "[" + clip(Redact(person), 64) + "]"
	default:
		person = clip(Redact(in.Text), 200)
	}
	at := now.UnixMilli()
	var buf [8]Turn
	turns := append(buf[:0], Turn{At: at, From: "person", Text: person})
	for _, r := range replies {
		// Only the first line of a reply is kept. The session is encoded
		// once the turn is over (every Store keeps encodings), where the
		// lines most sessions share are written as a number (lineTable):
		// no copy of the line is made here.
		first, _, _ := strings.Cut(strings.TrimSpace(r.Text), "\n")
		turns = append(turns, Turn{At: at, From: "bot", Text: clip(first, 120)})
	}
	// A new slice of the exact size: a session may wait in memory for a
	// quarter of an hour, and the stored copy must not share it.
	old := s.History[max(0, len(s.History)+len(turns)-historyTurns):]
	turns = turns[max(0, len(turns)-historyTurns):]
	s.History = append(append(make([]Turn, 0, len(old)+len(turns)), old...), turns...)
}

func (c *Conversation) ticketTimeout() time.Duration {
	if c.TicketTimeout > 0 {
		return c.TicketTimeout
	}
	return DefaultTicketTimeout
}

// openTicket stores the handoff's context and lets the engine tell the
// person the reference. When the store fails (or takes longer than the
// bound) the person still gets the line to call, with an apology instead of
// a reference.
func (c *Conversation) openTicket(ctx context.Context, s *Session, r *Reply) error {
	channel, _, _ := strings.Cut(s.Person, ":")
	now := s.Updated
	if s.LastTicket != "" && s.TicketLine == r.Handoff.Line && s.TicketReason == r.Handoff.Reason &&
		now.Sub(s.TicketAt) < TicketMergeWindow {
		// The same request again: the same ticket, no new notification.
		c.Engine.cfg.Observe("ticket_merged", r.Handoff.Line)
		c.Engine.ticketOpened(s, r, s.LastTicket, c.Sealer != nil)
		return nil
	}
	t := &tickets.Ticket{
		Channel: channel, Lang: string(s.Lang), Reason: r.Handoff.Reason, County: r.Handoff.County,
		Line: r.Handoff.Line, MaskedID: s.MaskedID, IDHash: s.IDHash, Turns: ticketTurns(s.History),
		Status: tickets.StatusOpen, CreatedAt: now, UpdatedAt: now,
	}
	ctx, cancel := context.WithTimeout(ctx, c.ticketTimeout())
	defer cancel()
	var err error
	for range 3 { // a clash of references is rare; try again
		if t.Ref, err = tickets.NewRef(c.Rand); err != nil {
			break
		}
		if err = c.Tickets.Create(ctx, t); !errors.Is(err, tickets.ErrConflict) {
			break
		}
	}
	if err != nil {
		c.Engine.cfg.Logger.Error("ticket not opened", "line", t.Line, "reason", t.Reason, "err", err)
		c.Engine.cfg.Observe("turn_failure", CauseTicket)
		c.Engine.ticketFailed(s, r)
		return fmt.Errorf("dialogs: open ticket: %w", err)
	}
	c.Engine.cfg.Observe("ticket", t.Line)
	s.TicketLine, s.TicketReason, s.TicketAt = t.Line, t.Reason, now
	c.Engine.ticketOpened(s, r, t.Ref, c.Sealer != nil)
	return nil
}

// storeCallback seals the phone number into the ticket.
func (c *Conversation) storeCallback(ctx context.Context, s *Session, r *Reply) {
	cb := r.Callback
	err := errors.New("call-back is not configured")
	if c.Sealer != nil && c.Tickets != nil {
		var sealed string
		if sealed, err = c.Sealer.Seal(cb.Phone, cb.Ticket); err == nil {
			ctx, cancel := context.WithTimeout(ctx, c.ticketTimeout())
			err = c.Tickets.SetCallback(ctx, cb.Ticket, tickets.Callback{
				Sealed: sealed, Masked: cb.Masked, When: cb.When, ConsentAt: s.Updated,
			})
			cancel()
		}
	}
	if err != nil {
		c.Engine.cfg.Logger.Error("call-back not stored", "err", err)
		c.Engine.cfg.Observe("turn_failure", CauseTicket)
		c.Engine.callbackFailed(s, r)
		return
	}
	c.Engine.cfg.Observe("callback", "")
}

// clip returns s when it has at most n characters, and otherwise its
// first n-1 and "…"; s is copied only when cut.
func clip(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for range n - 1 {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	return s[:cut] + "…"
}
