package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/pprofhandler"
)

// DefaultMaxBody is the largest webhook body accepted (1 MiB).
const DefaultMaxBody = 1 << 20

// ServerConfig sets up a Server.
type ServerConfig struct {
	// Channels are the enabled channels, served at /webhook/{Name()}; any
	// other channel's webhook answers 404.
	Channels   []Channel
	Dispatcher *Dispatcher
	Metrics    *Metrics
	Logger     *slog.Logger
	// MaxBody is the largest body accepted (DefaultMaxBody when 0).
	MaxBody int
	// Ops serves /ops/…; without it those paths answer 404.
	Ops *Ops
	// Desk serves /desk/…, the operators' desk, an admin route like
	// /ops/; without it those paths answer 404 (bot/desk).
	Desk fasthttp.RequestHandler
	// AdminApart serves the admin routes (/metrics, /ops/, /desk/ and
	// pprof at /debug/pprof/) on a listener of their own, ServeAdmin's,
	// and leaves Serve's listener the public routes only (the webhooks,
	// /voice/, /healthz, /readyz): what the platforms and the kubelet
	// call. Without it Serve answers every route but pprof on its one
	// listener (a laptop), and ServeAdmin is refused.
	AdminApart bool
	// Voice serves /voice/…; without it those paths answer 404.
	Voice Voice
	// Pictures, when set, are served on the public listener under
	// /img/ (the card illustration the chat channels send by URL).
	Pictures *Pictures
	// ReplayWindow is how old an event may be (by the platform's own
	// timestamp) and still be taken (DefaultReplayWindow when 0). An older
	// one is answered 200, so the platform does not send it again, and is
	// not processed: counted as rejected, reason "replay". Keep it within
	// the dispatcher's DedupeFor, so that every event young enough to be
	// taken is also remembered.
	ReplayWindow time.Duration
	// Checks are what /readyz asks besides the server itself (Redis, the
	// database, the record service).
	Checks []Check
	// ReadyCache is how long /readyz reuses its checks' results
	// (DefaultReadyCache when 0), so that probes cost the back ends at
	// most one round of checks that long.
	ReadyCache time.Duration
	// ReadyTimeout bounds one round of checks (DefaultReadyTimeout when 0).
	ReadyTimeout time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Check is one thing the server needs to serve: Name names it in /readyz's
// answer ("redis", "database", "registry"), Probe reports an error when it
// is down. Probe gets a context bounded by ReadyTimeout and should return
// when it ends.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
}

// Defaults of ServerConfig.
const (
	// DefaultReplayWindow is the dispatcher's default DedupeFor.
	DefaultReplayWindow = 10 * time.Minute
	DefaultReadyCache   = 2 * time.Second
	DefaultReadyTimeout = time.Second
)

// Voice is a phone channel answered synchronously (bot/voice): the server
// checks the method, parses the form, and lets it authenticate and answer.
type Voice interface {
	Authenticate(path, rawQuery string, form url.Values, signature string) bool
	Handle(ctx context.Context, path string, form url.Values) []byte
}

// voiceTimeout bounds one voice step; providers wait about 15 s.
const voiceTimeout = 10 * time.Second

// webhookTimeout bounds what a webhook waits for (the shared store of event
// ids) while the platform waits for its answer.
const webhookTimeout = 5 * time.Second

// Server is the fasthttp server with the webhook, health and metrics
// routes: on one listener, or on a public and an admin listener
// (ServerConfig.AdminApart).
type Server struct {
	cfg ServerConfig
	// srv serves Serve's listener: every route, or the public ones when
	// the admin routes are apart.
	srv *fasthttp.Server
	// admin serves ServeAdmin's listener; nil unless AdminApart.
	admin    *fasthttp.Server
	channels map[string]Channel
	// draining is set from Drain on: /readyz answers 503 while the
	// webhooks are still served.
	draining atomic.Bool
	ready    readiness
}

// NewServer builds a Server; it does not listen until Serve.
func NewServer(cfg ServerConfig) *Server {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ReplayWindow <= 0 {
		cfg.ReplayWindow = DefaultReplayWindow
	}
	if cfg.ReadyCache <= 0 {
		cfg.ReadyCache = DefaultReadyCache
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = DefaultReadyTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, channels: map[string]Channel{}}
	s.ready = readiness{checks: cfg.Checks, ttl: cfg.ReadyCache, timeout: cfg.ReadyTimeout, logger: cfg.Logger}
	for _, c := range cfg.Channels {
		s.channels[c.Name()] = c
	}
	if cfg.AdminApart {
		s.srv = s.fasthttpServer(s.handlePublic)
		s.admin = s.fasthttpServer(s.handleAdmin)
	} else {
		s.srv = s.fasthttpServer(s.Handle)
	}
	return s
}

