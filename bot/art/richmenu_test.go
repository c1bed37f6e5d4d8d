package art

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/vaxbot/vaxbot/knowledge"
)

// TestRichMenu: each language's menu is LINE's large size, under LINE's
// 1 MB, with white words drawn on every one of its six tiles, and a chat
// bar text of at most 14 characters.
func TestRichMenu(t *testing.T) {
	out := os.Getenv("VAXBOT_ART_OUT")
	for _, lang := range knowledge.Langs {
		t.Run(string(lang), func(t *testing.T) {
			raw, err := RichMenuPNG(lang)
			if err != nil {
				t.Fatal(err)
			}
			if out != "" {
				os.WriteFile(filepath.Join(out, "richmenu."+string(lang)+".png"), raw, 0o644)
			}
			if len(raw) > 1<<20 {
				t.Errorf("PNG is %d bytes, over LINE's 1 MB", len(raw))
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, RichMenuWidth, RichMenuHeight) {
				t.Fatalf("size %v", img.Bounds())
			}
			areas := RichMenuAreas()
			if len(areas) != len(RichMenuKeys) {
				t.Fatalf("%d areas for %d keys", len(areas), len(RichMenuKeys))
			}
			for i, r := range areas {
				if n := count(img, r.Inset(20), func(r, g, b uint8) bool { return r > 0xf0 && g > 0xf0 && b > 0xf0 }); n < 2000 {
					t.Errorf("area %s: %d white pixels, want its words", RichMenuKeys[i], n)
				}
			}
			bar, err := RichMenuChatBar(lang)
			if err != nil || bar == "" || utf8.RuneCountInString(bar) > 14 {
				t.Errorf("chat bar %q (%v)", bar, err)
			}
		})
	}
}
