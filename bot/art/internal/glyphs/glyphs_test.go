package glyphs

import (
	"bytes"
	"image"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	m := image.NewAlpha(image.Rect(-2, -5, 3, 1))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	in := &Set{Em: 64, Glyphs: map[rune]Glyph{'健': {Rune: '健', Advance: 64 * 64, Mask: m}, 'ก': {Rune: 'ก', Advance: 10, Mask: image.NewAlpha(image.Rect(0, 0, 0, 0))}}}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if out.Em != 64 || len(out.Glyphs) != 2 {
		t.Fatalf("got em %d and %d glyphs", out.Em, len(out.Glyphs))
	}
	g := out.Glyphs['健']
	if g.Advance != 64*64 || g.Mask.Rect != m.Rect || !bytes.Equal(g.Mask.Pix, m.Pix) {
		t.Errorf("got %+v, want %+v", g, in.Glyphs['健'])
	}
	if _, err := Read(bytes.NewReader([]byte("not gzip"))); err == nil {
		t.Error("garbage read without an error")
	}
}
