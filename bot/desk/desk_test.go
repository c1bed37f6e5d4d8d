package desk

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// Every page and action, for the tests that walk them all.
var (
	pages   = []string{"/desk/", "/desk/find", "/desk/audit", "/desk/charts", "/desk/password", "/desk/t/AAA-AAA"}
	actions = []string{"/desk/t/AAA-AAA/claim", "/desk/t/AAA-AAA/release", "/desk/t/AAA-AAA/note", "/desk/t/AAA-AAA/close",
		"/desk/t/AAA-AAA/reveal", "/desk/find", "/desk/password", "/desk/lang", "/desk/logout"}
)

func TestNoPageOrActionWithoutSession(t *testing.T) {
	f := newFixture(t, nil, nil)
	for _, bad := range []struct{ name, cookie string }{{"no cookie", ""}, {"unknown token", "forged"}} {
		c := f.client(t)
		if bad.cookie != "" {
			c.cookies[sessionCookie] = bad.cookie
		}
		for _, p := range pages {
			if r := c.get(p); r.status != fasthttp.StatusSeeOther || r.location != "/desk/login" {
				t.Errorf("%s: GET %s: %d → %q, want 303 → /desk/login", bad.name, p, r.status, r.location)
			}
		}
		if r := c.get("/desk/events"); r.status != fasthttp.StatusUnauthorized {
			t.Errorf("%s: events: %d, want 401", bad.name, r.status)
		}
		for _, a := range actions {
			r := c.post(a, url.Values{"csrf": {"x"}, "outcome": {"resolved"}, "text": {"hi"}})
			if r.status != fasthttp.StatusUnauthorized {
				t.Errorf("%s: POST %s: %d, want 401", bad.name, a, r.status)
			}
		}
	}
	got, _ := f.tk.Get(context.Background(), "AAA-AAA")
	if got.Status != tickets.StatusOpen || got.Callback == nil {
		t.Errorf("a refused action changed the ticket: %+v", got)
	}
	if rv, _ := f.st.Reveals(context.Background(), 0); len(rv) != 0 {
		t.Errorf("a refused reveal was audited: %+v", rv)
	}
}

func TestCSRFRefused(t *testing.T) {
	f := newFixture(t, nil, nil)
	c := f.client(t)
	c.login("chen")
	for _, a := range actions {
		for _, token := range []string{"", "wrong", c.csrf + "x"} {
			r := c.post(a, url.Values{"csrf": {token}, "outcome": {"resolved"}, "text": {"hi"}, "lang": {"zh-TW"}})
			if r.status != fasthttp.StatusForbidden {
				t.Errorf("POST %s with csrf %q: %d, want 403", a, token, r.status)
			}
		}
	}
	got, _ := f.tk.Get(context.Background(), "AAA-AAA")
	if got.Status != tickets.StatusOpen {
		t.Errorf("a refused action changed the ticket: %+v", got)
	}
	if rv, _ := f.st.Reveals(context.Background(), 0); len(rv) != 0 {
		t.Errorf("a refused reveal was audited: %+v", rv)
	}
	// Still signed in: the refusals did not log out.
	if r := c.get("/desk/"); r.status != fasthttp.StatusOK {
		t.Errorf("queue after refusals: %d", r.status)
	}
	// The login form needs its own token too.
	l := f.client(t)
	l.get("/desk/login")
	if r := l.post("/desk/login", url.Values{"csrf": {"forged"}, "name": {"chen"}, "password": {testPass}}); r.status != fasthttp.StatusForbidden {
		t.Errorf("login with a forged token: %d, want 403", r.status)
	}
}

func TestSupervisorPages(t *testing.T) {
	f := newFixture(t, nil, nil)
	tests := []struct {
		name, op string
		want     int
	}{{"operator", "lin", fasthttp.StatusForbidden}, {"supervisor", "chen", fasthttp.StatusOK}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.client(t)
			c.login(tt.op)
			for _, p := range []string{"/desk/audit", "/desk/charts"} {
				if r := c.get(p); r.status != tt.want {
					t.Errorf("%s: %d, want %d", p, r.status, tt.want)
				}
			}
			q := c.get("/desk/")
			if got := strings.Contains(q.body, `href="/desk/audit"`); got != (tt.want == fasthttp.StatusOK) {
				t.Errorf("audit link shown: %v", got)
			}
		})
	}
}

func TestEveryPageRenders(t *testing.T) {
	f := newFixture(t, nil, nil)
	for _, lang := range Langs {
		c := f.client(t)
		c.login("chen")
		c.post("/desk/lang", url.Values{"lang": {lang}})
		for _, p := range append(pages, "/desk/t/DDD-DDD", "/desk/login?lang="+lang) {
			r := c.get(p)
			if r.status != fasthttp.StatusOK {
				t.Errorf("%s %s: %d", lang, p, r.status)
			}
			if strings.Contains(r.body, "[") && strings.Contains(r.body, "_") && wordKeyShown.MatchString(r.body) {
				t.Errorf("%s %s shows a word key: %s", lang, p, wordKeyShown.FindString(r.body))
			}
			mustContain(t, lang+" "+p, r.body, `<html lang="`+lang+`">`)
		}
	}
}

