package knowledge

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// syntheticDir holds a small knowledge base written for these tests, not
// the shipped one: two items (q1, where the card number is; q2, when a new
// card can be used) and one topic (n_dose_timing), in zh-TW and English
// (cut down from data/) and in every language of i18n/, with real
// questions in each language.
const syntheticDir = "testdata/synthetic"

// syntheticFS returns the files of syntheticDir, to change in a test.
func syntheticFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(syntheticDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(syntheticDir + "/" + p)
		m[p] = &fstest.MapFile{Data: raw}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadLangsSynthetic(t *testing.T) {
	b, err := LoadLangs(syntheticFS(t), AllLangs)
	if err != nil {
		t.Fatalf("LoadLangs: %v", err)
	}
	if got := b.Langs(); !slices.Equal(got, AllLangs) {
		t.Errorf("Langs() = %q, want %q", got, AllLangs)
	}
	q1, _ := b.Item("q1")
	n, _ := b.Near("n_dose_timing")
	tests := []struct {
		name, got, want string
	}{
		{"vi title", q1.Title(Vi), "Số thẻ bảo hiểm y tế ở đâu"},
		{"th answer", q1.Answer(Th), "หมายเลขบัตรคือตัวเลข 12 หลักด้านหน้าบัตร ขึ้นต้นด้วย 0000"},
		{"tl topic title", n.Title(Tl), "Kailan ang ikalawang dose"},
		{"id topic spoken", n.Spoken(Id), "Untuk jadwal dosis kedua, silakan telepon 1 9 2 2."},
		{"zh-TW title unchanged", q1.Title(ZhTW), "健保卡卡號在哪裡"},
		{"id phrases", b.Phrases(Id).DidYouMean, "Apakah maksud Anda:"},
		{"th off-topic", b.Offtopic(Th)[0], "สวัสดี"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	for _, it := range b.Items() {
		for _, lang := range AllLangs {
			want := ReviewBackTranslation
			if lang == ZhTW || lang == En {
				want = ""
			}
			if got := it.Text[lang].Reviewed; got != want {
				t.Errorf("%s %s reviewed %q, want %q", it.ID, lang, got, want)
			}
			if n := len(it.Text[lang].Examples); n < MinExamples {
				t.Errorf("%s %s: %d examples", it.ID, lang, n)
			}
		}
	}
	if got := q1.Text[Vi].Synonyms; len(got) != 1 || got[0][0] != "thẻ bảo hiểm y tế" {
		t.Errorf("q1 vi synonyms = %q", got)
	}
	if len(q1.Synonyms) != 3 {
		t.Errorf("q1's own synonyms = %d groups, want the 3 of its file: a translation's groups stay in its Text", len(q1.Synonyms))
	}
}

// TestLoadReadsOnlyItsLanguages: with Langs (zh-TW and English) a
// missing, partial or broken translation is not read, so nothing breaks
// while the translators write; a language asked for must be whole.
func TestLoadReadsOnlyItsLanguages(t *testing.T) {
	fsys := syntheticFS(t)
	fsys["i18n/vi.toml"] = &fstest.MapFile{Data: []byte("[q1]\ntitle = \"half done\"\n")}
	delete(fsys, "i18n/th.toml")
	b, err := LoadLangs(fsys, []Lang{ZhTW, En})
	if err != nil {
		t.Fatalf("zh-TW and en: %v", err)
	}
	q1, _ := b.Item("q1")
	if _, ok := q1.Text[Vi]; ok || !slices.Equal(b.Langs(), []Lang{ZhTW, En}) {
		t.Errorf("zh-TW and en loaded Vietnamese: %q", b.Langs())
	}
	if _, err := LoadLangs(fsys, []Lang{ZhTW, En, Id, Tl}); err != nil {
		t.Errorf("zh-TW, en, id, tl: %v", err)
	}
	for _, tt := range []struct {
		lang Lang
		file string
	}{{Vi, "i18n/vi.toml"}, {Th, "i18n/th.toml"}} {
		_, err := LoadLangs(fsys, []Lang{ZhTW, En, tt.lang})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.file) {
			t.Errorf("%s: got %v, want an error naming %s", tt.lang, err, tt.file)
		}
	}
}

func TestLoadLangsRejectsLanguageLists(t *testing.T) {
	for _, tt := range []struct {
		name  string
		langs []Lang
	}{
		{"no English", []Lang{ZhTW, Vi}},
		{"no Chinese", []Lang{En}},
		{"unknown", []Lang{ZhTW, En, "fr"}},
		{"twice", []Lang{ZhTW, En, Th, Th}},
		{"none", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := LoadLangs(syntheticFS(t), tt.langs); err == nil {
				t.Errorf("LoadLangs(%q) succeeded", tt.langs)
			}
		})
	}
}

func TestLoadI18nRejectsBrokenFiles(t *testing.T) {
	fsys := syntheticFS(t)
	vi := string(fsys["i18n/vi.toml"].Data)
	section := func(s, from, to string) string {
		i, j := strings.Index(s, from), strings.Index(s, to)
		return s[:i] + s[j:]
	}
	tests := []struct {
		name      string
		file      string // "" deletes the file
		wantField string
	}{
		{"item missing", section(vi, "[q2]", "[n_dose_timing]"), "field q2: invalid knowledge file: item missing"},
		{"topic missing", section(vi, "[n_dose_timing]", "[offtopic]"), "field n_dose_timing"},
		{"reviewed missing", strings.Replace(vi, "reviewed = \"back-translation\"\n", "", 1), "field q1.reviewed"},
		{"reviewed otherwise", strings.Replace(vi, `reviewed = "back-translation"`, `reviewed = "machine"`, 1), "field q1.reviewed"},
		{"unknown id", strings.Replace(vi, "[q2]", "[q7]", 1), "field q7"},
		{"unknown field", strings.Replace(vi, `title = "Khi nào tiêm mũi hai"`, "title = \"Khi nào tiêm mũi hai\"\nfollowups = [\"verify\"]", 1), "field n_dose_timing.followups"},
		{"top-level key", "lang = \"vi\"\n" + vi, "field lang"},
		{"too few item examples", strings.Replace(vi, `"so the NHI la so nao",`, "", 1), "field q1.examples"},
		{"too few topic examples", strings.Replace(vi, `"second dose khi nào",`, "", 1), "field n_dose_timing.examples"},
		{"empty title", strings.Replace(vi, `title = "Thẻ mới bao lâu thì dùng được"`, `title = ""`, 1), "field q2.title"},
		{"empty answer", strings.Replace(vi, `answer = "Lịch tiêm mũi hai: xin gọi 1922."`, `answer = " "`, 1), "field n_dose_timing.answer"},
		{"no spoken answer", strings.Replace(vi, `spoken = "Lịch tiêm mũi hai, xin gọi 1 9 2 2."`, "", 1), "field n_dose_timing.spoken"},
		{"link in spoken answer", strings.Replace(vi, `spoken = "Lịch tiêm mũi hai, xin gọi 1 9 2 2."`, `spoken = "xem https://1922.gov.tw"`, 1), "field n_dose_timing.spoken"},
		{"markup in answer", strings.Replace(vi, `answer = "Lịch tiêm mũi hai: xin gọi 1922."`, `answer = "<b>1922</b>"`, 1), "field n_dose_timing.answer"},
		{"empty example", strings.Replace(vi, `"so the NHI la so nao"`, `" "`, 1), "field q1.examples[13]"},
		{"one-term synonym group", strings.Replace(vi, `synonyms = [["mũi", "liều", "dose"]]`, `synonyms = [["mũi"]]`, 1), "field n_dose_timing.synonyms[0]"},
		{"empty synonym", strings.Replace(vi, `"liều"`, `""`, 1), "field n_dose_timing.synonyms[0][1]"},
		{"off-topic missing", section(vi, "[offtopic]", "[phrases]"), "field offtopic"},
		{"off-topic empty", strings.Replace(vi, "[offtopic]\nexamples = [", "[offtopic]\nexamples = []\nx = [", 1), "field offtopic.examples"},
		{"off-topic unknown field", strings.Replace(vi, "[offtopic]\n", "[offtopic]\ntitle = \"x\"\n", 1), "field offtopic.title"},
		{"phrases missing", vi[:strings.Index(vi, "[phrases]")], "field phrases"},
		{"phrase empty", strings.Replace(vi, `see_also = "Bạn cũng có thể xem:"`, `see_also = ""`, 1), "field phrases.see_also"},
		{"phrases unknown field", vi + "goodbye = \"tạm biệt\"\n", "field phrases.goodbye"},
		{"not toml", "[q1\n", "i18n/vi.toml"},
		{"file missing", "", "i18n/vi.toml: invalid knowledge file: file missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := syntheticFS(t)
			if tt.file == "" {
				delete(fsys, "i18n/vi.toml")
			} else {
				fsys["i18n/vi.toml"] = &fstest.MapFile{Data: []byte(tt.file)}
			}
			_, err := LoadLangs(fsys, AllLangs)
			if err == nil {
				t.Fatal("LoadLangs succeeded, want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), "i18n/vi.toml") || !strings.Contains(err.Error(), tt.wantField) {
				t.Errorf("got error %q, want it to name i18n/vi.toml and %q", err, tt.wantField)
			}
		})
	}
}

// TestDraftsNeedTheReview: a draft without the reviewed mark is measured
// in the tuning tests (loadOptions.drafts) but never loads otherwise.
func TestDraftsNeedTheReview(t *testing.T) {
	fsys := syntheticFS(t)
	fsys["i18n/tl.toml"].Data = []byte(strings.ReplaceAll(string(fsys["i18n/tl.toml"].Data), "reviewed = \"back-translation\"\n", ""))
	if _, err := LoadLangs(fsys, AllLangs); err == nil {
		t.Error("LoadLangs loaded a draft")
	}
	b, err := loadLangs(fsys, AllLangs, loadOptions{drafts: true})
	if err != nil {
		t.Fatalf("drafts: %v", err)
	}
	if q1, _ := b.Item("q1"); q1.Text[Tl].Reviewed != "" {
		t.Errorf("a draft is marked %q", q1.Text[Tl].Reviewed)
	}
}
