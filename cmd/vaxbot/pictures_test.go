package main

import (
	"bytes"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/art"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
)

const testPublicURL = "https://vaxbot.example/bot"

// fetchPicture asks the test server for a picture URL under the public
// URL and checks the answer: 200, a PNG of the card's size, cached for
// good.
func fetchPicture(t *testing.T, ts *testServer, u string) {
	t.Helper()
	path, ok := strings.CutPrefix(u, testPublicURL)
	if !ok || !strings.HasPrefix(path, "/img/card.") || !strings.HasSuffix(path, ".png") {
		t.Fatalf("picture URL %q is not under %s/img/", u, testPublicURL)
	}
	res, err := http.Get(ts.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" ||
		!strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("GET %s: %d %v", path, res.StatusCode, res.Header)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != art.CardWidth || b.Dy() != art.CardHeight {
		t.Errorf("picture is %v, want %dx%d", b, art.CardWidth, art.CardHeight)
	}
}

// TestServePicturesLINE: with VAXBOT_PUBLIC_URL, QA item 1 and the form's
// question for the card number come with an image message whose URL is
// under the public URL, which serve answers with the PNG.
func TestServePicturesLINE(t *testing.T) {
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.PublicURL = testPublicURL
	ts := startServer(t, cfg)
	if code := postLINE(t, ts, lineBody(lineEvent("ev1", "Ualice", "token-1", "message", "健保卡號在哪裡"))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	r := api.WaitReplies(t, 1)[0]
	if len(r.Messages) != 2 || r.Messages[0]["type"] != "text" || r.Messages[1]["type"] != "image" {
		t.Fatalf("reply %+v, want the answer and an image", r.Messages)
	}
	img := r.Messages[1]
	orig, _ := img["originalContentUrl"].(string)
	if img["previewImageUrl"] != orig || !strings.Contains(orig, "/img/card.zh-TW.") || len(orig) >= 2000 {
		t.Errorf("image message %v", img)
	}
	if qr := quickReplyData(img); len(qr) == 0 {
		t.Errorf("no quick replies on the image, the last message")
	}
	fetchPicture(t, ts, orig)

	// The form's question for the card number.
	for i, step := range []map[string]any{
		lineEvent("ev2", "Ualice", "token-2", "postback", "verify:start"),
		lineEvent("ev3", "Ualice", "token-3", "message", "A123456789"),
		lineEvent("ev4", "Ualice", "token-4", "postback", "verify:yes"),
	} {
		postLINE(t, ts, lineBody(step))
		api.WaitReplies(t, 2+i)
	}
	last := api.Replies()[3]
	if got := last.Messages[len(last.Messages)-1]; got["type"] != "image" || got["originalContentUrl"] != orig {
		t.Errorf("the question for the card number ends with %v, want the picture", got)
	}
	// Unknown pictures and other methods.
	res, err := http.Get(ts.url + "/img/card.zh-TW.0000000000000000.png")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown picture: status %d, want 404", res.StatusCode)
	}
	path := strings.TrimPrefix(orig, testPublicURL)
	if code := post(t, ts.url+path, nil, nil); code != http.StatusMethodNotAllowed {
		t.Errorf("POST a picture: status %d, want 405", code)
	}
}

// TestServePicturesTelegram: the same answer on Telegram is a sendPhoto
// with a caption, the photo under the public URL, in the person's
// language.
func TestServePicturesTelegram(t *testing.T) {
	api := newFakeTelegram(t)
	cfg := serveConfig{
		TelegramToken: "tg-token", TelegramSecret: "tg_secret-1", TelegramAPIBase: api.srv.URL,
		Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second, PublicURL: testPublicURL,
	}
	ts := startServer(t, cfg)
	secret := map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1", "Content-Type": "application/json"}
	if code := post(t, ts.url+"/webhook/telegram", tgCallback(1, 42, "lang:en"), secret); code != http.StatusOK {
		t.Fatal(code)
	}
	api.waitMethod(t, "sendMessage", 1)
	if code := post(t, ts.url+"/webhook/telegram", tgCallback(2, 42, "faq:q1"), secret); code != http.StatusOK {
		t.Fatal(code)
	}
	photo := api.waitMethod(t, "sendPhoto", 1)[0]
	u := photo.Fields["photo"]
	if !strings.Contains(u, "/img/card.en.") || photo.Fields["chat_id"] != "42" {
		t.Errorf("sendPhoto %v", photo.Fields)
	}
	if c := photo.Fields["caption"]; c == "" || len([]rune(c)) > 1024 {
		t.Errorf("caption %q", c)
	}
	fetchPicture(t, ts, u)
}
