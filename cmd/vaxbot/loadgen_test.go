package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// mapLoadBody is how the generator wrote a body before appendLoadBody: a
// map through encoding/json. The new builder must write the same bytes.
func mapLoadBody(id, user, token, kind, value string, ts int64) []byte {
	ev := map[string]any{
		"type": kind, "webhookEventId": id, "timestamp": ts, "mode": "active",
		"deliveryContext": map[string]any{"isRedelivery": false},
		"source":          map[string]any{"type": "user", "userId": user}, "replyToken": token,
	}
	switch kind {
	case "message":
		ev["message"] = map[string]any{"type": "text", "id": "m" + id, "text": value}
	case "postback":
		ev["postback"] = map[string]any{"data": value}
	case "follow":
		ev["follow"] = map[string]any{"isUnblocked": false}
	}
	b, _ := json.Marshal(map[string]any{"destination": "Uload", "events": []any{ev}})
	return b
}

// TestLoadBodyIsTheMaps: the body builder writes byte for byte what the
// map through encoding/json wrote, for every step of the scripts and for
// text that needs escaping, and the LINE SDK reads it back as sent.
func TestLoadBodyIsTheMaps(t *testing.T) {
	type event struct{ name, id, user, token, kind, value string }
	var cases []event
	for i, st := range append(append([]loadStep{}, loadScript...), warmScript...) {
		user := string(appendUser(nil, int64(i), "tag"))
		id := fmt.Sprintf("%s-%d-run", user, i)
		value := st.value
		if st.mix {
			json.Unmarshal(loadMix[i%len(loadMix)], &value)
		}
		cases = append(cases, event{fmt.Sprintf("script step %d", i), id, user, "tok-" + id, st.kind, value})
	}
	cases = append(cases,
		event{"HTML and quotes", "a<b>&c", "U\"x\"", "t\\1", "message", `<script>"&'` + "\u2028\n\t"},
		event{"invalid UTF-8", "id", "U", "t", "postback", "a\xffb"},
		event{"another kind", "id", "U", "t", "unfollow", ""},
		event{"empty text", "id", "U", "t", "message", ""},
	)
	const ts = 1767225600123
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := mapLoadBody(tc.id, tc.user, tc.token, tc.kind, tc.value, ts)
			got := appendLoadBody([]byte("junk"), jsonChars(tc.id), jsonChars(tc.user), jsonChars(tc.token), string(jsonChars(tc.kind)), jsonString(tc.value), ts)
			if got = got[len("junk"):]; !bytes.Equal(got, want) {
				t.Fatalf("got  %s\nwant %s", got, want)
			}
			if tc.kind == "unfollow" || !strings.Contains(tc.name, "step") {
				return
			}
			req := httptest.NewRequest(http.MethodPost, "/webhook/line", bytes.NewReader(got))
			req.Header.Set("X-Line-Signature", sign("s", got))
			cb, err := webhook.ParseRequest("s", req)
			if err != nil {
				t.Fatalf("the SDK: %v", err)
			}
			if len(cb.Events) != 1 {
				t.Fatalf("got %d events, want 1", len(cb.Events))
			}
			kind, value, user, token := sdkEvent(cb.Events[0])
			if kind != tc.kind || value != tc.value || user != tc.user || token != tc.token {
				t.Errorf("the SDK read %q %q %q %q, want %q %q %q %q", kind, value, user, token, tc.kind, tc.value, tc.user, tc.token)
			}
		})
	}
}

// sign is LINE's signature of body.
func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// sdkEvent is what a load event says, read through the SDK's types.
func sdkEvent(ev webhook.EventInterface) (kind, value, user, token string) {
	userOf := func(s webhook.SourceInterface) string {
		if u, ok := s.(webhook.UserSource); ok {
			return u.UserId
		}
		return ""
	}
	switch e := ev.(type) {
	case webhook.FollowEvent:
		return "follow", "", userOf(e.Source), e.ReplyToken
	case webhook.MessageEvent:
		text := ""
		if m, ok := e.Message.(webhook.TextMessageContent); ok {
			text = m.Text
		}
		return "message", text, userOf(e.Source), e.ReplyToken
	case webhook.PostbackEvent:
		return "postback", e.Postback.Data, userOf(e.Source), e.ReplyToken
	}
	return fmt.Sprintf("%T", ev), "", "", ""
}

// scriptServer is a webhook server for the generator's tests: it checks
// each webhook with the SDK, records what each person said in order, and
// (with an API) replies to each event after a random delay, marking the
// reply as under way first. A person's event that comes before the reply
// to their previous one is a broken order.
type scriptServer struct {
	t      *testing.T
	secret string
	api    string        // the fake API's URL; "" = no replies
	delay  time.Duration // replies at random up to this late
	// ackDelay holds each webhook this long before reading it.
	ackDelay time.Duration
	mu       sync.Mutex
	said     map[string][]loadStep // user → steps in the order received
	last     map[string]string     // user → their last event's reply token
	replied  map[string]bool       // reply token → reply under way
	ids      map[string]bool
	broken   []string
	wg       sync.WaitGroup
}

