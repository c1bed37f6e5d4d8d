package dialogs_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
	"github.com/vaxbot/vaxbot/verify"
)

// Example runs a short conversation: an ID typed at the menu starts the
// check, which ends in a diagnosis with the numbers wiped.
func Example() {
	base, _ := knowledge.Default()
	ix, _ := knowledge.NewIndex(base)
	dir, _ := dialogs.DefaultDirectory()
	words, _ := dialogs.DefaultWords()
	now := time.Date(2021, 7, 21, 9, 0, 0, 0, time.UTC)
	engine, err := dialogs.New(dialogs.Config{
		Matcher: ix, Topics: base, Registry: verify.DemoRegistry(now),
		Directory: dir, Words: words, Now: func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	conv := dialogs.NewConversation(engine, dialogs.NewMemoryStore(0))
	for _, in := range []dialogs.Input{
		{Text: "english"},
		{Text: "A123456789"},
		{Payload: "verify:yes"},
		{Text: "0000 1111 2222"},
	} {
		in.Person = "example:1"
		replies, _ := conv.Handle(context.Background(), in)
		last := replies[len(replies)-1]
		dialogs.RenderText(os.Stdout, []dialogs.Reply{{Text: last.Text}})
	}
	// Output:
	// Pick a topic, or type your question:
	// You typed a national ID number: A12*****89 (the middle is hidden to protect you). Is that the right number?
	// Now type your NHI card number: the 12 digits on the front of the card, lower left.
	// ✅ Your ID number and NHI card number match: you can register now.
	// Next: go to the COVID-19 public vaccine platform, 1922.gov.tw, and type the ID number you just checked (the one printed on your NHI card) and your NHI card number.
	//
	// (The numbers you typed have been cleared from this conversation.)
}
