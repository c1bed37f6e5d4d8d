package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// voteTimeout bounds one vote's write.
const voteTimeout = 2 * time.Second

// Votes keeps the votes on QA answers ("Did this help?") in the ticket
// database, for the desk's charts, from a goroutine of its own: a vote
// never holds up a reply, and one that finds the queue full (or comes
// after Close) is dropped and counted in
// vaxbot_feedback_stored_total{result="dropped"}.
type Votes struct {
	store   tickets.VoteStore
	metrics *Metrics
	logger  *slog.Logger
	now     func() time.Time
	queue   chan tickets.Vote
	done    chan struct{}
	mu      sync.RWMutex // guards closed against Observe racing Close
	closed  bool
}

// NewVotes starts the writer. metrics and logger may be nil.
func NewVotes(store tickets.VoteStore, metrics *Metrics, logger *slog.Logger) *Votes {
	if metrics == nil {
		metrics = NewMetrics()
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	v := &Votes{store: store, metrics: metrics, logger: logger, now: time.Now, queue: make(chan tickets.Vote, 1024), done: make(chan struct{})}
	go v.work()
	return v
}

// Observe takes the conversation's ("feedback", dialogs.Feedback) events
// (dialogs.Config.Observe) and ignores the others.
func (v *Votes) Observe(kind, value string) {
	if v == nil || kind != "feedback" {
		return
	}
	f, ok := dialogs.ParseFeedback(value)
	if !ok {
		return
	}
	vote := tickets.Vote{Item: f.Item, Helpful: f.Helpful, Lang: string(f.Lang), Channel: f.Channel, At: v.now()}
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.closed {
		v.count("dropped")
		return
	}
	select {
	case v.queue <- vote:
	default:
		v.count("dropped")
	}
}

func (v *Votes) work() {
	defer close(v.done)
	for vote := range v.queue {
		ctx, cancel := context.WithTimeout(context.Background(), voteTimeout)
		err := v.store.AddVote(ctx, vote)
		cancel()
		if err != nil {
			v.count("failed")
			v.logger.Warn("feedback vote not stored", "item", vote.Item, "err", err)
			continue
		}
		v.count("stored")
	}
}

func (v *Votes) count(result string) {
	v.metrics.inc(`vaxbot_feedback_stored_total{result=%q}`, result)
}

// Close stops taking votes and waits, until ctx ends, for the queued ones
// to be written.
func (v *Votes) Close(ctx context.Context) error {
	if v == nil {
		return nil
	}
	v.mu.Lock()
	if !v.closed {
		v.closed = true
		close(v.queue)
	}
	v.mu.Unlock()
	select {
	case <-v.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
