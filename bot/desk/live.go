package desk

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// Hub wakes the live queues when a ticket is created in this process
// (bot.Notifier's OnTicket). Queues also poll the store, so tickets that
// other replicas create arrive too, a few seconds later.
type Hub struct {
	mu   sync.Mutex
	wake chan struct{}
}

// NewHub returns a Hub.
func NewHub() *Hub { return &Hub{wake: make(chan struct{})} }

// Publish wakes every waiting queue; it never blocks.
func (h *Hub) Publish() {
	h.mu.Lock()
	defer h.mu.Unlock()
	close(h.wake)
	h.wake = make(chan struct{})
}

// wait returns a channel closed at the next Publish.
func (h *Hub) wait() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.wake
}

// events streams the new open tickets that match the queue's filter, as
// table rows (text/event-stream). Each response lasts StreamFor, then
// the browser reconnects with Last-Event-ID, the newest ticket's creation
// time in microseconds, and goes on from there.
func (d *Desk) events(ctx *fasthttp.RequestCtx, s *session) {
	f := parseQueueFilter(ctx.QueryArgs())
	cursor, _ := strconv.ParseInt(string(ctx.QueryArgs().Peek("since")), 10, 64)
	if last, err := strconv.ParseInt(string(ctx.Request.Header.Peek("Last-Event-ID")), 10, 64); err == nil && last > cursor {
		cursor = last
	}
	lang := s.op.Lang
	securityHeaders(ctx)
	ctx.SetContentType("text/event-stream; charset=utf-8")
	ctx.Response.Header.Set("X-Accel-Buffering", "no")
	// The stream runs after this handler returns: it gets copies of what
	// it needs, never ctx.
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) { d.stream(w, f, lang, cursor) })
}

// stream writes events until StreamFor has passed or the browser has
// gone.
func (d *Desk) stream(w *bufio.Writer, f queueFilter, lang string, cursor int64) {
	end := time.NewTimer(d.cfg.StreamFor)
	defer end.Stop()
	poll := time.NewTicker(d.cfg.PollEvery)
	defer poll.Stop()
	// Reconnect quickly: the stream ends on purpose every few seconds.
	fmt.Fprint(w, "retry: 500\n\n")
	for {
		wake := d.cfg.Hub.wait()
		var err error
		if cursor, err = d.sendNew(w, f, lang, cursor); err != nil {
			return
		}
		if err := w.Flush(); err != nil {
			return
		}
		select {
		case <-wake:
		case <-poll.C:
		case <-end.C:
			return
		}
	}
}

// sendNew writes an event for each open ticket created after cursor that
// matches f, oldest first, and returns the new cursor.
func (d *Desk) sendNew(w *bufio.Writer, f queueFilter, lang string, cursor int64) (int64, error) {
	c, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	list, err := d.cfg.Tickets.List(c, tickets.Filter{Status: tickets.StatusOpen, Since: time.UnixMicro(cursor + 1), Limit: queueLimit})
	if err != nil {
		d.cfg.Logger.Warn("desk: live queue", "err", err)
		// A comment keeps the connection alive; the next round retries.
		_, werr := fmt.Fprint(w, ": store unavailable\n\n")
		return cursor, werr
	}
	sort.Slice(list, func(i, j int) bool { return list[i].CreatedAt.Before(list[j].CreatedAt) })
	now := d.cfg.Now()
	for _, t := range list {
		id := t.CreatedAt.UnixMicro()
		if id <= cursor {
			continue
		}
		cursor = id
		if !f.match(t, now) {
			continue
		}
		var buf bytes.Buffer
		if err := d.pages["queue"].ExecuteTemplate(&buf, "row", row{L: tr{d.words, lang}, T: d.view(lang, t)}); err != nil {
			d.cfg.Logger.Error("desk: live queue: render", "err", err)
			continue
		}
		fmt.Fprintf(w, "id: %d\nevent: ticket\n", id)
		for _, line := range strings.Split(buf.String(), "\n") {
			fmt.Fprintf(w, "data: %s\n", line)
		}
		if _, err := fmt.Fprint(w, "\n"); err != nil {
			return cursor, err
		}
	}
	// A comment each round: a browser that has gone shows up as an error.
	_, err = fmt.Fprint(w, ": ok\n\n")
	return cursor, err
}
