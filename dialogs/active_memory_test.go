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

// BenchmarkActiveSessionMemory measures the heap held per session after a
// real conversation (a welcome, questions in both languages, a menu tap,
// the start of the number form), history included, for 100 000 people.
func BenchmarkActiveSessionMemory(b *testing.B) {
	const n = 100_000
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
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range n {
			// A LINE user id is "U" and 32 hex digits.
			person := fmt.Sprintf("line:U%032x", i)
			for _, in := range script {
				in.Person = person
				if _, err := conv.Handle(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/session")
		runtime.KeepAlive(conv)
	}
}
