package bot

import (
	"fmt"
	"io"
	"sync"

	"github.com/VictoriaMetrics/metrics"
	"github.com/vaxbot/vaxbot/dialogs"
)

// Metrics counts what the server does, in Prometheus text format. Labels
// are channel names, event types, reasons, QA ids, outcomes and line ids:
// never a user id, a number or text a person typed.
type Metrics struct {
	set *metrics.Set
	// counters and histograms remember each metric by its name's format
	// and labels, so that counting an event formats no name.
	counters   sync.Map // metricKey → *metrics.Counter
	histograms sync.Map // metricKey → *metrics.Histogram
}

// metricKey is a metric's name format and label values.
type metricKey struct {
	format, a, b string
	n            int // how many label values
}

// CauseDeliver is the cause of a failed turn whose replies were lost on the
// way to the platform (the other causes are dialogs.Cause…).
const CauseDeliver = "deliver"

// turnFailureCauses are the causes of vaxbot_turn_failures_total, whose
// series exist from the start at 0: a dashboard or an alert on a rate sees
// the first failure as an increase, not as a new series.
var turnFailureCauses = []string{
	dialogs.CauseLock, dialogs.CauseStore, dialogs.CauseTicket, dialogs.CausePanic, dialogs.CauseRegistry, CauseDeliver,
}

// NewMetrics returns a set of metrics, with the series of
// vaxbot_turn_failures_total at 0.
func NewMetrics() *Metrics {
	m := &Metrics{set: metrics.NewSet()}
	for _, cause := range turnFailureCauses {
		m.counter(turnFailures, cause)
	}
	return m
}

func (k metricKey) name() string {
	switch k.n {
	case 2:
		return fmt.Sprintf(k.format, k.a, k.b)
	case 1:
		return fmt.Sprintf(k.format, k.a)
	}
	return k.format
}

// inc adds one to the counter named by format with up to two label values.
func (m *Metrics) inc(format string, labels ...string) { m.counter(format, labels...).Inc() }

// counter returns the counter named by format with up to two label values,
// creating it at 0.
func (m *Metrics) counter(format string, labels ...string) *metrics.Counter {
	k := metricKey{format: format, n: len(labels)}
	if len(labels) > 0 {
		k.a = labels[0]
	}
	if len(labels) > 1 {
		k.b = labels[1]
	}
	c, ok := m.counters.Load(k)
	if !ok {
		c, _ = m.counters.LoadOrStore(k, m.set.GetOrCreateCounter(k.name()))
	}
	return c.(*metrics.Counter)
}

// observe records v in the histogram named by format with one label value.
func (m *Metrics) observe(format, label string, v float64) {
	k := metricKey{format: format, a: label, n: 1}
	h, ok := m.histograms.Load(k)
	if !ok {
		h, _ = m.histograms.LoadOrStore(k, m.set.GetOrCreateHistogram(k.name()))
	}
	h.(*metrics.Histogram).Update(v)
}

// EventIn counts an event received.
func (m *Metrics) EventIn(channel, typ string) {
	m.inc(`vaxbot_events_total{channel=%q,type=%q}`, channel, typ)
}

// Rejected counts a request refused before processing.
func (m *Metrics) Rejected(channel, reason string) {
	m.inc(`vaxbot_requests_rejected_total{channel=%q,reason=%q}`, channel, reason)
}

// Duplicate counts a redelivered event that was dropped.
func (m *Metrics) Duplicate(channel string) {
	m.inc(`vaxbot_duplicates_dropped_total{channel=%q}`, channel)
}

// Reply counts replies by result: "sent", "retried", "failed", "lost",
// "expired", "pushed", "delivered_after_timeout" (a call timed out, and
// what followed showed the reply had arrived), "unknown" (a call went
// unanswered: the reply may have arrived, and is not sent again).
func (m *Metrics) Reply(channel, result string) {
	m.inc(`vaxbot_replies_total{channel=%q,result=%q}`, channel, result)
}

// EventLost counts an acknowledged event that was never handled: reason
// "shutdown" for one still queued when the shutdown bound ran out.
func (m *Metrics) EventLost(channel, reason string) {
	m.inc(`vaxbot_events_lost_total{channel=%q,reason=%q}`, channel, reason)
}

// WebhookSeconds records how long answering a webhook took.
func (m *Metrics) WebhookSeconds(channel string, s float64) {
	m.observe(`vaxbot_webhook_duration_seconds{channel=%q}`, channel, s)
}

// ReplySeconds records how long from receiving an event to delivering its replies.
func (m *Metrics) ReplySeconds(channel string, s float64) {
	m.observe(`vaxbot_reply_duration_seconds{channel=%q}`, channel, s)
}

// turnFailures counts turns that ended in an apology or in silence, by
// cause.
const turnFailures = `vaxbot_turn_failures_total{cause=%q}`

// TurnFailure counts a turn that failed: the person got the apology, or
// nothing when the replies were lost (CauseDeliver).
func (m *Metrics) TurnFailure(cause string) { m.inc(turnFailures, cause) }

// HTTPPanic counts a request whose handler panicked (answered 500). route is
// one of a few fixed names, never the request's path.
func (m *Metrics) HTTPPanic(route string) { m.inc(`vaxbot_http_panics_total{route=%q}`, route) }

// DedupeFailure counts a call to the shared store of event ids that failed
// (op "seen" or "forget"): the event was taken as new.
func (m *Metrics) DedupeFailure(channel, op string) {
	m.inc(`vaxbot_dedupe_failures_total{channel=%q,op=%q}`, channel, op)
}

// Observe counts the conversation's events (dialogs.Config.Observe).
func (m *Metrics) Observe(kind, value string) {
	switch kind {
	case "turn_failure":
		m.TurnFailure(value)
	case "ticket":
		m.inc(`vaxbot_tickets_opened_total{line=%q}`, value)
	case "callback":
		m.inc(`vaxbot_callbacks_stored_total`)
	case "answer":
		m.inc(`vaxbot_answers_total{item=%q}`, value)
	case "abstain":
		m.inc(`vaxbot_abstentions_total`)
	case "outcome":
		m.inc(`vaxbot_diagnoses_total{outcome=%q}`, value)
	case "handoff":
		m.inc(`vaxbot_handoffs_total{line=%q}`, value)
	case "feedback":
		// Three labels, past what inc keeps; votes are rare.
		if f, ok := dialogs.ParseFeedback(value); ok {
			vote := dialogs.VoteDown
			if f.Helpful {
				vote = dialogs.VoteUp
			}
			m.set.GetOrCreateCounter(fmt.Sprintf(`vaxbot_feedback_total{item=%q,vote=%q,lang=%q}`, f.Item, vote, f.Lang)).Inc()
		}
	}
}

// Gauge registers a gauge whose value f reports when metrics are read.
func (m *Metrics) Gauge(name string, f func() float64) { m.set.GetOrCreateGauge(name, f) }

// WritePrometheus writes every metric in Prometheus text format, then the
// process's and the Go runtime's (go_goroutines, go_memstats_…, go_gc_…,
// process_cpu_seconds_total, process_resident_memory_bytes,
// process_open_fds…).
func (m *Metrics) WritePrometheus(w io.Writer) {
	m.set.WritePrometheus(w)
	metrics.WriteProcessMetrics(w)
}
