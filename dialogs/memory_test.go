package dialogs

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// BenchmarkSessionMemory measures the heap held per idle session in the
// embedded store: 100 000 people who have each talked to the bot once.
// Run: go test -run '^$' -bench SessionMemory -benchtime 1x ./dialogs/
func BenchmarkSessionMemory(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		store := NewMemoryStore(time.Hour)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		now := time.Now()
		for i := range n {
			// A LINE user id is "U" and 32 hex digits.
			person := fmt.Sprintf("line:U%032x", i)
			store.Put(context.Background(), &Session{Person: person, Lang: "zh-TW", Topic: "q5", Created: now, Updated: now})
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/session")
		runtime.KeepAlive(store)
	}
}
