package knowledge

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// validItem returns a minimal valid item file for id.
func validItem(id string, followups ...string) string {
	var ex strings.Builder
	for i := range MinExamples {
		fmt.Fprintf(&ex, "%q, ", fmt.Sprintf("question %d about %s", i, id))
	}
	quoted := make([]string, len(followups))
	for i, f := range followups {
		quoted[i] = fmt.Sprintf("%q", f)
	}
	fu := "[" + strings.Join(quoted, ", ") + "]"
	return fmt.Sprintf(`id = %q
followups = %s
synonyms = [["健保卡", "NHI card"]]
["zh-TW"]
title = "標題"
answer = "答案"
spoken = "口語答案"
examples = [%s]
[en]
title = "Title"
answer = "Answer"
spoken = "Spoken answer"
examples = [%s]
`, id, fu, ex.String(), ex.String())
}

const validOfftopic = `["zh-TW"]
examples = ["天氣如何"]
[en]
examples = ["what is the weather"]
`

const validPhrases = `["zh-TW"]
no_match = "找不到"
did_you_mean = "您是想問"
see_also = "也可以看"
[en]
no_match = "No match"
did_you_mean = "Did you mean"
see_also = "See also"
`

// validNear returns a minimal valid near-domain topic file for id.
func validNear(id string, followups ...string) string {
	return strings.Replace(validItem(id, followups...), `synonyms = [["健保卡", "NHI card"]]`, `synonyms = [["第二劑", "second dose"]]`, 1)
}

// baseFiles are the files every test knowledge base needs besides items.
func baseFiles() fstest.MapFS {
	return fstest.MapFS{
		"offtopic.toml": {Data: []byte(validOfftopic)},
		"phrases.toml":  {Data: []byte(validPhrases)},
	}
}

func TestLoadValid(t *testing.T) {
	fsys := baseFiles()
	fsys["q1.toml"] = &fstest.MapFile{Data: []byte(validItem("q1", "faq:q2", "verify"))}
	fsys["q2.toml"] = &fstest.MapFile{Data: []byte(validItem("q2", "hotline:county"))}
	fsys["n_dose.toml"] = &fstest.MapFile{Data: []byte(validNear("n_dose", "hotline:1922", "faq:q1"))}
	fsys["n_reg.toml"] = &fstest.MapFile{Data: []byte(strings.Replace(validNear("n_reg"), `id = "n_reg"`, "id = \"n_reg\"\nyields = true", 1))}
	b, err := LoadLangs(fsys, []Lang{ZhTW, En})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := len(b.Items()); got != 2 {
		t.Fatalf("got %d items, want 2", got)
	}
	it, ok := b.Item("q2")
	if !ok || it.Title(En) != "Title" || it.Title(ZhTW) != "標題" {
		t.Fatalf("q2 = %+v, %v", it, ok)
	}
	n, ok := b.Near("n_dose")
	if !ok || n.Title(En) != "Title" || n.Answer(ZhTW) != "答案" || n.Spoken(En) != "Spoken answer" || len(n.FollowUps) != 2 {
		t.Fatalf("n_dose = %+v, %v", n, ok)
	}
	if got := b.NearTopics(); len(got) != 2 || got[0].ID != "n_dose" || got[1].ID != "n_reg" || got[0].Yields || !got[1].Yields {
		t.Fatalf("NearTopics() = %+v, %+v", got[0], got[len(got)-1])
	}
	if _, ok := b.Near("q1"); ok {
		t.Error("Near(q1) found an item")
	}
	if p := b.Phrases(En); p.NoMatch != "No match" || p.DidYouMean != "Did you mean" {
		t.Errorf("Phrases(en) = %+v", p)
	}
	if p := b.Phrases("fr"); p.NoMatch != "找不到" {
		t.Errorf("Phrases(fr) = %+v, want the zh-TW phrases", p)
	}
}

