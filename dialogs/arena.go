package dialogs

import (
	"encoding/binary"
	"sync"
	"time"
	"unsafe"

	"github.com/patrickmn/go-cache"
)

// The MemoryStore's sessions are written into chunks of a few kilobytes
// (sessionArena), many to a chunk, and go-cache holds for each person a
// pointer into one. The garbage collector marks a chunk once however many
// sessions it holds, where it marked every session's string before: with a
// million idle sessions, each collection marked a million objects at random
// places in memory, and the goroutines answering webhooks were made to help
// (a collection took 600–700 ms of wall time on 2 cores, measured with
// GODEBUG=gctrace=1). A session written again leaves its old record behind
// in its chunk; a chunk whose records are mostly dead has its live ones
// copied to the current chunk, and is then let go.

// A record is a header and the stored session (storeSession's form):
//
//	chunk id   uint32, little endian
//	person     uint16, the length of the person
//	(unused)   2 bytes
//	the stored session, the person first
//
// padded to a multiple of 8 bytes, so that two records never share a word
// (the race detector watches words).
const recordHeader = 8

// chunkSize is the size of a chunk: small enough that a string of a
// decoded session kept for long holds little memory, large enough to hold
// tens of sessions (a typical one is about 150–300 bytes).
const chunkSize = 8 << 10

// chunk is a run of records.
type chunk struct {
	id  uint32
	buf []byte // records, len(buf) bytes written
	// live is the size of the records that go-cache may still point to;
	// a record written again or evicted is subtracted. It may stay too
	// high for a session that expired and was written again before the
	// janitor ran (go-cache does not tell what a Set replaced), which
	// the age rule of sessionArena.expire puts right.
	live int
	// last is when a record was last written into it.
	last time.Time
}

// sessionArena holds the chunks of a MemoryStore. Its lock is taken for
// every write into go-cache (Put, Delete and relocations), so that a
// relocation never brings back a session that a Put or a Delete replaced.
type sessionArena struct {
	mu     sync.Mutex
	c      *cache.Cache
	idle   time.Duration
	now    func() time.Time
	cur    *chunk
	chunks map[uint32]*chunk
	// order is the chunks by when they were started, oldest first.
	order  []*chunk
	nextID uint32
	// evicted are records go-cache let go of (its OnEvicted), to be
	// subtracted under mu: go-cache calls OnEvicted from Delete, which
	// the store calls holding mu.
	evictedMu sync.Mutex
	evicted   []*byte
}

func newSessionArena(c *cache.Cache, idle time.Duration) *sessionArena {
	a := &sessionArena{c: c, idle: idle, now: time.Now, chunks: map[uint32]*chunk{}}
	c.OnEvicted(func(_ string, v any) {
		if p, ok := v.(*byte); ok {
			a.evictedMu.Lock()
			a.evicted = append(a.evicted, p)
			a.evictedMu.Unlock()
		}
	})
	return a
}

// put writes the stored session and makes it the person's, replacing the
// one go-cache holds. stored is storeSession's form; it is copied.
func (a *sessionArena) put(stored []byte, person string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.settle()
	old, found := a.c.Get(person)
	p := a.write(stored, len(person))
	// The key is the record's person, so that the map holds no string
	// of its own (a map assignment to a key that is there takes the new
	// key too).
	a.c.Set(unsafe.String(p, len(person)), p, cache.DefaultExpiration)
	if found {
		if op, ok := old.(*byte); ok {
			a.release(op)
		}
	}
}

// delete forgets the person's session.
func (a *sessionArena) delete(person string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.c.Delete(person) // OnEvicted queues the record
	a.settle()
}

// write copies a record into the current chunk, starting one when it
// has no room, and returns a pointer to the stored session in it.
func (a *sessionArena) write(stored []byte, personLen int) *byte {
	size := recordSize(len(stored))
	for a.cur == nil || len(a.cur.buf)+size > cap(a.cur.buf) {
		if a.cur != nil {
			a.retire() // may start a chunk, moving records into it
			continue
		}
		a.expire()
		a.start(max(chunkSize, size))
	}
	ch := a.cur
	at := len(ch.buf)
	ch.buf = ch.buf[:at+size]
	rec := ch.buf[at:]
	binary.LittleEndian.PutUint32(rec, ch.id)
	binary.LittleEndian.PutUint16(rec[4:], uint16(personLen))
	copy(rec[recordHeader:], stored)
	ch.live += size
	ch.last = a.now()
	return &rec[recordHeader]
}

