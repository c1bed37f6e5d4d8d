package telegram

import "testing"

// TestReplyContextThroughTheStream: a target written for a durable intake
// and read back (by another replica) is the same target.
func TestReplyContextThroughTheStream(t *testing.T) {
	c := &Channel{}
	tests := []struct {
		name string
		in   *target
	}{
		{"message with a number", &target{chatID: 42, messageID: 7, hasNumber: true, lang: "vi"}},
		{"callback in a forum topic", &target{chatID: -100123, threadID: 5, callbackID: "cb1", shared: true}},
		{"command awaiting the bot's name", &target{chatID: 9, pendingLink: true, addressee: "vaxbot_tw_bot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := c.EncodeReply(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			v, err := c.DecodeReply(data)
			if err != nil {
				t.Fatal(err)
			}
			got := v.(*target)
			if got.chatID != tt.in.chatID || got.threadID != tt.in.threadID || got.messageID != tt.in.messageID ||
				got.callbackID != tt.in.callbackID || got.hasNumber != tt.in.hasNumber || got.lang != tt.in.lang ||
				got.shared != tt.in.shared || got.pendingLink != tt.in.pendingLink || got.addressee != tt.in.addressee {
				t.Errorf("read back %+v, want %+v", got, tt.in)
			}
		})
	}
	if _, err := c.EncodeReply("not a target"); err == nil {
		t.Error("a foreign reply context was encoded")
	}
	if _, err := c.DecodeReply([]byte("[")); err == nil {
		t.Error("a malformed reply context was decoded")
	}
}
