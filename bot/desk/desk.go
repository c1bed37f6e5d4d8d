package desk

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/bot/desk/staff"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

//go:embed data/words.toml
var wordsFile []byte

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config sets up a Desk.
type Config struct {
	Tickets tickets.Store
	Staff   staff.Store
	// Hasher finds tickets by an ID number, as the operators' API does.
	Hasher *tickets.Hasher
	// Sealer opens call-back numbers; without it none can be revealed.
	Sealer *tickets.Sealer
	// Hub wakes the live queue when a ticket is created; without it the
	// queue still polls the store.
	Hub *Hub
	// ReasonText is the sentence a person was told to say for a reason,
	// in a language (dialogs.Engine.ReasonText); the reason code without.
	ReasonText func(lang, reason string) string
	// LineName is a line's name in a language; its id without.
	LineName func(lang, line string) string
	// CountyName is a county's name in a language; its code without.
	CountyName func(lang, code string) string
	// Votes counts the "Did this help?" votes for the charts; the table
	// is left out when nil.
	Votes VoteCounter
	// ItemTitle is a QA item's short title in a language; its id without.
	ItemTitle func(lang, item string) string
	// Location is where times are shown (Asia/Taipei when nil).
	Location *time.Location
	// IdleTimeout ends a session not used for this long (30 min when 0).
	IdleTimeout time.Duration
	// MaxSession ends a session this long after login (12 h when 0).
	MaxSession time.Duration
	// StreamFor is how long one live-queue response lasts before the
	// browser reconnects (8 s when 0: under the server's 10 s write
	// timeout, which fasthttp applies to the whole response).
	StreamFor time.Duration
	// PollEvery is how often the live queue also asks the store, for
	// tickets another replica created (3 s when 0).
	PollEvery time.Duration
	Now       func() time.Time
	Logger    *slog.Logger
}

// Desk serves the pages under /desk/.
type Desk struct {
	cfg     Config
	words   *words
	pages   map[string]*template.Template
	static  fs.FS
	limiter *limiter
	// dummyHash is checked for unknown names, so that a login takes as
	// long whether or not the account exists.
	dummyHash string
}

// pageNames are the templates besides the layout.
var pageNames = []string{"login", "password", "queue", "ticket", "find", "audit", "charts", "error"}

