package tickets_test

import (
	"bytes"
	"regexp"
	"strings"
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

func TestSealer(t *testing.T) {
	key, err := tickets.ParseKey("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := tickets.NewSealer(key)
	sealed, err := s.Seal("0912345678", "K7M-42Q")
	if err != nil || bytes.Contains([]byte(sealed), []byte("0912345678")) {
		t.Fatalf("sealed %q, %v", sealed, err)
	}
	if got, err := s.Open(sealed, "K7M-42Q"); err != nil || got != "0912345678" {
		t.Errorf("open: %q, %v", got, err)
	}
	if _, err := s.Open(sealed, "OTH-ERR"); err == nil {
		t.Error("opened under another ticket's reference")
	}
	other, _ := tickets.NewSealer(bytes.Repeat([]byte{9}, 32))
	if _, err := other.Open(sealed, "K7M-42Q"); err == nil {
		t.Error("opened with another key")
	}
	if _, err := tickets.ParseKey("short"); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestHasherRotation(t *testing.T) {
	oldKey, newKey := []byte("the old hash key, long enough"), []byte("the new hash key, long enough")
	before, _ := tickets.NewHasher(oldKey)
	h, err := tickets.NewHasher(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tickets.NewHasher(newKey, []byte("short")); err == nil {
		t.Error("a short old key was accepted")
	}
	id := "A123456789"
	if h.Hash(id) == before.Hash(id) || h.KeyID() != tickets.KeyID(newKey) || h.KeyID() == before.KeyID() || len(h.KeyID()) != 8 {
		t.Errorf("hashing does not use the new key: %s %s", h.KeyID(), before.KeyID())
	}
	if got := h.Hashes(id); len(got) != 2 || got[0] != h.Hash(id) || got[1] != before.Hash(id) {
		t.Errorf("Hashes = %v", got)
	}
	if got := h.KeyIDs(); len(got) != 2 || got[1] != before.KeyID() {
		t.Errorf("KeyIDs = %v", got)
	}
	if got := tickets.SplitKeys(" a , ,b,"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("SplitKeys = %q", got)
	}
}

func TestSealerRotation(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	before, _ := tickets.NewSealer(oldKey)
	sealedOld, _ := before.Seal("0912345678", "K7M-42Q")
	s, err := tickets.NewSealer(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tickets.NewSealer(newKey, []byte("short")); err == nil {
		t.Error("a short old key was accepted")
	}
	sealedNew, _ := s.Seal("0987654321", "K7M-42Q")
	if _, err := before.Open(sealedNew, "K7M-42Q"); err == nil {
		t.Error("sealed with the old key")
	}
	if s.KeyID() != tickets.KeyID(newKey) || s.KeyIDs()[1] != before.KeyID() {
		t.Errorf("key ids %v", s.KeyIDs())
	}
	for _, tt := range []struct{ sealed, keyID, want string }{
		{sealedOld, before.KeyID(), "0912345678"}, {sealedOld, "", "0912345678"},
		{sealedNew, s.KeyID(), "0987654321"}, {sealedNew, "", "0987654321"},
	} {
		if got, err := s.OpenWith(tt.sealed, "K7M-42Q", tt.keyID); err != nil || got != tt.want {
			t.Errorf("OpenWith(key %q) = %q, %v", tt.keyID, got, err)
		}
	}
	if _, err := s.OpenWith(sealedOld, "K7M-42Q", s.KeyID()); err == nil {
		t.Error("opened with a key other than the one named")
	}
	if _, err := s.OpenWith(sealedOld, "K7M-42Q", "deadbeef"); err == nil || !strings.Contains(err.Error(), "VAXBOT_DATA_KEYS_OLD") {
		t.Errorf("unknown key id: %v", err)
	}
	if got, err := s.Open(sealedOld, "K7M-42Q"); err != nil || got != "0912345678" {
		t.Errorf("Open of an old seal: %q, %v", got, err)
	}
}
