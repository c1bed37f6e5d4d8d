package bot

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/dialogs"
)

// TestMetricsNames: counters and histograms are named with their labels,
// empty labels included, and count across calls.
func TestMetricsNames(t *testing.T) {
	m := NewMetrics()
	m.EventIn("line", "text")
	m.EventIn("line", "text")
	m.Observe("abstain", "")
	m.Observe("answer", "")
	m.Observe("handoff", "1922")
	m.WebhookSeconds("telegram", 0.002)
	var b bytes.Buffer
	m.WritePrometheus(&b)
	for _, want := range []string{
		`vaxbot_events_total{channel="line",type="text"} 2`,
		`vaxbot_abstentions_total 1`,
		`vaxbot_answers_total{item=""} 1`,
		`vaxbot_handoffs_total{line="1922"} 1`,
		`vaxbot_webhook_duration_seconds_count{channel="telegram"} 1`,
	} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("no %s in:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "MISSING") {
		t.Errorf("a name was formatted without its labels:\n%s", b.String())
	}
}

// TestMetricsTurnFailures: every cause of a failed turn is a series from
// the start, at 0; the conversation's kinds are counted under their names.
func TestMetricsTurnFailures(t *testing.T) {
	m := NewMetrics()
	var b bytes.Buffer
	m.WritePrometheus(&b)
	for _, cause := range []string{"lock", "store", "ticket", "panic", "registry", "deliver"} {
		if want := `vaxbot_turn_failures_total{cause="` + cause + `"} 0`; !strings.Contains(b.String(), want+"\n") {
			t.Errorf("no %s at start in:\n%s", want, b.String())
		}
	}
	tests := []struct {
		name        string
		kind, value string
		want        string
	}{
		{"a panic", "turn_failure", "panic", `vaxbot_turn_failures_total{cause="panic"} 1`},
		{"the store", "turn_failure", "store", `vaxbot_turn_failures_total{cause="store"} 1`},
		{"a ticket", "ticket", "1922", `vaxbot_tickets_opened_total{line="1922"} 1`},
		{"a call-back", "callback", "", `vaxbot_callbacks_stored_total 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m.Observe(tt.kind, tt.value)
			b.Reset()
			m.WritePrometheus(&b)
			if !strings.Contains(b.String(), tt.want+"\n") {
				t.Errorf("no %s in:\n%s", tt.want, b.String())
			}
		})
	}
	m.TurnFailure(CauseDeliver)
	b.Reset()
	m.WritePrometheus(&b)
	if want := `vaxbot_turn_failures_total{cause="deliver"} 1`; !strings.Contains(b.String(), want+"\n") {
		t.Errorf("no %s in:\n%s", want, b.String())
	}
}

// TestQueueMetrics: the queue's depth, capacity and the age of the oldest
// event being handled are in the Prometheus output, for the alerts and a
// custom-metrics autoscaler.
func TestQueueMetrics(t *testing.T) {
	m := NewMetrics()
	d := NewDispatcher(DispatcherConfig{Workers: 2, Queue: 3, Metrics: m, Handler: blockingHandler{}})
	defer d.Close(context.Background())
	var b strings.Builder
	m.WritePrometheus(&b)
	for _, want := range []string{"vaxbot_queue_depth 0", "vaxbot_queue_capacity 3", "vaxbot_queue_oldest_seconds 0"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("metrics lack %q:\n%s", want, b.String())
		}
	}
}

// blockingHandler answers nothing; the queue tests never send it an event.
type blockingHandler struct{}

func (blockingHandler) Handle(context.Context, dialogs.Input) ([]dialogs.Reply, error) {
	return nil, nil
}
