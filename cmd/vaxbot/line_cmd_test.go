package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
)

// TestLineRichMenu: "vaxbot line richmenu" against a fake Messaging API
// creates a menu per language with its picture, in order, and makes the
// zh-TW one the default; a second run changes nothing.
func TestLineRichMenu(t *testing.T) {
	api := linetest.NewRichMenuAPI(t)
	t.Setenv("VAXBOT_LINE_CHANNEL_TOKEN", "line-token")
	t.Setenv("VAXBOT_LINE_API_BASE", api.URL)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"line", "richmenu"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	calls := api.Calls()
	if len(calls) != 1+2*6+2 || calls[0] != "GET /v2/bot/richmenu/list" || calls[1] != "POST /v2/bot/richmenu" ||
		!strings.HasSuffix(calls[2], "/content") || calls[len(calls)-1] != "POST /v2/bot/user/all/richmenu/richmenu-0001" {
		t.Errorf("first run's calls %q", calls)
	}
	if m := api.Menus(); len(m) != 6 {
		t.Errorf("menus %v, want six", m)
	}
	if !strings.HasPrefix(api.Default(), "vaxbot zh-TW ") {
		t.Errorf("default %q, want the zh-TW menu", api.Default())
	}
	if !strings.Contains(out.String(), "created vaxbot en ") {
		t.Errorf("printed %q", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"line", "richmenu"}, nil, &out, &errb); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errb.String())
	}
	if got := api.Calls()[len(calls):]; strings.Join(got, ",") != "GET /v2/bot/richmenu/list,GET /v2/bot/user/all/richmenu" {
		t.Errorf("second run's calls %q, want a look only", got)
	}
	if strings.Contains(out.String(), "created") || strings.Count(out.String(), "kept") != 6 {
		t.Errorf("second run printed %q", out.String())
	}
}
