// Package sqlstore keeps tickets in SQL: SQLite by default (pure Go, so the
// binary stays static) or PostgreSQL. Both run the same queries through
// database/sql, apply the schema migrations at start-up, and pass the same
// test suite (dialogs/tickets/ticketstest).
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"
)

// Store is a tickets.Store on a SQL database.
type Store struct {
	db       *sql.DB
	postgres bool
	location string // the SQLite file, or the PostgreSQL host:port
	// cancelReminder is prepared once: every follow and start asks it,
	// and parsing the statement each time was half its cost.
	cancelReminder *sql.Stmt
	// reminded holds, for SQLite, every person who may have a reminder
	// row: those the file held when it was opened and those added since.
	// A follow or start of anyone else (nearly everyone) cancels nothing,
	// and asks the database nothing (2 % of the server's CPU under load).
	// It only grows: a person stays in it after the reminder is sent or
	// cancelled, so it never misses a row. SQLite serves one process,
	// whose writes all pass here; PostgreSQL is shared by replicas, and
	// is always asked.
	reminded personSet
}

// personSet is a set of session keys, safe for concurrent use.
type personSet struct {
	mu sync.Mutex
	m  map[string]struct{}
}

// add puts person in the set.
func (p *personSet) add(person string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]struct{}{}
	}
	p.m[person] = struct{}{}
}

// has reports whether person is in the set.
func (p *personSet) has(person string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.m[person]
	return ok
}

// startTimeout bounds connecting, pinging and migrating when a store is
// opened: a server that accepts connections but never answers must fail
// start-up, not hang it. Tests shorten it.
var startTimeout = 10 * time.Second

var _ tickets.Store = (*Store)(nil)

// OpenSQLite opens (creating if needed) the SQLite file tickets.db in dir and
// migrates it.
func OpenSQLite(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: data dir: %w", err)
	}
	path := SQLitePath(dir)
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	// One writer at a time is what SQLite does anyway; a single connection
	// avoids "database is locked" between our own goroutines.
	db.SetMaxOpenConns(1)
	return open(ctx, &Store{db: db, location: path})
}

// SQLitePath is the file of the SQLite ticket database in dir.
func SQLitePath(dir string) string { return filepath.Join(dir, "tickets.db") }

// OpenPostgres connects to url (postgres://… or key=value pairs) and
// migrates the database, within 10 s.
func OpenPostgres(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		// Not wrapped: the parser's message quotes the URL, and hiding its
		// password is best effort.
		return nil, errors.New("sqlstore: the PostgreSQL URL does not parse (want postgres://user@host:5432/db)")
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	return open(ctx, &Store{db: db, postgres: true, location: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))})
}

// open pings and migrates s's database within startTimeout, and closes it
// on failure.
func open(ctx context.Context, s *Store) (*Store, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	err := s.db.PingContext(ctx)
	if err != nil {
		err = fmt.Errorf("sqlstore: connect: %w", err)
	} else if err = s.migrate(ctx); err == nil {
		s.cancelReminder, err = s.db.PrepareContext(ctx, s.q(`DELETE FROM reminders WHERE person = ?`))
		if err != nil {
			err = fmt.Errorf("sqlstore: prepare: %w", err)
		} else if !s.postgres {
			err = s.loadReminded(ctx)
		}
	}
	if err != nil {
		s.db.Close()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w (the database did not answer within %s)", err, startTimeout)
		}
		return nil, err
	}
	return s, nil
}

// Location says where the tickets are, for a start-up log line, without
// credentials: the SQLite file's path, or the PostgreSQL server's
// host:port.
func (s *Store) Location() string { return s.location }

// Postgres reports whether the store is PostgreSQL rather than SQLite.
func (s *Store) Postgres() bool { return s.postgres }

// Close closes the database.
func (s *Store) Close() error {
	if s.cancelReminder != nil {
		s.cancelReminder.Close()
	}
	return s.db.Close()
}

