package sqlstore

import (
	"context"
	"os"
	"testing"

	"github.com/vaxbot/vaxbot/bot/desk/staff"
	"github.com/vaxbot/vaxbot/bot/desk/staff/stafftest"
)

func TestStaffSQLite(t *testing.T) {
	stafftest.Run(t, func(t *testing.T) staff.Store {
		s, err := OpenSQLite(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestStaffPostgres(t *testing.T) {
	url := os.Getenv("VAXBOT_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("VAXBOT_TEST_DATABASE_URL is not set; set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run the PostgreSQL tests")
	}
	stafftest.Run(t, func(t *testing.T) staff.Store { return openTestPostgres(t, url) })
}
