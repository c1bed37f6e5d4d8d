package verify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const testToken = "s3cret-token"

// fakeService is a record service speaking the contract. It checks each
// request (method, path, headers, body) and hands the decoded body to
// answer.
type fakeService struct {
	t      *testing.T
	calls  atomic.Int32
	mu     sync.Mutex
	last   lookupRequest
	answer func(w http.ResponseWriter, r *http.Request, req lookupRequest)
}

func (f *fakeService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/v1/records:lookup") {
		f.t.Errorf("got %s %s, want POST …/v1/records:lookup", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		f.t.Errorf("got Authorization %q, want the bearer token", got)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		f.t.Errorf("got Content-Type %q, want application/json", got)
	}
	var req lookupRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		f.t.Errorf("request body: %v", err)
	}
	f.mu.Lock()
	f.last = req
	f.mu.Unlock()
	f.answer(w, r, req)
}

func newFake(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, req lookupRequest)) (*fakeService, *httptest.Server) {
	t.Helper()
	f := &fakeService{t: t, answer: answer}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// reply answers with a status, a content type and a body.
func reply(status int, contentType, body string) func(http.ResponseWriter, *http.Request, lookupRequest) {
	return func(w http.ResponseWriter, _ *http.Request, _ lookupRequest) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func jsonReply(status int, body string) func(http.ResponseWriter, *http.Request, lookupRequest) {
	return reply(status, "application/json; charset=utf-8", body)
}

func newTestUpstream(t *testing.T, cfg UpstreamConfig) *Upstream {
	t.Helper()
	if cfg.Token == "" {
		cfg.Token = testToken
	}
	up, err := NewUpstream(cfg)
	if err != nil {
		t.Fatalf("NewUpstream: %v", err)
	}
	return up
}

func TestUpstreamLookup(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "upstream", "records.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{
		{ID: "A800000005", CardNumber: "000033334444", CardID: "AC00000003", PreviousID: "AC00000003",
			CardIssuedAt: time.Date(2020, 6, 1, 10, 0, 0, 0, time.FixedZone("", 8*3600))},
		{ID: "C123456781", CardNumber: "000077778888", Duplicate: true,
			CardIssuedAt: time.Date(2018, 9, 1, 9, 0, 0, 0, time.FixedZone("", 8*3600))},
	}
	tests := []struct {
		name   string
		suffix string // appended to the server's URL to make the base URL
	}{
		{"bare", ""},
		{"trailing slash", "/"},
		{"path prefix", "/nhi"},
		{"path prefix and slash", "/nhi/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t, jsonReply(http.StatusOK, string(body)))
			up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL + tt.suffix})
			got, err := up.Lookup(context.Background(), "AC00000003", "000077778888")
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d records, want %d", len(got), len(want))
			}
			for i := range got {
				g, w := got[i], want[i]
				if !g.CardIssuedAt.Equal(w.CardIssuedAt) {
					t.Errorf("record %d: got issued %v, want %v", i, g.CardIssuedAt, w.CardIssuedAt)
				}
				g.CardIssuedAt, w.CardIssuedAt = time.Time{}, time.Time{}
				if g != w {
					t.Errorf("record %d: got %+v, want %+v", i, g, w)
				}
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.last != (lookupRequest{ID: "AC00000003", CardNumber: "000077778888"}) {
				t.Errorf("got request %+v, want the full numbers", f.last)
			}
			if n := f.calls.Load(); n != 1 {
				t.Errorf("got %d calls, want 1", n)
			}
			if s := up.BreakerState(); s != BreakerClosed {
				t.Errorf("got breaker %q, want closed", s)
			}
		})
	}
}

