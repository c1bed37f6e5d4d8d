package bot

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

type voteStore struct {
	mu    sync.Mutex
	votes []tickets.Vote
	fail  bool
}

func (s *voteStore) AddVote(_ context.Context, v tickets.Vote) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errors.New("down")
	}
	s.votes = append(s.votes, v)
	return nil
}

func (s *voteStore) VoteCounts(context.Context, time.Time) ([]tickets.VoteCount, error) {
	return nil, nil
}

func TestVotesStoredAndCounted(t *testing.T) {
	store := &voteStore{}
	m := NewMetrics()
	v := NewVotes(store, m, nil)
	for _, kind := range []string{"feedback", "answer"} {
		v.Observe(kind, "q5:up:zh-TW:line")
		m.Observe(kind, "q5:up:zh-TW:line")
	}
	v.Observe("feedback", "q6:down:en:telegram")
	m.Observe("feedback", "q6:down:en:telegram")
	v.Observe("feedback", "garbage")
	if err := v.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	v.Observe("feedback", "q5:up:zh-TW:line") // after Close: dropped
	if len(store.votes) != 2 || store.votes[0].Item != "q5" || !store.votes[0].Helpful || store.votes[1].Lang != "en" || store.votes[1].Channel != "telegram" {
		t.Errorf("stored %+v", store.votes)
	}
	var b bytes.Buffer
	m.WritePrometheus(&b)
	for _, line := range []string{
		`vaxbot_feedback_total{item="q5",vote="up",lang="zh-TW"} 1`,
		`vaxbot_feedback_total{item="q6",vote="down",lang="en"} 1`,
		`vaxbot_feedback_stored_total{result="stored"} 2`,
		`vaxbot_feedback_stored_total{result="dropped"} 1`,
	} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("metrics lack %s", line)
		}
	}
}

func TestVotesFailureCounted(t *testing.T) {
	m := NewMetrics()
	v := NewVotes(&voteStore{fail: true}, m, nil)
	v.Observe("feedback", "q1:down:th:line")
	v.Close(context.Background())
	var b bytes.Buffer
	m.WritePrometheus(&b)
	if !strings.Contains(b.String(), `vaxbot_feedback_stored_total{result="failed"} 1`) {
		t.Errorf("failure not counted:\n%s", b.String())
	}
}
