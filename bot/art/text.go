package art

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/vaxbot/vaxbot/bot/art/internal/glyphs"
)

//go:embed glyphs.bin
var glyphFile []byte

// style is a typeface of the Go fonts: regular, bold or monospaced bold.
type style int

const (
	regular style = iota
	bold
	mono
)

var goTTF = [...][]byte{regular: goregular.TTF, bold: gobold.TTF, mono: gomonobold.TTF}

// fonts are the Go fonts and the glyph subset, parsed once.
type fonts struct {
	goFonts [len(goTTF)]*sfnt.Font
	subset  *glyphs.Set
	mu      sync.Mutex
	faces   map[faceKey]font.Face
}

type faceKey struct {
	s    style
	size float64
}

var (
	loadOnce  sync.Once
	loaded    *fonts
	loadError error
)

// theFonts parses the Go fonts and glyphs.bin once.
func theFonts() (*fonts, error) {
	loadOnce.Do(func() {
		f := &fonts{faces: map[faceKey]font.Face{}}
		for i, ttf := range goTTF {
			p, err := sfnt.Parse(ttf)
			if err != nil {
				loadError = fmt.Errorf("art: go font: %w", err)
				return
			}
			f.goFonts[i] = p
		}
		set, err := glyphs.Read(bytes.NewReader(glyphFile))
		if err != nil {
			loadError = fmt.Errorf("art: glyphs.bin: %w", err)
			return
		}
		f.subset = set
		loaded = f
	})
	return loaded, loadError
}

// face is the Go font face of s at size pixels. A face is not safe for
// concurrent use: callers hold f.mu.
func (f *fonts) face(s style, size float64) font.Face {
	k := faceKey{s, size}
	if fc, ok := f.faces[k]; ok {
		return fc
	}
	fc, err := opentype.NewFace(f.goFonts[s], &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err) // the embedded Go fonts always make a face
	}
	f.faces[k] = fc
	return fc
}

// inGoFont reports whether the Go font of s has r.
func (f *fonts) inGoFont(s style, r rune) bool {
	i, _ := f.goFonts[s].GlyphIndex(nil, r)
	return i != 0
}

// Has reports whether every character of text can be drawn in every style:
// by the Go fonts or from the glyph subset.
func Has(text string) (missing []rune, err error) {
	f, err := theFonts()
	if err != nil {
		return nil, err
	}
	for _, r := range text {
		if r == ' ' || r == '\n' {
			continue
		}
		if _, ok := f.subset.Glyphs[r]; ok {
			continue
		}
		for s := range goTTF {
			if !f.inGoFont(style(s), r) {
				missing = append(missing, r)
				break
			}
		}
	}
	return missing, nil
}

// weight is s, or regular when the Go font of s lacks a character of
// text (one drawn from the single-weight subset): one line never mixes a
// bold face with regular glyphs.
func (f *fonts) weight(s style, text string) style {
	for _, r := range text {
		if r != ' ' && !f.inGoFont(s, r) {
			return regular
		}
	}
	return s
}

// measure is the width of text in s at size, in pixels.
func (f *fonts) measure(s style, size float64, text string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.run(nil, s, size, 0, 0, text, nil).Ceil()
}

// draw draws text with its baseline's left end at (x, y) and returns its
// width.
func (f *fonts) draw(dst draw.Image, s style, size float64, x, y int, text string, c color.Color) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.run(dst, s, size, x, y, text, image.NewUniform(c)).Ceil()
}

// run lays out (and, with dst, draws) text: each character from the Go
// font when it has it, else from the subset scaled to size. It returns
// the advance.
func (f *fonts) run(dst draw.Image, s style, size float64, x, y int, text string, src image.Image) fixed.Int26_6 {
	fc := f.face(s, size)
	dot := fixed.P(x, y)
	start := dot.X
	prev := rune(-1)
	for _, r := range text {
		if f.inGoFont(s, r) || (r == ' ' && f.subset.Glyphs[r].Mask == nil) {
			if prev >= 0 {
				dot.X += fc.Kern(prev, r)
			}
			dr, mask, maskp, adv, ok := fc.Glyph(dot, r)
			if ok && dst != nil {
				draw.DrawMask(dst, dr, src, image.Point{}, mask, maskp, draw.Over)
			}
			dot.X += adv
			prev = r
			continue
		}
		prev = -1
		g, ok := f.subset.Glyphs[r]
		if !ok {
			continue // Has and the tests keep this from happening
		}
		scale := size / float64(f.subset.Em)
		if dst != nil && !g.Mask.Rect.Empty() {
			b := g.Mask.Rect
			px, py := dot.X.Round(), dot.Y.Round()
			dr := image.Rect(
				px+int(float64(b.Min.X)*scale), py+int(float64(b.Min.Y)*scale),
				px+int(float64(b.Max.X)*scale+0.999), py+int(float64(b.Max.Y)*scale+0.999),
			)
			m := image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
			xdraw.CatmullRom.Scale(m, m.Rect, g.Mask, b, xdraw.Src, nil)
			draw.DrawMask(dst, dr, src, image.Point{}, m, image.Point{}, draw.Over)
		}
		dot.X += fixed.Int26_6(float64(g.Advance) * scale)
	}
	return dot.X - start
}

// fit is the largest size up to size at which text is at most width
// pixels wide in s.
func (f *fonts) fit(s style, size float64, width int, text string) float64 {
	for size > 10 && f.measure(s, size, text) > width {
		size -= 1
	}
	return size
}
