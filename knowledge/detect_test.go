package knowledge

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
)

func TestDetectLang(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Lang
		sure bool // confidence ≥ SureLang
	}{
		{"Chinese", "健保卡號在哪裡", ZhTW, true},
		{"Chinese with an English word", "ARC 換新的", ZhTW, true},
		{"Chinese, one character", "好", ZhTW, false},
		{"English", "where is the card number on my NHI card", En, true},
		{"ok", "ok", En, false},
		{"ARC", "ARC", En, false},
		{"digits", "0912345678", En, false},
		{"emoji", "👍", En, false},
		{"empty", "", En, false},
		{"Vietnamese", "Số thẻ bảo hiểm y tế ở đâu?", Vi, true},
		{"Vietnamese without diacritics", "so the bao hiem y te o dau", Vi, true},
		{"Vietnamese, decomposed marks", "So\u0302\u0301 the\u0309 o\u031b\u0309 \u0111a\u0302u", Vi, true},
		{"Vietnamese with Chinese", "Cho hỏi số thẻ 健保卡 ở đâu", Vi, true},
		{"Vietnamese, short", "cảm ơn", Vi, true},
		{"Vietnamese, chat", "the cu tru moi dang ky khong duoc", Vi, true},
		{"Indonesian", "Nomor kartu NHI saya ada di mana?", Id, true},
		{"Indonesian, chat", "gimana cara daftar vaksin pake ARC baru", Id, true},
		{"Indonesian with English", "kartu NHI saya tidak bisa register", Id, true},
		{"Tagalog", "Saan po makikita ang numero ng NHI card ko?", Tl, true},
		{"Taglish", "paano mag register ng vaccine gamit ang bagong ARC number", Tl, true},
		{"Tagalog with Chinese", "saan po ang numero ng 健保卡", Tl, true},
		{"Thai", "หมายเลขบัตรประกันสุขภาพอยู่ตรงไหน", Th, true},
		{"Thai with English", "card number บนบัตร NHI คือเลขไหนครับ", Th, true},
		{"Thai with Chinese", "เลขบัตร 健保卡 อยู่ตรงไหนครับ", Th, true},
		{"Chinese with one Thai word", "泰國人怎麼登記疫苗 ขอบคุณ", ZhTW, false},
		{"English, thank you", "thank you so much", En, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, conf := DetectLang(tt.in)
			if got != tt.want || (conf >= SureLang) != tt.sure || conf < 0 || conf > 1 {
				t.Errorf("DetectLang(%q) = %s, %.2f; want %s, sure %v", tt.in, got, conf, tt.want, tt.sure)
			}
		})
	}
}

func TestStripMarks(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"thẻ bảo hiểm y tế", "the bao hiem y te"},
		{"ở đâu Đà Nẵng", "o dau Da Nang"},
		{"người nước ngoài", "nguoi nuoc ngoai"},
		{"健保卡 ภาษาไทย café", "健保卡 ภาษาไทย cafe"},
		{"plain", "plain"},
	} {
		if got := stripMarks(tt.in); got != tt.want {
			t.Errorf("stripMarks(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokensIn(t *testing.T) {
	f, err := newFolder()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		lang      Lang
		in        string
		want, not []string
	}{
		{"Vietnamese: words and pairs without diacritics", Vi, "Số thẻ của tôi ở đâu?",
			[]string{"so", "the", "so_the", "the_o", "o_dau", "dau"}, []string{"số", "thẻ", "của", "tôi", "cua"}},
		{"Vietnamese typed without diacritics", Vi, "so the cua toi o dau", []string{"so", "the", "so_the", "the_o", "o_dau"}, []string{"cua", "toi"}},
		{"Vietnamese keeps 'the' and 'so'", Vi, "the so", []string{"the", "so", "the_so"}, nil},
		{"Indonesian", Id, "Nomor kartu saya yang mana?", []string{"nomor", "kartu", "nomor_kartu", "mana", "kartu_mana"}, []string{"yang", "saya"}},
		{"Indonesian with English", Id, "kartu NHI saya registered", []string{"kartu_nhi", "nhi_register"}, []string{"registered"}},
		{"Tagalog function words", Tl, "Saan po ang card number ko?", []string{"saan", "card", "number", "saan_card", "card_number"}, []string{"po", "ang", "ko"}},
		{"Tagalog hyphen prefix", Tl, "mag-register", []string{"register"}, []string{"mag"}},
		{"Thai cluster bigrams", Th, "เลขบัตร", []string{"เลข", "ขบั", "บัต", "ตร"}, []string{"เ", "ล", "เล", "ข", "เลขบั"}},
		{"Thai particles cut, tone marks dropped", Th, "บัตรใหม่ครับ", []string{"บัต", "ใหม"}, []string{"ครับ", "ใหม่", "มค", "คร"}},
		{"Han inside another language", Tl, "numero ng 健保卡", []string{"numero", "健保", "保卡", "卡"}, nil},
		{"English unchanged", En, "Where is the card number", []string{"where", "card", "number", "card_number"}, []string{"the", "is"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokensIn(tt.lang, f.fold(tt.in), nil)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("tokensIn(%s, %q) = %q, want %q in it", tt.lang, tt.in, got, w)
				}
			}
			for _, w := range tt.not {
				if slices.Contains(got, w) {
					t.Errorf("tokensIn(%s, %q) = %q, want no %q", tt.lang, tt.in, got, w)
				}
			}
		})
	}
}

