package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // on http.DefaultServeMux, served only when VAXBOT_PPROF_ADDR is set
	"os"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/bot/desk"
	"github.com/vaxbot/vaxbot/bot/line"
	"github.com/vaxbot/vaxbot/bot/redisstore"
	"github.com/vaxbot/vaxbot/bot/sqlstore"
	"github.com/vaxbot/vaxbot/bot/telegram"
	"github.com/vaxbot/vaxbot/bot/voice"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/verify"
)

func runServe(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) int {
	level := new(slog.LevelVar)
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		logger.Error("bad configuration", "err", err)
		return 2
	}
	level.Set(cfg.LogLevel)
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (VAXBOT_ADDR)")
	fs.StringVar(&cfg.Registry, "registry", cfg.Registry, `registry CSV file, or "demo" for the embedded made-up records (VAXBOT_REGISTRY)`)
	fs.StringVar(&cfg.Hotlines, "hotlines", cfg.Hotlines, "hotline directory file (VAXBOT_HOTLINES; default: the shipped one)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	for _, check := range []func() error{cfg.checkRegistry, cfg.checkAddrs} {
		if err := check(); err != nil {
			logger.Error("bad configuration", "err", err)
			return 2
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		logger.Error("listen", "addr", cfg.Addr, "err", err)
		return 1
	}
	var adminLn net.Listener
	if cfg.AdminAddr != "" {
		if adminLn, err = net.Listen("tcp", cfg.AdminAddr); err != nil {
			ln.Close()
			logger.Error("listen", "admin_addr", cfg.AdminAddr, "err", err)
			return 1
		}
	}
	app, err := newApp(ctx, cfg, logger)
	if err != nil {
		ln.Close()
		if adminLn != nil {
			adminLn.Close()
		}
		logger.Error("start", "err", err)
		return 1
	}
	if addr := cfg.PprofAddr; addr != "" {
		// Profiling for operators, on an address of their choosing
		// (keep it on loopback): the admin listener serves it too, at
		// /debug/pprof/. Listening before the server says it serves, so
		// that whoever waits for that (vaxbot load --memory) finds it.
		pprofLn, err := net.Listen("tcp", addr)
		if err != nil {
			logger.Warn("pprof", "addr", addr, "err", err)
		} else {
			go func() {
				logger.Info("pprof", "addr", addr, "err", http.Serve(pprofLn, nil))
			}()
		}
	}
	if raiseGCTarget() {
		logger.Info("garbage collector: GOGC=400 while the live heap is small, then the heap grows 64 MiB between collections, down to GOGC=100 for a large heap; set GOGC (and GOMEMLIMIT) to change it",
			"GOGC_max", gcPercentMax, "GOGC_min", gcPercentMin, "headroom_MiB", gcHeadroom>>20)
	}
	serving := []any{"addr", ln.Addr().String()}
	if adminLn != nil {
		serving = append(serving, "admin_addr", adminLn.Addr().String())
	}
	logger.Info("serving", serving...)
	if err := app.runListeners(ctx, ln, adminLn); err != nil {
		logger.Error("stopped", "err", err)
		return 1
	}
	logger.Info("stopped cleanly")
	return 0
}

// sharedChecks limits number checks per channel across replicas: a
// two-second window in Redis holding two seconds' worth of VAXBOT_CHECK_RATE.
// When Redis cannot answer it lets the check through: the registry's own
// timeouts and breaker still protect it.
type sharedChecks struct {
	w interface {
		Allow(ctx context.Context, key string) (bool, error)
	}
	logger *slog.Logger
}

// Allow implements the engine's per-channel limit, within a second of ctx.
func (s sharedChecks) Allow(ctx context.Context, channel string) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	ok, err := s.w.Allow(ctx, channel)
	if err != nil {
		s.logger.Warn("check rate: Redis did not answer; the check goes ahead", "err", err)
		return true
	}
	return ok
}

// app is the running server with what it needs to stop.
type app struct {
	server   *bot.Server
	metrics  *bot.Metrics
	store    *sqlstore.Store
	notifier *bot.Notifier
	votes    *bot.Votes
	// reminders sends due reminders while the server runs.
	reminders *bot.Reminders
	shared    *redisstore.Client // nil without Redis
	cfg       serveConfig
	logger    *slog.Logger
}

