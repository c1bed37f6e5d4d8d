package bot

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// startApart serves s's public routes and admin routes on two loopback
// listeners until the test ends, and returns their base URLs.
func startApart(t *testing.T, s *Server) (public, admin string) {
	t.Helper()
	var urls [2]string
	for i, serve := range []func(net.Listener) error{s.Serve, s.ServeAdmin} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go serve(ln)
		urls[i] = "http://" + ln.Addr().String()
	}
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return urls[0], urls[1]
}

// TestAdminApartRoutes: with AdminApart each listener answers its own
// routes and 404 for the other's; the desk, when given, is an admin route.
func TestAdminApartRoutes(t *testing.T) {
	desk := func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("desk\n") }
	s := NewServer(ServerConfig{
		Channels: []Channel{newFakeChannel()}, Dispatcher: NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Workers: 1}),
		Voice: fakeVoice{}, Ops: &Ops{Token: "ops-token", Tickets: tickets.NewMemoryStore()}, Desk: desk,
		AdminApart: true,
	})
	public, admin := startApart(t, s)
	bearer := map[string]string{"Authorization": "Bearer ops-token"}
	tests := []struct {
		name, method, path string
		header             map[string]string
		wantPublic         int
		wantAdmin          int
	}{
		{"healthz", http.MethodGet, "/healthz", nil, http.StatusOK, http.StatusNotFound},
		{"readyz", http.MethodGet, "/readyz", nil, http.StatusOK, http.StatusNotFound},
		{"voice", http.MethodPost, "/voice/incoming", nil, http.StatusOK, http.StatusNotFound},
		{"webhook, wrong method", http.MethodGet, "/webhook/line", nil, http.StatusMethodNotAllowed, http.StatusNotFound},
		{"metrics", http.MethodGet, "/metrics", nil, http.StatusNotFound, http.StatusOK},
		{"ops", http.MethodGet, "/ops/tickets", bearer, http.StatusNotFound, http.StatusOK},
		{"desk", http.MethodGet, "/desk/", nil, http.StatusNotFound, http.StatusOK},
		{"pprof", http.MethodGet, "/debug/pprof/cmdline", nil, http.StatusNotFound, http.StatusOK},
		{"unknown", http.MethodGet, "/nope", nil, http.StatusNotFound, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res, _ := do(t, tt.method, public+tt.path, "", tt.header); res.StatusCode != tt.wantPublic {
				t.Errorf("public listener: got %d, want %d", res.StatusCode, tt.wantPublic)
			}
			if res, _ := do(t, tt.method, admin+tt.path, "", tt.header); res.StatusCode != tt.wantAdmin {
				t.Errorf("admin listener: got %d, want %d", res.StatusCode, tt.wantAdmin)
			}
		})
	}
}

// TestOneListenerRoutes: without AdminApart the one listener answers
// every route but pprof, the desk too, and ServeAdmin is refused.
func TestOneListenerRoutes(t *testing.T) {
	desk := func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("desk\n") }
	s := NewServer(ServerConfig{Dispatcher: NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Workers: 1}), Desk: desk})
	base := startServer(t, s)
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/healthz", http.StatusOK}, {"/metrics", http.StatusOK}, {"/desk/", http.StatusOK},
		{"/ops/tickets", http.StatusNotFound}, // no Ops given
		{"/debug/pprof/", http.StatusNotFound},
	} {
		if res, _ := do(t, http.MethodGet, base+tt.path, "", nil); res.StatusCode != tt.want {
			t.Errorf("GET %s: got %d, want %d", tt.path, res.StatusCode, tt.want)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := s.ServeAdmin(ln); !errors.Is(err, ErrNoAdminListener) {
		t.Errorf("ServeAdmin without AdminApart: got %v, want ErrNoAdminListener", err)
	}
}

// TestShutdownStopsBothListeners: one Shutdown closes the public and the
// admin listener, and waits for a request in flight on the admin one.
func TestShutdownStopsBothListeners(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	desk := func(ctx *fasthttp.RequestCtx) {
		close(entered)
		<-release
		ctx.SetBodyString("desk\n")
	}
	s := NewServer(ServerConfig{Dispatcher: NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Workers: 1}), Desk: desk, AdminApart: true})
	public, admin := startApart(t, s)
	answered := make(chan int, 1)
	go func() {
		res, err := http.Get(admin + "/desk/")
		if err != nil {
			answered <- 0
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- s.Shutdown(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown returned (%v) with a request in flight on the admin listener", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	if code := <-answered; code != http.StatusOK {
		t.Errorf("the request in flight: %d, want 200", code)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	for _, base := range []string{public, admin} {
		if res, err := (&http.Client{Timeout: time.Second}).Get(base + "/healthz"); err == nil {
			res.Body.Close()
			t.Errorf("%s still answers after Shutdown", base)
		}
	}
}