func TestFoldKeepsThaiMarks(t *testing.T) {
	f, err := newFolder()
	if err != nil {
		t.Fatal(err)
	}
	// ั and ่ are marks (Mn): dropping them would cut the word in three.
	if got := f.fold("บัตรใหม่"); strings.Contains(got, " ") || !strings.Contains(got, "ั") || !strings.Contains(got, "่") {
		t.Errorf("fold(บัตรใหม่) = %q", got)
	}
	if got := f.fold("💉\ufe0f card"); got != "card" {
		t.Errorf("fold(emoji and variation selector) = %q, want %q", got, "card")
	}
}

var (
	synthOnce sync.Once
	synthIx   *Index
	synthErr  error
)

// syntheticIndex is the index of the synthetic knowledge base in all six
// languages.
func syntheticIndex(t *testing.T) *Index {
	t.Helper()
	synthOnce.Do(func() {
		b, err := LoadLangs(syntheticFS(t), AllLangs)
		if err != nil {
			synthErr = err
			return
		}
		synthIx, synthErr = NewIndex(b)
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
	return synthIx
}

// TestMatchEveryLanguage matches questions written for this test (not
// examples of the synthetic base) in each language: read in their
// language, answered, or sent to the topic, or to nothing.
func TestMatchEveryLanguage(t *testing.T) {
	ix := syntheticIndex(t)
	tests := []struct {
		text string
		lang Lang
		mode Mode
		id   string
		near string
	}{
		{"số thẻ bảo hiểm y tế là số nào", Vi, ModeAnswer, "q1", ""},
		{"so the bao hiem la so nao", Vi, ModeAnswer, "q1", ""},
		{"thẻ bảo hiểm mới đổi hôm nay, bao lâu thì đăng ký được", Vi, ModeAnswer, "q2", ""},
		{"mũi thứ hai tiêm khi nào vậy", Vi, ModeNone, "", "n_dose_timing"},
		{"xin chào bạn", Vi, ModeNone, "", ""},
		{"nomor kartu NHI saya yang mana", Id, ModeAnswer, "q1", ""},
		{"kartunya baru, berapa lama bisa dipakai daftar", Id, ModeAnswer, "q2", ""},
		{"dosis kedua kapan ya", Id, ModeNone, "", "n_dose_timing"},
		{"เลขบัตร NHI คือเลขไหนคะ", Th, ModeAnswer, "q1", ""},
		{"ทำบัตรใหม่ต้องรอนานเท่าไรถึงลงทะเบียนได้", Th, ModeAnswer, "q2", ""},
		{"เข็มสองต้องรอกี่วัน", Th, ModeNone, "", "n_dose_timing"},
		{"alin po ang card number sa NHI card", Tl, ModeAnswer, "q1", ""},
		{"bagong card ko, ilang oras bago magamit sa registration", Tl, ModeAnswer, "q2", ""},
		{"kailan po ang ikalawang dose", Tl, ModeNone, "", "n_dose_timing"},
		{"where is the card number on my NHI card", En, ModeAnswer, "q1", ""},
		{"健保卡卡號在哪裡", ZhTW, ModeAnswer, "q1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			m := ix.Match(tt.text)
			if err := checkMatch(m); err != nil {
				t.Fatal(err)
			}
			if m.Lang != tt.lang || m.Mode != tt.mode || m.ID != tt.id || m.Near != tt.near {
				t.Errorf("Match(%q) = %s %s %q near %q (score %.2f), want %s %s %q near %q",
					tt.text, m.Lang, m.Mode, m.ID, m.Near, m.Score, tt.lang, tt.mode, tt.id, tt.near)
			}
		})
	}
}

// TestMatchInHint: a message that does not say its language is read in
// the conversation's; one that does is read in its own.
func TestMatchInHint(t *testing.T) {
	ix := syntheticIndex(t)
	for _, tt := range []struct {
		text string
		hint Lang
		want Lang
	}{
		{"ARC", Vi, Vi},
		{"ok", Th, Th},
		{"ok", "", En},
		{"ok", "fr", En},
		{"nomor kartu NHI saya di mana", Vi, Id},
		{"健保卡卡號在哪裡", Tl, ZhTW},
	} {
		if got := ix.MatchIn(tt.text, tt.hint).Lang; got != tt.want {
			t.Errorf("MatchIn(%q, %q).Lang = %s, want %s", tt.text, tt.hint, got, tt.want)
		}
	}
}

// TestMatchOnlyLoadedLangs: an index without a language reads its text
// as it always did: Chinese when it holds Han characters, else English.
func TestMatchOnlyLoadedLangs(t *testing.T) {
	ix, _ := defaultIndex(t)
	for _, tt := range []struct {
		text string
		want Lang
	}{
		{"số thẻ bảo hiểm y tế ở đâu", En},
		{"เลขบัตรอยู่ตรงไหน", En},
		{"saan po ang numero ng 健保卡", ZhTW},
	} {
		if !slices.Contains(ix.Langs(), tt.want) {
			continue
		}
		if got := ix.Match(tt.text).Lang; got != tt.want && len(ix.Langs()) == 2 {
			t.Errorf("Match(%q).Lang = %s, want %s", tt.text, got, tt.want)
		}
	}
}

// TestIsHan: isHan's shortcuts answer as unicode.Is(unicode.Han, r), for
// every rune.
func TestIsHan(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		if got, want := isHan(r), unicode.Is(unicode.Han, r); got != want {
			t.Fatalf("isHan(%U) = %v, want %v", r, got, want)
		}
	}
}
