package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/bot/redisstore"
	"github.com/vaxbot/vaxbot/bot/sqlstore"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// serveConfig is the server's configuration: every variable of README's
// configuration table, read by configFromEnv, with serve's flags on top.
type serveConfig struct {
	Addr string // VAXBOT_ADDR
	// AdminAddr is VAXBOT_ADMIN_ADDR: the admin listener's address
	// (/metrics, /ops/, the desk, pprof); "" keeps every route on Addr.
	AdminAddr        string
	LineSecret       string // VAXBOT_LINE_CHANNEL_SECRET
	LineToken        string // VAXBOT_LINE_CHANNEL_TOKEN
	LineAPIBase      string // VAXBOT_LINE_API_BASE
	LinePushFallback bool   // VAXBOT_LINE_PUSH_FALLBACK
	TelegramToken    string // VAXBOT_TELEGRAM_TOKEN
	TelegramSecret   string // VAXBOT_TELEGRAM_SECRET
	TelegramAPIBase  string // VAXBOT_TELEGRAM_API_BASE
	TelegramUsername string // VAXBOT_TELEGRAM_USERNAME
	// Registry is VAXBOT_REGISTRY: a CSV file, or demoRegistry for the
	// embedded demo records; "" names none (see checkRegistry).
	Registry string
	// RegistryURL is VAXBOT_REGISTRY_URL, the deployment's record service;
	// it takes the place of Registry.
	RegistryURL   string
	RegistryToken string // VAXBOT_REGISTRY_TOKEN
	RegistryCert  string // VAXBOT_REGISTRY_CERT, a PEM file
	RegistryKey   string // VAXBOT_REGISTRY_KEY, a PEM file
	Hotlines      string // VAXBOT_HOTLINES
	MaxBody       int    // VAXBOT_MAX_BODY
	// Drain is VAXBOT_DRAIN: after SIGTERM, how long /readyz answers 503
	// while everything is still served, for the load balancer to stop
	// sending requests here.
	Drain time.Duration
	// ShutdownTimeout is VAXBOT_SHUTDOWN_TIMEOUT: after the drain, how long
	// in-flight requests and queued events may take; what is left then is
	// counted lost, and serve exits within a second more.
	ShutdownTimeout time.Duration
	// ReplayWindow is VAXBOT_REPLAY_WINDOW: how old an event may be (by
	// the platform's timestamp) and still be taken; event ids are
	// remembered at least this long.
	ReplayWindow time.Duration
	// LogLevel is VAXBOT_LOG_LEVEL: debug, info, warn or error.
	LogLevel          slog.Level
	DispatcherWorkers int // VAXBOT_WORKERS
	DispatcherSending int // VAXBOT_SENDING
	// CheckRate is VAXBOT_CHECK_RATE, the number checks per second each
	// channel may start (dialogs.DefaultChannelRate when 0): what the
	// registry can take.
	CheckRate         int
	DataDir           string        // VAXBOT_DATA_DIR
	DatabaseURL       string        // VAXBOT_DATABASE_URL
	HashKey           string        // VAXBOT_HASH_KEY
	HashKeysOld       []string      // VAXBOT_HASH_KEYS_OLD, comma-separated
	OpsToken          string        // VAXBOT_OPS_TOKEN
	HandoffWebhook    string        // VAXBOT_HANDOFF_WEBHOOK
	TelegramOpsChat   string        // VAXBOT_TELEGRAM_OPS_CHAT
	DataKey           string        // VAXBOT_DATA_KEY
	DataKeysOld       []string      // VAXBOT_DATA_KEYS_OLD, comma-separated
	CallbackRetention time.Duration // VAXBOT_CALLBACK_RETENTION
	VoiceAuthToken    string        // VAXBOT_VOICE_AUTH_TOKEN
	PublicURL         string        // VAXBOT_PUBLIC_URL
	RedisAddr         string        // VAXBOT_REDIS_ADDR
	// TicketRetention is VAXBOT_TICKET_RETENTION: when set (90d, 2160h),
	// serve itself deletes the tickets closed longer ago, at start and
	// daily, as "vaxbot tickets purge --older-than" does; 0: off (a
	// CronJob or an operator purges).
	TicketRetention time.Duration
	// ClaimIdle is VAXBOT_CLAIM_IDLE: with Redis, how long a replica's
	// hold on its part of the intake may go unrenewed before the others
	// take over its events (a replica killed).
	ClaimIdle   time.Duration
	PprofAddr   string      // VAXBOT_PPROF_ADDR
	wrapMatcher matcherWrap // tests only: see engineOptions
	// reminderEvery and reminderNow, tests only: how often and by which
	// clock due reminders are looked for (bot.Reminders).
	reminderEvery time.Duration
	reminderNow   func() time.Time
	// redisPrefix, tests only, keeps a test's keys in Redis apart
	// ("vaxbot:" when "").
	redisPrefix string
	// backlogEvery, tests only, is how often the ticket backlog's gauges
	// are read from the store (bot.DefaultBacklogEvery when 0).
	backlogEvery time.Duration
}

