package desk

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestLogin(t *testing.T) {
	f := newFixture(t, nil, nil)
	tests := []struct {
		name, user, password string
		status               int
		location             string
	}{
		{"right", "lin", testPass, fasthttp.StatusSeeOther, "/desk/"},
		{"wrong password", "lin", "nope", fasthttp.StatusUnauthorized, ""},
		{"unknown name", "nobody", testPass, fasthttp.StatusUnauthorized, ""},
		{"one-time password", "newbie", testPass, fasthttp.StatusSeeOther, "/desk/password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.client(t)
			c.get("/desk/login")
			r := c.post("/desk/login", url.Values{"name": {tt.user}, "password": {tt.password}})
			if r.status != tt.status || r.location != tt.location {
				t.Errorf("got %d → %q, want %d → %q", r.status, r.location, tt.status, tt.location)
			}
			if _, ok := c.cookies[sessionCookie]; ok != (tt.status == fasthttp.StatusSeeOther) {
				t.Errorf("session cookie set: %v", ok)
			}
		})
	}
}

func TestLoginRateLimited(t *testing.T) {
	f := newFixture(t, nil, nil)
	c := f.client(t)
	c.get("/desk/login")
	for i := range failuresPerAccount {
		if r := c.post("/desk/login", url.Values{"name": {"lin"}, "password": {"wrong"}}); r.status != fasthttp.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, r.status)
		}
	}
	// The right password is refused too while the account is limited,
	// from another address as well.
	other := f.client(t)
	other.addr = "198.51.100.7"
	other.get("/desk/login")
	if r := other.post("/desk/login", url.Values{"name": {"lin"}, "password": {testPass}}); r.status != fasthttp.StatusTooManyRequests {
		t.Errorf("limited account: %d, want 429", r.status)
	}
	// Another account from the first address is still let in.
	if r := c.post("/desk/login", url.Values{"name": {"wu"}, "password": {testPass}}); r.status != fasthttp.StatusSeeOther {
		t.Errorf("other account: %d, want 303", r.status)
	}
	// Per address: many names from one address.
	a := f.client(t)
	a.addr = "203.0.113.9"
	a.get("/desk/login")
	for i := range failuresPerAddress {
		a.post("/desk/login", url.Values{"name": {"guess" + string(rune('a'+i))}, "password": {"x"}})
	}
	if r := a.post("/desk/login", url.Values{"name": {"chen"}, "password": {testPass}}); r.status != fasthttp.StatusTooManyRequests {
		t.Errorf("limited address: %d, want 429", r.status)
	}
	// The window passes.
	f.now = f.now.Add(failureWindow)
	if r := other.post("/desk/login", url.Values{"name": {"lin"}, "password": {testPass}}); r.status != fasthttp.StatusSeeOther {
		t.Errorf("after the window: %d, want 303", r.status)
	}
}

func TestFirstLoginMustChangePassword(t *testing.T) {
	f := newFixture(t, nil, nil)
	c := f.client(t)
	c.login("newbie")
	for _, p := range []string{"/desk/", "/desk/t/AAA-AAA", "/desk/find"} {
		if r := c.get(p); r.status != fasthttp.StatusSeeOther || r.location != "/desk/password" {
			t.Errorf("GET %s before the change: %d → %q", p, r.status, r.location)
		}
	}
	page := c.get("/desk/password")
	mustContain(t, "password page", page.body, "one-time password")
	if r := c.post("/desk/t/AAA-AAA/claim", nil); r.status != fasthttp.StatusForbidden {
		t.Errorf("claim before the change: %d, want 403", r.status)
	}
	tests := []struct {
		name, current, next, repeat string
		status                      int
	}{
		{"wrong current", "nope", "a new long password", "a new long password", fasthttp.StatusBadRequest},
		{"too short", testPass, "short", "short", fasthttp.StatusBadRequest},
		{"mismatch", testPass, "a new long password", "a new long passwort", fasthttp.StatusBadRequest},
		{"same", testPass, testPass, testPass, fasthttp.StatusBadRequest},
		{"good", testPass, "a new long password", "a new long password", fasthttp.StatusSeeOther},
	}
	for _, tt := range tests {
		if r := c.post("/desk/password", url.Values{"current": {tt.current}, "new": {tt.next}, "repeat": {tt.repeat}}); r.status != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, r.status, tt.status)
		}
	}
	if r := c.get("/desk/?done=password"); r.status != fasthttp.StatusOK || !strings.Contains(r.body, "password is saved") {
		t.Errorf("queue after the change: %d", r.status)
	}
	op, _ := f.st.Operator(context.Background(), "newbie")
	if op.MustChange {
		t.Error("still must change")
	}
}

func TestSessionExpiresAndLogout(t *testing.T) {
	f := newFixture(t, nil, nil)
	c := f.client(t)
	c.login("lin")
	f.now = f.now.Add(29 * time.Minute)
	if r := c.get("/desk/"); r.status != fasthttp.StatusOK {
		t.Fatalf("within the idle time: %d", r.status)
	}
	f.now = f.now.Add(31 * time.Minute)
	if r := c.get("/desk/"); r.status != fasthttp.StatusSeeOther {
		t.Errorf("after the idle time: %d, want 303", r.status)
	}
	c.login("lin")
	if r := c.post("/desk/logout", nil); r.status != fasthttp.StatusSeeOther || !strings.HasPrefix(r.location, "/desk/login") {
		t.Errorf("logout: %d → %q", r.status, r.location)
	}
	if r := c.get("/desk/"); r.status != fasthttp.StatusSeeOther {
		t.Errorf("after logout: %d, want 303", r.status)
	}
}

func TestLanguageSwitch(t *testing.T) {
	f := newFixture(t, nil, nil)
	c := f.client(t)
	c.login("lin")
	mustContain(t, "en", c.get("/desk/").body, "Open tickets")
	if r := c.post("/desk/lang", url.Values{"lang": {"zh-TW"}}); r.status != fasthttp.StatusSeeOther {
		t.Fatalf("switch: %d", r.status)
	}
	mustContain(t, "zh-TW", c.get("/desk/").body, "待處理案件", "say:zh-TW:")
	op, _ := f.st.Operator(context.Background(), "lin")
	if op.Lang != LangZhTW {
		t.Errorf("lang kept %q", op.Lang)
	}
}
