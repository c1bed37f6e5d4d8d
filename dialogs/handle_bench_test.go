package dialogs_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/dialogstest"
	"github.com/vaxbot/vaxbot/knowledge"
)

// BenchmarkHandle runs turns as people send them under load, each by one of
// 1 000 people in the embedded store: the development questions of every
// language (varied, so no cache of identical texts decides the figure),
// menu taps, and the start of the number form. Per turn:
// go test -run '^$' -bench Handle ./dialogs/
func BenchmarkHandle(b *testing.B) {
	f, err := os.Open("../knowledge/testdata/dev.tsv")
	if err != nil {
		b.Fatal(err)
	}
	cases, err := knowledge.ParseEvalFile(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	var inputs []dialogs.Input
	for i, c := range cases {
		inputs = append(inputs, dialogs.Input{Text: c.Text})
		switch i % 8 {
		case 3:
			inputs = append(inputs, dialogs.Input{Payload: dialogs.PayloadMenu()})
		case 7:
			inputs = append(inputs, dialogs.Input{Payload: dialogs.PayloadFAQ("q5")})
		}
	}
	engine := dialogstest.Engine(b, time.Date(2021, 7, 21, 9, 0, 0, 0, time.UTC))
	conv := dialogs.NewConversation(engine, dialogs.NewMemoryStore(time.Hour))
	ctx := context.Background()
	people := make([]string, 1000)
	for i := range people {
		people[i] = fmt.Sprintf("line:U%032x", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		in := inputs[i%len(inputs)]
		in.Person = people[i%len(people)]
		if _, err := conv.Handle(ctx, in); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