// fasthttpServer is a fasthttp server answering with h, with the limits
// every listener of the Server shares.
func (s *Server) fasthttpServer(h fasthttp.RequestHandler) *fasthttp.Server {
	return &fasthttp.Server{
		Name:               "vaxbot",
		Handler:            h,
		ErrorHandler:       s.handleError,
		Logger:             fasthttpLogger{l: s.cfg.Logger},
		MaxRequestBodySize: s.cfg.MaxBody,
		ReadTimeout:        10 * time.Second,
		WriteTimeout:       10 * time.Second,
		IdleTimeout:        60 * time.Second,
		CloseOnShutdown:    true,
	}
}

// ErrNoAdminListener is ServeAdmin's answer when the admin routes are not
// apart: they are on Serve's listener.
var ErrNoAdminListener = errors.New("bot: the admin routes are served on the one listener (ServerConfig.AdminApart is not set)")

// Serve answers requests on ln until Shutdown: every route but pprof, or
// the public routes only when the admin routes are apart.
func (s *Server) Serve(ln net.Listener) error { return s.srv.Serve(ln) }

// ServeAdmin answers the admin routes (/metrics, /ops/, /desk/, pprof) on
// ln until Shutdown. It needs ServerConfig.AdminApart, and returns
// ErrNoAdminListener without it.
func (s *Server) ServeAdmin(ln net.Listener) error {
	if s.admin == nil {
		return ErrNoAdminListener
	}
	return s.admin.Serve(ln)
}

// Drain makes /readyz answer 503, so that the load balancer sends no new
// requests, while everything is still served: the start of a shutdown.
func (s *Server) Drain() { s.draining.Store(true) }

// Shutdown stops accepting requests on every listener, waits for those in
// flight, then lets the dispatcher finish queued events and their replies,
// all within ctx. When ctx ends first, what is left is given up: the error
// then wraps ErrEventsLost (events counted lost) or
// context.DeadlineExceeded (connections still open), and Shutdown returns
// within closeGrace.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	adminErr := make(chan error, 1)
	if s.admin != nil {
		// Both listeners stop together, each within ctx.
		go func() { adminErr <- s.admin.ShutdownWithContext(ctx) }()
	} else {
		adminErr <- nil
	}
	err := errors.Join(s.srv.ShutdownWithContext(ctx), <-adminErr)
	if s.cfg.Dispatcher != nil {
		err = errors.Join(err, s.cfg.Dispatcher.Close(ctx))
	}
	if err != nil {
		return fmt.Errorf("bot: shutdown: %w", err)
	}
	return nil
}

// handleError answers requests fasthttp could not read: 413 for a body over
// the limit (fasthttp's default would be 400), 400 for the rest.
func (s *Server) handleError(ctx *fasthttp.RequestCtx, err error) {
	channel := channelOf(string(ctx.Path()))
	if errors.Is(err, fasthttp.ErrBodyTooLarge) {
		s.cfg.Metrics.Rejected(channel, "too_large")
		ctx.Error("request body too large", fasthttp.StatusRequestEntityTooLarge)
		return
	}
	s.cfg.Metrics.Rejected(channel, "unreadable")
	ctx.Error("cannot read request", fasthttp.StatusBadRequest)
}

// fasthttpLogger takes fasthttp's own messages to the server's logger
// without their arguments: they may quote the bytes of a request, and a
// request's body holds what a person typed.
type fasthttpLogger struct{ l *slog.Logger }

// Printf implements fasthttp.Logger: the format is logged, the arguments
// are dropped.
func (f fasthttpLogger) Printf(format string, args ...any) {
	f.l.Warn("fasthttp: "+format, "args_dropped", len(args))
}

// recoverPanic, deferred by Handle, answers 500 when a handler panicked:
// nothing was acknowledged, so the platform delivers the event again. The
// panic is logged with its type and stack, never its value nor the
// request's body or path (a ticket reference, a person's text), and
// counted; the server goes on serving.
func (s *Server) recoverPanic(ctx *fasthttp.RequestCtx) {
	p := recover()
	if p == nil {
		return
	}
	route := routeOf(string(ctx.Path()))
	s.cfg.Metrics.HTTPPanic(route)
	s.cfg.Logger.Error("panic in a request handler; answered 500", "route", route, "method", string(ctx.Method()),
		"panic_type", fmt.Sprintf("%T", p), "stack", string(debug.Stack()))
	ctx.Response.Reset()
	ctx.Error("internal error\n", fasthttp.StatusInternalServerError)
}

