package desk

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// TestLiveQueue: a ticket created while the queue's stream is open
// arrives as a row, woken by the hub; one that does not match the filter
// does not; the event id is the ticket's creation time, the cursor a
// reconnecting browser sends back as Last-Event-ID.
func TestLiveQueue(t *testing.T) {
	f := newFixture(t, nil, nil)
	c := f.client(t)
	c.login("lin")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: f.d.Handle}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown() })

	since := f.now.UnixMicro()
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/desk/events?line=1922&since="+itoa(since), nil)
	req.Header.Set("Cookie", sessionCookie+"="+c.cookies[sessionCookie])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	ctx := context.Background()
	for _, tk := range []*tickets.Ticket{
		{Ref: "NHI-AAA", Channel: "telegram", Lang: "en", Reason: "asked", Line: "nhia", Status: tickets.StatusOpen, CreatedAt: f.now.Add(time.Second), UpdatedAt: f.now},
		{Ref: "NEW-AAA", Channel: "line", Lang: "en", Reason: "asked", Line: "1922", Status: tickets.StatusOpen, CreatedAt: f.now.Add(2 * time.Second), UpdatedAt: f.now},
	} {
		if err := f.tk.Create(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	f.d.cfg.Hub.Publish()
	var got []string
	timeout := time.After(15 * time.Second)
	for !strings.Contains(strings.Join(got, "\n"), `data-ref="NEW-AAA"`) {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended without the ticket: %q", got)
			}
			got = append(got, l)
		case <-timeout:
			t.Fatalf("no event within 15 s: %q", got)
		}
	}
	all := strings.Join(got, "\n")
	if strings.Contains(all, "NHI-AAA") {
		t.Error("a ticket of another line was sent")
	}
	want := "id: " + itoa(f.now.Add(2*time.Second).UnixMicro())
	if !strings.Contains(all, want) || !strings.Contains(all, "event: ticket") {
		t.Errorf("events %q, want %q", all, want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