// Defaults of the shutdown: a drain of 5 s, then 20 s for the work in
// flight; deploy/kubernetes.yaml's terminationGracePeriodSeconds must stay
// above their sum plus a second.
const (
	defaultDrain           = 5 * time.Second
	defaultShutdownTimeout = 20 * time.Second
)

// demoRegistry is the registry name (VAXBOT_REGISTRY, --registry) that
// selects the embedded demo records, for trying vaxbot out.
const demoRegistry = "demo"

// configFromEnv reads the VAXBOT_* variables through getenv, fills in the
// defaults and checks what can be checked without the network or files.
// Errors name the variable, never its value.
func configFromEnv(getenv func(string) string) (serveConfig, error) {
	c := serveConfig{
		Addr:              getenv("VAXBOT_ADDR"),
		AdminAddr:         getenv("VAXBOT_ADMIN_ADDR"),
		LineSecret:        getenv("VAXBOT_LINE_CHANNEL_SECRET"),
		LineToken:         getenv("VAXBOT_LINE_CHANNEL_TOKEN"),
		LineAPIBase:       getenv("VAXBOT_LINE_API_BASE"),
		TelegramToken:     getenv("VAXBOT_TELEGRAM_TOKEN"),
		TelegramSecret:    getenv("VAXBOT_TELEGRAM_SECRET"),
		TelegramAPIBase:   getenv("VAXBOT_TELEGRAM_API_BASE"),
		TelegramUsername:  getenv("VAXBOT_TELEGRAM_USERNAME"),
		Registry:          getenv("VAXBOT_REGISTRY"),
		RegistryURL:       getenv("VAXBOT_REGISTRY_URL"),
		RegistryToken:     getenv("VAXBOT_REGISTRY_TOKEN"),
		RegistryCert:      getenv("VAXBOT_REGISTRY_CERT"),
		RegistryKey:       getenv("VAXBOT_REGISTRY_KEY"),
		Hotlines:          getenv("VAXBOT_HOTLINES"),
		DataDir:           getenv("VAXBOT_DATA_DIR"),
		DatabaseURL:       getenv("VAXBOT_DATABASE_URL"),
		HashKey:           getenv("VAXBOT_HASH_KEY"),
		HashKeysOld:       tickets.SplitKeys(getenv("VAXBOT_HASH_KEYS_OLD")),
		OpsToken:          getenv("VAXBOT_OPS_TOKEN"),
		HandoffWebhook:    getenv("VAXBOT_HANDOFF_WEBHOOK"),
		TelegramOpsChat:   getenv("VAXBOT_TELEGRAM_OPS_CHAT"),
		DataKey:           getenv("VAXBOT_DATA_KEY"),
		DataKeysOld:       tickets.SplitKeys(getenv("VAXBOT_DATA_KEYS_OLD")),
		VoiceAuthToken:    getenv("VAXBOT_VOICE_AUTH_TOKEN"),
		PublicURL:         getenv("VAXBOT_PUBLIC_URL"),
		RedisAddr:         getenv("VAXBOT_REDIS_ADDR"),
		PprofAddr:         getenv("VAXBOT_PPROF_ADDR"),
		CallbackRetention: 7 * 24 * time.Hour,
		MaxBody:           bot.DefaultMaxBody,
		Drain:             defaultDrain,
		ShutdownTimeout:   defaultShutdownTimeout,
		ReplayWindow:      bot.DefaultReplayWindow,
		ClaimIdle:         redisstore.DefaultClaimIdle,
		LogLevel:          slog.LevelInfo,
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.DataDir == "" {
		c.DataDir = "./data"
	}
	if c.AdminAddr != "" {
		if _, _, err := net.SplitHostPort(c.AdminAddr); err != nil {
			return c, errors.New("VAXBOT_ADMIN_ADDR: want a listen address such as :9090")
		}
	}
	if v := getenv("VAXBOT_LINE_PUSH_FALLBACK"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, errors.New("VAXBOT_LINE_PUSH_FALLBACK: want true or false")
		}
		c.LinePushFallback = b
	}
	for _, v := range []struct {
		name, example string
		dst           *time.Duration
		zeroOK        bool
	}{
		{"VAXBOT_CALLBACK_RETENTION", "168h", &c.CallbackRetention, false},
		{"VAXBOT_DRAIN", "5s", &c.Drain, true},
		{"VAXBOT_SHUTDOWN_TIMEOUT", "20s", &c.ShutdownTimeout, false},
		{"VAXBOT_REPLAY_WINDOW", "10m", &c.ReplayWindow, false},
		{"VAXBOT_CLAIM_IDLE", "10s", &c.ClaimIdle, false},
	} {
		if s := getenv(v.name); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d < 0 || (d == 0 && !v.zeroOK) {
				return c, fmt.Errorf("%s: want a duration such as %s", v.name, v.example)
			}
			*v.dst = d
		}
	}
	if s := getenv("VAXBOT_TICKET_RETENTION"); s != "" {
		d, err := parseAge(s)
		if err != nil {
			return c, errors.New("VAXBOT_TICKET_RETENTION: want a positive age in days (90d) or a duration (2160h)")
		}
		c.TicketRetention = d
	}
	if c.ClaimIdle < time.Second {
		// Shorter, a replica slowed down for a moment (a pause of the
		// collector, a slow Redis) would see its events taken over.
		return c, errors.New("VAXBOT_CLAIM_IDLE: want a duration of 1s or more, such as 10s")
	}
	if v := getenv("VAXBOT_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, errors.New("VAXBOT_LOG_LEVEL: want debug, info, warn or error")
		}
	}
	for _, v := range []struct {
		name string
		dst  *int
	}{{"VAXBOT_WORKERS", &c.DispatcherWorkers}, {"VAXBOT_SENDING", &c.DispatcherSending}, {"VAXBOT_MAX_BODY", &c.MaxBody}, {"VAXBOT_CHECK_RATE", &c.CheckRate}} {
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return c, fmt.Errorf("%s: want a positive number", v.name)
			}
			*v.dst = n
		}
	}
	for _, v := range []struct{ name, value string }{
		{"VAXBOT_LINE_API_BASE", c.LineAPIBase}, {"VAXBOT_TELEGRAM_API_BASE", c.TelegramAPIBase},
		{"VAXBOT_HANDOFF_WEBHOOK", c.HandoffWebhook}, {"VAXBOT_PUBLIC_URL", c.PublicURL},
	} {
		if v.value != "" && !isHTTPURL(v.value) {
			return c, fmt.Errorf("%s: want an http:// or https:// URL with a host", v.name)
		}
	}
	if c.HashKey != "" {
		if _, err := c.hasher(); err != nil {
			return c, err
		}
	} else if len(c.HashKeysOld) > 0 {
		return c, errors.New("VAXBOT_HASH_KEYS_OLD needs VAXBOT_HASH_KEY: the old keys find old tickets, the current one hashes")
	}
	if c.DataKey != "" {
		if _, err := c.sealer(); err != nil {
			return c, err
		}
	} else if len(c.DataKeysOld) > 0 {
		return c, errors.New("VAXBOT_DATA_KEYS_OLD needs VAXBOT_DATA_KEY: the old keys open old numbers, the current one seals")
	} else if c.RedisAddr != "" {
		return c, errors.New("VAXBOT_REDIS_ADDR needs VAXBOT_DATA_KEY: the numbers a form holds are sealed before they reach Redis")
	}
	if err := c.checkRecordService(); err != nil {
		return c, err
	}
	return c, nil
}

