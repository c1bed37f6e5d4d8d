package dialogs

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/knowledge"
)

// TestReminderOffer: with Config.Reminders a card_too_new diagnosis (the
// demo's B222222228 / 000022223333, made 20 minutes ago) offers a reminder
// at the minute the card can be used; taking it asks for that reminder,
// the cancel button and starting over cancel it; forged times are stale.
func TestReminderOffer(t *testing.T) {
	clock := &testClock{now: start}
	e := newTestEngine(t, clock, nil, nil)
	e.cfg.Reminders = true
	s := &Session{Person: "line:Urem", Lang: knowledge.En, LangSet: true, Created: start, Updated: start}
	handle := func(in Input) []Reply {
		in.Person = s.Person
		return e.Handle(context.Background(), s, in)
	}
	handle(Input{Payload: PayloadVerify(VerifyStart)})
	handle(Input{Text: "B222222228"})
	handle(Input{Payload: PayloadVerify(VerifyYes)})
	out := handle(Input{Text: "000022223333"})
	var offer string
	for _, r := range out {
		for _, c := range r.Choices {
			if strings.HasPrefix(c.Payload, "remind:") {
				offer = c.Payload
			}
		}
	}
	want := PayloadRemind(start.Add(40 * time.Minute))
	if offer != want {
		t.Fatalf("offer %q, want %q (the card usable 40 minutes from now)", offer, want)
	}
	out = handle(Input{Payload: offer})
	if len(out) != 1 || out[0].Reminder == nil || !out[0].Reminder.At.Equal(start.Add(40*time.Minute)) || out[0].Reminder.Cancel {
		t.Fatalf("after the tap got %+v, want a reminder request", out)
	}
	if !strings.Contains(out[0].Text, "09:40") || !slices.Contains(payloads(out[0].Choices), PayloadRemindCancel()) {
		t.Errorf("confirmation %q %v, want the time and a cancel button", out[0].Text, payloads(out[0].Choices))
	}
	if out = handle(Input{Payload: PayloadRemindCancel()}); out[0].Reminder == nil || !out[0].Reminder.Cancel {
		t.Errorf("cancel got %+v", out)
	}
	if out = handle(Input{Event: EventStart}); out[len(out)-1].Reminder == nil || !out[len(out)-1].Reminder.Cancel {
		t.Errorf("starting over got %+v, want the reminder cancelled", out)
	}
	for _, p := range []string{"remind:x", PayloadRemind(start.Add(48 * time.Hour)), PayloadRemind(start.Add(-time.Hour))} {
		if out = handle(Input{Payload: p}); out[0].Reminder != nil || !strings.Contains(out[0].Text, e.cfg.Words.T(knowledge.En, wStaleChoice)) {
			t.Errorf("%s: got %+v, want stale", p, out)
		}
	}
	due := e.ReminderDue(knowledge.Th)
	if len(due) != 1 || due[0].Text != e.cfg.Words.T(knowledge.Th, wRemindDue) || payloads(due[0].Choices)[0] != PayloadVerify(VerifyStart) {
		t.Errorf("due message %+v", due)
	}
	e.cfg.Reminders = false
	if out = handle(Input{Payload: want}); out[0].Reminder != nil {
		t.Errorf("a reminder without Config.Reminders: %+v", out)
	}
}
