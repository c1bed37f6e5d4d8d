package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// Draining is the name /readyz gives a server that is shutting down.
const Draining = "draining"

// readiness runs the server's Checks for /readyz, at most once per ttl:
// a storm of probes costs the back ends one round of checks.
type readiness struct {
	checks  []Check
	ttl     time.Duration
	timeout time.Duration
	logger  *slog.Logger

	// mu is held through a round of checks, so that probes arriving
	// meanwhile wait for its result (at most timeout) instead of starting
	// their own.
	mu   sync.Mutex
	at   time.Time       // when last is from (zero: never)
	last map[string]bool // check name → down
}

// readyAnswer is /readyz's JSON body.
type readyAnswer struct {
	// Status is "ready" or "not ready".
	Status string `json:"status"`
	// Down names what is down, the server's own draining included.
	Down []string `json:"down"`
	// Checks gives each check's state, "up" or "down".
	Checks map[string]string `json:"checks"`
}

// readyz answers 200 when every check is up and the server is not
// draining, else 503; both with a JSON body that names what is down.
func (s *Server) readyz(ctx *fasthttp.RequestCtx) {
	down := s.ready.results()
	a := readyAnswer{Status: "ready", Down: []string{}, Checks: map[string]string{}}
	for _, c := range s.ready.checks {
		a.Checks[c.Name] = "up"
		if down[c.Name] {
			a.Checks[c.Name] = "down"
			a.Down = append(a.Down, c.Name)
		}
	}
	if s.draining.Load() {
		a.Down = append(a.Down, Draining)
	}
	status := fasthttp.StatusOK
	if len(a.Down) > 0 {
		a.Status, status = "not ready", fasthttp.StatusServiceUnavailable
	}
	b, _ := json.Marshal(a)
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.SetBody(append(b, '\n'))
}

// results returns which checks are down, running them (concurrently,
// within timeout) when the last round is older than ttl. A change of
// state is logged; the error's text is kept out of the answer.
func (r *readiness) results() map[string]bool {
	if len(r.checks) == 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.at.IsZero() && time.Since(r.at) < r.ttl {
		return r.last
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	errs := make([]error, len(r.checks))
	var wg sync.WaitGroup
	for i, c := range r.checks {
		wg.Go(func() { errs[i] = probe(ctx, c) })
	}
	wg.Wait()
	down := make(map[string]bool, len(r.checks))
	for i, c := range r.checks {
		down[c.Name] = errs[i] != nil
		switch was := r.last[c.Name]; {
		case errs[i] != nil && (!was || r.at.IsZero()):
			r.logger.Warn("readiness: a back end is down", "check", c.Name, "err", errs[i])
		case errs[i] == nil && was:
			r.logger.Info("readiness: a back end is up again", "check", c.Name)
		}
	}
	r.last, r.at = down, time.Now()
	return down
}

// probe runs one check, and takes a check that outlives ctx as down.
func probe(ctx context.Context, c Check) error {
	done := make(chan error, 1)
	go func() { done <- c.Probe(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
