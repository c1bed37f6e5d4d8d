package tickets

import (
	"context"
	"time"
)

// Vote is one answer to "Did this help?" under a QA answer, kept for the
// desk's charts: the item, the vote, the language and the channel, and
// nothing of the person or what they wrote.
type Vote struct {
	Item    string
	Helpful bool
	Lang    string
	Channel string
	At      time.Time
}

// VoteCount is how many votes an item had in one language.
type VoteCount struct {
	Item string
	Lang string
	Up   int
	Down int
}

// VoteStore keeps votes (bot/sqlstore, in the ticket database).
type VoteStore interface {
	AddVote(ctx context.Context, v Vote) error
	// VoteCounts counts the votes since a time, by item and language,
	// in item then language order.
	VoteCounts(ctx context.Context, since time.Time) ([]VoteCount, error)
}
