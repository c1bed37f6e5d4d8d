package dialogs

import (
	"strings"
	"testing"
)

func TestCountyIn(t *testing.T) {
	d, err := DefaultDirectory()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text, want string
		candidates int
	}{
		{"我住台中，要打給誰", "TXG", 0},
		{"我住臺中市北區", "TXG", 0},
		{"I live in TAIPEI, who do I call?", "TPE", 0},
		{"I live in New Taipei City", "NWT", 0},
		{"住在新竹", "", 2},
		{"chiayi", "", 2},
		{"我住在桃園", "TAO", 0},
		{"i live in taipeicity", "", 0}, // not a name on its own
		{"健保卡卡號在哪裡", "", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		c, cands := d.CountyIn(tt.text)
		if c.Code != tt.want || len(cands) != tt.candidates {
			t.Errorf("CountyIn(%q) = %q with %d candidates, want %q with %d", tt.text, c.Code, len(cands), tt.want, tt.candidates)
		}
	}
}

// countyInEveryRune is countyIn as it was before Directory.firsts: every
// rune of the text looked up in byFirst.
func (d *Directory) countyInEveryRune(t string) int {
	best, bestLen := -1, 0
	for i, r := range t {
		for _, k := range d.byFirst[r] {
			cn := d.names[k]
			if len(cn.name) < bestLen || !strings.HasPrefix(t[i:], cn.name) || !wordAt(t, i, cn.name) {
				continue
			}
			switch {
			case len(cn.name) > bestLen:
				best, bestLen = cn.county, len(cn.name)
			case best != cn.county:
				best = -2
			}
		}
	}
	return best
}

// FuzzCountyIn holds countyIn, which passes over the runes no name starts
// with, to the scan that looks every rune up.
func FuzzCountyIn(f *testing.F) {
	d, err := DefaultDirectory()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"我住台中", "taipei city", "新竹 新北", "臺南市安平區", "kaohsiung", "ｔａｉｐｅｉ", "台台中中"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lower := lowerNFKC(s)
		c, _ := d.countyIn(lower)
		want := d.countyInEveryRune(lower)
		got := -1
		for i, co := range d.counties {
			if co.Code == c.Code && c.Code != "" {
				got = i
			}
		}
		if want < 0 {
			want = -1
		}
		if got != want {
			t.Fatalf("countyIn(%q) = county %d, the every-rune scan %d", lower, got, want)
		}
	})
}