// routeOf names the route of path for metrics and logs, from a fixed set.
func routeOf(path string) string {
	switch {
	case path == "/healthz" || path == "/readyz":
		return "health"
	case path == "/metrics":
		return "metrics"
	case strings.HasPrefix(path, "/ops/"):
		return "ops"
	case strings.HasPrefix(path, "/desk/"):
		return "desk"
	case strings.HasPrefix(path, "/debug/pprof/"):
		return "pprof"
	case strings.HasPrefix(path, picturesPrefix):
		return "img"
	case strings.HasPrefix(path, "/voice/"):
		return "voice"
	case strings.HasPrefix(path, "/webhook/"):
		return "webhook_" + channelOf(path)
	}
	return "other"
}

func channelOf(path string) string {
	if name, ok := strings.CutPrefix(path, "/webhook/"); ok {
		if _, known := knownChannels[name]; known {
			return name
		}
	}
	return "none"
}

// knownChannels bounds the channel label of metrics to names we serve.
var knownChannels = map[string]struct{}{"line": {}, "telegram": {}, "voice": {}}

// Handle routes one request on the one listener: the public and the admin
// routes, but not pprof, which only an admin listener of its own serves.
// A panic below it answers 500 and ends that request only.
func (s *Server) Handle(ctx *fasthttp.RequestCtx) {
	defer s.recoverPanic(ctx)
	path := string(ctx.Path())
	if !s.routePublic(ctx, path) && !s.routeAdmin(ctx, path, false) {
		notFound(ctx)
	}
}

// handlePublic routes one request on the public listener: what the
// platforms and the kubelet call. Every admin route answers 404 there.
func (s *Server) handlePublic(ctx *fasthttp.RequestCtx) {
	defer s.recoverPanic(ctx)
	if !s.routePublic(ctx, string(ctx.Path())) {
		notFound(ctx)
	}
}

// handleAdmin routes one request on the admin listener: the operators',
// Prometheus's and the profiler's. Every public route answers 404 there.
func (s *Server) handleAdmin(ctx *fasthttp.RequestCtx) {
	defer s.recoverPanic(ctx)
	if !s.routeAdmin(ctx, string(ctx.Path()), true) {
		notFound(ctx)
	}
}

// notFound answers 404 for a path the listener does not route.
func notFound(ctx *fasthttp.RequestCtx) { ctx.Error("not found\n", fasthttp.StatusNotFound) }

// routeAdmin answers the admin routes, pprof too when withPprof, and
// reports whether path was one of them. A route without its part (Ops,
// Desk) is not one.
func (s *Server) routeAdmin(ctx *fasthttp.RequestCtx, path string, withPprof bool) bool {
	switch {
	case path == "/metrics":
		if s.onlyGet(ctx) {
			ctx.SetContentType("text/plain; version=0.0.4")
			s.cfg.Metrics.WritePrometheus(ctx)
		}
	case strings.HasPrefix(path, "/ops/") && s.cfg.Ops != nil:
		s.cfg.Ops.Handle(ctx)
	case strings.HasPrefix(path, "/desk/") && s.cfg.Desk != nil:
		s.cfg.Desk(ctx)
	case strings.HasPrefix(path, "/debug/pprof/") && withPprof:
		// net/http/pprof through fasthttp's adaptor. A profile's
		// seconds are not bounded by WriteTimeout, which fasthttp
		// starts once the handler returns; Shutdown ends it.
		pprofhandler.PprofHandler(ctx)
	default:
		return false
	}
	return true
}

// routePublic answers the public routes and reports whether path was one
// of them. An unknown or disabled channel's webhook is answered (404), as
// is the voice line's unknown path.
func (s *Server) routePublic(ctx *fasthttp.RequestCtx, path string) bool {
	switch {
	case path == "/healthz":
		if s.onlyGet(ctx) {
			ctx.SetBodyString("ok\n")
		}
	case path == "/readyz":
		if s.onlyGet(ctx) {
			s.readyz(ctx)
		}
	case strings.HasPrefix(path, "/voice/") && s.cfg.Voice != nil:
		s.voice(ctx, path)
	case strings.HasPrefix(path, picturesPrefix) && s.cfg.Pictures != nil:
		s.servePicture(ctx, path)
	case strings.HasPrefix(path, "/webhook/"):
		s.routeWebhook(ctx, path)
	default:
		return false
	}
	return true
}

// routeWebhook answers POST /webhook/{channel}.
func (s *Server) routeWebhook(ctx *fasthttp.RequestCtx, path string) {
	name := strings.TrimPrefix(path, "/webhook/")
	ch, enabled := s.channels[name]
	if !enabled {
		s.cfg.Metrics.Rejected(channelOf(path), "disabled")
		ctx.Error("no such channel, or it is not configured\n", fasthttp.StatusNotFound)
		return
	}
	if !ctx.IsPost() {
		s.cfg.Metrics.Rejected(name, "method")
		methodNotAllowed(ctx, "POST")
		return
	}
	s.webhook(ctx, ch)
}

