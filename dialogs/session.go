package dialogs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
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
	// TicketLine, TicketReason and TicketAt are that ticket's line,
	// reason and time: a repeated handoff for the same reason soon after
	// gets the same reference instead of a new ticket.
	TicketLine   string    `json:"ticket_line,omitempty"`
	TicketReason string    `json:"ticket_reason,omitempty"`
	TicketAt     time.Time `json:"ticket_at,omitempty"`
	// Phone is a call-back number being collected; wiped once stored.
	Phone string `json:"phone,omitempty"`
	// County is the county code the person named in any message, kept so
	// a handoff to the local government need not ask again.
	County string `json:"county,omitempty"`
	// Voice is the phone line's state of a call; nil in a chat.
	Voice *VoiceState `json:"voice,omitempty"`
	// History is the last few turns, numbers masked, for a ticket.
	History []Turn `json:"history,omitempty"`
	// Created and Updated are when the session started and last changed.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Turn is one turn of a session's history: a tickets.Turn kept smaller
// (its time in Unix milliseconds, not a time.Time), since ten of them wait
// in memory with every session. It is written to and read from JSON as a
// tickets.Turn, so sessions stored before read the same.
type Turn struct {
	At   int64  // Unix milliseconds
	From string // "person" or "bot"
	Text string // numbers masked
}

// Ticket returns the turn as a ticket holds it.
func (t Turn) Ticket() tickets.Turn {
	return tickets.Turn{At: time.UnixMilli(t.At).UTC(), From: t.From, Text: t.Text}
}

// MarshalJSON writes the turn as a tickets.Turn.
func (t Turn) MarshalJSON() ([]byte, error) { return json.Marshal(t.Ticket()) }

// UnmarshalJSON reads a tickets.Turn.
func (t *Turn) UnmarshalJSON(b []byte) error {
	var tt tickets.Turn
	if err := json.Unmarshal(b, &tt); err != nil {
		return err
	}
	*t = Turn{At: tt.At.UnixMilli(), From: tt.From, Text: tt.Text}
	return nil
}

// ticketTurns returns the history as a ticket holds it.
func ticketTurns(h []Turn) []tickets.Turn {
	out := make([]tickets.Turn, len(h))
	for i, t := range h {
		out[i] = t.Ticket()
	}
	return out
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
// after the idle time since its last Put. Each is kept encoded
// (appendStored), without pointers and about a sixth of the size of a
// Session, in chunks shared by many sessions (sessionArena), so that the
// garbage collector does not mark them one by one.
type MemoryStore struct {
	c     *cache.Cache
	arena *sessionArena
}

// NewMemoryStore returns a store whose sessions expire after idle (DefaultIdle
// when idle ≤ 0).
func NewMemoryStore(idle time.Duration) *MemoryStore {
	if idle <= 0 {
		idle = DefaultIdle
	}
	c := cache.New(idle, idle)
	return &MemoryStore{c: c, arena: newSessionArena(c, idle)}
}

// Get returns a copy of the person's session, or nil when there is none.
func (m *MemoryStore) Get(_ context.Context, person string) (*Session, error) {
	v, ok := m.c.Get(person)
	if !ok {
		return nil, nil
	}
	p, ok := v.(*byte)
	if !ok {
		return nil, fmt.Errorf("dialogs: memory store: unexpected value %T", v)
	}
	enc, start := storedSession(p, person)
	s, err := decodeSession(person, enc, start)
	if err != nil {
		return nil, fmt.Errorf("dialogs: memory store: %w", err)
	}
	return s, nil
}

// maxPerson is the longest person id the MemoryStore keeps (a record's
// header holds its length in 16 bits); platform ids are tens of bytes.
const maxPerson = 1<<16 - 1

// Put stores a copy of s and restarts its idle expiry.
func (m *MemoryStore) Put(_ context.Context, s *Session) error {
	if len(s.Person) > maxPerson {
		return fmt.Errorf("dialogs: memory store: a person id of %d bytes", len(s.Person))
	}
	buf := scratch.Get().(*[]byte)
	defer scratch.Put(buf)
	*buf = appendStored((*buf)[:0], s)
	m.arena.put(*buf, s.Person)
	return nil
}

// Delete forgets the person's session.
func (m *MemoryStore) Delete(_ context.Context, person string) error {
	m.arena.delete(person)
	return nil
}

// Len reports how many sessions are held (expired ones may linger until the
// janitor runs).
func (m *MemoryStore) Len() int { return m.c.ItemCount() }

// Locker takes a person's lock; unlock releases it.
type Locker interface {
	Lock(ctx context.Context, person string) (unlock func(), err error)
}

// LockingStore is a Store that takes a person's lock as it loads their
// session and lets it go as it saves it, one round trip each (the Redis
// store: otherwise a lock, a read, a write and an unlock, four). A
// Conversation whose Store has it and whose Locker is nil uses it.
type LockingStore interface {
	Store
	// LockGet waits for the person's lock until ctx ends, then returns
	// their session (nil when none) and the lock it holds. When the lock
	// was taken but the session could not be read, it lets the lock go and
	// the error wraps ErrSessionLoad.
	LockGet(ctx context.Context, person string) (*Session, HeldLock, error)
}

// HeldLock is a person's lock taken by LockingStore.LockGet.
type HeldLock interface {
	// PutUnlock saves s and lets the lock go.
	PutUnlock(ctx context.Context, s *Session) error
	// Unlock lets the lock go without saving.
	Unlock()
}

// ErrSessionLoad is wrapped by LockGet when it took the lock but could not
// read the session.
var ErrSessionLoad = errors.New("dialogs: load session")

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
