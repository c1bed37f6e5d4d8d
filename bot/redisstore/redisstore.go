// Package redisstore keeps what replicas must share in Redis: sessions,
// per-person locks, lookup limits, failed-check counts and the ids of events
// already received. With it, several vaxbot processes behind a load balancer
// serve one conversation as one.
package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// Client is the Redis connection and the key prefix that keeps vaxbot's
// keys apart from others'.
type Client struct {
	rdb    *redis.Client
	prefix string
}

// Open connects to addr (host:port, or a redis:// URL) and checks it answers.
func Open(ctx context.Context, addr, prefix string) (*Client, error) {
	rdb := redis.NewClient(options(addr))
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redisstore: connect: %w", err)
	}
	if prefix == "" {
		prefix = "vaxbot:"
	}
	return &Client{rdb: rdb, prefix: prefix}, nil
}

// options reads addr (host:port, or a redis:// URL) into the client's
// options. Every call ends with its context: go-redis ignores a context's
// deadline unless told, and waits for its own timeouts (seconds) instead.
func options(addr string) *redis.Options {
	opts := &redis.Options{Addr: addr}
	if u, err := redis.ParseURL(addr); err == nil {
		opts = u
	}
	opts.ContextTimeoutEnabled = true
	return opts
}

// Close closes the connection.
func (c *Client) Close() error { return c.rdb.Close() }

// Sessions is a dialogs.Store in Redis: one JSON value per person, expiring
// after the idle time. Redis may write its memory to disk, so the numbers a
// form holds for a moment (ID, card, phone) are sealed before they leave the
// process.
type Sessions struct {
	c      *Client
	idle   time.Duration
	sealer *tickets.Sealer
}

// Sessions returns the session store with the given idle expiry
// (dialogs.DefaultIdle when ≤ 0); sealer protects the numbers in flight.
func (c *Client) Sessions(idle time.Duration, sealer *tickets.Sealer) (*Sessions, error) {
	if sealer == nil {
		return nil, errors.New("redisstore: sessions need a sealer (VAXBOT_DATA_KEY): they hold numbers for a moment")
	}
	if idle <= 0 {
		idle = dialogs.DefaultIdle
	}
	return &Sessions{c: c, idle: idle, sealer: sealer}, nil
}

// sealed lists the session fields that may hold a full number.
func sealed(sess *dialogs.Session) []*string { return []*string{&sess.ID, &sess.Card, &sess.Phone} }

// Get implements dialogs.Store.
func (s *Sessions) Get(ctx context.Context, person string) (*dialogs.Session, error) {
	raw, err := s.c.rdb.Get(ctx, s.c.prefix+"s:"+person).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: get session: %w", err)
	}
	return s.decode(raw)
}

// decode reads a stored session and opens its sealed numbers.
func (s *Sessions) decode(raw []byte) (*dialogs.Session, error) {
	var sess dialogs.Session
	if err := json.Unmarshal(raw, &sess); err != nil {
		return nil, fmt.Errorf("redisstore: session: %w", err)
	}
	for _, f := range sealed(&sess) {
		if *f == "" {
			continue
		}
		var err error
		if *f, err = s.sealer.Open(*f, sess.Person); err != nil {
			return nil, fmt.Errorf("redisstore: session: %w", err)
		}
	}
	return &sess, nil
}

// Put implements dialogs.Store.
func (s *Sessions) Put(ctx context.Context, sess *dialogs.Session) error {
	raw, err := s.encode(sess)
	if err != nil {
		return err
	}
	if err := s.c.rdb.Set(ctx, s.c.prefix+"s:"+sess.Person, raw, s.idle).Err(); err != nil {
		return fmt.Errorf("redisstore: put session: %w", err)
	}
	return nil
}

