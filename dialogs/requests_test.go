package dialogs

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestRequestsFind(t *testing.T) {
	r, err := DefaultRequests()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       Request
	}{
		{"person, plain", "我要找真人", ReqPerson},
		{"person, call me back", "可以請專員回電給我嗎", ReqPerson},
		{"person, simplified", "人工客服", ReqPerson},
		{"person, English sentence", "I want to talk to a human please", ReqPerson},
		{"person, one word", "agent", ReqPerson},
		{"person, typo", "humen", ReqPerson},
		{"person word inside a question is no request", "客服說我的卡號不對要怎麼辦才好呢", ReqNone},
		{"person word in a long English question", "is the agent at the clinic able to register me for the vaccine", ReqNone},
		{"no card", "我沒有健保卡", ReqNoCard},
		{"no card, English", "I don't have an NHI card", ReqNoCard},
		{"cannot read", "卡號看不清楚", ReqCantRead},
		{"cancel", "算了", ReqCancel},
		{"cancel, English", "never mind", ReqCancel},
		{"not cancel", "我不要打AZ", ReqNone},
		{"thanks", "3Q", ReqThanks},
		{"thanks, full-width", "３Ｑ！", ReqThanks},
		{"thanks, sentence", "好的謝謝", ReqThanks},
		{"bye", "掰掰", ReqBye},
		{"bye, English", "bye!", ReqBye},
		{"ok", "ok", ReqOK},
		{"ok, Chinese", "好的", ReqOK},
		{"ok is not okay inside words", "bookmark", ReqNone},
		{"no alone", "no", ReqNo},
		{"no is not in 'no problem'", "no problem", ReqNone},
		{"menu", "主選單", ReqMenu},
		{"command", "/start", ReqMenu},
		{"english", "English", ReqLangEn},
		{"en inside a word", "我要open", ReqNone},
		{"chinese", "中文", ReqLangZh},
		{"question", "健保卡卡號在哪裡", ReqNone},
		{"number", "A123456789", ReqNone},
		{"emoji", "🙂", ReqNone},
	}
	for _, tt := range tests {
		if got := r.Find(tt.text); got != tt.want {
			t.Errorf("%s: Find(%q) = %q, want %q", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestParseRequestsRejects(t *testing.T) {
	for name, raw := range map[string]string{
		"not toml":         "[person",
		"missing requests": "[person]\nzh-TW = [\"真人\"]\nen = [\"human\"]\n",
	} {
		if _, err := ParseRequests(name, []byte(raw)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestOneEdit(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{{"human", "humen", true}, {"agent", "agnet", true}, {"human", "humans", true}, {"human", "hman", true}, {"human", "woman", false}, {"cancel", "cancel", true}} {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

// TestRequestsThai: Thai has no spaces and writes its vowels and tone
// marks as combining marks: a request phrase followed by a polite particle
// is still the request.
func TestRequestsThai(t *testing.T) {
	r, err := DefaultRequests()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text string
		want Request
	}{
		{"ขอคุยกับเจ้าหน้าที่ค่ะ", ReqPerson},
		{"ขอคุยกับเจ้าหน้าที่", ReqPerson},
		{"เลขบัตรประกันสุขภาพอยู่ตรงไหนคะ", ReqNone},
	} {
		if got := r.Find(tt.text); got != tt.want {
			t.Errorf("Find(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func BenchmarkRequestsFind(b *testing.B) {
	r, err := DefaultRequests()
	if err != nil {
		b.Fatal(err)
	}
	texts := []string{"where is my NHI card number", "健保卡號碼在哪裡", "I want to talk to a human please", "A123456789", "Số thẻ bảo hiểm y tế ở đâu?", "謝謝"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Find(texts[i%len(texts)])
	}
}

// foldWordByWord is foldLower as it was written before it wrote into one
// buffer: each word a string of its own, then joined. The reference for
// FuzzFoldLower.
func foldWordByWord(t string) phrase {
	han := hanOrThai(t)
	if han {
		t = simplified(t)
	}
	var b strings.Builder
	var words []string
	word := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range t {
		switch {
		case r == '\'' || r == '’':
		case r == '/' && b.Len() == 0 && len(words) == 0:
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Thai, r) || unicode.Is(unicode.Mn, r):
			if han && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Thai, r)) {
				word()
				words = append(words, string(r))
				continue
			}
			b.WriteRune(r)
		default:
			word()
		}
	}
	word()
	return phrase{text: strings.Join(words, joiner(han)), words: words, han: han}
}

// FuzzFoldLower: foldLower folds every text as foldWordByWord did.
func FuzzFoldLower(f *testing.F) {
	for _, s := range []string{
		"", "/start", "i want to talk to a human please", "don't", "謝謝你 thanks", "ขอบคุณครับ",
		"  /x /y", "a\xffb", "ok!!ok", "cảm ơn", "3Q", "人工客服 please", "’", "/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := foldLower(s), foldWordByWord(s)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("foldLower(%q) = %#v, want %#v", s, got, want)
		}
	})
}
