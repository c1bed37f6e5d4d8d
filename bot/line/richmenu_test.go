package line

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

func testMenu(t *testing.T, lang dialogs.Lang, shade uint8) RichMenu {
	img := image.NewRGBA(image.Rect(0, 0, 2500, 843))
	img.Set(0, 0, color.RGBA{shade, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return RichMenu{Lang: lang, Size: image.Pt(2500, 843), ChatBar: "Menu", Image: buf.Bytes(), Areas: []RichMenuArea{
		{Bounds: image.Rect(0, 0, 1250, 843), Payload: dialogs.PayloadFAQ("q1"), Text: "Where is the card number"},
		{Bounds: image.Rect(1250, 0, 2500, 843), Payload: dialogs.PayloadPerson(), Text: "Talk to a person"},
	}}
}

// TestRichMenuSetup: the first run lists, creates and uploads each
// language's menu, then sets the default; a second run only looks; a
// changed menu is created anew and the old one deleted.
func TestRichMenuSetup(t *testing.T) {
	api := linetest.NewRichMenuAPI(t)
	r, err := NewRichMenus("token", api.URL, api.URL)
	if err != nil {
		t.Fatal(err)
	}
	menus := []RichMenu{testMenu(t, knowledge.ZhTW, 1), testMenu(t, knowledge.En, 2)}
	steps := []struct {
		name  string
		menus []RichMenu
		calls []string
	}{
		{"first run", menus, []string{
			"GET /v2/bot/richmenu/list",
			"POST /v2/bot/richmenu", "POST /v2/bot/richmenu/richmenu-0001/content",
			"POST /v2/bot/richmenu", "POST /v2/bot/richmenu/richmenu-0002/content",
			"GET /v2/bot/user/all/richmenu", "POST /v2/bot/user/all/richmenu/richmenu-0001",
		}},
		{"second run", menus, []string{"GET /v2/bot/richmenu/list", "GET /v2/bot/user/all/richmenu"}},
		{"English changed", []RichMenu{menus[0], testMenu(t, knowledge.En, 3)}, []string{
			"GET /v2/bot/richmenu/list",
			"POST /v2/bot/richmenu", "POST /v2/bot/richmenu/richmenu-0003/content",
			"GET /v2/bot/user/all/richmenu",
			"DELETE /v2/bot/richmenu/richmenu-0002",
		}},
	}
	for _, st := range steps {
		before := len(api.Calls())
		ids, did, err := r.Setup(st.menus)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := api.Calls()[before:]; !slices.Equal(got, st.calls) {
			t.Errorf("%s: calls\n got %q\nwant %q", st.name, got, st.calls)
		}
		if len(ids) != 2 || ids[knowledge.ZhTW] != "richmenu-0001" || len(did) < 2 {
			t.Errorf("%s: ids %v, did %q", st.name, ids, did)
		}
		if !strings.HasPrefix(api.Default(), "vaxbot zh-TW ") {
			t.Errorf("%s: default %q", st.name, api.Default())
		}
		for name, hasImage := range api.Menus() {
			if !hasImage {
				t.Errorf("%s: menu %s has no picture", st.name, name)
			}
		}
		if n := len(api.Menus()); n != 2 {
			t.Errorf("%s: %d menus, want 2", st.name, n)
		}
	}
}

// TestRichMenuUploadFails: a menu whose picture could not be uploaded is
// deleted, so the next run creates it again rather than keep it bare.
func TestRichMenuUploadFails(t *testing.T) {
	api := linetest.NewRichMenuAPI(t)
	api.FailUps = 1
	r, _ := NewRichMenus("token", api.URL, api.URL)
	menus := []RichMenu{testMenu(t, knowledge.ZhTW, 1)}
	if _, _, err := r.Setup(menus); err == nil {
		t.Fatal("no error for a failed upload")
	}
	if n := len(api.Menus()); n != 0 {
		t.Errorf("%d menus left after a failed upload", n)
	}
	if _, _, err := r.Setup(menus); err != nil {
		t.Fatal(err)
	}
	if m := api.Menus(); len(m) != 1 || api.Default() == "" {
		t.Errorf("after the retry: menus %v, default %q", m, api.Default())
	}
}

// TestLinkOnLanguageChoice: a turn in which the person chose a language
// links them to that language's menu; other turns link nothing.
func TestLinkOnLanguageChoice(t *testing.T) {
	rm := linetest.NewRichMenuAPI(t)
	menus, _ := NewRichMenus("token", rm.URL, rm.URL)
	if _, _, err := menus.Setup([]RichMenu{testMenu(t, knowledge.ZhTW, 1), testMenu(t, knowledge.En, 2)}); err != nil {
		t.Fatal(err)
	}
	api := linetest.New(t)
	c, err := New(Config{Secret: "s", Token: "t", APIBase: api.URL, RichMenus: menus})
	if err != nil {
		t.Fatal(err)
	}
	deliver := func(token string, r dialogs.Reply) {
		ev := bot.Event{Reply: replyTo{token: token, userID: "U1", received: time.Now()}}
		if err := c.Deliver(context.Background(), ev, []dialogs.Reply{r}); err != nil {
			t.Fatal(err)
		}
	}
	deliver("t1", dialogs.Reply{Text: "menu", Lang: knowledge.En})
	if got := rm.LinkOf("U1"); got != "" {
		t.Errorf("linked to %q without a language choice", got)
	}
	deliver("t2", dialogs.Reply{Text: "OK, English", Lang: knowledge.En, LangChosen: true})
	if got := rm.LinkOf("U1"); !strings.HasPrefix(got, "vaxbot en ") {
		t.Errorf("linked to %q, want the English menu", got)
	}
	deliver("t3", dialogs.Reply{Text: "好的", Lang: knowledge.ZhTW, LangChosen: true})
	if got := rm.LinkOf("U1"); !strings.HasPrefix(got, "vaxbot zh-TW ") {
		t.Errorf("linked to %q, want the zh-TW menu", got)
	}
	if n := len(api.Replies()); n != 3 {
		t.Errorf("%d replies, want 3", n)
	}
}
