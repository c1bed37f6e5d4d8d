package bot

import (
	"context"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// TestNotifierOnTicket: the desk's hook hears of every ticket, even with
// no webhook or chat to send to.
func TestNotifierOnTicket(t *testing.T) {
	var got []Notice
	n := NewNotifier(NotifierConfig{OnTicket: func(no Notice) { got = append(got, no) }})
	defer n.Close(context.Background())
	s := NotifyingStore{Store: tickets.NewMemoryStore(), Notifier: n}
	now := time.Now()
	if err := s.Create(context.Background(), &tickets.Ticket{Ref: "K7M-42Q", Line: "1922", Reason: "asked", Status: tickets.StatusOpen, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Ref != "K7M-42Q" || got[0].Line != "1922" {
		t.Errorf("OnTicket got %+v, want the one ticket", got)
	}
	if n.Enabled() {
		t.Error("a hook alone made the notifier enabled")
	}
}
