package redisstore

import (
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
	"github.com/vaxbot/vaxbot/verify"
)

func testEngine(t *testing.T) *dialogs.Engine {
	t.Helper()
	base, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix, _ := knowledge.NewIndex(base)
	dir, _ := dialogs.DefaultDirectory()
	words, _ := dialogs.DefaultWords()
	e, err := dialogs.New(dialogs.Config{Matcher: ix, Topics: base, Registry: verify.DemoRegistry(time.Now()), Directory: dir, Words: words})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
