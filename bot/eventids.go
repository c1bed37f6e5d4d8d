package bot

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// eventIDs remembers the event ids of the last while (the dedupe window),
// compactly: each id is kept as a 64-bit hash with its expiry, in maps
// that hold no pointers, which the garbage collector does not have to
// scan. At the peak rate a window holds millions of ids; as strings in
// go-cache each took a string, an interface and map room (about 100 B) and
// every collection walked them all. Two different ids share a hash with a
// chance of about one in 2^64 per pair: the later one would be taken for a
// redelivery and dropped.
type eventIDs struct {
	ttl    time.Duration
	seed   maphash.Seed
	shards [eventShards]idShard
}

// eventShards spreads the ids over maps with a lock each.
const eventShards = 32

type idShard struct {
	mu sync.Mutex
	m  map[uint64]int64 // hash → expiry, Unix nanoseconds
}

// newEventIDs returns a set whose ids expire ttl after they were added;
// expired ids are swept until ctx ends.
func newEventIDs(ctx context.Context, ttl time.Duration) *eventIDs {
	e := &eventIDs{ttl: ttl, seed: maphash.MakeSeed()}
	for i := range e.shards {
		e.shards[i].m = map[uint64]int64{}
	}
	go e.sweepEvery(ctx, min(ttl, time.Minute))
	return e
}

func (e *eventIDs) shard(key string) (*idShard, uint64) {
	h := maphash.String(e.seed, key)
	return &e.shards[h%eventShards], h
}

// add remembers key and reports whether it was new: false when it was
// added less than ttl ago.
func (e *eventIDs) add(key string, now time.Time) bool {
	s, h := e.shard(key)
	t := now.UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	if exp, ok := s.m[h]; ok && exp > t {
		return false
	}
	s.m[h] = t + int64(e.ttl)
	return true
}

// forget drops key, so that it is new again.
func (e *eventIDs) forget(key string) {
	s, h := e.shard(key)
	s.mu.Lock()
	delete(s.m, h)
	s.mu.Unlock()
}

// sweep drops the ids expired at now.
func (e *eventIDs) sweep(now time.Time) {
	t := now.UnixNano()
	for i := range e.shards {
		s := &e.shards[i]
		s.mu.Lock()
		for h, exp := range s.m {
			if exp <= t {
				delete(s.m, h)
			}
		}
		s.mu.Unlock()
	}
}

// len is how many ids are remembered, expired ones not yet swept included.
func (e *eventIDs) len() int {
	n := 0
	for i := range e.shards {
		s := &e.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

func (e *eventIDs) sweepEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			e.sweep(now)
		}
	}
}
