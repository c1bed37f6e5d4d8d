package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

// Partitions is how many Redis Streams the intake is split into, by
// person: one person's events are always in one stream, in order. Every
// replica must agree on it; it bounds how many replicas share the work.
const Partitions = 16

// DefaultClaimIdle is StreamConfig.ClaimIdle's default.
const DefaultClaimIdle = 10 * time.Second

// streamGroup is the consumer group every replica reads through.
const streamGroup = "vaxbot"

// StreamConfig sets up a Stream.
type StreamConfig struct {
	// Sealer seals each entry (it holds what the person typed) before it
	// reaches Redis, which may write it to disk. Required.
	Sealer *tickets.Sealer
	// ClaimIdle is how long a replica may go without renewing its hold on
	// a partition, and on the entries it has taken, before another replica
	// takes them over (XAUTOCLAIM): the time a killed replica's events wait
	// (DefaultClaimIdle when 0).
	ClaimIdle time.Duration
	// Logger logs failures of Redis, never an entry's contents.
	Logger *slog.Logger
	// Consumer names this replica in the group (host name and a random
	// suffix when "").
	Consumer string
}

// Stream is the durable intake of bot.Stream on Redis Streams.
//
// Events are appended (XADD, sealed) to one of Partitions streams chosen
// by a hash of the person. Each partition is read by one replica at a
// time, the one holding its lease (a key with an expiry, renewed), through
// one consumer group; the replicas alive (a sorted set of heartbeats)
// share the partitions evenly. A replica taking a partition over first
// claims (XAUTOCLAIM) what the previous holder took and did not finish,
// once idle for ClaimIdle, and only then reads new entries (XREADGROUP
// ">"), so one person's events are handled in order. While a replica
// holds entries it renews them (XCLAIM to itself), so only a stopped
// replica's entries go idle. An entry is acknowledged and deleted (XACK,
// XDEL) when its event is done: what a person typed stays in Redis only
// while it waits.
type Stream struct {
	c        *Client
	cfg      StreamConfig
	tick     time.Duration
	mu       sync.Mutex
	parts    map[int]*partition // the partitions held
	closed   bool
	stopLoop context.CancelFunc
	loopDone chan struct{}
}

// partition is a partition held by this replica.
type partition struct {
	// ready: what earlier holders left is claimed; new entries are read.
	ready bool
	// leaving: the lease is to be released (given up, or lost) once the
	// entries held are done; nothing more is read.
	leaving bool
	// held are the entries taken and not yet done, by id.
	held map[string]struct{}
}

// Stream returns the durable intake; it touches Redis when Consume runs.
func (c *Client) Stream(cfg StreamConfig) (*Stream, error) {
	if cfg.Sealer == nil {
		return nil, errors.New("redisstore: the stream needs a sealer (VAXBOT_DATA_KEY): entries hold what people typed")
	}
	if cfg.ClaimIdle <= 0 {
		cfg.ClaimIdle = DefaultClaimIdle
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Consumer == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("redisstore: stream: %w", err)
		}
		cfg.Consumer = host + "-" + hex.EncodeToString(b)
	}
	// Leases and holds are renewed several times within ClaimIdle, and
	// partitions change hands within half a second.
	tick := min(cfg.ClaimIdle/4, 500*time.Millisecond)
	return &Stream{c: c, cfg: cfg, tick: tick, parts: map[int]*partition{}}, nil
}

var _ bot.Stream = (*Stream)(nil)

func (s *Stream) key(p int) string   { return s.c.prefix + "in:" + strconv.Itoa(p) }
func (s *Stream) lease(p int) string { return s.c.prefix + "in:lease:" + strconv.Itoa(p) }
func (s *Stream) members() string    { return s.c.prefix + "in:members" }

// partitionOf is the partition of person's events.
func partitionOf(person string) int {
	h := fnv.New32a()
	h.Write([]byte(person))
	return int(h.Sum32() % Partitions)
}

// entryAAD binds a sealed entry to the intake.
const entryAAD = "vaxbot-intake"

