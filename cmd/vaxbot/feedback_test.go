package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/desk/staff"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/bot/sqlstore"
)

// waitMetric polls /metrics until series reaches want.
func waitMetric(t *testing.T, ts *testServer, series string, want int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if metricCount(get(t, ts.url+"/metrics"), series) == want {
			return
		}
	}
	t.Errorf("%s: got %d, want %d", series, metricCount(get(t, ts.url+"/metrics"), series), want)
}

// TestServeFeedbackLINE: a QA answer asks "Did this help?" with 👍 and 👎
// quick replies before the menu; a 👎 offers a person and is counted by
// item and language and stored in the ticket database without text.
func TestServeFeedbackLINE(t *testing.T) {
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.DataDir = t.TempDir()
	addSupervisor(t, cfg.DataDir, "chen")
	ts := startServer(t, cfg)
	if code := postLINE(t, ts, lineBody(lineEvent("ev1", "Ualice", "token-1", "message", "新辦的健保卡多久可以用"))); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	r := api.WaitReplies(t, 1)[0]
	qr := quickReplyData(r.Messages[len(r.Messages)-1])
	n := len(qr)
	if n < 3 || qr[n-3] != "feedback:q6:up" || qr[n-2] != "feedback:q6:down" || qr[n-1] != "menu" {
		t.Fatalf("quick replies %v, want the votes before the menu", qr)
	}
	postLINE(t, ts, lineBody(lineEvent("ev2", "Ualice", "token-2", "postback", "feedback:q6:down")))
	r = api.WaitReplies(t, 2)[1]
	if got := quickReplyData(r.Messages[len(r.Messages)-1]); !slices.Contains(got, "person") {
		t.Errorf("after 👎 quick replies %v, want a person", got)
	}
	waitMetric(t, ts, `vaxbot_feedback_total{item="q6",vote="down",lang="zh-TW"}`, 1)
	waitMetric(t, ts, `vaxbot_feedback_stored_total{result="stored"}`, 1)
	store, err := sqlstore.OpenSQLite(context.Background(), cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	counts, err := store.VoteCounts(context.Background(), time.Now().Add(-time.Hour))
	if err != nil || len(counts) != 1 || counts[0].Item != "q6" || counts[0].Down != 1 || counts[0].Lang != "zh-TW" {
		t.Errorf("stored votes %+v (%v)", counts, err)
	}
	// A supervisor sees the vote in the desk's charts, under the item's
	// title in their language.
	if code, body := deskLoginAs(t, ts.url, "chen").do("GET", "/desk/charts", nil); code != http.StatusOK ||
		!strings.Contains(body, "Did this help?") || !strings.Contains(body, `<td class="num">0</td><td class="num">1</td><td class="num">0 %</td>`) {
		t.Errorf("desk charts: %d, want the vote on q6:\n%s", code, body)
	}
}

// addSupervisor adds a supervisor (password deskPassword, English) to the
// SQLite ticket database in dir, before serve opens it.
func addSupervisor(t *testing.T, dir, name string) {
	t.Helper()
	store, err := sqlstore.OpenSQLite(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hash, err := staff.HashPassword(deskPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.AddOperator(context.Background(), staff.Operator{Name: name, Role: staff.RoleSupervisor, PasswordHash: hash, Lang: "en", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// TestServeFeedbackTelegram: the same buttons are inline buttons under the
// answer; a 👍 is thanked and counted.
func TestServeFeedbackTelegram(t *testing.T) {
	api := newFakeTelegram(t)
	ts := startServer(t, serveConfig{
		TelegramToken: "tg-token", TelegramSecret: "tg_secret-1", TelegramAPIBase: api.srv.URL,
		Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
	})
	secret := map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1", "Content-Type": "application/json"}
	// The person's language is English (the update's language_code).
	post(t, ts.url+"/webhook/telegram", tgUpdate(1, 42, "/start"), secret)
	n := len(api.waitMethod(t, "sendMessage", 1))
	post(t, ts.url+"/webhook/telegram", tgCallback(2, 42, "faq:q6"), secret)
	answer := api.waitMethod(t, "sendMessage", n+1)[n]
	var kb struct {
		InlineKeyboard [][]struct {
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(answer.Fields["reply_markup"]), &kb); err != nil {
		t.Fatal(err)
	}
	var data []string
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			data = append(data, b.CallbackData)
		}
	}
	if !slices.Contains(data, "feedback:q6:up") || !slices.Contains(data, "feedback:q6:down") {
		t.Fatalf("buttons %v, want the votes", data)
	}
	post(t, ts.url+"/webhook/telegram", tgCallback(3, 42, "feedback:q6:up"), secret)
	thanks := api.waitMethod(t, "sendMessage", n+2)[n+1]
	if thanks.Fields["text"] == "" || thanks.Fields["text"] == answer.Fields["text"] {
		t.Errorf("after 👍 got %q", thanks.Fields["text"])
	}
	waitMetric(t, ts, `vaxbot_feedback_total{item="q6",vote="up",lang="en"}`, 1)
}
