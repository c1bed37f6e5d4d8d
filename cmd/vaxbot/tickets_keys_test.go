package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/sqlstore"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// ticketBackends runs f on SQLite and, when VAXBOT_TEST_DATABASE_URL is
// set, on PostgreSQL (in a schema of its own), with the environment set
// so that the tickets command opens the same store f was given.
func ticketBackends(t *testing.T, f func(t *testing.T, store *sqlstore.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv("VAXBOT_DATA_DIR", dir)
		t.Setenv("VAXBOT_DATABASE_URL", "")
		store, err := sqlstore.OpenSQLite(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		f(t, store)
	})
	t.Run("postgres", func(t *testing.T) {
		url := os.Getenv("VAXBOT_TEST_DATABASE_URL")
		if url == "" {
			t.Skip("VAXBOT_TEST_DATABASE_URL is not set")
		}
		schema := fmt.Sprintf("vaxbot_cmd_test_%d", time.Now().UnixNano())
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
			t.Fatal(err)
		}
		defer db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		url += sep + "search_path=" + schema
		t.Setenv("VAXBOT_DATABASE_URL", url)
		t.Setenv("VAXBOT_DATA_DIR", t.TempDir())
		store, err := sqlstore.OpenPostgres(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		f(t, store)
	})
}

func TestTicketsPurge(t *testing.T) {
	ticketBackends(t, func(t *testing.T, store *sqlstore.Store) {
		ctx := context.Background()
		now := time.Now()
		for _, ref := range []string{"OLD-AAA", "NEW-CCC", "OPN-DDD"} {
			opened := now.Add(-200 * 24 * time.Hour)
			if err := store.Create(ctx, &tickets.Ticket{Ref: ref, Channel: "line", Lang: "en", Reason: "asked", Line: "1922",
				Status: tickets.StatusOpen, CreatedAt: opened, UpdatedAt: opened}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.Finish(ctx, "OLD-AAA", now.Add(-91*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Finish(ctx, "NEW-CCC", now.Add(-89*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, "", "tickets", "purge", "--older-than", "90d")
		if code != 0 || !strings.Contains(out, "deleted 1 closed tickets") {
			t.Fatalf("purge: %d %q %q", code, out, errOut)
		}
		if _, err := store.Get(ctx, "OLD-AAA"); err == nil {
			t.Error("the ticket closed 91 days ago survived")
		}
		for _, ref := range []string{"NEW-CCC", "OPN-DDD"} {
			if _, err := store.Get(ctx, ref); err != nil {
				t.Errorf("%s: %v", ref, err)
			}
		}
		code, out, errOut = runCLI(t, "", "tickets", "purge", "--older-than", "48h", "--lang", "zh-TW")
		if code != 0 || !strings.Contains(out, "已刪除 1 件") {
			t.Errorf("purge in Chinese: %d %q %q", code, out, errOut)
		}
	})
}

func TestTicketsPurgeRefusesBadAgesAndMissingStores(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VAXBOT_DATA_DIR", dir)
	t.Setenv("VAXBOT_DATABASE_URL", "")
	for _, args := range [][]string{
		{"purge"}, {"purge", "--older-than", "0d"}, {"purge", "--older-than", "-3h"},
		{"purge", "--older-than", "ninety days"}, {"purge", "--older-than", "90d", "extra"},
	} {
		if code, _, errOut := runCLI(t, "", append([]string{"tickets"}, args...)...); code != 2 || !strings.Contains(errOut, "--older-than") {
			t.Errorf("%v: exit %d, %q; want 2 and the usage", args, code, errOut)
		}
	}
	code, _, errOut := runCLI(t, "", "tickets", "purge", "--older-than", "90d", "--lang", "zh-TW")
	if code != 1 || !strings.Contains(errOut, "沒有案件資料庫") {
		t.Errorf("no store: %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "tickets.db")); err == nil {
		t.Error("purge created a ticket database")
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "1d": 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := parseAge(in); err != nil || got != want {
			t.Errorf("parseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "0d", "-1d", "0s", "1.5d", "99999999999999d", "3 days"} {
		if _, err := parseAge(in); err == nil {
			t.Errorf("parseAge(%q) accepted", in)
		}
	}
}
