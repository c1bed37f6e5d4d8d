package knowledge

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// replacerTables are the pairs of the Thai replacers, each with the
// replacer built from them.
var replacerTables = []struct {
	name  string
	pairs []string
	r     *replacer
}{
	{"thaiMarkedVariants", thaiMarkedPairs, thaiMarkedVariants},
	{"thaiVariants", thaiVariantPairs, thaiVariants},
	{"thaiNames", thaiNamePairs, thaiNames},
}

// checkReplacer fails t when a Thai replacer replaces in s other than
// strings.Replacer does with the same pairs.
func checkReplacer(t *testing.T, s string) {
	t.Helper()
	for _, tt := range replacerTables {
		want := strings.NewReplacer(tt.pairs...).Replace(s)
		if got := tt.r.Replace(s); got != want {
			t.Fatalf("%s.Replace(%q) = %q, strings.Replacer gives %q", tt.name, s, got, want)
		}
	}
}

// TestReplacerIsStringsReplacer: the Thai replacers give what
// strings.Replacer gives, on texts made of their old and new strings (one
// inside, before or after another, cut in the middle) and of other
// characters, Thai and not.
func TestReplacerIsStringsReplacer(t *testing.T) {
	var parts []string
	for _, tt := range replacerTables {
		parts = append(parts, tt.pairs...)
	}
	parts = append(parts, "บัตร", "ไหม", "่", "้", " ", "arc", "健保卡", "\xe0", "\xe0\xb8", "ก", "ค่ะ")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(6) + 1 {
			p := parts[rng.IntN(len(parts))]
			if rng.IntN(4) == 0 {
				p = p[rng.IntN(len(p)+1):]
			}
			b.WriteString(p)
		}
		checkReplacer(t, b.String())
	}
	for _, p := range parts {
		checkReplacer(t, p)
	}
}

// FuzzReplacerIsStringsReplacer: the Thai replacers give what
// strings.Replacer gives, for any text.
func FuzzReplacerIsStringsReplacer(f *testing.F) {
	for _, seed := range []string{
		"", "บ่มีบัตร", "เบอร์บัตรหมออยู่ไหน", "แอพพลิเคชั่นแอพ", "อาร์ซีหมายเลข", "ได้หรือไม่ได้หรือไม่", "\xe0\xb8บ่", "arc บัตร",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) { checkReplacer(t, s) })
}
