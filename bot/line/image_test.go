package line

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/vaxbot/vaxbot/dialogs"
)

// TestRenderImage: a reply's picture is an image message after its text,
// HTTPS and under 2,000 characters only, the turn's quick replies on the
// last message, and never more than five messages: pictures give way
// first.
func TestRenderImage(t *testing.T) {
	const pic = "https://bot.example/img/card.en.0123456789abcdef.png"
	menu := []dialogs.Choice{{Label: "Main menu", Payload: "menu"}}
	long := strings.Repeat("字", maxTextRunes+10)
	tests := []struct {
		name    string
		replies []dialogs.Reply
		want    []string // message types, "image" with the expected URL checked
	}{
		{"picture after its text", []dialogs.Reply{{Text: "Where is the number", Image: &dialogs.Image{URL: pic}, Choices: menu}}, []string{"text", "image"}},
		{"http refused", []dialogs.Reply{{Text: "a", Image: &dialogs.Image{URL: "http://bot.example/img/card.png"}}}, []string{"text"}},
		{"too long refused", []dialogs.Reply{{Text: "a", Image: &dialogs.Image{URL: "https://bot.example/" + strings.Repeat("a", maxImageURL)}}}, []string{"text"}},
		{"two picture replies", []dialogs.Reply{{Text: "a", Image: &dialogs.Image{URL: pic}}, {Text: "b", Image: &dialogs.Image{URL: pic}}}, []string{"text", "image", "text", "image"}},
		{"pictures give way", []dialogs.Reply{{Text: "a", Image: &dialogs.Image{URL: pic}}, {Text: "b"}, {Text: "c"}, {Text: "d", Image: &dialogs.Image{URL: pic}}}, []string{"text", "image", "text", "text", "text"}},
		{"long texts keep the limit", []dialogs.Reply{{Text: long, Image: &dialogs.Image{URL: pic}}, {Text: long}, {Text: long, Image: &dialogs.Image{URL: pic}}}, []string{"text", "text", "text", "text", "text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, msgs := range [][]messaging_api.MessageInterface{render(tt.replies), (&renderCache{}).get(tt.replies)} {
				raw, err := json.Marshal(msgs)
				if err != nil {
					t.Fatal(err)
				}
				var got []map[string]any
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatal(err)
				}
				var types []string
				for _, m := range got {
					types = append(types, m["type"].(string))
					if m["type"] == "image" && (m["originalContentUrl"] != pic || m["previewImageUrl"] != pic) {
						t.Errorf("image message %v, want both URLs %s", m, pic)
					}
				}
				if strings.Join(types, ",") != strings.Join(tt.want, ",") {
					t.Errorf("got messages %v, want %v", types, tt.want)
				}
				if len(got) > maxMessages {
					t.Errorf("got %d messages, over LINE's %d", len(got), maxMessages)
				}
				if tt.replies[0].Choices != nil {
					if _, ok := got[len(got)-1]["quickReply"]; !ok {
						t.Errorf("no quick reply on the last message %v", got[len(got)-1])
					}
				}
			}
		})
	}
}