// New checks the words and templates and returns the desk.
func New(cfg Config) (*Desk, error) {
	if cfg.Tickets == nil || cfg.Staff == nil || cfg.Hasher == nil {
		return nil, errors.New("desk: Tickets, Staff and Hasher are required")
	}
	if cfg.Location == nil {
		loc, err := time.LoadLocation("Asia/Taipei")
		if err != nil {
			return nil, fmt.Errorf("desk: time zone: %w", err)
		}
		cfg.Location = loc
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.MaxSession <= 0 {
		cfg.MaxSession = 12 * time.Hour
	}
	if cfg.StreamFor <= 0 {
		cfg.StreamFor = 8 * time.Second
	}
	if cfg.PollEvery <= 0 {
		cfg.PollEvery = 3 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Hub == nil {
		cfg.Hub = NewHub()
	}
	d := &Desk{cfg: cfg, pages: map[string]*template.Template{}, limiter: newLimiter()}
	var err error
	if d.words, err = shippedWords(); err != nil {
		return nil, err
	}
	layoutSrc, err := fs.ReadFile(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("desk: %w", err)
	}
	layout, err := template.New("layout").Parse(string(layoutSrc))
	if err != nil {
		return nil, fmt.Errorf("desk: layout: %w", err)
	}
	for _, name := range pageNames {
		src, err := fs.ReadFile(templateFiles, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("desk: %w", err)
		}
		t, err := template.Must(layout.Clone()).Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("desk: template %s: %w", name, err)
		}
		d.pages[name] = t
	}
	if d.static, err = fs.Sub(staticFiles, "static"); err != nil {
		return nil, fmt.Errorf("desk: %w", err)
	}
	if d.dummyHash, err = staff.HashPassword("not an account"); err != nil {
		return nil, err
	}
	return d, nil
}

var (
	wordsOnce   sync.Once
	wordsLoaded *words
	wordsErr    error
)

// shippedWords loads and checks the words file once: every key the
// templates (found in their source) and the code use, in every language.
func shippedWords() (*words, error) {
	wordsOnce.Do(func() {
		used := append([]string(nil), codeKeys...)
		for _, name := range append([]string{"layout"}, pageNames...) {
			src, err := fs.ReadFile(templateFiles, "templates/"+name+".html")
			if err != nil {
				wordsErr = fmt.Errorf("desk: %w", err)
				return
			}
			used = append(used, keysIn(string(src))...)
		}
		wordsLoaded, wordsErr = parseWords("data/words.toml", wordsFile, used)
	})
	return wordsLoaded, wordsErr
}

// Text is one of the desk's words in lang (zh-TW or en), placeholders
// filled from name, value pairs: for the operators command, which speaks
// of the desk in its words.
func Text(lang, key string, kv ...string) (string, error) {
	w, err := shippedWords()
	if err != nil {
		return "", err
	}
	return w.t(normLang(lang), key, kv...), nil
}

// codeKeys are the word keys the Go code uses (the templates' are found
// in their source); load checks both against the words file.
var codeKeys = []string{
	"role_operator", "role_supervisor",
	"status_open", "status_claimed", "status_closed",
	"channel_line", "channel_telegram", "channel_voice", "channel_chat",
	"lang_zh_tw", "lang_en", "lang_vi", "lang_id", "lang_th", "lang_tl",
	"when_morning", "when_afternoon", "when_evening", "when_any",
	"outcome_resolved", "outcome_referred", "outcome_no_answer",
	"age_1h", "age_4h", "age_24h", "age_7d",
	"from_person", "from_bot",
	"done_claim", "done_release", "done_note", "done_close", "password_saved", "logged_out", "session_expired",
	"login_failed", "login_limited",
	"password_short", "password_mismatch", "password_same", "password_wrong",
	"err_not_found", "err_state", "err_csrf", "err_forbidden", "err_not_yours", "err_internal", "err_bad_id",
	"err_method", "err_page", "err_outcome", "err_note_empty",
	"find_none", "queue_title", "find_title", "audit_title", "charts_title", "password_title", "login_title",
	"span_24h", "span_7d", "charts_by_reason", "charts_by_line", "charts_total", "charts_minutes", "charts_no_data",
	"charts_hours_ago", "charts_now", "ticket_none",
	"cli_usage", "cli_added", "cli_reset", "cli_exists", "cli_no_operator", "cli_bad_role",
}

// tr is the words in one language, for templates: {{.L.T "key" "name" value}}.
type tr struct {
	w    *words
	lang string
}

// T returns the text of key, placeholders filled from name, value pairs.
func (t tr) T(key string, kv ...any) string {
	s := make([]string, len(kv))
	for i, v := range kv {
		s[i] = fmt.Sprint(v)
	}
	return t.w.t(t.lang, key, s...)
}

// page is what every template gets.
type page struct {
	L          tr
	Lang       string
	OtherLang  string
	Op         *staff.Operator
	RoleWord   string
	Supervisor bool
	CSRF       string
	Title      string
	Flash      string
	Error      string
	Body       any
}

// newPage starts a page in lang for op (nil before login).
func (d *Desk) newPage(lang string, s *session, titleKey string) *page {
	p := &page{L: tr{d.words, lang}, Lang: lang, OtherLang: LangEn, Title: d.words.t(lang, titleKey)}
	if lang == LangEn {
		p.OtherLang = LangZhTW
	}
	if s != nil {
		p.Op, p.CSRF = s.op, s.csrf
		p.RoleWord = d.words.t(lang, "role_"+string(s.op.Role))
		p.Supervisor = s.op.Role == staff.RoleSupervisor
	}
	return p
}

// render writes a page with the desk's security headers.
func (d *Desk) render(ctx *fasthttp.RequestCtx, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := d.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		d.cfg.Logger.Error("desk: render", "page", name, "err", err)
		ctx.Error(p.L.T("err_internal"), fasthttp.StatusInternalServerError)
		return
	}
	securityHeaders(ctx)
	ctx.SetStatusCode(status)
	ctx.SetContentType("text/html; charset=utf-8")
	ctx.SetBody(buf.Bytes())
}

// securityHeaders keep pages out of caches and frames and allow only the
// desk's own scripts and styles.
func securityHeaders(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}

// Errors the handlers turn into statuses in fail.
var (
	errCSRF      = errors.New("desk: CSRF token missing or wrong")
	errForbidden = errors.New("desk: supervisors only")
	errNotYours  = errors.New("desk: claimed by someone else")
	errMethod    = errors.New("desk: method not allowed")
	errNoPage    = errors.New("desk: no such page")
)

// fail answers an error page: the one place where errors become statuses
// and sentences. Store errors are logged; their text never reaches the
// page.
func (d *Desk) fail(ctx *fasthttp.RequestCtx, lang string, s *session, err error) {
	status, key := fasthttp.StatusInternalServerError, "err_internal"
	switch {
	case errors.Is(err, tickets.ErrNotFound), errors.Is(err, errNoPage):
		status, key = fasthttp.StatusNotFound, "err_not_found"
		if errors.Is(err, errNoPage) {
			key = "err_page"
		}
	case errors.Is(err, tickets.ErrState):
		status, key = fasthttp.StatusConflict, "err_state"
	case errors.Is(err, errCSRF):
		status, key = fasthttp.StatusForbidden, "err_csrf"
	case errors.Is(err, errForbidden):
		status, key = fasthttp.StatusForbidden, "err_forbidden"
	case errors.Is(err, errNotYours):
		status, key = fasthttp.StatusForbidden, "err_not_yours"
	case errors.Is(err, errMethod):
		status, key = fasthttp.StatusMethodNotAllowed, "err_method"
	default:
		d.cfg.Logger.Error("desk: request failed", "path", string(ctx.Path()), "err", err)
	}
	p := d.newPage(lang, s, "err_title")
	p.Error = d.words.t(lang, key)
	d.render(ctx, status, "error", p)
}

