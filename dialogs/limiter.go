package dialogs

import (
	"context"
	"time"

	"github.com/patrickmn/go-cache"
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
