package bot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
)

// memStream is a Stream in memory for the dispatcher's tests: entries wait
// in a channel; it records which were done and which were given back.
type memStream struct {
	entries   chan []byte
	appendErr error
	mu        sync.Mutex
	done      []string
	closed    bool
}

func newMemStream() *memStream { return &memStream{entries: make(chan []byte, 64)} }

func (s *memStream) Append(_ context.Context, _ string, entry []byte) error {
	if s.appendErr != nil {
		return s.appendErr
	}
	s.entries <- entry
	return nil
}

func (s *memStream) Consume(ctx context.Context, take func(context.Context, StreamEntry) error) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-s.entries:
			var se streamEvent
			json.Unmarshal(e, &se)
			text := se.Input.Text
			if err := take(ctx, StreamEntry{Data: e, Done: func() {
				s.mu.Lock()
				s.done = append(s.done, text)
				s.mu.Unlock()
			}}); err != nil {
				return nil
			}
		}
	}
}

func (s *memStream) Close(context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

func (s *memStream) doneTexts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.done...)
}

// codecChannel is fakeChannel whose reply context can wait in a Stream.
type codecChannel struct{ *fakeChannel }

func (codecChannel) EncodeReply(reply any) ([]byte, error) { return json.Marshal(reply) }
func (codecChannel) DecodeReply(data []byte) (any, error) {
	var s string
	err := json.Unmarshal(data, &s)
	return s, err
}

// TestDispatcherStream: with a Stream, accepted events go through it and
// each is done once its replies are delivered; an entry that cannot be
// read back is counted and done, never retried for ever; when appending
// fails the event waits in memory and is still answered; at shutdown what
// the workers did not finish is given back, not done and not lost.
func TestDispatcherStream(t *testing.T) {
	ch := codecChannel{newFakeChannel()}
	stream := newMemStream()
	logs := &lockedBuffer{}
	block := make(chan struct{})
	handler := handlerFunc(func(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error) {
		if in.Text == "slow" {
			select {
			case <-block:
			case <-ctx.Done():
			}
		}
		return echo(ctx, in)
	})
	d := NewDispatcher(DispatcherConfig{Handler: handler, Workers: 1, Stream: stream, Channels: []Channel{ch},
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if !d.Durable() {
		t.Fatal("a dispatcher with a Stream says it is not durable")
	}
	accept := func(text string) {
		t.Helper()
		ev := Event{ID: text, Type: "text", Input: dialogs.Input{Person: "line:U1", Text: text}, Reply: "token-" + text}
		if err := d.Accept(context.Background(), ch, ev); err != nil {
			t.Fatal(err)
		}
	}
	accept("one")
	accept("two")
	for _, want := range []string{"re: one", "re: two"} {
		if got := ch.wait(t); got != want {
			t.Errorf("delivered %q, want %q", got, want)
		}
	}
	stream.entries <- []byte(`{"c":"line","t":"text","in":{"Person":"line:U1"},"re":42}`)
	stream.entries <- []byte(`{"c":"smoke-signals","t":"text","in":{"Person":"line:U1","Text":"A123456789"}}`)
	stream.appendErr = errors.New("connection refused")
	accept("three")
	if got := ch.wait(t); got != "re: three" {
		t.Errorf("with the stream down, delivered %q, want the event from memory", got)
	}
	stream.appendErr = nil
	accept("slow")
	accept("four")
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Errorf("close: %v: events from a stream are given back, not lost", err)
	}
	close(block)
	if got, want := strings.Join(stream.doneTexts(), ","), "one,two,,A123456789"; got != want {
		t.Errorf("done %q, want %q (the undecodable ones done, the slow one and the next given back)", got, want)
	}
	m := metricsText(d.cfg.Metrics)
	for _, want := range []string{
		`vaxbot_events_lost_total{channel="none",reason="undecodable"} 1`,
		`vaxbot_events_lost_total{channel="line",reason="undecodable"} 1`,
		`vaxbot_stream_fallback_total{channel="line"} 1`,
		`vaxbot_stream_returned_total{channel="line"} 2`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s:\n%s", want, m)
		}
	}
	if strings.Contains(m, `reason="shutdown"`) {
		t.Errorf("an event from the stream was counted lost:\n%s", m)
	}
	if strings.Contains(logs.String(), "A123456789") {
		t.Errorf("an entry's contents were logged:\n%s", logs)
	}
	if !stream.closed {
		t.Error("the stream was not closed")
	}
}

