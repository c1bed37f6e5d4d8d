package dialogs

import (
	"context"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
	"golang.org/x/time/rate"
)

// Limiter counts attempts per key in a window and says whether one more is
// allowed.
type Limiter interface {
	Allow(ctx context.Context, key string) (bool, error)
}

// Default limits of the number check.
const (
	DefaultLookupLimit  = 5
	DefaultLookupWindow = time.Hour
)

// MemoryLimiter is the embedded Limiter: fixed windows counted in go-cache.
type MemoryLimiter struct {
	c      *cache.Cache
	limit  int
	window time.Duration
}

// NewMemoryLimiter allows limit attempts per key in each window.
func NewMemoryLimiter(limit int, window time.Duration) *MemoryLimiter {
	return &MemoryLimiter{c: cache.New(window, window), limit: limit, window: window}
}

// Allow counts one attempt for key and reports whether it is within the limit.
func (l *MemoryLimiter) Allow(_ context.Context, key string) (bool, error) {
	// Add is an atomic check-and-set: the first attempt opens the window.
	if l.c.Add(key, 1, l.window) == nil {
		return l.limit >= 1, nil
	}
	n, err := l.c.IncrementInt(key, 1)
	if err != nil {
		// The window expired between Add and IncrementInt: this attempt
		// opens a new one.
		l.c.Set(key, 1, l.window)
		n = 1
	}
	return n <= l.limit, nil
}

// Counter counts events per key in a window without refusing anything:
// failed checks per ID, so one number cannot be probed from many accounts.
type Counter interface {
	Count(ctx context.Context, key string) (int, error)
	Add(ctx context.Context, key string) error
}

// MemoryCounter is the embedded Counter: fixed windows in go-cache.
type MemoryCounter struct {
	c      *cache.Cache
	window time.Duration
}

// NewMemoryCounter counts per key over windows of the given length.
func NewMemoryCounter(window time.Duration) *MemoryCounter {
	return &MemoryCounter{c: cache.New(window, window), window: window}
}

// Count returns the events counted for key in its current window.
func (m *MemoryCounter) Count(_ context.Context, key string) (int, error) {
	v, ok := m.c.Get(key)
	if !ok {
		return 0, nil
	}
	return v.(int), nil
}

// Add counts one event for key.
func (m *MemoryCounter) Add(_ context.Context, key string) error {
	if m.c.Add(key, 1, m.window) == nil {
		return nil
	}
	if _, err := m.c.IncrementInt(key, 1); err != nil {
		m.c.Set(key, 1, m.window)
	}
	return nil
}

// Buckets is a token bucket per channel: the total number checks a channel
// may start, whoever asks.
type Buckets struct {
	mu    sync.Mutex
	rate  rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

// Default total limits of number checks per channel.
const (
	DefaultChannelRate  = 50 // checks per second
	DefaultChannelBurst = 100
)

// NewBuckets allows perSecond checks per channel with bursts of burst.
func NewBuckets(perSecond float64, burst int) *Buckets {
	return &Buckets{rate: rate.Limit(perSecond), burst: burst, m: map[string]*rate.Limiter{}}
}

// Allow takes a token from the channel's bucket. It never waits.
func (b *Buckets) Allow(_ context.Context, channel string) bool {
	b.mu.Lock()
	l, ok := b.m[channel]
	if !ok {
		l = rate.NewLimiter(b.rate, b.burst)
		b.m[channel] = l
	}
	b.mu.Unlock()
	return l.Allow()
}
