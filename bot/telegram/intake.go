package telegram

import (
	"encoding/json"
	"fmt"

	"github.com/vaxbot/vaxbot/dialogs"
)

// storedTarget is a target as it waits in a durable intake (bot.Stream):
// what another replica needs to answer the event.
type storedTarget struct {
	ChatID      int64        `json:"chat"`
	ThreadID    int          `json:"thread,omitempty"`
	MessageID   int          `json:"msg,omitempty"`
	CallbackID  string       `json:"cb,omitempty"`
	HasNumber   bool         `json:"num,omitempty"`
	Lang        dialogs.Lang `json:"lang,omitempty"`
	Shared      bool         `json:"shared,omitempty"`
	PendingLink bool         `json:"link,omitempty"`
	Addressee   string       `json:"to,omitempty"`
}

// EncodeReply implements bot.ReplyCodec.
func (c *Channel) EncodeReply(reply any) ([]byte, error) {
	t, ok := reply.(*target)
	if !ok {
		return nil, fmt.Errorf("telegram: encode reply context: not the channel's (%T)", reply)
	}
	return json.Marshal(storedTarget{
		ChatID: t.chatID, ThreadID: t.threadID, MessageID: t.messageID, CallbackID: t.callbackID, HasNumber: t.hasNumber,
		Lang: t.lang, Shared: t.shared, PendingLink: t.pendingLink, Addressee: t.addressee,
	})
}

// DecodeReply implements bot.ReplyCodec.
func (c *Channel) DecodeReply(data []byte) (any, error) {
	var s storedTarget
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("telegram: decode reply context: malformed")
	}
	return &target{
		chatID: s.ChatID, threadID: s.ThreadID, messageID: s.MessageID, callbackID: s.CallbackID, hasNumber: s.HasNumber,
		lang: s.Lang, shared: s.Shared, pendingLink: s.PendingLink, addressee: s.Addressee,
	}, nil
}
