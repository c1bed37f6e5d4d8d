package dialogs_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/dialogstest"
)

// sessions is how many people the memory benchmarks hold.
const sessions = 100_000

// settledHeap collects garbage until the heap stops shrinking and returns
// its size. One collection is not enough between two runs of a benchmark:
// the store of the run before is freed only after its go-cache janitor has
// been stopped by a finalizer, which runs after a collection (so a single
// GC left it counted in "before", and the difference came out near 0).
func settledHeap() uint64 {
	var m runtime.MemStats
	last := ^uint64(0)
	for range 10 {
		runtime.GC()
		time.Sleep(time.Millisecond) // let finalizers run
		runtime.ReadMemStats(&m)
		if m.HeapAlloc >= last {
			break
		}
		last = m.HeapAlloc
	}
	return m.HeapAlloc
}

// perSession reports the heap grown from before, per session.
func perSession(b *testing.B, before uint64) {
	after := settledHeap()
	if after < before {
		b.Fatalf("the heap shrank while sessions were added: %d → %d", before, after)
	}
	b.ReportMetric(float64(after-before)/sessions, "B/session")
}

// BenchmarkSessionMemory measures the heap held per idle session in the
// embedded store: 100 000 people who have each talked to the bot once.
// Every run measures the same (any -benchtime):
// go test -run '^$' -bench SessionMemory ./dialogs/
func BenchmarkSessionMemory(b *testing.B) {
	for b.Loop() {
		store := dialogs.NewMemoryStore(time.Hour)
		before := settledHeap()
		now := time.Now()
		for i := range sessions {
			// A LINE user id is "U" and 32 hex digits.
			person := fmt.Sprintf("line:U%032x", i)
			store.Put(context.Background(), &dialogs.Session{Person: person, Lang: "zh-TW", Topic: "q5", Created: now, Updated: now})
		}
		perSession(b, before)
		runtime.KeepAlive(store)
	}
}

// BenchmarkActiveSessionMemory measures the heap held per session after a
// real conversation (a welcome, questions in both languages, a menu tap,
// the start of the number form), history included, for 100 000 people.
func BenchmarkActiveSessionMemory(b *testing.B) {
	engine := dialogstest.Engine(b, time.Date(2021, 7, 1, 10, 0, 0, 0, time.UTC))
	script := []dialogs.Input{
		{Event: dialogs.EventFollow},
		{Text: "健保卡號在哪裡"},
		{Payload: "faq:q6"},
		{Text: "my new ARC number fails verification"},
		{Payload: "verify:start"},
	}
	ctx := context.Background()
	for b.Loop() {
		store := dialogs.NewMemoryStore(time.Hour)
		conv := dialogs.NewConversation(engine, store)
		before := settledHeap()
		for i := range sessions {
			// A LINE user id is "U" and 32 hex digits.
			person := fmt.Sprintf("line:U%032x", i)
			for _, in := range script {
				in.Person = person
				if _, err := conv.Handle(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		}
		perSession(b, before)
		runtime.KeepAlive(conv)
	}
}
