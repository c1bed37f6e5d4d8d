package art

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/knowledge"
)

// TestCard checks each language's picture: its size, the highlight
// around the card number only in the lower-left quarter, and text drawn
// in the title band and in the number's box. VAXBOT_ART_OUT=DIR writes the
// PNGs there (the README's pictures).
func TestCard(t *testing.T) {
	out := os.Getenv("VAXBOT_ART_OUT")
	seen := map[string]knowledge.Lang{}
	for _, lang := range knowledge.Langs {
		t.Run(string(lang), func(t *testing.T) {
			raw, err := CardPNG(lang)
			if err != nil {
				t.Fatal(err)
			}
			if out != "" {
				if err := os.WriteFile(filepath.Join(out, "card."+string(lang)+".png"), raw, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// LINE takes an image up to 10 MB and a preview up to 1 MB;
			// the same file serves as both.
			if len(raw) > 1<<20 {
				t.Errorf("PNG is %d bytes, over LINE's 1 MB preview limit", len(raw))
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := img.Bounds(); got != image.Rect(0, 0, CardWidth, CardHeight) {
				t.Fatalf("got size %v, want %dx%d", got, CardWidth, CardHeight)
			}
			lowerLeft := image.Rect(0, CardHeight/2, CardWidth/2, CardHeight)
			inside, outside := 0, 0
			for y := 0; y < CardHeight; y++ {
				for x := 0; x < CardWidth; x++ {
					r, g, b, _ := img.At(x, y).RGBA()
					if uint8(r>>8) == Highlight.R && uint8(g>>8) == Highlight.G && uint8(b>>8) == Highlight.B {
						if (image.Point{x, y}).In(lowerLeft) {
							inside++
						} else {
							outside++
						}
					}
				}
			}
			if inside < 2*(NumberBox.Dx()+NumberBox.Dy()) || outside > 0 {
				t.Errorf("highlight: got %d pixels in the lower-left quarter and %d elsewhere, want a frame there only", inside, outside)
			}
			// Text: ink in the number's box beyond its fill, white in the
			// title band beyond its fill.
			if n := count(img, NumberBox.Inset(8), func(r, g, b uint8) bool { return r < 0x80 && g < 0x80 && b < 0x80 }); n < 500 {
				t.Errorf("got %d dark pixels in the number's box, want its label and sample drawn", n)
			}
			band := image.Rect(20, 20, CardWidth-20, 120)
			if n := count(img, band, func(r, g, b uint8) bool { return r > 0xf0 && g > 0xf0 && b > 0xf0 }); n < 500 {
				t.Errorf("got %d white pixels in the title band, want the title drawn", n)
			}
			sum := string(raw)
			if other, ok := seen[sum]; ok {
				t.Errorf("the picture is the same as %s's", other)
			}
			seen[sum] = lang
		})
	}
}

func count(img image.Image, r image.Rectangle, match func(r, g, b uint8) bool) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if match(uint8(cr>>8), uint8(cg>>8), uint8(cb>>8)) {
				n++
			}
		}
	}
	return n
}

// TestGlyphsCoverLabels: every character of every label can be drawn, by
// the Go fonts or from glyphs.bin; a label changed without `go generate
// ./bot/art` fails here.
func TestGlyphsCoverLabels(t *testing.T) {
	texts, err := AllText()
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range texts {
		missing, err := Has(text)
		if err != nil {
			t.Fatal(err)
		}
		if len(missing) > 0 {
			t.Errorf("%q: no glyph for %q: run go generate ./bot/art", text, string(missing))
		}
	}
	if len(glyphFile) > 256<<10 {
		t.Errorf("glyphs.bin is %d bytes; the subset should stay small", len(glyphFile))
	}
}

func TestLabelsChecked(t *testing.T) {
	if _, err := cardLabels(); err != nil {
		t.Fatalf("shipped labels: %v", err)
	}
	full := func(key string) string {
		var b strings.Builder
		b.WriteString("[" + key + "]\n")
		for _, l := range knowledge.Langs {
			b.WriteString(`"` + string(l) + `" = "x"` + "\n")
		}
		return b.String()
	}
	tests := []struct {
		name, file string
		keys       []string
		want       string
	}{
		{"ok", full("a"), []string{"a"}, ""},
		{"missing key", full("a"), []string{"a", "b"}, `key "b" missing`},
		{"unknown key", full("a") + full("c"), []string{"a"}, `key "c" is not drawn`},
		{"missing language", "[a]\n\"zh-TW\" = \"x\"\n", []string{"a"}, "text missing"},
		{"unknown language", strings.Replace(full("a"), `"en" = "x"`, `"en" = "x"`+"\nfr = \"x\"", 1), []string{"a"}, "unknown language"},
	}
	for _, tt := range tests {
		_, err := parseLabels("test", []byte(tt.file), tt.keys)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}
