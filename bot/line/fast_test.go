package line

import (
	"os"
	"testing"
)

// TestFastEventShapes: the plain events LINE sends most take the one-walk
// path, and the shapes it leaves to the SDK do go there (FuzzDecodeMatchesSDK
// checks that both give the SDK's result).
func TestFastEventShapes(t *testing.T) {
	for _, tc := range []struct {
		file string
		fast bool
	}{
		{"text.json", true},
		{"postback.json", true},
		{"follow.json", true},
		{"group_postback.json", true},
		{"standby.json", true},
		{"group_mention.json", false}, // a mention: the SDK's Mentionee types
		{"sticker.json", false},
		{"unknown.json", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			events, err := rawEvents(body)
			if err != nil || len(events) == 0 {
				t.Fatalf("rawEvents: %d events, %v", len(events), err)
			}
			_, _, ok := fastEvent(events[0])
			if ok != tc.fast {
				t.Errorf("fast path taken: %v, want %v", ok, tc.fast)
			}
		})
	}
}
