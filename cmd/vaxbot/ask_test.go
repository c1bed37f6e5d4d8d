package main

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/knowledge"
)

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantJSON bool
		want     []string
	}{
		{"flag first", []string{"--json", "健保卡卡號在哪"}, true, []string{"健保卡卡號在哪"}},
		{"flag after the text", []string{"健保卡卡號在哪", "--json"}, true, []string{"健保卡卡號在哪"}},
		{"flag between words", []string{"where", "-json", "is", "it"}, true, []string{"where", "is", "it"}},
		{"no flag", []string{"where", "is", "it"}, false, []string{"where", "is", "it"}},
		{"after --, a word", []string{"what", "--", "--json"}, false, []string{"what", "--json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("ask", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			asJSON := fs.Bool("json", false, "")
			got, err := parseInterspersed(fs, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if *asJSON != tt.wantJSON || !slices.Equal(got, tt.want) {
				t.Errorf("parseInterspersed(%q) = %q, json %v; want %q, json %v", tt.args, got, *asJSON, tt.want, tt.wantJSON)
			}
		})
	}
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parseInterspersed(fs, []string{"where", "--nope"}); err == nil {
		t.Error("an unknown flag after the text was accepted")
	}
}

func TestAskModes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		mode string
		id   string
		near string
	}{
		{"answer, flag after the text", []string{"ask", "健保卡卡號在哪", "--json"}, "answer", "q1", ""},
		{"second dose: a topic, not q6", []string{"ask", "--json", "第二劑要等多久"}, "none", "", "n_dose_timing"},
		{"lost ARC, flag after the text", []string{"ask", "i", "lost", "my", "ARC", "--json"}, "none", "", "n_lost_arc"},
		{"chit-chat", []string{"ask", "--json", "早安"}, "none", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got struct {
				ID          string   `json:"id"`
				Mode        string   `json:"mode"`
				Suggestions []string `json:"suggestions"`
				Near        *string  `json:"near"`
				Lang        string   `json:"lang"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v in %q", err, out)
			}
			near := ""
			if got.Near != nil {
				near = *got.Near
				if near == "" {
					t.Errorf("near is present but empty: %s", out)
				}
			}
			if got.Mode != tt.mode || got.ID != tt.id || near != tt.near || got.Suggestions == nil {
				t.Errorf("ask %q = %s, want mode %s id %q near %q", tt.args, out, tt.mode, tt.id, tt.near)
			}
		})
	}
}

func TestAskText(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"answer", []string{"ask", "where", "is", "my", "nhi", "card", "number"}, []string{"lower left"}},
		{"a topic's referral and the closest item", []string{"ask", "when", "is", "my", "second", "dose", "due"}, []string{"1922", "You may also want to read:", "[1]"}},
		{"nothing", []string{"ask", "早安"}, []string{"抱歉"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("ask %q printed %q, want it to contain %q", tt.args, out, w)
				}
			}
		})
	}
}

func TestEvalFigures(t *testing.T) {
	file := filepath.Join(t.TempDir(), "eval.tsv")
	data := "健保卡號在哪裡\tq1\tzh-TW\n第二劑要等多久\tn_dose_timing\tzh-TW\n早安\tnone\tzh-TW\n" +
		"where is my nhi card number\tq1\ten\nwhen is my second dose due\tn_dose_timing\ten\n"
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "eval", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"in-scope zh-TW   1/1 ", "in-scope en      1/1 ",
		"out-of-scope zh-TW answered with a QA item   0/2 ", "out-of-scope en    answered with a QA item   0/1 ",
		"confident wrong zh-TW   0/3 ", "confident wrong en      0/2 ",
		"near-domain zh-TW recognised   1/1 ", "near-domain en    recognised   1/1 ",
		"mistakes: 0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runCLI(t, "", "eval"); code != 2 {
		t.Errorf("eval without a file: exit %d, want 2", code)
	}

	// --matches: a JSON line a question, in order, with the match's
	// every field.
	code, out, errOut = runCLI(t, "", "eval", "--matches", file)
	if code != 0 {
		t.Fatalf("--matches: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []struct{ text, id, near, mode string }{
		{"健保卡號在哪裡", "q1", "", "answer"}, {"第二劑要等多久", "", "n_dose_timing", "none"}, {"早安", "", "", "none"},
		{"where is my nhi card number", "q1", "", "answer"}, {"when is my second dose due", "", "n_dose_timing", "none"},
	}
	if len(lines) != len(want) {
		t.Fatalf("--matches printed %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		var got struct {
			Text      string
			Match     knowledge.Match
			Confident bool
			NearScore float64
		}
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, lines[i])
		}
		if got.Text != w.text || got.Match.ID != w.id || got.Match.Near != w.near || string(got.Match.Mode) != w.mode ||
			got.Confident != (w.mode == "answer") || (w.near != "" && got.NearScore == 0) || (w.id != "" && got.Match.Score == 0) {
			t.Errorf("line %d: %s, want %+v", i, lines[i], w)
		}
	}
}
