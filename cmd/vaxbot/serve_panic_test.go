package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// panicCue is the message on which the test's matcher panics; it stands
// for what a person typed, so it must not reach the log.
const panicCue = "請幫我查 PANIC-CUE 疫苗"

// panickyMatcher is the knowledge index with a bug on cue.
type panickyMatcher struct{ dialogs.Matcher }

func (m panickyMatcher) Match(text string) knowledge.Match {
	if text == panicCue {
		panic("matcher bug on " + text)
	}
	return m.Matcher.Match(text)
}

// TestServePanicGivesApology: the conversation panics on one message (a
// test hook in the engine): through a signed LINE webhook the person gets
// the apology with 1922, the metric counts the panic, and the next message
// is answered normally by the same server.
func TestServePanicGivesApology(t *testing.T) {
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.Registry = demoRegistry
	cfg.wrapMatcher = func(m dialogs.Matcher) dialogs.Matcher { return panickyMatcher{m} }
	ts := startServer(t, cfg)
	words, err := dialogs.DefaultWords()
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name, id, token, text string
		want                  string // in the reply's text
	}{
		{"the message that panics", "evP1", "token-p1", panicCue, words.T(knowledge.ZhTW, "turn_failed")},
		{"the next message", "evP2", "token-p2", "健保卡號在哪裡", "左下角"},
	}
	for i, st := range steps {
		if code := postLINE(t, ts, lineBody(lineEvent(st.id, "Upanic", st.token, "message", st.text))); code != http.StatusOK {
			t.Fatalf("%s: status %d", st.name, code)
		}
		r := api.WaitReplies(t, i+1)[i]
		if r.Token != st.token || len(r.Messages) == 0 {
			t.Fatalf("%s: reply %+v", st.name, r)
		}
		if text, _ := r.Messages[0]["text"].(string); !strings.Contains(text, st.want) {
			t.Errorf("%s: reply %q, want it to hold %q", st.name, text, st.want)
		}
		if i == 0 {
			m := get(t, ts.url+"/metrics")
			if want := `vaxbot_turn_failures_total{cause="panic"} 1`; !strings.Contains(m, want+"\n") {
				t.Errorf("no %s in /metrics", want)
			}
		}
	}
	if code := post(t, ts.url+"/healthz", nil, nil); code != http.StatusMethodNotAllowed {
		t.Errorf("the server stopped answering: /healthz POST status %d", code)
	}
	if logs := ts.logs.String(); strings.Contains(logs, "PANIC-CUE") {
		t.Errorf("the panic's value or the message reached the log:\n%s", logs)
	} else if !strings.Contains(logs, `"panic_type":"string"`) {
		t.Errorf("the panic was not logged by its type:\n%s", logs)
	}
}