// isHTTPURL reports whether s is an absolute http or https URL with a host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// checkRecordService checks the VAXBOT_REGISTRY_* variables of the record
// service: an http or https URL with a host and no credentials, its token,
// and a client certificate given whole or not at all.
func (c serveConfig) checkRecordService() error {
	if c.RegistryURL == "" {
		for _, v := range []struct{ name, value string }{
			{"VAXBOT_REGISTRY_TOKEN", c.RegistryToken}, {"VAXBOT_REGISTRY_CERT", c.RegistryCert}, {"VAXBOT_REGISTRY_KEY", c.RegistryKey},
		} {
			if v.value != "" {
				return fmt.Errorf("%s is set but VAXBOT_REGISTRY_URL is not: it belongs to the record service", v.name)
			}
		}
		return nil
	}
	// The URL is not repeated in the error: it might hold a password.
	if !isHTTPURL(c.RegistryURL) {
		return errors.New("VAXBOT_REGISTRY_URL: want the record service's http:// or https:// base URL")
	}
	if u, _ := url.Parse(c.RegistryURL); u.User != nil {
		return errors.New("VAXBOT_REGISTRY_URL: the URL must not hold credentials: set VAXBOT_REGISTRY_TOKEN")
	}
	if c.RegistryToken == "" {
		return errors.New("VAXBOT_REGISTRY_TOKEN: the record service's bearer token is required with VAXBOT_REGISTRY_URL")
	}
	if (c.RegistryCert == "") != (c.RegistryKey == "") {
		return errors.New("VAXBOT_REGISTRY_CERT and VAXBOT_REGISTRY_KEY: set both (the client certificate and its key) or neither")
	}
	return nil
}

