package knowledge

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	testIndexOnce sync.Once
	testIndex     *Index
	testBase      *Base
	testIndexErr  error
)

// defaultIndex builds the index of the embedded data once per test binary.
func defaultIndex(t testing.TB) (*Index, *Base) {
	t.Helper()
	testIndexOnce.Do(func() {
		testBase, testIndexErr = Default()
		if testIndexErr == nil {
			testIndex, testIndexErr = NewIndex(testBase)
		}
	})
	if testIndexErr != nil {
		t.Fatalf("index: %v", testIndexErr)
	}
	return testIndex, testBase
}

func TestFold(t *testing.T) {
	ix, _ := defaultIndex(t)
	tests := []struct {
		name, in, want string
	}{
		{"full-width", "ＮＨＩ　ｃａｒｄ１２３", "nhi card123"},
		{"traditional and simplified fold together", "健保卡號在哪裡", "健保卡号在哪里"},
		{"simplified stays", "健保卡号在哪里", "健保卡号在哪里"},
		{"punctuation and emoji", "where?? is... my 💉 card!!", "where is my card"},
		{"apostrophe", "card's number", "cards number"},
		{"empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ix.fold.fold(tt.in); got != tt.want {
				t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMatchVariantsAgree(t *testing.T) {
	ix, _ := defaultIndex(t)
	// Each group is one question written several ways; all must land on the
	// same item as the first.
	groups := [][]string{
		{"健保卡號在哪裡？", "健保卡号在哪里", "健保卡號在哪裡", "健保卡號 在哪裡!!!"},
		{"Where is the NHI card number?", "WHERE IS THE NHI CARD NUMBER", "where is the nhi card number", "Ｗｈｅｒｅ ｉｓ ｔｈｅ ＮＨＩ ｃａｒｄ ｎｕｍｂｅｒ"},
	}
	for _, g := range groups {
		first := ix.Match(g[0])
		if first.Abstained() {
			t.Fatalf("Match(%q) abstained", g[0])
		}
		for _, v := range g[1:] {
			if got := ix.Match(v); got.ID != first.ID {
				t.Errorf("Match(%q) = %q, want %q like %q", v, got.ID, first.ID, g[0])
			}
		}
	}
}

func TestMatchDetectsLanguage(t *testing.T) {
	ix, _ := defaultIndex(t)
	tests := []struct {
		in   string
		want Lang
	}{
		{"健保卡號在哪裡", ZhTW}, {"where is my card number", En}, {"ARC 換新的", ZhTW}, {"", En},
	}
	for _, tt := range tests {
		if got := ix.Match(tt.in).Lang; got != tt.want {
			t.Errorf("Match(%q).Lang = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMatchAbstains(t *testing.T) {
	ix, _ := defaultIndex(t)
	for _, in := range []string{
		"", "   ", "😀😀😀", "!!!", strings.Repeat("a", 1<<20),
		strings.Repeat("天氣", 500_000),
	} {
		m := ix.Match(in)
		if !m.Abstained() || m.Mode != ModeNone || m.Near != "" {
			t.Errorf("Match(%.20q…) = %q (%s, near %q), want nothing", in, m.ID, m.Mode, m.Near)
		}
		if m.Score < 0 || m.Score > 1 {
			t.Errorf("Match(%.20q…) score %v outside [0,1]", in, m.Score)
		}
	}
}

func TestMatchScoresInRange(t *testing.T) {
	ix, base := defaultIndex(t)
	for _, it := range base.Items() {
		for _, lang := range Langs {
			for _, ex := range it.Text[lang].Examples {
				m := ix.Match(ex)
				if m.Score < 0 || m.Score > 1 || m.RunnerUpScore > m.Score {
					t.Errorf("Match(%q): score %v, runner-up %v", ex, m.Score, m.RunnerUpScore)
				}
			}
		}
	}
}

// TestEvalTargets holds the index to the targets of the shipped evaluation
// set, which was written separately from the examples the index learns from.
func TestEvalTargets(t *testing.T) {
	ix, _ := defaultIndex(t)
	f, err := os.Open("testdata/eval.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := ParseEvalFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 180 {
		t.Fatalf("eval set has %d lines, want ≥ 180", len(cases))
	}
	r := Evaluate(ix, cases)
	for _, lang := range []Lang{ZhTW, En} { // the languages of eval.tsv
		s := r.InScope[lang]
		if s == nil || s.Total == 0 {
			t.Fatalf("no in-scope cases in %s", lang)
		}
		if acc := pct(s.Correct, s.Total); acc < 95 {
			t.Errorf("%s top-1 accuracy %.1f%%, want ≥ 95%%", lang, acc)
		}
	}
	if r.NoneTotal < 40 {
		t.Errorf("eval set has %d none lines, want ≥ 40", r.NoneTotal)
	}
	if abst := pct(r.NoneAbstained, r.NoneTotal); abst < 90 {
		t.Errorf("none abstained %.1f%%, want ≥ 90%%", abst)
	}
	if t.Failed() {
		var b strings.Builder
		r.WriteTo(&b)
		t.Log(b.String())
	}
}

func TestParseEvalFile(t *testing.T) {
	in := "# comment\n\nwhere is it\tq1\ten\textra\n健保卡\tq2\n  # indented comment\n"
	got, err := ParseEvalFile(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Line != 3 || got[0].Lang != En || got[1].Lang != ZhTW || got[1].Expected != "q2" {
		t.Fatalf("got %+v", got)
	}
	for _, bad := range []string{"no tab here\n", "text\t\n", "text\tq1\tklingon\n"} {
		if _, err := ParseEvalFile(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseEvalFile(%q) succeeded, want error", bad)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	ix, _ := defaultIndex(b)
	queries := []string{
		"健保卡號在哪裡", "我剛辦好健保卡多久可以登記", "my new ARC number fails verification",
		"what's the weather tomorrow", "居留证换新的健保卡要换吗",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Match(queries[i%len(queries)])
	}
}

// BenchmarkMatchAllLangs matches BenchmarkMatch's questions and one in
// each new language with all six languages loaded (skipped while a
// translation is missing or incomplete).
func BenchmarkMatchAllLangs(b *testing.B) {
	ix, err := allLangsIndex()
	if err != nil {
		b.Skip(err)
	}
	queries := []string{
		"健保卡號在哪裡", "我剛辦好健保卡多久可以登記", "my new ARC number fails verification",
		"what's the weather tomorrow", "居留证换新的健保卡要换吗",
		"số thẻ bảo hiểm y tế ở đâu", "nomor kartu NHI saya di mana", "เลขบัตรประกันสุขภาพอยู่ตรงไหน", "saan po makikita ang card number",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Match(queries[i%len(queries)])
	}
}

// BenchmarkMatchMix matches the questions "vaxbot load" asks: every text
// of eval.tsv, dev.tsv, dev3.th.tsv and dev4.th.tsv, in turn, with all six
// languages loaded, as serve has them.
func BenchmarkMatchMix(b *testing.B) {
	ix, err := allLangsIndex()
	if err != nil {
		b.Skip(err)
	}
	queries := mixTexts(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Match(queries[i%len(queries)])
	}
}

// mixTexts are the texts of eval.tsv, dev.tsv, dev3.th.tsv and
// dev4.th.tsv, in order.
func mixTexts(tb testing.TB) []string {
	tb.Helper()
	var texts []string
	for _, name := range []string{"eval.tsv", "dev.tsv", "dev3.th.tsv", "dev4.th.tsv"} {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			tb.Fatal(err)
		}
		cases, err := ParseEvalFile(f)
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		for _, c := range cases {
			texts = append(texts, c.Text)
		}
	}
	return texts
}

// TestMatchDetected: given the language DetectLang found, MatchDetected
// matches as Match does, on every text of the evaluation mix.
func TestMatchDetected(t *testing.T) {
	ix, err := allLangsIndex()
	if err != nil {
		t.Skip(err)
	}
	for _, text := range mixTexts(t) {
		lang, sure := DetectLang(text)
		if got, want := ix.MatchDetected(text, lang, sure), ix.Match(text); !reflect.DeepEqual(got, want) {
			t.Errorf("MatchDetected(%q) = %+v, Match %+v", text, got, want)
		}
	}
}

// BenchmarkMatchLong matches messages with a story before the question,
// whose asking clause is also read alone.
func BenchmarkMatchLong(b *testing.B) {
	ix, _ := defaultIndex(b)
	queries := []string{
		"我的卡上禮拜在公車上弄丟了 今天請假去健保署辦新的 回家上網登記一直失敗 新卡要等多久？",
		"my dad is 80 and i am doing the vaccine form for him on my phone, it asks for his card number, where on the nhi card is it?",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Match(queries[i%len(queries)])
	}
}

// BenchmarkNewIndex builds the index of Default (VAXBOT_ALL_LANGS=1: of
// all six languages).
func BenchmarkNewIndex(b *testing.B) {
	base, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv("VAXBOT_ALL_LANGS") != "" {
		if base, err = DefaultLangs(AllLangs); err != nil {
			b.Skip(err)
		}
	}
	for b.Loop() {
		if _, err := NewIndex(base); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzMatch(f *testing.F) {
	for _, s := range []string{"健保卡號在哪裡", "Ｗｈｅｒｅ ｉｓ", "😀", "ic卡", "\x00\xff", "arc", "我爸爸之前一直住在大陸 最近才回來  健保還沒恢復 也沒有卡 區公所說要上網登記 可是他沒有卡號 該怎麼登記"} {
		f.Add(s)
	}
	ix, _ := defaultIndex(f)
	f.Fuzz(func(t *testing.T, s string) {
		m := ix.Match(s)
		if m.Score < 0 || m.Score > 1 {
			t.Fatalf("score %v outside [0,1]", m.Score)
		}
		if !slices.Contains(ix.Langs(), m.Lang) {
			t.Fatalf("lang %q", m.Lang)
		}
		if again := ix.Match(s); !reflect.DeepEqual(again, m) {
			t.Fatalf("not deterministic: %+v then %+v", m, again)
		}
		if err := checkMatch(m); err != nil {
			t.Fatal(err)
		}
	})
}
