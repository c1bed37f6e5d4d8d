package desk

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/bot/desk/staff"
	"github.com/vaxbot/vaxbot/dialogs"
)

// The cookies: the session's token, and before login the token the login
// form must echo (a double-submit CSRF check).
const (
	sessionCookie = "vaxbot_desk"
	loginCookie   = "vaxbot_desk_login"
)

// storeTimeout bounds one request's store work.
const storeTimeout = 5 * time.Second

// Login limits: failures allowed per account and per address in a window.
const (
	failuresPerAccount = 5
	failuresPerAddress = 20
	failureWindow      = 15 * time.Minute
)

// session is a signed-in request's operator and tokens.
type session struct {
	op        *staff.Operator
	tokenHash string
	csrf      string
}

func (d *Desk) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), storeTimeout)
}

// session returns the request's session, nil when there is none or it
// has expired (idle or too old), which it then deletes.
func (d *Desk) session(ctx *fasthttp.RequestCtx) (*session, error) {
	token := string(ctx.Request.Header.Cookie(sessionCookie))
	if token == "" {
		return nil, nil
	}
	c, cancel := d.ctx()
	defer cancel()
	hash := staff.HashToken(token)
	ss, err := d.cfg.Staff.Session(c, hash)
	if errors.Is(err, staff.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("desk: session: %w", err)
	}
	now := d.cfg.Now()
	if now.Sub(ss.SeenAt) > d.cfg.IdleTimeout || now.Sub(ss.CreatedAt) > d.cfg.MaxSession {
		if err := d.cfg.Staff.DeleteSession(c, hash); err != nil {
			return nil, fmt.Errorf("desk: session: %w", err)
		}
		return nil, nil
	}
	op, err := d.cfg.Staff.Operator(c, ss.Operator)
	if errors.Is(err, staff.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("desk: session: %w", err)
	}
	// One write a minute at most, not one a request.
	if now.Sub(ss.SeenAt) > time.Minute {
		if err := d.cfg.Staff.TouchSession(c, hash, now); err != nil {
			return nil, fmt.Errorf("desk: session: %w", err)
		}
	}
	op.Lang = normLang(op.Lang)
	return &session{op: op, tokenHash: hash, csrf: ss.CSRF}, nil
}

// checkCSRF compares the form's csrf field with the session's, in
// constant time.
func (s *session) checkCSRF(ctx *fasthttp.RequestCtx) bool {
	got := ctx.PostArgs().Peek("csrf")
	return len(got) > 0 && subtle.ConstantTimeCompare(got, []byte(s.csrf)) == 1
}

// setCookie sets a desk cookie: HttpOnly, Secure, SameSite=Strict, for
// /desk/ only; an empty value deletes it.
func setCookie(ctx *fasthttp.RequestCtx, name, value string) {
	var c fasthttp.Cookie
	c.SetKey(name)
	c.SetValue(value)
	c.SetPath("/desk/")
	c.SetHTTPOnly(true)
	c.SetSecure(true)
	c.SetSameSite(fasthttp.CookieSameSiteStrictMode)
	if value == "" {
		c.SetExpire(fasthttp.CookieExpireDelete)
	}
	ctx.Response.Header.SetCookie(&c)
}

// login shows the form (GET) or signs in (POST).
func (d *Desk) login(ctx *fasthttp.RequestCtx) {
	lang := normLang(string(ctx.QueryArgs().Peek("lang")))
	if ctx.IsPost() {
		lang = normLang(string(ctx.PostArgs().Peek("lang")))
	}
	p := d.newPage(lang, nil, "login_title")
	status := fasthttp.StatusOK
	switch {
	case ctx.IsGet():
		switch string(ctx.QueryArgs().Peek("m")) {
		case "out":
			p.Flash = p.L.T("logged_out")
		case "expired":
			p.Flash = p.L.T("session_expired")
		}
	case ctx.IsPost():
		want := ctx.Request.Header.Cookie(loginCookie)
		got := ctx.PostArgs().Peek("csrf")
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			d.fail(ctx, lang, nil, errCSRF)
			return
		}
		var done bool
		if done, status = d.signIn(ctx, lang, p); done {
			return
		}
	default:
		ctx.Response.Header.Set("Allow", "GET, POST")
		d.fail(ctx, lang, nil, errMethod)
		return
	}
	token, err := staff.NewToken()
	if err != nil {
		d.fail(ctx, lang, nil, err)
		return
	}
	setCookie(ctx, loginCookie, token)
	p.CSRF = token
	d.render(ctx, status, "login", p)
}