// methodNotAllowed answers 405 with the Allow header (set after
// ctx.Error, which resets the response's headers).
func methodNotAllowed(ctx *fasthttp.RequestCtx, allow string) {
	ctx.Error("method not allowed\n", fasthttp.StatusMethodNotAllowed)
	ctx.Response.Header.Set("Allow", allow)
}

// voice answers a telephony provider's form POST with TwiML.
func (s *Server) voice(ctx *fasthttp.RequestCtx, path string) {
	switch path {
	case "/voice/incoming", "/voice/gather", "/voice/dialed":
	default:
		ctx.Error("not found\n", fasthttp.StatusNotFound)
		return
	}
	if !ctx.IsPost() {
		s.cfg.Metrics.Rejected("voice", "method")
		methodNotAllowed(ctx, "POST")
		return
	}
	start := time.Now()
	defer func() { s.cfg.Metrics.WebhookSeconds("voice", time.Since(start).Seconds()) }()
	form := url.Values{}
	for k, v := range ctx.PostArgs().All() {
		form.Add(string(k), string(v))
	}
	sig := string(ctx.Request.Header.Peek("X-Twilio-Signature"))
	if !s.cfg.Voice.Authenticate(path, string(ctx.URI().QueryString()), form, sig) {
		s.cfg.Metrics.Rejected("voice", "auth")
		ctx.Error("bad signature\n", fasthttp.StatusForbidden)
		return
	}
	s.cfg.Metrics.EventIn("voice", strings.TrimPrefix(path, "/voice/"))
	c, cancel := context.WithTimeout(context.Background(), voiceTimeout)
	defer cancel()
	ctx.SetContentType("text/xml; charset=utf-8")
	ctx.SetBody(s.cfg.Voice.Handle(c, path, form))
}

func (s *Server) onlyGet(ctx *fasthttp.RequestCtx) bool {
	if ctx.IsGet() || ctx.IsHead() {
		return true
	}
	methodNotAllowed(ctx, "GET, HEAD")
	return false
}

// webhook authenticates, decodes and queues one channel's request. The body
// is only valid until this returns; decoded events hold copies.
func (s *Server) webhook(ctx *fasthttp.RequestCtx, ch Channel) {
	start := time.Now()
	name := ch.Name()
	defer func() { s.cfg.Metrics.WebhookSeconds(name, time.Since(start).Seconds()) }()
	body := ctx.PostBody()
	header := func(k string) string { return string(ctx.Request.Header.Peek(k)) }
	if !ch.Authenticate(header, body) {
		s.cfg.Metrics.Rejected(name, "auth")
		ctx.Error("bad signature or secret\n", fasthttp.StatusUnauthorized)
		return
	}
	events, err := ch.Decode(body)
	if err != nil {
		s.cfg.Metrics.Rejected(name, "bad_body")
		ctx.Error("cannot parse body\n", fasthttp.StatusBadRequest)
		return
	}
	// The event ids are asked of a shared store (Redis), and events
	// appended to a Stream, within a bound, while the platform waits; the
	// in-memory store needs no deadline (one timer less per webhook).
	c := context.Background()
	if s.cfg.Dispatcher.SharedDedupe() || s.cfg.Dispatcher.Durable() {
		var cancel context.CancelFunc
		c, cancel = context.WithTimeout(c, webhookTimeout)
		defer cancel()
	}
	now := s.cfg.Now()
	for _, ev := range events {
		if !ev.At.IsZero() && now.Sub(ev.At) > s.cfg.ReplayWindow {
			// A replay, or an event the platform kept too long to answer
			// now: not processed, and answered 200 with the rest, so that
			// it is not sent again.
			s.cfg.Metrics.Rejected(name, "replay")
			s.cfg.Logger.Debug("event older than the replay window refused", "channel", name, "type", ev.Type,
				"age", now.Sub(ev.At).Round(time.Second).String())
			continue
		}
		dup, err := s.cfg.Dispatcher.Admit(c, ch, ev)
		if dup {
			s.cfg.Metrics.Duplicate(name)
			continue
		}
		s.cfg.Metrics.EventIn(name, ev.Type)
		if err != nil {
			// Its id was forgotten: the platform delivers it again later.
			s.cfg.Metrics.Rejected(name, "overloaded")
			s.cfg.Logger.Warn("event not queued", "channel", name, "err", err)
			ctx.Error("busy, retry later\n", fasthttp.StatusServiceUnavailable)
			return
		}
	}
	ctx.SetBodyString("ok\n")
}