// migrations are applied in order, each once; never edit one that shipped.
var migrations = []string{
	`CREATE TABLE tickets (
		ref TEXT PRIMARY KEY,
		channel TEXT NOT NULL,
		lang TEXT NOT NULL,
		reason TEXT NOT NULL,
		county TEXT NOT NULL DEFAULT '',
		line TEXT NOT NULL,
		masked_id TEXT NOT NULL DEFAULT '',
		id_hash TEXT NOT NULL DEFAULT '',
		turns TEXT NOT NULL DEFAULT '[]',
		status TEXT NOT NULL,
		claimed_by TEXT NOT NULL DEFAULT '',
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL,
		closed_at BIGINT NOT NULL DEFAULT 0
	)`,
	`CREATE INDEX tickets_status_line ON tickets (status, line, created_at)`,
	`CREATE INDEX tickets_id_hash ON tickets (id_hash)`,
	`ALTER TABLE tickets ADD COLUMN callback_sealed TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE tickets ADD COLUMN callback_masked TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE tickets ADD COLUMN callback_when TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE tickets ADD COLUMN callback_at BIGINT NOT NULL DEFAULT 0`,
	`CREATE INDEX tickets_closed_at ON tickets (status, closed_at)`,
	// Key ids (tickets.KeyID): which hash key made id_hash and which data
	// key sealed callback_sealed; '' for rows from before them.
	`ALTER TABLE tickets ADD COLUMN id_hash_key TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE tickets ADD COLUMN callback_key TEXT NOT NULL DEFAULT ''`,
	// When a ticket was last claimed, for the desk's time-to-claim chart.
	`ALTER TABLE tickets ADD COLUMN claimed_at BIGINT NOT NULL DEFAULT 0`,
	`CREATE INDEX tickets_created_at ON tickets (created_at)`,
	// The desk (bot/desk/staff): accounts, sessions (a hash of the
	// cookie's token), the audit of revealed call-back numbers, notes.
	`CREATE TABLE desk_operators (
		name TEXT PRIMARY KEY,
		role TEXT NOT NULL,
		password_hash TEXT NOT NULL,
		must_change INTEGER NOT NULL DEFAULT 1,
		lang TEXT NOT NULL DEFAULT 'zh-TW',
		created_at BIGINT NOT NULL
	)`,
	`CREATE TABLE desk_sessions (
		token_hash TEXT PRIMARY KEY,
		operator TEXT NOT NULL,
		csrf TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		seen_at BIGINT NOT NULL
	)`,
	`CREATE TABLE desk_reveals (at BIGINT NOT NULL, operator TEXT NOT NULL, ref TEXT NOT NULL)`,
	`CREATE INDEX desk_reveals_at ON desk_reveals (at)`,
	`CREATE TABLE desk_notes (ref TEXT NOT NULL, at BIGINT NOT NULL, operator TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL)`,
	`CREATE INDEX desk_notes_ref ON desk_notes (ref, at)`,
	// Votes on QA answers ("Did this help?"), for the desk's charts: no
	// person, no text (tickets.Vote).
	`CREATE TABLE feedback_votes (item TEXT NOT NULL, helpful INTEGER NOT NULL, lang TEXT NOT NULL, channel TEXT NOT NULL, at BIGINT NOT NULL)`,
	`CREATE INDEX feedback_votes_at ON feedback_votes (at)`,
	// Reminders after card_too_new (QA item 6): the platform's key of the
	// person, the time, the language; no numbers (tickets.Reminder).
	`CREATE TABLE reminders (person TEXT PRIMARY KEY, at BIGINT NOT NULL, lang TEXT NOT NULL)`,
	`CREATE INDEX reminders_at ON reminders (at)`,
}

