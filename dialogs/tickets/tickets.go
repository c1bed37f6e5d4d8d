// Package tickets is the handoff desk's record: a ticket carries the context
// of a conversation to the hotline operator who picks it up, so nobody has
// to repeat themselves. It holds only masked numbers and a keyed hash of the
// ID, never a full ID or card number.
//
// tickets must not import a storage driver: stores live in bot/sqlstore;
// MemoryStore here is the in-process implementation and the tests' fake.
package tickets

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Status is where a ticket is in its life.
type Status string

// The statuses, in order.
const (
	StatusOpen    Status = "open"
	StatusClaimed Status = "claimed"
	StatusClosed  Status = "closed"
)

// Turn is one line of the conversation, numbers masked.
type Turn struct {
	At   time.Time `json:"at"`
	From string    `json:"from"` // "person" or "bot"
	Text string    `json:"text"`
}

// Ticket is one handoff.
type Ticket struct {
	Ref      string `json:"ref"`
	Channel  string `json:"channel"`
	Lang     string `json:"lang"`
	Reason   string `json:"reason"`
	County   string `json:"county,omitempty"`
	Line     string `json:"line"`
	MaskedID string `json:"masked_id,omitempty"`
	IDHash   string `json:"id_hash,omitempty"`
	// IDHashKey is the id of the hash key that made IDHash (KeyID); empty
	// for tickets from before key ids.
	IDHashKey string `json:"id_hash_key,omitempty"`
	Turns     []Turn `json:"turns"`
	Status    Status `json:"status"`
	ClaimedBy string `json:"claimed_by,omitempty"`
	// ClaimedAt is when it was last claimed; zero while nobody has.
	ClaimedAt time.Time `json:"claimed_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	// Callback is set when the person asked to be called back.
	Callback *Callback `json:"callback,omitempty"`
}

// Filter selects tickets; empty fields match everything.
type Filter struct {
	Status Status
	Line   string
	IDHash string
	// IDHashes, when not empty, selects tickets whose hash is any of them:
	// an ID's hashes under the current and the old keys (Hasher.Hashes).
	IDHashes []string
	// Since, when not zero, selects tickets created at or after it.
	Since time.Time
	// Limit caps the result (100 when 0).
	Limit int
}

// Errors of a Store.
var (
	ErrNotFound = errors.New("tickets: not found")
	ErrConflict = errors.New("tickets: reference already used")
	ErrState    = errors.New("tickets: not allowed in this status")
)

// Store keeps tickets. Every implementation passes ticketstest.Run.
type Store interface {
	Create(ctx context.Context, t *Ticket) error
	Get(ctx context.Context, ref string) (*Ticket, error)
	// List returns matching tickets, newest first.
	List(ctx context.Context, f Filter) ([]*Ticket, error)
	// Claim moves an open ticket to claimed by an operator.
	Claim(ctx context.Context, ref, by string, at time.Time) (*Ticket, error)
	// Release gives a claimed ticket back to the queue: open, nobody's.
	Release(ctx context.Context, ref string, at time.Time) (*Ticket, error)
	// Finish closes an open or claimed ticket and erases its call-back.
	Finish(ctx context.Context, ref string, at time.Time) (*Ticket, error)
	// SetCallback records a call-back request on a ticket that is not closed.
	SetCallback(ctx context.Context, ref string, cb Callback) error
	// PurgeCallbacks erases the call-backs of tickets created before t and
	// returns how many it erased.
	PurgeCallbacks(ctx context.Context, before time.Time) (int, error)
	// Purge deletes the closed tickets closed before t (the retention job)
	// and returns how many it deleted; open and claimed tickets stay.
	Purge(ctx context.Context, closedBefore time.Time) (int, error)
}

// refAlphabet has no characters that are easy to confuse when read aloud or
// written down: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
const refAlphabet = "ACDEFGHJKMNPQRTUVWXY34679"

// NewRef returns a reference such as "K7M-42Q" from random bytes of r
// (crypto/rand when nil).
func NewRef(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [6]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", err
	}
	var out strings.Builder
	for i, x := range b {
		if i == 3 {
			out.WriteByte('-')
		}
		out.WriteByte(refAlphabet[int(x)%len(refAlphabet)])
	}
	return out.String(), nil
}

// NormalizeRef folds what an operator types ("k7m 42q") to the stored form.
func NormalizeRef(s string) string {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s))
	if len(s) != 6 {
		return s
	}
	return s[:3] + "-" + s[3:]
}

// Hasher computes the keyed hash of an ID number (HMAC-SHA256), so staff
// can match a caller who reads out their number without the number being
// stored. It hashes with its current key; older keys, kept through a
// rotation, still find the tickets they hashed (Hashes).
type Hasher struct {
	keys []hashKey // the current key first
}

type hashKey struct {
	id  string
	key []byte
}

// NewHasher returns a Hasher that hashes with key and also finds what the
// old keys hashed; a key shorter than 16 bytes is refused.
func NewHasher(key []byte, old ...[]byte) (*Hasher, error) {
	h := &Hasher{}
	for i, k := range append([][]byte{key}, old...) {
		if len(k) < 16 {
			if i == 0 {
				return nil, errors.New("tickets: hash key must be at least 16 bytes")
			}
			return nil, fmt.Errorf("tickets: old hash key %d must be at least 16 bytes", i)
		}
		h.keys = append(h.keys, hashKey{id: KeyID(k), key: append([]byte(nil), k...)})
	}
	return h, nil
}

// Hash returns the hex HMAC-SHA256 of a normalised ID number under the
// current key.
func (h *Hasher) Hash(id string) string { return hmacHex(h.keys[0].key, id) }

// KeyID is the id of the key Hash uses, which tickets record (IDHashKey).
func (h *Hasher) KeyID() string { return h.keys[0].id }

// Hashes returns the hash of id under every key, the current key's first:
// the values a ticket of that person may carry.
func (h *Hasher) Hashes(id string) []string {
	out := make([]string, 0, len(h.keys))
	for _, k := range h.keys {
		if v := hmacHex(k.key, id); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// KeyIDs returns the ids of the current key and then the old ones.
func (h *Hasher) KeyIDs() []string {
	var out []string
	for _, k := range h.keys {
		out = append(out, k.id)
	}
	return out
}

func hmacHex(key []byte, s string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

// KeyID names a key without revealing it: the first 8 hex digits of the
// HMAC-SHA256 of a fixed text under the key. Tickets record it to say
// which key hashed their ID or sealed their call-back number, and start-up
// logs it, so the same key has the same id everywhere and nobody has to
// number keys by hand.
func KeyID(key []byte) string { return hmacHex(key, "vaxbot key id")[:8] }

// SplitKeys splits a comma-separated list of keys (VAXBOT_HASH_KEYS_OLD,
// VAXBOT_DATA_KEYS_OLD), dropping spaces around them and empty entries.
func SplitKeys(list string) []string {
	var out []string
	for _, k := range strings.Split(list, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// StampKeys wraps s so that the tickets created through it record the id
// of the hash key (when they carry an ID hash) and the call-backs set
// through it record the id of the data key that sealed them, unless
// already set. The conversation hashes and seals with the current keys,
// and its store is wrapped with their ids.
func StampKeys(s Store, hashKeyID, dataKeyID string) Store {
	return stamped{Store: s, hashKeyID: hashKeyID, dataKeyID: dataKeyID}
}

type stamped struct {
	Store
	hashKeyID, dataKeyID string
}

func (s stamped) Create(ctx context.Context, t *Ticket) error {
	if t.IDHash != "" && t.IDHashKey == "" {
		c := *t
		c.IDHashKey = s.hashKeyID
		t = &c
	}
	if t.Callback != nil && t.Callback.Sealed != "" && t.Callback.KeyID == "" {
		c, cb := *t, *t.Callback
		cb.KeyID = s.dataKeyID
		c.Callback = &cb
		t = &c
	}
	return s.Store.Create(ctx, t)
}

func (s stamped) SetCallback(ctx context.Context, ref string, cb Callback) error {
	if cb.Sealed != "" && cb.KeyID == "" {
		cb.KeyID = s.dataKeyID
	}
	return s.Store.SetCallback(ctx, ref, cb)
}

// MemoryStore is a Store in memory.
type MemoryStore struct {
	mu sync.Mutex
	m  map[string]Ticket
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{m: map[string]Ticket{}} }

func clone(t Ticket) *Ticket {
	t.Turns = append([]Turn(nil), t.Turns...)
	if t.Callback != nil {
		cb := *t.Callback
		t.Callback = &cb
	}
	return &t
}

// Create implements Store.
func (s *MemoryStore) Create(_ context.Context, t *Ticket) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[t.Ref]; ok {
		return ErrConflict
	}
	s.m[t.Ref] = *clone(*t)
	return nil
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, ref string) (*Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[ref]
	if !ok {
		return nil, ErrNotFound
	}
	return clone(t), nil
}

// List implements Store.
func (s *MemoryStore) List(_ context.Context, f Filter) ([]*Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Ticket
	for _, t := range s.m {
		if (f.Status == "" || t.Status == f.Status) && (f.Line == "" || t.Line == f.Line) && (f.IDHash == "" || t.IDHash == f.IDHash) &&
			(len(f.IDHashes) == 0 || slices.Contains(f.IDHashes, t.IDHash)) && (f.Since.IsZero() || !t.CreatedAt.Before(f.Since)) {
			out = append(out, clone(t))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].Ref < out[j].Ref
	})
	if limit := f.EffectiveLimit(); len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// EffectiveLimit returns the filter's limit, with the default applied.
func (f Filter) EffectiveLimit() int {
	if f.Limit <= 0 {
		return 100
	}
	return f.Limit
}

// Claim implements Store.
func (s *MemoryStore) Claim(_ context.Context, ref, by string, at time.Time) (*Ticket, error) {
	return s.update(ref, func(t *Ticket) error {
		if t.Status != StatusOpen {
			return ErrState
		}
		t.Status, t.ClaimedBy, t.UpdatedAt, t.ClaimedAt = StatusClaimed, by, at, at
		return nil
	})
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, ref string, at time.Time) (*Ticket, error) {
	return s.update(ref, func(t *Ticket) error {
		if t.Status != StatusClaimed {
			return ErrState
		}
		t.Status, t.ClaimedBy, t.UpdatedAt = StatusOpen, "", at
		return nil
	})
}

// Finish implements Store.
func (s *MemoryStore) Finish(_ context.Context, ref string, at time.Time) (*Ticket, error) {
	return s.update(ref, func(t *Ticket) error {
		if t.Status == StatusClosed {
			return ErrState
		}
		t.Status, t.UpdatedAt, t.ClosedAt, t.Callback = StatusClosed, at, at, nil
		return nil
	})
}

// SetCallback implements Store.
func (s *MemoryStore) SetCallback(_ context.Context, ref string, cb Callback) error {
	_, err := s.update(ref, func(t *Ticket) error {
		if t.Status == StatusClosed {
			return ErrState
		}
		t.Callback = &cb
		return nil
	})
	return err
}

// PurgeCallbacks implements Store.
func (s *MemoryStore) PurgeCallbacks(_ context.Context, before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for ref, t := range s.m {
		if t.Callback != nil && t.CreatedAt.Before(before) {
			t.Callback = nil
			s.m[ref] = t
			n++
		}
	}
	return n, nil
}

// Purge implements Store.
func (s *MemoryStore) Purge(_ context.Context, closedBefore time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for ref, t := range s.m {
		if t.Status == StatusClosed && t.ClosedAt.Before(closedBefore) {
			delete(s.m, ref)
			n++
		}
	}
	return n, nil
}

func (s *MemoryStore) update(ref string, f func(*Ticket) error) (*Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[ref]
	if !ok {
		return nil, ErrNotFound
	}
	if err := f(&t); err != nil {
		return nil, err
	}
	s.m[ref] = t
	return clone(t), nil
}
