// Package gopool runs functions on goroutines kept from earlier ones. A
// new goroutine starts with a small stack, and one that goes deep (the
// HTTP client's calls, a reply's encoding) grows it by copying, again for
// every goroutine: 2 % of the server's CPU under load went to growing the
// stacks of the goroutines that deliver replies. A kept goroutine keeps
// the stack it grew.
package gopool

import (
	"sync/atomic"
	"time"
)

// Idle is how long a kept goroutine waits for its next function before it
// ends.
const Idle = 10 * time.Second

var (
	// idle hands a function to a goroutine waiting for one.
	idle = make(chan func())
	// started counts the goroutines started, for the tests.
	started atomic.Int64
)

// Go runs f on a goroutine that waits for work, or on a new one when none
// waits; like the go statement, it does not wait for f.
func Go(f func()) {
	select {
	case idle <- f:
	default:
		started.Add(1)
		go run(f)
	}
}

// run runs f, then the functions handed to it, until none came for Idle.
func run(f func()) {
	t := time.NewTimer(Idle)
	defer t.Stop()
	for {
		f()
		f = nil
		t.Reset(Idle)
		select {
		case f = <-idle:
		case <-t.C:
			return
		}
	}
}
