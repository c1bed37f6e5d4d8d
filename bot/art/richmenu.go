package art

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"unicode"

	"github.com/vaxbot/vaxbot/knowledge"
)

// The rich menu's size: LINE's large menu, three areas by two.
const (
	RichMenuWidth  = 2500
	RichMenuHeight = 1686
)

// RichMenuKeys are the menu's areas, left to right and top to bottom:
// where the card number is, check my numbers, the new card, foreign
// residents, a person, the language.
var RichMenuKeys = []string{"card_number", "check", "new_card", "foreign", "person", "language"}

// richMenuChatBar is the key of the chat bar's text.
const richMenuChatBar = "chat_bar"

var tileColours = []color.RGBA{
	{0x2b, 0x5f, 0x93, 0xff}, {0x1f, 0x7a, 0x5c, 0xff}, {0x3d, 0x6f, 0xb8, 0xff},
	{0x6a, 0x4c, 0x93, 0xff}, {0xc0, 0x5a, 0x1f, 0xff}, {0x4a, 0x55, 0x61, 0xff},
}

// RichMenuAreas are the bounds of the areas, in RichMenuKeys' order.
func RichMenuAreas() []image.Rectangle {
	w, h := RichMenuWidth/3, RichMenuHeight/2
	out := make([]image.Rectangle, 0, 6)
	for row := range 2 {
		for col := range 3 {
			r := image.Rect(col*w, row*h, (col+1)*w, (row+1)*h)
			if col == 2 {
				r.Max.X = RichMenuWidth
			}
			out = append(out, r)
		}
	}
	return out
}

// RichMenuChatBar is the chat bar's text in lang.
func RichMenuChatBar(lang knowledge.Lang) (string, error) {
	l, err := LoadLabels("richmenu", append(RichMenuKeys[:len(RichMenuKeys):len(RichMenuKeys)], richMenuChatBar))
	if err != nil {
		return "", err
	}
	return l[richMenuChatBar][lang], nil
}

// RichMenu draws the rich menu in lang: six coloured tiles, each with its
// words in large white letters.
func RichMenu(lang knowledge.Lang) (*image.RGBA, error) {
	labels, err := LoadLabels("richmenu", append(RichMenuKeys[:len(RichMenuKeys):len(RichMenuKeys)], richMenuChatBar))
	if err != nil {
		return nil, err
	}
	f, err := theFonts()
	if err != nil {
		return nil, err
	}
	if _, ok := labels[RichMenuKeys[0]][lang]; !ok {
		return nil, fmt.Errorf("art: rich menu: no words in %q", lang)
	}
	img := image.NewRGBA(image.Rect(0, 0, RichMenuWidth, RichMenuHeight))
	for i, r := range RichMenuAreas() {
		fill(img, r, white)
		fill(img, r.Inset(6), tileColours[i])
		text := labels[RichMenuKeys[i]][lang]
		st := f.weight(bold, text)
		lines := wrap(f, st, text, r.Dx()-120, 110)
		size := 110.0
		for _, l := range lines {
			size = min(size, f.fit(st, 110, r.Dx()-120, l))
		}
		lineH := int(size * 1.35)
		y := r.Min.Y + (r.Dy()-lineH*len(lines))/2 + int(size)
		for _, l := range lines {
			x := r.Min.X + (r.Dx()-f.measure(st, size, l))/2
			f.draw(img, st, size, x, y, l, white)
			y += lineH
		}
	}
	return img, nil
}

// wrap breaks text into at most three lines that fit width at size: at
// spaces, or between characters for text without them (Chinese).
func wrap(f *fonts, s style, text string, width int, size float64) []string {
	var words []string
	if strings.Contains(text, " ") {
		words = strings.Fields(text)
	} else {
		for _, r := range text {
			if n := len(words); n > 0 && unicode.Is(unicode.Mn, r) {
				words[n-1] += string(r) // a mark stays with its letter
				continue
			}
			words = append(words, string(r))
		}
	}
	sep := " "
	if !strings.Contains(text, " ") {
		sep = ""
	}
	var lines []string
	cur := ""
	for _, w := range words {
		next := w
		if cur != "" {
			next = cur + sep + w
		}
		if cur != "" && f.measure(s, size, next) > width && len(lines) < 2 {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur = next
	}
	return append(lines, cur)
}

// RichMenuPNG is RichMenu encoded as PNG.
func RichMenuPNG(lang knowledge.Lang) ([]byte, error) {
	img, err := RichMenu(lang)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("art: rich menu: %w", err)
	}
	return buf.Bytes(), nil
}

// RichMenuTexts are the areas' words in lang, in RichMenuKeys' order.
func RichMenuTexts(lang knowledge.Lang) ([]string, error) {
	l, err := LoadLabels("richmenu", append(RichMenuKeys[:len(RichMenuKeys):len(RichMenuKeys)], richMenuChatBar))
	if err != nil {
		return nil, err
	}
	out := make([]string, len(RichMenuKeys))
	for i, k := range RichMenuKeys {
		out[i] = l[k][lang]
	}
	return out, nil
}
