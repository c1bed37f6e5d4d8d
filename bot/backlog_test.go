package bot

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

func scrape(m *Metrics) string {
	var b bytes.Buffer
	m.WritePrometheus(&b)
	return b.String()
}

func wantSeries(t *testing.T, out string, series ...string) {
	t.Helper()
	for _, s := range series {
		if !strings.Contains(out, s+"\n") {
			t.Errorf("no %s in:\n%s", s, grepPrefix(out, "vaxbot_ticket"))
		}
	}
}

// grepPrefix returns the lines of out that begin with prefix.
func grepPrefix(out, prefix string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func newTicket(t *testing.T, s tickets.Store, ref, line string, at time.Time) {
	t.Helper()
	if err := s.Create(context.Background(), &tickets.Ticket{Ref: ref, Channel: "line", Lang: "en", Reason: "r", Line: line, Status: tickets.StatusOpen, CreatedAt: at, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
}

// TestBacklogGauges: open tickets are counted by line with the age of the
// oldest; claimed ones are not; a line emptied stays at 0.
func TestBacklogGauges(t *testing.T) {
	ctx := context.Background()
	store := tickets.NewMemoryStore()
	now := time.Date(2021, 7, 1, 9, 0, 0, 0, time.UTC)
	newTicket(t, store, "AAA-001", "1922", now.Add(-20*time.Minute))
	newTicket(t, store, "AAA-002", "1922", now.Add(-5*time.Minute))
	newTicket(t, store, "AAA-003", "1955", now.Add(-time.Minute))
	newTicket(t, store, "AAA-004", "1955", now.Add(-time.Hour))
	if _, err := store.Claim(ctx, "AAA-004", "op", now); err != nil {
		t.Fatal(err)
	}
	m := NewMetrics()
	b := &Backlog{Tickets: store, Metrics: m, Now: func() time.Time { return now }}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	wantSeries(t, scrape(m),
		`vaxbot_tickets_open{line="1922"} 2`,
		`vaxbot_tickets_open{line="1955"} 1`,
		`vaxbot_tickets_open_oldest_seconds{line="1922"} 1200`,
		`vaxbot_tickets_open_oldest_seconds{line="1955"} 60`,
	)
	for _, ref := range []string{"AAA-001", "AAA-002"} {
		if _, err := store.Claim(ctx, ref, "op", now); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(time.Minute)
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	wantSeries(t, scrape(m),
		`vaxbot_tickets_open{line="1922"} 0`,
		`vaxbot_tickets_open_oldest_seconds{line="1922"} 0`,
		`vaxbot_tickets_open{line="1955"} 1`,
		`vaxbot_tickets_open_oldest_seconds{line="1955"} 120`,
	)
}

// TestBacklogBounded: the query reads at most Limit tickets.
func TestBacklogBounded(t *testing.T) {
	store := tickets.NewMemoryStore()
	now := time.Now()
	for i, ref := range []string{"BBB-001", "BBB-002", "BBB-003", "BBB-004"} {
		newTicket(t, store, ref, "1922", now.Add(-time.Duration(i+1)*time.Minute))
	}
	m := NewMetrics()
	b := &Backlog{Tickets: store, Metrics: m, Limit: 3, Now: func() time.Time { return now }}
	if err := b.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The three newest; the oldest of them is 3 min old.
	wantSeries(t, scrape(m), `vaxbot_tickets_open{line="1922"} 3`, `vaxbot_tickets_open_oldest_seconds{line="1922"} 180`)
}

// slowStore answers List only when its context ends.
type slowStore struct {
	tickets.Store
	calls int
}

func (s *slowStore) List(ctx context.Context, _ tickets.Filter) ([]*tickets.Ticket, error) {
	s.calls++
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestBacklogSlowDatabase: a database that does not answer costs one
// refresh its Timeout, is counted, and leaves the last values, while the
// age goes on growing; reading /metrics meanwhile does not wait.
func TestBacklogSlowDatabase(t *testing.T) {
	store := tickets.NewMemoryStore()
	now := time.Now()
	newTicket(t, store, "CCC-001", "1922", now.Add(-time.Minute))
	m := NewMetrics()
	b := &Backlog{Tickets: store, Metrics: m, Timeout: 50 * time.Millisecond, Now: func() time.Time { return now }}
	if err := b.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	slow := &slowStore{Store: store}
	b.Tickets = slow
	now = now.Add(time.Minute)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- b.Refresh(context.Background()) }()
	out := scrape(m) // while the refresh waits
	wantSeries(t, out, `vaxbot_tickets_open{line="1922"} 1`)
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("refresh: %v, want the deadline", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refresh took %v with a 50ms timeout", d)
	}
	wantSeries(t, scrape(m),
		`vaxbot_tickets_open{line="1922"} 1`,
		`vaxbot_tickets_open_oldest_seconds{line="1922"} 120`,
		`vaxbot_ticket_backlog_refresh_failures_total 1`,
	)
	// Stopping is not a failure.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = b.Refresh(ctx)
	wantSeries(t, scrape(m), `vaxbot_ticket_backlog_refresh_failures_total 1`)
}

// TestBacklogRunStops: Run refreshes at once and returns when its context
// ends.
func TestBacklogRunStops(t *testing.T) {
	store := tickets.NewMemoryStore()
	newTicket(t, store, "DDD-001", "1922", time.Now())
	m := NewMetrics()
	b := &Backlog{Tickets: store, Metrics: m, Every: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(scrape(m), `vaxbot_tickets_open{line="1922"} 1`) {
		if time.Now().After(deadline) {
			t.Fatal("no refresh at start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
}

// TestClaimTiming: a claim through ClaimTimingStore is observed in
// vaxbot_ticket_claim_seconds, with "le" buckets by line; a refused claim
// is not.
func TestClaimTiming(t *testing.T) {
	ctx := context.Background()
	store := tickets.NewMemoryStore()
	created := time.Date(2021, 7, 1, 9, 0, 0, 0, time.UTC)
	newTicket(t, store, "EEE-001", "1922", created)
	m := NewMetrics()
	s := ClaimTimingStore{Store: store, Metrics: m}
	if _, err := s.Claim(ctx, "EEE-001", "op", created.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, "EEE-001", "op2", created.Add(20*time.Minute)); !errors.Is(err, tickets.ErrState) {
		t.Fatalf("second claim: %v", err)
	}
	wantSeries(t, scrape(m),
		`vaxbot_ticket_claim_seconds_bucket{line="1922",le="300"} 0`,
		`vaxbot_ticket_claim_seconds_bucket{line="1922",le="600"} 1`,
		`vaxbot_ticket_claim_seconds_bucket{line="1922",le="+Inf"} 1`,
		`vaxbot_ticket_claim_seconds_sum{line="1922"} 600`,
		`vaxbot_ticket_claim_seconds_count{line="1922"} 1`,
	)
}
