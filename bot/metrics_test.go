package bot

import (
	"bytes"
	"strings"
	"testing"
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
