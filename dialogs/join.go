package dialogs

import "sync"

// A QA answer is shown under its title, and the feedback question under
// the answer: the same long texts joined anew for every answer were a
// tenth of what a turn allocates (a QA answer runs to a kilobyte or two).
// joinParagraphs joins each pair once; the pairs are the bot's own texts,
// so a lookup finds the very strings it was keyed with and compares them
// by their address.

// maxJoins bounds the cache; it starts afresh when full (a text made for
// one turn, not the bot's own, is joined once and stays until then).
const maxJoins = 4096

var joins struct {
	sync.RWMutex
	m map[[2]string]string
}

// joinParagraphs returns a, a blank line and b.
func joinParagraphs(a, b string) string {
	k := [2]string{a, b}
	joins.RLock()
	s, ok := joins.m[k]
	joins.RUnlock()
	if ok {
		return s
	}
	s = a + "\n\n" + b
	joins.Lock()
	if joins.m == nil || len(joins.m) >= maxJoins {
		joins.m = make(map[[2]string]string)
	}
	joins.m[k] = s
	joins.Unlock()
	return s
}
