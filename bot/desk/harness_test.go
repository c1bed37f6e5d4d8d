package desk

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/bot/desk/staff"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// The numbers of the test ticket: none may appear in a log, a page other
// than the reveal's answer, or a file.
const (
	testID    = "A123456789"
	testPhone = "0912345678"
	testPass  = "correct horse battery"
)

// fixture is a desk on memory stores with a few tickets and accounts.
type fixture struct {
	d      *Desk
	tk     tickets.Store
	st     staff.Store
	hasher *tickets.Hasher
	sealer *tickets.Sealer
	logs   *syncBuffer
	now    time.Time
}

// syncBuffer is a log sink safe for the stream's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var base = time.Date(2021, 7, 21, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T, tk tickets.Store, st staff.Store) *fixture {
	t.Helper()
	if tk == nil {
		tk = tickets.NewMemoryStore()
	}
	if st == nil {
		st = staff.NewMemoryStore()
	}
	hasher, err := tickets.NewHasher([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := tickets.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{tk: tk, st: st, hasher: hasher, sealer: sealer, logs: &syncBuffer{}, now: base.Add(2 * time.Hour)}
	ctx := context.Background()
	hash, err := staff.HashPassword(testPass)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []staff.Operator{
		{Name: "lin", Role: staff.RoleOperator, Lang: LangEn},
		{Name: "wu", Role: staff.RoleOperator, Lang: LangZhTW},
		{Name: "chen", Role: staff.RoleSupervisor, Lang: LangEn},
		{Name: "newbie", Role: staff.RoleOperator, Lang: LangEn, MustChange: true},
	} {
		o.PasswordHash, o.CreatedAt = hash, base
		if err := st.AddOperator(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(ref, line, reason string, at time.Time) *tickets.Ticket {
		return &tickets.Ticket{Ref: ref, Channel: "line", Lang: "zh-TW", Reason: reason, Line: line, County: "TPE",
			MaskedID: "A12*****89", IDHash: hasher.Hash(testID), Status: tickets.StatusOpen, CreatedAt: at, UpdatedAt: at,
			Turns: []tickets.Turn{{At: at, From: "person", Text: "我的證號 A12*****89"}, {At: at, From: "bot", Text: "請撥 1922"}}}
	}
	for _, tt := range []*tickets.Ticket{
		mk("AAA-AAA", "1922", "mismatch_twice", base),
		mk("CCC-CCC", "nhia", "no_card", base.Add(time.Minute)),
		mk("DDD-DDD", "1922", "no_match", base.Add(2*time.Minute)),
	} {
		if err := tk.Create(ctx, tt); err != nil {
			t.Fatal(err)
		}
	}
	sealed, err := sealer.Seal(testPhone, "AAA-AAA")
	if err != nil {
		t.Fatal(err)
	}
	if err := tk.SetCallback(ctx, "AAA-AAA", tickets.Callback{Sealed: sealed, Masked: "0912***678", When: "morning", ConsentAt: base}); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.Finish(ctx, "DDD-DDD", base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.d, err = New(Config{
		Tickets: tk, Staff: st, Hasher: hasher, Sealer: sealer, Location: time.UTC,
		ReasonText: func(lang, reason string) string { return "say:" + lang + ":" + reason },
		Now:        func() time.Time { return f.now },
		Logger:     slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		StreamFor:  2 * time.Second, PollEvery: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// client is one browser: its cookies and the page's CSRF token.
type client struct {
	t       *testing.T
	f       *fixture
	cookies map[string]string
	csrf    string
	addr    string
}

func (f *fixture) client(t *testing.T) *client {
	return &client{t: t, f: f, cookies: map[string]string{}, addr: "192.0.2.1"}
}

// response is what a request got.
type response struct {
	status   int
	location string
	body     string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) do(method, path string, form url.Values) response {
	c.t.Helper()
	var req fasthttp.Request
	req.Header.SetMethod(method)
	req.SetRequestURI("http://desk.test" + path)
	for k, v := range c.cookies {
		req.Header.SetCookie(k, v)
	}
	if form != nil {
		req.Header.SetContentType("application/x-www-form-urlencoded")
		req.SetBodyString(form.Encode())
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP(c.addr), Port: 5000}, nil)
	c.f.d.Handle(&ctx)
	ctx.Response.Header.VisitAllCookie(func(k, v []byte) {
		var ck fasthttp.Cookie
		if err := ck.ParseBytes(v); err != nil {
			c.t.Fatal(err)
		}
		if !ck.HTTPOnly() || !ck.Secure() || ck.SameSite() != fasthttp.CookieSameSiteStrictMode {
			c.t.Errorf("cookie %s is not HttpOnly, Secure, SameSite=Strict: %s", k, v)
		}
		if len(ck.Value()) == 0 {
			delete(c.cookies, string(k))
		} else {
			c.cookies[string(k)] = string(ck.Value())
		}
	})
	r := response{status: ctx.Response.StatusCode(), location: string(ctx.Response.Header.Peek("Location")), body: string(ctx.Response.Body())}
	if m := csrfField.FindStringSubmatch(r.body); m != nil {
		c.csrf = m[1]
	}
	return r
}

func (c *client) get(path string) response { return c.do("GET", path, nil) }

// post sends a form with the page's CSRF token unless form sets one.
func (c *client) post(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	return c.do("POST", path, form)
}

// login signs in as name and loads the queue (for its CSRF token).
func (c *client) login(name string) {
	c.t.Helper()
	c.get("/desk/login")
	r := c.post("/desk/login", url.Values{"name": {name}, "password": {testPass}})
	if r.status != fasthttp.StatusSeeOther {
		c.t.Fatalf("login %s: status %d: %s", name, r.status, r.body)
	}
	if r.location == "/desk/" {
		c.get("/desk/")
	}
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: %q missing", what, w)
		}
	}
}

// wordKeyShown is a word key shown instead of its text ("[key]").
var wordKeyShown = regexp.MustCompile(`\[[a-z]+_[a-z_]+\]`)
