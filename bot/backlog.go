package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// The ticket backlog's defaults: a refresh every 30 s, each bounded to 5 s,
// reading at most 500 open tickets.
const (
	DefaultBacklogEvery   = 30 * time.Second
	DefaultBacklogTimeout = 5 * time.Second
	DefaultBacklogLimit   = 500
)

// claimBuckets are the upper bounds, in seconds, of
// vaxbot_ticket_claim_seconds: 30 s to a day, with 15 min (the alert's
// threshold) among them.
var claimBuckets = []float64{30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 14400, 28800, 86400}

// TicketClaimed records how long a ticket waited from its creation to its
// claim, by line. A ticket released and claimed again counts again, from
// its creation: the person has waited all that time.
func (m *Metrics) TicketClaimed(t *tickets.Ticket) {
	if t == nil || t.ClaimedAt.IsZero() || t.CreatedAt.IsZero() {
		return
	}
	// Buckets with "le", for histogram_quantile; claims are rare, so the
	// name is formatted each time.
	m.set.GetOrCreatePrometheusHistogramExt(fmt.Sprintf(`vaxbot_ticket_claim_seconds{line=%q}`, t.Line), claimBuckets).
		Update(max(0, t.ClaimedAt.Sub(t.CreatedAt).Seconds()))
}

// ClaimTimingStore is a ticket store whose claims are timed
// (Metrics.TicketClaimed): the desk's and the operators' API's.
type ClaimTimingStore struct {
	tickets.Store
	Metrics *Metrics
}

// Claim claims the ticket, then records how long it waited.
func (s ClaimTimingStore) Claim(ctx context.Context, ref, by string, at time.Time) (*tickets.Ticket, error) {
	t, err := s.Store.Claim(ctx, ref, by, at)
	if err == nil {
		s.Metrics.TicketClaimed(t)
	}
	return t, err
}

// Backlog keeps the gauges of the tickets waiting for an operator, read
// from the ticket store every Every:
//
//	vaxbot_tickets_open{line}                 open (unclaimed) tickets
//	vaxbot_tickets_open_oldest_seconds{line}  age of the oldest of them (0 when none)
//	vaxbot_ticket_backlog_refresh_failures_total
//
// One query (Store.List of the open tickets, newest first, at most Limit)
// bounded by Timeout, from a goroutine of its own: reading /metrics never
// waits for the database, and a slow one leaves the last values (the age
// still grows) and counts a failure. With more than Limit open tickets the
// counts say Limit in all and the oldest is the oldest of those read. Every
// replica reads the same database: aggregate with max, not sum.
type Backlog struct {
	Tickets tickets.Store
	Metrics *Metrics
	Every   time.Duration // DefaultBacklogEvery when 0
	Timeout time.Duration // DefaultBacklogTimeout when 0
	Limit   int           // DefaultBacklogLimit when 0
	Now     func() time.Time
	Logger  *slog.Logger

	mu     sync.Mutex
	lines  map[string]*lineBacklog // every line seen, kept at 0 once empty
	failed bool                    // the last refresh failed (logged once per run of failures)
}

type lineBacklog struct {
	open   int
	oldest time.Time // zero when none open
}

func (b *Backlog) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Run refreshes the gauges at once and then every Every until ctx ends.
func (b *Backlog) Run(ctx context.Context) {
	every := b.Every
	if every <= 0 {
		every = DefaultBacklogEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_ = b.Refresh(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Refresh reads the open tickets once and sets the gauges; on an error
// (or when Timeout runs out) they keep their values and the failure is
// counted.
func (b *Backlog) Refresh(ctx context.Context) error {
	timeout, limit := b.Timeout, b.Limit
	if timeout <= 0 {
		timeout = DefaultBacklogTimeout
	}
	if limit <= 0 {
		limit = DefaultBacklogLimit
	}
	c, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	open, err := b.Tickets.List(c, tickets.Filter{Status: tickets.StatusOpen, Limit: limit})
	if err != nil {
		if ctx.Err() != nil {
			return err // stopping: not a failure of the database
		}
		b.Metrics.inc(`vaxbot_ticket_backlog_refresh_failures_total`)
		b.mu.Lock()
		first := !b.failed
		b.failed = true
		b.mu.Unlock()
		if first && b.Logger != nil {
			b.Logger.Warn("ticket backlog: open tickets not read; the gauges keep their last values", "err", err)
		}
		return err
	}
	counts := map[string]*lineBacklog{}
	for _, t := range open {
		l := counts[t.Line]
		if l == nil {
			l = &lineBacklog{}
			counts[t.Line] = l
		}
		l.open++
		if l.oldest.IsZero() || t.CreatedAt.Before(l.oldest) {
			l.oldest = t.CreatedAt
		}
	}
	var added []string
	b.mu.Lock()
	if b.failed && b.Logger != nil {
		b.Logger.Info("ticket backlog: open tickets read again")
	}
	b.failed = false
	if b.lines == nil {
		b.lines = map[string]*lineBacklog{}
	}
	for line, l := range b.lines {
		if _, ok := counts[line]; !ok {
			*l = lineBacklog{}
		}
	}
	for line, c := range counts {
		if l, ok := b.lines[line]; ok {
			*l = *c
			continue
		}
		b.lines[line] = c
		added = append(added, line)
	}
	b.mu.Unlock()
	for _, line := range added {
		b.register(line)
	}
	return nil
}

// register creates a line's two gauges, which read its state when
// metrics are written.
func (b *Backlog) register(line string) {
	b.Metrics.Gauge(fmt.Sprintf(`vaxbot_tickets_open{line=%q}`, line), func() float64 {
		b.mu.Lock()
		defer b.mu.Unlock()
		return float64(b.lines[line].open)
	})
	b.Metrics.Gauge(fmt.Sprintf(`vaxbot_tickets_open_oldest_seconds{line=%q}`, line), func() float64 {
		b.mu.Lock()
		oldest := b.lines[line].oldest
		b.mu.Unlock()
		if oldest.IsZero() {
			return 0
		}
		return max(0, b.now().Sub(oldest).Seconds())
	})
}
