package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// matcher is one label matcher of a PromQL selector: channel="line".
type matcher struct{ label, op, value string }

// selector is a metric named in a PromQL expression, with its matchers.
type selector struct {
	metric   string
	matchers []matcher
}

// promqlWords are PromQL's keywords; an identifier that is none of these
// and not followed by "(" names a metric.
var promqlWords = []string{"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"}

// aggregations are PromQL's aggregation operators, which may come before
// their by or without list.
var aggregations = []string{"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"}

// parsePromQL finds the metric selectors of expr, and the label names of
// its by/without/on/ignoring lists. It knows as much PromQL as alerts and
// dashboards use: functions, aggregations, binary operators, selectors
// with matchers, ranges, numbers and strings.
func parsePromQL(expr string) (sels []selector, grouping []string, err error) {
	s := expr
	i := 0
	skipSpace := func() {
		for i < len(s) && unicode.IsSpace(rune(s[i])) {
			i++
		}
	}
	ident := func() string {
		j := i
		for j < len(s) && (s[j] == '_' || s[j] == ':' || unicode.IsLetter(rune(s[j])) || (j > i && unicode.IsDigit(rune(s[j])))) {
			j++
		}
		w := s[i:j]
		i = j
		return w
	}
	quoted := func() (string, error) {
		q := s[i]
		j := i + 1
		for j < len(s) && s[j] != q {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) {
			return "", fmt.Errorf("unclosed string in %q", expr)
		}
		v := s[i+1 : j]
		i = j + 1
		return v, nil
	}
	// matchers reads {label op "value", …} at i.
	matchers := func() ([]matcher, error) {
		i++ // {
		var ms []matcher
		for {
			skipSpace()
			if i < len(s) && s[i] == '}' {
				i++
				return ms, nil
			}
			label := ident()
			skipSpace()
			op := ""
			for _, o := range []string{"=~", "!~", "!=", "="} {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			if label == "" || op == "" {
				return nil, fmt.Errorf("bad matcher at %d in %q", i, expr)
			}
			i += len(op)
			skipSpace()
			if i >= len(s) || (s[i] != '"' && s[i] != '\'') {
				return nil, fmt.Errorf("matcher %s without a quoted value in %q", label, expr)
			}
			v, err := quoted()
			if err != nil {
				return nil, err
			}
			ms = append(ms, matcher{label, op, v})
			skipSpace()
			if i < len(s) && s[i] == ',' {
				i++
			}
		}
	}
	for i < len(s) {
		c := s[i]
		switch {
		case unicode.IsSpace(rune(c)):
			i++
		case c == '"' || c == '\'':
			if _, err := quoted(); err != nil {
				return nil, nil, err
			}
		case c == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, nil, fmt.Errorf("unclosed [ in %q", expr)
			}
			i += end + 1
		case c == '{':
			// A selector without a name ({__name__=…}) hides which metric
			// it reads: not allowed here.
			return nil, nil, fmt.Errorf("a selector without a metric name in %q", expr)
		case unicode.IsDigit(rune(c)) || c == '.':
			for i < len(s) && (unicode.IsDigit(rune(s[i])) || unicode.IsLetter(rune(s[i])) || s[i] == '.') {
				i++
			}
		case c == '_' || c == ':' || unicode.IsLetter(rune(c)):
			w := ident()
			skipSpace()
			next := byte(0)
			if i < len(s) {
				next = s[i]
			}
			switch {
			case slices.Contains([]string{"by", "without", "on", "ignoring", "group_left", "group_right"}, w):
				if next == '(' {
					end := strings.IndexByte(s[i:], ')')
					if end < 0 {
						return nil, nil, fmt.Errorf("unclosed ( in %q", expr)
					}
					for _, l := range strings.Split(s[i+1:i+end], ",") {
						if l = strings.TrimSpace(l); l != "" {
							grouping = append(grouping, l)
						}
					}
					i += end + 1
				}
			case slices.Contains(promqlWords, strings.ToLower(w)):
			case next == '(':
				// a function or an aggregation
			case slices.Contains(aggregations, w) && (strings.HasPrefix(s[i:], "by") || strings.HasPrefix(s[i:], "without")):
				// sum by (…) (…)
			default:
				sel := selector{metric: w}
				if next == '{' {
					ms, err := matchers()
					if err != nil {
						return nil, nil, err
					}
					sel.matchers = ms
				}
				sels = append(sels, sel)
			}
		default:
			i++ // operators, parentheses, commas
		}
	}
	return sels, grouping, nil
}