// signIn checks a name and password under the rate limits. On success it
// starts a session and redirects (done); on a store error it answers
// (done); otherwise it sets p.Error and returns the status of the form
// shown again.
func (d *Desk) signIn(ctx *fasthttp.RequestCtx, lang string, p *page) (done bool, status int) {
	name := strings.TrimSpace(string(ctx.PostArgs().Peek("name")))
	password := string(ctx.PostArgs().Peek("password"))
	addr := ctx.RemoteIP().String()
	now := d.cfg.Now()
	if wait := d.limiter.wait(now, "name:"+name, failuresPerAccount, "addr:"+addr, failuresPerAddress); wait > 0 {
		minutes := strconv.Itoa(int(wait.Minutes()) + 1)
		p.Error = p.L.T("login_limited", "minutes", minutes)
		d.cfg.Logger.Warn("desk: sign-in refused by the rate limit", "operator", dialogs.Redact(name), "addr", addr)
		return false, fasthttp.StatusTooManyRequests
	}
	c, cancel := d.ctx()
	defer cancel()
	op, err := d.cfg.Staff.Operator(c, name)
	if err != nil && !errors.Is(err, staff.ErrNotFound) {
		d.fail(ctx, lang, nil, err)
		return true, 0
	}
	hash := d.dummyHash
	if op != nil {
		hash = op.PasswordHash
	}
	ok, herr := staff.CheckPassword(hash, password)
	if op == nil || !ok || herr != nil {
		d.limiter.fail(now, "name:"+name, "addr:"+addr)
		// Redacted: someone may type an ID number into the name field.
		d.cfg.Logger.Info("desk: sign-in failed", "operator", dialogs.Redact(name), "addr", addr)
		p.Error = p.L.T("login_failed")
		return false, fasthttp.StatusUnauthorized
	}
	d.limiter.reset("name:" + name)
	token, err := staff.NewToken()
	if err != nil {
		d.fail(ctx, lang, nil, err)
		return true, 0
	}
	csrf, err := staff.NewToken()
	if err != nil {
		d.fail(ctx, lang, nil, err)
		return true, 0
	}
	if err := d.cfg.Staff.CreateSession(c, staff.Session{TokenHash: staff.HashToken(token), Operator: op.Name, CSRF: csrf, CreatedAt: now, SeenAt: now}); err != nil {
		d.fail(ctx, lang, nil, err)
		return true, 0
	}
	if lang != normLang(op.Lang) && len(ctx.PostArgs().Peek("lang")) > 0 {
		// The language chosen on the login page becomes the operator's.
		if err := d.cfg.Staff.SetLang(c, op.Name, lang); err != nil {
			d.cfg.Logger.Warn("desk: language not saved", "operator", op.Name, "err", err)
		}
	}
	d.cfg.Logger.Info("desk: signed in", "operator", op.Name, "role", string(op.Role))
	setCookie(ctx, sessionCookie, token)
	setCookie(ctx, loginCookie, "")
	if op.MustChange {
		redirect(ctx, "/desk/password")
	} else {
		redirect(ctx, "/desk/")
	}
	return true, 0
}

// logout ends the session.
func (d *Desk) logout(ctx *fasthttp.RequestCtx, s *session) {
	c, cancel := d.ctx()
	defer cancel()
	if err := d.cfg.Staff.DeleteSession(c, s.tokenHash); err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	d.cfg.Logger.Info("desk: signed out", "operator", s.op.Name)
	setCookie(ctx, sessionCookie, "")
	redirect(ctx, "/desk/login?m=out&lang="+s.op.Lang)
}

// setLang switches the operator's language.
func (d *Desk) setLang(ctx *fasthttp.RequestCtx, s *session) {
	c, cancel := d.ctx()
	defer cancel()
	if err := d.cfg.Staff.SetLang(c, s.op.Name, normLang(string(ctx.PostArgs().Peek("lang")))); err != nil {
		d.fail(ctx, s.op.Lang, s, err)
		return
	}
	back := string(ctx.Request.Header.Referer())
	if i := strings.Index(back, "/desk/"); i >= 0 && !strings.Contains(back[i:], "//") {
		redirect(ctx, back[i:])
		return
	}
	redirect(ctx, "/desk/")
}

