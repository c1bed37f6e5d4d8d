package dialogs

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// Node is where a person is in the conversation.
type Node string

// The nodes of the conversation.
const (
	NodeMenu          Node = ""                 // idle: menu, free questions
	NodeVerifyID      Node = "verify_id"        // waiting for the ID number
	NodeVerifyConfirm Node = "verify_confirm"   // waiting for "yes, that is my number"
	NodeVerifyCard    Node = "verify_card"      // waiting for the card number
	NodeCounty        Node = "county"           // waiting for the county of a handoff
	NodeCallbackAsk   Node = "callback_consent" // waiting for consent to keep a phone number
	NodeCallbackPhone Node = "callback_phone"   // waiting for the phone number
	NodeCallbackTime  Node = "callback_time"    // waiting for the preferred time
)

// Session is one person's conversation state. It is plain data so that any
// Store can keep it (go-cache in memory, Redis as JSON).
type Session struct {
	Person string `json:"person"`
	Node   Node   `json:"node,omitempty"`
	Lang   Lang   `json:"lang"`
	// ID and Card are the numbers typed during the check; they are wiped as
	// soon as the result is shown or the form ends.
	ID   string `json:"id,omitempty"`
	Card string `json:"card,omitempty"`
	// Invalid counts invalid entries in a row in the form.
	Invalid int `json:"invalid,omitempty"`
	// Misses counts free-text questions in a row that matched nothing.
	Misses int `json:"misses,omitempty"`
	// Mismatches counts checks in a row that ended in "mismatch".
	Mismatches int `json:"mismatches,omitempty"`
	// Pending is the reason of a handoff waiting for the county.
	Pending string `json:"pending,omitempty"`
	// Topic is the QA item last answered, so a handoff can say what the
	// person was asking about.
	Topic string `json:"topic,omitempty"`
	// LangSet is true once the person chose a language; until then the
	// language follows what they write.
	LangSet bool `json:"lang_set,omitempty"`
	// MaskedID and IDHash stand for the last ID the person confirmed, for a
	// ticket: the display form and the keyed hash, never the number.
	MaskedID string `json:"masked_id,omitempty"`
	IDHash   string `json:"id_hash,omitempty"`
	// LastTicket is the reference of the last ticket opened for the person.
	LastTicket string `json:"last_ticket,omitempty"`
	// Phone is a call-back number being collected; wiped once stored.
	Phone string `json:"phone,omitempty"`
	// History is the last few turns, numbers masked, for a ticket.
	History []tickets.Turn `json:"history,omitempty"`
	// Created and Updated are when the session started and last changed.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// wipeNumbers forgets the typed numbers and the form's counters.
func (s *Session) wipeNumbers() {
	s.ID, s.Card, s.Invalid = "", "", 0
}

// Store keeps sessions by person. Get returns (nil, nil) when there is none.
type Store interface {
	Get(ctx context.Context, person string) (*Session, error)
	Put(ctx context.Context, s *Session) error
	Delete(ctx context.Context, person string) error
}

// DefaultIdle is how long a session lives without activity.
const DefaultIdle = 15 * time.Minute

// MemoryStore is the embedded Store: sessions in go-cache, each expiring
// after the idle time since its last Put.
type MemoryStore struct {
	c    *cache.Cache
	idle time.Duration
}

// NewMemoryStore returns a store whose sessions expire after idle (DefaultIdle
// when idle ≤ 0).
func NewMemoryStore(idle time.Duration) *MemoryStore {
	if idle <= 0 {
		idle = DefaultIdle
	}
	return &MemoryStore{c: cache.New(idle, idle), idle: idle}
}

// Get returns a copy of the person's session, or nil when there is none.
func (m *MemoryStore) Get(_ context.Context, person string) (*Session, error) {
	v, ok := m.c.Get(person)
	if !ok {
		return nil, nil
	}
	s, ok := v.(Session)
	if !ok {
		return nil, fmt.Errorf("dialogs: memory store: unexpected value %T", v)
	}
	return &s, nil
}

// Put stores a copy of s and restarts its idle expiry.
func (m *MemoryStore) Put(_ context.Context, s *Session) error {
	m.c.Set(s.Person, *s, cache.DefaultExpiration)
	return nil
}

// Delete forgets the person's session.
func (m *MemoryStore) Delete(_ context.Context, person string) error {
	m.c.Delete(person)
	return nil
}

// Len reports how many sessions are held (expired ones may linger until the
// janitor runs).
func (m *MemoryStore) Len() int { return m.c.ItemCount() }

// Locker takes a person's lock; unlock releases it.
type Locker interface {
	Lock(ctx context.Context, person string) (unlock func(), err error)
}

// lockShards is how many mutexes serialise people; two people who share a
// shard wait for each other briefly, one person never runs twice at once.
const lockShards = 512

// personLocks serialises the events of one person.
type personLocks struct {
	mu [lockShards]sync.Mutex
}

func (l *personLocks) lock(person string) func() {
	h := fnv.New32a()
	h.Write([]byte(person))
	m := &l.mu[h.Sum32()%lockShards]
	m.Lock()
	return m.Unlock
}

// Conversation runs the engine for many people: it takes the person's lock,
// loads the session, lets the engine handle the input, opens a ticket for a
// handoff, and saves the session, so two quick messages from one person
// never lose an update.
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
	locks  personLocks
}

