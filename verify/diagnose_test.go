package verify

import (
	"context"
	"strings"
	"testing"
	"time"
)

var taipeiTZ = time.FixedZone("CST", 8*3600)

func mustID(t *testing.T, s string) ID {
	t.Helper()
	id, err := ParseID(s)
	if err != nil {
		t.Fatalf("ParseID(%s): %v", Mask(s), err)
	}
	return id
}

func mustCard(t *testing.T, s string) Card {
	t.Helper()
	c, err := ParseCardNumber(s)
	if err != nil {
		t.Fatalf("ParseCardNumber: %v", err)
	}
	return c
}

func TestDiagnose(t *testing.T) {
	now := time.Date(2021, 7, 21, 10, 0, 30, 0, taipeiTZ)
	old := now.Add(-30 * 24 * time.Hour)
	records := []Record{
		{ID: "A123456789", CardNumber: "000011112222", CardIssuedAt: old},
		{ID: "B222222228", CardNumber: "000022223333", CardIssuedAt: now.Add(-20 * time.Minute)},
		{ID: "A800000005", CardNumber: "000033334444", CardID: "AC00000003", CardIssuedAt: old, PreviousID: "AC00000003"},
		{ID: "AC00000021", CardNumber: "000055556666", CardIssuedAt: old},
		{ID: "E800000009", CardNumber: "000066667777", CardIssuedAt: old, PreviousID: "EB00000005"},
		{ID: "C123456781", CardNumber: "000077778888", CardIssuedAt: old, Duplicate: true},
		{ID: "F111111118", CardNumber: "000088889999", CardIssuedAt: now.Add(-60 * time.Minute)},
	}
	tests := []struct {
		name      string
		id, card  string
		want      Outcome
		wantItem  string
		wantRetry time.Time
	}{
		{"verified", "A123456789", "000011112222", Verified, "", time.Time{}},
		{"card just made", "B222222228", "000022223333", CardTooNew, "q6", time.Date(2021, 7, 21, 10, 41, 0, 0, taipeiTZ)},
		{"card exactly one hour old", "F111111118", "000088889999", Verified, "", time.Time{}},
		{"old number on card, record moved", "AC00000003", "000033334444", VerifiedRecordMoved, "q8", time.Time{}},
		{"record's new number, card still old", "A800000005", "000033334444", CardShowsOldNumber, "q8", time.Time{}},
		{"unknown new number, old-format card", "D800000008", "000055556666", UseNumberOnCard, "q5", time.Time{}},
		{"former number, card shows new", "EB00000005", "000066667777", UseNewNumber, "q9", time.Time{}},
		{"duplicate ID", "C123456781", "000077778888", DuplicateID, "q7", time.Time{}},
		{"unknown card", "A123456789", "999999999999", Mismatch, "", time.Time{}},
		{"someone else's card", "A123456789", "000022223333", Mismatch, "", time.Time{}},
		{"unknown new number, new-format card", "D800000008", "000066667777", Mismatch, "", time.Time{}},
		{"national ID on an old-format card", "B222222228", "000055556666", Mismatch, "", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diagnose(mustID(t, tt.id), mustCard(t, tt.card), records, now)
			if got.Outcome != tt.want || got.Item != tt.wantItem || !got.RetryAfter.Equal(tt.wantRetry) {
				t.Errorf("got %+v, want %s %s %v", got, tt.want, tt.wantItem, tt.wantRetry)
			}
		})
	}
}

func TestMismatchRevealsNothing(t *testing.T) {
	// A known ID with the wrong card and an unknown ID get the same answer.
	now := time.Now()
	reg := DemoRegistry(now)
	a := diagnoseVia(t, reg, "A123456789", "999999999999", now)
	b := diagnoseVia(t, reg, "B123456780", "999999999999", now)
	if a != b || a.Outcome != Mismatch {
		t.Errorf("known ID gives %+v, unknown ID gives %+v", a, b)
	}
}

func diagnoseVia(t *testing.T, reg Registry, id, card string, now time.Time) Diagnosis {
	t.Helper()
	x, c := mustID(t, id), mustCard(t, card)
	recs, err := reg.Lookup(context.Background(), x.Number(), c.Number())
	if err != nil {
		t.Fatal(err)
	}
	return Diagnose(x, c, recs, now)
}

