package staff_test

import (
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/bot/desk/staff"
	"github.com/vaxbot/vaxbot/bot/desk/staff/stafftest"
)

func TestMemoryStore(t *testing.T) {
	stafftest.Run(t, func(*testing.T) staff.Store { return staff.NewMemoryStore() })
}

func TestPasswords(t *testing.T) {
	h, err := staff.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") || strings.Contains(h, "correct") {
		t.Errorf("hash %q", h)
	}
	tests := []struct {
		name, hash, password string
		want                 bool
		wantErr              bool
	}{
		{"right", h, "correct horse", true, false},
		{"wrong", h, "correct horsE", false, false},
		{"empty", h, "", false, false},
		{"not a hash", "plain", "plain", false, true},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuv", "x", false, true},
		{"bad params", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$a2V5", "x", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := staff.CheckPassword(tt.hash, tt.password)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("got %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	h2, _ := staff.HashPassword("correct horse")
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
}

func TestNewPasswordAndToken(t *testing.T) {
	p1, _ := staff.NewPassword()
	p2, _ := staff.NewPassword()
	if len(p1) != 16 || p1 == p2 {
		t.Errorf("passwords %q, %q", p1, p2)
	}
	tok, _ := staff.NewToken()
	if len(tok) < 40 || staff.HashToken(tok) == tok || len(staff.HashToken(tok)) != 64 {
		t.Errorf("token %q, hash %q", tok, staff.HashToken(tok))
	}
}

func TestParseRole(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want staff.Role
		ok   bool
	}{{"operator", staff.RoleOperator, true}, {"supervisor", staff.RoleSupervisor, true}, {"admin", "", false}, {"", "", false}} {
		if got, ok := staff.ParseRole(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
