package redisstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
)

// takenLog records what a consumer was handed, in order.
type takenLog struct {
	mu      sync.Mutex
	entries []string
	claimed int
}

func (l *takenLog) add(e bot.StreamEntry) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, string(e.Data))
	if e.Claimed {
		l.claimed++
	}
	return len(l.entries)
}

func (l *takenLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.entries...)
}

// TestStreamTakeover: a consumer that dies (its loops stop without Close,
// as under kill -9) with entries taken and not done, and more unread,
// leaves them all to the other, which gets each once, one person's in
// order, and none of those the first had done.
func TestStreamTakeover(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	newStream := func(name string) *Stream {
		s, err := c.Stream(StreamConfig{Sealer: testSealer(t), ClaimIdle: time.Second, Consumer: name})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := c.Stream(StreamConfig{}); err == nil {
		t.Fatal("a stream without a sealer was allowed")
	}
	const persons, each = 5, 10
	for i := range each {
		for p := range persons {
			if err := newStream("writer").Append(ctx, fmt.Sprintf("p%d", p), []byte(fmt.Sprintf("p%d-%02d", p, i))); err != nil {
				t.Fatal(err)
			}
		}
	}
	// a takes ten entries, finishes five, then dies while the eleventh is
	// being handed over.
	a := newStream("a")
	var aLog takenLog
	actx, kill := context.WithCancel(ctx)
	aDone := map[string]bool{}
	var aMu sync.Mutex
	go a.Consume(actx, func(ctx context.Context, e bot.StreamEntry) error {
		n := aLog.add(e)
		switch {
		case n <= 5:
			e.Done()
			aMu.Lock()
			aDone[string(e.Data)] = true
			aMu.Unlock()
		case n > 10:
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	})
	waitFor(t, func() bool { return len(aLog.list()) > 10 })
	kill()
	a.mu.Lock()
	a.stopLoop()
	a.mu.Unlock()
	<-a.loopDone

	b := newStream("b")
	var bLog takenLog
	bctx, stop := context.WithCancel(ctx)
	defer stop()
	go b.Consume(bctx, func(ctx context.Context, e bot.StreamEntry) error {
		bLog.add(e)
		e.Done()
		return nil
	})
	want := persons*each - 5
	waitFor(t, func() bool { return len(bLog.list()) >= want })
	time.Sleep(200 * time.Millisecond) // a duplicate would show by now
	got := bLog.list()
	if len(got) != want {
		t.Errorf("b took %d entries, want %d", len(got), want)
	}
	seen := map[string]int{}
	last := map[string]string{}
	for _, e := range got {
		seen[e]++
		if aDone[e] {
			t.Errorf("%s was done by a and taken again by b", e)
		}
		person, _, _ := strings.Cut(e, "-")
		if e < last[person] {
			t.Errorf("%s after %s: out of order", e, last[person])
		}
		last[person] = e
	}
	for e, n := range seen {
		if n > 1 {
			t.Errorf("%s taken %d times", e, n)
		}
	}
	if bLog.claimed < 5 {
		t.Errorf("%d entries claimed from a, want at least the 5 it held", bLog.claimed)
	}
	// Done entries are deleted: what a person typed does not stay.
	waitFor(t, func() bool {
		var n int64
		for p := range Partitions {
			n += c.rdb.XLen(ctx, b.key(p)).Val()
		}
		return n == 0
	})
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out")
}

// TestStreamAppendNew: AppendNew appends a new event once and remembers its
// id where Dedupe keeps ids: a second AppendNew, and Dedupe.Seen, see it;
// once Dedupe.Forget drops it, it is appended again.
func TestStreamAppendNew(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	s, err := c.Stream(StreamConfig{Sealer: testSealer(t), ClaimIdle: time.Second, Consumer: "one"})
	if err != nil {
		t.Fatal(err)
	}
	dd := c.Dedupe(time.Minute)
	steps := []struct {
		do       func() (bool, error)
		wantSeen bool
	}{
		{func() (bool, error) { return s.AppendNew(ctx, "line:ev1", time.Minute, "p1", []byte("first")) }, false},
		{func() (bool, error) { return s.AppendNew(ctx, "line:ev1", time.Minute, "p1", []byte("again")) }, true},
		{func() (bool, error) { return dd.Seen(ctx, "line:ev1") }, true},
		{func() (bool, error) { return false, dd.Forget(ctx, "line:ev1") }, false},
		{func() (bool, error) { return s.AppendNew(ctx, "line:ev1", time.Minute, "p1", []byte("redelivered")) }, false},
	}
	for i, st := range steps {
		seen, err := st.do()
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if seen != st.wantSeen {
			t.Errorf("step %d: seen %v, want %v", i, seen, st.wantSeen)
		}
	}
	var got takenLog
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.Consume(cctx, func(_ context.Context, e bot.StreamEntry) error {
		if got.add(e) == 2 {
			cancel()
		}
		e.Done()
		return nil
	})
	<-cctx.Done()
	time.Sleep(50 * time.Millisecond) // a third entry, were there one, would be taken now
	if l := strings.Join(got.list(), ","); l != "first,redelivered" {
		t.Errorf("the stream holds %s, want first,redelivered", l)
	}
	closeCtx, stop := context.WithTimeout(ctx, time.Second)
	defer stop()
	s.Close(closeCtx)
}