// AppendTimeout bounds Append: the webhook waits for it while the
// platform waits for its answer, and Redis answers in a millisecond when
// it is up.
const AppendTimeout = time.Second

// Append implements bot.Stream: the entry is sealed and added to the
// person's partition.
func (s *Stream) Append(ctx context.Context, person string, entry []byte) error {
	ctx, cancel := context.WithTimeout(ctx, AppendTimeout)
	defer cancel()
	sealed, err := s.cfg.Sealer.Seal(string(entry), entryAAD)
	if err != nil {
		return fmt.Errorf("redisstore: stream: %w", err)
	}
	if err := s.c.rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.key(partitionOf(person)), Values: []any{"e", sealed}}).Err(); err != nil {
		return fmt.Errorf("redisstore: stream: append: %w", err)
	}
	return nil
}

// appendNewScript remembers an event id, as Dedupe.Seen does, and appends
// the entry only when the id is new: one round trip where the two took
// two, while the platform waits. It returns 1 when it appended.
var appendNewScript = redis.NewScript(`
if redis.call("SET", KEYS[1], "1", "NX", "PX", ARGV[1]) then
	redis.call("XADD", KEYS[2], "*", "e", ARGV[2])
	return 1
end
return 0`)

// AppendNew implements bot.AppendNewer: it remembers key for ttl where
// Dedupe keeps event ids (Dedupe.Seen and Forget see it) and appends entry
// unless key was there already (seen), within ctx and AppendTimeout.
func (s *Stream) AppendNew(ctx context.Context, key string, ttl time.Duration, person string, entry []byte) (seen bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, AppendTimeout)
	defer cancel()
	sealed, err := s.cfg.Sealer.Seal(string(entry), entryAAD)
	if err != nil {
		return false, fmt.Errorf("redisstore: stream: %w", err)
	}
	keys := []string{s.c.eventKey(key), s.key(partitionOf(person))}
	n, err := appendNewScript.Run(ctx, s.c.rdb, keys, ttl.Milliseconds(), sealed).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: stream: append a new event: %w", err)
	}
	return n == 0, nil
}

// Consume implements bot.Stream. It holds partitions (their leases), claims
// what earlier holders left, reads new entries, and hands each to take in
// order, until ctx ends; Redis failures are logged and retried.
func (s *Stream) Consume(ctx context.Context, take func(context.Context, bot.StreamEntry) error) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("redisstore: stream: closed")
	}
	if s.loopDone == nil {
		// The leases outlive Consume, until Close: the workers still hold
		// entries, which must not be claimed while they run.
		lctx, cancel := context.WithCancel(context.Background())
		s.stopLoop, s.loopDone = cancel, make(chan struct{})
		go s.leaseLoop(lctx)
	}
	s.mu.Unlock()
	groups := false
	for ctx.Err() == nil {
		if !groups {
			if err := s.createGroups(ctx); err != nil {
				s.retryLater(ctx, "create the consumer groups", err)
				continue
			}
			groups = true
		}
		claiming, ready := s.partsByState()
		for _, p := range claiming {
			if err := s.claim(ctx, p, take); err != nil {
				s.retryLater(ctx, "claim a stopped replica's entries", err)
			}
		}
		if len(ready) == 0 {
			sleep(ctx, s.tick)
			continue
		}
		if err := s.read(ctx, ready, take); err != nil {
			if strings.HasPrefix(err.Error(), "NOGROUP") {
				groups = false // the streams were deleted: made again
			}
			s.retryLater(ctx, "read", err)
		}
	}
	return nil
}

// retryLater logs a Redis failure (not one of ctx ending) and waits a tick.
func (s *Stream) retryLater(ctx context.Context, what string, err error) {
	if ctx.Err() != nil {
		return
	}
	s.cfg.Logger.Warn("stream: "+what+" failed; trying again", "err", err)
	sleep(ctx, s.tick)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// createGroups makes every partition's stream and its consumer group.
func (s *Stream) createGroups(ctx context.Context) error {
	for p := range Partitions {
		err := s.c.rdb.XGroupCreateMkStream(ctx, s.key(p), streamGroup, "0").Err()
		if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return fmt.Errorf("redisstore: stream: group: %w", err)
		}
	}
	return nil
}

