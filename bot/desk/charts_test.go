package desk

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

func TestChartsPage(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	if _, err := f.tk.Claim(ctx, "CCC-CCC", "lin", base.Add(31*time.Minute)); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"疫苗預約網站打不開", "疫苗預約網站打不開嗎", "call me at 0912345678"} {
		at := base.Add(time.Duration(10+i) * time.Minute)
		if err := f.tk.Create(ctx, &tickets.Ticket{Ref: "QQQ-00" + string(rune('A'+i)), Channel: "line", Lang: "zh-TW", Reason: "no_match", Line: "1922",
			Status: tickets.StatusOpen, CreatedAt: at, UpdatedAt: at, Turns: []tickets.Turn{{At: at, From: "person", Text: text}, {At: at, From: "person", Text: "[faq:q1]"}}}); err != nil {
			t.Fatal(err)
		}
	}
	c := f.client(t)
	c.login("chen")
	r := c.get("/desk/charts")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	mustContain(t, "charts", r.body, "<svg", "Tickets per hour by reason, last 24 hours", "Tickets per hour by line, last 7 days",
		"say:en:mismatch_twice (1)", "30.0 min (1 tickets)", "6 tickets", "疫苗預約網站打不開", "call me at")
	if strings.Contains(r.body, "0912345678") || strings.Contains(r.body, "[faq:q1]") {
		t.Error("the questions show a number or a button's payload")
	}
	if got := strings.Count(r.body, `<td class="num">2</td>`); got != 1 {
		t.Errorf("%d groups of 2, want the two similar questions together", got)
	}
	// The other language draws too.
	c.post("/desk/lang", map[string][]string{"lang": {"zh-TW"}})
	mustContain(t, "zh-TW charts", c.get("/desk/charts").body, "每小時案件數（依原因），最近 24 小時", "現在")
}

func TestUnansweredGroups(t *testing.T) {
	mk := func(texts ...string) *tickets.Ticket {
		tk := &tickets.Ticket{Reason: "no_match"}
		for _, s := range texts {
			tk.Turns = append(tk.Turns, tickets.Turn{From: "person", Text: s})
		}
		return tk
	}
	got := unanswered([]*tickets.Ticket{
		mk("how do I book a vaccine"), mk("how do i book a vaccine?"), mk("where is my card"),
		{Reason: "asked", Turns: []tickets.Turn{{From: "person", Text: "not counted"}}},
	}, 10)
	if len(got) != 2 || got[0].Count != 2 || got[1].Text != "where is my card" {
		t.Errorf("groups %+v", got)
	}
}

// fakeVotes counts votes as bot/sqlstore does: by item then language.
type fakeVotes struct {
	counts []tickets.VoteCount
	err    error
	since  *time.Time
}

func (v fakeVotes) VoteCounts(_ context.Context, since time.Time) ([]tickets.VoteCount, error) {
	*v.since = since
	return v.counts, v.err
}

// TestChartsVotes: the "Did this help?" table sums an item's languages
// over the last 7 days, with the item's title and the share that helped;
// an empty week says so; without a VoteCounter there is no table.
func TestChartsVotes(t *testing.T) {
	f := newFixture(t, nil, nil)
	c := f.client(t)
	c.login("chen")
	if body := c.get("/desk/charts").body; strings.Contains(body, "Did this help?") || strings.Contains(body, "Nobody answered") {
		t.Error("a votes table without a VoteCounter")
	}
	var since time.Time
	f.d.cfg.Votes = fakeVotes{since: &since, counts: []tickets.VoteCount{
		{Item: "q1", Lang: "en", Up: 3, Down: 1}, {Item: "q1", Lang: "zh-TW", Up: 5, Down: 1}, {Item: "q6", Lang: "vi", Up: 0, Down: 2},
	}}
	f.d.cfg.ItemTitle = func(lang, item string) string { return "title:" + lang + ":" + item }
	r := c.get("/desk/charts")
	mustContain(t, "votes", r.body, `Did this help?&#34; answers (last 7 days, all languages)`, "title:en:q1", `<td class="num">8</td><td class="num">2</td><td class="num">80 %</td>`,
		"title:en:q6", `<td class="num">0</td><td class="num">2</td><td class="num">0 %</td>`)
	if want := f.now.Add(-7 * 24 * time.Hour); !since.Equal(want) {
		t.Errorf("counted since %v, want %v", since, want)
	}
	f.d.cfg.Votes = fakeVotes{since: &since}
	mustContain(t, "no votes", c.get("/desk/charts").body, "Nobody answered in the last 7 days.")
	f.d.cfg.Votes = fakeVotes{since: &since, err: errors.New("database gone")}
	if r := c.get("/desk/charts"); r.status != 500 {
		t.Errorf("a failed count: status %d, want 500", r.status)
	}
}
