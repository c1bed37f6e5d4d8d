package tickets

import (
	"context"
	"time"
)

// Reminder is one message to send a person later ("your card should now
// be usable"): who (the platform's key, "line:U…" or "telegram:<chat>:<user>"),
// when, and in which language. It never holds a number.
type Reminder struct {
	Person string
	At     time.Time
	Lang   string
}

// ReminderStore keeps reminders, at most one waiting per person, in the
// ticket database so that they survive restarts (bot/sqlstore).
type ReminderStore interface {
	// AddReminder schedules r, replacing the person's waiting one.
	AddReminder(ctx context.Context, r Reminder) error
	// CancelReminder removes the person's waiting reminder and reports
	// whether there was one.
	CancelReminder(ctx context.Context, person string) (bool, error)
	// ClaimDue takes up to limit reminders due at now and removes them:
	// each is returned to exactly one caller, however many replicas ask
	// at once (PostgreSQL: FOR UPDATE SKIP LOCKED).
	ClaimDue(ctx context.Context, now time.Time, limit int) ([]Reminder, error)
}