// partsByState lists the partitions held that are being taken over, and
// those read.
func (s *Stream) partsByState() (claiming, ready []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p, part := range s.parts {
		switch {
		case part.leaving:
		case part.ready:
			ready = append(ready, p)
		default:
			claiming = append(claiming, p)
		}
	}
	return claiming, ready
}

// held records entry id of partition p as taken, unless p is no longer
// held, and returns its Done.
func (s *Stream) hold(p int, id string) (func(), bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	part := s.parts[p]
	if part == nil {
		return nil, false
	}
	part.held[id] = struct{}{}
	return func() { s.ack(p, id) }, true
}

// hand gives one message to take.
func (s *Stream) hand(ctx context.Context, p int, m redis.XMessage, claimed bool, take func(context.Context, bot.StreamEntry) error) error {
	done, ok := s.hold(p, m.ID)
	if !ok {
		return nil
	}
	sealed, _ := m.Values["e"].(string)
	data, err := s.cfg.Sealer.Open(sealed, entryAAD)
	if err != nil {
		// Sealed with a key no longer configured, or not ours: the
		// dispatcher counts it as undecodable and it is removed.
		data = ""
	}
	return take(ctx, bot.StreamEntry{Data: []byte(data), Claimed: claimed, Done: done})
}

// claim takes over what earlier holders of partition p left: their
// entries idle for ClaimIdle, oldest first. When none is left with another
// consumer, p is ready to read.
func (s *Stream) claim(ctx context.Context, p int, take func(context.Context, bot.StreamEntry) error) error {
	start := "0-0"
	for {
		msgs, next, deleted, err := s.c.rdb.XAutoClaimWithDeleted(ctx, &redis.XAutoClaimArgs{
			Stream: s.key(p), Group: streamGroup, Consumer: s.cfg.Consumer, MinIdle: s.cfg.ClaimIdle, Start: start, Count: 64,
		}).Result()
		if err != nil {
			return fmt.Errorf("redisstore: stream: claim: %w", err)
		}
		for _, m := range msgs {
			if err := s.hand(ctx, p, m, true, take); err != nil {
				return err
			}
		}
		if len(deleted) > 0 {
			// Entries whose data is gone: nothing to hand over.
			s.c.rdb.XAck(ctx, s.key(p), streamGroup, deleted...)
		}
		if next == "0-0" || next == "" {
			break
		}
		start = next
	}
	pending, err := s.c.rdb.XPending(ctx, s.key(p), streamGroup).Result()
	if err != nil {
		return fmt.Errorf("redisstore: stream: pending: %w", err)
	}
	others := false
	for consumer, n := range pending.Consumers {
		if consumer != s.cfg.Consumer && n > 0 {
			others = true
		}
	}
	if others {
		// A holder that may still be alive: wait for its entries to be
		// done, or to go idle.
		sleep(ctx, s.tick)
		return nil
	}
	s.forgetConsumers(ctx, p)
	s.mu.Lock()
	if part := s.parts[p]; part != nil && !part.leaving {
		part.ready = true
	}
	s.mu.Unlock()
	return nil
}

// forgetConsumers drops from p's group the consumers that hold nothing in
// it (replicas gone, or holding other partitions), so the group does not
// grow with every start.
func (s *Stream) forgetConsumers(ctx context.Context, p int) {
	consumers, err := s.c.rdb.XInfoConsumers(ctx, s.key(p), streamGroup).Result()
	if err != nil {
		return
	}
	for _, c := range consumers {
		if c.Name != s.cfg.Consumer && c.Pending == 0 {
			s.c.rdb.XGroupDelConsumer(ctx, s.key(p), streamGroup, c.Name)
		}
	}
}

