package dialogs

import (
	"sync"
	"unsafe"
)

// A QA answer is shown under its title, and the feedback question under
// the answer: the same long texts joined anew for every answer were a
// tenth of what a turn allocates (a QA answer runs to a kilobyte or two).
// joinParagraphs joins each pair once.

// joinKey names the two texts by where their bytes are: the entry keeps
// both alive, so no other text can take those bytes while it is cached,
// and a pair found is the same two texts.
type joinKey struct {
	a, b   *byte
	na, nb int
}

// joined is a cached join and the two texts it keeps alive.
type joined struct {
	a, b, s string
}

// maxJoins bounds the cache; it starts afresh when full (a text made for
// one turn, not the bot's own, is joined once and stays until then).
const maxJoins = 4096

var joins struct {
	sync.RWMutex
	m map[joinKey]joined
}

// joinParagraphs returns a, a blank line and b.
func joinParagraphs(a, b string) string {
	k := joinKey{unsafe.StringData(a), unsafe.StringData(b), len(a), len(b)}
	joins.RLock()
	j, ok := joins.m[k]
	joins.RUnlock()
	if ok {
		return j.s
	}
	s := a + "\n\n" + b
	joins.Lock()
	if joins.m == nil || len(joins.m) >= maxJoins {
		joins.m = make(map[joinKey]joined)
	}
	joins.m[k] = joined{a, b, s}
	joins.Unlock()
	return s
}
