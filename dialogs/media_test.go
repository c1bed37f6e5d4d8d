package dialogs

import (
	"context"
	"testing"

	"github.com/vaxbot/vaxbot/knowledge"
)

// TestStickerAndPhoto: a sticker gets a short friendly reply, a photo the
// note that the bot cannot read pictures and that card photos should not
// be sent, both with the menu; inside the number check the form's
// question follows instead of the menu.
func TestStickerAndPhoto(t *testing.T) {
	e := newTestEngine(t, &testClock{now: start}, nil, nil)
	tests := []struct {
		event Event
		key   string
	}{
		{EventSticker, wStickerReply},
		{EventPhoto, wPhotoReply},
		{EventUnsupported, wUnsupportedMessage},
	}
	for _, tt := range tests {
		t.Run(string(tt.event), func(t *testing.T) {
			s := &Session{Person: "line:Umedia", Lang: knowledge.En, LangSet: true, Created: start, Updated: start}
			out := e.Handle(context.Background(), s, Input{Person: s.Person, Event: tt.event})
			if len(out) != 1 || out[0].Text != e.cfg.Words.T(knowledge.En, tt.key) || len(payloads(out[0].Choices)) < 3 {
				t.Fatalf("at the menu got %+v, want %s with the menu", out, tt.key)
			}
			e.Handle(context.Background(), s, Input{Person: s.Person, Payload: PayloadVerify(VerifyStart)})
			out = e.Handle(context.Background(), s, Input{Person: s.Person, Event: tt.event})
			if len(out) != 2 || out[0].Text != e.cfg.Words.T(knowledge.En, tt.key) || out[1].Expect != ExpectID || s.Node != NodeVerifyID {
				t.Errorf("in the form got %+v, want %s then the question for the ID", out, tt.key)
			}
		})
	}
}

// TestLangChosenMarked: the reply to choosing a language says so (a LINE
// rich menu follows it); other replies do not.
func TestLangChosenMarked(t *testing.T) {
	e := newTestEngine(t, &testClock{now: start}, nil, nil)
	s := &Session{Person: "line:Ulang", Created: start, Updated: start}
	for _, tt := range []struct {
		in   Input
		want bool
	}{
		{Input{Payload: PayloadMenu()}, false},
		{Input{Payload: PayloadLang(knowledge.Th)}, true},
		{Input{Text: "English"}, true},
	} {
		tt.in.Person = s.Person
		got := false
		for _, r := range e.Handle(context.Background(), s, tt.in) {
			got = got || r.LangChosen
		}
		if got != tt.want {
			t.Errorf("%+v: LangChosen %v, want %v (lang %s)", tt.in, got, tt.want, s.Lang)
		}
	}
}
