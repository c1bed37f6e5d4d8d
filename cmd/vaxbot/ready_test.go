package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/sqlstore"
	"github.com/vaxbot/vaxbot/verify"
)

// readyState is /readyz's status and what it names as down.
func readyState(t *testing.T, base string) (int, string) {
	t.Helper()
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a struct {
		Down []string `json:"down"`
	}
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		t.Fatalf("readyz body: %v", err)
	}
	return res.StatusCode, strings.Join(a.Down, ",")
}

// waitReady polls /readyz until it names want as down ("" for ready), for
// a few of its cache periods.
func waitReady(t *testing.T, base, want string) {
	t.Helper()
	var code int
	var down string
	for deadline := time.Now().Add(6 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if code, down = readyState(t, base); down == want {
			break
		}
	}
	wantCode := http.StatusOK
	if want != "" {
		wantCode = http.StatusServiceUnavailable
	}
	if code != wantCode || down != want {
		t.Fatalf("readyz %d down %q, want %d down %q", code, down, wantCode, want)
	}
	if res, err := http.Get(base + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("healthz %v %v, want 200 whatever the back ends", res, err)
	}
}

// TestServeReadiness: with Redis and PostgreSQL behind gates, /readyz is
// 503 naming each one while it is down, and 200 again when both are back;
// /healthz stays 200.
func TestServeReadiness(t *testing.T) {
	redisAddr, dsn := os.Getenv("VAXBOT_TEST_REDIS_ADDR"), os.Getenv("VAXBOT_TEST_DATABASE_URL")
	if redisAddr == "" || dsn == "" {
		t.Skip("VAXBOT_TEST_REDIS_ADDR and VAXBOT_TEST_DATABASE_URL are not both set: the readiness of the back ends is not checked")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	redis, db := newRedisGate(t, redisAddr), newRedisGate(t, u.Host)
	u.Host = db.addr()
	ts := startServer(t, serveConfig{
		Registry: demoRegistry, RedisAddr: redis.addr(), DataKey: testDataKey, DatabaseURL: u.String(),
		MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
	})
	waitReady(t, ts.url, "")
	redis.setDown(true)
	waitReady(t, ts.url, "redis")
	db.setDown(true)
	waitReady(t, ts.url, "redis,database")
	redis.setDown(false)
	db.setDown(false)
	waitReady(t, ts.url, "")
}

// TestReadyChecks: the checks serve wires, each against a back end up and
// down: the record service's breaker open is down, closed is up.
func TestReadyChecks(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer failing.Close()
	up, err := verify.NewUpstream(verify.UpstreamConfig{BaseURL: failing.URL, Token: "reg-token", Breaker: verify.BreakerConfig{Failures: 1, Cooldown: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.OpenSQLite(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	checks := readyChecks(nil, store, up)
	probe := func(name string) error {
		t.Helper()
		for _, c := range checks {
			if c.Name == name {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				return c.Probe(ctx)
			}
		}
		t.Fatalf("no %s check among %v", name, checks)
		return nil
	}
	steps := []struct {
		name    string
		setup   func()
		check   string
		wantErr bool
	}{
		{"registry breaker closed", func() {}, "registry", false},
		{"registry breaker open", func() { up.Lookup(context.Background(), "A123456789", "") }, "registry", true},
		{"database open", func() {}, "database", false},
		{"database closed", func() { store.Close() }, "database", true},
	}
	for _, st := range steps {
		st.setup()
		if err := probe(st.check); (err != nil) != st.wantErr {
			t.Errorf("%s: got %v, want error %v", st.name, err, st.wantErr)
		}
	}
	if len(checks) != 2 {
		t.Errorf("got %d checks without Redis, want database and registry", len(checks))
	}
}