func newScriptServer(t *testing.T, secret, api string, delay time.Duration) (*scriptServer, string) {
	s := &scriptServer{t: t, secret: secret, api: api, delay: delay,
		said: map[string][]loadStep{}, last: map[string]string{}, replied: map[string]bool{}, ids: map[string]bool{}}
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.wg.Wait() })
	return s, srv.URL
}

func (s *scriptServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(s.ackDelay)
	cb, err := webhook.ParseRequest(s.secret, r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	for _, ev := range cb.Events {
		kind, value, user, token := sdkEvent(ev)
		if prev, ok := s.last[user]; ok && s.api != "" && !s.replied[prev] {
			s.broken = append(s.broken, fmt.Sprintf("%s: %s %q before the reply to %s", user, kind, value, prev))
		}
		if s.ids[token] {
			s.broken = append(s.broken, "reply token twice: "+token)
		}
		s.ids[token] = true
		s.last[user] = token
		s.said[user] = append(s.said[user], loadStep{kind: kind, value: value})
		if s.api == "" {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			time.Sleep(time.Duration(rand.Int64N(int64(s.delay) + 1)))
			s.mu.Lock()
			s.replied[token] = true
			s.mu.Unlock()
			res, err := http.Post(s.api+"/v2/bot/message/reply", "application/json", strings.NewReader(`{"replyToken":"`+token+`","messages":[]}`))
			if err == nil {
				res.Body.Close()
			}
		}()
	}
	s.mu.Unlock()
	w.Write([]byte("ok"))
}

// check reports a broken order, and a person whose steps are not the
// script's from its start.
func (s *scriptServer) check(script []loadStep) (people, events int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.broken {
		s.t.Error(b)
	}
	mix := map[string]bool{}
	for _, q := range loadMix {
		var text string
		json.Unmarshal(q, &text)
		mix[text] = true
	}
	asked, distinct := 0, map[string]bool{}
	for user, said := range s.said {
		for i, st := range said {
			want := script[i%len(script)]
			if want.mix && st.kind == want.kind && mix[st.value] {
				asked++
				distinct[st.value] = true
				continue
			}
			if st.kind != want.kind || st.value != want.value {
				s.t.Errorf("%s: step %d was %s %q, want %s %q", user, i, st.kind, st.value, want.kind, want.value)
				break
			}
		}
		if len(said) > len(script) {
			s.t.Errorf("%s said %d things, more than the script's %d: someone new takes the slot after it", user, len(said), len(script))
		}
		events += len(said)
	}
	// The questions are asked in turn: none again before all were asked.
	if want := min(asked, len(loadMix)); len(distinct) != want {
		s.t.Errorf("%d questions asked, %d different ones, want %d", asked, len(distinct), want)
	}
	return len(s.said), events
}

// TestLoadMixFromEvalSets: every question of loadmix.txt is a text of
// the evaluation sets it names, each once, and every text of those sets
// is in it.
func TestLoadMixFromEvalSets(t *testing.T) {
	sets := map[string]bool{}
	for _, name := range []string{"eval.tsv", "dev.tsv", "dev3.th.tsv", "dev4.th.tsv"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "knowledge", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(raw)) {
			if text, _, _ := strings.Cut(strings.TrimRight(line, "\n"), "\t"); text != "" && !strings.HasPrefix(text, "#") {
				sets[text] = true
			}
		}
	}
	seen := map[string]bool{}
	for _, q := range loadMix {
		var text string
		if err := json.Unmarshal(q, &text); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if !sets[text] {
			t.Errorf("%q is in no evaluation set", text)
		}
		if seen[text] {
			t.Errorf("%q is in the mix twice", text)
		}
		seen[text] = true
	}
	if len(seen) != len(sets) {
		t.Errorf("the mix has %d of the sets' %d texts", len(seen), len(sets))
	}
}

// TestGeneratorKeepsEachPersonsOrder: open loop or closed, with replies
// or acks only, a person's next step is sent only after the previous one
// was answered, in the script's order, and every event is sent once.
func TestGeneratorKeepsEachPersonsOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		people int
		conns  int
		rate   float64
		reply  bool
	}{
		{"closed loop, replies", 7, 0, 0, true},
		{"closed loop, acks", 7, 0, 0, false},
		{"open loop, replies, few connections", 30, 3, 3000, true},
		{"open loop, acks", 30, 0, 3000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &fakeAPI{}
			apiSrv := httptest.NewServer(api)
			defer apiSrv.Close()
			apiURL, waitFor := "", (*fakeAPI)(nil)
			if tc.reply {
				apiURL, waitFor = apiSrv.URL, api
			}
			s, url := newScriptServer(t, "sec", apiURL, 2*time.Millisecond)
			o := loadOptions{people: tc.people, conns: tc.conns, rate: tc.rate, events: 300, duration: time.Minute, secret: "sec"}
			r := drive(context.Background(), o, url, waitFor)
			if r.events != 300 || r.errors != 0 || len(r.acks) != 300 {
				t.Fatalf("events %d, errors %d, acks %d, want 300, 0, 300", r.events, r.errors, len(r.acks))
			}
			if tc.reply && len(r.replies) != 300 {
				t.Errorf("replies %d, want 300", len(r.replies))
			}
			if want := defaultConns(tc.people, tc.rate); tc.conns == 0 && r.conns != want {
				t.Errorf("conns %d, want %d", r.conns, want)
			}
			if r.openLoop != (tc.rate > 0) || (tc.rate > 0) != (len(r.lags) == 300) {
				t.Errorf("open loop %v with %d lags, at rate %v", r.openLoop, len(r.lags), tc.rate)
			}
			if _, events := s.check(loadScript); events != 300 {
				t.Errorf("the server got %d events, want 300", events)
			}
		})
	}
}

