package telegram

import (
	"context"
	"testing"

	"github.com/vaxbot/vaxbot/dialogs"
)

func TestPush(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	err := c.Push(context.Background(), "telegram:42:42", []dialogs.Reply{{Text: "Your card should now be usable", Choices: []dialogs.Choice{ch("Check again", "verify:start")}}})
	if err != nil {
		t.Fatal(err)
	}
	calls := f.recorded()
	if len(calls) != 1 || calls[0].Method != "sendMessage" || calls[0].Form["chat_id"] != "42" || keyboard(t, calls[0])[0][0].CallbackData != "verify:start" {
		t.Errorf("calls %+v", calls)
	}
	for _, p := range []string{"telegram:-100:7", "line:U1", "telegram:x:x"} {
		if err := c.Push(context.Background(), p, nil); err == nil {
			t.Errorf("%s pushed to", p)
		}
	}
}
