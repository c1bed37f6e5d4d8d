// Package glyphs is the format of art's glyph subset (glyphs.bin): the
// bitmaps of the characters the Go fonts lack, rasterised once by
// genglyphs and read by art at start-up.
//
// The file is gzip of: "VXG1", the em size in pixels (uint16), the count
// (uint32), then per glyph its rune (int32), advance in 1/64 pixel
// (int32), the bitmap's offset from the pen position and its size (int16
// x, y, width, height), and width×height bytes of coverage.
package glyphs

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"sort"
)

const magic = "VXG1"

// Glyph is one character's bitmap at the set's em size.
type Glyph struct {
	Rune rune
	// Advance is how far the pen moves, in 1/64 pixel.
	Advance int32
	// Mask is the coverage; its Rect is relative to the pen position on
	// the baseline (Min.Y negative above it).
	Mask *image.Alpha
}

// Set is a glyph subset.
type Set struct {
	Em     int
	Glyphs map[rune]Glyph
}

// Write encodes s to w, glyphs in rune order (so the file is the same for
// the same glyphs).
func Write(w io.Writer, s *Set) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	runes := make([]rune, 0, len(s.Glyphs))
	for r := range s.Glyphs {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	bw.WriteString(magic)
	put := func(v any) { binary.Write(bw, binary.LittleEndian, v) }
	put(uint16(s.Em))
	put(uint32(len(runes)))
	for _, r := range runes {
		g := s.Glyphs[r]
		b := g.Mask.Rect
		put(int32(r))
		put(g.Advance)
		put([4]int16{int16(b.Min.X), int16(b.Min.Y), int16(b.Dx()), int16(b.Dy())})
		for y := b.Min.Y; y < b.Max.Y; y++ {
			i := g.Mask.PixOffset(b.Min.X, y)
			bw.Write(g.Mask.Pix[i : i+b.Dx()])
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// Read decodes a glyph subset.
func Read(r io.Reader) (*Set, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("glyphs: %w", err)
	}
	br := bufio.NewReader(zr)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(br, head); err != nil || string(head) != magic {
		return nil, errors.New("glyphs: not a glyph file")
	}
	var em uint16
	var n uint32
	if err := binary.Read(br, binary.LittleEndian, &em); err != nil {
		return nil, fmt.Errorf("glyphs: %w", err)
	}
	if err := binary.Read(br, binary.LittleEndian, &n); err != nil {
		return nil, fmt.Errorf("glyphs: %w", err)
	}
	s := &Set{Em: int(em), Glyphs: make(map[rune]Glyph, n)}
	for range n {
		var r, adv int32
		var box [4]int16
		for _, v := range []any{&r, &adv, &box} {
			if err := binary.Read(br, binary.LittleEndian, v); err != nil {
				return nil, fmt.Errorf("glyphs: %w", err)
			}
		}
		if box[2] < 0 || box[3] < 0 {
			return nil, errors.New("glyphs: negative size")
		}
		rect := image.Rect(int(box[0]), int(box[1]), int(box[0])+int(box[2]), int(box[1])+int(box[3]))
		m := image.NewAlpha(rect)
		if _, err := io.ReadFull(br, m.Pix); err != nil {
			return nil, fmt.Errorf("glyphs: %w", err)
		}
		s.Glyphs[rune(r)] = Glyph{Rune: rune(r), Advance: adv, Mask: m}
	}
	return s, nil
}
