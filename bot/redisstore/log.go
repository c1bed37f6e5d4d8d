package redisstore

import (
	"context"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// LogTo sends the Redis client's own messages (a connection closed, a
// pool event) to logger as JSON, without their arguments, instead of
// plain lines on stderr. The client's logger is global: cmd calls this
// once.
func LogTo(logger *slog.Logger) { redis.SetLogger(clientLogger{l: logger}) }

type clientLogger struct{ l *slog.Logger }

// Printf implements the client's logger: the format is logged, the
// arguments are dropped (they could quote a command).
func (c clientLogger) Printf(ctx context.Context, format string, v ...any) {
	c.l.Debug("redis client: "+format, "args_dropped", len(v))
}
