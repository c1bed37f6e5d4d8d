// Package dialogstest builds the real conversation engine for other
// packages' tests: the embedded knowledge base, words and hotline
// directory, the demo registry, and a fixed clock.
package dialogstest

import (
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
	// Built once per test binary: hundreds of stories each need an engine.
	ix, base, err := knowledge.DefaultIndex()
	if err != nil {
		t.Fatal(err)
	}
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
