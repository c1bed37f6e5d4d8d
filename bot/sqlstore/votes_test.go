package sqlstore

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

func TestVotes(t *testing.T) {
	stores := map[string]func(t *testing.T) *Store{
		"sqlite": func(t *testing.T) *Store {
			s, err := OpenSQLite(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	if url := os.Getenv("VAXBOT_TEST_DATABASE_URL"); url != "" {
		stores["postgres"] = func(t *testing.T) *Store { return openTestPostgres(t, url) }
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			now := time.Date(2021, 7, 21, 9, 0, 0, 0, time.UTC)
			for _, v := range []tickets.Vote{
				{Item: "q1", Helpful: true, Lang: "zh-TW", Channel: "line", At: now.Add(-48 * time.Hour)},
				{Item: "q1", Helpful: true, Lang: "zh-TW", Channel: "line", At: now},
				{Item: "q1", Helpful: false, Lang: "zh-TW", Channel: "telegram", At: now},
				{Item: "q1", Helpful: true, Lang: "en", Channel: "telegram", At: now},
				{Item: "q6", Helpful: false, Lang: "th", Channel: "line", At: now.Add(time.Minute)},
			} {
				if err := s.AddVote(ctx, v); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.VoteCounts(ctx, now.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			want := []tickets.VoteCount{{Item: "q1", Lang: "en", Up: 1}, {Item: "q1", Lang: "zh-TW", Up: 1, Down: 1}, {Item: "q6", Lang: "th", Down: 1}}
			if !slices.Equal(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}
