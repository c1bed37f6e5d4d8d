package bot

import (
	"hash/fnv"
	"testing"
)

// TestFNV32a is the standard library's FNV-1a, which it replaces on the
// hot path.
func TestFNV32a(t *testing.T) {
	for _, s := range []string{"", "line:U1", "telegram:123456789", "語"} {
		h := fnv.New32a()
		h.Write([]byte(s))
		if got, want := fnv32a(s), h.Sum32(); got != want {
			t.Errorf("fnv32a(%q) = %x, want %x", s, got, want)
		}
	}
}
