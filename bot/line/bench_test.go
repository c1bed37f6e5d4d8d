package line

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/dialogs"
)

// The stages of a LINE event in serve, one benchmark each (the
// conversation between them is dialogs' BenchmarkHandle):
// go test -run '^$' -bench . -benchmem ./bot/line/

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

// benchReplies is a typical answer: a QA item's text with its choices.
var benchReplies = []dialogs.Reply{{
	Text: "健保卡卡號在卡片正面左下角，共 12 位數字（不是身分證號）。\n\n若卡號磨損看不清楚，可登入健保快易通 APP 查詢。",
	Choices: []dialogs.Choice{
		{Label: "卡號看不清楚", Payload: "faq:q2"}, {Label: "驗證身分", Payload: "verify:start"},
		{Label: "找真人", Payload: "person"}, {Label: "主選單", Payload: "menu"},
	},
}}

// BenchmarkRender turns replies into LINE messages: "cached", the same
// replies again (most answers are); "uncached", each set new (a masked
// number, a ticket reference in it).
func BenchmarkRender(b *testing.B) {
	b.Run("cached", func(b *testing.B) {
		var rc renderCache
		b.ReportAllocs()
		for b.Loop() {
			if len(rc.get(benchReplies)) == 0 {
				b.Fatal("no messages")
			}
		}
	})
	b.Run("uncached", func(b *testing.B) {
		var rc renderCache
		replies := []dialogs.Reply{benchReplies[0]}
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			replies[0].Text = fmt.Sprintf("您的參考編號 %d。%s", i, benchReplies[0].Text)
			i++
			if len(rc.get(replies)) == 0 {
				b.Fatal("no messages")
			}
		}
	})
}

// BenchmarkDeliver sends a reply to a fake Messaging API on loopback, as
// Deliver does for each event: the request, its body, the HTTP exchange
// through the pooled client (the fake's work counts too).
func BenchmarkDeliver(b *testing.B) {
	api := linetest.New(b)
	c, err := New(Config{Secret: "s", Token: "tok", APIBase: api.URL})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ev := bot.Event{Type: "text", Reply: replyTo{token: fmt.Sprintf("tok%d", i), userID: "U1", received: time.Now()}}
		i++
		if err := c.Deliver(ctx, ev, benchReplies); err != nil {
			b.Fatal(err)
		}
	}
}
