package knowledge

import (
	"slices"
	"testing"
)

// TestThaiSynonymsWithoutToneMarks: Thai synonyms are found the way the
// Thai tokens are read, without tone marks on either side, so that a term
// typed without its tone mark (people type them loosely in chat) or with
// another one finds its group; other languages are not folded so.
func TestThaiSynonymsWithoutToneMarks(t *testing.T) {
	f, err := newFolder()
	if err != nil {
		t.Fatal(err)
	}
	groups := [][][]string{{{"บัตรเจี้ยนเป่า", "健保卡"}, {"ลบเลือน", "看不清楚"}}}
	th := &langIndex{langs: langGroup(Th), thai: true}
	th.buildSynonyms(f, groups)
	card := th.analyze(f, Th, "健保卡", nil)
	faded := th.analyze(f, Th, "看不清楚", nil)
	for _, q := range []string{
		"เลขบัตรเจี้ยนเป่าอยู่ไหน", // as the term
		"เลขบัตรเจียนเปาอยู่ไหน",   // without tone marks
		"เลขบัตรเจียนเป๋าอยู่ไหน",  // another tone mark
	} {
		if got := th.analyze(f, Th, q, nil); !slices.Contains(got, card[len(card)-1]) {
			t.Errorf("%q: no token of the NHI card group in %v", q, got)
		}
	}
	if got := th.analyze(f, Th, "เลขบัตรลบเลื่อนค่ะ", nil); !slices.Contains(got, faded[len(faded)-1]) {
		t.Errorf("a tone mark added: no token of the faded group in %v", got)
	}
	// The same groups in a matcher that is not Thai keep the tone marks.
	zh := &langIndex{langs: langGroup(ZhTW)}
	zh.buildSynonyms(f, groups)
	if got := zh.analyze(f, ZhTW, "เลขบัตรเจียนเปาอยู่ไหน", nil); slices.ContainsFunc(got, isSynToken) {
		t.Errorf("zh-TW matcher folded Thai tone marks: %v", got)
	}
}

func isSynToken(s string) bool { return len(s) > 4 && s[:4] == "~syn" }

// TestThaiVariants: the formal, Isan and loosely spelt ways of writing a
// word are read as the examples write it, without tone marks; a word that
// merely holds the letters of one (รับได้ holds บ and ได้, สถานีอนามัย
// holds มัย) is left alone.
func TestThaiVariants(t *testing.T) {
	f, err := newFolder()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ in, want string }{
		{"ดิฉันสามารถลงทะเบียนได้หรือไม่", "ลงทะเบียนได้ไหม"},
		{"บ่มีบัตรเจียนเป่า จองได้บ่", "ไม่มีบัตรเจียนเป่า จองได้ไหม"},
		{"เฮ็ดจั่งใด๋", "ทำยังไง"},
		{"แอพเจี้ยนเป่าล็อคอินไม่ได้", "แอปเจียนเป่าล็อกอินไม่ได้"},
		{"เบอร์บัตรหมออยู่ไส", "เลขบัตรประกันอยู่ไหน"},
		{"เลขอาร์ซีใหม่", "เลข arc ใหม่"},
		{"บัตรถิ่นที่อยู่ใบใหม่", "บัตรต่างด้าวใบใหม่"},
		{"รับได้ สถานีอนามัย", "รับได้ สถานีอนามัย"},
		{"健保卡 ARC", "健保卡 arc"},
	} {
		want := dropThaiToneMarksString(foldThai(tt.want))
		if got := foldThaiVariants(f.fold(tt.in)); got != want {
			t.Errorf("foldThaiVariants(%q) = %q, want %q", tt.in, got, want)
		}
	}
	// The matcher reads them so, in the tokens and in the synonyms.
	th := &langIndex{langs: langGroup(Th), thai: true}
	th.buildSynonyms(f, [][][]string{{{"เลขบัตร", "卡號"}}})
	if got := th.analyze(f, Th, "เบอร์บัตรอยู่ตรงไหน", nil); !slices.ContainsFunc(got, isSynToken) {
		t.Errorf("เบอร์บัตร: no token of the card number group in %v", got)
	}
}

// TestThaiSynonymTwin: in the Thai matcher a synonym group gives two terms,
// its token and its twin, once each however often its terms occur; in the
// other matchers one.
func TestThaiSynonymTwin(t *testing.T) {
	f, err := newFolder()
	if err != nil {
		t.Fatal(err)
	}
	groups := [][][]string{{{"เลขซ้ำ", "ซ้ำกับ", "duplicate"}}}
	for _, tt := range []struct {
		name string
		lang Lang
		thai bool
		text string
		want int
	}{
		{"thai", Th, true, "เลขซ้ำกับคนอื่น", 2},
		{"thai, two terms of the group", Th, true, "เลขซ้ำ ซ้ำกับคนอื่น", 2},
		{"thai, English term", Th, true, "duplicate number", 2},
		{"english", En, false, "duplicate number", 1},
		{"thai, no term", Th, true, "เลขบัตรอยู่ไหน", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			li := &langIndex{langs: langGroup(tt.lang), thai: tt.thai}
			li.buildSynonyms(f, groups)
			got := uniq(li.analyze(f, tt.lang, tt.text, nil))
			if n := len(slices.DeleteFunc(got, func(s string) bool { return !isSynToken(s) })); n != tt.want {
				t.Errorf("%q: got %d group terms, want %d", tt.text, n, tt.want)
			}
		})
	}
}

// TestCutThaiGreeting: the greeting that opens a longer Thai message is cut,
// with the particles after it; a greeting alone, or one inside the message,
// is left.
func TestCutThaiGreeting(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"greeting and particle", "สวัสดีค่ะ เลขบัตรอยู่ไหน", "เลขบัตรอยู่ไหน"},
		{"no space", "สวัสดีครับเลขบัตรอยู่ไหน", "เลขบัตรอยู่ไหน"},
		{"chat spelling", "หวัดดีจ้า บัตรหาย", "บัตรหาย"},
		{"particles in a row", "สวัสดีครับทุกคน, บัตรหาย", "บัตรหาย"},
		{"greeting alone", "สวัสดีค่ะ", "สวัสดีค่ะ"},
		{"greeting inside", "บัตรหาย สวัสดีค่ะ", "บัตรหาย สวัสดีค่ะ"},
		{"no greeting", "เลขบัตรอยู่ไหน", "เลขบัตรอยู่ไหน"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in, want := dropThaiToneMarksString(tt.in), dropThaiToneMarksString(tt.want)
			if got := cutThaiGreeting(in); got != want {
				t.Errorf("cutThaiGreeting(%q) = %q, want %q", in, got, want)
			}
		})
	}
}
