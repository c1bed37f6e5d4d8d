package telegram

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/dialogs"
)

// TestSetCommands: setMyCommands for the default list and each language's
// two-letter code, zh and en among them, the five commands each with a
// description in that language; a second run makes the same calls.
func TestSetCommands(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	for run := 1; run <= 2; run++ {
		codes, err := c.SetCommands(context.Background())
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if want := []string{"", "zh", "en", "vi", "id", "th", "tl"}; !slices.Equal(codes, want) {
			t.Errorf("run %d: set %q, want %q", run, codes, want)
		}
	}
	calls := f.recorded()
	if len(calls) != 14 {
		t.Fatalf("got %d calls, want 7 per run", len(calls))
	}
	descs := map[string]map[string]string{}
	for _, call := range calls[:7] {
		var cmds []struct{ Command, Description string }
		if err := json.Unmarshal([]byte(call.Form["commands"]), &cmds); err != nil {
			t.Fatal(err)
		}
		var names []string
		descs[call.Form["language_code"]] = map[string]string{}
		for _, cmd := range cmds {
			names = append(names, cmd.Command)
			descs[call.Form["language_code"]][cmd.Command] = cmd.Description
		}
		if want := []string{"start", "menu", "check", "person", "lang"}; !slices.Equal(names, want) {
			t.Errorf("%q: commands %v, want %v", call.Form["language_code"], names, want)
		}
	}
	if descs["zh"]["check"] != c.words.T("zh-TW", dialogs.WordCommandCheck) || descs["en"]["check"] != c.words.T("en", dialogs.WordCommandCheck) {
		t.Errorf("descriptions %v", descs)
	}
	if descs["zh"]["menu"] == descs["en"]["menu"] || descs[""]["menu"] != descs["en"]["menu"] {
		t.Errorf("zh and en lists alike, or the default not English: %v", descs)
	}
	for i := range 7 {
		if calls[i].Form["commands"] != calls[i+7].Form["commands"] || calls[i].Form["language_code"] != calls[i+7].Form["language_code"] {
			t.Errorf("the second run differs at call %d", i)
		}
	}
}

func TestSetCommandsFails(t *testing.T) {
	c, f, _ := newTestChannel(t, Config{})
	f.then("setMyCommands", cannedReply{200, `{"ok":true,"result":true}`}, forbidden)
	codes, err := c.SetCommands(context.Background())
	if err == nil || len(codes) != 1 || strings.Contains(err.Error(), testToken) {
		t.Errorf("got %q, %v; want the first set and an error without the token", codes, err)
	}
}

// TestDecodeCommandsAndDeepLinks: /check, /person and the deep links'
// start parameters open their steps; an unknown parameter is the welcome.
func TestDecodeCommandsAndDeepLinks(t *testing.T) {
	tests := []struct {
		text  string
		event dialogs.Event
		pay   string
	}{
		{"/check", "", dialogs.PayloadVerify(dialogs.VerifyStart)},
		{"/person", "", dialogs.PayloadPerson()},
		{"/menu", "", dialogs.PayloadMenu()},
		{"/start", dialogs.EventStart, ""},
		{"/start check", "", dialogs.PayloadVerify(dialogs.VerifyStart)},
		{"/start person", "", dialogs.PayloadPerson()},
		{"/start q1", "", dialogs.PayloadFAQ("q1")},
		{"/start q0", dialogs.EventStart, ""},
		{"/start verify:yes", dialogs.EventStart, ""},
	}
	for _, tt := range tests {
		evs, err := decode(textUpdate(tt.text), fakeUsername)
		if err != nil || len(evs) != 1 {
			t.Fatalf("%s: %v, %v", tt.text, evs, err)
		}
		if in := evs[0].Input; in.Event != tt.event || in.Payload != tt.pay || in.Text != "" {
			t.Errorf("%s: got %+v, want event %q payload %q", tt.text, in, tt.event, tt.pay)
		}
	}
}
