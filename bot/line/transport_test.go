package line

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestFastTransport: a call goes out with its method, headers and body,
// and the answer comes back with its status, headers and body.
func TestFastTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/v2/bot/message/reply" || r.URL.RawQuery != "a=1" ||
			r.Header.Get("Authorization") != "Bearer tok" || string(body) != `{"x":1}` {
			t.Errorf("got %s %s?%s auth %q body %q", r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), body)
		}
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"message":"slow down"}`)
	}))
	defer srv.Close()
	c := NewHTTPClient(srv.URL)
	if _, ok := c.Transport.(fastTransport); !ok {
		t.Fatalf("transport %T, want fastTransport without a proxy", c.Transport)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v2/bot/message/reply?a=1", strings.NewReader(`{"x":1}`))
	req.Header.Set("Authorization", "Bearer tok")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "3" || string(body) != `{"message":"slow down"}` {
		t.Errorf("status %d, Retry-After %q, body %q", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
}

// TestFastTransportTimeout: the client's timeout ends a call that hangs.
func TestFastTransportTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	c := NewHTTPClient(srv.URL)
	c.Timeout = 50 * time.Millisecond
	res, err := c.Get(srv.URL)
	if err == nil {
		res.Body.Close()
		t.Fatal("a hanging call returned without error")
	}
}

func TestProxied(t *testing.T) {
	viaProxy := func(*http.Request) (*url.URL, error) { return url.Parse("http://proxy:3128") }
	direct := func(*http.Request) (*url.URL, error) { return nil, nil }
	broken := func(*http.Request) (*url.URL, error) { return nil, errors.New("bad proxy setting") }
	tests := []struct {
		name  string
		base  string
		proxy func(*http.Request) (*url.URL, error)
		want  bool
	}{
		{"direct", "https://api.line.me", direct, false},
		{"proxy", "https://api.line.me", viaProxy, true},
		{"unreadable proxy setting", "https://api.line.me", broken, true},
		{"bad base URL", "://x", direct, true},
	}
	for _, tt := range tests {
		if got := proxied(tt.base, tt.proxy); got != tt.want {
			t.Errorf("%s: proxied = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestFastTransportTLS: LINE's API is HTTPS; the transport speaks it.
func TestFastTransportTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"sentMessages":[]}`)
	}))
	defer srv.Close()
	tlsConfig := srv.Client().Transport.(*http.Transport).TLSClientConfig
	c := &http.Client{Timeout: 5 * time.Second, Transport: fastTransport{c: &fasthttp.Client{TLSConfig: tlsConfig}}}
	res, err := c.Post(srv.URL+"/v2/bot/message/reply", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(body) != `{"sentMessages":[]}` {
		t.Errorf("status %d, body %q", res.StatusCode, body)
	}
}