// migrate applies the migrations not yet applied, on one connection: a
// PostgreSQL advisory lock belongs to the session that took it, so the
// unlock must go through the same connection as the lock.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer conn.Close()
	if s.postgres {
		// Two replicas starting together must not both migrate.
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7521021)`); err != nil {
			return fmt.Errorf("sqlstore: migration lock: %w", err)
		}
		defer func() {
			uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := conn.ExecContext(uctx, `SELECT pg_advisory_unlock(7521021)`); err != nil {
				// Drop the connection rather than pool it with the lock held.
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("sqlstore: migrations table: %w", err)
	}
	var current int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("sqlstore: schema version: %w", err)
	}
	for v := current + 1; v <= len(migrations); v++ {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlstore: migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlstore: migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), v, time.Now().Unix()); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlstore: migration %d: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlstore: migration %d: %w", v, err)
		}
	}
	return nil
}

// q rewrites ? placeholders as $1, $2… for PostgreSQL.
func (s *Store) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

const columns = `ref, channel, lang, reason, county, line, masked_id, id_hash, turns, status, claimed_by, created_at, updated_at, closed_at, callback_sealed, callback_masked, callback_when, callback_at, id_hash_key, callback_key, claimed_at`

// Create implements tickets.Store.
func (s *Store) Create(ctx context.Context, t *tickets.Ticket) error {
	turns, err := json.Marshal(t.Turns)
	if err != nil {
		return fmt.Errorf("sqlstore: create: %w", err)
	}
	var cb tickets.Callback
	if t.Callback != nil {
		cb = *t.Callback
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO tickets (`+columns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		t.Ref, t.Channel, t.Lang, t.Reason, t.County, t.Line, t.MaskedID, t.IDHash, string(turns), string(t.Status),
		t.ClaimedBy, micros(t.CreatedAt), micros(t.UpdatedAt), micros(t.ClosedAt), cb.Sealed, cb.Masked, cb.When, micros(cb.ConsentAt),
		t.IDHashKey, cb.KeyID, micros(t.ClaimedAt))
	if err != nil {
		if s.isUniqueViolation(ctx, t.Ref) {
			return tickets.ErrConflict
		}
		return fmt.Errorf("sqlstore: create: %w", err)
	}
	return nil
}

// isUniqueViolation checks, after a failed insert, whether the reference is
// taken: simpler and driver-neutral compared with parsing error codes.
func (s *Store) isUniqueViolation(ctx context.Context, ref string) bool {
	_, err := s.Get(ctx, ref)
	return err == nil
}

type scanner interface{ Scan(dest ...any) error }

func scanTicket(row scanner) (*tickets.Ticket, error) {
	var t tickets.Ticket
	var turns, status string
	var created, updated, closed, consent, claimed int64
	var cb tickets.Callback
	if err := row.Scan(&t.Ref, &t.Channel, &t.Lang, &t.Reason, &t.County, &t.Line, &t.MaskedID, &t.IDHash,
		&turns, &status, &t.ClaimedBy, &created, &updated, &closed, &cb.Sealed, &cb.Masked, &cb.When, &consent, &t.IDHashKey, &cb.KeyID, &claimed); err != nil {
		return nil, err
	}
	if cb.Sealed != "" {
		cb.ConsentAt = fromMicros(consent)
		t.Callback = &cb
	}
	if err := json.Unmarshal([]byte(turns), &t.Turns); err != nil {
		return nil, fmt.Errorf("turns: %w", err)
	}
	t.Status = tickets.Status(status)
	t.CreatedAt, t.UpdatedAt, t.ClosedAt, t.ClaimedAt = fromMicros(created), fromMicros(updated), fromMicros(closed), fromMicros(claimed)
	return &t, nil
}

