package line

import (
	"os"
	"testing"
	"time"
)

// BenchmarkDecode decodes a text message webhook as LINE sends it.
func BenchmarkDecode(b *testing.B) {
	body, err := os.ReadFile("testdata/text.json")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(body, now); err != nil {
			b.Fatal(err)
		}
	}
}
