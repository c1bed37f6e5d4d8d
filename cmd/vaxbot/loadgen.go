package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// The load generator's engine. It must cost the machine little next to
// the server it measures, at any number of people: a pacer hands each due
// event to a small pool of senders, each with one connection, a reused
// request, body buffer and MAC; a person is a slot in an array, not a
// goroutine, and waits for its reply as an entry in the fake API's map.

// loadStep is one step of a person's script, its text already encoded as
// encoding/json writes a string.
type loadStep struct {
	kind, value string
	text        []byte // value as a JSON string, quotes included
	// mix: a text message whose text is the run's next question of
	// loadMix, not value.
	mix bool
}

// compileScript encodes each step's text once. A step of kind "question"
// becomes a text message with its text from loadMix.
func compileScript(steps []struct{ kind, value string }) []loadStep {
	out := make([]loadStep, len(steps))
	for i, s := range steps {
		out[i] = loadStep{kind: s.kind, value: s.value, text: jsonString(s.value)}
		if s.kind == "question" {
			out[i].kind, out[i].mix = "message", true
		}
	}
	return out
}

// loadMixFile is the questions the load generator asks (loadmix.txt:
// the texts of the evaluation sets, never the held-out ones).
//
//go:embed loadmix.txt
var loadMixFile string

// loadMix is loadMixFile's questions, each encoded as a JSON string.
var loadMix = compileMix(loadMixFile)

// compileMix returns the questions of a mix file (a line each; blank
// lines and lines starting with # left out), each encoded once.
func compileMix(file string) [][]byte {
	var out [][]byte
	for line := range strings.Lines(file) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, jsonString(line))
	}
	return out
}

// jsonString is s as encoding/json writes a string, quotes included.
func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

// jsonChars is s as encoding/json writes it inside a string's quotes.
func jsonChars(s string) []byte { b := jsonString(s); return b[1 : len(b)-1] }

var (
	// loadScript is script, encoded once.
	loadScript = compileScript(script)
	// warmScript is what each person says before the timed run with
	// --sessions: a follow and a question, after which the session waits.
	warmScript = compileScript([]struct{ kind, value string }{
		{"follow", ""},
		{"message", "健保卡號在哪裡"},
	})
)

// appendLoadBody appends the webhook body of one event to b: byte for byte
// what encoding/json writes for the event as a map (keys in sorted order,
// HTML characters escaped), which is what loadBody wrote before. id, user,
// token and kind are the characters inside their JSON strings, already
// escaped; the ids the generator makes are letters, digits and '-', which
// need none. text is the event's text or postback data as a JSON string.
func appendLoadBody(b, id, user, token []byte, kind string, text []byte, ts int64) []byte {
	b = append(b, `{"destination":"Uload","events":[{"deliveryContext":{"isRedelivery":false},`...)
	switch kind {
	case "follow":
		b = append(b, `"follow":{"isUnblocked":false},`...)
	case "message":
		b = append(b, `"message":{"id":"m`...)
		b = append(b, id...)
		b = append(b, `","text":`...)
		b = append(b, text...)
		b = append(b, `,"type":"text"},`...)
	}
	b = append(b, `"mode":"active",`...)
	if kind == "postback" {
		b = append(b, `"postback":{"data":`...)
		b = append(b, text...)
		b = append(b, `},`...)
	}
	b = append(b, `"replyToken":"`...)
	b = append(b, token...)
	b = append(b, `","source":{"type":"user","userId":"`...)
	b = append(b, user...)
	b = append(b, `"},"timestamp":`...)
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, `,"type":"`...)
	b = append(b, kind...)
	b = append(b, `","webhookEventId":"`...)
	b = append(b, id...)
	return append(b, `"}]}`...)
}

// loadBody is the webhook body of one event with any ids and text.
func loadBody(id, user, token, kind, value string) []byte {
	return appendLoadBody(nil, jsonChars(id), jsonChars(user), jsonChars(token), string(jsonChars(kind)), jsonString(value), time.Now().UnixMilli())
}

