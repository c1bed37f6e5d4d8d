package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestTelegramSetup: "vaxbot telegram setup" sets the command menu through
// the Bot API (a fake on loopback): the default list and zh and en among
// the language codes, the five commands in each; a second run makes the
// same calls.
func TestTelegramSetup(t *testing.T) {
	api := newFakeTelegram(t)
	t.Setenv("VAXBOT_TELEGRAM_TOKEN", "tg-token")
	t.Setenv("VAXBOT_TELEGRAM_API_BASE", api.srv.URL)
	for i := 1; i <= 2; i++ {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"telegram", "setup"}, nil, &out, &errb); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, errb.String())
		}
		if !strings.Contains(out.String(), "default, zh, en") {
			t.Errorf("run %d printed %q", i, out.String())
		}
	}
	calls := api.Calls()
	if len(calls) != 14 {
		t.Fatalf("got %d calls, want 7 per run", len(calls))
	}
	seen := map[string]bool{}
	for _, c := range calls {
		if c.Method != "setMyCommands" {
			t.Errorf("called %s", c.Method)
		}
		var cmds []struct{ Command string }
		if err := json.Unmarshal([]byte(c.Fields["commands"]), &cmds); err != nil || len(cmds) != 5 {
			t.Errorf("commands %q (%v)", c.Fields["commands"], err)
		}
		seen[c.Fields["language_code"]] = true
	}
	for _, code := range []string{"", "zh", "en"} {
		if !seen[code] {
			t.Errorf("no list for language_code %q", code)
		}
	}
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"telegram"}, nil, &bytes.Buffer{}, &errb); code != 2 {
		t.Errorf("no subcommand: exit %d, want 2", code)
	}
}
