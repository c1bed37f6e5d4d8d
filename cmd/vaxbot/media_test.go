package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
)

// TestServeStickerAndPhotoLINE: a sticker gets the short friendly reply, a
// photo the note not to send card photos, each with the menu; nothing is
// fetched from LINE's content API (the only calls are the replies).
func TestServeStickerAndPhotoLINE(t *testing.T) {
	api := linetest.New(t)
	ts := startServer(t, lineConfig(api.URL))
	sticker := lineEvent("ev1", "Ualice", "token-1", "message", "")
	sticker["message"] = map[string]any{"type": "sticker", "id": "m1", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC"}
	photo := lineEvent("ev2", "Ubob", "token-2", "message", "")
	photo["message"] = map[string]any{"type": "image", "id": "m2", "contentProvider": map[string]any{"type": "line"}}
	for _, ev := range []map[string]any{sticker, photo} {
		if code := postLINE(t, ts, lineBody(ev)); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	api.WaitReplies(t, 2)
	for _, tt := range []struct{ token, key string }{{"token-1", "sticker_reply"}, {"token-2", "photo_reply"}} {
		var found bool
		for _, r := range api.Replies() {
			if r.Token != tt.token {
				continue
			}
			found = true
			text, _ := r.Messages[0]["text"].(string)
			if !holdsAny(text, wordsIn(t, tt.key)) {
				t.Errorf("reply to %s: %q, want %s", tt.token, text, tt.key)
			}
			if qr := quickReplyData(r.Messages[len(r.Messages)-1]); len(qr) < 3 {
				t.Errorf("reply to %s: quick replies %v, want the menu", tt.token, qr)
			}
		}
		if !found {
			t.Errorf("no reply to %s", tt.token)
		}
	}
	for _, c := range api.Calls() {
		if c.Path != "/v2/bot/message/reply" {
			t.Errorf("the API saw %s: nothing but replies should be called", c.Path)
		}
	}
}

// TestServeStickerAndPhotoTelegram: the same on Telegram; no getFile.
func TestServeStickerAndPhotoTelegram(t *testing.T) {
	api := newFakeTelegram(t)
	ts := startServer(t, serveConfig{
		TelegramToken: "tg-token", TelegramSecret: "tg_secret-1", TelegramAPIBase: api.srv.URL,
		Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
	})
	secret := map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1", "Content-Type": "application/json"}
	media := func(id int, chat int64, member string) []byte {
		return []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"Ana","language_code":"en"},%s}}`, id, id, time.Now().Unix(), chat, chat, member))
	}
	post(t, ts.url+"/webhook/telegram", media(1, 42, `"sticker":{"file_id":"x","file_unique_id":"y","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false}`), secret)
	post(t, ts.url+"/webhook/telegram", media(2, 43, `"photo":[{"file_id":"x","file_unique_id":"y","width":90,"height":67}]`), secret)
	sends := api.waitMethod(t, "sendMessage", 2)
	for _, tt := range []struct{ chat, key string }{{"42", "sticker_reply"}, {"43", "photo_reply"}} {
		var texts []string
		for _, c := range sends {
			if c.Fields["chat_id"] == tt.chat {
				texts = append(texts, c.Fields["text"])
			}
		}
		if !holdsAny(strings.Join(texts, "\n"), wordsIn(t, tt.key)) {
			t.Errorf("chat %s got %q, want %s", tt.chat, texts, tt.key)
		}
	}
	for _, c := range api.Calls() {
		if c.Method == "getFile" {
			t.Error("a file was asked for: nothing of a picture is downloaded")
		}
	}
}