// checkAddrs refuses an admin listener on the public listener's address:
// the admin routes would have no listener of their own. Call it once the
// flags are parsed.
func (c serveConfig) checkAddrs() error {
	if c.AdminAddr != "" && c.AdminAddr == c.Addr {
		return errors.New("VAXBOT_ADMIN_ADDR is VAXBOT_ADDR (or --addr): the admin listener needs an address of its own")
	}
	return nil
}

// The start-up line on the listeners, one or the other.
const (
	logOneListener = "one listener: /metrics and /ops/ are served with the webhooks (a laptop); " +
		"set VAXBOT_ADMIN_ADDR (e.g. :9090) to serve them, the desk and pprof on a listener of their own"
	logTwoListeners = "two listeners: the webhooks, /voice/, /healthz and /readyz on the public one; " +
		"/metrics, /ops/, the desk and pprof on the admin one"
)

// logListeners says in one line which listener serves what.
func (c serveConfig) logListeners(logger *slog.Logger) {
	if c.AdminAddr == "" {
		logger.Info(logOneListener, "addr", c.Addr)
		return
	}
	logger.Info(logTwoListeners, "addr", c.Addr, "admin_addr", c.AdminAddr)
}

// errNoRegistry is why a server with channel credentials but no registry
// refuses to start: the embedded demo answers people with made-up records.
var errNoRegistry = errors.New("no registry: a server with channel credentials must name its registry: " +
	"set VAXBOT_REGISTRY (or --registry) to the registry CSV file, or VAXBOT_REGISTRY_URL to the deployment's record service; " +
	"to try vaxbot out on the embedded made-up records, set VAXBOT_REGISTRY=demo")

// hasChannel reports whether any channel credential is set: the server is
// meant for people, not only for a laptop.
func (c serveConfig) hasChannel() bool {
	return c.LineSecret != "" || c.LineToken != "" || c.TelegramToken != "" || c.TelegramSecret != "" || c.VoiceAuthToken != ""
}

// checkRegistry refuses to serve people on the embedded demo by default:
// with any channel credential, VAXBOT_REGISTRY (a file or "demo") or
// VAXBOT_REGISTRY_URL must be set. Call it once the flags are parsed.
func (c serveConfig) checkRegistry() error {
	if c.Registry == "" && c.RegistryURL == "" && c.hasChannel() {
		return errNoRegistry
	}
	return nil
}

// logRegistry says in one line which registry answers the number checks,
// with the record service's host only.
func (c serveConfig) logRegistry(logger *slog.Logger) {
	switch {
	case c.RegistryURL != "":
		if c.Registry != "" {
			logger.Warn("VAXBOT_REGISTRY (or --registry) is ignored: VAXBOT_REGISTRY_URL takes its place")
		}
		logger.Info("registry", "backend", "record service", "host", hostOf(c.RegistryURL))
	case c.Registry == "" || c.Registry == demoRegistry:
		logger.Info("registry", "backend", "demo",
			"note", "the embedded made-up records, for trying out: a deployment sets VAXBOT_REGISTRY or VAXBOT_REGISTRY_URL")
	default:
		logger.Info("registry", "backend", "csv", "file", c.Registry)
	}
}

// logSessions says in one line where sessions live, with Redis's host only.
func (c serveConfig) logSessions(logger *slog.Logger) {
	if c.RedisAddr == "" {
		logger.Info("session store", "backend", "memory", "note", "one replica: set VAXBOT_REDIS_ADDR to share sessions")
		return
	}
	logger.Info("session store", "backend", "redis", "host", hostOf(c.RedisAddr),
		"shares", "sessions, locks, limits, the check rate, event ids, the event intake (a stream)")
}

