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