// newMemStream's entries with AppendNew: the ids it keeps, and how many
// calls it took.
type memAppendNewer struct {
	*memStream
	mu    sync.Mutex
	ids   map[string]bool
	calls int
}

func (s *memAppendNewer) AppendNew(ctx context.Context, key string, _ time.Duration, person string, entry []byte) (bool, error) {
	s.mu.Lock()
	s.calls++
	if s.appendErr != nil {
		s.mu.Unlock()
		return false, s.appendErr
	}
	seen := s.ids[key]
	s.ids[key] = true
	s.mu.Unlock()
	if seen {
		return true, nil
	}
	return false, s.Append(ctx, person, entry)
}

// countingDedupe is a Deduper in memory that counts its calls, but for the
// "being sent" marks (sentBefore).
type countingDedupe struct {
	mu    sync.Mutex
	ids   map[string]bool
	calls int
}

func (c *countingDedupe) Seen(_ context.Context, key string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !strings.HasPrefix(key, "sent:") {
		c.calls++
	}
	seen := c.ids[key]
	c.ids[key] = true
	return seen, nil
}

func (c *countingDedupe) Forget(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	delete(c.ids, key)
	return nil
}

// TestAdmitInOneCall: when the Stream keeps the event ids (AppendNewer), a
// webhook's event is remembered and appended in one call, and the Deduper
// is not asked; a redelivery is dropped; with the store down the event is
// taken as new, waits in memory and is answered.
func TestAdmitInOneCall(t *testing.T) {
	ch := codecChannel{newFakeChannel()}
	stream := &memAppendNewer{memStream: newMemStream(), ids: map[string]bool{}}
	dd := &countingDedupe{ids: map[string]bool{}}
	d := NewDispatcher(DispatcherConfig{Handler: handlerFunc(echo), Workers: 1, Stream: stream, Dedupe: dd, Channels: []Channel{ch}})
	defer d.Close(context.Background())
	admit := func(id, text string) bool {
		t.Helper()
		ev := Event{ID: id, Type: "text", Input: dialogs.Input{Person: "line:U1", Text: text}, Reply: "token-" + id}
		dup, err := d.Admit(context.Background(), ch, ev)
		if err != nil {
			t.Fatal(err)
		}
		return dup
	}
	if admit("e1", "one") {
		t.Error("a new event taken for a redelivery")
	}
	if got := ch.wait(t); got != "re: one" {
		t.Errorf("delivered %q, want re: one", got)
	}
	if !admit("e1", "one") {
		t.Error("a redelivery was not dropped")
	}
	stream.mu.Lock()
	stream.appendErr = errors.New("connection refused")
	stream.mu.Unlock()
	if admit("e2", "two") {
		t.Error("with the store down, an event was dropped as a redelivery")
	}
	if got := ch.wait(t); got != "re: two" {
		t.Errorf("with the store down, delivered %q, want the event from memory", got)
	}
	stream.mu.Lock()
	calls := stream.calls
	stream.mu.Unlock()
	if calls != 3 {
		t.Errorf("%d calls to AppendNew for three events, want 3", calls)
	}
	dd.mu.Lock()
	defer dd.mu.Unlock()
	if dd.calls != 0 {
		t.Errorf("the Deduper was asked of event ids %d times, want none: AppendNew remembers them", dd.calls)
	}
	if m := metricsText(d.cfg.Metrics); !strings.Contains(m, `vaxbot_stream_fallback_total{channel="line"} 1`) {
		t.Errorf("the fallback to memory was not counted:\n%s", m)
	}
}