// Get implements tickets.Store.
func (s *Store) Get(ctx context.Context, ref string) (*tickets.Ticket, error) {
	t, err := scanTicket(s.db.QueryRowContext(ctx, s.q(`SELECT `+columns+` FROM tickets WHERE ref = ?`), ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tickets.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: get: %w", err)
	}
	return t, nil
}

// List implements tickets.Store.
func (s *Store) List(ctx context.Context, f tickets.Filter) ([]*tickets.Ticket, error) {
	query := `SELECT ` + columns + ` FROM tickets WHERE 1 = 1`
	var args []any
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if f.Line != "" {
		query += ` AND line = ?`
		args = append(args, f.Line)
	}
	if f.IDHash != "" {
		query += ` AND id_hash = ?`
		args = append(args, f.IDHash)
	}
	if !f.Since.IsZero() {
		query += ` AND created_at >= ?`
		args = append(args, micros(f.Since))
	}
	if len(f.IDHashes) > 0 {
		query += ` AND id_hash IN (?` + strings.Repeat(`, ?`, len(f.IDHashes)-1) + `)`
		for _, h := range f.IDHashes {
			args = append(args, h)
		}
	}
	query += ` ORDER BY created_at DESC, ref ASC LIMIT ?`
	args = append(args, f.EffectiveLimit())
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list: %w", err)
	}
	defer rows.Close()
	var out []*tickets.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: list: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list: %w", err)
	}
	return out, nil
}

// Claim implements tickets.Store.
func (s *Store) Claim(ctx context.Context, ref, by string, at time.Time) (*tickets.Ticket, error) {
	return s.transition(ctx, ref, `UPDATE tickets SET status = 'claimed', claimed_by = ?, updated_at = ?, claimed_at = ? WHERE ref = ? AND status = 'open'`, by, micros(at), micros(at), ref)
}

// Release implements tickets.Store.
func (s *Store) Release(ctx context.Context, ref string, at time.Time) (*tickets.Ticket, error) {
	return s.transition(ctx, ref, `UPDATE tickets SET status = 'open', claimed_by = '', updated_at = ? WHERE ref = ? AND status = 'claimed'`, micros(at), ref)
}

// Finish implements tickets.Store.
func (s *Store) Finish(ctx context.Context, ref string, at time.Time) (*tickets.Ticket, error) {
	return s.transition(ctx, ref, `UPDATE tickets SET status = 'closed', updated_at = ?, closed_at = ?,
		callback_sealed = '', callback_masked = '', callback_when = '', callback_at = 0, callback_key = '' WHERE ref = ? AND status <> 'closed'`, micros(at), micros(at), ref)
}

// SetCallback implements tickets.Store.
func (s *Store) SetCallback(ctx context.Context, ref string, cb tickets.Callback) error {
	_, err := s.transition(ctx, ref, `UPDATE tickets SET callback_sealed = ?, callback_masked = ?, callback_when = ?, callback_at = ?, callback_key = ?
		WHERE ref = ? AND status <> 'closed'`, cb.Sealed, cb.Masked, cb.When, micros(cb.ConsentAt), cb.KeyID, ref)
	return err
}

// PurgeCallbacks implements tickets.Store.
func (s *Store) PurgeCallbacks(ctx context.Context, before time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE tickets SET callback_sealed = '', callback_masked = '', callback_when = '', callback_at = 0, callback_key = ''
		WHERE callback_sealed <> '' AND created_at < ?`), micros(before))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge: %w", err)
	}
	return int(n), nil
}

// Purge implements tickets.Store.
func (s *Store) Purge(ctx context.Context, closedBefore time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM tickets WHERE status = 'closed' AND closed_at < ?`), micros(closedBefore))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge closed tickets: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge closed tickets: %w", err)
	}
	return int(n), nil
}

// transition runs a conditional update; no row changed means the ticket is
// missing or in the wrong status.
func (s *Store) transition(ctx context.Context, ref, query string, args ...any) (*tickets.Ticket, error) {
	res, err := s.db.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: update: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("sqlstore: update: %w", err)
	}
	t, err := s.Get(ctx, ref)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, tickets.ErrState
	}
	return t, nil
}
