package desk

import (
	"context"
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