// NewConversation returns a Conversation over engine and store.
func NewConversation(engine *Engine, store Store) *Conversation {
	return &Conversation{Engine: engine, Store: store}
}

// historyTurns is how many turns a session keeps for a ticket.
const historyTurns = 10

// Handle processes one input and returns the replies to send.
func (c *Conversation) Handle(ctx context.Context, in Input) ([]Reply, error) {
	if in.Person == "" {
		return nil, fmt.Errorf("dialogs: input without a person")
	}
	unlock := c.locks.lock(in.Person)
	defer unlock()
	if c.Locker != nil {
		release, err := c.Locker.Lock(ctx, in.Person)
		if err != nil {
			return nil, fmt.Errorf("dialogs: lock: %w", err)
		}
		defer release()
	}
	s, err := c.Store.Get(ctx, in.Person)
	if err != nil {
		return nil, fmt.Errorf("dialogs: load session: %w", err)
	}
	if s == nil {
		s = &Session{Person: in.Person}
	}
	replies := c.Engine.Handle(ctx, s, in)
	c.remember(s, in, replies)
	if c.Tickets != nil {
		for i := range replies {
			if replies[i].Handoff != nil {
				c.openTicket(ctx, s, &replies[i])
			}
			if replies[i].Callback != nil {
				c.storeCallback(ctx, s, &replies[i])
			}
		}
	}
	for i := range replies {
		// The phone number never leaves for a channel.
		replies[i].Callback = nil
	}
	if err := c.Store.Put(ctx, s); err != nil {
		return replies, fmt.Errorf("dialogs: save session: %w", err)
	}
	return slices.Clip(replies), nil
}

// remember adds the turn to the session's history, numbers masked.
func (c *Conversation) remember(s *Session, in Input, replies []Reply) {
	now := s.Updated
	person := in.Payload
	switch {
	case in.Event != "":
		person = "(" + string(in.Event) + ")"
	case person != "":
		person = "[" + person + "]"
	default:
		person = clip(Redact(in.Text), 200)
	}
	var buf [8]tickets.Turn
	turns := append(buf[:0], tickets.Turn{At: now, From: "person", Text: person})
	for _, r := range replies {
		first, _, _ := strings.Cut(strings.TrimSpace(r.Text), "\n")
		first = clip(first, 120)
		if len(first) < len(r.Text) {
			// A copy: the first line alone, not the whole reply it is cut
			// from, stays in memory with the session.
			first = strings.Clone(first)
		}
		turns = append(turns, tickets.Turn{At: now, From: "bot", Text: first})
	}
	// A new slice of the exact size: a session may wait in memory for a
	// quarter of an hour, and the stored copy must not share it.
	old := s.History[max(0, len(s.History)+len(turns)-historyTurns):]
	turns = turns[max(0, len(turns)-historyTurns):]
	s.History = append(append(make([]tickets.Turn, 0, len(old)+len(turns)), old...), turns...)
}

// openTicket stores the handoff's context and tells the person the
// reference. A failure is logged; the person still gets the line to call.
func (c *Conversation) openTicket(ctx context.Context, s *Session, r *Reply) {
	channel, _, _ := strings.Cut(s.Person, ":")
	now := s.Updated
	t := &tickets.Ticket{
		Channel: channel, Lang: string(s.Lang), Reason: r.Handoff.Reason, County: r.Handoff.County,
		Line: r.Handoff.Line, MaskedID: s.MaskedID, IDHash: s.IDHash, Turns: slices.Clone(s.History),
		Status: tickets.StatusOpen, CreatedAt: now, UpdatedAt: now,
	}
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
		return
	}
	c.Engine.cfg.Observe("ticket", t.Line)
	r.Handoff.Ticket = t.Ref
	s.LastTicket = t.Ref
	r.Text += "\n\n" + c.Engine.cfg.Words.T(s.Lang, "ticket_ref", "ref", t.Ref)
	if c.Sealer != nil {
		r.Choices = append([]Choice{{Label: c.Engine.cfg.Words.T(s.Lang, "choice_callback"), Payload: "callback:start"}}, r.Choices...)
	}
}

// storeCallback seals the phone number into the ticket.
func (c *Conversation) storeCallback(ctx context.Context, s *Session, r *Reply) {
	cb := r.Callback
	err := errors.New("call-back is not configured")
	if c.Sealer != nil {
		var sealed string
		if sealed, err = c.Sealer.Seal(cb.Phone, cb.Ticket); err == nil {
			err = c.Tickets.SetCallback(ctx, cb.Ticket, tickets.Callback{
				Sealed: sealed, Masked: cb.Masked, When: cb.When, ConsentAt: s.Updated,
			})
		}
	}
	if err != nil {
		c.Engine.cfg.Logger.Error("call-back not stored", "err", err)
		r.Text = c.Engine.cfg.Words.T(s.Lang, "callback_failed")
		return
	}
	c.Engine.cfg.Observe("callback", "")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