// retire ends the current chunk. Its records written again while it was
// current were counted out but not moved (it was being written): one
// mostly dead is compacted now, as release would have.
func (a *sessionArena) retire() {
	ch := a.cur
	a.cur = nil
	switch {
	case ch.live <= 0:
		a.drop(ch)
	case ch.live*2 < len(ch.buf):
		a.compact(ch)
	}
}

// start begins a new current chunk of the given size.
func (a *sessionArena) start(size int) {
	a.nextID++
	ch := &chunk{id: a.nextID, buf: make([]byte, 0, size)}
	a.chunks[ch.id] = ch
	a.order = append(a.order, ch)
	a.cur = ch
}

// recordSize is the size of a record for a stored session of n bytes.
func recordSize(n int) int { return (recordHeader + n + 7) &^ 7 }

// record returns the chunk id and the size of the record whose stored
// session starts at p.
func record(p *byte) (id uint32, size int) {
	h := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(p), -recordHeader)), recordHeader)
	id = binary.LittleEndian.Uint32(h)
	personLen := int(binary.LittleEndian.Uint16(h[4:]))
	stored, _ := storedSession(p, unsafe.String(p, personLen))
	return id, recordSize(len(stored))
}

// settle subtracts the records go-cache let go of.
func (a *sessionArena) settle() {
	a.evictedMu.Lock()
	evicted := a.evicted
	a.evicted = nil
	a.evictedMu.Unlock()
	for _, p := range evicted {
		a.release(p)
	}
}

// release subtracts a record that go-cache no longer points to from its
// chunk; a chunk left with no live record is let go, and one left mostly
// dead has its live records moved.
func (a *sessionArena) release(p *byte) {
	id, size := record(p)
	ch := a.chunks[id]
	if ch == nil {
		return // let go of already
	}
	ch.live -= size
	switch {
	case ch == a.cur:
	case ch.live <= 0:
		a.drop(ch)
	case ch.live*2 < len(ch.buf):
		a.compact(ch)
	}
}

// compact moves the records of ch that are still their person's session
// into the current chunk, keeping when each expires, and lets ch go.
func (a *sessionArena) compact(ch *chunk) {
	a.drop(ch) // first: write must not pick it
	now := a.now()
	for at := 0; at < len(ch.buf); {
		rec := ch.buf[at:]
		personLen := int(binary.LittleEndian.Uint16(rec[4:]))
		p := &rec[recordHeader]
		person := unsafe.String(p, personLen)
		stored, _ := storedSession(p, person)
		at += recordSize(len(stored))
		v, exp, ok := a.c.GetWithExpiration(person)
		if !ok {
			continue
		}
		if q, _ := v.(*byte); q != p {
			continue // written again since
		}
		left := exp.Sub(now)
		if exp.IsZero() || left <= 0 {
			continue // no expiry is not how the store sets them; expired
		}
		np := a.write(unsafe.Slice(p, len(stored)), personLen)
		a.c.Set(unsafe.String(np, personLen), np, left)
	}
}

// drop lets a chunk go: the records go-cache still points into keep it
// in memory, but it is no longer written to, counted or compacted.
func (a *sessionArena) drop(ch *chunk) {
	delete(a.chunks, ch.id)
	if a.cur == ch {
		a.cur = nil
	}
	for i, o := range a.order {
		if o == ch {
			a.order = append(a.order[:i], a.order[i+1:]...)
			break
		}
	}
}

// expire lets go of the oldest chunks written to last more than the idle
// time ago: every record in them has expired or been written again (a
// record moved by compact keeps its expiry, which is no later than the
// idle time after the chunk's last write). It puts right the counts
// go-cache's silent replacement of an expired session left too high.
func (a *sessionArena) expire() {
	cutoff := a.now().Add(-a.idle)
	n := 0
	for n < len(a.order) && a.order[n] != a.cur && a.order[n].last.Before(cutoff) {
		delete(a.chunks, a.order[n].id)
		n++
	}
	a.order = append(a.order[:0], a.order[n:]...)
}