func TestLoadRejectsBrokenFiles(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string
		wantFile  string
		wantField string
	}{
		{"missing english", map[string]string{"q1.toml": cut(validItem("q1"), "[en]")}, "q1.toml", "field en"},
		{"empty title", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `title = "Title"`, `title = " "`, 1)}, "q1.toml", "field en.title"},
		{"empty answer", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `answer = "答案"`, `answer = ""`, 1)}, "q1.toml", "field zh-TW.answer"},
		{"missing spoken answer", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `spoken = "Spoken answer"`, ``, 1)}, "q1.toml", "field en.spoken"},
		{"link in spoken answer", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `spoken = "口語答案"`, `spoken = "請上 https://1922.gov.tw"`, 1)}, "q1.toml", "field zh-TW.spoken"},
		{"markup in answer", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `answer = "答案"`, `answer = "<p>答案</p>"`, 1)}, "q1.toml", "field zh-TW.answer"},
		{"too few examples", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `"question 0 about q1", `, "", 1)}, "q1.toml", "field zh-TW.examples"},
		{"empty example", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `"question 3 about q1"`, `""`, 1)}, "q1.toml", "field zh-TW.examples[3]"},
		{"missing id", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `id = "q1"`, ``, 1)}, "q1.toml", "field id"},
		{"bad id", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `id = "q1"`, `id = "item1"`, 1)}, "q1.toml", "field id"},
		{"duplicate id", map[string]string{"q1.toml": validItem("q1"), "q1-copy.toml": validItem("q1")}, "q1.toml", "field id"},
		{"unknown field", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `title = "Title"`, "title = \"Title\"\ntitel = \"x\"", 1)}, "q1.toml", "field en.titel"},
		{"unknown follow-up", map[string]string{"q1.toml": validItem("q1", "call:mom")}, "q1.toml", "field followups[0]"},
		{"dangling faq follow-up", map[string]string{"q1.toml": validItem("q1", "faq:q7")}, "q1.toml", "field followups[0]"},
		{"one-term synonym group", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `[["健保卡", "NHI card"]]`, `[["健保卡"]]`, 1)}, "q1.toml", "field synonyms[0]"},
		{"empty synonym", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `"NHI card"`, `""`, 1)}, "q1.toml", "field synonyms[0][1]"},
		{"not toml", map[string]string{"q1.toml": "id = \"q1\n"}, "q1.toml", ""},
		{"offtopic missing language", map[string]string{"q1.toml": validItem("q1"), "offtopic.toml": cut(validOfftopic, "[en]")}, "offtopic.toml", "field en.examples"},
		{"no offtopic file", map[string]string{"q1.toml": validItem("q1"), "offtopic.toml": ""}, "offtopic.toml", ""},
		{"near missing english", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": cut(validNear("n_x"), "[en]")}, "n_x.toml", "field en"},
		{"near empty referral", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": strings.Replace(validNear("n_x"), `answer = "Answer"`, `answer = ""`, 1)}, "n_x.toml", "field en.answer"},
		{"near empty spoken referral", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": strings.Replace(validNear("n_x"), `spoken = "口語答案"`, `spoken = " "`, 1)}, "n_x.toml", "field zh-TW.spoken"},
		{"near empty title", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": strings.Replace(validNear("n_x"), `title = "標題"`, `title = ""`, 1)}, "n_x.toml", "field zh-TW.title"},
		{"near too few examples", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": strings.Replace(validNear("n_x"), `"question 0 about n_x", `, "", 1)}, "n_x.toml", "field zh-TW.examples"},
		{"near unknown field", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": strings.Replace(validNear("n_x"), `id = "n_x"`, "id = \"n_x\"\nreferral = \"1922\"", 1)}, "n_x.toml", "field referral"},
		{"near id of an item", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": validNear("q2")}, "n_x.toml", "field id"},
		{"near id not n_", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": validNear("near_x")}, "n_x.toml", "field id"},
		{"near duplicate id", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": validNear("n_x"), "n_y.toml": validNear("n_x")}, "n_y.toml", "field id"},
		{"near unknown follow-up", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": validNear("n_x", "hotline:moon")}, "n_x.toml", "field followups[0]"},
		{"near dangling faq follow-up", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": validNear("n_x", "verify", "faq:q9")}, "n_x.toml", "field followups[1]"},
		{"yields on an item", map[string]string{"q1.toml": strings.Replace(validItem("q1"), `id = "q1"`, "id = \"q1\"\nyields = true", 1)}, "q1.toml", "field yields"},
		{"yields not a boolean", map[string]string{"q1.toml": validItem("q1"), "n_x.toml": strings.Replace(validNear("n_x"), `id = "n_x"`, "id = \"n_x\"\nyields = \"yes\"", 1)}, "n_x.toml", ""},
		{"no phrases file", map[string]string{"q1.toml": validItem("q1"), "phrases.toml": ""}, "phrases.toml", ""},
		{"phrases missing language", map[string]string{"q1.toml": validItem("q1"), "phrases.toml": cut(validPhrases, "[en]")}, "phrases.toml", "field en"},
		{"phrases empty", map[string]string{"q1.toml": validItem("q1"), "phrases.toml": strings.Replace(validPhrases, `did_you_mean = "Did you mean"`, `did_you_mean = ""`, 1)}, "phrases.toml", "field en.did_you_mean"},
		{"phrases unknown field", map[string]string{"q1.toml": validItem("q1"), "phrases.toml": validPhrases + "\ngoodbye = \"bye\"\n"}, "phrases.toml", "field en.goodbye"},
		{"phrases missing see_also", map[string]string{"q1.toml": validItem("q1"), "phrases.toml": strings.Replace(validPhrases, `see_also = "也可以看"`, ``, 1)}, "phrases.toml", "field zh-TW.see_also"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := baseFiles()
			for name, data := range tt.files {
				if data == "" {
					delete(fsys, name)
					continue
				}
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := LoadLangs(fsys, []Lang{ZhTW, En})
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.wantFile) || !strings.Contains(err.Error(), tt.wantField) {
				t.Errorf("got error %q, want it to name %q and %q", err, tt.wantFile, tt.wantField)
			}
		})
	}
}

// cut returns s up to the first occurrence of marker.
func cut(s, marker string) string {
	before, _, _ := strings.Cut(s, marker)
	return before
}

func TestDefaultLoads(t *testing.T) {
	b, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	items := b.Items()
	if len(items) != 9 {
		t.Fatalf("got %d items, want the nine of the seed", len(items))
	}
	for i, it := range items {
		if want := fmt.Sprintf("q%d", i+1); it.ID != want {
			t.Errorf("item %d has id %s, want %s", i, it.ID, want)
		}
		for _, lang := range Langs {
			if n := len(it.Text[lang].Examples); n < MinExamples {
				t.Errorf("%s %s: %d examples, want ≥ %d", it.ID, lang, n, MinExamples)
			}
		}
	}
}

func TestParseLang(t *testing.T) {
	tests := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"zh-TW", ZhTW, true}, {"zh-Hant", ZhTW, true}, {"中文", ZhTW, true},
		{"en-US", En, true}, {"English", En, true}, {"fr", "", false}, {"", "", false},
		{"vi", Vi, true}, {"vi-VN", Vi, true}, {"Vietnamese", Vi, true}, {"Tiếng Việt", Vi, true}, {"tieng viet", Vi, true},
		{"id", Id, true}, {"id-ID", Id, true}, {"in", Id, true}, {"in_ID", Id, true}, {"Indonesian", Id, true},
		{"Bahasa", Id, true}, {"Bahasa Indonesia", Id, true},
		{"th", Th, true}, {"th-TH", Th, true}, {"Thai", Th, true}, {"ภาษาไทย", Th, true},
		{"tl", Tl, true}, {"fil", Tl, true}, {"fil-PH", Tl, true}, {"Tagalog", Tl, true}, {"Filipino", Tl, true},
		{"ms", "", false}, {"idx", "", false}, {"thai food", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseLang(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseLang(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestNearTopicsShipped checks the shipped near-domain topics: every class
// of neighbouring question of issue 11 is there, with enough examples.
func TestNearTopicsShipped(t *testing.T) {
	_, b := defaultIndex(t)
	for _, id := range []string{
		"n_dose_timing", "n_brands", "n_sites", "n_booking", "n_cost", "n_side_effects", "n_certificate",
		"n_premium", "n_lost_arc", "n_card_service", "n_app_password", "n_register", "n_id_format",
	} {
		n, ok := b.Near(id)
		if !ok {
			t.Errorf("near-domain topic %s missing", id)
			continue
		}
		for _, lang := range Langs {
			if got := len(n.Text[lang].Examples); got < MinExamples {
				t.Errorf("%s %s: %d examples, want ≥ %d", id, lang, got, MinExamples)
			}
		}
	}
}

// sourcedNumbers are the numbers shared/domain.md and the QA give a source
// for, and the other figures the referrals may state (dates, digit counts,
// hours).
var sourcedNumbers = map[string]bool{
	"1922": true, "0800-030-598": true, "4128-678": true, "02-4128-678": true, "0800-024-111": true, "1955": true,
	"2021": true, "12": true, "10": true, "8": true, "9": true, "1": true, "2": true, "29": true, "09": true, "00": true, "17": true, "24": true,
	"0": true, "3": true, "4": true, "5": true, "6": true, "7": true,
}

// TestNearReferralsAreSafe holds every referral to lines with a source: a
// near-domain topic says where to ask (1922, the NHIA line, the National
// Immigration Agency), never a number or fact from nowhere.
func TestNearReferralsAreSafe(t *testing.T) {
	_, b := defaultIndex(t)
	number := regexp.MustCompile(`[0-9][0-9-]*[0-9]|[0-9]`)
	for _, n := range b.NearTopics() {
		for _, lang := range Langs {
			for field, text := range map[string]string{"answer": n.Answer(lang), "spoken": n.Spoken(lang)} {
				for _, num := range number.FindAllString(text, -1) {
					if !sourcedNumbers[num] {
						t.Errorf("%s %s.%s: number %q has no source in shared/domain.md", n.ID, lang, field, num)
					}
				}
			}
			a := n.Answer(lang)
			if !strings.Contains(a, "1922") && !strings.Contains(a, "0800-030-598") && !strings.Contains(a, "0800-024-111") && !slices.Contains(n.FollowUps, "verify") {
				t.Errorf("%s %s: the referral names no line (1922, 0800-030-598, 0800-024-111)", n.ID, lang)
			}
		}
	}
}