// TestUpstreamRequestBody checks the exact bytes sent: Record's masking
// MarshalJSON must not be what encodes the request.
func TestUpstreamRequestBody(t *testing.T) {
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"records":[]}`)
	}))
	defer srv.Close()
	up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL})
	recs, err := up.Lookup(context.Background(), "A123456789", "000011112222")
	if err != nil || len(recs) != 0 {
		t.Fatalf("got %d records, error %v; want none, no error", len(recs), err)
	}
	if want := `{"id":"A123456789","card_number":"000011112222"}`; string(got) != want {
		t.Errorf("got body %s, want %s", got, want)
	}
}

func TestUpstreamErrors(t *testing.T) {
	const okTime = "2021-07-21T09:00:00+08:00"
	rec := func(id, card, cardID, issued, prev string) string {
		return fmt.Sprintf(`{"records":[{"id":%q,"card_number":%q,"card_id":%q,"card_issued_at":%q,"previous_id":%q,"duplicate":false}]}`,
			id, card, cardID, issued, prev)
	}
	tests := []struct {
		name       string
		answer     func(http.ResponseWriter, *http.Request, lookupRequest)
		wantStatus int    // 0: not an *UpstreamError
		wantMsg    string // part of the error text
	}{
		{"500", jsonReply(500, `{"error":"boom"}`), 500, "status 500"},
		{"503 plain text", reply(503, "text/plain", "down"), 503, "status 503"},
		{"401", jsonReply(401, `{"error":"bad token"}`), 401, "check the token"},
		{"403", jsonReply(403, ``), 403, "check the token"},
		{"404", reply(404, "text/plain", "no such path"), 404, "status 404"},
		{"429", jsonReply(429, ``), 429, "status 429"},
		{"201 is not 200", jsonReply(201, `{"records":[]}`), 201, "status 201"},
		{"garbage JSON", jsonReply(200, `{"records":[{"id":`), 0, "not the expected JSON"},
		{"trailing garbage", jsonReply(200, `{"records":[]} x`), 0, "not the expected JSON"},
		{"wrong type", jsonReply(200, `{"records":{"id":"A123456789"}}`), 0, "not the expected JSON"},
		{"no records field", jsonReply(200, `{}`), 0, `no "records"`},
		{"null records", jsonReply(200, `{"records":null}`), 0, `no "records"`},
		{"html", reply(200, "text/html", `<html>{"records":[]}</html>`), 0, "not application/json"},
		{"no content type", reply(200, "", `{"records":[]}`), 0, "not application/json"},
		{"bad checksum", jsonReply(200, rec("A123456788", "000011112222", "", okTime, "")), 0, "record 1: field id: verify: id: checksum"},
		{"short card", jsonReply(200, rec("A123456789", "00001111222", "", okTime, "")), 0, "field card_number"},
		{"bad card_id", jsonReply(200, rec("A123456789", "000011112222", "X1", okTime, "")), 0, "field card_id"},
		{"bad previous_id", jsonReply(200, rec("A123456789", "000011112222", "", okTime, "AC00000004")), 0, "field previous_id"},
		{"bad time", jsonReply(200, rec("A123456789", "000011112222", "", "2021-07-21 09:00", "")), 0, "field card_issued_at"},
		{"record for someone else", jsonReply(200, rec("B222222228", "000022223333", "", okTime, "")), 0, "matches neither"},
		{"over 1 MiB", jsonReply(200, `{"records":[],"pad":"`+strings.Repeat("x", maxResponse)+`"}`), 0, "over 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t, tt.answer)
			up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL})
			recs, err := up.Lookup(context.Background(), "A123456789", "000011112222")
			if err == nil {
				t.Fatalf("got %d records, no error; want an error", len(recs))
			}
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("got %v, want it to wrap ErrUnavailable", err)
			}
			if errors.Is(err, ErrInvalidID) || errors.Is(err, ErrInvalidCard) {
				t.Errorf("got %v matching ErrInvalidID/ErrInvalidCard: the caller would blame the person", err)
			}
			if !strings.HasPrefix(err.Error(), "verify: upstream: ") || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("got %q, want it to start with \"verify: upstream: \" and contain %q", err, tt.wantMsg)
			}
			var ue *UpstreamError
			if got := errors.As(err, &ue); got != (tt.wantStatus != 0) || got && ue.Status != tt.wantStatus {
				t.Errorf("got %v (UpstreamError %t), want status %d", err, got, tt.wantStatus)
			}
			if n := f.calls.Load(); n != 1 {
				t.Errorf("got %d calls, want 1 (an answer is never retried)", n)
			}
		})
	}
}

// TestUpstreamNoRedirect: a redirect would send the numbers elsewhere.
func TestUpstreamNoRedirect(t *testing.T) {
	other, elsewhere := newFake(t, jsonReply(200, `{"records":[]}`))
	_, srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ lookupRequest) {
		http.Redirect(w, r, elsewhere.URL+LookupPath, http.StatusTemporaryRedirect)
	})
	up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL})
	_, err := up.Lookup(context.Background(), "A123456789", "000011112222")
	var ue *UpstreamError
	if !errors.As(err, &ue) || ue.Status != http.StatusTemporaryRedirect {
		t.Errorf("got %v, want status 307", err)
	}
	if n := other.calls.Load(); n != 0 {
		t.Errorf("got %d calls to the redirect target, want 0", n)
	}
}

func TestUpstreamTimeout(t *testing.T) {
	const timeout = 100 * time.Millisecond
	tests := []struct {
		name    string
		partial bool // send the headers and part of the body, then stall
		wantMsg string
	}{
		{"no answer", false, "verify: upstream: timeout"},
		{"stalled body", true, "verify: upstream: timeout reading the answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			f, srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ lookupRequest) {
				if tt.partial {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"records":[`)
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-release:
				}
			})
			defer close(release) // before srv.Close, which waits for the handler
			up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL, Timeout: timeout})
			start := time.Now()
			_, err := up.Lookup(context.Background(), "A123456789", "000011112222")
			elapsed := time.Since(start)
			if !errors.Is(err, ErrUnavailable) || err.Error() != tt.wantMsg {
				t.Errorf("got %v, want %q wrapping ErrUnavailable", err, tt.wantMsg)
			}
			if elapsed < timeout || elapsed > 5*timeout {
				t.Errorf("took %v, want about %v", elapsed, timeout)
			}
			if n := f.calls.Load(); n != 1 {
				t.Errorf("got %d calls, want 1 (a timeout is not retried)", n)
			}
		})
	}
}

