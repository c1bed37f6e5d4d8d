package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

var _ tickets.VoteStore = (*Store)(nil)

// AddVote implements tickets.VoteStore.
func (s *Store) AddVote(ctx context.Context, v tickets.Vote) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO feedback_votes (item, helpful, lang, channel, at) VALUES (?, ?, ?, ?, ?)`),
		v.Item, boolInt(v.Helpful), v.Lang, v.Channel, micros(v.At))
	if err != nil {
		return fmt.Errorf("sqlstore: add vote: %w", err)
	}
	return nil
}

// VoteCounts implements tickets.VoteStore: the desk's chart of how often
// each answer helped.
func (s *Store) VoteCounts(ctx context.Context, since time.Time) ([]tickets.VoteCount, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT item, lang, SUM(helpful), SUM(1 - helpful) FROM feedback_votes WHERE at >= ? GROUP BY item, lang ORDER BY item, lang`), micros(since))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: vote counts: %w", err)
	}
	defer rows.Close()
	var out []tickets.VoteCount
	for rows.Next() {
		var c tickets.VoteCount
		if err := rows.Scan(&c.Item, &c.Lang, &c.Up, &c.Down); err != nil {
			return nil, fmt.Errorf("sqlstore: vote counts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: vote counts: %w", err)
	}
	return out, nil
}
