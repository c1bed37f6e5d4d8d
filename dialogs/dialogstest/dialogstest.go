// Package dialogstest builds the real conversation engine for other
// packages' tests: the embedded knowledge base, words and hotline
// directory, the demo registry, and a fixed clock.
package dialogstest

import (
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
	"github.com/vaxbot/vaxbot/verify"
)

// Engine returns an engine whose clock stands at now and whose registry is
// the demo one for that time.
func Engine(t testing.TB, now time.Time) *dialogs.Engine {
	t.Helper()
	k := embedded()
	if k.err != nil {
		t.Fatal(k.err)
	}
	base, ix := k.base, k.ix
	dir, err := dialogs.DefaultDirectory()
	if err != nil {
		t.Fatal(err)
	}
	words, err := dialogs.DefaultWords()
	if err != nil {
		t.Fatal(err)
	}
	e, err := dialogs.New(dialogs.Config{Matcher: ix, Topics: base, Registry: verify.DemoRegistry(now),
		Directory: dir, Words: words, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// embedded builds the embedded knowledge base and its index once per test
// binary: an index is read-only once built, and building one for every
// language takes a few hundred milliseconds, which hundreds of stories
// would pay each.
var embedded = sync.OnceValue(func() (k struct {
	base *knowledge.Base
	ix   *knowledge.Index
	err  error
}) {
	if k.base, k.err = knowledge.Default(); k.err != nil {
		return k
	}
	k.ix, k.err = knowledge.NewIndex(k.base)
	return k
})