func TestTicketActions(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	lin, wu := f.client(t), f.client(t)
	lin.login("lin")
	wu.login("wu")
	page := lin.get("/desk/t/AAA-AAA")
	mustContain(t, "ticket page", page.body, "say:en:mismatch_twice", "A12*****89", "0912***678", "我的證號 A12*****89", `id="claim"`, `id="reveal"`)
	steps := []struct {
		name   string
		c      *client
		path   string
		form   url.Values
		status int
		want   tickets.Status
	}{
		{"claim", lin, "/desk/t/AAA-AAA/claim", nil, fasthttp.StatusSeeOther, tickets.StatusClaimed},
		{"claimed twice", wu, "/desk/t/AAA-AAA/claim", nil, fasthttp.StatusConflict, tickets.StatusClaimed},
		{"released by another operator", wu, "/desk/t/AAA-AAA/release", nil, fasthttp.StatusForbidden, tickets.StatusClaimed},
		{"closed by another operator", wu, "/desk/t/AAA-AAA/close", url.Values{"outcome": {"resolved"}}, fasthttp.StatusForbidden, tickets.StatusClaimed},
		{"note", wu, "/desk/t/AAA-AAA/note", url.Values{"text": {"called back at 0912 345 678, ID A123456789"}}, fasthttp.StatusSeeOther, tickets.StatusClaimed},
		{"empty note", lin, "/desk/t/AAA-AAA/note", url.Values{"text": {"  "}}, fasthttp.StatusBadRequest, tickets.StatusClaimed},
		{"release", lin, "/desk/t/AAA-AAA/release", nil, fasthttp.StatusSeeOther, tickets.StatusOpen},
		{"claim again", lin, "/desk/t/AAA-AAA/claim", nil, fasthttp.StatusSeeOther, tickets.StatusClaimed},
		{"close without outcome", lin, "/desk/t/AAA-AAA/close", url.Values{"outcome": {"maybe"}}, fasthttp.StatusBadRequest, tickets.StatusClaimed},
		{"close", lin, "/desk/t/AAA-AAA/close", url.Values{"outcome": {"referred"}}, fasthttp.StatusSeeOther, tickets.StatusClosed},
		{"closed ticket cannot be claimed", wu, "/desk/t/AAA-AAA/claim", nil, fasthttp.StatusConflict, tickets.StatusClosed},
		{"closed ticket cannot be closed", lin, "/desk/t/AAA-AAA/close", url.Values{"outcome": {"resolved"}}, fasthttp.StatusConflict, tickets.StatusClosed},
		{"no note on a closed ticket", lin, "/desk/t/AAA-AAA/note", url.Values{"text": {"late"}}, fasthttp.StatusConflict, tickets.StatusClosed},
		{"unknown ticket", lin, "/desk/t/NOP-EEE/claim", nil, fasthttp.StatusNotFound, tickets.StatusClosed},
		{"unknown action", lin, "/desk/t/AAA-AAA/delete", nil, fasthttp.StatusNotFound, tickets.StatusClosed},
		{"action by GET", lin, "/desk/t/AAA-AAA/claim", nil, fasthttp.StatusMethodNotAllowed, tickets.StatusClosed},
	}
	for _, s := range steps {
		var r response
		if s.name == "action by GET" {
			r = s.c.get(s.path)
		} else {
			r = s.c.post(s.path, s.form)
		}
		if r.status != s.status {
			t.Errorf("%s: status %d, want %d", s.name, r.status, s.status)
		}
		if got, _ := f.tk.Get(ctx, "AAA-AAA"); got.Status != s.want {
			t.Errorf("%s: ticket %s, want %s", s.name, got.Status, s.want)
		}
	}
	got, _ := f.tk.Get(ctx, "AAA-AAA")
	if got.Callback != nil {
		t.Error("closing kept the call-back number")
	}
	notes, _ := f.st.Notes(ctx, "AAA-AAA")
	if len(notes) != 2 || notes[0].Operator != "wu" || notes[1].Text != "referred" {
		t.Fatalf("notes %+v", notes)
	}
	if strings.Contains(notes[0].Text, "345678") || strings.Contains(notes[0].Text, testID) || !strings.Contains(notes[0].Text, "A12*****89") {
		t.Errorf("a note kept a number: %q", notes[0].Text)
	}
	page = lin.get("/desk/t/AAA-AAA?done=close")
	mustContain(t, "closed ticket", page.body, "Closed.", "referred", "No call-back number")
	if strings.Contains(page.body, `id="claim"`) || strings.Contains(page.body, `id="reveal"`) {
		t.Error("a closed ticket offers claim or reveal")
	}
}

