package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/stories"
)

// storyClock is where the stories' clock stands: 2021-07-21 09:00 Taiwan
// time, the day of the QA, as in the golden transcripts (the demo card is
// "made 20 minutes ago" then).
var storyClock = time.Date(2021, 7, 21, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// runStories is "vaxbot eval --stories DIR": every conversation story in
// dir, each in a conversation of its own over the embedded knowledge and
// the demo registry; the summary by class and language, then each failure
// with its transcript. The exit status is 1 when a story fails.
func runStories(ctx context.Context, dir string, stdout, stderr io.Writer) int {
	list, err := stories.Load(dir)
	if err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	fresh := func() (*dialogs.Conversation, error) {
		e, err := buildEngine(engineOptions{registry: demoRegistry, now: func() time.Time { return storyClock }})
		if err != nil {
			return nil, err
		}
		return stories.Conversation(e)
	}
	report := stories.Run(ctx, list, fresh)
	if err := report.WriteSummary(stdout); err != nil {
		fmt.Fprintln(stderr, "vaxbot:", err)
		return 1
	}
	failed := report.Failed()
	for _, r := range failed {
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, r.String())
	}
	if len(failed) > 0 {
		return 1
	}
	return 0
}
