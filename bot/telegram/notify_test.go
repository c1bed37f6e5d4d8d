package telegram

import (
	"context"
	"testing"
)

func TestSendTextToOperators(t *testing.T) {
	c, api, _ := newTestChannel(t, Config{})
	if err := c.SendText(context.Background(), "-100123", "New ticket K7M-42Q for 1922"); err != nil {
		t.Fatal(err)
	}
	calls := api.recorded()
	if len(calls) != 1 || calls[0].Method != "sendMessage" || calls[0].Form["chat_id"] != "-100123" || calls[0].Form["text"] != "New ticket K7M-42Q for 1922" {
		t.Fatalf("calls %+v", calls)
	}
}
