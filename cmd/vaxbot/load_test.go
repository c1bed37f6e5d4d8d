package main

import (
	"context"
	"net"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
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
	var out strings.Builder
	report(&out, o, nil, []result{{name: "floor", events: 50, elapsed: time.Second, kind: sdkFloor}, {name: "vaxbot", events: 120, elapsed: time.Second, repliesCompleted: true}})
	if !strings.Contains(out.String(), "240 % of the floor") {
		t.Errorf("report:\n%s", out.String())
	}
}

// TestFloors drives the floors, the SDK's and the bare ones: each answers
// every signed webhook and refuses a forged one; the reply floors also
// reply to each event.
func TestFloors(t *testing.T) {
	api := &fakeAPI{}
	apiSrv := httptest.NewServer(api)
	defer apiSrv.Close()
	for _, tc := range []struct {
		replyAPI string
		serve    func(net.Listener, string, string) (func(), error)
	}{
		{"", serveFloor}, {apiSrv.URL, serveFloor}, {"", serveBareFloor}, {apiSrv.URL, serveBareFloor},
	} {
		replyAPI := tc.replyAPI
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		stop, err := tc.serve(ln, "load-secret", replyAPI)
		if err != nil {
			t.Fatal(err)
		}
		url := "http://" + ln.Addr().String()
		var waitFor *fakeAPI
		if replyAPI != "" {
			waitFor = api
		}
		f := drive(context.Background(), loadOptions{people: 5, events: 50, duration: 10 * time.Second, secret: "load-secret"}, url, waitFor)
		if f.events != 50 || f.errors != 0 {
			t.Errorf("floor (reply API %q): events %d, errors %d", replyAPI, f.events, f.errors)
		}
		if sendSigned(&fasthttp.Client{}, url+"/webhook/line", "forged", loadBody("x", "Ux", "t", "follow", "")) {
			t.Errorf("floor (reply API %q) took a forged signature", replyAPI)
		}
		stop()
	}
	if got := api.replies.Load(); got != 100 {
		t.Errorf("the reply floors sent %d replies, want 50 each", got)
	}
}

// TestMain lets the test binary stand in for the vaxbot binary when "vaxbot
// load" starts "serve" and "load-floor" from its own executable.
func TestMain(m *testing.M) {
	if os.Getenv("VAXBOT_TEST_AS_BINARY") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestLoadCommand runs "vaxbot load" as a person would: it starts the
// server and both floors as processes, drives them, and reports each with
// no errors, the ratios to the floor and the server's peak memory.
func TestLoadCommand(t *testing.T) {
	t.Setenv("VAXBOT_TEST_AS_BINARY", "1")
	code, out, errOut := runCLI(t, "", "load", "--people", "4", "--events", "600", "--duration", "30s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, bareReplyCPU := 0, false
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "floor: ") && !strings.HasPrefix(l, "reply floor: ") && !strings.HasPrefix(l, "vaxbot serve, ") &&
			!strings.HasPrefix(l, "bare floor: ") && !strings.HasPrefix(l, "bare reply floor: ") {
			continue
		}
		rows++
		// The name takes 34 columns; then events/s, the server's CPU time
		// per event (read from /proc: "-" when a short run used less than
		// one clock tick, as a bare floor's few events may; the server's 600
		// take several ticks: 96 of them took less than one once it was
		// faster) and errors.
		f := strings.Fields(l[34:])
		errs := 3
		if len(f) > 1 && f[1] == "-" {
			errs = 2
		} else if len(f) > 2 {
			if us, err := strconv.Atoi(f[1]); err != nil || us <= 0 || f[2] != "µs" {
				t.Errorf("row %q: no CPU time per event", l)
			}
		}
		if len(f) <= errs || f[0] == "0" || f[errs] != "0" {
			t.Errorf("row %q: no events, or errors", l)
			continue
		}
		if strings.HasPrefix(l, "bare reply floor: ") {
			bareReplyCPU = f[1] != "-"
		}
		if strings.HasPrefix(l, "vaxbot serve, ") && f[1] == "-" {
			t.Errorf("row %q: no CPU time per event for the server", l)
		}
	}
	t.Log(out)
	if rows != 5 || strings.Count(out, "% of the floor") != 2 || !strings.Contains(out, "% of the bare reply floor's events/s") {
		t.Fatalf("report:\n%s", out)
	}
	// The CPU ratio needs the bare reply floor's CPU time, which a short
	// run may not have.
	if bareReplyCPU != strings.Contains(out, "× its CPU per event") {
		t.Errorf("the CPU ratio to the bare reply floor printed %v, its CPU time measured %v:\n%s",
			!bareReplyCPU, bareReplyCPU, out)
	}
	if !strings.Contains(out, "MiB") {
		t.Errorf("no peak memory in the report:\n%s", out)
	}
}

// TestLoadMemory: the memory mode has each person talk once and reports
// the server's live heap and resident memory per session.
func TestLoadMemory(t *testing.T) {
	t.Setenv("VAXBOT_TEST_AS_BINARY", "1")
	code, out, errOut := runCLI(t, "", "load", "--memory", "--people", "200")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	t.Log(out)
	if !strings.Contains(out, "memory: 200 people, 5 events each") || !strings.Contains(out, "(0 failed)") {
		t.Errorf("report:\n%s", out)
	}
	for _, what := range []string{"live heap:", "resident:"} {
		i := strings.Index(out, what)
		if i < 0 {
			t.Fatalf("no %s in the report:\n%s", what, out)
		}
		line, _, _ := strings.Cut(out[i:], "\n")
		if !strings.Contains(line, " B per session") {
			t.Errorf("%q: no figure per session", line)
		}
	}
}
