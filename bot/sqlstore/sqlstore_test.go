package sqlstore

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	ticketstest.Run(t, func(t *testing.T) tickets.Store { return openTestPostgres(t, url) })
}

// openTestPostgres opens the server at url in a new schema of its own,
// dropped when the test ends.
func openTestPostgres(t *testing.T, url string) *Store {
	schema := fmt.Sprintf("vaxbot_test_%d", time.Now().UnixNano())
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

// TestOpenPostgresBounded: a server that accepts connections but never
// answers fails the open within the start-up bound instead of hanging it.
func TestOpenPostgresBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	defer func(d time.Duration) { startTimeout = d }(startTimeout)
	startTimeout = 300 * time.Millisecond

	start := time.Now()
	s, err := OpenPostgres(context.Background(), "postgres://vaxbot:pw-secret@"+ln.Addr().String()+"/tickets")
	elapsed := time.Since(start)
	if err == nil {
		s.Close()
		t.Fatal("opened a database that never answers")
	}
	if elapsed > 5*time.Second {
		t.Errorf("took %s, want about the %s bound", elapsed, startTimeout)
	}
	if !strings.Contains(err.Error(), "did not answer within") || strings.Contains(err.Error(), "pw-secret") {
		t.Errorf("error %q: want the bound named and no password", err)
	}
	mu.Lock()
	n := len(conns)
	mu.Unlock()
	if n == 0 {
		t.Error("the listener saw no connection: the bound was not what stopped it")
	}
}

// TestLocation: the store says where it is, without credentials.
func TestLocation(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSQLite(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := s.Location(), filepath.Join(dir, "tickets.db"); got != want || s.Postgres() {
		t.Errorf("SQLite: got %q (postgres %v), want %q", got, s.Postgres(), want)
	}
	url := os.Getenv("VAXBOT_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("VAXBOT_TEST_DATABASE_URL is not set")
	}
	p, err := OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if loc := p.Location(); !p.Postgres() || loc == "" || strings.Contains(loc, "@") || strings.Contains(loc, "/") {
		t.Errorf("PostgreSQL: location %q (postgres %v), want host:port", loc, p.Postgres())
	}
}

// TestOpenPostgresBadURL: a URL that does not parse is refused without
// quoting it.
func TestOpenPostgresBadURL(t *testing.T) {
	_, err := OpenPostgres(context.Background(), "postgres://u:pw-secret@host:notaport/db")
	if err == nil || strings.Contains(err.Error(), "pw-secret") {
		t.Errorf("got %v, want an error without the password", err)
	}
}
