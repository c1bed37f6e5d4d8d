package bot

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/patrickmn/go-cache"
)

func TestEventIDs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := newEventIDs(ctx, time.Minute)
	now := time.Date(2021, 7, 21, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		name string
		do   func() bool
		want bool
	}{
		{"a new id", func() bool { return e.add("line:a", now) }, true},
		{"the same id again", func() bool { return e.add("line:a", now.Add(59*time.Second)) }, false},
		{"another channel's same id", func() bool { return e.add("telegram:a", now) }, true},
		{"after the window", func() bool { return e.add("line:a", now.Add(3*time.Minute)) }, true},
		{"forgotten", func() bool { e.forget("line:b"); e.add("line:b", now); e.forget("line:b"); return e.add("line:b", now) }, true},
	}
	for _, s := range steps {
		if got := s.do(); got != s.want {
			t.Errorf("%s: new %v, want %v", s.name, got, s.want)
		}
	}
	if n := e.len(); n != 3 {
		t.Errorf("%d ids remembered, want 3", n)
	}
	e.sweep(now.Add(time.Hour))
	if n := e.len(); n != 0 {
		t.Errorf("%d ids after the sweep, want 0", n)
	}
}

// TestEventIDsConcurrent: of many goroutines adding one id at once, one
// takes it as new (go test -race).
func TestEventIDsConcurrent(t *testing.T) {
	e := newEventIDs(t.Context(), time.Minute)
	results := make(chan bool, 16)
	for range 16 {
		go func() { results <- e.add("line:same", time.Now()) }()
	}
	news := 0
	for range 16 {
		if <-results {
			news++
		}
	}
	if news != 1 {
		t.Errorf("%d goroutines took the id as new, want 1", news)
	}
}

// BenchmarkEventIDMemory: the heap one remembered event id holds, here and
// in go-cache as it was kept before (a string key per id), for a million
// LINE webhook event ids.
// go test -run '^$' -bench EventIDMemory -benchtime 1x ./bot/
func BenchmarkEventIDMemory(b *testing.B) {
	const n = 1_000_000
	ids := func(i int) string { return fmt.Sprintf("line:01FZ74A0TDDPYRV%012d", i) }
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	b.Run("eventIDs", func(b *testing.B) {
		for b.Loop() {
			before := heap()
			e := newEventIDs(b.Context(), 10*time.Minute)
			now := time.Now()
			for i := range n {
				e.add(ids(i), now)
			}
			b.ReportMetric(float64(heap()-before)/n, "B/id")
			runtime.KeepAlive(e)
		}
	})
	b.Run("go-cache", func(b *testing.B) {
		for b.Loop() {
			before := heap()
			c := cache.New(10*time.Minute, 0) // no janitor: nothing to stop
			for i := range n {
				c.Add(ids(i), struct{}{}, cache.DefaultExpiration)
			}
			b.ReportMetric(float64(heap()-before)/n, "B/id")
			runtime.KeepAlive(c)
		}
	})
}