// TestGeneratorSkipsWhenNoOneIsFree: at a rate the people cannot follow
// (two people, each webhook answered 20 ms late), events due while both
// wait are skipped and counted, never sent out of a person's order.
func TestGeneratorSkipsWhenNoOneIsFree(t *testing.T) {
	api := &fakeAPI{}
	apiSrv := httptest.NewServer(api)
	defer apiSrv.Close()
	s, url := newScriptServer(t, "sec", apiSrv.URL, 0)
	s.ackDelay = 20 * time.Millisecond
	o := loadOptions{people: 2, rate: 1000, events: 10, duration: time.Minute, secret: "sec"}
	r := drive(context.Background(), o, url, api)
	if r.events != 10 || r.errors != 0 {
		t.Fatalf("events %d, errors %d, want 10, 0", r.events, r.errors)
	}
	// Ten events, each person's 20 ms or more after their last: at
	// 1000/s about 20 events fall due meanwhile for every one sent.
	if r.skipped < 10 {
		t.Errorf("skipped %d, want many", r.skipped)
	}
	s.check(loadScript)
}

// TestWarmUpOpensSessions: --sessions has each of N people say the warm-up
// script once, no one more; the timed run's people are then the first of
// them.
func TestWarmUpOpensSessions(t *testing.T) {
	for _, n := range []int{1, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			api := &fakeAPI{}
			apiSrv := httptest.NewServer(api)
			defer apiSrv.Close()
			s, url := newScriptServer(t, "sec", apiSrv.URL, time.Millisecond)
			users := newUserSource(n)
			o := loadOptions{people: 1, sessions: n, events: 1, duration: time.Minute, secret: "sec"}
			w := warmUp(context.Background(), o, url, api, users)
			if w.events != int64(2*n) || w.errors != 0 || len(w.replies) != 2*n {
				t.Fatalf("events %d, errors %d, replies %d, want %d, 0, %d", w.events, w.errors, len(w.replies), 2*n, 2*n)
			}
			people, events := s.check(warmScript)
			if people != n || events != 2*n || users.used() != int64(n) {
				t.Errorf("%d people said %d things (%d handed out), want %d and %d", people, events, users.used(), n, 2*n)
			}
			for user, said := range s.said {
				if len(said) != len(warmScript) {
					t.Errorf("%s said %d things, want %d", user, len(said), len(warmScript))
				}
			}
			timed := &userSource{tag: users.tag}
			first, _ := timed.take(nil)
			if _, ok := s.said[string(first)]; !ok {
				t.Errorf("the timed run's first person %s is not among the sessions", first)
			}
		})
	}
}

// TestUserSource: people are handed out in order, up to the limit.
func TestUserSource(t *testing.T) {
	u := &userSource{tag: "x", limit: 2}
	var got []string
	for range 3 {
		b, ok := u.take(nil)
		got = append(got, fmt.Sprintf("%s %v", b, ok))
	}
	want := []string{"Uload0000000000000000000000000000x true", "Uload0000000000000000000000000001x true", " false"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("take %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if u.used() != 2 {
		t.Errorf("used %d, want 2", u.used())
	}
}

// TestLoadFlags: flags that contradict each other are refused before
// anything starts.
func TestLoadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string // in the error; "" = accepted
	}{
		{"defaults", nil, ""},
		{"open loop", []string{"--rate", "4500", "--conns", "16", "--sessions", "1000", "--people", "1000", "--pin"}, ""},
		{"no people", []string{"--people", "0"}, "must be positive"},
		{"negative rate", []string{"--rate", "-1"}, "must not be negative"},
		{"negative conns", []string{"--conns", "-1"}, "must not be negative"},
		{"negative sessions", []string{"--sessions", "-5"}, "must not be negative"},
		{"fewer sessions than people", []string{"--sessions", "10", "--people", "20"}, "fewer than --people"},
		{"memory and sessions", []string{"--memory", "--sessions", "500"}, "--memory takes none"},
		{"memory and pin", []string{"--memory", "--pin"}, "--memory takes none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseLoadFlags(tc.args, new(strings.Builder))
			if err == nil {
				err = o.validate()
			}
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
	code, _, errOut := runCLI(t, "", "load", "--sessions", "10", "--people", "20")
	if code != 2 || !strings.Contains(errOut, "fewer than --people") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