// encode seals a session's numbers and writes it as stored.
func (s *Sessions) encode(sess *dialogs.Session) ([]byte, error) {
	cp := *sess
	for _, f := range sealed(&cp) {
		if *f == "" {
			continue
		}
		var err error
		if *f, err = s.sealer.Seal(*f, cp.Person); err != nil {
			return nil, fmt.Errorf("redisstore: session: %w", err)
		}
	}
	raw, err := json.Marshal(&cp)
	if err != nil {
		return nil, fmt.Errorf("redisstore: session: %w", err)
	}
	return raw, nil
}

// Delete implements dialogs.Store.
func (s *Sessions) Delete(ctx context.Context, person string) error {
	if err := s.c.rdb.Del(ctx, s.c.prefix+"s:"+person).Err(); err != nil {
		return fmt.Errorf("redisstore: delete session: %w", err)
	}
	return nil
}

// SessionLockTTL is how long a person's lock taken by Sessions.LockGet
// lives when its holder dies without letting it go.
const SessionLockTTL = 30 * time.Second

var _ dialogs.LockingStore = (*Sessions)(nil)

// LockGet implements dialogs.LockingStore: the person's lock, taken as
// Locks takes it (SET NX with a token and an expiry), and their session,
// in one round trip; tried again, with backoff, while someone else holds
// the lock.
func (s *Sessions) LockGet(ctx context.Context, person string) (*dialogs.Session, dialogs.HeldLock, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, nil, err
	}
	held := &heldLock{s: s, lockKey: s.c.prefix + "l:" + person, key: s.c.prefix + "s:" + person, token: hex.EncodeToString(b)}
	wait := 2 * time.Millisecond
	for {
		pipe := s.c.rdb.Pipeline()
		lock := pipe.SetNX(ctx, held.lockKey, held.token, SessionLockTTL)
		get := pipe.Get(ctx, held.key)
		pipe.Exec(ctx) // each command's own error is read below
		if err := lock.Err(); err != nil {
			return nil, nil, fmt.Errorf("redisstore: lock: %w", err)
		}
		if lock.Val() {
			raw, err := get.Bytes()
			if errors.Is(err, redis.Nil) {
				return nil, held, nil
			}
			var sess *dialogs.Session
			if err == nil {
				sess, err = s.decode(raw)
			}
			if err != nil {
				held.Unlock()
				return nil, nil, fmt.Errorf("%w: redisstore: get session: %w", dialogs.ErrSessionLoad, err)
			}
			return sess, held, nil
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("redisstore: lock: %w", ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*2, 50*time.Millisecond)
	}
}

// heldLock is a person's lock taken by Sessions.LockGet.
type heldLock struct {
	s                   *Sessions
	lockKey, key, token string
}

// PutUnlock implements dialogs.HeldLock: the session saved and the lock
// let go in one round trip. A lock that could not be let go expires.
func (h *heldLock) PutUnlock(ctx context.Context, sess *dialogs.Session) error {
	raw, err := h.s.encode(sess)
	if err != nil {
		return err
	}
	pipe := h.s.c.rdb.Pipeline()
	set := pipe.Set(ctx, h.key, raw, h.s.idle)
	pipe.Eval(ctx, unlockSource, []string{h.lockKey}, h.token)
	pipe.Exec(ctx)
	if err := set.Err(); err != nil {
		return fmt.Errorf("redisstore: put session: %w", err)
	}
	return nil
}

// Unlock implements dialogs.HeldLock.
func (h *heldLock) Unlock() {
	// A fresh context: the caller's may be done, the lock must go.
	c, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	unlockScript.Run(c, h.s.c.rdb, []string{h.lockKey}, h.token)
}

// Locks is a dialogs.Locker: SET NX with a token and an expiry, released
// only by its holder.
type Locks struct {
	c   *Client
	ttl time.Duration
}

// Locks returns person locks that expire after ttl if a holder dies.
func (c *Client) Locks(ttl time.Duration) *Locks { return &Locks{c: c, ttl: ttl} }

