package main

import (
	"context"
	"time"

	"github.com/vaxbot/vaxbot/bot"
)

// ticketPurgeEvery is how often serve purges closed tickets when
// VAXBOT_TICKET_RETENTION is set; ticketPurgeTimeout bounds one purge.
const (
	ticketPurgeEvery   = 24 * time.Hour
	ticketPurgeTimeout = time.Minute
)

// watchBacklog keeps the gauges of the open tickets (bot.Backlog) until ctx
// ends.
func (a *app) watchBacklog(ctx context.Context) {
	b := &bot.Backlog{Tickets: a.store, Metrics: a.metrics, Every: a.cfg.backlogEvery, Logger: a.logger}
	b.Run(ctx)
}

// purgeTickets deletes the tickets closed longer ago than
// VAXBOT_TICKET_RETENTION, at start and then daily, until ctx ends: the
// retention job run inside the server, for the one replica whose SQLite
// file is on a ReadWriteOnce volume no CronJob can mount beside it. Off
// when the retention is 0.
func (a *app) purgeTickets(ctx context.Context) {
	if a.cfg.TicketRetention <= 0 {
		return
	}
	for {
		c, cancel := context.WithTimeout(ctx, ticketPurgeTimeout)
		n, err := a.store.Purge(c, time.Now().Add(-a.cfg.TicketRetention))
		cancel()
		if err != nil && ctx.Err() == nil {
			a.logger.Warn("closed tickets not purged", "err", err)
		} else if err == nil {
			a.logger.Info("closed tickets purged after retention", "count", n, "retention", a.cfg.TicketRetention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(ticketPurgeEvery):
		}
	}
}