// countingClient dials through a counter.
func countingClient(dials *atomic.Int32) *http.Client {
	var d net.Dialer
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return d.DialContext(ctx, network, addr)
		},
	}}
}

func TestUpstreamConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var dials atomic.Int32
	up := newTestUpstream(t, UpstreamConfig{BaseURL: "http://" + addr, HTTPClient: countingClient(&dials)})
	_, err = up.Lookup(context.Background(), "A123456789", "000011112222")
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("got %v, want ErrUnavailable and ECONNREFUSED", err)
	}
	if want := "verify: upstream: connection refused"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if n := dials.Load(); n != 2 {
		t.Errorf("got %d dials, want 2 (one retry)", n)
	}
}

// dropListener closes the first drop connections it accepts, as a server
// that restarts or a load balancer with a dead back end would.
type dropListener struct {
	net.Listener
	drop     atomic.Int32
	accepted atomic.Int32
}

func (l *dropListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.accepted.Add(1)
		if l.drop.Add(-1) >= 0 {
			c.Close()
			continue
		}
		return c, nil
	}
}

func TestUpstreamConnectionDropped(t *testing.T) {
	tests := []struct {
		name    string
		drop    int32
		wantErr bool
	}{
		{"first dropped, retry answered", 1, false},
		{"both dropped", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeService{t: t, answer: jsonReply(200, `{"records":[]}`)}
			srv := httptest.NewUnstartedServer(f)
			dl := &dropListener{Listener: srv.Listener}
			dl.drop.Store(tt.drop)
			srv.Listener = dl
			srv.Start()
			defer srv.Close()
			up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL})
			_, err := up.Lookup(context.Background(), "A123456789", "000011112222")
			if tt.wantErr {
				if want := "verify: upstream: connection closed before an answer"; err == nil || err.Error() != want || !errors.Is(err, ErrUnavailable) {
					t.Errorf("got %v, want %q wrapping ErrUnavailable", err, want)
				}
			} else if err != nil {
				t.Errorf("got %v, want the retry to succeed", err)
			}
			if n := dl.accepted.Load(); n != 2 {
				t.Errorf("got %d connections, want 2", n)
			}
		})
	}
}

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2021, 7, 21, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// switchable answers 500 while failing is set, an empty list otherwise.
func switchable(failing *atomic.Bool) func(http.ResponseWriter, *http.Request, lookupRequest) {
	return func(w http.ResponseWriter, r *http.Request, req lookupRequest) {
		if failing.Load() {
			jsonReply(500, `{}`)(w, r, req)
			return
		}
		jsonReply(200, `{"records":[]}`)(w, r, req)
	}
}

