package dialogs

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/knowledge"
)

func payloads(cs []Choice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Payload)
	}
	return out
}

// TestFeedback: with Config.Feedback a QA answer at the menu asks "Did
// this help?" with 👍 and 👎 before the menu; a vote is reported to
// Observe without text; 👎 offers the related topics and a person.
func TestFeedback(t *testing.T) {
	clock := &testClock{now: start}
	e := newTestEngine(t, clock, nil, nil)
	e.cfg.Feedback = true
	var seen []string
	e.cfg.Observe = func(kind, value string) {
		if kind == "feedback" {
			seen = append(seen, value)
		}
	}
	s := &Session{Person: "line:Ufb", Lang: knowledge.En, LangSet: true, Created: start, Updated: start}
	handle := func(in Input) []Reply {
		in.Person = s.Person
		return e.Handle(context.Background(), s, in)
	}
	out := handle(Input{Payload: PayloadFAQ("q6")})
	last := out[len(out)-1]
	got := payloads(last.Choices)
	n := len(got)
	if n < 3 || got[n-3] != PayloadFeedback("q6", true) || got[n-2] != PayloadFeedback("q6", false) || got[n-1] != PayloadMenu() {
		t.Fatalf("got choices %v, want the votes before the menu", got)
	}
	if !strings.HasSuffix(last.Text, e.cfg.Words.T(knowledge.En, wFeedbackAsk)) {
		t.Errorf("got text %q, want the question at its end", last.Text)
	}

	out = handle(Input{Payload: PayloadFeedback("q6", true)})
	if len(out) != 1 || out[0].Text != e.cfg.Words.T(knowledge.En, wFeedbackThanks) {
		t.Errorf("after 👍 got %+v", out)
	}
	out = handle(Input{Payload: PayloadFeedback("q6", false)})
	got = payloads(out[len(out)-1].Choices)
	if !slices.Contains(got, PayloadPerson()) || got[len(got)-1] != PayloadMenu() || len(got) < 3 {
		t.Errorf("after 👎 got choices %v, want related topics, a person and the menu", got)
	}
	if s.Topic != "q6" {
		t.Errorf("topic %q, want q6 for a handoff's reason", s.Topic)
	}
	if want := []string{"q6:up:en:line", "q6:down:en:line"}; !slices.Equal(seen, want) {
		t.Errorf("observed %v, want %v", seen, want)
	}
	for _, v := range seen {
		if f, ok := ParseFeedback(v); !ok || f.String() != v {
			t.Errorf("ParseFeedback(%q) = %+v, %v", v, f, ok)
		}
	}

	// A forged or old vote is stale and counts nothing.
	seen = nil
	for _, p := range []string{"feedback:q99:up", "feedback:q6:maybe", "feedback:q6"} {
		out = handle(Input{Payload: p})
		if !strings.Contains(out[0].Text, e.cfg.Words.T(knowledge.En, wStaleChoice)) {
			t.Errorf("%s: got %q, want the stale-choice note", p, out[0].Text)
		}
	}
	if len(seen) > 0 {
		t.Errorf("stale votes observed: %v", seen)
	}

	// Not on the phone, not in the middle of a form, not without Feedback.
	v := &Session{Person: "voice:1"}
	e.Handle(context.Background(), v, Input{Person: v.Person, Phone: true, Event: EventCall})
	for _, r := range e.Handle(context.Background(), v, Input{Person: v.Person, Phone: true, Payload: PayloadFAQ("q6")}) {
		if slices.Contains(payloads(r.Choices), PayloadFeedback("q6", true)) {
			t.Error("votes offered on the phone")
		}
	}
	handle(Input{Payload: PayloadVerify(VerifyStart)})
	for _, r := range handle(Input{Text: "how long until a new card works"}) {
		if slices.ContainsFunc(r.Choices, func(c Choice) bool { return strings.HasPrefix(c.Payload, "feedback:") }) {
			t.Error("votes offered in the middle of the form")
		}
	}
	e.cfg.Feedback = false
	handle(Input{Payload: PayloadMenu()})
	for _, r := range handle(Input{Payload: PayloadFAQ("q6")}) {
		if slices.ContainsFunc(r.Choices, func(c Choice) bool { return strings.HasPrefix(c.Payload, "feedback:") }) {
			t.Error("votes offered without Config.Feedback")
		}
	}
}

func TestParseFeedbackRefuses(t *testing.T) {
	for _, s := range []string{"", "q1", "q1:up:en", "q1:yes:en:line", ":up:en:line", "q1:up:xx:line", "q1:up:en:line:x"} {
		if f, ok := ParseFeedback(s); ok {
			t.Errorf("ParseFeedback(%q) = %+v, want refused", s, f)
		}
	}
}
