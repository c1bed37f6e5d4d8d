package bot

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/knowledge"
)

// Pusher sends replies to a person outside any event (a reminder): LINE's
// push, Telegram's sendMessage. person is the session key ("line:U…").
type Pusher interface {
	Push(ctx context.Context, person string, replies []dialogs.Reply) error
}

// DefaultReminderEvery is how often due reminders are looked for: a
// reminder is sent within this long after its minute.
const DefaultReminderEvery = 10 * time.Second

// reminderTimeout bounds each store call and each push.
const reminderTimeout = 5 * time.Second

// Reminders keeps the reminders people ask for (dialogs.ReminderRequest)
// in the ticket database and sends each once when due, whichever replica
// finds it first (tickets.ReminderStore.ClaimDue). A reminder claimed by a
// replica that dies before sending it is lost, never sent twice. Counted
// in vaxbot_reminders_total{result}.
type Reminders struct {
	Store  tickets.ReminderStore
	Engine *dialogs.Engine
	// Pushers send by channel name ("line", "telegram"), the session key's
	// first part.
	Pushers map[string]Pusher
	Metrics *Metrics
	Logger  *slog.Logger
	// Every is how often due reminders are looked for
	// (DefaultReminderEvery when 0).
	Every time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (r *Reminders) count(result string) {
	if r.Metrics != nil {
		r.Metrics.inc(`vaxbot_reminders_total{result=%q}`, result)
	}
}

func (r *Reminders) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

// Handler wraps h: the reminders its replies ask for are stored (or
// cancelled) after the turn, and the requests removed before the replies
// reach a channel. A reminder that cannot be stored turns its
// confirmation into an apology with the time to check again.
func (r *Reminders) Handler(h Handler) Handler {
	if a, ok := h.(apologizer); ok {
		return remindingApologizer{reminding{h, r}, a}
	}
	return reminding{h, r}
}

type reminding struct {
	h Handler
	r *Reminders
}

type remindingApologizer struct {
	reminding
	apologizer
}

// Handle implements Handler.
func (m reminding) Handle(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error) {
	replies, err := m.h.Handle(ctx, in)
	for i := range replies {
		req := replies[i].Reminder
		if req == nil {
			continue
		}
		replies[i].Reminder = nil
		m.r.apply(ctx, in.Person, req, &replies[i])
	}
	return replies, err
}

func (r *Reminders) apply(ctx context.Context, person string, req *dialogs.ReminderRequest, reply *dialogs.Reply) {
	ctx, cancel := context.WithTimeout(ctx, reminderTimeout)
	defer cancel()
	if req.Cancel {
		cancelled, err := r.Store.CancelReminder(ctx, person)
		switch {
		case err != nil:
			r.count("cancel_failed")
			r.logger().Warn("reminder not cancelled", "err", err)
		case cancelled:
			r.count("cancelled")
		}
		return
	}
	err := r.Store.AddReminder(ctx, tickets.Reminder{Person: person, At: req.At, Lang: string(reply.Lang)})
	if err != nil {
		r.count("store_failed")
		r.logger().Warn("reminder not stored", "err", err)
		var menu []dialogs.Choice
		if n := len(reply.Choices); n > 0 {
			menu = reply.Choices[n-1:]
		}
		reply.Text, reply.Choices = r.Engine.ReminderFailed(reply.Lang, req.At), menu
		return
	}
	r.count("scheduled")
}

// Run sends due reminders every Every until ctx ends. A nil Reminders
// does nothing.
func (r *Reminders) Run(ctx context.Context) {
	if r == nil {
		return
	}
	every := r.Every
	if every <= 0 {
		every = DefaultReminderEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		r.SendDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendDue claims the reminders due now and sends each, and returns how
// many were sent.
func (r *Reminders) SendDue(ctx context.Context) int {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	sent := 0
	for {
		cctx, cancel := context.WithTimeout(ctx, reminderTimeout)
		due, err := r.Store.ClaimDue(cctx, now(), 50)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				r.logger().Warn("reminders: could not look for due ones", "err", err)
			}
			return sent
		}
		for _, rem := range due {
			if r.send(ctx, rem, now) {
				sent++
			}
		}
		if len(due) < 50 {
			return sent
		}
	}
}

func (r *Reminders) send(ctx context.Context, rem tickets.Reminder, now func() time.Time) bool {
	channel, _, _ := strings.Cut(rem.Person, ":")
	p, ok := r.Pushers[channel]
	lang, lok := knowledge.ParseLang(rem.Lang)
	if !ok || !lok {
		r.count("failed")
		r.logger().Warn("reminder for a channel or language not served here", "channel", channel, "lang", rem.Lang)
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, reminderTimeout)
	defer cancel()
	if err := p.Push(ctx, rem.Person, r.Engine.ReminderDue(lang)); err != nil {
		r.count("failed")
		r.logger().Warn("reminder not sent", "channel", channel, "err", err)
		return false
	}
	r.count("sent")
	if r.Metrics != nil {
		r.Metrics.ReminderLate(now().Sub(rem.At))
	}
	return true
}

// reminderLagBuckets are the upper bounds, in seconds, of
// vaxbot_reminder_lag_seconds: a reminder is looked for every 10 s, so
// under a minute is on time; the alert's threshold is 2 minutes.
var reminderLagBuckets = []float64{5, 10, 15, 30, 60, 120, 300, 600, 1800}

// ReminderLate records how long after its minute a reminder went out.
func (m *Metrics) ReminderLate(late time.Duration) {
	m.set.GetOrCreatePrometheusHistogramExt(`vaxbot_reminder_lag_seconds`, reminderLagBuckets).Update(max(0, late.Seconds()))
}
