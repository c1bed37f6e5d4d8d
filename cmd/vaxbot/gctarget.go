package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// The garbage collector's target when GOGC is not set. The server's live
// heap is small at rest (the knowledge index, the words) and every event
// allocates in the SDK's JSON and HTTP client: collecting at 400 % rather
// than Go's 100 % gives about 9 % more events a second (README, "The
// server under load"). But the sessions of many idle people make the live
// heap large, and 400 % of it is five times the heap in memory. So the
// heap may grow by gcHeadroom between collections, 400 % of a small heap
// and less of a large one, down to gcPercentMin. Each collection of a
// million sessions (a live heap of some 320 MiB) marks for about 150 ms,
// during which acknowledgements wait longer: at Go's 100 % that was every
// 9 s at 5 000 events a second and the ack p99 of a 12 s run 1.3–4.0 ms;
// at 200 % every 18 s and 0.7–1.5 ms (0.65 ms with few sessions), for
// about 1.1 KiB resident a session instead of 0.7 (README, "The server
// under load"). Below 100 %, collections came four times as often and
// replies took up to 160 ms at p99.
const (
	gcPercentMax = 400
	gcPercentMin = 200
	gcHeadroom   = 64 << 20
)

// gcPercentFor is the GOGC for a live heap of live bytes: gcHeadroom of
// growth, within gcPercentMin and gcPercentMax.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return gcPercentMax
	}
	return int(min(max(gcHeadroom*100/live, gcPercentMin), gcPercentMax))
}

var (
	adaptGC   sync.Once
	gcPercent atomic.Int64 // the GOGC set last
)

// raiseGCTarget, unless GOGC is set, collects at gcPercentMax and adjusts
// the target to the live heap after every collection (gcPercentFor); it
// says whether it did. GOMEMLIMIT, when set, still caps the heap. serve
// and the load floors call it, so that they compare alike.
func raiseGCTarget() bool {
	if os.Getenv("GOGC") != "" {
		return false
	}
	adaptGC.Do(func() {
		gcPercent.Store(gcPercentMax)
		debug.SetGCPercent(gcPercentMax)
		armGCSentinel()
	})
	return true
}

// gcSentinel is garbage as soon as it is made: its finalizer runs after
// the next collection, sets the target for the live heap that collection
// found and makes the next sentinel. (Sixteen bytes, not less: the
// allocator batches smaller objects without pointers, whose finalizers
// may never run.)
type gcSentinel struct{ _ [16]byte }

func armGCSentinel() {
	runtime.SetFinalizer(new(gcSentinel), func(*gcSentinel) {
		retuneGC()
		armGCSentinel()
	})
}

// retuneGC sets the target for the live heap the last collection marked,
// when it differs from the one set.
func retuneGC() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if p := gcPercentFor(sample[0].Value.Uint64()); int64(p) != gcPercent.Load() {
		gcPercent.Store(int64(p))
		debug.SetGCPercent(p)
	}
}