func TestUpstreamBreaker(t *testing.T) {
	tests := []struct {
		name      string
		probeFail bool
		wantState string
	}{
		{"probe succeeds", false, BreakerClosed},
		{"probe fails", true, BreakerOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var failing atomic.Bool
			failing.Store(true)
			f, srv := newFake(t, switchable(&failing))
			clock := newFakeClock()
			up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL, Now: clock.Now,
				Breaker: BreakerConfig{Failures: 3, Cooldown: 30 * time.Second}})
			ctx := context.Background()
			for i := range 3 {
				if s := up.BreakerState(); s != BreakerClosed {
					t.Fatalf("after %d failures: got %q, want closed", i, s)
				}
				if _, err := up.Lookup(ctx, "A123456789", "000011112222"); err == nil {
					t.Fatal("got no error from a 500")
				}
			}
			if s := up.BreakerState(); s != BreakerOpen {
				t.Fatalf("after 3 failures: got %q, want open", s)
			}
			failing.Store(false)
			_, err := up.Lookup(ctx, "A123456789", "000011112222")
			if !errors.Is(err, ErrBreakerOpen) || !errors.Is(err, ErrUnavailable) {
				t.Errorf("got %v, want ErrBreakerOpen and ErrUnavailable", err)
			}
			if n := f.calls.Load(); n != 3 {
				t.Errorf("got %d calls, want 3: an open breaker must not call", n)
			}
			clock.Advance(29 * time.Second)
			if s := up.BreakerState(); s != BreakerOpen {
				t.Errorf("before the cooldown: got %q, want open", s)
			}
			clock.Advance(time.Second)
			if s := up.BreakerState(); s != BreakerHalfOpen {
				t.Fatalf("after the cooldown: got %q, want half-open", s)
			}
			failing.Store(tt.probeFail)
			_, err = up.Lookup(ctx, "A123456789", "000011112222")
			if (err != nil) != tt.probeFail {
				t.Errorf("probe: got %v, want error %t", err, tt.probeFail)
			}
			if s := up.BreakerState(); s != tt.wantState {
				t.Errorf("after the probe: got %q, want %q", s, tt.wantState)
			}
			before := f.calls.Load()
			_, err = up.Lookup(ctx, "A123456789", "000011112222")
			if got := errors.Is(err, ErrBreakerOpen); got != tt.probeFail {
				t.Errorf("after the probe: got %v, want fail fast %t", err, tt.probeFail)
			}
			if tt.probeFail {
				if n := f.calls.Load(); n != before {
					t.Errorf("got %d more calls, want none while open again", n-before)
				}
				clock.Advance(30 * time.Second)
				if s := up.BreakerState(); s != BreakerHalfOpen {
					t.Errorf("after a second cooldown: got %q, want half-open", s)
				}
			}
		})
	}
}

// TestUpstreamBreakerOneProbe: while the probe is under way, other calls
// fail fast.
func TestUpstreamBreakerOneProbe(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	var blocking atomic.Bool
	f, srv := newFake(t, func(w http.ResponseWriter, r *http.Request, req lookupRequest) {
		if blocking.Load() {
			arrived <- struct{}{}
			<-release
		}
		switchable(&failing)(w, r, req)
	})
	clock := newFakeClock()
	up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL, Now: clock.Now,
		Breaker: BreakerConfig{Failures: 1, Cooldown: time.Minute}})
	ctx := context.Background()
	up.Lookup(ctx, "A123456789", "000011112222")
	clock.Advance(time.Minute)
	failing.Store(false)
	blocking.Store(true)
	probe := make(chan error)
	go func() {
		_, err := up.Lookup(ctx, "A123456789", "000011112222")
		probe <- err
	}()
	<-arrived
	if _, err := up.Lookup(ctx, "A123456789", "000011112222"); !errors.Is(err, ErrBreakerOpen) {
		t.Errorf("during the probe: got %v, want ErrBreakerOpen", err)
	}
	close(release)
	if err := <-probe; err != nil {
		t.Errorf("probe: got %v, want success", err)
	}
	if s := up.BreakerState(); s != BreakerClosed {
		t.Errorf("got %q, want closed", s)
	}
	if n := f.calls.Load(); n != 2 {
		t.Errorf("got %d calls, want 2", n)
	}
}

