package knowledge

import (
	"strings"
	"testing"

	"github.com/longbridgeapp/opencc"
)

// FuzzSimplifierIsOpenCC: the Simplifier gives what opencc's t2s Convert
// gives, for any text.
func FuzzSimplifierIsOpenCC(f *testing.F) {
	s, err := NewSimplifier()
	if err != nil {
		f.Fatal(err)
	}
	cc, err := opencc.New("t2s")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"健保卡號在哪裡", "換了新居留證 健保APP還能用嗎", "乾隆皇帝 乾燥 幹部", "臺灣 台灣 臺北市", "頭髮 發展 後來 皇后",
		"my new ARC number", "thẻ bảo hiểm y tế", "บัตรประกันสุขภาพ", "", "\xff\xfe號", "🙂號碼",
		"這裡的麵包很好吃，著名的著作", "鍾愛 一鐘 瞭解 了解 乾淨", "\x01乾",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.ContainsFunc(in, func(r rune) bool { return r < ' ' }) {
			// opencc's trie lets a control byte lead into its entries
			// ("\x01乾" becomes "干干"); the Simplifier leaves them alone.
			if got := s.Convert(in); controls(got) != controls(in) {
				t.Fatalf("Convert(%q) = %q: a control character lost", in, got)
			}
			return
		}
		want, err := cc.Convert(in)
		if err != nil {
			t.Skip()
		}
		if got := s.Convert(in); got != want {
			t.Fatalf("Convert(%q) = %q, opencc gives %q", in, got, want)
		}
	})
}

// controls counts the control characters of s.
func controls(s string) (n int) {
	for _, r := range s {
		if r < ' ' {
			n++
		}
	}
	return n
}

// BenchmarkSimplify folds a Traditional question, with the Simplifier and
// with opencc's Convert.
func BenchmarkSimplify(b *testing.B) {
	const text = "換了新居留證 健保APP還能用嗎 卡號在健保卡哪邊"
	s, err := NewSimplifier()
	if err != nil {
		b.Fatal(err)
	}
	cc, _ := opencc.New("t2s")
	b.Run("simplifier", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.Convert(text)
		}
	})
	b.Run("opencc", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cc.Convert(text)
		}
	})
}