// passwordForm is the password page's body.
type passwordForm struct {
	First bool
	Min   int
}

// password shows the form (GET) or changes the password (POST); the
// other sessions of the operator end, this one stays.
func (d *Desk) password(ctx *fasthttp.RequestCtx, s *session) {
	lang := s.op.Lang
	p := d.newPage(lang, s, "password_title")
	p.Body = passwordForm{First: s.op.MustChange, Min: staff.MinPasswordLen}
	if !ctx.IsPost() {
		d.render(ctx, fasthttp.StatusOK, "password", p)
		return
	}
	args := ctx.PostArgs()
	current, next, repeat := string(args.Peek("current")), string(args.Peek("new")), string(args.Peek("repeat"))
	ok, err := staff.CheckPassword(s.op.PasswordHash, current)
	switch {
	case err != nil:
		d.fail(ctx, lang, s, err)
		return
	case !ok:
		p.Error = p.L.T("password_wrong")
	case len([]rune(next)) < staff.MinPasswordLen:
		p.Error = p.L.T("password_short", "min", staff.MinPasswordLen)
	case next != repeat:
		p.Error = p.L.T("password_mismatch")
	case next == current:
		p.Error = p.L.T("password_same")
	}
	if p.Error != "" {
		d.render(ctx, fasthttp.StatusBadRequest, "password", p)
		return
	}
	hash, err := staff.HashPassword(next)
	if err != nil {
		d.fail(ctx, lang, s, err)
		return
	}
	c, cancel := d.ctx()
	defer cancel()
	if err := d.cfg.Staff.SetPassword(c, s.op.Name, hash, false); err != nil {
		d.fail(ctx, lang, s, err)
		return
	}
	// Other browsers signed in as this operator are signed out; this
	// one gets a new session.
	if err := d.cfg.Staff.DeleteSessions(c, s.op.Name); err != nil {
		d.fail(ctx, lang, s, err)
		return
	}
	token, err := staff.NewToken()
	if err != nil {
		d.fail(ctx, lang, s, err)
		return
	}
	now := d.cfg.Now()
	if err := d.cfg.Staff.CreateSession(c, staff.Session{TokenHash: staff.HashToken(token), Operator: s.op.Name, CSRF: s.csrf, CreatedAt: now, SeenAt: now}); err != nil {
		d.fail(ctx, lang, s, err)
		return
	}
	d.cfg.Logger.Info("desk: password changed", "operator", s.op.Name)
	setCookie(ctx, sessionCookie, token)
	redirect(ctx, "/desk/?done=password")
}

// limiter counts failed sign-ins per key in a sliding window.
type limiter struct {
	mu sync.Mutex
	m  map[string][]time.Time
}

func newLimiter() *limiter { return &limiter{m: map[string][]time.Time{}} }

// wait returns how long until every key (key, limit pairs) is under its
// limit again; 0 when they are.
func (l *limiter) wait(now time.Time, pairs ...any) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var longest time.Duration
	for i := 0; i+1 < len(pairs); i += 2 {
		key, limit := pairs[i].(string), pairs[i+1].(int)
		recent := l.prune(now, key)
		if len(recent) >= limit {
			longest = max(longest, recent[len(recent)-limit].Add(failureWindow).Sub(now))
		}
	}
	return longest
}

// fail records a failure for each key.
func (l *limiter) fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.m[k] = append(l.prune(now, k), now)
	}
	if len(l.m) > 100000 {
		// Someone is trying many names: forget the oldest state rather
		// than grow without bound (the address key still limits them).
		for k := range l.m {
			if strings.HasPrefix(k, "name:") {
				delete(l.m, k)
			}
		}
	}
}

// reset forgets a key's failures (a successful sign-in).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, key)
}

func (l *limiter) prune(now time.Time, key string) []time.Time {
	ts := l.m[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= failureWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.m, key)
		return nil
	}
	l.m[key] = ts
	return ts
}
