package sqlstore

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/dialogs/tickets/ticketstest"
)

func TestSQLite(t *testing.T) {
	ticketstest.Run(t, func(t *testing.T) tickets.Store {
		s, err := OpenSQLite(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestSQLiteMigratesOnceAndKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.Create(ctx, &tickets.Ticket{Ref: "KEE-PME", Channel: "line", Lang: "en", Reason: "asked", Line: "1922", Status: tickets.StatusOpen, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if _, err := s.Get(ctx, "KEE-PME"); err != nil {
		t.Errorf("after reopening: %v", err)
	}
	var n int
	s.db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
	if n != len(migrations) {
		t.Errorf("%d migrations recorded, want %d", n, len(migrations))
	}
}

// TestPostgres runs the suite against the server in VAXBOT_TEST_DATABASE_URL
// (CI sets it to the local server), each run in a schema of its own.
func TestPostgres(t *testing.T) {
	url := os.Getenv("VAXBOT_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("VAXBOT_TEST_DATABASE_URL is not set; set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run the PostgreSQL tests")
	}
	n := 0
	ticketstest.Run(t, func(t *testing.T) tickets.Store {
		n++
		schema := fmt.Sprintf("vaxbot_test_%d_%d", time.Now().UnixNano(), n)
		admin, err := OpenPostgres(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.db.Exec(`CREATE SCHEMA ` + schema); err != nil {
			t.Fatal(err)
		}
		admin.Close()
		s, err := OpenPostgres(context.Background(), withSearchPath(url, schema))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			s.Close()
		})
		return s
	})
}

// withSearchPath adds search_path to a postgres URL.
func withSearchPath(url, schema string) string {
	sep := "?"
	for _, c := range url {
		if c == '?' {
			sep = "&"
		}
	}
	return url + sep + "search_path=" + schema
}
