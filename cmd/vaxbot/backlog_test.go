package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/desk/staff"
	"github.com/vaxbot/vaxbot/bot/sqlstore"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// storeConfig is the serve configuration of the store ticketBackends
// gave (through the environment it set).
func storeConfig() serveConfig {
	return serveConfig{DataDir: os.Getenv("VAXBOT_DATA_DIR"), DatabaseURL: os.Getenv("VAXBOT_DATABASE_URL")}
}

// seedTickets creates tickets and an operator (lin, password
// deskPassword) in store.
func seedTickets(t *testing.T, store *sqlstore.Store, ts ...*tickets.Ticket) {
	t.Helper()
	ctx := context.Background()
	for _, tk := range ts {
		closed := tk.Status == tickets.StatusClosed
		tk.Status = tickets.StatusOpen
		tk.Channel, tk.Lang, tk.Reason, tk.UpdatedAt = "line", "en", "mismatch_twice", tk.CreatedAt
		if err := store.Create(ctx, tk); err != nil {
			t.Fatal(err)
		}
		if closed {
			if _, err := store.Finish(ctx, tk.Ref, tk.ClosedAt); err != nil {
				t.Fatal(err)
			}
		}
	}
	hash, err := staff.HashPassword(deskPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.AddOperator(ctx, staff.Operator{Name: "lin", Role: staff.RoleOperator, PasswordHash: hash, Lang: "en", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

const deskPassword = "correct horse battery staple 42"

// scrapeUntil reads /metrics at base until every series is there with its
// value, or fails after 10 s.
func scrapeUntil(t *testing.T, base string, series ...string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var missing []string
		for _, s := range series {
			if !strings.Contains(string(b), s+"\n") {
				missing = append(missing, s)
			}
		}
		if len(missing) == 0 {
			return string(b)
		}
		if time.Now().After(deadline) {
			var have []string
			for _, l := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(l, "vaxbot_ticket") {
					have = append(have, l)
				}
			}
			t.Fatalf("missing %v; have:\n%s", missing, strings.Join(have, "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// metricValue is the value of one series in a scrape.
func metricValue(t *testing.T, out, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s", series)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// deskClient signs in to the desk as lin over plain HTTP: cookies kept by
// hand (they are Secure), the page's CSRF token sent with each form.
type deskClient struct {
	t       *testing.T
	base    string
	cookies map[string]string
	csrf    string
}

var deskCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *deskClient) do(method, path string, form url.Values) (int, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", c.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		c.cookies[ck.Name] = ck.Value
	}
	if m := deskCSRF.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return res.StatusCode, string(b)
}

func deskLogin(t *testing.T, base string) *deskClient { return deskLoginAs(t, base, "lin") }

// deskLoginAs signs in to the desk at base as name (password deskPassword).
func deskLoginAs(t *testing.T, base, name string) *deskClient {
	t.Helper()
	c := &deskClient{t: t, base: base, cookies: map[string]string{}}
	c.do("GET", "/desk/login", nil)
	if code, body := c.do("POST", "/desk/login", url.Values{"name": {name}, "password": {deskPassword}}); code != http.StatusSeeOther {
		t.Fatalf("desk login: %d %s", code, body)
	}
	c.do("GET", "/desk/", nil)
	return c
}

// TestServeTicketBacklogAndClaimTime: serve exports the open tickets by
// line and the age of the oldest, read from its ticket database; a claim
// by the operators' API and one at the desk are timed from the ticket's
// creation; the gauges follow the claims. On SQLite and PostgreSQL.
func TestServeTicketBacklogAndClaimTime(t *testing.T) {
	ticketBackends(t, func(t *testing.T, store *sqlstore.Store) {
		cfg := storeConfig()
		now := time.Now()
		seedTickets(t, store,
			&tickets.Ticket{Ref: "KKK-001", Line: "1922", CreatedAt: now.Add(-20 * time.Minute)},
			&tickets.Ticket{Ref: "KKK-002", Line: "1922", CreatedAt: now.Add(-5 * time.Minute)},
			&tickets.Ticket{Ref: "KKK-003", Line: "nhia", CreatedAt: now.Add(-time.Minute)},
		)
		cfg.OpsToken = "ops-secret"
		cfg.HashKey = "hash-key-for-tests-0123456789"
		cfg.backlogEvery = 50 * time.Millisecond
		ts, admin := startTwoListeners(t, cfg)
		defer stopServer(t, ts) // before the schema is dropped

		out := scrapeUntil(t, admin, `vaxbot_tickets_open{line="1922"} 2`, `vaxbot_tickets_open{line="nhia"} 1`)
		if age := metricValue(t, out, `vaxbot_tickets_open_oldest_seconds{line="1922"}`); age < 20*60 || age > 21*60 {
			t.Errorf("oldest open ticket of 1922: %v s, want 20 min", age)
		}
		// The operators' API claims the 20-minute-old ticket…
		if code, body := opsDo(t, "POST", admin+"/ops/tickets/KKK-001/claim", "ops-secret", `{"by":"lin"}`); code != http.StatusOK {
			t.Fatalf("ops claim: %d %s", code, body)
		}
		// …and the desk the 5-minute-old one.
		desk := deskLogin(t, admin)
		if code, body := desk.do("POST", "/desk/t/KKK-002/claim", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("desk claim: %d %s", code, body)
		}
		// A refused claim is not timed.
		if code, _ := opsDo(t, "POST", admin+"/ops/tickets/KKK-002/claim", "ops-secret", `{"by":"wu"}`); code != http.StatusConflict {
			t.Errorf("second claim: %d, want 409", code)
		}
		out = scrapeUntil(t, admin,
			`vaxbot_ticket_claim_seconds_count{line="1922"} 2`,
			`vaxbot_ticket_claim_seconds_bucket{line="1922",le="300"} 0`,
			`vaxbot_ticket_claim_seconds_bucket{line="1922",le="600"} 1`,
			`vaxbot_ticket_claim_seconds_bucket{line="1922",le="900"} 1`,
			`vaxbot_ticket_claim_seconds_bucket{line="1922",le="1800"} 2`,
			// The gauges follow within a refresh.
			`vaxbot_tickets_open{line="1922"} 0`,
			`vaxbot_tickets_open_oldest_seconds{line="1922"} 0`,
			`vaxbot_tickets_open{line="nhia"} 1`,
		)
		if s := metricValue(t, out, `vaxbot_ticket_claim_seconds_sum{line="1922"}`); s < 25*60 || s > 26*60 {
			t.Errorf("claim seconds sum %v, want 25 min", s)
		}
		// Labels are lines only: no reference, operator or person.
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "vaxbot_ticket") && (strings.Contains(l, "KKK") || strings.Contains(l, `"lin"`)) {
				t.Errorf("a ticket series names a ticket or an operator: %s", l)
			}
		}
	})
}

// TestServeTicketRetention: with VAXBOT_TICKET_RETENTION serve deletes the
// tickets closed longer ago at start; those closed since, and open ones
// however old, stay.
func TestServeTicketRetention(t *testing.T) {
	ticketBackends(t, func(t *testing.T, store *sqlstore.Store) {
		cfg := storeConfig()
		now := time.Now()
		seedTickets(t, store,
			&tickets.Ticket{Ref: "RRR-001", Line: "1922", CreatedAt: now.AddDate(0, 0, -120), Status: tickets.StatusClosed, ClosedAt: now.AddDate(0, 0, -100)},
			&tickets.Ticket{Ref: "RRR-002", Line: "1922", CreatedAt: now.AddDate(0, 0, -120), Status: tickets.StatusClosed, ClosedAt: now.AddDate(0, 0, -10)},
			&tickets.Ticket{Ref: "RRR-003", Line: "1922", CreatedAt: now.AddDate(0, 0, -200)},
		)
		cfg.OpsToken = "ops-secret"
		cfg.HashKey = "hash-key-for-tests-0123456789"
		env := map[string]string{"VAXBOT_TICKET_RETENTION": "90d"}
		parsed, err := configFromEnv(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		cfg.TicketRetention = parsed.TicketRetention
		ts := startServer(t, cfg)
		defer stopServer(t, ts)
		deadline := time.Now().Add(10 * time.Second)
		for {
			code, _ := opsDo(t, "GET", ts.url+"/ops/tickets/RRR-001", "ops-secret", "")
			if code == http.StatusNotFound {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the ticket closed 100 days ago is still there (%d)", code)
			}
			time.Sleep(20 * time.Millisecond)
		}
		for _, ref := range []string{"RRR-002", "RRR-003"} {
			if code, body := opsDo(t, "GET", ts.url+"/ops/tickets/"+ref, "ops-secret", ""); code != http.StatusOK {
				t.Errorf("%s: %d %s", ref, code, body)
			}
		}
	})
}

// TestTicketRetentionSetting: VAXBOT_TICKET_RETENTION takes days or a
// duration; off when unset; anything else is refused, naming the variable.
func TestTicketRetentionSetting(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  time.Duration
		ok    bool
	}{{"", 0, true}, {"90d", 90 * 24 * time.Hour, true}, {"2160h", 2160 * time.Hour, true}, {"0d", 0, false}, {"-1h", 0, false}, {"quarter", 0, false}} {
		c, err := configFromEnv(func(k string) string {
			if k == "VAXBOT_TICKET_RETENTION" {
				return tc.value
			}
			return ""
		})
		if tc.ok && (err != nil || c.TicketRetention != tc.want) {
			t.Errorf("%q: %v %v, want %v", tc.value, c.TicketRetention, err, tc.want)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "VAXBOT_TICKET_RETENTION")) {
			t.Errorf("%q: error %v, want one naming the variable", tc.value, err)
		}
	}
}
