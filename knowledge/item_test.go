package knowledge

import (
	"errors"
	"fmt"
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

func TestLoadValid(t *testing.T) {
	fsys := fstest.MapFS{
		"q1.toml":       {Data: []byte(validItem("q1", "faq:q2", "verify"))},
		"q2.toml":       {Data: []byte(validItem("q2", "hotline:county"))},
		"offtopic.toml": {Data: []byte(validOfftopic)},
	}
	b, err := Load(fsys)
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"offtopic.toml": {Data: []byte(validOfftopic)}}
			for name, data := range tt.files {
				if data == "" {
					delete(fsys, name)
					continue
				}
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := Load(fsys)
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
	}
	for _, tt := range tests {
		got, ok := ParseLang(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseLang(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