// TestUpstreamCallerCancel: a caller giving up says nothing about the
// service, so it does not open the breaker.
func TestUpstreamCallerCancel(t *testing.T) {
	arrived := make(chan struct{}, 1)
	_, srv := newFake(t, func(w http.ResponseWriter, r *http.Request, _ lookupRequest) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL, Breaker: BreakerConfig{Failures: 1}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := up.Lookup(ctx, "A123456789", "000011112222")
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v, want context.Canceled and ErrUnavailable", err)
	}
	if s := up.BreakerState(); s != BreakerClosed {
		t.Errorf("got %q, want closed", s)
	}
	if _, err := up.Lookup(ctx, "A123456789", "000011112222"); !errors.Is(err, context.Canceled) {
		t.Errorf("with a dead context: got %v, want context.Canceled", err)
	}
}

func TestUpstreamConcurrent(t *testing.T) {
	var failing atomic.Bool
	f, srv := newFake(t, switchable(&failing))
	up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL, Breaker: BreakerConfig{Failures: 5}})
	run := func() (errs int) {
		var wg sync.WaitGroup
		var n atomic.Int32
		for range 16 {
			wg.Go(func() {
				for range 8 {
					_, err := up.Lookup(context.Background(), "A123456789", "000011112222")
					if err != nil {
						if !errors.Is(err, ErrUnavailable) {
							t.Errorf("got %v, want ErrUnavailable", err)
						}
						n.Add(1)
					}
					_ = up.BreakerState()
				}
			})
		}
		wg.Wait()
		return int(n.Load())
	}
	if n := run(); n != 0 {
		t.Errorf("healthy service: got %d errors, want 0", n)
	}
	failing.Store(true)
	before := f.calls.Load()
	if n := run(); n != 128 {
		t.Errorf("failing service: got %d errors, want 128", n)
	}
	if s := up.BreakerState(); s != BreakerOpen {
		t.Errorf("got %q, want open", s)
	}
	if n := f.calls.Load() - before; n >= 128 {
		t.Errorf("got %d calls to a failing service, want fewer than 128", n)
	}
}

// TestUpstreamErrorsNeverLeak: the service echoes the numbers in bodies,
// bad records and headers; no error text may carry them.
func TestUpstreamErrorsNeverLeak(t *testing.T) {
	const id, card = "A123456789", "000011112222"
	secrets := []string{id, card, "A123456788", "B222222228", "000022223333", "00001111222"}
	echo := fmt.Sprintf(`{"error":"no record for %s / %s"}`, id, card)
	rec := func(id, card, issued string) string {
		return fmt.Sprintf(`{"records":[{"id":%q,"card_number":%q,"card_issued_at":%q}]}`, id, card, issued)
	}
	tests := []struct {
		name   string
		answer func(http.ResponseWriter, *http.Request, lookupRequest)
	}{
		{"500 echo", jsonReply(500, echo)},
		{"401 echo", jsonReply(401, echo)},
		{"400 echo", jsonReply(400, echo)},
		{"garbage echo", jsonReply(200, id+" "+card)},
		{"html echo", reply(200, "text/html", echo)},
		{"type error echo", jsonReply(200, `{"records":[{"id":1234567890,"card_number":"`+card+`"}]}`)},
		{"bad checksum", jsonReply(200, rec("A123456788", card, "2021-07-21T09:00:00Z"))},
		{"number as card", jsonReply(200, rec(id, id, "2021-07-21T09:00:00Z"))},
		{"short card", jsonReply(200, rec(id, "00001111222", "2021-07-21T09:00:00Z"))},
		{"number as time", jsonReply(200, rec(id, card, card))},
		{"someone else", jsonReply(200, rec("B222222228", "000022223333", "2021-07-21T09:00:00Z"))},
		{"redirect echo", func(w http.ResponseWriter, r *http.Request, _ lookupRequest) {
			w.Header().Set("Location", "/"+id+"/"+card)
			w.WriteHeader(http.StatusFound)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newFake(t, tt.answer)
			up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL})
			_, err := up.Lookup(context.Background(), id, card)
			if err == nil {
				t.Fatal("got no error, want one")
			}
			var out bytes.Buffer
			fmt.Fprintf(&out, "%v\n%+v\n%s\n%q\n", err, err, err, err)
			for e := err; e != nil; e = errors.Unwrap(e) {
				fmt.Fprintln(&out, e)
			}
			slog.New(slog.NewTextHandler(&out, nil)).Warn("lookup failed", "err", err)
			slog.New(slog.NewJSONHandler(&out, nil)).Warn("lookup failed", "err", err)
			for _, s := range secrets {
				if strings.Contains(out.String(), s) {
					t.Errorf("error output holds the full number %s:\n%s", Mask(s), out.String())
				}
			}
		})
	}
}

