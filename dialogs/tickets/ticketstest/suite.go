// Package ticketstest is the test suite every tickets.Store must pass: the
// in-memory store, SQLite and PostgreSQL run the same tests.
package ticketstest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// Run tests the store that newStore returns (a fresh, empty one per call).
func Run(t *testing.T, newStore func(t *testing.T) tickets.Store) {
	ctx := context.Background()
	base := time.Date(2021, 7, 21, 9, 0, 0, 123456000, time.UTC)
	mk := func(ref, line, hash string, at time.Time) *tickets.Ticket {
		return &tickets.Ticket{
			Ref: ref, Channel: "line", Lang: "zh-TW", Reason: "mismatch_twice", Line: line,
			MaskedID: "A12*****89", IDHash: hash, Status: tickets.StatusOpen, CreatedAt: at, UpdatedAt: at,
			Turns: []tickets.Turn{{At: at, From: "person", Text: "我的證號 A12*****89"}, {At: at, From: "bot", Text: "這組證號和健保卡卡號對不起來。"}},
		}
	}
	t.Run("create and get", func(t *testing.T) {
		s := newStore(t)
		want := mk("K7M-42Q", "1922", "h1", base)
		want.County = "TPE"
		if err := s.Create(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, "K7M-42Q")
		if err != nil {
			t.Fatal(err)
		}
		if got.Ref != want.Ref || got.County != "TPE" || got.MaskedID != want.MaskedID || got.IDHash != "h1" ||
			got.Status != tickets.StatusOpen || !got.CreatedAt.Equal(base) || len(got.Turns) != 2 ||
			got.Turns[0].Text != want.Turns[0].Text || !got.Turns[1].At.Equal(base) || !got.ClosedAt.IsZero() {
			t.Errorf("got %+v, want %+v", got, want)
		}
		if err := s.Create(ctx, mk("K7M-42Q", "nhia", "", base)); !errors.Is(err, tickets.ErrConflict) {
			t.Errorf("duplicate ref: %v, want ErrConflict", err)
		}
		if _, err := s.Get(ctx, "NOP-EEE"); !errors.Is(err, tickets.ErrNotFound) {
			t.Errorf("missing ref: %v, want ErrNotFound", err)
		}
	})
	t.Run("list filters newest first", func(t *testing.T) {
		s := newStore(t)
		for i, line := range []string{"1922", "nhia", "1922", "county"} {
			if err := s.Create(ctx, mk(fmt.Sprintf("AAA-%03d", i), line, fmt.Sprintf("h%d", i%2), base.Add(time.Duration(i)*time.Minute))); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Claim(ctx, "AAA-002", "op1", base.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			f    tickets.Filter
			want []string
		}{
			{tickets.Filter{}, []string{"AAA-003", "AAA-002", "AAA-001", "AAA-000"}},
			{tickets.Filter{Line: "1922"}, []string{"AAA-002", "AAA-000"}},
			{tickets.Filter{Status: tickets.StatusOpen, Line: "1922"}, []string{"AAA-000"}},
			{tickets.Filter{Status: tickets.StatusClaimed}, []string{"AAA-002"}},
			{tickets.Filter{IDHash: "h1"}, []string{"AAA-003", "AAA-001"}},
			{tickets.Filter{Limit: 2}, []string{"AAA-003", "AAA-002"}},
			{tickets.Filter{Since: base.Add(2 * time.Minute)}, []string{"AAA-003", "AAA-002"}},
			{tickets.Filter{Line: "none"}, nil},
		}
		for _, tt := range tests {
			got, err := s.List(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var refs []string
			for _, g := range got {
				refs = append(refs, g.Ref)
			}
			if fmt.Sprint(refs) != fmt.Sprint(tt.want) {
				t.Errorf("List(%+v) = %v, want %v", tt.f, refs, tt.want)
			}
		}
	})
	t.Run("claim and finish", func(t *testing.T) {
		s := newStore(t)
		if err := s.Create(ctx, mk("CCC-111", "1922", "", base)); err != nil {
			t.Fatal(err)
		}
		claimed, err := s.Claim(ctx, "CCC-111", "op7", base.Add(time.Minute))
		if err != nil || claimed.Status != tickets.StatusClaimed || claimed.ClaimedBy != "op7" || !claimed.UpdatedAt.Equal(base.Add(time.Minute)) {
			t.Fatalf("claim: %+v, %v", claimed, err)
		}
		if !claimed.ClaimedAt.Equal(base.Add(time.Minute)) {
			t.Errorf("claimed at %v, want %v", claimed.ClaimedAt, base.Add(time.Minute))
		}
		if _, err := s.Claim(ctx, "CCC-111", "op8", base.Add(2*time.Minute)); !errors.Is(err, tickets.ErrState) {
			t.Errorf("second claim: %v, want ErrState", err)
		}
		released, err := s.Release(ctx, "CCC-111", base.Add(2*time.Minute))
		if err != nil || released.Status != tickets.StatusOpen || released.ClaimedBy != "" {
			t.Fatalf("release: %+v, %v", released, err)
		}
		if _, err := s.Release(ctx, "CCC-111", base.Add(2*time.Minute)); !errors.Is(err, tickets.ErrState) {
			t.Errorf("release of an open ticket: %v, want ErrState", err)
		}
		if _, err := s.Claim(ctx, "CCC-111", "op7", base.Add(time.Minute)); err != nil {
			t.Fatalf("claim after release: %v", err)
		}
		closed, err := s.Finish(ctx, "CCC-111", base.Add(3*time.Minute))
		if err != nil || closed.Status != tickets.StatusClosed || !closed.ClosedAt.Equal(base.Add(3*time.Minute)) || closed.ClaimedBy != "op7" {
			t.Fatalf("finish: %+v, %v", closed, err)
		}
		if _, err := s.Finish(ctx, "CCC-111", base.Add(4*time.Minute)); !errors.Is(err, tickets.ErrState) {
			t.Errorf("second finish: %v, want ErrState", err)
		}
		if _, err := s.Claim(ctx, "NOP-EEE", "op", base); !errors.Is(err, tickets.ErrNotFound) {
			t.Errorf("claim missing: %v", err)
		}
		if _, err := s.Finish(ctx, "NOP-EEE", base); !errors.Is(err, tickets.ErrNotFound) {
			t.Errorf("finish missing: %v", err)
		}
		// An open ticket can be closed without a claim.
		if err := s.Create(ctx, mk("CCC-222", "nhia", "", base)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Finish(ctx, "CCC-222", base); err != nil || got.Status != tickets.StatusClosed {
			t.Errorf("finish open: %+v, %v", got, err)
		}
	})
	t.Run("callback set, erased on close and by retention", func(t *testing.T) {
		s := newStore(t)
		for i, ref := range []string{"CBK-AAA", "CBK-CCC", "CBK-DDD"} {
			if err := s.Create(ctx, mk(ref, "1922", "", base.Add(time.Duration(i)*24*time.Hour))); err != nil {
				t.Fatal(err)
			}
		}
		cb := tickets.Callback{Sealed: "c2VhbGVk", Masked: "0912***678", When: "morning", ConsentAt: base}
		for _, ref := range []string{"CBK-AAA", "CBK-CCC", "CBK-DDD"} {
			if err := s.SetCallback(ctx, ref, cb); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Get(ctx, "CBK-AAA")
		if err != nil || got.Callback == nil || *got.Callback != cb {
			t.Fatalf("callback %+v, %v", got.Callback, err)
		}
		if err := s.SetCallback(ctx, "NOP-EEE", cb); !errors.Is(err, tickets.ErrNotFound) {
			t.Errorf("missing ticket: %v", err)
		}
		closed, err := s.Finish(ctx, "CBK-AAA", base.Add(time.Hour))
		if err != nil || closed.Callback != nil {
			t.Errorf("closing kept the callback: %+v, %v", closed, err)
		}
		if err := s.SetCallback(ctx, "CBK-AAA", cb); !errors.Is(err, tickets.ErrState) {
			t.Errorf("callback on a closed ticket: %v", err)
		}
		n, err := s.PurgeCallbacks(ctx, base.Add(36*time.Hour))
		if err != nil || n != 1 {
			t.Errorf("purged %d, %v; want 1 (CBK-CCC)", n, err)
		}
		if got, _ := s.Get(ctx, "CBK-CCC"); got.Callback != nil {
			t.Error("an old callback survived the purge")
		}
		if got, _ := s.Get(ctx, "CBK-DDD"); got.Callback == nil {
			t.Error("a recent callback was purged")
		}
	})
	t.Run("purge deletes only closed tickets closed before the cutoff", func(t *testing.T) {
		s := newStore(t)
		for _, ref := range []string{"PRG-AAA", "PRG-CCC", "PRG-DDD", "PRG-EEE"} {
			if err := s.Create(ctx, mk(ref, "1922", "", base)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Finish(ctx, "PRG-AAA", base.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Finish(ctx, "PRG-CCC", base.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Claim(ctx, "PRG-DDD", "op", base.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		n, err := s.Purge(ctx, base.Add(24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("purged %d, %v; want 1 (PRG-AAA)", n, err)
		}
		if _, err := s.Get(ctx, "PRG-AAA"); !errors.Is(err, tickets.ErrNotFound) {
			t.Errorf("an old closed ticket survived the purge: %v", err)
		}
		for _, ref := range []string{"PRG-CCC", "PRG-DDD", "PRG-EEE"} {
			if _, err := s.Get(ctx, ref); err != nil {
				t.Errorf("%s was purged: %v", ref, err)
			}
		}
		if n, err := s.Purge(ctx, base.Add(24*time.Hour)); err != nil || n != 0 {
			t.Errorf("second purge: %d, %v; want 0", n, err)
		}
	})
	t.Run("key ids kept, any of an ID's hashes found", func(t *testing.T) {
		s := tickets.StampKeys(newStore(t), "hk-new", "dk-new")
		old := mk("KEY-OLD", "1922", "h-old", base)
		old.IDHashKey = "hk-old"
		if err := s.Create(ctx, old); err != nil {
			t.Fatal(err)
		}
		if err := s.Create(ctx, mk("KEY-NEW", "1922", "h-new", base.Add(time.Minute))); err != nil {
			t.Fatal(err)
		}
		if err := s.Create(ctx, mk("KEY-NON", "1922", "", base.Add(2*time.Minute))); err != nil {
			t.Fatal(err)
		}
		for ref, want := range map[string]string{"KEY-OLD": "hk-old", "KEY-NEW": "hk-new", "KEY-NON": ""} {
			if got, err := s.Get(ctx, ref); err != nil || got.IDHashKey != want {
				t.Errorf("%s: hash key %+v, %v; want %q", ref, got, err, want)
			}
		}
		got, err := s.List(ctx, tickets.Filter{IDHashes: []string{"h-new", "h-old", "h-other"}})
		if err != nil || len(got) != 2 || got[0].Ref != "KEY-NEW" || got[1].Ref != "KEY-OLD" {
			t.Errorf("by hashes: %v, %v", got, err)
		}
		if got, err := s.List(ctx, tickets.Filter{IDHashes: []string{"h-old"}}); err != nil || len(got) != 1 {
			t.Errorf("by one hash: %v, %v", got, err)
		}
		cb := tickets.Callback{Sealed: "c2VhbGVk", Masked: "0912***678", When: "any", ConsentAt: base}
		if err := s.SetCallback(ctx, "KEY-NEW", cb); err != nil {
			t.Fatal(err)
		}
		cb.KeyID = "dk-old"
		if err := s.SetCallback(ctx, "KEY-OLD", cb); err != nil {
			t.Fatal(err)
		}
		for ref, want := range map[string]string{"KEY-NEW": "dk-new", "KEY-OLD": "dk-old"} {
			if got, err := s.Get(ctx, ref); err != nil || got.Callback == nil || got.Callback.KeyID != want {
				t.Errorf("%s: callback %+v, %v; want key %q", ref, got, err, want)
			}
		}
	})
}
