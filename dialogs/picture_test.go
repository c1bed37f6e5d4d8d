package dialogs

import (
	"context"
	"testing"

	"github.com/vaxbot/vaxbot/knowledge"
)

// TestCardPicture: with Config.Picture the card illustration comes with
// QA item 1 and the form's question for the card number, in the person's
// language; never on the phone; without Picture, nowhere.
func TestCardPicture(t *testing.T) {
	clock := &testClock{now: start}
	e := newTestEngine(t, clock, nil, nil)
	e.cfg.Picture = func(name string, lang Lang) string {
		return "https://bot.example/img/" + name + "." + string(lang) + ".png"
	}
	handle := func(s *Session, in Input) []Reply {
		in.Person = s.Person
		return e.Handle(context.Background(), s, in)
	}
	images := func(replies []Reply) []Image {
		var out []Image
		for _, r := range replies {
			if r.Image != nil {
				out = append(out, *r.Image)
			}
		}
		return out
	}
	tests := []struct {
		name  string
		lang  Lang
		steps []Input
		want  string
	}{
		{"QA 1 tapped", knowledge.ZhTW, []Input{{Payload: PayloadFAQ("q1")}}, "https://bot.example/img/card.zh-TW.png"},
		{"QA 1 in English", knowledge.En, []Input{{Payload: PayloadFAQ("q1")}}, "https://bot.example/img/card.en.png"},
		{"QA 1 in Thai", knowledge.Th, []Input{{Payload: PayloadFAQ("q1")}}, "https://bot.example/img/card.th.png"},
		{"another QA item", knowledge.En, []Input{{Payload: PayloadFAQ("q5")}}, ""},
		{"the form asks for the card", knowledge.En, []Input{{Payload: PayloadVerify(VerifyStart)}, {Text: "A123456789"}, {Payload: PayloadVerify(VerifyYes)}}, "https://bot.example/img/card.en.png"},
		{"the form asks for the ID", knowledge.En, []Input{{Payload: PayloadVerify(VerifyStart)}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Session{Person: "test:pic", Lang: tt.lang, LangSet: true, Created: start, Updated: start}
			var last []Reply
			for _, in := range tt.steps {
				last = handle(s, in)
			}
			got := images(last)
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("got pictures %+v, want none", got)
			case tt.want != "" && (len(got) != 1 || got[0].URL != tt.want || got[0].Caption != e.cfg.Words.T(tt.lang, wCardPicture)):
				t.Errorf("got pictures %+v, want one at %s with its caption", got, tt.want)
			}
		})
	}
	t.Run("phone", func(t *testing.T) {
		s := &Session{Person: "voice:1"}
		handle(s, Input{Phone: true, Event: EventCall})
		if got := images(handle(s, Input{Phone: true, Payload: PayloadFAQ("q1")})); len(got) > 0 {
			t.Errorf("got pictures %+v on the phone", got)
		}
	})
	t.Run("no public URL", func(t *testing.T) {
		e.cfg.Picture = func(string, Lang) string { return "" }
		s := &Session{Person: "test:pic2", Created: start, Updated: start}
		if got := images(handle(s, Input{Payload: PayloadFAQ("q1")})); len(got) > 0 {
			t.Errorf("got pictures %+v without a URL", got)
		}
	})
}