func TestNewUpstream(t *testing.T) {
	cert := &tls.Certificate{}
	tests := []struct {
		name    string
		cfg     UpstreamConfig
		wantErr string
	}{
		{"ok http", UpstreamConfig{BaseURL: "http://127.0.0.1:8080", Token: "t"}, ""},
		{"ok https prefix", UpstreamConfig{BaseURL: "https://records.example/nhi/", Token: "t", Certificate: cert}, ""},
		{"ok own client", UpstreamConfig{BaseURL: "https://records.example", Token: "t", HTTPClient: &http.Client{}}, ""},
		{"empty", UpstreamConfig{Token: "t"}, "http or https"},
		{"ftp", UpstreamConfig{BaseURL: "ftp://records.example", Token: "t"}, "http or https"},
		{"no scheme", UpstreamConfig{BaseURL: "records.example", Token: "t"}, "http or https"},
		{"no host", UpstreamConfig{BaseURL: "https:///v1", Token: "t"}, "no host"},
		{"bad escape", UpstreamConfig{BaseURL: "https://records.example/%zz", Token: "t"}, "does not parse"},
		{"credentials", UpstreamConfig{BaseURL: "https://user:pw@records.example", Token: "t"}, "credentials"},
		{"query", UpstreamConfig{BaseURL: "https://records.example/?k=v", Token: "t"}, "query"},
		{"no token", UpstreamConfig{BaseURL: "https://records.example"}, "token"},
		{"token with newline", UpstreamConfig{BaseURL: "https://records.example", Token: "secret\nX-Evil: 1"}, "token"},
		{"negative timeout", UpstreamConfig{BaseURL: "https://records.example", Token: "t", Timeout: -time.Second}, "timeout"},
		{"own client and certificate", UpstreamConfig{BaseURL: "https://records.example", Token: "t", HTTPClient: &http.Client{}, Certificate: cert}, "without HTTPClient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up, err := NewUpstream(tt.cfg)
			if tt.wantErr == "" {
				if err != nil || up == nil {
					t.Fatalf("got %v, want an Upstream", err)
				}
				if s := up.BreakerState(); s != BreakerClosed {
					t.Errorf("got breaker %q, want closed", s)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "verify: upstream: ") {
				t.Fatalf("got %v, want an error about %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "pw") {
				t.Errorf("got %q, which quotes a credential", err)
			}
		})
	}
}

// writeClientCert makes a self-signed client certificate and writes it and
// its key as PEM files.
func writeClientCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "vaxbot test client"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(parsed)
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

func TestUpstreamMutualTLS(t *testing.T) {
	certFile, keyFile, clientCAs := writeClientCert(t)
	cert, err := LoadClientCertificate(certFile, keyFile)
	if err != nil {
		t.Fatalf("LoadClientCertificate: %v", err)
	}
	f := &fakeService{t: t, answer: jsonReply(200, `{"records":[]}`)}
	srv := httptest.NewUnstartedServer(f)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	tests := []struct {
		name    string
		cert    *tls.Certificate
		roots   *x509.CertPool
		wantErr string
	}{
		{"client certificate and roots", cert, roots, ""},
		{"server not trusted", cert, nil, "verify: upstream: server certificate not trusted"},
		{"no client certificate", nil, roots, "verify: upstream: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newTestUpstream(t, UpstreamConfig{BaseURL: srv.URL, Certificate: tt.cert, RootCAs: tt.roots})
			_, err := up.Lookup(context.Background(), "A123456789", "000011112222")
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("got %v, want none", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || !errors.Is(err, ErrUnavailable) {
				t.Errorf("got %v, want %q… wrapping ErrUnavailable", err, tt.wantErr)
			}
			t.Logf("error: %v", err)
		})
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("got %d calls through, want 1", n)
	}
}

func TestLoadClientCertificateMissing(t *testing.T) {
	_, err := LoadClientCertificate(filepath.Join(t.TempDir(), "none.crt"), filepath.Join(t.TempDir(), "none.key"))
	if err == nil || !strings.HasPrefix(err.Error(), "verify: upstream: client certificate: ") {
		t.Errorf("got %v, want a client certificate error", err)
	}
}
