package voice

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"testing"

	"github.com/vaxbot/vaxbot/dialogs"
)

// vectorsFile holds the provider's validators' own test vectors (read,
// never copied into the repository).
const vectorsFile = "../../../shared/fixtures/platforms/twilio/validator_vectors.json"

// vector is one of them: a request URL and parameters, the token, and a
// signature (given, or made over signed_url), with whether the
// provider's validators accept it.
type vector struct {
	Name      string          `json:"name"`
	Token     string          `json:"token"`
	URL       string          `json:"url"`
	SignedURL string          `json:"signed_url"`
	Signature string          `json:"signature"`
	Params    json.RawMessage `json:"params"`
	Valid     bool            `json:"valid"`
}

// form reads the parameters: an object, or a list of [name, value] pairs
// when a name repeats.
func (v vector) form(t *testing.T) url.Values {
	t.Helper()
	form := url.Values{}
	var pairs [][2]string
	if err := json.Unmarshal(v.Params, &pairs); err == nil {
		for _, p := range pairs {
			form.Add(p[0], p[1])
		}
		return form
	}
	var m map[string]string
	if err := json.Unmarshal(v.Params, &m); err != nil {
		t.Fatalf("%s: params: %v", v.Name, err)
	}
	for k, val := range m {
		form.Set(k, val)
	}
	return form
}

// TestValidatorVectors: every vector of the provider's validators (Go,
// Python, Node.js) is accepted exactly when they accept it, by Valid and
// by the channel's Authenticate with the vector's URL as public URL.
func TestValidatorVectors(t *testing.T) {
	raw, err := os.ReadFile(vectorsFile)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("no vectors at %s (a clone without ../shared): the provider's validator vectors are not checked", vectorsFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	var vectors []vector
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) < 14 {
		t.Fatalf("got %d vectors, want 14", len(vectors))
	}
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			form := v.form(t)
			sig := v.Signature
			if sig == "" {
				sig = Signature(v.Token, v.SignedURL, form)
			}
			if got := Valid(v.Token, v.URL, form, sig); got != v.Valid {
				t.Errorf("Valid = %v, want %v", got, v.Valid)
			}
			u, err := url.Parse(v.URL)
			if err != nil {
				t.Fatal(err)
			}
			c := newChannelAt(t, v.Token, u.Scheme+"://"+u.Host)
			if got := c.Authenticate(u.Path, u.RawQuery, form, sig); got != v.Valid {
				t.Errorf("Authenticate = %v, want %v", got, v.Valid)
			}
		})
	}
}

// silent is a Handler that says nothing: signatures need no conversation.
type silent struct{}

func (silent) Handle(context.Context, dialogs.Input) ([]dialogs.Reply, error) { return nil, nil }
func (silent) Apology(dialogs.Input) []dialogs.Reply                          { return nil }

// newChannelAt is a channel whose provider calls publicURL.
func newChannelAt(t *testing.T, token, publicURL string) *Channel {
	t.Helper()
	c, err := New(Config{AuthToken: token, PublicURL: publicURL, Handler: silent{}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAuthenticateURLForms: a request is accepted when signed over the
// public URL with or without the default port, with a port configured, and
// without the user and password the URL may hold; never over another
// host, path or port, or with a parameter changed.
func TestAuthenticateURLForms(t *testing.T) {
	const token = "voice-token"
	form := url.Values{"CallSid": {"CA1"}, "Digits": {"1"}}
	tests := []struct {
		name      string
		publicURL string // VAXBOT_PUBLIC_URL
		signedURL string // what the provider signed
		form      url.Values
		want      bool
	}{
		{"as configured", "https://vaxbot.example", "https://vaxbot.example/voice/gather", form, true},
		{"signed with :443", "https://vaxbot.example", "https://vaxbot.example:443/voice/gather", form, true},
		{"configured with :443, signed without", "https://vaxbot.example:443", "https://vaxbot.example/voice/gather", form, true},
		{"http signed with :80", "http://vaxbot.example", "http://vaxbot.example:80/voice/gather", form, true},
		{"configured with a port", "https://vaxbot.example:8443", "https://vaxbot.example:8443/voice/gather", form, true},
		{"configured with a port, signed without", "https://vaxbot.example:8443", "https://vaxbot.example/voice/gather", form, true},
		{"configured with a path", "https://vaxbot.example/tw", "https://vaxbot.example/tw/voice/gather", form, true},
		{"user and password stripped", "https://op:pw@vaxbot.example", "https://vaxbot.example/voice/gather", form, true},
		{"user and password stripped, :443", "https://op:pw@vaxbot.example", "https://vaxbot.example:443/voice/gather", form, true},
		{"another port", "https://vaxbot.example", "https://vaxbot.example:8443/voice/gather", form, false},
		{"http's port on https", "https://vaxbot.example", "https://vaxbot.example:80/voice/gather", form, false},
		{"another host", "https://vaxbot.example", "https://evil.example/voice/gather", form, false},
		{"another path", "https://vaxbot.example", "https://vaxbot.example/voice/incoming", form, false},
		{"signed with the password", "https://op:pw@vaxbot.example", "https://op:pw@vaxbot.example/voice/gather", form, false},
		{"a parameter changed", "https://vaxbot.example", "https://vaxbot.example/voice/gather", url.Values{"CallSid": {"CA1"}, "Digits": {"2"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChannelAt(t, token, tt.publicURL)
			sig := Signature(token, tt.signedURL, tt.form)
			if got := c.Authenticate(PathGather, "", form, sig); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSignatureRepeatedParameters: a repeated name's values are sorted and
// each distinct one is signed once, as the provider's validators do.
func TestSignatureRepeatedParameters(t *testing.T) {
	const u = "https://vaxbot.example/voice/gather"
	tests := []struct {
		name string
		a, b url.Values
		same bool
	}{
		{"order of values", url.Values{"Digits": {"5678", "1234"}}, url.Values{"Digits": {"1234", "5678"}}, true},
		{"a repeated value", url.Values{"Digits": {"1234", "5678", "1234"}}, url.Values{"Digits": {"1234", "5678"}}, true},
		{"another value", url.Values{"Digits": {"1234", "5678"}}, url.Values{"Digits": {"1234", "5679"}}, false},
		{"a value moved to another name", url.Values{"A": {"1"}, "B": {"2"}}, url.Values{"A": {"1", "2"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Signature("t", u, tt.a) == Signature("t", u, tt.b); got != tt.same {
				t.Errorf("same signature: got %v, want %v", got, tt.same)
			}
		})
	}
}