// unlockSource deletes a lock held by the token ARGV[1].
const unlockSource = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`

var unlockScript = redis.NewScript(unlockSource)

// Lock waits for the person's lock until ctx ends.
func (l *Locks) Lock(ctx context.Context, person string) (func(), error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	token, key := hex.EncodeToString(b), l.c.prefix+"l:"+person
	wait := 2 * time.Millisecond
	for {
		ok, err := l.c.rdb.SetNX(ctx, key, token, l.ttl).Result()
		if err != nil {
			return nil, fmt.Errorf("redisstore: lock: %w", err)
		}
		if ok {
			return func() {
				// A fresh context: the caller's may be done, the lock must go.
				c, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				unlockScript.Run(c, l.c.rdb, []string{key}, token)
			}, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("redisstore: lock: %w", ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*2, 50*time.Millisecond)
	}
}

// Window counts per key in fixed windows: a dialogs.Limiter (Allow) and a
// dialogs.Counter (Count, Add).
type Window struct {
	c      *Client
	name   string
	limit  int
	window time.Duration
}

// Window returns a counter named name with windows of the given length;
// Allow admits limit events per window.
func (c *Client) Window(name string, limit int, window time.Duration) *Window {
	return &Window{c: c, name: name, limit: limit, window: window}
}

func (w *Window) key(k string) string { return w.c.prefix + "w:" + w.name + ":" + k }

// incr adds one and starts the window on the first event.
func (w *Window) incr(ctx context.Context, key string) (int64, error) {
	pipe := w.c.rdb.TxPipeline()
	n := pipe.Incr(ctx, w.key(key))
	pipe.ExpireNX(ctx, w.key(key), w.window)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("redisstore: count: %w", err)
	}
	return n.Val(), nil
}

// Allow implements dialogs.Limiter.
func (w *Window) Allow(ctx context.Context, key string) (bool, error) {
	n, err := w.incr(ctx, key)
	if err != nil {
		return false, err
	}
	return n <= int64(w.limit), nil
}

// Add implements dialogs.Counter.
func (w *Window) Add(ctx context.Context, key string) error {
	_, err := w.incr(ctx, key)
	return err
}

// Count implements dialogs.Counter.
func (w *Window) Count(ctx context.Context, key string) (int, error) {
	n, err := w.c.rdb.Get(ctx, w.key(key)).Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redisstore: count: %w", err)
	}
	return n, nil
}

// Dedupe remembers event ids for a while (a bot.Deduper).
type Dedupe struct {
	c   *Client
	ttl time.Duration
}

// DedupeTimeout bounds each call of Dedupe: the webhook handler makes them
// while the platform waits for its answer, and Redis answers in well under
// a millisecond when it is up.
const DedupeTimeout = 250 * time.Millisecond

// eventKey is where Dedupe remembers an event id (and Stream.AppendNew).
func (c *Client) eventKey(key string) string { return c.prefix + "e:" + key }

// Dedupe returns event-id memory of the given length.
func (c *Client) Dedupe(ttl time.Duration) *Dedupe { return &Dedupe{c: c, ttl: ttl} }

// Seen reports whether key was seen before and remembers it, within ctx and
// DedupeTimeout. On an error it reports false with the error: the caller
// takes the event as new, since a rare duplicate reply beats a lost one.
func (d *Dedupe) Seen(ctx context.Context, key string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, DedupeTimeout)
	defer cancel()
	ok, err := d.c.rdb.SetNX(ctx, d.c.eventKey(key), 1, d.ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: event id: %w", err)
	}
	return !ok, nil
}

// Forget drops key, within ctx and DedupeTimeout.
func (d *Dedupe) Forget(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, DedupeTimeout)
	defer cancel()
	if err := d.c.rdb.Del(ctx, d.c.eventKey(key)).Err(); err != nil {
		return fmt.Errorf("redisstore: forget event id: %w", err)
	}
	return nil
}
