package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

var _ tickets.ReminderStore = (*Store)(nil)

// AddReminder implements tickets.ReminderStore.
func (s *Store) AddReminder(ctx context.Context, r tickets.Reminder) error {
	if !s.postgres {
		// Before the row: a cancel that comes once it is written finds it.
		s.reminded.add(r.Person)
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO reminders (person, at, lang) VALUES (?, ?, ?)
		ON CONFLICT (person) DO UPDATE SET at = excluded.at, lang = excluded.lang`), r.Person, micros(r.At), r.Lang)
	if err != nil {
		return fmt.Errorf("sqlstore: add reminder: %w", err)
	}
	return nil
}

// CancelReminder implements tickets.ReminderStore.
func (s *Store) CancelReminder(ctx context.Context, person string) (bool, error) {
	if !s.postgres && !s.reminded.has(person) {
		return false, nil
	}
	res, err := s.cancelReminder.ExecContext(ctx, person)
	if err != nil {
		return false, fmt.Errorf("sqlstore: cancel reminder: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: cancel reminder: %w", err)
	}
	return n > 0, nil
}

// ClaimDue implements tickets.ReminderStore: the due rows are deleted and
// returned in one statement. On PostgreSQL, FOR UPDATE SKIP LOCKED lets
// replicas claim at once, each row going to one of them; SQLite serves
// one process, whose writes are serialised anyway.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int) ([]tickets.Reminder, error) {
	lock := ""
	if s.postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := s.db.QueryContext(ctx, s.q(`DELETE FROM reminders WHERE person IN (
		SELECT person FROM reminders WHERE at <= ? ORDER BY at LIMIT ?`+lock+`
	) RETURNING person, at, lang`), micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claim reminders: %w", err)
	}
	defer rows.Close()
	var out []tickets.Reminder
	for rows.Next() {
		var r tickets.Reminder
		var at int64
		if err := rows.Scan(&r.Person, &at, &r.Lang); err != nil {
			return nil, fmt.Errorf("sqlstore: claim reminders: %w", err)
		}
		r.At = fromMicros(at)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: claim reminders: %w", err)
	}
	return out, nil
}

// loadReminded fills s.reminded with the people the SQLite file holds a
// reminder for.
func (s *Store) loadReminded(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT person FROM reminders`)
	if err != nil {
		return fmt.Errorf("sqlstore: load reminders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var person string
		if err := rows.Scan(&person); err != nil {
			return fmt.Errorf("sqlstore: load reminders: %w", err)
		}
		s.reminded.add(person)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: load reminders: %w", err)
	}
	return nil
}
