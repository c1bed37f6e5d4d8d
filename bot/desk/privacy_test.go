package desk

import (
	"bytes"
	"context"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/bot/sqlstore"
)

// TestNoNumbersOnDeskPaths walks the desk's paths that touch numbers (find
// by ID number, a note with a phone and an ID in it, reveal, close) on the
// SQLite store, then looks for the full numbers in the log, in every page
// but the reveal's answer, and in every file the store wrote.
func TestNoNumbersOnDeskPaths(t *testing.T) {
	dir := t.TempDir()
	store, err := sqlstore.OpenSQLite(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, store, store)
	c := f.client(t)
	c.login("lin")
	var pages []string
	keep := func(r response) { pages = append(pages, r.body) }
	keep(c.get("/desk/find"))
	keep(c.post("/desk/find", url.Values{"q": {testID}}))
	keep(c.post("/desk/find", url.Values{"q": {"a123 456 789"}}))
	keep(c.get("/desk/t/AAA-AAA"))
	keep(c.post("/desk/t/AAA-AAA/claim", nil))
	keep(c.post("/desk/t/AAA-AAA/note", url.Values{"text": {"caller gave " + testPhone + " and " + testID}}))
	keep(c.get("/desk/t/AAA-AAA"))
	revealed := c.post("/desk/t/AAA-AAA/reveal", nil)
	if !strings.Contains(revealed.body, testPhone) {
		t.Fatal("the reveal did not show the number")
	}
	keep(c.post("/desk/t/AAA-AAA/close", url.Values{"outcome": {"resolved"}}))
	keep(c.get("/desk/t/AAA-AAA"))
	rows, err := store.Reveals(context.Background(), 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("audit rows %+v, %v; want 1", rows, err)
	}
	store.Close() // flush the WAL into the files
	numbers := []string{testID, "123456789", testPhone, "912345678"}
	for _, n := range numbers {
		if strings.Contains(f.logs.String(), n) {
			t.Errorf("the log holds %s", n)
		}
		for i, p := range pages {
			if strings.Contains(p, n) {
				t.Errorf("page %d holds %s", i, n)
			}
		}
	}
	err = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, n := range numbers {
			if bytes.Contains(b, []byte(n)) {
				t.Errorf("%s holds %s", filepath.Base(path), n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
