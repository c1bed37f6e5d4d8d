package telegram

import (
	"context"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// TestDeliverPhoto: a reply's picture is a sendPhoto after its text, by
// URL, with the caption (cut to Telegram's 1,024) and the reply's keyboard.
func TestDeliverPhoto(t *testing.T) {
	const pic = "https://bot.example/img/card.en.0123456789abcdef.png"
	tests := []struct {
		name    string
		image   *dialogs.Image
		methods string
		caption string
	}{
		{"picture", &dialogs.Image{URL: pic, Caption: "Illustration: the 12 digits at the lower left."}, "sendMessage,sendPhoto", "Illustration: the 12 digits at the lower left."},
		{"long caption cut", &dialogs.Image{URL: pic, Caption: strings.Repeat("字 ", 700)}, "sendMessage,sendPhoto", ""},
		{"not a URL", &dialogs.Image{URL: "card.png", Caption: "x"}, "sendMessage", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newTestChannel(t, Config{})
			ev := mustDecode(t, readTestdata(t, "text.json"))
			reply := dialogs.Reply{Text: "Where is the card number", Image: tt.image, Lang: knowledge.En,
				Choices: []dialogs.Choice{ch("Main menu", "menu")}}
			if err := c.Deliver(context.Background(), ev, []dialogs.Reply{reply}); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			calls := f.recorded()
			if got := strings.Join(f.methods(), ","); got != tt.methods {
				t.Fatalf("got calls %s, want %s", got, tt.methods)
			}
			last := calls[len(calls)-1]
			if kb := keyboard(t, last); len(kb) != 1 || kb[0][0].CallbackData != "menu" {
				t.Errorf("got keyboard %+v on the last message, want the menu", kb)
			}
			if last.Method != "sendPhoto" {
				return
			}
			if last.Form["photo"] != pic || last.Form["chat_id"] != "5123456789" {
				t.Errorf("sendPhoto %v, want photo %s to the chat", last.Form, pic)
			}
			capt := last.Form["caption"]
			if n := len(utf16.Encode([]rune(capt))); n == 0 || n > maxCaption {
				t.Errorf("caption of %d units, want 1-%d", n, maxCaption)
			}
			if tt.caption != "" && capt != tt.caption {
				t.Errorf("got caption %q, want %q", capt, tt.caption)
			}
			wantMetric(t, c.metrics, "sent", "2")
		})
	}
}
