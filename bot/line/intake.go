package line

import (
	"encoding/json"
	"fmt"
	"time"
)

// storedReply is a replyTo as it waits in a durable intake (bot.Stream).
// The time the webhook received the event travels with it: a reply token
// is good for about a minute from then, whichever replica answers.
type storedReply struct {
	Token    string    `json:"token,omitempty"`
	UserID   string    `json:"to"`
	Received time.Time `json:"received"`
}

// EncodeReply implements bot.ReplyCodec.
func (c *Channel) EncodeReply(reply any) ([]byte, error) {
	r, ok := reply.(replyTo)
	if !ok {
		return nil, fmt.Errorf("line: encode reply context: not the channel's (%T)", reply)
	}
	return json.Marshal(storedReply{Token: r.token, UserID: r.userID, Received: r.received})
}

// DecodeReply implements bot.ReplyCodec.
func (c *Channel) DecodeReply(data []byte) (any, error) {
	var s storedReply
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("line: decode reply context: malformed")
	}
	return replyTo{token: s.Token, userID: s.UserID, received: s.Received}, nil
}