// TestDemoRegistryOutcomes is the README's table of demo numbers.
func TestDemoRegistryOutcomes(t *testing.T) {
	now := time.Date(2021, 7, 21, 9, 0, 0, 0, taipeiTZ)
	reg := DemoRegistry(now)
	tests := []struct {
		id, card string
		want     Outcome
	}{
		{"A123456789", "000011112222", Verified},
		{"B222222228", "000022223333", CardTooNew},
		{"AC00000003", "000033334444", VerifiedRecordMoved},
		{"A800000014", "000044445555", CardShowsOldNumber},
		{"D800000008", "000055556666", UseNumberOnCard},
		{"EB00000005", "000066667777", UseNewNumber},
		{"C123456781", "000077778888", DuplicateID},
		{"A123456789", "000022223333", Mismatch},
	}
	for _, tt := range tests {
		if got := diagnoseVia(t, reg, tt.id, tt.card, now); got.Outcome != tt.want {
			t.Errorf("%s + %s: got %s, want %s", Mask(tt.id), Mask(tt.card), got.Outcome, tt.want)
		}
	}
	if got := diagnoseVia(t, reg, "B222222228", "000022223333", now); !got.RetryAfter.Equal(now.Add(40 * time.Minute)) {
		t.Errorf("demo card_too_new retry at %v, want 40 minutes after now", got.RetryAfter)
	}
}

func TestLoadCSVRejects(t *testing.T) {
	const header = CSVHeader + "\n"
	tests := []struct {
		name, body, want string
	}{
		{"wrong header", "id,card\nA123456789,000011112222\n", "header"},
		{"bad checksum", header + "A123456780,000011112222,,2021-01-01T00:00:00Z,,false\n", "line 2: column id"},
		{"13-digit card", header + "A123456789,0000111122223,,2021-01-01T00:00:00Z,,false\n", "line 2: column card_number"},
		{"bad time", header + "A123456789,000011112222,,yesterday,,false\n", "column card_issued_at"},
		{"bad bool", header + "A123456789,000011112222,,2021-01-01T00:00:00Z,,maybe\n", "column duplicate"},
		{"bad previous", header + "A123456789,000011112222,,2021-01-01T00:00:00Z,X,false\n", "column previous_id"},
		{"duplicate card", header + "A123456789,000011112222,,2021-01-01T00:00:00Z,,false\nB222222228,000011112222,,2021-01-01T00:00:00Z,,false\n", "line 3: column card_number"},
		{"short row", header + "A123456789,000011112222\n", "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadCSV(strings.NewReader(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			for _, secret := range []string{"A123456780", "A123456789", "0000111122223", "000011112222"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains a full number", err)
				}
			}
		})
	}
}

func TestLookup(t *testing.T) {
	reg := DemoRegistry(time.Now())
	recs, err := reg.Lookup(context.Background(), "AC00000003", "000011112222")
	if err != nil {
		t.Fatal(err)
	}
	// The record of the card, and the record that has the ID as its card_id.
	if len(recs) != 2 || recs[0].CardNumber != "000011112222" || recs[1].ID != "A800000005" {
		t.Errorf("got %v", recs)
	}
	if recs, _ := reg.Lookup(context.Background(), "Z999999999", "999999999999"); len(recs) != 0 {
		t.Errorf("got %v for unknown numbers", recs)
	}
}

// TestNoOracleThroughOtherRecords: with an old-format card in hand, any
// new-format number gets the same answer, whether it is unknown or belongs to
// someone else's record that the lookup also returned.
func TestNoOracleThroughOtherRecords(t *testing.T) {
	now := time.Date(2021, 7, 21, 9, 0, 0, 0, taipeiTZ)
	reg := DemoRegistry(now)
	const oldFormatCard = "000055556666"
	tests := []struct{ name, id string }{
		{"unknown new number", "D800000008"},
		{"another record's id", "A800000005"},
		{"another record's id, card shows old", "A800000014"},
		{"another record's new number", "E800000009"},
	}
	want := diagnoseVia(t, reg, tests[0].id, oldFormatCard, now)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := diagnoseVia(t, reg, tt.id, oldFormatCard, now); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}
