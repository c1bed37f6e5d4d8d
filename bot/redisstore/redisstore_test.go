package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/dialogstest"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// client connects to the Redis of VAXBOT_TEST_REDIS_ADDR (CI sets it) with a
// prefix of its own, or skips.
func client(t *testing.T) *Client {
	t.Helper()
	addr := os.Getenv("VAXBOT_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("VAXBOT_TEST_REDIS_ADDR is not set; set it (e.g. 127.0.0.1:6379) to run the Redis tests")
	}
	c, err := Open(context.Background(), addr, fmt.Sprintf("vaxbot-test-%d:", time.Now().UnixNano()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := c.rdb.Keys(ctx, c.prefix+"*").Result()
		if len(keys) > 0 {
			c.rdb.Del(ctx, keys...)
		}
		c.Close()
	})
	return c
}

func testSealer(t *testing.T) *tickets.Sealer {
	t.Helper()
	s, err := tickets.NewSealer([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSessions(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	if _, err := c.Sessions(time.Minute, nil); err == nil {
		t.Fatal("sessions without a sealer were allowed")
	}
	s, err := c.Sessions(time.Minute, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "line:U1"); got != nil || err != nil {
		t.Fatalf("empty store: %v, %v", got, err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	want := &dialogs.Session{Person: "line:U1", Node: dialogs.NodeVerifyCard, Lang: "en", Misses: 2, MaskedID: "A12*****89",
		ID: "A123456789", Phone: "0912345678", Created: now, Updated: now}
	if err := s.Put(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "line:U1")
	if err != nil || got.Node != want.Node || got.Lang != "en" || got.Misses != 2 || got.MaskedID != want.MaskedID ||
		got.ID != "A123456789" || got.Phone != "0912345678" || !got.Updated.Equal(now) {
		t.Fatalf("got %+v, %v", got, err)
	}
	stored := c.rdb.Get(ctx, c.prefix+"s:line:U1").Val()
	if strings.Contains(stored, "A123456789") || strings.Contains(stored, "0912345678") {
		t.Errorf("Redis holds a full number: %s", stored)
	}
	if ttl := c.rdb.TTL(ctx, c.prefix+"s:line:U1").Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("idle expiry %v", ttl)
	}
	s.Delete(ctx, "line:U1")
	if got, _ := s.Get(ctx, "line:U1"); got != nil {
		t.Error("deleted session still there")
	}
}

func TestLocksSerialise(t *testing.T) {
	c := client(t)
	locks := c.Locks(5 * time.Second)
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := locks.Lock(context.Background(), "telegram:7")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			inside--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	if most != 1 {
		t.Errorf("%d holders at once", most)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	unlock, _ := locks.Lock(context.Background(), "telegram:8")
	defer unlock()
	if _, err := locks.Lock(ctx, "telegram:8"); err == nil {
		t.Error("took a held lock")
	}
}

func TestWindowAndDedupe(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	w := c.Window("lookup", 2, time.Minute)
	for i, want := range []bool{true, true, false} {
		if ok, err := w.Allow(ctx, "p"); ok != want || err != nil {
			t.Errorf("attempt %d: %v, %v", i+1, ok, err)
		}
	}
	if n, _ := w.Count(ctx, "p"); n != 3 {
		t.Errorf("count %d", n)
	}
	if n, _ := w.Count(ctx, "other"); n != 0 {
		t.Errorf("count of a new key %d", n)
	}
	d := c.Dedupe(time.Minute)
	for i, want := range []bool{false, true} {
		if seen, err := d.Seen(ctx, "line:ev1"); seen != want || err != nil {
			t.Errorf("Seen #%d = %v, %v; want %v", i+1, seen, err, want)
		}
	}
	if err := d.Forget(ctx, "line:ev1"); err != nil {
		t.Fatal(err)
	}
	if seen, err := d.Seen(ctx, "line:ev1"); seen || err != nil {
		t.Errorf("forgotten id: Seen = %v, %v", seen, err)
	}
}

// TestDedupeUnreachable: with Redis gone, Seen and Forget fail within
// DedupeTimeout and Seen reports the event as new, so that it is handled.
func TestDedupeUnreachable(t *testing.T) {
	// Nothing listens on port 1; a listener that accepts and never
	// answers stands for a Redis that hangs.
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hang.Close()
	go func() {
		for {
			conn, err := hang.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	tests := []struct {
		name string
		addr string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"refused", "127.0.0.1:1", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
		{"hangs", hang.Addr().String(), func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
		{"hangs, shorter context", hang.Addr().String(), func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{rdb: redis.NewClient(options(tt.addr)), prefix: "vaxbot-test:"}
			defer c.Close()
			d := c.Dedupe(time.Minute)
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			seen, err := d.Seen(ctx, "line:ev1")
			if seen || err == nil {
				t.Errorf("Seen = %v, %v; want false and an error", seen, err)
			}
			if err := d.Forget(ctx, "line:ev1"); err == nil {
				t.Error("Forget did not fail")
			}
			if took := time.Since(start); took > 2*DedupeTimeout+200*time.Millisecond {
				t.Errorf("took %v, want within twice %v", took, DedupeTimeout)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "redisstore: ") {
				t.Errorf("error %q without the package prefix", err)
			}
		})
	}
}

// TestConversationAcrossReplicas: two engines (two replicas) over one Redis
// serve one person's concurrent events without losing an update.
func TestConversationAcrossReplicas(t *testing.T) {
	c := client(t)
	store, err := c.Sessions(time.Hour, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	locks := c.Locks(5 * time.Second)
	var convs []*dialogs.Conversation
	for range 2 {
		conv := dialogs.NewConversation(dialogstest.Engine(t, time.Now()), store)
		conv.Locker = locks
		convs = append(convs, conv)
	}
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := convs[i%2].Handle(context.Background(), dialogs.Input{Person: "line:Ushared", Text: fmt.Sprintf("zzqx %d", i)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s, err := store.Get(context.Background(), "line:Ushared")
	if err != nil || s == nil || s.Misses != n {
		t.Fatalf("session %+v, %v: want %d misses", s, err, n)
	}
}

// TestSessionsLockGet: the lock and the session in one round trip each
// way: one holder at a time, what one saved the next reads, a held lock
// waited for, a session that cannot be read refused with the lock let go,
// and an early Unlock lets the next one in.
func TestSessionsLockGet(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	s, err := c.Sessions(time.Minute, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	const person = "line:Ulockget"
	s.Delete(ctx, person)
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sess, held, err := s.LockGet(ctx, person)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			if sess == nil {
				sess = &dialogs.Session{Person: person, ID: "A123456789"}
			}
			sess.Misses++
			time.Sleep(time.Millisecond)
			mu.Lock()
			inside--
			mu.Unlock()
			if err := held.PutUnlock(ctx, sess); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if most != 1 {
		t.Errorf("%d holders at once", most)
	}
	got, err := s.Get(ctx, person)
	if err != nil || got == nil || got.Misses != 20 || got.ID != "A123456789" {
		t.Fatalf("after 20 turns: %+v, %v (want 20 misses counted, the ID opened)", got, err)
	}
	if stored := c.rdb.Get(ctx, c.prefix+"s:"+person).Val(); strings.Contains(stored, "A123456789") {
		t.Errorf("Redis holds a full number: %s", stored)
	}

	// A held lock is waited for until the context ends.
	_, held, err := s.LockGet(ctx, person)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, _, err := s.LockGet(short, person); err == nil || errors.Is(err, dialogs.ErrSessionLoad) {
		t.Errorf("took a held lock, or blamed the session: %v", err)
	}
	held.Unlock()
	if _, held, err = s.LockGet(ctx, person); err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	held.Unlock()

	// A session that cannot be read: ErrSessionLoad, and the lock is free.
	c.rdb.Set(ctx, c.prefix+"s:"+person, "{not json", time.Minute)
	if _, _, err := s.LockGet(ctx, person); !errors.Is(err, dialogs.ErrSessionLoad) {
		t.Errorf("unreadable session: %v, want ErrSessionLoad", err)
	}
	if n := c.rdb.Exists(ctx, c.prefix+"l:"+person).Val(); n != 0 {
		t.Error("the lock was kept after the session could not be read")
	}
	s.Delete(ctx, person)
}
