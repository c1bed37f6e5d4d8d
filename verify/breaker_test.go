package verify

import (
	"errors"
	"sync"
	"testing"
	"time"
)

func TestBreakerDefaults(t *testing.T) {
	b := newBreaker(BreakerConfig{}, nil)
	if b.failures != 5 || b.cooldown != 30*time.Second || b.now == nil {
		t.Errorf("got failures %d, cooldown %v; want 5, 30s and a clock", b.failures, b.cooldown)
	}
	if s := b.State(); s != BreakerClosed {
		t.Errorf("got %q, want closed", s)
	}
}

// TestBreakerSteps drives a breaker through a script of calls and clock
// moves. Each step is one call with its outcome ("+" success, "-" failure,
// "~" neutral) or a move of the clock ("wait" a cooldown, "tick" a
// second), with the state after it.
func TestBreakerSteps(t *testing.T) {
	type step struct {
		do        string // "+", "-", "~", "wait", "tick" (one second)
		wantFast  bool   // the call is refused
		wantState string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"opens after three failures in a row", []step{
			{"-", false, BreakerClosed}, {"-", false, BreakerClosed}, {"-", false, BreakerOpen},
			{"+", true, BreakerOpen},
		}},
		{"a success resets the count", []step{
			{"-", false, BreakerClosed}, {"-", false, BreakerClosed}, {"+", false, BreakerClosed},
			{"-", false, BreakerClosed}, {"-", false, BreakerClosed}, {"-", false, BreakerOpen},
		}},
		{"neutral calls do not count", []step{
			{"-", false, BreakerClosed}, {"~", false, BreakerClosed}, {"-", false, BreakerClosed},
			{"~", false, BreakerClosed}, {"-", false, BreakerOpen},
		}},
		{"half-open after the cooldown, probe succeeds", []step{
			{"-", false, BreakerClosed}, {"-", false, BreakerClosed}, {"-", false, BreakerOpen},
			{"tick", false, BreakerOpen}, {"wait", false, BreakerHalfOpen},
			{"+", false, BreakerClosed}, {"-", false, BreakerClosed}, {"-", false, BreakerClosed},
		}},
		{"probe fails, open for another cooldown", []step{
			{"-", false, BreakerClosed}, {"-", false, BreakerClosed}, {"-", false, BreakerOpen},
			{"wait", false, BreakerHalfOpen}, {"-", false, BreakerOpen},
			{"+", true, BreakerOpen}, {"wait", false, BreakerHalfOpen}, {"+", false, BreakerClosed},
		}},
		{"neutral probe lets another probe go", []step{
			{"-", false, BreakerClosed}, {"-", false, BreakerClosed}, {"-", false, BreakerOpen},
			{"wait", false, BreakerHalfOpen}, {"~", false, BreakerHalfOpen}, {"+", false, BreakerClosed},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			b := newBreaker(BreakerConfig{Failures: 3, Cooldown: 10 * time.Second}, clock.Now)
			for i, s := range tt.steps {
				switch s.do {
				case "wait":
					clock.Advance(10 * time.Second)
				case "tick":
					clock.Advance(time.Second)
				default:
					gen, err := b.allow()
					if fast := err != nil; fast != s.wantFast {
						t.Fatalf("step %d: got refused %t (%v), want %t", i, fast, err, s.wantFast)
					}
					if err != nil {
						if !errors.Is(err, ErrBreakerOpen) {
							t.Fatalf("step %d: got %v, want ErrBreakerOpen", i, err)
						}
					} else {
						b.done(gen, map[string]outcome{"+": success, "-": failure, "~": neutral}[s.do])
					}
				}
				if got := b.State(); got != s.wantState {
					t.Fatalf("step %d (%s): got %q, want %q", i, s.do, got, s.wantState)
				}
			}
		})
	}
}

// TestBreakerOneProbe: half-open lets exactly one call through until it
// reports.
func TestBreakerOneProbe(t *testing.T) {
	clock := newFakeClock()
	b := newBreaker(BreakerConfig{Failures: 1, Cooldown: time.Second}, clock.Now)
	gen, _ := b.allow()
	b.done(gen, failure)
	clock.Advance(time.Second)
	probe, err := b.allow()
	if err != nil {
		t.Fatalf("probe: got %v, want allowed", err)
	}
	if _, err := b.allow(); !errors.Is(err, ErrBreakerOpen) {
		t.Errorf("second call while probing: got %v, want ErrBreakerOpen", err)
	}
	b.done(probe, success)
	if _, err := b.allow(); err != nil {
		t.Errorf("after the probe: got %v, want allowed", err)
	}
}

// TestBreakerStaleOutcome: a call started before the breaker opened cannot
// close it when it finally succeeds, nor open it again.
func TestBreakerStaleOutcome(t *testing.T) {
	clock := newFakeClock()
	b := newBreaker(BreakerConfig{Failures: 2, Cooldown: time.Second}, clock.Now)
	slow, _ := b.allow()
	slowFail, _ := b.allow()
	for range 2 {
		gen, _ := b.allow()
		b.done(gen, failure)
	}
	if s := b.State(); s != BreakerOpen {
		t.Fatalf("got %q, want open", s)
	}
	b.done(slow, success)
	if s := b.State(); s != BreakerOpen {
		t.Errorf("after a stale success: got %q, want open", s)
	}
	clock.Advance(time.Second)
	probe, _ := b.allow()
	b.done(slowFail, failure)
	if s := b.State(); s != BreakerHalfOpen {
		t.Errorf("after a stale failure: got %q, want half-open", s)
	}
	b.done(probe, success)
	if s := b.State(); s != BreakerClosed {
		t.Errorf("after the probe: got %q, want closed", s)
	}
}

func TestBreakerConcurrent(t *testing.T) {
	clock := newFakeClock()
	b := newBreaker(BreakerConfig{Failures: 3, Cooldown: time.Second}, clock.Now)
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			for j := range 200 {
				gen, err := b.allow()
				if err == nil {
					b.done(gen, outcome((i+j)%3))
				}
				_ = b.State()
				if j%50 == 0 {
					clock.Advance(time.Second)
				}
			}
		})
	}
	wg.Wait()
	switch s := b.State(); s {
	case BreakerClosed, BreakerOpen, BreakerHalfOpen:
	default:
		t.Errorf("got state %q", s)
	}
}