func TestParsePromQL(t *testing.T) {
	sels, grouping, err := parsePromQL(`sum by (cause) (rate(vaxbot_turn_failures_total{cause!="x"}[5m]))
	  / scalar(sum(rate(vaxbot_events_total[5m]))) > 0.01 and absent(up{job="a"} == 1) offset 5m
	  or max without (channel) (vaxbot_registry_breaker_open)`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range sels {
		names = append(names, s.metric)
	}
	if want := []string{"vaxbot_turn_failures_total", "vaxbot_events_total", "up", "vaxbot_registry_breaker_open"}; !slices.Equal(names, want) {
		t.Errorf("metrics %v, want %v", names, want)
	}
	if len(sels) > 0 && (len(sels[0].matchers) != 1 || sels[0].matchers[0] != (matcher{"cause", "!=", "x"})) {
		t.Errorf("matchers %v", sels[0].matchers)
	}
	if !slices.Equal(grouping, []string{"cause", "channel"}) {
		t.Errorf("grouping %v, want [cause channel]", grouping)
	}
}

// prometheusOwn are series Prometheus makes itself when it scrapes, with
// the labels it gives them.
var prometheusOwn = map[string][]string{"up": {"job", "instance", "namespace", "service", "pod", "endpoint"}}

// exported describes a metric the server's source names: its label names,
// and whether it is a histogram (observed), which has _sum and _count (and
// _bucket with "le" when it is a Prometheus histogram).
type exported struct {
	labels    []string
	histogram bool
}

// exportedMetric looks name up in the server's source. A histogram's
// _sum, _count and _bucket series count as its own.
func exportedMetric(t *testing.T, name string) (exported, bool) {
	t.Helper()
	src := source(t)
	base := name
	for _, suffix := range []string{"_sum", "_count", "_bucket"} {
		if b, ok := strings.CutSuffix(name, suffix); ok && !regexp.MustCompile(`\b`+regexp.QuoteMeta(name)+`\b`).MatchString(src) {
			base = b
		}
	}
	uses := regexp.MustCompile(`\b`+regexp.QuoteMeta(base)+`\b(\{[^}\n]*\})?`).FindAllStringSubmatchIndex(src, -1)
	if len(uses) == 0 {
		return exported{}, false
	}
	var e exported
	for _, u := range uses {
		if u[2] >= 0 {
			for _, l := range regexp.MustCompile(`([a-z_]+)=`).FindAllStringSubmatch(src[u[2]:u[3]], -1) {
				if !slices.Contains(e.labels, l[1]) {
					e.labels = append(e.labels, l[1])
				}
			}
		}
		line := src[strings.LastIndexByte(src[:u[0]], '\n')+1 : u[1]]
		if strings.Contains(line, "observe(") || strings.Contains(line, "Histogram") {
			e.histogram = true
		}
		// A Prometheus histogram's _bucket series have "le" (VictoriaMetrics'
		// own have "vmrange", which Prometheus cannot take quantiles of).
		if strings.Contains(line, "PrometheusHistogram") && name == base+"_bucket" && !slices.Contains(e.labels, "le") {
			e.labels = append(e.labels, "le")
		}
	}
	if base != name && !e.histogram {
		return exported{}, false // _sum of something that is not a histogram
	}
	return e, true
}

// checkExpr fails when expr reads a metric the server does not export, a
// label it does not have, or a label value its source never writes.
func checkExpr(t *testing.T, where, expr string) {
	t.Helper()
	sels, grouping, err := parsePromQL(expr)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	if len(sels) == 0 {
		t.Errorf("%s: %q reads no metric", where, expr)
	}
	var allLabels []string
	for _, sel := range sels {
		var labels []string
		if own, ok := prometheusOwn[sel.metric]; ok {
			labels = own
		} else {
			e, ok := exportedMetric(t, sel.metric)
			if !ok || !strings.HasPrefix(sel.metric, "vaxbot_") {
				t.Errorf("%s: %s is not a metric the server exports (not in its source)", where, sel.metric)
				continue
			}
			labels = e.labels
			for _, m := range sel.matchers {
				if m.op != "=" && m.op != "=~" {
					continue
				}
				for _, v := range strings.Split(m.value, "|") {
					if !regexp.MustCompile(`^[a-z0-9_]+$`).MatchString(v) {
						t.Errorf("%s: %s{%s%s%q}: keep matchers to plain values and | alternatives", where, sel.metric, m.label, m.op, m.value)
					} else if !servedLiteral(t, v) {
						t.Errorf("%s: %s{%s=%q}: the server's source never writes %q", where, sel.metric, m.label, v, v)
					}
				}
			}
		}
		for _, m := range sel.matchers {
			if !slices.Contains(labels, m.label) {
				t.Errorf("%s: %s has no label %s (it has %v)", where, sel.metric, m.label, labels)
			}
		}
		allLabels = append(allLabels, labels...)
	}
	for _, l := range grouping {
		if !slices.Contains(allLabels, l) {
			t.Errorf("%s: groups by %s, which none of its metrics has", where, l)
		}
	}
}

func TestAlertsUseExportedMetrics(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		var names []string
		for _, r := range m.rules {
			for _, g := range r.Spec.Groups {
				for _, rule := range g.Rules {
					if rule.Alert == "" {
						t.Errorf("group %s: a rule that is not an alert (%q)", g.Name, rule.Expr)
						continue
					}
					names = append(names, rule.Alert)
					checkExpr(t, rule.Alert, rule.Expr)
					if s := rule.Labels["severity"]; s != "critical" && s != "warning" {
						t.Errorf("%s: severity %q, want critical or warning", rule.Alert, s)
					}
					if rule.Annotations["summary"] == "" || rule.Annotations["runbook"] == "" {
						t.Errorf("%s: want a summary and a runbook annotation", rule.Alert)
					}
					// What it means and what to do is in the README.
					if !strings.Contains(string(readme), "`"+rule.Alert+"`") {
						t.Errorf("%s: README does not say what it means and what to do (no `%s`)", rule.Alert, rule.Alert)
					}
				}
			}
		}
		if len(names) < 5 {
			t.Errorf("%d alerts: %v", len(names), names)
		}
		sorted := slices.Clone(names)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(names) {
			t.Errorf("alert names repeat: %v", names)
		}
	})
}

// exprs collects every "expr" string of a Grafana dashboard.
func exprs(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "expr" {
				*out = append(*out, s)
			} else {
				exprs(x, out)
			}
		}
	case []any:
		for _, x := range v {
			exprs(x, out)
		}
	}
}

func TestDashboardUsesExportedMetrics(t *testing.T) {
	b, err := os.ReadFile("monitoring/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash map[string]any
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	var all []string
	exprs(dash, &all)
	if len(all) < 10 {
		t.Fatalf("the dashboard has %d queries", len(all))
	}
	for i, e := range all {
		checkExpr(t, fmt.Sprintf("dashboard query %d", i+1), e)
	}
	// The ConfigMap the component builds carries this same file.
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		cm := m.configMap("vaxbot-grafana-dashboard")
		if cm == nil || cm.Data["vaxbot.json"] != string(b) {
			t.Error("the dashboard ConfigMap does not hold monitoring/grafana-dashboard.json")
		}
	})
}