// hostOf is the host (and port) of a URL, without user, password, path or
// query; an address without a scheme ("host:port") is its own host.
func hostOf(addr string) string {
	if !strings.Contains(addr, "://") {
		// No password, even a misplaced one.
		return addr[strings.LastIndex(addr, "@")+1:]
	}
	u, err := url.Parse(addr)
	if err != nil {
		return "(unparsable)"
	}
	return u.Host
}

// logTickets says in one line where the tickets are: the SQLite file, or the
// PostgreSQL server's host only.
func logTickets(logger *slog.Logger, store *sqlstore.Store) {
	if store.Postgres() {
		logger.Info("ticket store", "backend", "postgresql", "host", store.Location())
		return
	}
	logger.Info("ticket store", "backend", "sqlite", "path", store.Location())
}

// hasher builds the ID hasher of VAXBOT_HASH_KEY (which hashes) and
// VAXBOT_HASH_KEYS_OLD (which still find the tickets they hashed); nil
// when VAXBOT_HASH_KEY is unset.
func (c serveConfig) hasher() (*tickets.Hasher, error) {
	if c.HashKey == "" {
		return nil, nil
	}
	old := make([][]byte, len(c.HashKeysOld))
	for i, k := range c.HashKeysOld {
		old[i] = []byte(k)
	}
	h, err := tickets.NewHasher([]byte(c.HashKey), old...)
	if err != nil {
		return nil, fmt.Errorf("VAXBOT_HASH_KEY or VAXBOT_HASH_KEYS_OLD: %w", err)
	}
	return h, nil
}

// sealer builds the call-back sealer of VAXBOT_DATA_KEY (which seals) and
// VAXBOT_DATA_KEYS_OLD (which still open what they sealed); nil when
// VAXBOT_DATA_KEY is unset.
func (c serveConfig) sealer() (*tickets.Sealer, error) {
	if c.DataKey == "" {
		return nil, nil
	}
	key, err := tickets.ParseKey(c.DataKey)
	if err != nil {
		return nil, fmt.Errorf("VAXBOT_DATA_KEY: %w", err)
	}
	old := make([][]byte, len(c.DataKeysOld))
	for i, k := range c.DataKeysOld {
		if old[i], err = tickets.ParseKey(k); err != nil {
			return nil, fmt.Errorf("VAXBOT_DATA_KEYS_OLD, key %d: %w", i+1, err)
		}
	}
	s, err := tickets.NewSealer(key, old...)
	if err != nil {
		return nil, fmt.Errorf("VAXBOT_DATA_KEY or VAXBOT_DATA_KEYS_OLD: %w", err)
	}
	return s, nil
}

// localWorkers is how many events serve handles at once when nothing the
// conversation waits for is across the network: one a core but one, at
// least one. The conversation is CPU work; a worker per core would leave
// the webhooks' acknowledgements queued behind workers that keep every
// core (Go's scheduler lets one run 10 ms before another takes its turn):
// at half the peak, with the questions of the evaluation sets, the ack
// p99 was 23-28 ms with 4 workers a core, 15 ms with 2 and 5-12 ms with 1
// on 2 cores, at the same peak (README, "Issue 17, third pass").
func localWorkers() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// workers is how many events serve handles at once: VAXBOT_WORKERS, or by
// default localWorkers when every back end the conversation waits
// for is in this process (sessions in memory, the demo registry, the
// embedded ticket file), and bot.DefaultWorkers when one is across the
// network (Redis, a record service, PostgreSQL), since a worker waits for
// it. Replies are delivered apart from the workers either way.
func (c serveConfig) workers() int {
	switch {
	case c.DispatcherWorkers > 0:
		return c.DispatcherWorkers
	case c.RedisAddr != "" || c.RegistryURL != "" || c.DatabaseURL != "":
		return bot.DefaultWorkers
	}
	return localWorkers()
}

// sending is how many replies serve has on their way at once:
// VAXBOT_SENDING, or by default bot.DefaultSending; with Redis, as many as
// the workers. A replica that dies while it sends leaves those events to
// another, which handles them again but does not send what may have
// arrived (the "being sent" mark): the fewer on their way at once, the
// fewer replies such a crash can silence, as many as before replies left
// the workers.
func (c serveConfig) sending() int {
	switch {
	case c.DispatcherSending > 0:
		return c.DispatcherSending
	case c.RedisAddr != "":
		return c.workers()
	}
	return bot.DefaultSending
}