// redirect answers 303 See Other to a desk path.
func redirect(ctx *fasthttp.RequestCtx, to string) {
	securityHeaders(ctx)
	ctx.Response.Header.Set("Location", to)
	ctx.SetStatusCode(fasthttp.StatusSeeOther)
}

// Handle serves a request under /desk/.
func (d *Desk) Handle(ctx *fasthttp.RequestCtx) {
	path := string(ctx.Path())
	switch {
	case path == "/desk":
		redirect(ctx, "/desk/")
		return
	case strings.HasPrefix(path, "/desk/static/"):
		d.serveStatic(ctx, strings.TrimPrefix(path, "/desk/static/"))
		return
	case path == "/desk/login":
		d.login(ctx)
		return
	}
	s, err := d.session(ctx)
	if err != nil {
		d.fail(ctx, LangZhTW, nil, err)
		return
	}
	if s == nil {
		if ctx.IsGet() && path != "/desk/events" {
			redirect(ctx, "/desk/login")
			return
		}
		securityHeaders(ctx)
		ctx.SetStatusCode(fasthttp.StatusUnauthorized)
		return
	}
	lang := s.op.Lang
	if !ctx.IsGet() {
		if !ctx.IsPost() {
			d.fail(ctx, lang, s, errMethod)
			return
		}
		if !s.checkCSRF(ctx) {
			d.fail(ctx, lang, s, errCSRF)
			return
		}
	}
	if s.op.MustChange && path != "/desk/password" && path != "/desk/logout" {
		if ctx.IsGet() {
			redirect(ctx, "/desk/password")
			return
		}
		d.fail(ctx, lang, s, errForbidden)
		return
	}
	switch {
	case path == "/desk/":
		d.onlyGet(ctx, s, d.queue)
	case path == "/desk/events":
		d.onlyGet(ctx, s, d.events)
	case path == "/desk/find":
		d.find(ctx, s)
	case path == "/desk/audit":
		d.onlyGet(ctx, s, d.supervisor(d.audit))
	case path == "/desk/charts":
		d.onlyGet(ctx, s, d.supervisor(d.charts))
	case path == "/desk/password":
		d.password(ctx, s)
	case path == "/desk/lang":
		d.onlyPost(ctx, s, d.setLang)
	case path == "/desk/logout":
		d.onlyPost(ctx, s, d.logout)
	case strings.HasPrefix(path, "/desk/t/"):
		d.ticket(ctx, s, strings.TrimPrefix(path, "/desk/t/"))
	default:
		d.fail(ctx, lang, s, errNoPage)
	}
}

func (d *Desk) onlyGet(ctx *fasthttp.RequestCtx, s *session, h func(*fasthttp.RequestCtx, *session)) {
	if !ctx.IsGet() {
		ctx.Response.Header.Set("Allow", "GET")
		d.fail(ctx, s.op.Lang, s, errMethod)
		return
	}
	h(ctx, s)
}

func (d *Desk) onlyPost(ctx *fasthttp.RequestCtx, s *session, h func(*fasthttp.RequestCtx, *session)) {
	if !ctx.IsPost() {
		ctx.Response.Header.Set("Allow", "POST")
		d.fail(ctx, s.op.Lang, s, errMethod)
		return
	}
	h(ctx, s)
}

// supervisor lets only supervisors through to h.
func (d *Desk) supervisor(h func(*fasthttp.RequestCtx, *session)) func(*fasthttp.RequestCtx, *session) {
	return func(ctx *fasthttp.RequestCtx, s *session) {
		if s.op.Role != staff.RoleSupervisor {
			d.fail(ctx, s.op.Lang, s, errForbidden)
			return
		}
		h(ctx, s)
	}
}

// serveStatic answers an embedded asset.
func (d *Desk) serveStatic(ctx *fasthttp.RequestCtx, name string) {
	if !ctx.IsGet() && !ctx.IsHead() {
		ctx.SetStatusCode(fasthttp.StatusMethodNotAllowed)
		return
	}
	b, err := fs.ReadFile(d.static, name)
	if err != nil || name == "" || strings.Contains(name, "..") {
		ctx.SetStatusCode(fasthttp.StatusNotFound)
		return
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		ctx.SetContentType("text/css; charset=utf-8")
	case strings.HasSuffix(name, ".js"):
		ctx.SetContentType("text/javascript; charset=utf-8")
	default:
		ctx.SetContentType("application/octet-stream")
	}
	ctx.Response.Header.Set("X-Content-Type-Options", "nosniff")
	ctx.Response.Header.Set("Cache-Control", "max-age=3600")
	ctx.SetBody(b)
}
