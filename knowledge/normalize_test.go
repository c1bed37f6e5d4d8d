package knowledge

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// checkSettled fails t when settled(s) holds but NFKC, NFC or
// strings.ToLower would change s.
func checkSettled(t *testing.T, s string) {
	t.Helper()
	if !settled(s) {
		return
	}
	if got := norm.NFKC.String(s); got != s {
		t.Fatalf("settled(%q), but NFKC gives %q", s, got)
	}
	if !norm.NFC.IsNormalString(s) {
		t.Fatalf("settled(%q), but it is not NFC", s)
	}
	if got := strings.ToLower(s); got != s {
		t.Fatalf("settled(%q), but ToLower gives %q", s, got)
	}
}

// TestSettled: text made of settled runes is left as it is by NFKC, NFC
// and strings.ToLower: every settled rune alone, and 200 000 strings of
// two to five runes drawn from them; and the usual text of questions is
// settled, so fold skips both.
func TestSettled(t *testing.T) {
	var runes []rune
	for r := range rune(0x10000) {
		if runeInfo()[r]&runeSettled != 0 {
			runes = append(runes, r)
			checkSettled(t, string(r))
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var thai []rune // Thai letters and marks, with Latin ones
	for r := rune(0x0E01); r <= 0x0E7F; r++ {
		thai = append(thai, r)
	}
	thai = append(thai, 'a', 'o', 'ô', 'ố', '\u0301', '\u0323')
	for range 200000 {
		var b, th strings.Builder
		for range rng.IntN(4) + 2 {
			b.WriteRune(runes[rng.IntN(len(runes))])
			th.WriteRune(thai[rng.IntN(len(thai))])
		}
		checkSettled(t, b.String())
		checkSettled(t, th.String())
	}
	for _, s := range []string{"健保卡號在哪裡", "where is my card number", "ic卡 12碼", "เลขบัตรประกันสุขภาพอยู่ตรงไหน", "số thẻ bảo hiểm"} {
		if !settled(s) {
			t.Errorf("settled(%q) = false", s)
		}
	}
	for _, s := range []string{"ARC", "ｃａｒｄ", "\xff", "e\u0301", "ำ", "\U0001F600", "ก\u0e48\u0e38"} {
		if settled(s) {
			t.Errorf("settled(%q) = true", s)
		}
	}
}

// FuzzSettled: settled text is left as it is by NFKC, NFC and
// strings.ToLower.
func FuzzSettled(f *testing.F) {
	for _, seed := range []string{"健保卡號", "card", "Card", "ｃａｒｄ", "e\u0301", "\u0e4d\u0e32", "ก\u0e48\u0e38", "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if utf8.ValidString(s) {
			checkSettled(t, s)
		}
	})
}

// TestThaiMarksCompose: no Thai vowel or tone mark composes with a
// settled rune before it, as runeSettled takes for granted: every pair of
// a settled rune of the Basic Multilingual Plane and a Thai mark with a
// combining class is checked.
func TestThaiMarksCompose(t *testing.T) {
	var marks []rune
	for r := rune(0x0E01); r <= 0x0E7F; r++ {
		if runeInfo()[r]&runeSettled != 0 && runeInfo()[r]>>8 != 0 {
			marks = append(marks, r)
		}
	}
	if len(marks) == 0 {
		t.Fatal("no Thai mark with a combining class")
	}
	for r := range rune(0x10000) {
		if runeInfo()[r]&runeSettled == 0 {
			continue
		}
		for _, m := range marks {
			checkSettled(t, string(r)+string(m))
		}
	}
}