func TestRevealWritesOneAuditRow(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	c := f.client(t)
	c.login("lin")
	c.get("/desk/t/AAA-AAA")
	r := c.post("/desk/t/AAA-AAA/reveal", nil)
	if r.status != fasthttp.StatusOK {
		t.Fatalf("reveal: %d", r.status)
	}
	mustContain(t, "reveal", r.body, testPhone, "Recorded: lin")
	rows, err := f.st.Reveals(ctx, 0)
	if err != nil || len(rows) != 1 || rows[0].Operator != "lin" || rows[0].Ref != "AAA-AAA" || !rows[0].At.Equal(f.now) {
		t.Fatalf("audit rows %+v, %v; want one of lin on AAA-AAA", rows, err)
	}
	// Shown once: the ticket page does not show it again.
	if p := c.get("/desk/t/AAA-AAA"); strings.Contains(p.body, testPhone) {
		t.Error("the number is shown again without a click")
	}
	// Supervisors read the audit.
	s := f.client(t)
	s.login("chen")
	mustContain(t, "audit", s.get("/desk/audit").body, "lin", "AAA-AAA")
	// A ticket without a number writes no row.
	c.get("/desk/t/CCC-CCC")
	if r := c.post("/desk/t/CCC-CCC/reveal", nil); r.status != fasthttp.StatusOK {
		t.Errorf("reveal without a number: %d", r.status)
	}
	if rows, _ := f.st.Reveals(ctx, 0); len(rows) != 1 {
		t.Errorf("%d audit rows, want 1", len(rows))
	}
	if strings.Contains(f.logs.String(), testPhone) {
		t.Error("the number reached the log")
	}
}

func TestFind(t *testing.T) {
	f := newFixture(t, nil, nil)
	c := f.client(t)
	c.login("lin")
	c.get("/desk/find")
	tests := []struct {
		name, q    string
		status     int
		location   string
		wants      []string
		notPresent string
	}{
		{"reference", "aaa aaa", fasthttp.StatusSeeOther, "/desk/t/AAA-AAA", nil, ""},
		{"unknown reference", "NOP-EEE", fasthttp.StatusOK, "", []string{"No ticket found."}, ""},
		{"ID number", testID, fasthttp.StatusOK, "", []string{"AAA-AAA", "CCC-CCC", "DDD-DDD"}, testID},
		{"ID number with spaces and lower case", "a 123 456 789", fasthttp.StatusOK, "", []string{"AAA-AAA"}, "123456789"},
		{"unknown ID number", "B123456780", fasthttp.StatusOK, "", []string{"No ticket found."}, "B123456780"},
		{"bad ID number", "A123456788", fasthttp.StatusBadRequest, "", []string{"neither a reference"}, "A123456788"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.post("/desk/find", url.Values{"q": {tt.q}})
			if r.status != tt.status || r.location != tt.location {
				t.Fatalf("got %d → %q, want %d → %q", r.status, r.location, tt.status, tt.location)
			}
			mustContain(t, tt.name, r.body, tt.wants...)
			if tt.notPresent != "" && strings.Contains(r.body, tt.notPresent) {
				t.Errorf("the page repeats the number typed")
			}
		})
	}
	if strings.Contains(f.logs.String(), "123456789") {
		t.Error("an ID number reached the log")
	}
}

func TestQueue(t *testing.T) {
	f := newFixture(t, nil, nil)
	c := f.client(t)
	c.login("lin")
	tests := []struct {
		name, query string
		want, not   []string
	}{
		{"all", "", []string{"AAA-AAA", "CCC-CCC"}, []string{"DDD-DDD"}},
		{"line", "?line=nhia", []string{"CCC-CCC"}, []string{"AAA-AAA"}},
		{"reason", "?reason=mismatch_twice", []string{"AAA-AAA"}, []string{"CCC-CCC"}},
		{"channel", "?channel=telegram", nil, []string{"AAA-AAA", "CCC-CCC"}},
		{"language", "?lang=zh-TW", []string{"AAA-AAA", "CCC-CCC"}, nil},
		{"age", "?age=1h", nil, []string{"data-ref=\"AAA-AAA\"", "data-ref=\"CCC-CCC\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.get("/desk/" + tt.query)
			if r.status != fasthttp.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.body, `data-ref="`+w+`"`) {
					t.Errorf("%s missing", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(r.body, `data-ref="`+strings.Trim(n, `data-ref="`)+`"`) {
					t.Errorf("%s shown", n)
				}
			}
		})
	}
	all := c.get("/desk/")
	mustContain(t, "counts", all.body, `href="/desk/?line=1922">1922 <b>1</b>`, `href="/desk/?line=nhia">nhia <b>1</b>`, `data-events="/desk/events?since=`)
}
