package line

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

// hangingAPI is a Messaging API that never answers the calls to the paths
// in hang (until the test ends) and answers the others at once. Arrived
// receives the path of every call that hangs.
func hangingAPI(t *testing.T, hang ...string) (url string, arrived chan string) {
	t.Helper()
	release := make(chan struct{})
	arrived = make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		for _, p := range hang {
			if r.URL.Path == p {
				arrived <- p
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
		}
		io.WriteString(w, `{"sentMessages":[{"id":"1","quoteToken":"q"}]}`)
	}))
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() { close(release) })
		srv.Close()
	})
	return srv.URL, arrived
}

// TestDeliverCancelled: a reply or a push the API never answers ends when
// the event's context is cancelled (the server shutting down), long before
// the HTTP client's own timeout, with both transports. The call had reached
// the API, so the replies may have arrived: unknown, not lost, and not
// pushed after a reply.
func TestDeliverCancelled(t *testing.T) {
	replies := []dialogs.Reply{{Text: "hi"}}
	received := time.Now()
	tests := []struct {
		name   string
		path   string
		age    time.Duration // of the event: past the reply window, a push
		client func(base string) *http.Client
	}{
		{"reply, fasthttp", replyPath, 0, NewHTTPClient},
		{"push, fasthttp", pushPath, time.Minute, NewHTTPClient},
		{"reply, net/http", replyPath, 0, func(string) *http.Client { return &http.Client{Timeout: 10 * time.Second} }},
		{"push, net/http", pushPath, time.Minute, func(string) *http.Client { return &http.Client{Timeout: 10 * time.Second} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, arrived := hangingAPI(t, tt.path)
			c, err := New(Config{
				Secret: testSecret, Token: "tok", APIBase: base, PushFallback: true, HTTPClient: tt.client(base),
				Now: func() time.Time { return received.Add(tt.age) },
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-arrived
				cancel()
			}()
			ev := bot.Event{Type: "text", Reply: replyTo{token: "tok123", userID: "Uabc", received: received}}
			start := time.Now()
			err = c.Deliver(ctx, ev, replies)
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("Deliver took %v after the cancellation", took)
			}
			if !errors.Is(err, context.Canceled) || !errors.Is(err, bot.ErrDeliveryUnknown) || errors.Is(err, ErrLost) {
				t.Errorf("error %v, want bot.ErrDeliveryUnknown and context.Canceled", err)
			}
			if !strings.HasPrefix(err.Error(), "line: ") {
				t.Errorf("error %q without the package prefix", err)
			}
		})
	}
}

// TestLoadingAnimationCancelled: the loading animation's call carries the
// event's context: when it is cancelled, the call ends, and the reply
// (which waits for the animation's call, so as not to overtake it) goes
// out at once.
func TestLoadingAnimationCancelled(t *testing.T) {
	base, arrived := hangingAPI(t, loadingPath)
	c, err := New(Config{Secret: testSecret, Token: "tok", APIBase: base, LoadingDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ev := bot.Event{Type: "text", Input: dialogs.Input{Text: "0000 1111 2222"}, Reply: replyTo{token: "tok1", userID: "Uabc", received: time.Now()}}
	c.Prepare(ctx, ev)
	select {
	case <-arrived:
	case <-time.After(5 * time.Second):
		t.Fatal("no loading animation call")
	}
	cancel()
	start := time.Now()
	if err := c.Deliver(context.Background(), ev, []dialogs.Reply{{Text: "result"}}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the reply waited %v for a cancelled animation", took)
	}
}

// TestFastTransportCancel: a call whose context is cancelled ends at once,
// even with no deadline, and a context cancelled before the call sends
// nothing.
func TestFastTransportCancel(t *testing.T) {
	base, arrived := hangingAPI(t, "/hang")
	tr := NewHTTPClient(base).Transport
	tests := []struct {
		name        string
		cancelFirst bool
	}{
		{"cancelled while waiting", false},
		{"cancelled before", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelFirst {
				cancel()
			} else {
				go func() {
					<-arrived
					cancel()
				}()
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/hang", strings.NewReader(`{}`))
			start := time.Now()
			res, err := tr.RoundTrip(req)
			if !errors.Is(err, context.Canceled) || res != nil {
				t.Errorf("RoundTrip = %v, %v; want context.Canceled", res, err)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}
