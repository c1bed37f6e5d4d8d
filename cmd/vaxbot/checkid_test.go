package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestRunCheckID(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantJSON *checkIDResult // for --json runs
		wantOut  string         // substring of stdout for human runs
	}{
		{"full-width", []string{"--json", "Ａ１２３４５６７８９"}, 0, &checkIDResult{true, "national", "A123456789", ""}, ""},
		{"words joined", []string{"--json", "a123", "456", "789"}, 0, &checkIDResult{true, "national", "A123456789", ""}, ""},
		{"in a sentence", []string{"--json", "my", "ID", "is", "a123-456-789"}, 0, &checkIDResult{true, "national", "A123456789", ""}, ""},
		{"new resident", []string{"--json", "A800000005"}, 0, &checkIDResult{true, "arc_new", "A800000005", ""}, ""},
		{"old resident", []string{"--json", "ac00000003"}, 0, &checkIDResult{true, "arc_old", "AC00000003", ""}, ""},
		{"empty", []string{"--json", ""}, 1, &checkIDResult{false, "", "", "empty"}, ""},
		{"length", []string{"--json", "A1234"}, 1, &checkIDResult{false, "national", "A1234", "length"}, ""},
		{"format", []string{"--json", "1123456789"}, 1, &checkIDResult{false, "", "1123456789", "format"}, ""},
		{"format: emoji", []string{"--json", "A123456789😀"}, 1, &checkIDResult{false, "", "", "format"}, ""},
		{"second_char", []string{"--json", "AE23456789"}, 1, &checkIDResult{false, "", "AE23456789", "second_char"}, ""},
		{"checksum", []string{"--json", "AB12345678"}, 1, &checkIDResult{false, "arc_old", "AB12345678", "checksum"}, ""},
		{"human valid is masked", []string{"A123456789"}, 0, nil, "valid national ID A12*****89"},
		{"human new resident", []string{"A800000005"}, 0, nil, "valid new-format resident number A80*****05"},
		{"human invalid gives the hint", []string{"F123456789"}, 1, nil, "mistyped"},
		{"human valid in Chinese", []string{"--lang", "zh-TW", "A123456789"}, 0, nil, "有效的國民身分證統一編號 A12*****89"},
		{"human invalid in Chinese", []string{"--lang", "zh-TW", "F123456789"}, 1, nil, "無效（checksum）"},
		{"human hint in Chinese", []string{"--lang", "zh-TW", "A1234"}, 1, nil, "您輸入了 5 碼"},
		{"no input", nil, 2, nil, ""},
		{"unknown flag", []string{"--frob", "A123456789"}, 2, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runCheckID(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("got exit %d, want %d (stdout %q, stderr %q)", code, tt.wantCode, stdout.String(), stderr.String())
			}
			if tt.wantJSON != nil {
				if n := strings.Count(strings.TrimSpace(stdout.String()), "\n"); n != 0 {
					t.Fatalf("got %d lines, want exactly one JSON object: %q", n+1, stdout.String())
				}
				var got checkIDResult
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
					t.Fatalf("got %q: %v", stdout.String(), err)
				}
				if got != *tt.wantJSON {
					t.Errorf("got %+v, want %+v", got, *tt.wantJSON)
				}
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("got stdout %q, want it to contain %q", stdout.String(), tt.wantOut)
			}
			if tt.wantJSON == nil && tt.wantCode != 2 && strings.Contains(stdout.String()+stderr.String(), "A123456789") {
				t.Errorf("got the full number on the human line: %q", stdout.String())
			}
		})
	}
}
