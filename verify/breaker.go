package verify

import (
	"errors"
	"sync"
	"time"
)

// ErrBreakerOpen is wrapped, together with ErrUnavailable, by the error of a
// call refused without reaching the back end because its circuit breaker is
// open, or half-open with its one probe call already under way.
var ErrBreakerOpen = errors.New("verify: circuit breaker open")

// BreakerConfig sets when a circuit breaker opens and how long it stays open.
// The zero value gives the defaults.
type BreakerConfig struct {
	// Failures is the number of consecutive failed calls that opens the
	// breaker; 0 means 5.
	Failures int
	// Cooldown is how long the breaker stays open before it lets one probe
	// call through; 0 means 30 s.
	Cooldown time.Duration
}

// The breaker's states, as BreakerState reports them.
const (
	BreakerClosed   = "closed"
	BreakerOpen     = "open"
	BreakerHalfOpen = "half-open"
)

// outcome is what a call tells the breaker.
type outcome int

const (
	// success: the back end answered; closes a half-open breaker and resets
	// the failure count.
	success outcome = iota
	// failure: the back end failed or did not answer in time.
	failure
	// neutral: nothing was learnt about the back end (the caller gave up
	// first); a half-open breaker may send another probe.
	neutral
)

// breaker is a consecutive-failure circuit breaker: closed → open after
// cfg.Failures failures in a row → half-open after cfg.Cooldown, when one
// probe call is let through; the probe's success closes it, its failure
// opens it again for another cooldown.
//
// Every change of state starts a new generation. A call reports its outcome
// with the generation it was allowed in, so a slow call started before the
// breaker opened cannot close it, nor count twice.
type breaker struct {
	failures int
	cooldown time.Duration
	now      func() time.Time

	mu       sync.Mutex
	state    string
	gen      uint64
	count    int       // consecutive failures while closed
	openedAt time.Time // while open
	probing  bool      // while half-open: the probe is under way
}

func newBreaker(cfg BreakerConfig, now func() time.Time) *breaker {
	if cfg.Failures <= 0 {
		cfg.Failures = 5
	}
	if cfg.Cooldown <= 0 {
		cfg.Cooldown = 30 * time.Second
	}
	if now == nil {
		now = time.Now
	}
	return &breaker{failures: cfg.Failures, cooldown: cfg.Cooldown, now: now, state: BreakerClosed}
}

// allow asks to make a call. It returns the generation to pass to done, or
// ErrBreakerOpen when the call must fail fast.
func (b *breaker) allow() (uint64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.current() {
	case BreakerOpen:
		return 0, ErrBreakerOpen
	case BreakerHalfOpen:
		if b.probing {
			return 0, ErrBreakerOpen
		}
		b.probing = true
	}
	return b.gen, nil
}

// done reports the outcome of a call allowed in generation gen.
func (b *breaker) done(gen uint64, o outcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if gen != b.gen {
		return // the state changed while the call was under way
	}
	switch b.state {
	case BreakerClosed:
		switch o {
		case success:
			b.count = 0
		case failure:
			b.count++
			if b.count >= b.failures {
				b.open()
			}
		}
	case BreakerHalfOpen:
		switch o {
		case success:
			b.set(BreakerClosed)
		case failure:
			b.open()
		default:
			b.probing = false
		}
	}
}

// State returns "closed", "open" or "half-open".
func (b *breaker) State() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.current()
}

// current moves an open breaker whose cooldown is over to half-open and
// returns the state. b.mu must be held.
func (b *breaker) current() string {
	if b.state == BreakerOpen && !b.now().Before(b.openedAt.Add(b.cooldown)) {
		b.set(BreakerHalfOpen)
	}
	return b.state
}

func (b *breaker) open() {
	b.set(BreakerOpen)
	b.openedAt = b.now()
}

func (b *breaker) set(state string) {
	b.state = state
	b.gen++
	b.count = 0
	b.probing = false
}
