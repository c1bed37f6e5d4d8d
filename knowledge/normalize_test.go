package knowledge

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// checkNormal fails t when quickCheck says that NFKC, NFC or
// strings.ToLower leave s as it is and they do not, or when NFKCLower
// gives other than they do.
func checkNormal(t *testing.T, s string) {
	t.Helper()
	nfkc, lower := quickCheck(s)
	if nfkc {
		if got := norm.NFKC.String(s); got != s {
			t.Fatalf("quickCheck(%q) passes, but NFKC gives %q", s, got)
		}
		if !norm.NFC.IsNormalString(s) {
			t.Fatalf("quickCheck(%q) passes, but it is not NFC", s)
		}
	}
	if got := strings.ToLower(s); lower && got != s {
		t.Fatalf("quickCheck(%q) says lower case, but ToLower gives %q", s, got)
	}
	if got, want := NFKCLower(s), strings.ToLower(norm.NFKC.String(s)); got != want {
		t.Fatalf("NFKCLower(%q) = %q, want %q", s, got, want)
	}
}

// TestQuickCheck: quickCheck and NFKCLower agree with norm and
// strings.ToLower on every rune of the Basic Multilingual Plane alone, on
// 200 000 strings of two to five runes that pass the quick check, and on
// as many of Thai, Latin, full-width and combining characters; and the
// usual text of questions passes.
func TestQuickCheck(t *testing.T) {
	for c := range rune(utf8.RuneSelf) {
		if runeInfo().info[c]&runeNFKC == 0 {
			t.Fatalf("%U: ASCII not runeNFKC, as quickCheck takes for granted", c)
		}
	}
	var runes []rune
	for r := range rune(0x10000) {
		if utf8.ValidRune(r) {
			checkNormal(t, string(r))
		}
		if runeInfo().info[r]&runeNFKC != 0 {
			runes = append(runes, r)
		}
	}
	mixed := []rune("aAoôốỐ\u0301\u0323\u0302ｃＡ，？！　ำ\u0e4d\u0e32กุู้่健號ﬁ²½ÅK\u212b\u1100\u1161\u11a8가")
	for r := rune(0x0E01); r <= 0x0E7F; r++ {
		mixed = append(mixed, r)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		var b, m strings.Builder
		for range rng.IntN(4) + 2 {
			b.WriteRune(runes[rng.IntN(len(runes))])
			m.WriteRune(mixed[rng.IntN(len(mixed))])
		}
		checkNormal(t, b.String())
		checkNormal(t, m.String())
	}
	// Runs of marks in order, short and long enough for norm to cut.
	for _, n := range []int{5, 19, 20, 21, 29, 30, 31, 40} {
		checkNormal(t, "ก"+strings.Repeat("\u0e38", n)+"\u0e48")
		checkNormal(t, "ก"+strings.Repeat("\u0e38", n)+"ำ")
	}
	for _, s := range []string{"健保卡號在哪裡", "where is my card number", "ic卡 12碼", "เลขบัตรประกันสุขภาพอยู่ตรงไหน", "số thẻ bảo hiểm"} {
		if nfkc, lower := quickCheck(s); !nfkc || !lower {
			t.Errorf("quickCheck(%q) = %v, %v", s, nfkc, lower)
		}
	}
	for _, s := range []string{"ｃａｒｄ", "\xff", "e\u0301", "ำ", "\U0001F600", "ก\u0e48\u0e38"} {
		if nfkc, _ := quickCheck(s); nfkc {
			t.Errorf("quickCheck(%q) passes", s)
		}
	}
}

// FuzzQuickCheck: quickCheck and NFKCLower agree with norm and
// strings.ToLower on any text.
func FuzzQuickCheck(f *testing.F) {
	for _, seed := range []string{"健保卡號", "card", "Card", "ｃａｒｄ", "e\u0301", "\u0e4d\u0e32", "คำถาม，", "ก\u0e48\u0e38", "\xff", "ARC？"} {
		f.Add(seed)
	}
	f.Fuzz(checkNormal)
}

// TestThaiMarksCompose: no Thai vowel or tone mark composes with a rune
// before it that passes the quick check, as runeNFKC takes for granted:
// every pair of such a rune of the Basic Multilingual Plane and a Thai
// mark with a combining class is checked.
func TestThaiMarksCompose(t *testing.T) {
	var marks []rune
	for r := rune(0x0E01); r <= 0x0E7F; r++ {
		if in := runeInfo().info[r]; in&runeNFKC != 0 && in>>8 != 0 {
			marks = append(marks, r)
		}
	}
	if len(marks) == 0 {
		t.Fatal("no Thai mark with a combining class")
	}
	for r := range rune(0x10000) {
		if runeInfo().info[r]&runeNFKC == 0 {
			continue
		}
		for _, m := range marks {
			checkNormal(t, string(r)+string(m))
		}
	}
}
