package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

// readmeVariables returns the variables of README's configuration table:
// the backquoted VAXBOT_ names in the first cell of its "| `VAXBOT_" rows.
func readmeVariables(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	name := regexp.MustCompile("`(VAXBOT_[A-Z0-9_]+)`")
	var vars []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		row := sc.Text()
		if !strings.HasPrefix(row, "| `VAXBOT_") {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(row, "|"), "|")
		for _, m := range name.FindAllStringSubmatch(first, -1) {
			vars = append(vars, m[1])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(vars) < 20 {
		t.Fatalf("found %d variables in README's configuration table: has its layout changed?", len(vars))
	}
	return vars
}

// sampleKey is a valid VAXBOT_DATA_KEY: 64 hex digits.
const sampleKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

// sampleOldKey is a second data key, for VAXBOT_DATA_KEYS_OLD.
const sampleOldKey = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

// TestConfigFromEnvReadsEveryREADMEVariable sets every variable of README's
// configuration table in the real environment, each to a sample that is
// not its default, and checks that configFromEnv(os.Getenv) puts it into
// the struct. A variable documented but not read, or read but not
// documented, fails. GOGC and GOMEMLIMIT are Go's own and not in the rows.
func TestConfigFromEnvReadsEveryREADMEVariable(t *testing.T) {
	tests := map[string]struct {
		sample string
		got    func(serveConfig) any
		want   any
	}{
		"VAXBOT_ADDR":                {"127.0.0.1:9", func(c serveConfig) any { return c.Addr }, "127.0.0.1:9"},
		"VAXBOT_ADMIN_ADDR":          {"127.0.0.1:10", func(c serveConfig) any { return c.AdminAddr }, "127.0.0.1:10"},
		"VAXBOT_LINE_CHANNEL_SECRET": {"line-secret", func(c serveConfig) any { return c.LineSecret }, "line-secret"},
		"VAXBOT_LINE_CHANNEL_TOKEN":  {"line-token", func(c serveConfig) any { return c.LineToken }, "line-token"},
		"VAXBOT_LINE_API_BASE":       {"http://line.test", func(c serveConfig) any { return c.LineAPIBase }, "http://line.test"},
		"VAXBOT_LINE_PUSH_FALLBACK":  {"true", func(c serveConfig) any { return c.LinePushFallback }, true},
		"VAXBOT_TELEGRAM_TOKEN":      {"tg-token", func(c serveConfig) any { return c.TelegramToken }, "tg-token"},
		"VAXBOT_TELEGRAM_SECRET":     {"tg-secret", func(c serveConfig) any { return c.TelegramSecret }, "tg-secret"},
		"VAXBOT_TELEGRAM_USERNAME":   {"vaxbot_tw_bot", func(c serveConfig) any { return c.TelegramUsername }, "vaxbot_tw_bot"},
		"VAXBOT_TELEGRAM_API_BASE":   {"http://tg.test", func(c serveConfig) any { return c.TelegramAPIBase }, "http://tg.test"},
		"VAXBOT_REGISTRY":            {"registry.csv", func(c serveConfig) any { return c.Registry }, "registry.csv"},
		"VAXBOT_REGISTRY_URL":        {"https://records.test:8443", func(c serveConfig) any { return c.RegistryURL }, "https://records.test:8443"},
		"VAXBOT_REGISTRY_TOKEN":      {"reg-token", func(c serveConfig) any { return c.RegistryToken }, "reg-token"},
		"VAXBOT_REGISTRY_CERT":       {"client.pem", func(c serveConfig) any { return c.RegistryCert }, "client.pem"},
		"VAXBOT_REGISTRY_KEY":        {"client-key.pem", func(c serveConfig) any { return c.RegistryKey }, "client-key.pem"},
		"VAXBOT_VOICE_AUTH_TOKEN":    {"voice-token", func(c serveConfig) any { return c.VoiceAuthToken }, "voice-token"},
		"VAXBOT_PUBLIC_URL":          {"https://vaxbot.test", func(c serveConfig) any { return c.PublicURL }, "https://vaxbot.test"},
		"VAXBOT_HOTLINES":            {"hotlines.toml", func(c serveConfig) any { return c.Hotlines }, "hotlines.toml"},
		"VAXBOT_MAX_BODY":            {"1000", func(c serveConfig) any { return c.MaxBody }, 1000},
		"VAXBOT_DATA_DIR":            {"/var/lib/vaxbot", func(c serveConfig) any { return c.DataDir }, "/var/lib/vaxbot"},
		"VAXBOT_DATABASE_URL":        {"postgres://vaxbot@db.test/tickets", func(c serveConfig) any { return c.DatabaseURL }, "postgres://vaxbot@db.test/tickets"},
		"VAXBOT_HASH_KEY":            {"a-hash-key-of-24-bytes!!", func(c serveConfig) any { return c.HashKey }, "a-hash-key-of-24-bytes!!"},
		"VAXBOT_DATA_KEY":            {sampleKey, func(c serveConfig) any { return c.DataKey }, sampleKey},
		"VAXBOT_HASH_KEYS_OLD":       {"an-old-hash-key-24-bytes, older-hash-key-24-bytes", func(c serveConfig) any { return fmt.Sprint(c.HashKeysOld) }, "[an-old-hash-key-24-bytes older-hash-key-24-bytes]"},
		"VAXBOT_DATA_KEYS_OLD":       {sampleOldKey, func(c serveConfig) any { return fmt.Sprint(c.DataKeysOld) }, "[" + sampleOldKey + "]"},
		"VAXBOT_CALLBACK_RETENTION":  {"24h", func(c serveConfig) any { return c.CallbackRetention }, 24 * time.Hour},
		"VAXBOT_TICKET_RETENTION":    {"90d", func(c serveConfig) any { return c.TicketRetention }, 90 * 24 * time.Hour},
		"VAXBOT_HANDOFF_WEBHOOK":     {"https://hook.test/tickets", func(c serveConfig) any { return c.HandoffWebhook }, "https://hook.test/tickets"},
		"VAXBOT_TELEGRAM_OPS_CHAT":   {"-100123", func(c serveConfig) any { return c.TelegramOpsChat }, "-100123"},
		"VAXBOT_OPS_TOKEN":           {"ops-token", func(c serveConfig) any { return c.OpsToken }, "ops-token"},
		"VAXBOT_REDIS_ADDR":          {"127.0.0.1:6379", func(c serveConfig) any { return c.RedisAddr }, "127.0.0.1:6379"},
		"VAXBOT_CLAIM_IDLE":          {"3s", func(c serveConfig) any { return c.ClaimIdle }, 3 * time.Second},
		"VAXBOT_WORKERS":             {"8", func(c serveConfig) any { return c.DispatcherWorkers }, 8},
		"VAXBOT_SENDING":             {"64", func(c serveConfig) any { return c.DispatcherSending }, 64},
		"VAXBOT_CHECK_RATE":          {"500", func(c serveConfig) any { return c.CheckRate }, 500},
		"VAXBOT_PPROF_ADDR":          {"127.0.0.1:6060", func(c serveConfig) any { return c.PprofAddr }, "127.0.0.1:6060"},
		"VAXBOT_LOG_LEVEL":           {"debug", func(c serveConfig) any { return c.LogLevel }, slog.LevelDebug},
		"VAXBOT_DRAIN":               {"1500ms", func(c serveConfig) any { return c.Drain }, 1500 * time.Millisecond},
		"VAXBOT_SHUTDOWN_TIMEOUT":    {"45s", func(c serveConfig) any { return c.ShutdownTimeout }, 45 * time.Second},
		"VAXBOT_REPLAY_WINDOW":       {"30m", func(c serveConfig) any { return c.ReplayWindow }, 30 * time.Minute},
	}
	documented := readmeVariables(t)
	for _, name := range documented {
		tt, ok := tests[name]
		if !ok {
			t.Errorf("%s is in README's configuration table but not here: read it in configFromEnv and add it to this test", name)
			continue
		}
		t.Setenv(name, tt.sample)
	}
	for name := range tests {
		if !slices.Contains(documented, name) {
			t.Errorf("%s is read but not in README's configuration table", name)
		}
	}
	defaults, err := configFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c, err := configFromEnv(os.Getenv)
	if err != nil {
		t.Fatalf("the samples together: %v", err)
	}
	for _, name := range documented {
		tt, ok := tests[name]
		if !ok {
			continue
		}
		if got := tt.got(c); got != tt.want {
			t.Errorf("%s=%s: got %v, want %v", name, tt.sample, got, tt.want)
		}
		if tt.got(defaults) == tt.want {
			t.Errorf("%s: the sample %q is the default, so the test cannot tell it was read", name, tt.sample)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	d, err := configFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if d.Addr != ":8080" || d.AdminAddr != "" || d.DataDir != "./data" || d.MaxBody != 1<<20 || d.CallbackRetention != 7*24*time.Hour ||
		d.Drain != 5*time.Second || d.ShutdownTimeout != 20*time.Second || d.ReplayWindow != 10*time.Minute ||
		d.LogLevel != slog.LevelInfo || d.Registry != "" || d.RegistryURL != "" || d.LinePushFallback {
		t.Errorf("defaults: %+v", d)
	}
}

// TestConfigFromEnvRefuses: a value that cannot work fails with an error
// that names the variable and does not repeat a secret.
func TestConfigFromEnvRefuses(t *testing.T) {
	record := map[string]string{"VAXBOT_REGISTRY_URL": "https://records.test", "VAXBOT_REGISTRY_TOKEN": "reg-token"}
	with := func(base map[string]string, k, v string) map[string]string {
		env := map[string]string{k: v}
		for bk, bv := range base {
			if bk != k {
				env[bk] = bv
			}
		}
		return env
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantVar string
	}{
		{"push fallback not a bool", map[string]string{"VAXBOT_LINE_PUSH_FALLBACK": "maybe"}, "VAXBOT_LINE_PUSH_FALLBACK"},
		{"negative workers", map[string]string{"VAXBOT_WORKERS": "-1"}, "VAXBOT_WORKERS"},
		{"max body not a number", map[string]string{"VAXBOT_MAX_BODY": "x"}, "VAXBOT_MAX_BODY"},
		{"retention not a duration", map[string]string{"VAXBOT_CALLBACK_RETENTION": "week"}, "VAXBOT_CALLBACK_RETENTION"},
		{"zero check rate", map[string]string{"VAXBOT_CHECK_RATE": "0"}, "VAXBOT_CHECK_RATE"},
		{"registry URL ftp", with(record, "VAXBOT_REGISTRY_URL", "ftp://x"), "VAXBOT_REGISTRY_URL"},
		{"registry URL without a scheme", with(record, "VAXBOT_REGISTRY_URL", "records.test"), "VAXBOT_REGISTRY_URL"},
		{"registry URL with a password", with(record, "VAXBOT_REGISTRY_URL", "https://u:pw-secret@records.test"), "VAXBOT_REGISTRY_URL"},
		{"registry URL without a token", with(record, "VAXBOT_REGISTRY_TOKEN", ""), "VAXBOT_REGISTRY_TOKEN"},
		{"registry token without a URL", map[string]string{"VAXBOT_REGISTRY_TOKEN": "reg-token"}, "VAXBOT_REGISTRY_TOKEN"},
		{"registry certificate without a URL", map[string]string{"VAXBOT_REGISTRY_CERT": "c.pem", "VAXBOT_REGISTRY_KEY": "k.pem"}, "VAXBOT_REGISTRY_CERT"},
		{"registry certificate without its key", with(record, "VAXBOT_REGISTRY_CERT", "c.pem"), "VAXBOT_REGISTRY_KEY"},
		{"LINE API base not a URL", map[string]string{"VAXBOT_LINE_API_BASE": "line.test"}, "VAXBOT_LINE_API_BASE"},
		{"Telegram API base not http", map[string]string{"VAXBOT_TELEGRAM_API_BASE": "ftp://tg.test"}, "VAXBOT_TELEGRAM_API_BASE"},
		{"handoff webhook not a URL", map[string]string{"VAXBOT_HANDOFF_WEBHOOK": "/hook"}, "VAXBOT_HANDOFF_WEBHOOK"},
		{"public URL not a URL", map[string]string{"VAXBOT_PUBLIC_URL": "vaxbot.test"}, "VAXBOT_PUBLIC_URL"},
		{"short hash key", map[string]string{"VAXBOT_HASH_KEY": "pw-secret"}, "VAXBOT_HASH_KEY"},
		{"bad data key", map[string]string{"VAXBOT_DATA_KEY": "pw-secret"}, "VAXBOT_DATA_KEY"},
		{"Redis without a data key", map[string]string{"VAXBOT_REDIS_ADDR": "127.0.0.1:6379"}, "VAXBOT_DATA_KEY"},
		{"admin address without a port", map[string]string{"VAXBOT_ADMIN_ADDR": "9090"}, "VAXBOT_ADMIN_ADDR"},
		{"log level unknown", map[string]string{"VAXBOT_LOG_LEVEL": "loud"}, "VAXBOT_LOG_LEVEL"},
		{"drain negative", map[string]string{"VAXBOT_DRAIN": "-1s"}, "VAXBOT_DRAIN"},
		{"drain not a duration", map[string]string{"VAXBOT_DRAIN": "5"}, "VAXBOT_DRAIN"},
		{"zero shutdown bound", map[string]string{"VAXBOT_SHUTDOWN_TIMEOUT": "0s"}, "VAXBOT_SHUTDOWN_TIMEOUT"},
		{"zero replay window", map[string]string{"VAXBOT_REPLAY_WINDOW": "0"}, "VAXBOT_REPLAY_WINDOW"},
		{"claim idle too short", map[string]string{"VAXBOT_CLAIM_IDLE": "200ms"}, "VAXBOT_CLAIM_IDLE"},
		{"claim idle not a duration", map[string]string{"VAXBOT_CLAIM_IDLE": "10"}, "VAXBOT_CLAIM_IDLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := configFromEnv(func(k string) string { return tt.env[k] })
			if err == nil {
				t.Fatalf("got no error, want one naming %s", tt.wantVar)
			}
			if !strings.Contains(err.Error(), tt.wantVar) || strings.Contains(err.Error(), "pw-secret") {
				t.Errorf("got %q, want %s named and no secret", err, tt.wantVar)
			}
		})
	}
}

// TestCheckRegistry: with any channel credential, a registry must be
// named; "demo" is a name.
func TestCheckRegistry(t *testing.T) {
	tests := []struct {
		name string
		cfg  serveConfig
		want error
	}{
		{"a laptop: no credentials", serveConfig{}, nil},
		{"LINE secret", serveConfig{LineSecret: "s"}, errNoRegistry},
		{"LINE token", serveConfig{LineToken: "t"}, errNoRegistry},
		{"Telegram token", serveConfig{TelegramToken: "t"}, errNoRegistry},
		{"Telegram secret", serveConfig{TelegramSecret: "s"}, errNoRegistry},
		{"voice", serveConfig{VoiceAuthToken: "t"}, errNoRegistry},
		{"demo named", serveConfig{LineSecret: "s", LineToken: "t", Registry: demoRegistry}, nil},
		{"CSV", serveConfig{LineSecret: "s", LineToken: "t", Registry: "r.csv"}, nil},
		{"record service", serveConfig{TelegramToken: "t", RegistryURL: "https://records.test"}, nil},
	}
	for _, tt := range tests {
		if err := tt.cfg.checkRegistry(); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	for _, want := range []string{"VAXBOT_REGISTRY ", "VAXBOT_REGISTRY_URL", "VAXBOT_REGISTRY=demo"} {
		if !strings.Contains(errNoRegistry.Error(), want) {
			t.Errorf("the refusal %q does not name %s", errNoRegistry, want)
		}
	}
}

// TestCheckAddrs: the admin listener needs an address of its own; none
// is the one listener.
func TestCheckAddrs(t *testing.T) {
	tests := []struct {
		name    string
		cfg     serveConfig
		wantErr bool
	}{
		{"one listener", serveConfig{Addr: ":8080"}, false},
		{"two listeners", serveConfig{Addr: ":8080", AdminAddr: ":9090"}, false},
		{"the same address", serveConfig{Addr: ":8080", AdminAddr: ":8080"}, true},
	}
	for _, tt := range tests {
		err := tt.cfg.checkAddrs()
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: got %v, want an error: %v", tt.name, err, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "VAXBOT_ADMIN_ADDR") {
			t.Errorf("%s: %q does not name VAXBOT_ADMIN_ADDR", tt.name, err)
		}
	}
}

func TestHostOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"127.0.0.1:6379", "127.0.0.1:6379"},
		{"redis://user:pw@cache.test:6380/2", "cache.test:6380"},
		{"rediss://cache.test", "cache.test"},
		{"https://records.test:8443/base", "records.test:8443"},
		{"pw@cache.test:6379", "cache.test:6379"},
	}
	for _, tt := range tests {
		if got := hostOf(tt.in); got != tt.want {
			t.Errorf("hostOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestOpenRegistry: "" and "demo" are the embedded demo, a file is a CSV.
func TestOpenRegistry(t *testing.T) {
	now := time.Now()
	for _, name := range []string{"", demoRegistry} {
		reg, err := openRegistry(name, nil, now)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if recs, err := reg.Lookup(context.Background(), "A123456789", "000011112222"); err != nil || len(recs) == 0 {
			t.Errorf("%q: the demo record of A123456789: %v, %v", name, recs, err)
		}
	}
	if _, err := openRegistry("no-such-file.csv", nil, now); err == nil {
		t.Error("a missing CSV file opened")
	}
}

// TestCheckRate: VAXBOT_CHECK_RATE reaches the engine: at one check a
// second (bursts of two) the third check at once is refused as busy; by
// default it is not.
func TestCheckRate(t *testing.T) {
	for _, tt := range []struct {
		rate     int
		wantBusy bool
	}{{1, true}, {0, false}} {
		engine, err := buildEngine(engineOptions{checkRate: tt.rate})
		if err != nil {
			t.Fatal(err)
		}
		conv := dialogs.NewConversation(engine, dialogs.NewMemoryStore(0))
		var last []dialogs.Reply
		for i := range 3 {
			for _, in := range []dialogs.Input{{Payload: "verify:start"}, {Text: "A123456789"}, {Payload: "verify:yes"}, {Text: "000011112222"}} {
				in.Person = fmt.Sprintf("line:U%d", i)
				if last, err = conv.Handle(context.Background(), in); err != nil {
					t.Fatal(err)
				}
			}
		}
		busy := len(last) > 0 && strings.Contains(last[0].Text, "同時檢查的人很多")
		if busy != tt.wantBusy {
			t.Errorf("rate %d: third check answered %q, want busy %v", tt.rate, last[0].Text, tt.wantBusy)
		}
	}
}

// TestTryingOutAcceptsDemo: chat and verify keep the embedded demo as their
// default and also take it by name.
func TestTryingOutAcceptsDemo(t *testing.T) {
	clearServeEnv(t)
	t.Setenv("VAXBOT_DATA_DIR", t.TempDir()) // chat keeps its tickets where serve would
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"verify, default", []string{"verify", "--json", "A123456789", "000011112222"}, `"outcome":"verified"`},
		{"verify --registry demo", []string{"verify", "--json", "--registry", "demo", "A123456789", "000011112222"}, `"outcome":"verified"`},
		{"chat --registry demo", []string{"chat", "--registry", "demo"}, "A12*****89"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "1\nA123456789\n", tt.args...)
		if code != 0 || !strings.Contains(out, tt.want) {
			t.Errorf("%s: exit %d, %q (stderr %q), want %s", tt.name, code, out, errOut, tt.want)
		}
	}
}

// TestWorkersDefault: serve handles an event a core at once but one when
// nothing the conversation waits for is across the network, and
// bot.DefaultWorkers when a back end's round trips hold a worker;
// VAXBOT_WORKERS wins either way.
func TestWorkersDefault(t *testing.T) {
	local := max(1, runtime.GOMAXPROCS(0)-1)
	tests := []struct {
		name string
		cfg  serveConfig
		want int
	}{
		{"everything in this process", serveConfig{}, local},
		{"Redis", serveConfig{RedisAddr: "127.0.0.1:6379"}, bot.DefaultWorkers},
		{"a record service", serveConfig{RegistryURL: "https://records.test"}, bot.DefaultWorkers},
		{"PostgreSQL", serveConfig{DatabaseURL: "postgres://db.test/vaxbot"}, bot.DefaultWorkers},
		{"VAXBOT_WORKERS", serveConfig{DispatcherWorkers: 3, RedisAddr: "127.0.0.1:6379"}, 3},
	}
	for _, tt := range tests {
		if got := tt.cfg.workers(); got != tt.want {
			t.Errorf("%s: %d workers, want %d", tt.name, got, tt.want)
		}
	}
}

// TestSendingDefault: replies on their way at once are bot.DefaultSending,
// or with Redis as many as the workers (what a replica's crash can leave
// unsaid); VAXBOT_SENDING wins.
func TestSendingDefault(t *testing.T) {
	tests := []struct {
		name string
		cfg  serveConfig
		want int
	}{
		{"in memory", serveConfig{}, bot.DefaultSending},
		{"a record service", serveConfig{RegistryURL: "https://records.test"}, bot.DefaultSending},
		{"Redis", serveConfig{RedisAddr: "127.0.0.1:6379"}, bot.DefaultWorkers},
		{"Redis, VAXBOT_WORKERS", serveConfig{RedisAddr: "127.0.0.1:6379", DispatcherWorkers: 2}, 2},
		{"VAXBOT_SENDING", serveConfig{RedisAddr: "127.0.0.1:6379", DispatcherSending: 7}, 7},
	}
	for _, tt := range tests {
		if got := tt.cfg.sending(); got != tt.want {
			t.Errorf("%s: %d replies on their way, want %d", tt.name, got, tt.want)
		}
	}
}
