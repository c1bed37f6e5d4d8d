package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vaxbot/vaxbot/bot/desk/staff"
)

var _ staff.Store = (*Store)(nil)

// AddOperator implements staff.Store.
func (s *Store) AddOperator(ctx context.Context, o staff.Operator) error {
	if _, err := s.Operator(ctx, o.Name); err == nil {
		return staff.ErrExists
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO desk_operators (name, role, password_hash, must_change, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
		o.Name, string(o.Role), o.PasswordHash, boolInt(o.MustChange), o.Lang, micros(o.CreatedAt))
	if err != nil {
		if _, gerr := s.Operator(ctx, o.Name); gerr == nil {
			return staff.ErrExists
		}
		return fmt.Errorf("sqlstore: add operator: %w", err)
	}
	return nil
}

// Operator implements staff.Store.
func (s *Store) Operator(ctx context.Context, name string) (*staff.Operator, error) {
	var o staff.Operator
	var role string
	var must int
	var created int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT name, role, password_hash, must_change, lang, created_at FROM desk_operators WHERE name = ?`), name).
		Scan(&o.Name, &role, &o.PasswordHash, &must, &o.Lang, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, staff.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: operator: %w", err)
	}
	o.Role, o.MustChange, o.CreatedAt = staff.Role(role), must != 0, fromMicros(created)
	return &o, nil
}

// SetPassword implements staff.Store.
func (s *Store) SetPassword(ctx context.Context, name, hash string, mustChange bool) error {
	return s.exactlyOne(ctx, "set password", `UPDATE desk_operators SET password_hash = ?, must_change = ? WHERE name = ?`, hash, boolInt(mustChange), name)
}

// SetLang implements staff.Store.
func (s *Store) SetLang(ctx context.Context, name, lang string) error {
	return s.exactlyOne(ctx, "set language", `UPDATE desk_operators SET lang = ? WHERE name = ?`, lang, name)
}

// CreateSession implements staff.Store.
func (s *Store) CreateSession(ctx context.Context, ss staff.Session) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO desk_sessions (token_hash, operator, csrf, created_at, seen_at) VALUES (?, ?, ?, ?, ?)`),
		ss.TokenHash, ss.Operator, ss.CSRF, micros(ss.CreatedAt), micros(ss.SeenAt))
	if err != nil {
		return fmt.Errorf("sqlstore: create session: %w", err)
	}
	return nil
}

// Session implements staff.Store.
func (s *Store) Session(ctx context.Context, tokenHash string) (*staff.Session, error) {
	var ss staff.Session
	var created, seen int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT token_hash, operator, csrf, created_at, seen_at FROM desk_sessions WHERE token_hash = ?`), tokenHash).
		Scan(&ss.TokenHash, &ss.Operator, &ss.CSRF, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, staff.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session: %w", err)
	}
	ss.CreatedAt, ss.SeenAt = fromMicros(created), fromMicros(seen)
	return &ss, nil
}

// TouchSession implements staff.Store.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	return s.exactlyOne(ctx, "touch session", `UPDATE desk_sessions SET seen_at = ? WHERE token_hash = ?`, micros(at), tokenHash)
}

// DeleteSession implements staff.Store.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM desk_sessions WHERE token_hash = ?`), tokenHash); err != nil {
		return fmt.Errorf("sqlstore: delete session: %w", err)
	}
	return nil
}

// DeleteSessions implements staff.Store.
func (s *Store) DeleteSessions(ctx context.Context, operator string) error {
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM desk_sessions WHERE operator = ?`), operator); err != nil {
		return fmt.Errorf("sqlstore: delete sessions: %w", err)
	}
	return nil
}

// PurgeSessions implements staff.Store.
func (s *Store) PurgeSessions(ctx context.Context, seenBefore time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM desk_sessions WHERE seen_at < ?`), micros(seenBefore))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge sessions: %w", err)
	}
	return int(n), nil
}

// AddReveal implements staff.Store.
func (s *Store) AddReveal(ctx context.Context, r staff.Reveal) error {
	if _, err := s.db.ExecContext(ctx, s.q(`INSERT INTO desk_reveals (at, operator, ref) VALUES (?, ?, ?)`), micros(r.At), r.Operator, r.Ref); err != nil {
		return fmt.Errorf("sqlstore: add reveal: %w", err)
	}
	return nil
}

// Reveals implements staff.Store.
func (s *Store) Reveals(ctx context.Context, limit int) ([]staff.Reveal, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT at, operator, ref FROM desk_reveals ORDER BY at DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: reveals: %w", err)
	}
	defer rows.Close()
	var out []staff.Reveal
	for rows.Next() {
		var r staff.Reveal
		var at int64
		if err := rows.Scan(&at, &r.Operator, &r.Ref); err != nil {
			return nil, fmt.Errorf("sqlstore: reveals: %w", err)
		}
		r.At = fromMicros(at)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: reveals: %w", err)
	}
	return out, nil
}

// AddNote implements staff.Store.
func (s *Store) AddNote(ctx context.Context, n staff.Note) error {
	if _, err := s.db.ExecContext(ctx, s.q(`INSERT INTO desk_notes (ref, at, operator, kind, text) VALUES (?, ?, ?, ?, ?)`),
		n.Ref, micros(n.At), n.Operator, string(n.Kind), n.Text); err != nil {
		return fmt.Errorf("sqlstore: add note: %w", err)
	}
	return nil
}

// Notes implements staff.Store.
func (s *Store) Notes(ctx context.Context, ref string) ([]staff.Note, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT ref, at, operator, kind, text FROM desk_notes WHERE ref = ? ORDER BY at ASC`), ref)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: notes: %w", err)
	}
	defer rows.Close()
	var out []staff.Note
	for rows.Next() {
		var n staff.Note
		var at int64
		var kind string
		if err := rows.Scan(&n.Ref, &at, &n.Operator, &kind, &n.Text); err != nil {
			return nil, fmt.Errorf("sqlstore: notes: %w", err)
		}
		n.At, n.Kind = fromMicros(at), staff.NoteKind(kind)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: notes: %w", err)
	}
	return out, nil
}

// exactlyOne runs an update that must change one row; none is
// staff.ErrNotFound.
func (s *Store) exactlyOne(ctx context.Context, what, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	if n == 0 {
		return staff.ErrNotFound
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