// userSource hands out the people a run talks as: user number k is
// "Uload", k in 28 digits, and the tag. The warm-up of --sessions and the
// timed run share a tag, so that the run's people are among the sessions
// opened before it.
type userSource struct {
	tag   string
	limit int64 // the most people handed out; 0 = no limit
	next  atomic.Int64
}

// newUserSource makes a tag unique to this run: with Redis the server
// remembers sessions between runs.
func newUserSource(limit int) *userSource {
	return &userSource{tag: strconv.FormatInt(time.Now().UnixNano(), 36), limit: int64(limit)}
}

// take writes the next person's user id over dst; false once limit people
// have been handed out.
func (u *userSource) take(dst []byte) ([]byte, bool) {
	k := u.next.Add(1) - 1
	if u.limit > 0 && k >= u.limit {
		return dst, false
	}
	return appendUser(dst[:0], k, u.tag), true
}

// used is how many people were handed out.
func (u *userSource) used() int64 {
	if n := u.next.Load(); u.limit == 0 || n < u.limit {
		return n
	}
	return u.limit
}

// appendUser appends user number k's id.
func appendUser(b []byte, k int64, tag string) []byte {
	b = append(b, "Uload"...)
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], k, 10)
	for range 28 - len(d) {
		b = append(b, '0')
	}
	b = append(b, d...)
	return append(b, tag...)
}

// replyWaiter is whoever waits for the reply to a reply token at the fake
// API.
type replyWaiter interface{ replied() }

// loadPerson is one person slot of a run. Whoever holds the slot's number
// (the ready queue, the pacer, a sender, the fake API's map) owns it.
type loadPerson struct {
	user []byte
	step int // the script step sent next
	wait pendingReply
}

// pendingReply is a person's event waiting for its reply at the fake API.
type pendingReply struct {
	g    *generator
	p    int32
	sent atomic.Int64 // when the webhook was posted, since g.start
}

// replied records the reply and hands the person back to the pacer.
func (w *pendingReply) replied() {
	g := w.g
	d := time.Since(g.start) - time.Duration(w.sent.Load())
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.over {
		return
	}
	g.replies = append(g.replies, d)
	g.inflight.Add(-1)
	g.ready <- w.p
}

// loadPlan is what one run of the generator does.
type loadPlan struct {
	people   int // person slots; each goes through the script, then someone new takes the slot
	conns    int // senders, each with its own connection
	rate     float64
	events   int
	duration time.Duration
	secret   string
	script   []loadStep
	users    *userSource
}

// sendJob is an event the pacer hands to a sender: the person and the
// time it was due, since the run's start.
type sendJob struct {
	p   int32
	due time.Duration
}

// replyTimeout is how long a person waits for a reply before the event
// counts as failed.
const replyTimeout = 10 * time.Second

// lateAfter is how long after its due time an event may be posted before
// it counts as late: the pacer's timer wakes about every millisecond.
const lateAfter = 2 * time.Millisecond

// generator is one run of the load generator against one server.
type generator struct {
	loadPlan
	url    string
	api    *fakeAPI // nil: a person waits for the ack only
	tag    string   // makes event ids unique to this run
	start  time.Time
	people []loadPerson
	ready  chan int32 // people whose last event was answered
	work   chan sendJob

	sent, failed, skipped, late, inflight atomic.Int64
	// asked counts the questions taken from loadMix, which are asked in
	// turn.
	asked atomic.Int64

	mu      sync.Mutex // guards replies and over
	replies []time.Duration
	over    bool // the run is over: late replies are not counted
}

// drive runs the simulated people of o against url. With api set a
// person's next event waits for the reply to reach the fake API (end to
// end); without, for the webhook's ack. With o.rate an open loop: events
// are due at the rate whether or not the server keeps up, each taken by a
// person who is free; without, each person sends as soon as answered.
func drive(ctx context.Context, o loadOptions, url string, api *fakeAPI) result {
	return runPlan(ctx, loadPlan{
		people: o.people, conns: o.conns, rate: o.rate, events: o.events, duration: o.duration,
		secret: o.secret, script: loadScript, users: newUserSource(0),
	}, url, api)
}

