package staff

import (
	"context"
	"errors"
	"time"
)

// Role is what an operator may do at the desk.
type Role string

// The roles: an operator works the queue; a supervisor also reads the
// reveal audit and the charts.
const (
	RoleOperator   Role = "operator"
	RoleSupervisor Role = "supervisor"
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, bool) {
	switch r := Role(s); r {
	case RoleOperator, RoleSupervisor:
		return r, true
	}
	return "", false
}

// Operator is one person's account.
type Operator struct {
	Name string
	Role Role
	// PasswordHash is the PHC string of HashPassword, never the password.
	PasswordHash string
	// MustChange is set for a one-time password: the first login must
	// choose a new one before anything else.
	MustChange bool
	// Lang is the desk's language for this operator ("zh-TW" or "en").
	Lang      string
	CreatedAt time.Time
}

// Session is one logged-in browser. Only a hash of the cookie's token is
// stored, so a copy of the database does not let anyone in.
type Session struct {
	TokenHash string
	Operator  string
	// CSRF is the token every state-changing request must carry.
	CSRF      string
	CreatedAt time.Time
	SeenAt    time.Time
}

// Reveal is one row of the audit: who saw which ticket's call-back number,
// and when.
type Reveal struct {
	At       time.Time
	Operator string
	Ref      string
}

// NoteKind says what a note records.
type NoteKind string

// The kinds of note: free text, and the outcome a ticket was closed with.
const (
	KindNote    NoteKind = "note"
	KindOutcome NoteKind = "outcome"
)

// Note is a line an operator wrote on a ticket, its numbers masked.
type Note struct {
	Ref      string
	At       time.Time
	Operator string
	Kind     NoteKind
	Text     string
}

// Errors of a Store.
var (
	ErrNotFound = errors.New("staff: not found")
	ErrExists   = errors.New("staff: already exists")
)

// Store keeps accounts, sessions, the reveal audit and notes.
type Store interface {
	// AddOperator creates an account; ErrExists when the name is taken.
	AddOperator(ctx context.Context, o Operator) error
	// Operator returns an account; ErrNotFound when there is none.
	Operator(ctx context.Context, name string) (*Operator, error)
	// SetPassword replaces an account's password hash and its
	// must-change flag.
	SetPassword(ctx context.Context, name, hash string, mustChange bool) error
	// SetLang sets an account's desk language.
	SetLang(ctx context.Context, name, lang string) error

	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session of a token hash; ErrNotFound when none.
	Session(ctx context.Context, tokenHash string) (*Session, error)
	// TouchSession records activity on a session.
	TouchSession(ctx context.Context, tokenHash string, at time.Time) error
	// DeleteSession ends a session (logout); no error when it is gone.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteSessions ends the sessions of an operator (a password change).
	DeleteSessions(ctx context.Context, operator string) error
	// PurgeSessions deletes the sessions idle since before t.
	PurgeSessions(ctx context.Context, seenBefore time.Time) (int, error)

	// AddReveal writes one audit row.
	AddReveal(ctx context.Context, r Reveal) error
	// Reveals returns the newest audit rows first, at most limit.
	Reveals(ctx context.Context, limit int) ([]Reveal, error)

	// AddNote writes a note on a ticket.
	AddNote(ctx context.Context, n Note) error
	// Notes returns a ticket's notes, oldest first.
	Notes(ctx context.Context, ref string) ([]Note, error)
}
