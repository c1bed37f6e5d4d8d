package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestLoadDrivesTheRealServer runs the load generator's people against the
// real server wiring with the load's own fake LINE API, small and bounded.
func TestLoadDrivesTheRealServer(t *testing.T) {
	api := &fakeAPI{}
	apiSrv := httptest.NewServer(api)
	defer apiSrv.Close()
	cfg := lineConfig(apiSrv.URL)
	cfg.LineSecret = "load-secret"
	ts := startServer(t, cfg)
	o := loadOptions{people: 10, events: 120, duration: 20 * time.Second, secret: "load-secret"}
	r := drive(context.Background(), o, ts.url, api)
	if r.events != 120 || r.errors != 0 || len(r.replies) != 120 || len(r.acks) != 120 {
		t.Fatalf("events %d, errors %d, replies %d, acks %d", r.events, r.errors, len(r.replies), len(r.acks))
	}
	if got := api.replies.Load(); got != 120 {
		t.Errorf("fake API saw %d replies, want 120", got)
	}
	floorURL, closeFloor, err := startFloor("load-secret")
	if err != nil {
		t.Fatal(err)
	}
	defer closeFloor()
	f := drive(context.Background(), loadOptions{people: 5, events: 50, duration: 10 * time.Second, secret: "load-secret"}, floorURL, nil)
	if f.events != 50 || f.errors != 0 {
		t.Fatalf("floor: events %d, errors %d", f.events, f.errors)
	}
	var out strings.Builder
	report(&out, o, []result{{name: "floor", events: 50, elapsed: time.Second}, {name: "vaxbot", events: 120, elapsed: time.Second, repliesCompleted: true}})
	if !strings.Contains(out.String(), "240 % of the floor") {
		t.Errorf("report:\n%s", out.String())
	}
}
