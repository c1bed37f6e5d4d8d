package bot

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/dialogstest"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

type reminderStore struct {
	mu   sync.Mutex
	m    map[string]tickets.Reminder
	fail bool
}

func (s *reminderStore) AddReminder(_ context.Context, r tickets.Reminder) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errors.New("down")
	}
	s.m[r.Person] = r
	return nil
}

func (s *reminderStore) CancelReminder(_ context.Context, person string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[person]
	delete(s.m, person)
	return ok, nil
}

func (s *reminderStore) ClaimDue(_ context.Context, now time.Time, limit int) ([]tickets.Reminder, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []tickets.Reminder
	for p, r := range s.m {
		if !r.At.After(now) && len(out) < limit {
			out = append(out, r)
			delete(s.m, p)
		}
	}
	return out, nil
}

type fixedHandler []dialogs.Reply

func (h fixedHandler) Handle(context.Context, dialogs.Input) ([]dialogs.Reply, error) {
	return append([]dialogs.Reply(nil), h...), nil
}

type pushRecorder struct {
	mu     sync.Mutex
	people []string
}

func (p *pushRecorder) Push(_ context.Context, person string, replies []dialogs.Reply) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.people = append(p.people, person)
	return nil
}

// TestRemindersStoreSendAndFail: a reply's request is stored and removed
// before the channel; a due reminder is pushed once; one that cannot be
// stored turns the confirmation into the apology (with the time in Taipei);
// how late a reminder went out is in vaxbot_reminder_lag_seconds.
func TestRemindersStoreSendAndFail(t *testing.T) {
	at := time.Date(2021, 7, 21, 9, 40, 0, 0, time.UTC)
	store := &reminderStore{m: map[string]tickets.Reminder{}}
	push := &pushRecorder{}
	m := NewMetrics()
	r := &Reminders{Store: store, Engine: dialogstest.Engine(t, at), Pushers: map[string]Pusher{"line": push}, Metrics: m}
	h := r.Handler(fixedHandler{{Text: "OK, 09:40", Lang: "en", Reminder: &dialogs.ReminderRequest{At: at}, Choices: []dialogs.Choice{{Label: "Cancel", Payload: "remind:cancel"}, {Label: "Menu", Payload: "menu"}}}})
	out, _ := h.Handle(context.Background(), dialogs.Input{Person: "line:U1"})
	if out[0].Reminder != nil || out[0].Text != "OK, 09:40" {
		t.Errorf("got %+v, want the request removed and the text kept", out[0])
	}
	if got := store.m["line:U1"]; !got.At.Equal(at) || got.Lang != "en" {
		t.Errorf("stored %+v", got)
	}
	r.Now = func() time.Time { return at.Add(-time.Second) }
	if n := r.SendDue(context.Background()); n != 0 {
		t.Errorf("sent %d before the minute", n)
	}
	r.Now = func() time.Time { return at.Add(20 * time.Second) } // 20 s late
	if n := r.SendDue(context.Background()) + r.SendDue(context.Background()); n != 1 || len(push.people) != 1 || push.people[0] != "line:U1" {
		t.Errorf("sent %d to %v, want once to line:U1", n, push.people)
	}
	store.fail = true
	out, _ = h.Handle(context.Background(), dialogs.Input{Person: "line:U2"})
	if !strings.Contains(out[0].Text, "17:40") || out[0].Text == "OK, 09:40" || len(out[0].Choices) != 1 || out[0].Choices[0].Payload != "menu" {
		t.Errorf("after a failed store got %+v, want the apology with the menu", out[0])
	}
	var b bytes.Buffer
	m.WritePrometheus(&b)
	for _, line := range []string{`vaxbot_reminders_total{result="scheduled"} 1`, `vaxbot_reminders_total{result="sent"} 1`, `vaxbot_reminders_total{result="store_failed"} 1`,
		`vaxbot_reminder_lag_seconds_bucket{le="15"} 0`, `vaxbot_reminder_lag_seconds_bucket{le="30"} 1`} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("metrics lack %s", line)
		}
	}
}
