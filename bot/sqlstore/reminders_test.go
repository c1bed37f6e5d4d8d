package sqlstore

import (
	"context"
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

func TestReminders(t *testing.T) {
	stores := map[string]func(t *testing.T) *Store{
		"sqlite": func(t *testing.T) *Store {
			s, err := OpenSQLite(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	if url := os.Getenv("VAXBOT_TEST_DATABASE_URL"); url != "" {
		stores["postgres"] = func(t *testing.T) *Store { return openTestPostgres(t, url) }
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			at := time.Date(2021, 7, 21, 6, 7, 0, 0, time.UTC)
			for _, r := range []tickets.Reminder{
				{Person: "line:Ua", At: at.Add(-time.Hour), Lang: "zh-TW"},
				{Person: "line:Ua", At: at, Lang: "en"}, // replaces the first
				{Person: "telegram:1:1", At: at.Add(time.Minute), Lang: "th"},
				{Person: "line:Uc", At: at, Lang: "vi"},
			} {
				if err := s.AddReminder(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if ok, err := s.CancelReminder(ctx, "line:Uc"); !ok || err != nil {
				t.Errorf("cancel: %v, %v", ok, err)
			}
			if ok, _ := s.CancelReminder(ctx, "line:Uc"); ok {
				t.Error("cancelled twice")
			}
			got, err := s.ClaimDue(ctx, at.Add(-time.Second), 10)
			if err != nil || len(got) != 0 {
				t.Errorf("before the minute: %+v, %v", got, err)
			}
			got, err = s.ClaimDue(ctx, at, 10)
			if err != nil || len(got) != 1 || got[0].Person != "line:Ua" || got[0].Lang != "en" || !got[0].At.Equal(at) {
				t.Errorf("at the minute: %+v, %v", got, err)
			}
			if got, _ := s.ClaimDue(ctx, at, 10); len(got) != 0 {
				t.Errorf("claimed again: %+v", got)
			}
			if got, _ := s.ClaimDue(ctx, at.Add(time.Hour), 10); len(got) != 1 || got[0].Person != "telegram:1:1" {
				t.Errorf("later: %+v", got)
			}
		})
	}
}

// TestSQLiteCancelAsksOnlyForReminders: SQLite is asked to cancel only
// for people who may have a reminder: those added since the store opened
// and those the file held when it opened (a restart cancels the same).
// Someone without one is answered without the database: with it closed,
// the answer is still "nothing cancelled", where asking it would fail.
func TestSQLiteCancelAsksOnlyForReminders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2021, 7, 21, 6, 7, 0, 0, time.UTC)
	for _, p := range []string{"line:Ukept", "line:Ucancelled"} {
		if err := s.AddReminder(ctx, tickets.Reminder{Person: p, At: at, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := s.CancelReminder(ctx, "line:Ucancelled"); !ok || err != nil {
		t.Fatalf("cancel: %v, %v", ok, err)
	}
	s.Close()

	// Reopened: the reminder the file holds is still found and cancelled.
	s, err = OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.CancelReminder(ctx, "line:Ucancelled"); ok || err != nil {
		t.Errorf("cancelled before the restart, again: %v, %v", ok, err)
	}
	if ok, err := s.CancelReminder(ctx, "line:Ukept"); !ok || err != nil {
		t.Errorf("the reminder the file held: %v, %v, want cancelled", ok, err)
	}
	s.db.Close()
	if ok, err := s.CancelReminder(ctx, "line:Unever"); ok || err != nil {
		t.Errorf("someone who never had a reminder, database closed: %v, %v, want false, nil", ok, err)
	}
	if _, err := s.CancelReminder(ctx, "line:Ukept"); err == nil {
		t.Error("someone who had a reminder, database closed: no error; the database was not asked")
	}
}

// TestClaimDueOnceAcrossReplicas: two stores on one PostgreSQL database
// (two replicas) claim 200 due reminders at once, 8 goroutines each: every
// reminder goes to exactly one of them.
func TestClaimDueOnceAcrossReplicas(t *testing.T) {
	url := os.Getenv("VAXBOT_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("VAXBOT_TEST_DATABASE_URL is not set")
	}
	a := openTestPostgres(t, url)
	var schema string
	if err := a.db.QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	b, err := OpenPostgres(context.Background(), withSearchPath(url, schema))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	at := time.Now().Add(-time.Minute)
	const n = 200
	for i := range n {
		if err := a.AddReminder(ctx, tickets.Reminder{Person: fmt.Sprintf("line:U%04d", i), At: at, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	for _, s := range []*Store{a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b} {
		wg.Go(func() {
			for {
				rs, err := s.ClaimDue(ctx, time.Now(), 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(rs) == 0 {
					return
				}
				mu.Lock()
				for _, r := range rs {
					got = append(got, r.Person)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	sort.Strings(got)
	for i := 1; i < len(got); i++ {
		if got[i] == got[i-1] {
			t.Fatalf("%s claimed twice", got[i])
		}
	}
	if len(got) != n {
		t.Errorf("claimed %d, want %d", len(got), n)
	}
}
