// Command genglyphs writes art's glyph subset: every character of
// bot/art/data/*.toml that the Go fonts lack, rasterised from the fonts given
// (by default Debian's fonts-noto-cjk, fonts-tlwg-loma-ttf and
// fonts-dejavu-core), so that the binary carries a few hundred bitmaps
// instead of whole CJK and Thai fonts. Run by `go generate ./art`:
//
//	apt-get install fonts-noto-cjk fonts-tlwg-loma-ttf
//	go generate ./art
//
// A character no font has fails the run.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/BurntSushi/toml"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/vaxbot/vaxbot/bot/art/internal/glyphs"
)

// em is the size the glyphs are rasterised at, in pixels; art scales them
// down to the sizes it draws.
const em = 64

const defaultFonts = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#Noto Sans CJK TC," +
	"/usr/share/fonts/truetype/tlwg/Loma.ttf," +
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

func main() {
	out := flag.String("out", "glyphs.bin", "the file to write")
	data := flag.String("data", "data", "the folder of the label files")
	fonts := flag.String("fonts", defaultFonts, "comma-separated font files to take glyphs from, in order (FILE#NAME picks a font of a collection)")
	flag.Parse()
	if err := run(*out, *data, strings.Split(*fonts, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "genglyphs:", err)
		os.Exit(1)
	}
}

func run(out, data string, fontSpecs []string) error {
	need, err := missingRunes(data)
	if err != nil {
		return err
	}
	var faces []*source
	for _, spec := range fontSpecs {
		s, err := open(spec)
		if err != nil {
			return err
		}
		faces = append(faces, s)
	}
	set := &glyphs.Set{Em: em, Glyphs: map[rune]glyphs.Glyph{}}
	for _, r := range need {
		g, ok := rasterise(faces, r)
		if !ok {
			return fmt.Errorf("no font has %q (U+%04X)", r, r)
		}
		set.Glyphs[r] = g
	}
	var buf bytes.Buffer
	if err := glyphs.Write(&buf, set); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("genglyphs: %d glyphs, %d bytes, in %s\n", len(set.Glyphs), buf.Len(), out)
	return nil
}

// missingRunes are the characters of the label files that one of the Go
// fonts art draws with lacks, in order.
func missingRunes(data string) ([]rune, error) {
	files, err := filepath.Glob(filepath.Join(data, "*.toml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no label files in %s", data)
	}
	var goFonts []*sfnt.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF, gomonobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			return nil, err
		}
		goFonts = append(goFonts, f)
	}
	seen := map[rune]bool{}
	for _, name := range files {
		var m map[string]map[string]string
		if _, err := toml.DecodeFile(name, &m); err != nil {
			return nil, err
		}
		for _, texts := range m {
			for _, t := range texts {
				for _, r := range t {
					if unicode.IsSpace(r) || seen[r] {
						continue
					}
					for _, f := range goFonts {
						if i, _ := f.GlyphIndex(nil, r); i == 0 {
							seen[r] = true
							break
						}
					}
				}
			}
		}
	}
	out := make([]rune, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

type source struct {
	font *sfnt.Font
	face font.Face
}

func open(spec string) (*source, error) {
	file, want, _ := strings.Cut(spec, "#")
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%w (apt-get install fonts-noto-cjk fonts-tlwg-loma-ttf, or -fonts)", err)
	}
	c, err := opentype.ParseCollection(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var f *sfnt.Font
	for i := range c.NumFonts() {
		g, err := c.Font(i)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		name, _ := g.Name(nil, sfnt.NameIDFull)
		if want == "" || strings.Contains(name, want) {
			f = g
			break
		}
	}
	if f == nil {
		return nil, fmt.Errorf("%s: no font named %q", file, want)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: em, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	return &source{font: f, face: face}, nil
}

func rasterise(sources []*source, r rune) (glyphs.Glyph, bool) {
	for _, s := range sources {
		if i, _ := s.font.GlyphIndex(nil, r); i == 0 {
			continue
		}
		dr, mask, maskp, adv, ok := s.face.Glyph(fixed.Point26_6{}, r)
		if !ok {
			continue
		}
		m := image.NewAlpha(dr)
		draw.Draw(m, dr, mask, maskp, draw.Src)
		return glyphs.Glyph{Rune: r, Advance: int32(adv), Mask: m}, true
	}
	return glyphs.Glyph{}, false
}
