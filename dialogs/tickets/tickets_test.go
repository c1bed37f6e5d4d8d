package tickets_test

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/dialogs/tickets/ticketstest"
)

func TestMemoryStore(t *testing.T) {
	ticketstest.Run(t, func(*testing.T) tickets.Store { return tickets.NewMemoryStore() })
}

func TestNewRef(t *testing.T) {
	shape := regexp.MustCompile(`^[ACDEFGHJKMNPQRTUVWXY34679]{3}-[ACDEFGHJKMNPQRTUVWXY34679]{3}$`)
	seen := map[string]bool{}
	for range 2000 {
		ref, err := tickets.NewRef(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(ref) {
			t.Fatalf("ref %q has an ambiguous character or the wrong shape", ref)
		}
		seen[ref] = true
	}
	if len(seen) < 1990 {
		t.Errorf("only %d distinct refs of 2000", len(seen))
	}
	ref, _ := tickets.NewRef(bytes.NewReader([]byte{0, 1, 2, 3, 4, 5}))
	if ref != "ACD-EFG" {
		t.Errorf("NewRef(0..5) = %q", ref)
	}
	if got := tickets.NormalizeRef("acd efg"); got != "ACD-EFG" {
		t.Errorf("NormalizeRef = %q", got)
	}
}

func TestHasher(t *testing.T) {
	if _, err := tickets.NewHasher([]byte("short")); err == nil {
		t.Error("a short key was accepted")
	}
	h, _ := tickets.NewHasher([]byte("0123456789abcdef0123456789abcdef"))
	h2, _ := tickets.NewHasher([]byte("another key, also long enough!!!"))
	a, b := h.Hash("A123456789"), h.Hash("A123456789")
	if a != b || len(a) != 64 || a == h2.Hash("A123456789") || a == h.Hash("A123456780") {
		t.Errorf("hashes %s %s", a, b)
	}
}