// read takes new entries of the ready partitions, in order.
func (s *Stream) read(ctx context.Context, ready []int, take func(context.Context, bot.StreamEntry) error) error {
	streams := make([]string, 0, 2*len(ready))
	for _, p := range ready {
		streams = append(streams, s.key(p))
	}
	for range ready {
		streams = append(streams, ">")
	}
	res, err := s.c.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: streamGroup, Consumer: s.cfg.Consumer, Streams: streams, Count: 64, Block: s.tick,
	}).Result()
	if errors.Is(err, redis.Nil) || ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("redisstore: stream: read: %w", err)
	}
	for _, st := range res {
		p, err := strconv.Atoi(strings.TrimPrefix(st.Stream, s.c.prefix+"in:"))
		if err != nil {
			continue
		}
		for _, m := range st.Messages {
			if err := s.hand(ctx, p, m, false, take); err != nil {
				return err
			}
		}
	}
	return nil
}

// ackTimeout bounds acknowledging one entry.
const ackTimeout = time.Second

// ack acknowledges and deletes entry id of partition p: its event is done.
func (s *Stream) ack(p int, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
	defer cancel()
	pipe := s.c.rdb.TxPipeline()
	pipe.XAck(ctx, s.key(p), streamGroup, id)
	pipe.XDel(ctx, s.key(p), id)
	if _, err := pipe.Exec(ctx); err != nil {
		// It stays pending with this replica, which renews it no more:
		// another replica claims it and would handle it again.
		s.cfg.Logger.Warn("stream: acknowledging an entry failed; it may be handled again", "err", err)
	}
	s.mu.Lock()
	if part := s.parts[p]; part != nil {
		delete(part.held, id)
	}
	s.mu.Unlock()
}

// renewScript extends this replica's lease (1), takes it again when it
// lapsed and nobody took it (1), or reports it lost (0).
var renewScript = redis.NewScript(`
local v = redis.call("GET", KEYS[1])
if v == ARGV[1] then redis.call("PEXPIRE", KEYS[1], ARGV[2]) return 1 end
if not v then redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) return 1 end
return 0`)

// releaseScript deletes this replica's lease.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// leaseLoop keeps this replica's leases and holds, and takes and gives up
// partitions so that the replicas alive share them evenly, every tick
// until ctx ends.
func (s *Stream) leaseLoop(ctx context.Context) {
	defer close(s.loopDone)
	for {
		s.leaseRound(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.tick):
		}
	}
}

// leaseRound is one tick of leaseLoop.
func (s *Stream) leaseRound(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ClaimIdle/2)
	defer cancel()
	now := time.Now()
	ttl := s.cfg.ClaimIdle
	pipe := s.c.rdb.Pipeline()
	pipe.ZAdd(ctx, s.members(), redis.Z{Score: float64(now.UnixMilli()), Member: s.cfg.Consumer})
	pipe.ZRemRangeByScore(ctx, s.members(), "-inf", strconv.FormatInt(now.Add(-ttl).UnixMilli(), 10))
	alive := pipe.ZCard(ctx, s.members())
	if _, err := pipe.Exec(ctx); err != nil {
		s.cfg.Logger.Warn("stream: heartbeat failed", "err", err)
		return
	}
	s.mu.Lock()
	held := make(map[int][]string, len(s.parts))
	var leaving []int
	for p, part := range s.parts {
		for id := range part.held {
			held[p] = append(held[p], id)
		}
		if part.leaving && len(part.held) == 0 {
			leaving = append(leaving, p)
		}
	}
	s.mu.Unlock()
	for p, ids := range held {
		if err := s.renewHold(ctx, p, ids); err != nil {
			s.cfg.Logger.Warn("stream: renewing the entries held failed", "err", err)
		}
	}
	for _, p := range leaving {
		// Released only when nothing was taken in the meantime.
		s.mu.Lock()
		part := s.parts[p]
		gone := part != nil && len(part.held) == 0
		if gone {
			delete(s.parts, p)
		}
		s.mu.Unlock()
		if gone {
			releaseScript.Run(ctx, s.c.rdb, []string{s.lease(p)}, s.cfg.Consumer)
		}
	}
	fair := (Partitions + int(alive.Val()) - 1) / max(1, int(alive.Val()))
	s.mu.Lock()
	var mine []int
	for p, part := range s.parts {
		if !part.leaving {
			mine = append(mine, p)
		}
	}
	s.mu.Unlock()
	kept := 0
	for _, p := range mine {
		ok, err := renewScript.Run(ctx, s.c.rdb, []string{s.lease(p)}, s.cfg.Consumer, ttl.Milliseconds()).Int()
		if err != nil {
			s.cfg.Logger.Warn("stream: renewing a lease failed", "err", err)
			continue
		}
		s.mu.Lock()
		if part := s.parts[p]; part != nil {
			if ok == 0 {
				// Another replica took it: read no more of it; the
				// entries held are still renewed until done.
				part.leaving = true
			} else if kept++; kept > fair {
				// More than a fair share: give it up once done.
				part.leaving = true
			}
		}
		s.mu.Unlock()
	}
	if kept >= fair {
		return
	}
	start := int(fnv32(s.cfg.Consumer) % Partitions)
	for i := range Partitions {
		if kept >= fair {
			break
		}
		p := (start + i) % Partitions
		s.mu.Lock()
		_, have := s.parts[p]
		s.mu.Unlock()
		if have {
			continue
		}
		ok, err := s.c.rdb.SetNX(ctx, s.lease(p), s.cfg.Consumer, ttl).Result()
		if err != nil {
			s.cfg.Logger.Warn("stream: taking a lease failed", "err", err)
			return
		}
		if ok {
			s.mu.Lock()
			s.parts[p] = &partition{held: map[string]struct{}{}}
			s.mu.Unlock()
			kept++
		}
	}
}

