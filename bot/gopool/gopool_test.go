package gopool

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestGo: every function runs once, concurrently when they overlap (a
// function that waits for another does not block it), and a goroutine
// that finished one takes the next.
func TestGo(t *testing.T) {
	const n = 200
	var ran atomic.Int64
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range n {
		wg.Add(1)
		Go(func() {
			defer wg.Done()
			ran.Add(1)
			<-release // all n wait at once: each needs a goroutine of its own
		})
	}
	close(release)
	wg.Wait()
	if got := ran.Load(); got != n {
		t.Fatalf("%d functions ran, want %d", got, n)
	}
	// Done with those: the next ones find goroutines waiting, and no new
	// one starts.
	before := started.Load()
	for range n {
		wg.Add(1)
		Go(func() { defer wg.Done(); ran.Add(1) })
		wg.Wait()
	}
	if got := ran.Load(); got != 2*n {
		t.Fatalf("%d functions ran, want %d", got, 2*n)
	}
	if extra := started.Load() - before; extra != 0 {
		t.Errorf("%d goroutines started for functions run one after another, want 0", extra)
	}
}

func BenchmarkGo(b *testing.B) {
	done := make(chan struct{})
	for b.Loop() {
		Go(func() { done <- struct{}{} })
		<-done
	}
}
