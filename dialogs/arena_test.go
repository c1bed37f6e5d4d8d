package dialogs

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestArenaMatchesAMap: sessions written, written again, deleted and read
// in a random order, some larger than a chunk, read back as a map of the
// last writes says, while chunks mostly dead are compacted; the chunks
// held stay within twice the live records and a chunk.
func TestArenaMatchesAMap(t *testing.T) {
	store := NewMemoryStore(time.Hour)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	want := map[string]string{}
	people := make([]string, 300)
	for i := range people {
		people[i] = fmt.Sprintf("line:U%032x", i)
	}
	for step := range 60000 {
		person := people[rng.IntN(len(people))]
		switch op := rng.IntN(10); {
		case op < 6:
			n := rng.IntN(400)
			if rng.IntN(500) == 0 {
				n = chunkSize + rng.IntN(chunkSize) // larger than a chunk
			}
			pending := fmt.Sprintf("%d:%s", step, strings.Repeat("x", n))
			if err := store.Put(ctx, &Session{Person: person, Pending: pending, Lang: "en"}); err != nil {
				t.Fatal(err)
			}
			want[person] = pending
		case op < 7:
			if err := store.Delete(ctx, person); err != nil {
				t.Fatal(err)
			}
			delete(want, person)
		default:
			s, err := store.Get(ctx, person)
			if err != nil {
				t.Fatalf("step %d: Get(%s): %v", step, person, err)
			}
			w, ok := want[person]
			switch {
			case !ok && s != nil:
				t.Fatalf("step %d: Get(%s) = a session, want none", step, person)
			case ok && (s == nil || s.Person != person || s.Pending != w):
				t.Fatalf("step %d: Get(%s) = %+v, want Pending %.20q…", step, person, s, w)
			}
		}
		if step%5000 == 4999 {
			chunks, bytes, live := store.arena.stats()
			if bytes > 2*live+2*chunkSize+4*chunkSize {
				t.Errorf("step %d: %d chunks hold %d bytes for %d live", step, chunks, bytes, live)
			}
		}
	}
	for _, person := range people {
		store.Delete(ctx, person)
	}
	if chunks, bytes, live := store.arena.stats(); chunks > 1 || live != 0 {
		t.Errorf("everyone deleted: %d chunks, %d bytes, %d live, want at most the current chunk and 0 live", chunks, bytes, live)
	}
}

// TestArenaExpiry: sessions that expired are let go with their chunks,
// also when they are written again before go-cache's janitor has evicted
// them (go-cache then replaces them without saying so).
func TestArenaExpiry(t *testing.T) {
	const idle = 50 * time.Millisecond
	store := NewMemoryStore(idle)
	ctx := context.Background()
	put := func(round int) {
		for i := range 200 {
			s := &Session{Person: fmt.Sprintf("line:U%d", i), Pending: fmt.Sprintf("%d %s", round, strings.Repeat("y", 200))}
			if err := store.Put(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	put(1)
	time.Sleep(2 * idle)
	put(2) // over expired sessions, before the janitor ran (it runs every idle)
	time.Sleep(2 * idle)
	put(3)
	s, err := store.Get(ctx, "line:U7")
	if err != nil || s == nil || !strings.HasPrefix(s.Pending, "3 ") {
		t.Fatalf("Get = %+v, %v, want round 3", s, err)
	}
	// Rounds 1 and 2 are dead: only round 3's chunks are held.
	chunks, bytes, live := store.arena.stats()
	if live > bytes || bytes > 2*200*recordSize(300) {
		t.Errorf("%d chunks hold %d bytes, %d live: the expired rounds' chunks were kept", chunks, bytes, live)
	}
}

// TestArenaConcurrent: people written and read from many goroutines at
// once (go test -race) always read back one of their own sessions whole.
func TestArenaConcurrent(t *testing.T) {
	store := NewMemoryStore(time.Hour)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for step := range 3000 {
				person := fmt.Sprintf("line:U%d", rng.IntN(50)) // shared by the goroutines
				switch rng.IntN(4) {
				case 0:
					store.Delete(ctx, person)
				case 1:
					s, err := store.Get(ctx, person)
					if err != nil {
						t.Errorf("Get: %v", err)
						return
					}
					if s != nil && (s.Person != person || !strings.HasPrefix(s.Pending, person+" ")) {
						t.Errorf("Get(%s) = %+v", person, s)
						return
					}
				default:
					pending := person + " " + strings.Repeat("z", rng.IntN(300)) + fmt.Sprint(step)
					if err := store.Put(ctx, &Session{Person: person, Pending: pending}); err != nil {
						t.Errorf("Put: %v", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// stats reports the chunks held and the bytes written into them, for the tests.
func (a *sessionArena) stats() (chunks, bytes, live int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.settle()
	for _, ch := range a.chunks {
		bytes += len(ch.buf)
		live += ch.live
	}
	return len(a.chunks), bytes, live
}