func fnv32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// renewHold starts the idle time of the entries held in partition p
// again at idle (0 while they are being handled).
func (s *Stream) renewHold(ctx context.Context, p int, ids []string) error {
	return s.setIdle(ctx, p, ids, 0)
}

// setIdle sets the idle time of the entries this replica holds in p to
// idle, leaving alone any another replica claimed.
func (s *Stream) setIdle(ctx context.Context, p int, ids []string, idle time.Duration) error {
	args := append([]any{streamGroup, s.cfg.Consumer, idle.Milliseconds()}, toAny(ids)...)
	if err := setIdleScript.Run(ctx, s.c.rdb, []string{s.key(p)}, args...).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redisstore: stream: hold: %w", err)
	}
	return nil
}

// setIdleScript sets the idle time (ARGV[3] ms) of the entries ARGV[4…]
// that consumer ARGV[2] holds in group ARGV[1] of stream KEYS[1].
var setIdleScript = redis.NewScript(`
for i = 4, #ARGV do
  local p = redis.call("XPENDING", KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    redis.call("XCLAIM", KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], "IDLE", ARGV[3], "JUSTID")
  end
end
return 0`)

func toAny(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// Close implements bot.Stream: the entries taken and not done are given
// back (their idle time set past ClaimIdle, so that the next holder
// claims them at once), the leases released and the heartbeat removed.
func (s *Stream) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	stop, loopDone := s.stopLoop, s.loopDone
	s.mu.Unlock()
	if stop != nil {
		stop()
		select {
		case <-loopDone:
		case <-ctx.Done():
		}
	}
	s.mu.Lock()
	parts := s.parts
	s.parts = map[int]*partition{}
	s.mu.Unlock()
	var errs []error
	for p, part := range parts {
		if len(part.held) > 0 {
			ids := make([]string, 0, len(part.held))
			for id := range part.held {
				ids = append(ids, id)
			}
			errs = append(errs, s.setIdle(ctx, p, ids, 2*s.cfg.ClaimIdle))
		}
		if err := releaseScript.Run(ctx, s.c.rdb, []string{s.lease(p)}, s.cfg.Consumer).Err(); err != nil {
			errs = append(errs, fmt.Errorf("redisstore: stream: release: %w", err))
		}
	}
	if err := s.c.rdb.ZRem(ctx, s.members(), s.cfg.Consumer).Err(); err != nil {
		errs = append(errs, fmt.Errorf("redisstore: stream: leave: %w", err))
	}
	return errors.Join(errs...)
}