// newApp wires the engine, the channels that have credentials, the
// dispatcher and the server. A channel without credentials is disabled,
// said in one line.
func newApp(ctx context.Context, cfg serveConfig, logger *slog.Logger) (a *app, err error) {
	metrics := bot.NewMetrics()
	hasher, err := serveHasher(cfg, logger)
	if err != nil {
		return nil, err
	}
	if err := cfg.checkRegistry(); err != nil {
		return nil, err
	}
	upstream, err := upstreamFrom(cfg)
	if err != nil {
		return nil, err
	}
	cfg.logRegistry(logger)
	if upstream != nil {
		metrics.Gauge("vaxbot_registry_breaker_open", func() float64 {
			if upstream.BreakerState() == "closed" {
				return 0
			}
			return 1
		})
	}
	opts := engineOptions{registry: cfg.Registry, upstream: upstream, hotlines: cfg.Hotlines, logger: logger, observe: metrics.Observe, hasher: hasher, checkRate: cfg.CheckRate, wrapMatcher: cfg.wrapMatcher}
	pictures, picture, err := cardPictures(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	opts.picture = picture
	// Votes on answers are counted at once and stored once the ticket
	// database is open (before any event arrives).
	var votes *bot.Votes
	opts.feedback = true
	opts.reminders = true
	opts.observe = func(kind, value string) {
		metrics.Observe(kind, value)
		votes.Observe(kind, value)
	}
	var shared *redisstore.Client
	if cfg.RedisAddr != "" {
		redisstore.LogTo(logger)
		if shared, err = redisstore.Open(ctx, cfg.RedisAddr, cfg.redisPrefix); err != nil {
			return nil, err
		}
		opts.limiter = shared.Window("lookup", dialogs.DefaultLookupLimit, dialogs.DefaultLookupWindow)
		opts.failures = shared.Window("idfail", dialogs.DefaultMaxFailures, 24*time.Hour)
		rate := cfg.CheckRate
		if rate <= 0 {
			rate = dialogs.DefaultChannelRate
		}
		opts.checks = sharedChecks{w: shared.Window("checks", 2*rate, 2*time.Second), logger: logger}
	}
	cfg.logSessions(logger)
	cfg.logListeners(logger)
	defer func() {
		if err != nil && shared != nil {
			shared.Close()
		}
	}()
	engine, err := buildEngine(opts)
	if err != nil {
		return nil, err
	}
	store, err := openTickets(ctx, cfg)
	if err != nil {
		return nil, err
	}
	logTickets(logger, store)
	votes = bot.NewVotes(store, metrics, logger)
	defer func() {
		if err != nil {
			store.Close()
		}
	}()
	sealer, err := cfg.sealer()
	if err != nil {
		return nil, err
	}
	if sealer != nil {
		// Key ids only: a fingerprint, never the key.
		logger.Info("call-back numbers sealed with data key "+sealer.KeyID(), "old_keys_open", sealer.KeyIDs()[1:])
	} else {
		logger.Info("call-backs off: set VAXBOT_DATA_KEY (64 hex digits) to let people leave a phone number")
	}
	var sessions dialogs.Store = dialogs.NewMemoryStore(0)
	if shared != nil {
		if sessions, err = shared.Sessions(0, sealer); err != nil {
			return nil, fmt.Errorf("VAXBOT_REDIS_ADDR needs VAXBOT_DATA_KEY: %w", err)
		}
	}
	// With Redis the sessions are a dialogs.LockingStore: the person's lock
	// is taken as the session is read, and let go as it is saved, one round
	// trip each, so no separate Locker.
	conv := dialogs.NewConversation(engine, sessions)
	conv.Sealer = sealer
	var channels []bot.Channel
	if cfg.LineSecret != "" && cfg.LineToken != "" {
		// A person who chooses a language gets that language's rich
		// menu, once vaxbot line richmenu has set them up.
		menus, err := line.NewRichMenus(cfg.LineToken, cfg.LineAPIBase, "")
		if err != nil {
			return nil, err
		}
		ch, err := line.New(line.Config{
			Secret: cfg.LineSecret, Token: cfg.LineToken, APIBase: cfg.LineAPIBase,
			PushFallback: cfg.LinePushFallback, Metrics: metrics, Logger: logger, RichMenus: menus,
		})
		if err != nil {
			return nil, err
		}
		channels = append(channels, ch)
	} else {
		logger.Info("LINE disabled: set VAXBOT_LINE_CHANNEL_SECRET and VAXBOT_LINE_CHANNEL_TOKEN to enable it")
	}
	tg, err := telegramChannel(cfg, metrics, logger)
	if err != nil {
		return nil, err
	}
	if tg != nil {
		channels = append(channels, tg)
	} else {
		logger.Info("Telegram disabled: set VAXBOT_TELEGRAM_TOKEN and VAXBOT_TELEGRAM_SECRET to enable it")
	}
	// Event ids are remembered at least as long as an event is young
	// enough to be taken: a replay inside the window is a duplicate.
	dedupeFor := max(bot.DefaultReplayWindow, cfg.ReplayWindow)
	// Reminders after card_too_new live in the ticket database and are
	// sent by whichever replica finds them due first.
	pushers := map[string]bot.Pusher{}
	for _, ch := range channels {
		if p, ok := ch.(bot.Pusher); ok {
			pushers[ch.Name()] = p
		}
	}
	reminders := &bot.Reminders{Store: store, Engine: engine, Pushers: pushers, Metrics: metrics, Logger: logger,
		Every: cfg.reminderEvery, Now: cfg.reminderNow}
	dcfg := bot.DispatcherConfig{Handler: reminders.Handler(conv), Metrics: metrics, Logger: logger,
		Workers: cfg.workers(), Sending: cfg.sending(), DedupeFor: dedupeFor}
	logger.Info("dispatcher: events handled at once (VAXBOT_WORKERS), replies on their way at once (VAXBOT_SENDING), events waiting at most",
		"workers", dcfg.Workers, "sending", dcfg.Sending, "queue", bot.DefaultQueue)
	if shared != nil {
		dcfg.Dedupe = shared.Dedupe(dedupeFor)
		// Events wait in a Redis Stream, not in this process: one
		// acknowledged to the platform survives a replica killed.
		if dcfg.Stream, err = shared.Stream(redisstore.StreamConfig{Sealer: sealer, ClaimIdle: cfg.ClaimIdle, Logger: logger}); err != nil {
			return nil, err
		}
		dcfg.Channels = channels
	}
	disp := bot.NewDispatcher(dcfg)
	// The desk's live queue wakes on each new ticket of this replica (and
	// polls the store for the others').
	hub := desk.NewHub()
	notifier := bot.NewNotifier(bot.NotifierConfig{
		Webhook: cfg.HandoffWebhook, Telegram: opsChat(tg, cfg.TelegramOpsChat, logger), Logger: logger, Metrics: metrics,
		OnTicket: func(bot.Notice) { hub.Publish() },
	})
	dataKeyID := ""
	if sealer != nil {
		dataKeyID = sealer.KeyID()
	}
	// Tickets record which keys hashed and sealed them, for rotations.
	conv.Tickets = bot.NotifyingStore{Store: tickets.StampKeys(store, hasher.KeyID(), dataKeyID), Notifier: notifier}
	// Claims by the operators' API and the desk are timed.
	claims := bot.ClaimTimingStore{Store: store, Metrics: metrics}
	var ops *bot.Ops
	if cfg.OpsToken != "" {
		ops = &bot.Ops{Token: cfg.OpsToken, Tickets: claims, Hasher: hasher, Sealer: sealer, Logger: logger}
	} else {
		logger.Info("operator API off: set VAXBOT_OPS_TOKEN to enable /ops/")
	}
	var phone bot.Voice
	if cfg.VoiceAuthToken != "" && cfg.PublicURL != "" {
		v, err := voice.New(voice.Config{AuthToken: cfg.VoiceAuthToken, PublicURL: cfg.PublicURL, Handler: conv, Logger: logger})
		if err != nil {
			return nil, err
		}
		phone = v
	} else {
		logger.Info("voice line disabled: set VAXBOT_VOICE_AUTH_TOKEN and VAXBOT_PUBLIC_URL to enable /voice/")
	}
	dsk, err := newDesk(cfg, store, claims, hasher, sealer, engine, hub, logger)
	if err != nil {
		return nil, err
	}
	srv := bot.NewServer(bot.ServerConfig{
		Channels: channels, Dispatcher: disp, Ops: ops, Voice: phone,
		Metrics: metrics, Logger: logger, MaxBody: cfg.MaxBody,
		ReplayWindow: cfg.ReplayWindow, Checks: readyChecks(shared, store, upstream),
		// The operators' desk: an admin route, served with /ops/.
		Desk:       dsk.Handle,
		AdminApart: cfg.AdminAddr != "",
		Pictures:   pictures,
	})
	return &app{server: srv, metrics: metrics, store: store, notifier: notifier, votes: votes, reminders: reminders, shared: shared, cfg: cfg, logger: logger}, nil
}

// readyChecks are what /readyz asks, each bounded by the server's
// ReadyTimeout and cached for its ReadyCache: Redis (a read of one key),
// the ticket database (an indexed query that finds nothing), and the
// record service's circuit breaker (open: down), each when configured.
func readyChecks(shared *redisstore.Client, store *sqlstore.Store, upstream *verify.Upstream) []bot.Check {
	var checks []bot.Check
	if shared != nil {
		probe := shared.Window("ready", 1, time.Minute)
		checks = append(checks, bot.Check{Name: "redis", Probe: func(ctx context.Context) error {
			_, err := probe.Count(ctx, "probe")
			return err
		}})
	}
	checks = append(checks, bot.Check{Name: "database", Probe: func(ctx context.Context) error {
		_, err := store.List(ctx, tickets.Filter{IDHash: "readiness-probe", Limit: 1})
		return err
	}})
	if upstream != nil {
		checks = append(checks, bot.Check{Name: "registry", Probe: func(context.Context) error {
			if upstream.BreakerState() == verify.BreakerOpen {
				return errors.New("record service: circuit breaker open")
			}
			return nil
		}})
	}
	return checks
}

// purgeCallbacks erases call-back numbers past their retention, at start
// and then every hour.
func (a *app) purgeCallbacks(ctx context.Context) {
	for {
		n, err := a.store.PurgeCallbacks(ctx, time.Now().Add(-a.cfg.CallbackRetention))
		if err != nil && ctx.Err() == nil {
			a.logger.Warn("call-back purge failed", "err", err)
		} else if n > 0 {
			a.logger.Info("call-back numbers erased after retention", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// opsChat returns the sender of ticket notices to the operators' Telegram
// chat, or nil when there is none.
func opsChat(ch bot.Channel, chat string, logger *slog.Logger) func(context.Context, string) error {
	tg, ok := ch.(*telegram.Channel)
	if chat == "" {
		return nil
	}
	if !ok {
		logger.Warn("VAXBOT_TELEGRAM_OPS_CHAT is set but Telegram is disabled: no ticket notices there")
		return nil
	}
	return func(ctx context.Context, text string) error { return tg.SendText(ctx, chat, text) }
}

// openTickets opens the ticket store: PostgreSQL when VAXBOT_DATABASE_URL is
// set, else SQLite in the data directory.
func openTickets(ctx context.Context, cfg serveConfig) (*sqlstore.Store, error) {
	if cfg.DatabaseURL != "" {
		return sqlstore.OpenPostgres(ctx, cfg.DatabaseURL)
	}
	return sqlstore.OpenSQLite(ctx, cfg.DataDir)
}

// hasherFrom builds the ID hasher from VAXBOT_HASH_KEY alone (chat); without
// one, a random key serves this process only, and start-up says so.
func hasherFrom(key string, logger *slog.Logger) (*tickets.Hasher, error) {
	return serveHasher(serveConfig{HashKey: key}, logger)
}

// serveHasher builds the ID hasher from VAXBOT_HASH_KEY and
// VAXBOT_HASH_KEYS_OLD; without a key, a random key serves this process
// only, and start-up says so.
func serveHasher(cfg serveConfig, logger *slog.Logger) (*tickets.Hasher, error) {
	if cfg.HashKey == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("hash key: %w", err)
		}
		logger.Warn("VAXBOT_HASH_KEY is not set: using a random key, so ID hashes in tickets will not match after a restart")
		return tickets.NewHasher(b)
	}
	h, err := cfg.hasher()
	if err != nil {
		return nil, err
	}
	logger.Info("ID numbers hashed with hash key "+h.KeyID(), "old_keys_find", h.KeyIDs()[1:])
	return h, nil
}

// run serves every route on ln (the one listener) until ctx ends: see
// runListeners.
func (a *app) run(ctx context.Context, ln net.Listener) error {
	return a.runListeners(ctx, ln, nil)
}

// runListeners serves the public routes on public and the admin routes on
// admin (with VAXBOT_ADMIN_ADDR; without it admin is nil and public serves
// every route) until ctx ends, then shuts both down together: for the
// drain period /readyz answers 503 while everything is still served; then
// no new requests on either listener, and in-flight requests, queued
// events and notifications get the shutdown bound. What the bound leaves
// undone is counted lost and logged, and runListeners returns within a
// second more, without an error: the stop is clean even when a platform's
// API hangs. A listener that fails before ctx ends stops the other one
// the same way, without the drain, and its error is returned.
func (a *app) runListeners(ctx context.Context, public, admin net.Listener) error {
	if (admin != nil) != (a.cfg.AdminAddr != "") {
		return errors.New("serve: the admin listener is given without VAXBOT_ADMIN_ADDR, or missing with it")
	}
	listeners := []net.Listener{public}
	errc := make(chan error, 2)
	go func() { errc <- a.server.Serve(public) }()
	if admin != nil {
		listeners = append(listeners, admin)
		go func() { errc <- a.server.ServeAdmin(admin) }()
	}
	purgeCtx, stopPurge := context.WithCancel(ctx)
	defer stopPurge()
	go a.purgeCallbacks(purgeCtx)
	go a.purgeTickets(purgeCtx)
	go a.watchBacklog(purgeCtx)
	go a.reminders.Run(purgeCtx)
	pending := len(listeners)
	var serr error
	stopped := func(err error) {
		pending--
		if err != nil && !errors.Is(err, net.ErrClosed) {
			serr = errors.Join(serr, fmt.Errorf("serve: %w", err))
		}
	}
	bound := a.cfg.ShutdownTimeout
	if bound <= 0 {
		bound = defaultShutdownTimeout
	}
	select {
	case err := <-errc:
		stopped(err)
		a.logger.Warn("shutting down: a listener stopped (its error is returned)")
	case <-ctx.Done():
		a.logger.Info("shutting down: draining", "drain", a.cfg.Drain.String(), "bound", bound.String())
		a.server.Drain()
		if a.cfg.Drain > 0 {
			drain := time.NewTimer(a.cfg.Drain)
			select {
			case <-drain.C:
			case err := <-errc:
				stopped(err)
			}
			drain.Stop()
		}
	}
	a.logger.Info("shutting down: no new requests; finishing what is in flight", "bound", bound.String())
	sctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	bounded := a.server.Shutdown(sctx)
	// A stop that comes before Serve has taken a listener would leave
	// Serve waiting forever: close them here as well.
	for _, ln := range listeners {
		ln.Close()
	}
	for pending > 0 {
		stopped(<-errc)
	}
	bounded = errors.Join(bounded, a.notifier.Close(sctx), a.votes.Close(sctx))
	if errors.Is(bounded, bot.ErrEventsLost) || errors.Is(bounded, context.DeadlineExceeded) {
		// The bound was kept: what it left undone is counted, not an
		// error of the stop.
		a.logger.Warn("shutdown bound reached: the rest was given up and counted (vaxbot_events_lost_total)", "err", bounded)
		bounded = nil
	}
	err := errors.Join(bounded, serr, a.store.Close())
	if a.shared != nil {
		err = errors.Join(err, a.shared.Close())
	}
	return err
}
