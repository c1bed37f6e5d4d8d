package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// Notice is what operators are told of a new ticket: no numbers beyond the
// masked ID, no conversation text.
type Notice struct {
	Ref       string    `json:"ref"`
	Line      string    `json:"line"`
	County    string    `json:"county,omitempty"`
	Reason    string    `json:"reason"`
	Channel   string    `json:"channel"`
	Lang      string    `json:"lang"`
	MaskedID  string    `json:"masked_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Text is the notice as one chat message, in Traditional Chinese and then
// English, for operators who read either.
func (n Notice) Text() string {
	zh := fmt.Sprintf("新案件 %s：專線 %s，原因 %s（%s，%s）", n.Ref, n.Line, n.Reason, n.Channel, n.Lang)
	en := fmt.Sprintf("New ticket %s for %s: %s (%s, %s)", n.Ref, n.Line, n.Reason, n.Channel, n.Lang)
	if n.County != "" {
		zh += "，縣市 " + n.County
		en += ", county " + n.County
	}
	if n.MaskedID != "" {
		zh += "，證號 " + n.MaskedID
		en += ", ID " + n.MaskedID
	}
	return zh + "\n" + en
}

// NotifierConfig sets up a Notifier; with neither target it does nothing.
type NotifierConfig struct {
	// Webhook receives a JSON POST of each Notice.
	Webhook string
	// Telegram sends a message to the operators' chat.
	Telegram   func(ctx context.Context, text string) error
	HTTPClient *http.Client
	Logger     *slog.Logger
	Metrics    *Metrics
	// Attempts per notice and target (default 5), with backoff from 500 ms.
	Attempts int
	// Backoff is the first wait between attempts (default 500 ms).
	Backoff time.Duration
	// OnTicket, when set, is told of every new ticket, in the goroutine
	// that created it, whether or not there is a target: it must not
	// block (the desk's live queue wakes on it).
	OnTicket func(Notice)
}

// Notifier tells operators about new tickets in the background, retrying
// with backoff; it never blocks the person's reply.
type Notifier struct {
	cfg    NotifierConfig
	queue  chan Notice
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.RWMutex // guards closed against Notify racing Close
	closed bool
}

// NewNotifier starts the notifier's worker.
func NewNotifier(cfg NotifierConfig) *Notifier {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 5
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &Notifier{cfg: cfg, queue: make(chan Notice, 1024), ctx: ctx, cancel: cancel}
	n.wg.Add(1)
	go n.work()
	return n
}

// Enabled reports whether the notifier has a target.
func (n *Notifier) Enabled() bool { return n.cfg.Webhook != "" || n.cfg.Telegram != nil }

// Notify queues a notice of t; when the queue is full the notice is dropped
// and counted.
func (n *Notifier) Notify(t *tickets.Ticket) {
	notice := Notice{Ref: t.Ref, Line: t.Line, County: t.County, Reason: t.Reason, Channel: t.Channel,
		Lang: t.Lang, MaskedID: t.MaskedID, CreatedAt: t.CreatedAt}
	if n.cfg.OnTicket != nil {
		n.cfg.OnTicket(notice)
	}
	if !n.Enabled() {
		return
	}
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.closed {
		n.cfg.Metrics.inc(`vaxbot_notifications_total{result="dropped"}`)
		return
	}
	select {
	case n.queue <- notice:
	default:
		n.cfg.Metrics.inc(`vaxbot_notifications_total{result="dropped"}`)
	}
}

func (n *Notifier) work() {
	defer n.wg.Done()
	for notice := range n.queue {
		if n.cfg.Webhook != "" {
			n.retry("webhook", func(ctx context.Context) error { return n.post(ctx, notice) })
		}
		if n.cfg.Telegram != nil {
			n.retry("telegram", func(ctx context.Context) error { return n.cfg.Telegram(ctx, notice.Text()) })
		}
	}
}

func (n *Notifier) retry(target string, send func(context.Context) error) {
	wait := n.cfg.Backoff
	for attempt := 1; ; attempt++ {
		err := send(n.ctx)
		if err == nil {
			n.cfg.Metrics.inc(`vaxbot_notifications_total{target=%q,result="sent"}`, target)
			return
		}
		if attempt == n.cfg.Attempts || n.ctx.Err() != nil {
			n.cfg.Metrics.inc(`vaxbot_notifications_total{target=%q,result="failed"}`, target)
			n.cfg.Logger.Warn("notification failed", "target", target, "attempts", attempt, "err", err)
			return
		}
		select {
		case <-time.After(wait):
		case <-n.ctx.Done():
		}
		wait *= 2
	}
}

func (n *Notifier) post(ctx context.Context, notice Notice) error {
	body, err := json.Marshal(notice)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.cfg.Webhook, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := n.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("bot: notify: %w", err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("bot: notify: status %d", res.StatusCode)
	}
	return nil
}

// Close sends what is queued, within ctx, and stops.
func (n *Notifier) Close(ctx context.Context) error {
	n.mu.Lock()
	if !n.closed {
		n.closed = true
		close(n.queue)
	}
	n.mu.Unlock()
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		n.cancel()
		<-done
		return ctx.Err()
	}
}

// NotifyingStore is a tickets.Store that notifies operators of each ticket
// it creates.
type NotifyingStore struct {
	tickets.Store
	Notifier *Notifier
}

// Create stores the ticket, then queues its notice.
func (s NotifyingStore) Create(ctx context.Context, t *tickets.Ticket) error {
	if err := s.Store.Create(ctx, t); err != nil {
		return err
	}
	s.Notifier.Notify(t)
	return nil
}
