package dialogs

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

func TestCallbackIsSealedInTheTicket(t *testing.T) {
	clock := &testClock{now: start}
	conv := NewConversation(newTestEngine(t, clock, nil, nil), NewMemoryStore(time.Hour))
	desk := tickets.NewMemoryStore()
	sealer, _ := tickets.NewSealer([]byte("0123456789abcdef0123456789abcdef"))
	conv.Tickets, conv.Sealer = desk, sealer
	var last []Reply
	for _, in := range []Input{
		{Payload: "handoff:1922"}, {Payload: "callback:start"}, {Payload: "callback:yes"},
		{Text: "0912 345 678"}, {Payload: "callback:when:evening"},
	} {
		in.Person = "line:Ucb"
		r, err := conv.Handle(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range r {
			if x.Callback != nil {
				t.Fatal("a reply left the conversation with the phone number")
			}
		}
		last = r
	}
	if !strings.Contains(last[0].Text, "0912***678") {
		t.Fatalf("confirmation %q", last[0].Text)
	}
	list, _ := desk.List(context.Background(), tickets.Filter{})
	if len(list) != 1 || list[0].Callback == nil {
		t.Fatalf("tickets %+v", list)
	}
	cb := list[0].Callback
	if cb.When != "evening" || cb.Masked != "0912***678" || cb.ConsentAt.IsZero() {
		t.Errorf("callback %+v", cb)
	}
	if phone, err := sealer.Open(cb.Sealed, list[0].Ref); err != nil || phone != "0912345678" {
		t.Errorf("sealed phone opens to %q, %v", phone, err)
	}
	raw, _ := json.Marshal(list[0])
	s, _ := conv.Store.Get(context.Background(), "line:Ucb")
	sess, _ := json.Marshal(s)
	for _, b := range [][]byte{raw, sess} {
		if strings.Contains(string(b), "0912345678") || strings.Contains(string(b), cb.Sealed) && string(b) == string(sess) {
			t.Errorf("the phone number is readable in %s", b)
		}
	}
}