// warmUp opens n sessions before a timed run (--sessions): each of n
// people says warmScript once, memorySenders at a time, every event waiting
// for its reply. It is not measured; its result says how it went.
func warmUp(ctx context.Context, o loadOptions, url string, api *fakeAPI, users *userSource) result {
	senders := min(memorySenders, o.sessions)
	return runPlan(ctx, loadPlan{
		people: senders, conns: senders, events: len(warmScript) * o.sessions, duration: 24 * time.Hour,
		secret: o.secret, script: warmScript, users: users,
	}, url, api)
}

// runPlan runs a plan against url and returns what it measured.
func runPlan(ctx context.Context, pl loadPlan, url string, api *fakeAPI) result {
	if pl.conns <= 0 {
		pl.conns = defaultConns(pl.people, pl.rate)
	}
	cpu0 := cpuTime(os.Getpid())
	g := &generator{
		loadPlan: pl, url: url, api: api, start: time.Now(),
		people: make([]loadPerson, pl.people),
		ready:  make(chan int32, pl.people),
		work:   make(chan sendJob, pl.conns),
	}
	g.tag = strconv.FormatInt(g.start.UnixNano(), 36)
	for i := range g.people {
		g.people[i].wait = pendingReply{g: g, p: int32(i)}
		g.ready <- int32(i)
	}
	ctx, cancel := context.WithTimeout(ctx, pl.duration)
	defer cancel()
	client := &fasthttp.Client{MaxConnsPerHost: pl.conns, MaxIdleConnDuration: time.Minute, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	stats := make([]senderStats, pl.conns)
	var senders sync.WaitGroup
	for i := range stats {
		senders.Go(func() { g.send(client, &stats[i]) })
	}
	sweepDone := make(chan struct{})
	var sweeper sync.WaitGroup
	if api != nil {
		sweeper.Go(func() { g.sweep(sweepDone) })
	}
	g.pace(ctx)
	close(g.work)
	senders.Wait()
	// The events are all sent; unless the time is up, wait for the last
	// replies (each at most replyTimeout, which the sweeper enforces).
	for g.inflight.Load() > 0 && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	close(sweepDone)
	sweeper.Wait()
	g.abandon()
	r := result{
		events: g.sent.Load(), errors: g.failed.Load(), elapsed: time.Since(g.start),
		skipped: g.skipped.Load(), late: g.late.Load(), conns: pl.conns, openLoop: pl.rate > 0,
		genCPU: cpuSince(os.Getpid(), cpu0),
	}
	for _, s := range stats {
		r.acks = append(r.acks, s.acks...)
		r.lags = append(r.lags, s.lags...)
	}
	r.replies = g.replies
	return r
}

// defaultConns is --conns when not given: a pool of 64 for an open loop,
// one a person for a closed one (each person has at most one event under
// way, as before the pool).
func defaultConns(people int, rate float64) int {
	if rate > 0 {
		return min(64, people)
	}
	return people
}

// pace hands events to the senders until the events are all sent, the
// time is up or (with a user limit) everyone has had their say. With a
// rate, event k is due k/rate after the start, and taken by whoever is
// free the longest; when no one is free it is skipped, not sent later.
// Without, each person's next event is sent as soon as they are free.
func (g *generator) pace(ctx context.Context) {
	var timer *time.Timer
	if g.rate > 0 {
		timer = time.NewTimer(time.Hour)
		defer timer.Stop()
	}
	retired := 0
	for k := int64(0); g.sent.Load() < int64(g.events) && retired < len(g.people); {
		var due time.Duration
		var p int32
		if g.rate > 0 {
			due = time.Duration(float64(k) * float64(time.Second) / g.rate)
			if wait := due - time.Since(g.start); wait > 0 {
				timer.Reset(wait)
				select {
				case <-timer.C:
				case <-ctx.Done():
					return
				}
			}
			k++
			select {
			case p = <-g.ready:
			default:
				g.skipped.Add(1)
				continue
			}
		} else {
			select {
			case p = <-g.ready:
			case <-ctx.Done():
				return
			}
			due = time.Since(g.start)
		}
		if ctx.Err() != nil {
			return
		}
		person := &g.people[p]
		if person.step == 0 {
			var ok bool
			if person.user, ok = g.users.take(person.user); !ok {
				retired++ // everyone has spoken: the slot has no one left
				continue
			}
		}
		g.sent.Add(1)
		g.work <- sendJob{p: p, due: due}
	}
}

// senderStats is what one sender measured.
type senderStats struct {
	acks, lags []time.Duration
}

// send posts the events handed to it, one at a time over its connection:
// the body written into a reused buffer, signed as LINE signs it
// (HMAC-SHA256 of the body with the channel secret, in base64).
func (g *generator) send(client *fasthttp.Client, st *senderStats) {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.SetRequestURI(g.url + "/webhook/line")
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	mac := hmac.New(sha256.New, []byte(g.secret))
	var body, id, token, sum, sig []byte
	for job := range g.work {
		p := &g.people[job.p]
		step := &g.script[p.step]
		// Unique across runs: with Redis the server remembers event ids
		// (and sessions) between runs.
		id = append(append(append(id[:0], p.user...), '-'), strconv.Itoa(p.step)...)
		id = append(append(id, '-'), g.tag...)
		token = append(append(token[:0], "tok-"...), id...)
		text := step.text
		if step.mix {
			text = loadMix[(g.asked.Add(1)-1)%int64(len(loadMix))]
		}
		body = appendLoadBody(body[:0], id, p.user, token, step.kind, text, time.Now().UnixMilli())
		mac.Reset()
		mac.Write(body)
		sum = mac.Sum(sum[:0])
		sig = base64.StdEncoding.AppendEncode(sig[:0], sum)
		req.Header.SetBytesV("X-Line-Signature", sig)
		req.SetBodyRaw(body)
		// The person moves on before the event is posted: once it waits in
		// the fake API's map, the reply may hand it to the pacer at once.
		p.step = (p.step + 1) % len(g.script)
		var key string
		t0 := time.Since(g.start)
		if g.api != nil {
			key = string(token)
			p.wait.sent.Store(int64(t0))
			g.inflight.Add(1)
			g.api.waiting.Store(key, &p.wait)
		}
		if g.rate > 0 {
			lag := t0 - job.due
			st.lags = append(st.lags, lag)
			if lag > lateAfter {
				g.late.Add(1)
			}
		}
		ok := client.Do(req, res) == nil && res.StatusCode() == fasthttp.StatusOK
		if ok {
			st.acks = append(st.acks, time.Since(g.start)-t0)
		} else {
			g.failed.Add(1)
		}
		switch {
		case g.api == nil:
			g.ready <- job.p
		case !ok:
			// No reply will come; unless one came all the same, the
			// person is free again.
			if _, mine := g.api.waiting.LoadAndDelete(key); mine {
				g.inflight.Add(-1)
				g.ready <- job.p
			}
		}
	}
}

// sweep fails the events whose reply has not come within replyTimeout,
// every second until done closes, and frees their people.
func (g *generator) sweep(done <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		now := time.Since(g.start)
		g.api.waiting.Range(func(key, v any) bool {
			w, ok := v.(*pendingReply)
			if !ok || w.g != g || now-time.Duration(w.sent.Load()) < replyTimeout {
				return true
			}
			if _, mine := g.api.waiting.LoadAndDelete(key); mine {
				g.failed.Add(1)
				g.inflight.Add(-1)
				g.ready <- w.p
			}
			return true
		})
	}
}

// abandon ends the run: the replies still awaited when the time ran out
// are neither counted nor failed, and no longer awaited.
func (g *generator) abandon() {
	g.mu.Lock()
	g.over = true
	g.mu.Unlock()
	if g.api == nil {
		return
	}
	g.api.waiting.Range(func(key, v any) bool {
		if w, ok := v.(*pendingReply); ok && w.g == g {
			g.api.waiting.Delete(key)
		}
		return true
	})
}
