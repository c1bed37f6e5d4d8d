package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the vaxbot command line with args and stdin.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpListsCommands(t *testing.T) {
	code, out, _ := runCLI(t, "", "help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range []string{"chat", "ask", "eval", "check-id", "verify"} {
		if !strings.Contains(out, c) {
			t.Errorf("help does not list %s:\n%s", c, out)
		}
	}
	if code, _, _ := runCLI(t, "", "frobnicate"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
}

func TestCheckIDJSON(t *testing.T) {
	tests := []struct {
		in   string
		want checkIDResult
		code int
	}{
		{"A123456789", checkIDResult{true, "national", "A123456789", ""}, 0},
		{"ａ１２３４５６７８９", checkIDResult{true, "national", "A123456789", ""}, 0},
		{"A800000005", checkIDResult{true, "arc_new", "A800000005", ""}, 0},
		{"AC00000003", checkIDResult{true, "arc_old", "AC00000003", ""}, 0},
		{"F123456789", checkIDResult{false, "national", "F123456789", "checksum"}, 1},
		{"A12345", checkIDResult{false, "national", "A12345", "length"}, 1},
		{"1123456789", checkIDResult{false, "", "1123456789", "format"}, 1},
		{"A323456789", checkIDResult{false, "", "A323456789", "second_char"}, 1},
		{" ", checkIDResult{false, "", "", "empty"}, 1},
		{"💉", checkIDResult{false, "", "", "format"}, 1},
	}
	for _, tt := range tests {
		code, out, _ := runCLI(t, "", "check-id", "--json", tt.in)
		var got checkIDResult
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("check-id %q: %v in %q", tt.in, err, out)
		}
		if got != tt.want || code != tt.code {
			t.Errorf("check-id %q = %+v (exit %d), want %+v (exit %d)", tt.in, got, code, tt.want, tt.code)
		}
	}
}

func TestAskJSON(t *testing.T) {
	tests := []struct {
		text, id, lang string
	}{
		{"健保卡號在哪裡", "q1", "zh-TW"},
		{"my new ARC number fails identity verification on the registration website", "q5", "en"},
		{"明天天氣如何", "", "zh-TW"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "", "ask", "--json", tt.text)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct {
			ID       string  `json:"id"`
			Score    float64 `json:"score"`
			RunnerUp *string `json:"runner_up"`
			Lang     string  `json:"lang"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.ID != tt.id || got.Lang != tt.lang || got.RunnerUp == nil || got.Score < 0 || got.Score > 1 {
			t.Errorf("ask %q = %s, want id %q lang %s", tt.text, out, tt.id, tt.lang)
		}
	}
	code, out, _ := runCLI(t, "", "ask", "where", "is", "the", "card", "number")
	if code != 0 || !strings.Contains(out, "lower left") {
		t.Errorf("ask without --json: exit %d, %q", code, out)
	}
}

func TestEval(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "eval.tsv")
	data := "# a comment\n健保卡號在哪裡\tq1\tzh-TW\nwhat's the weather\tnone\ten\nwhere is the card number\tq7\ten\n"
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "eval", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"in-scope zh-TW   1/1", "in-scope en      0/1", "none abstained   1/1", "mistakes: 1", "line 4 [en] want q7 got q1"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
}

func TestVerifyJSON(t *testing.T) {
	tests := []struct {
		id, card, outcome string
		retry             bool
	}{
		{"A123456789", "000011112222", "verified", false},
		{"B222222228", "000022223333", "card_too_new", true},
		{"C123456781", "000077778888", "duplicate_id", false},
		{"A123456789", "999999999999", "mismatch", false},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "", "verify", "--json", tt.id, tt.card)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got verifyResult
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.Outcome != tt.outcome || (got.RetryAfter != "") != tt.retry {
			t.Errorf("verify %s = %s", tt.outcome, out)
		}
		if tt.retry && !strings.HasSuffix(got.RetryAfter, "+08:00") {
			t.Errorf("retry_after %q is not Taiwan time", got.RetryAfter)
		}
	}
	if code, _, errOut := runCLI(t, "", "verify", "A123456789", "0000111122223"); code != 1 || !strings.Contains(errOut, "13") {
		t.Errorf("13-digit card: exit %d, %q", code, errOut)
	}
}

func TestChatPiped(t *testing.T) {
	t.Setenv("VAXBOT_DATA_DIR", t.TempDir())
	code, out, errOut := runCLI(t, "english\n2\nmenu\n10\nA123456789\n1\n0000 1111 2222\n", "chat")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"您好", "OK, I will continue in English.", "Card number unreadable", "Your ID number and NHI card number match"} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q", want)
		}
	}
	// The echo of piped input masks numbers: stdout may be a file.
	if strings.Contains(out, "A123456789") || strings.Contains(out, "000011112222") || strings.Contains(out, "0000 1111 2222") {
		t.Errorf("chat output holds a full number:\n%s", out)
	}
	if code, _, _ := runCLI(t, "", "chat", "--lang", "fr"); code != 2 {
		t.Errorf("--lang fr: exit %d, want 2", code)
	}
}

// TestChatTicketsInServesStore: a handoff in chat opens its ticket in the
// store serve and "vaxbot tickets" use, and with VAXBOT_DATA_KEY the person
// is offered a call-back, as in serve.
func TestChatTicketsInServesStore(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VAXBOT_DATA_DIR", dir)
	t.Setenv("VAXBOT_DATA_KEY", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	code, out, errOut := runCLI(t, "English\nI want to talk to a human\n1\n", "chat")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	i := strings.Index(out, "Your reference: ")
	if i < 0 {
		t.Fatalf("no reference in chat:\n%s", out)
	}
	ref := out[i+len("Your reference: ") : i+len("Your reference: ")+7]
	if !strings.Contains(out, "Ask them to call me back") {
		t.Errorf("no call-back offered with VAXBOT_DATA_KEY set:\n%s", out)
	}
	code, shown, errOut := runCLI(t, "", "tickets", "show", ref)
	if code != 0 || !strings.Contains(shown, ref) || !strings.Contains(shown, "chat") && !strings.Contains(shown, "cli") {
		t.Errorf("tickets show %s: exit %d\n%s\n%s", ref, code, shown, errOut)
	}
}

// TestEvalStories: "vaxbot eval --stories" runs the conversation stories
// and says how many passed, by class and in all; a story that fails makes
// the exit status 1 and is printed with its transcript.
func TestEvalStories(t *testing.T) {
	dir := t.TempDir()
	good := "story ok-1 [0] en: the card number\n> English\n> where is my NHI card number\n< must: lower left\n"
	bad := "story bad-1 [0] en: a wrong fact\n> English\n> where is my NHI card number\n< must: upper right\n"
	if err := os.WriteFile(filepath.Join(dir, "a.story"), []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "eval", "--stories", dir)
	if code != 0 || !strings.Contains(out, "all: 1/1 passed") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.story"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "", "eval", "--stories", dir)
	if code != 1 || !strings.Contains(out, "all: 1/2 passed") || !strings.Contains(out, "bad-1") || !strings.Contains(out, "upper right") {
		t.Errorf("a failing story: exit %d:\n%s", code, out)
	}
}
