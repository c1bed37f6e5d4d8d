package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/verify"
)

func TestRunVerify(t *testing.T) {
	dir := t.TempDir()
	regFile := filepath.Join(dir, "registry.csv")
	csv := verify.CSVHeader + "\nA123456789,000099998888,,2021-01-04T09:00:00+08:00,,false\n"
	if err := os.WriteFile(regFile, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(badFile, []byte("id,card\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		args        []string
		wantCode    int
		wantOutcome string // for --json runs
		wantItem    string
		wantOut     string // substring of stdout
		wantErr     string // substring of stderr
	}{
		{"verified", []string{"--json", "A123456789", "000011112222"}, 0, "verified", "", "", ""},
		{"full-width and spaces", []string{"--json", "ａ１２３４５６７８９", "0000 1111 2222"}, 0, "verified", "", "", ""},
		{"card too new", []string{"--json", "B222222228", "000022223333"}, 0, "card_too_new", "q6", "", ""},
		{"record moved", []string{"--json", "AC00000003", "000033334444"}, 0, "verified_record_moved", "q8", "", ""},
		{"card shows the old number", []string{"--json", "A800000014", "000044445555"}, 0, "card_shows_old_number", "q8", "", ""},
		{"new number not yet known", []string{"--json", "D800000008", "000055556666"}, 0, "use_number_on_card", "q5", "", ""},
		{"use new number", []string{"--json", "EB00000005", "000066667777"}, 0, "use_new_number", "q9", "", ""},
		{"duplicate", []string{"--json", "C123456781", "000077778888"}, 0, "duplicate_id", "q7", "", ""},
		{"mismatch", []string{"--json", "A123456789", "999999999999"}, 0, "mismatch", "", "", ""},
		{"registry file", []string{"--json", "--registry", regFile, "A123456789", "000099998888"}, 0, "verified", "", "", ""},
		{"demo card unknown to the file", []string{"--json", "--registry", regFile, "A123456789", "000011112222"}, 0, "mismatch", "", "", ""},
		{"human line is masked", []string{"A123456789", "000011112222"}, 0, "", "", "A12*****89 ********2222: verified", ""},
		{"bad ID", []string{"A123456780", "000011112222"}, 1, "", "", "", "mistyped"},
		{"bad card", []string{"A123456789", "0000111122223"}, 1, "", "", "", "you typed 13"},
		{"bad ID as JSON", []string{"--json", "A123456780", "000011112222"}, 1, "", "", `"field":"id","hint":"This number doesn't pass the check digit`, ""},
		{"13-digit card as JSON", []string{"--json", "A123456789", "0000111122223"}, 1, "", "", `"field":"card"`, ""},
		{"bad registry file", []string{"--registry", badFile, "A123456789", "000011112222"}, 1, "", "", "", "header"},
		{"missing file", []string{"--registry", filepath.Join(dir, "nope.csv"), "A123456789", "000011112222"}, 1, "", "", "", "verify: registry"},
		{"one argument", []string{"A123456789"}, 2, "", "", "", "usage"},
		{"unknown flag", []string{"--frob", "A123456789", "000011112222"}, 2, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runVerify(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("got exit %d, want %d (stdout %q, stderr %q)", code, tt.wantCode, stdout.String(), stderr.String())
			}
			if tt.wantOutcome != "" {
				var got verifyResult
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
					t.Fatalf("got %q: %v", stdout.String(), err)
				}
				if got.Outcome != tt.wantOutcome || got.Item != tt.wantItem {
					t.Errorf("got %+v, want outcome %s item %q", got, tt.wantOutcome, tt.wantItem)
				}
				if (got.RetryAfter != "") != (tt.wantOutcome == "card_too_new") {
					t.Errorf("got retry_after %q for %s", got.RetryAfter, got.Outcome)
				}
			}
			if !strings.Contains(stdout.String(), tt.wantOut) || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("got stdout %q, stderr %q; want %q, %q", stdout.String(), stderr.String(), tt.wantOut, tt.wantErr)
			}
			for _, n := range []string{"A123456789", "A123456780", "000011112222", "0000111122223", "C123456781"} {
				if strings.Contains(stdout.String()+stderr.String(), n) {
					t.Errorf("got a full number in the output: %q %q", stdout.String(), stderr.String())
				}
			}
		})
	}
}

// TestRunVerifyRetryAfterInTaiwanTime: the demo card is always made 20
// minutes before now, so the retry time is 40 to 41 minutes away, in +08:00.
func TestRunVerifyRetryAfterInTaiwanTime(t *testing.T) {
	var stdout, stderr bytes.Buffer
	before := time.Now()
	if code := runVerify(context.Background(), []string{"--json", "B222222228", "000022223333"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("got exit %d: %s", code, stderr.String())
	}
	var got verifyResult
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse(time.RFC3339, got.RetryAfter)
	if err != nil {
		t.Fatalf("got retry_after %q: %v", got.RetryAfter, err)
	}
	if !strings.HasSuffix(got.RetryAfter, "+08:00") || at.Second() != 0 {
		t.Errorf("got retry_after %q, want whole minutes in +08:00", got.RetryAfter)
	}
	if d := at.Sub(before); d < 39*time.Minute || d > 42*time.Minute {
		t.Errorf("got retry_after %v from now, want about 40 minutes", d)
	}
}
