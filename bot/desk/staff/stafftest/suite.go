// Package stafftest is the test suite every staff.Store must pass: the
// in-memory store, SQLite and PostgreSQL run the same tests.
package stafftest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/desk/staff"
)

// Run tests the store that newStore returns (a fresh, empty one per call).
func Run(t *testing.T, newStore func(t *testing.T) staff.Store) {
	ctx := context.Background()
	base := time.Date(2021, 7, 21, 9, 0, 0, 0, time.UTC)
	t.Run("operators", func(t *testing.T) {
		s := newStore(t)
		want := staff.Operator{Name: "Lin", Role: staff.RoleSupervisor, PasswordHash: "h1", MustChange: true, Lang: "zh-TW", CreatedAt: base}
		if err := s.AddOperator(ctx, want); err != nil {
			t.Fatal(err)
		}
		if err := s.AddOperator(ctx, want); !errors.Is(err, staff.ErrExists) {
			t.Errorf("second add: %v, want ErrExists", err)
		}
		got, err := s.Operator(ctx, "Lin")
		if err != nil || *got != want {
			t.Fatalf("got %+v, %v; want %+v", got, err, want)
		}
		if _, err := s.Operator(ctx, "Chen"); !errors.Is(err, staff.ErrNotFound) {
			t.Errorf("missing operator: %v, want ErrNotFound", err)
		}
		if err := s.SetPassword(ctx, "Lin", "h2", false); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLang(ctx, "Lin", "en"); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Operator(ctx, "Lin")
		if got.PasswordHash != "h2" || got.MustChange || got.Lang != "en" {
			t.Errorf("after updates: %+v", got)
		}
		if err := s.SetPassword(ctx, "Chen", "h", false); !errors.Is(err, staff.ErrNotFound) {
			t.Errorf("password of a missing operator: %v", err)
		}
	})
	t.Run("sessions", func(t *testing.T) {
		s := newStore(t)
		for i, op := range []string{"Lin", "Lin", "Chen"} {
			at := base.Add(time.Duration(i) * time.Hour)
			if err := s.CreateSession(ctx, staff.Session{TokenHash: "t" + string(rune('a'+i)), Operator: op, CSRF: "c", CreatedAt: at, SeenAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Session(ctx, "ta")
		if err != nil || got.Operator != "Lin" || got.CSRF != "c" || !got.SeenAt.Equal(base) {
			t.Fatalf("session: %+v, %v", got, err)
		}
		if err := s.TouchSession(ctx, "ta", base.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Session(ctx, "ta"); !got.SeenAt.Equal(base.Add(3 * time.Hour)) {
			t.Errorf("touched: seen at %v", got.SeenAt)
		}
		n, err := s.PurgeSessions(ctx, base.Add(90*time.Minute))
		if err != nil || n != 1 {
			t.Errorf("purged %d, %v; want 1 (tb)", n, err)
		}
		if _, err := s.Session(ctx, "tb"); !errors.Is(err, staff.ErrNotFound) {
			t.Errorf("idle session kept: %v", err)
		}
		if err := s.DeleteSession(ctx, "tc"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(ctx, "tc"); err != nil {
			t.Errorf("second delete: %v", err)
		}
		if err := s.DeleteSessions(ctx, "Lin"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "ta"); !errors.Is(err, staff.ErrNotFound) {
			t.Errorf("operator's session kept: %v", err)
		}
	})
	t.Run("reveals newest first", func(t *testing.T) {
		s := newStore(t)
		for i, ref := range []string{"AAA-AAA", "CCC-CCC", "DDD-DDD"} {
			if err := s.AddReveal(ctx, staff.Reveal{At: base.Add(time.Duration(i) * time.Minute), Operator: "Lin", Ref: ref}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Reveals(ctx, 2)
		if err != nil || len(got) != 2 || got[0].Ref != "DDD-DDD" || got[1].Ref != "CCC-CCC" || got[0].Operator != "Lin" || !got[0].At.Equal(base.Add(2*time.Minute)) {
			t.Errorf("reveals: %+v, %v", got, err)
		}
	})
	t.Run("notes oldest first", func(t *testing.T) {
		s := newStore(t)
		notes := []staff.Note{
			{Ref: "AAA-AAA", At: base.Add(time.Minute), Operator: "Lin", Kind: staff.KindOutcome, Text: "resolved"},
			{Ref: "AAA-AAA", At: base, Operator: "Lin", Kind: staff.KindNote, Text: "called, no answer"},
			{Ref: "CCC-CCC", At: base, Operator: "Chen", Kind: staff.KindNote, Text: "other"},
		}
		for _, n := range notes {
			if err := s.AddNote(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Notes(ctx, "AAA-AAA")
		if err != nil || len(got) != 2 || got[0] != notes[1] || got[1] != notes[0] {
			t.Errorf("notes: %+v, %v", got, err)
		}
	})
}
