package dialogs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/dialogstest"
)

// typicalSession is a session after the conversation of the memory runs (a
// welcome, questions in both languages, a menu tap, the start of the number
// form), history included.
func typicalSession(tb testing.TB) *dialogs.Session {
	tb.Helper()
	engine := dialogstest.Engine(tb, time.Date(2021, 7, 1, 10, 0, 0, 0, time.UTC))
	store := dialogs.NewMemoryStore(time.Hour)
	conv := dialogs.NewConversation(engine, store)
	ctx := context.Background()
	const person = "line:U0123456789abcdef0123456789abcdef"
	for _, in := range []dialogs.Input{
		{Event: dialogs.EventFollow},
		{Text: "健保卡號在哪裡"},
		{Payload: "faq:q6"},
		{Text: "my new ARC number fails verification"},
		{Payload: "verify:start"},
	} {
		in.Person = person
		if _, err := conv.Handle(ctx, in); err != nil {
			tb.Fatal(err)
		}
	}
	s, err := store.Get(ctx, person)
	if err != nil || s == nil {
		tb.Fatalf("Get = %v, %v", s, err)
	}
	return s
}

// BenchmarkMemoryStore measures what each event pays the embedded store: a
// Get and a Put of a typical session, among 1 000 people.
// go test -run '^$' -bench MemoryStore ./dialogs/
func BenchmarkMemoryStore(b *testing.B) {
	s := typicalSession(b)
	store := dialogs.NewMemoryStore(time.Hour)
	ctx := context.Background()
	people := make([]string, 1000)
	for i := range people {
		people[i] = fmt.Sprintf("line:U%032x", i)
		c := *s
		c.Person = people[i]
		if err := store.Put(ctx, &c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		got, err := store.Get(ctx, people[i%len(people)])
		if err != nil || got == nil {
			b.Fatalf("Get = %v, %v", got, err)
		}
		if err := store.Put(ctx, got); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
