package staff

import (
	"context"
	"sort"
	"sync"
	"time"
)

// MemoryStore is a Store in memory.
type MemoryStore struct {
	mu        sync.Mutex
	operators map[string]Operator
	sessions  map[string]Session
	reveals   []Reveal
	notes     []Note
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{operators: map[string]Operator{}, sessions: map[string]Session{}}
}

// AddOperator implements Store.
func (m *MemoryStore) AddOperator(_ context.Context, o Operator) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.operators[o.Name]; ok {
		return ErrExists
	}
	m.operators[o.Name] = o
	return nil
}

// Operator implements Store.
func (m *MemoryStore) Operator(_ context.Context, name string) (*Operator, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.operators[name]
	if !ok {
		return nil, ErrNotFound
	}
	return &o, nil
}

// SetPassword implements Store.
func (m *MemoryStore) SetPassword(_ context.Context, name, hash string, mustChange bool) error {
	return m.updateOperator(name, func(o *Operator) { o.PasswordHash, o.MustChange = hash, mustChange })
}

// SetLang implements Store.
func (m *MemoryStore) SetLang(_ context.Context, name, lang string) error {
	return m.updateOperator(name, func(o *Operator) { o.Lang = lang })
}

func (m *MemoryStore) updateOperator(name string, f func(*Operator)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.operators[name]
	if !ok {
		return ErrNotFound
	}
	f(&o)
	m.operators[name] = o
	return nil
}

// CreateSession implements Store.
func (m *MemoryStore) CreateSession(_ context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[s.TokenHash]; ok {
		return ErrExists
	}
	m.sessions[s.TokenHash] = s
	return nil
}

// Session implements Store.
func (m *MemoryStore) Session(_ context.Context, tokenHash string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[tokenHash]
	if !ok {
		return nil, ErrNotFound
	}
	return &s, nil
}

// TouchSession implements Store.
func (m *MemoryStore) TouchSession(_ context.Context, tokenHash string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[tokenHash]
	if !ok {
		return ErrNotFound
	}
	s.SeenAt = at
	m.sessions[tokenHash] = s
	return nil
}

// DeleteSession implements Store.
func (m *MemoryStore) DeleteSession(_ context.Context, tokenHash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, tokenHash)
	return nil
}

// DeleteSessions implements Store.
func (m *MemoryStore) DeleteSessions(_ context.Context, operator string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, s := range m.sessions {
		if s.Operator == operator {
			delete(m.sessions, k)
		}
	}
	return nil
}

// PurgeSessions implements Store.
func (m *MemoryStore) PurgeSessions(_ context.Context, seenBefore time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, s := range m.sessions {
		if s.SeenAt.Before(seenBefore) {
			delete(m.sessions, k)
			n++
		}
	}
	return n, nil
}

// AddReveal implements Store.
func (m *MemoryStore) AddReveal(_ context.Context, r Reveal) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reveals = append(m.reveals, r)
	return nil
}

// Reveals implements Store.
func (m *MemoryStore) Reveals(_ context.Context, limit int) ([]Reveal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]Reveal(nil), m.reveals...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// AddNote implements Store.
func (m *MemoryStore) AddNote(_ context.Context, n Note) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.notes = append(m.notes, n)
	return nil
}

// Notes implements Store.
func (m *MemoryStore) Notes(_ context.Context, ref string) ([]Note, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Note
	for _, n := range m.notes {
		if n.Ref == ref {
			out = append(out, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}
