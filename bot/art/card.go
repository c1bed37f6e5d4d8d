package art

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"github.com/vaxbot/vaxbot/knowledge"
)

// The card picture's size: an ID-1 card's proportions (85.6 × 54 mm) at
// a width LINE and Telegram show sharply.
const (
	CardWidth  = 1040
	CardHeight = 656
)

// NumberBox is where the picture highlights the card number: the lower
// left, as on the real card.
var NumberBox = image.Rect(44, 470, 500, 628)

// The card's colours. Highlight is used for the number's frame and
// nowhere else, so a test can find it.
var (
	background = color.RGBA{0xff, 0xff, 0xff, 0xff}
	cardFace   = color.RGBA{0xe6, 0xf0, 0xf7, 0xff}
	cardEdge   = color.RGBA{0x6f, 0x93, 0xbf, 0xff}
	header     = color.RGBA{0x2b, 0x5f, 0x93, 0xff}
	white      = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ink        = color.RGBA{0x33, 0x3d, 0x47, 0xff}
	placeBar   = color.RGBA{0xb9, 0xc7, 0xd4, 0xff}
	photoBox   = color.RGBA{0xcf, 0xd9, 0xe2, 0xff}
	chipGold   = color.RGBA{0xd9, 0xb4, 0x4a, 0xff}
	chipLine   = color.RGBA{0xa8, 0x86, 0x2a, 0xff}
	markFill   = color.RGBA{0xff, 0xf2, 0xa8, 0xff}
	// Highlight is the colour of the frame around the card number.
	Highlight = color.RGBA{0xe0, 0x1e, 0x37, 0xff}
)

// Card draws the schematic front of an NHI card in lang: an
// illustration, marked as one, not the card's artwork.
func Card(lang knowledge.Lang) (*image.RGBA, error) {
	labels, err := cardLabels()
	if err != nil {
		return nil, err
	}
	f, err := theFonts()
	if err != nil {
		return nil, err
	}
	w := func(key string) string { return labels[key][lang] }
	if _, ok := labels[kTitle][lang]; !ok {
		return nil, fmt.Errorf("art: card: no words in %q", lang)
	}
	img := image.NewRGBA(image.Rect(0, 0, CardWidth, CardHeight))
	fill(img, img.Rect, background)
	body := image.Rect(12, 12, CardWidth-12, CardHeight-12)
	roundRect(img, body, 34, cardEdge)
	roundRect(img, body.Inset(4), 30, cardFace)
	// The header band with the title and the illustration mark.
	band := image.Rect(body.Min.X+4, body.Min.Y+4, body.Max.X-4, body.Min.Y+112)
	roundRect(img, band, 30, header)
	fill(img, image.Rect(band.Min.X, band.Min.Y+60, band.Max.X, band.Max.Y), header)
	ts := f.weight(bold, w(kTitle))
	size := f.fit(ts, 46, band.Dx()-72, w(kTitle))
	f.draw(img, ts, size, band.Min.X+36, band.Min.Y+68, w(kTitle), white)
	mark := w(kIllustration)
	msize := f.fit(regular, 24, band.Dx()-72, mark)
	f.draw(img, regular, msize, band.Max.X-36-f.measure(regular, msize, mark), band.Min.Y+100, mark, white)
	// The person's details: labels over grey bars (no made-up values).
	rows := []string{w(kName), w(kIDNumber), w(kBirth)}
	for i, label := range rows {
		y := 180 + i*82
		ls := f.fit(regular, 28, 560, label)
		f.draw(img, regular, ls, 64, y, label, ink)
		fill(img, image.Rect(64, y+14, 600-i*60, y+34), placeBar)
	}
	// The photo's place, on the right.
	photo := image.Rect(770, 150, 990, 430)
	fill(img, photo, photoBox)
	ps := f.fit(regular, 28, photo.Dx()-20, w(kPhoto))
	f.draw(img, regular, ps, photo.Min.X+(photo.Dx()-f.measure(regular, ps, w(kPhoto)))/2, photo.Min.Y+photo.Dy()/2+10, w(kPhoto), ink)
	// The chip.
	chip := image.Rect(640, 470, 740, 548)
	roundRect(img, chip, 12, chipGold)
	for _, x := range []int{chip.Min.X + 33, chip.Min.X + 66} {
		fill(img, image.Rect(x, chip.Min.Y+6, x+3, chip.Max.Y-6), chipLine)
	}
	fill(img, image.Rect(chip.Min.X+6, chip.Min.Y+38, chip.Max.X-6, chip.Min.Y+41), chipLine)
	// The card number at the lower left, highlighted.
	box := NumberBox
	fill(img, box, Highlight)
	fill(img, box.Inset(6), markFill)
	cn := w(kCardNumber)
	cw := f.weight(bold, cn)
	cs := f.fit(cw, 28, box.Dx()-40, cn)
	f.draw(img, cw, cs, box.Min.X+20, box.Min.Y+48, cn, ink)
	sample := w(kNumberSample)
	ss := f.fit(mono, 50, box.Dx()-40, sample)
	f.draw(img, mono, ss, box.Min.X+20, box.Max.Y-30, sample, ink)
	return img, nil
}

// CardPNG is Card encoded as PNG.
func CardPNG(lang knowledge.Lang) ([]byte, error) {
	img, err := Card(lang)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("art: card: %w", err)
	}
	return buf.Bytes(), nil
}

func fill(img draw.Image, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// roundRect fills r with corners of radius rad, their edges smoothed.
func roundRect(img *image.RGBA, r image.Rectangle, rad int, c color.RGBA) {
	fill(img, image.Rect(r.Min.X+rad, r.Min.Y, r.Max.X-rad, r.Max.Y), c)
	fill(img, image.Rect(r.Min.X, r.Min.Y+rad, r.Max.X, r.Max.Y-rad), c)
	centres := []image.Point{
		{r.Min.X + rad, r.Min.Y + rad}, {r.Max.X - rad, r.Min.Y + rad},
		{r.Min.X + rad, r.Max.Y - rad}, {r.Max.X - rad, r.Max.Y - rad},
	}
	for i, ctr := range centres {
		x0, y0 := r.Min.X, r.Min.Y
		if i%2 == 1 {
			x0 = r.Max.X - rad
		}
		if i >= 2 {
			y0 = r.Max.Y - rad
		}
		for y := y0; y < y0+rad; y++ {
			for x := x0; x < x0+rad; x++ {
				dx, dy := float64(x-ctr.X)+0.5, float64(y-ctr.Y)+0.5
				d := float64(rad) - math.Sqrt(dx*dx+dy*dy)
				switch {
				case d >= 1:
					img.SetRGBA(x, y, c)
				case d > 0:
					img.SetRGBA(x, y, blend(img.RGBAAt(x, y), c, d))
				}
			}
		}
	}
}

func blend(a, b color.RGBA, t float64) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}
