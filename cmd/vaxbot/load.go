package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// loadOptions are the flags of "vaxbot load".
type loadOptions struct {
	target   string        // a running server's base URL; "" = spawn one
	server   string        // the vaxbot binary spawned; "" = this one
	people   int           // simulated people talking at once
	events   int           // stop after this many events
	duration time.Duration // or after this long
	rate     float64       // events per second in total; 0 = as fast as replies come
	// conns is how many connections (each with a sender) post the
	// webhooks; 0 = 64 with a rate, one a person without.
	conns int
	// sessions, when above 0, is how many live sessions the server holds
	// before the timed run (a short conversation each, not measured); the
	// run's people are among them.
	sessions int
	// pin puts the generator on the last CPU and what it starts on the
	// others.
	pin    bool
	secret string
	floor  bool
	// bareFloors also measures the bare floor and the bare reply floor
	// (no SDK), the headline's yardstick.
	bareFloors bool
	// replyFloor also measures the least a replying bot does end to end.
	replyFloor bool
	apiAddr    string
	// apiLatency is how long the fake LINE API takes to answer a call.
	apiLatency time.Duration
	// memory, instead of a throughput run, measures the memory an idle
	// session costs (loadMemory).
	memory bool
	// cpuProfile, when set, receives the load generator's own CPU profile
	// (the server's is on VAXBOT_PPROF_ADDR).
	cpuProfile string
	// heapProfile, when set with memory, receives the server's heap
	// profile taken after the people have talked.
	heapProfile string
}

// parseLoadFlags reads the flags of "vaxbot load"; the flag package
// writes what is wrong, and the usage, to output.
func parseLoadFlags(args []string, output io.Writer) (loadOptions, error) {
	o := loadOptions{}
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&o.target, "target", "", "base URL of a running vaxbot serve whose VAXBOT_LINE_API_BASE points at --api-addr (default: start one)")
	fs.StringVar(&o.server, "server", "", "the vaxbot binary to start as the server, to compare two builds under one load generator (default: this one)")
	fs.IntVar(&o.people, "people", 200, "simulated people talking at once")
	fs.IntVar(&o.events, "events", 20000, "stop after this many events")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "stop after this long")
	fs.Float64Var(&o.rate, "rate", 0, "events per second in total, an open loop: each event due is taken by a person whose last reply has come, or skipped when none is free (0: each person sends as soon as answered)")
	fs.IntVar(&o.conns, "conns", 0, "connections posting the webhooks, each with one sender (default: 64 with --rate, one per person without)")
	fs.IntVar(&o.sessions, "sessions", 0, "before the timed run, open this many live sessions in the server (a follow and a question each, 256 people at a time, not measured); the run's people are among them")
	fs.BoolVar(&o.pin, "pin", false, "pin the generator and the fake LINE API to the last CPU and the server and floors to the others (Linux; GOMAXPROCS set to match)")
	fs.StringVar(&o.secret, "secret", "load-test-secret", "LINE channel secret shared with the server")
	fs.BoolVar(&o.bareFloors, "bare-floors", true, "also measure the bare floors, written without the SDK: fasthttp, HMAC-SHA256, encoding/json into a minimal struct and go-cache dedupe, then the same plus one reply per event through a pooled fasthttp client (the headline ratio's yardstick)")
	fs.BoolVar(&o.floor, "floor", true, "also measure the floor: a bare fasthttp handler that checks the signature and parses the JSON")
	fs.BoolVar(&o.replyFloor, "reply-floor", true, "also measure the reply floor: the floor plus one fixed reply per event through the SDK's messaging client, end to end")
	fs.StringVar(&o.apiAddr, "api-addr", "127.0.0.1:0", "loopback address of the fake LINE API")
	fs.DurationVar(&o.apiLatency, "api-latency", 0, "how long the fake LINE API takes to answer each call, as LINE's servers do across a real network (tens of milliseconds); the reply counts as arrived when the answer leaves")
	fs.BoolVar(&o.memory, "memory", false, "measure memory per session instead: each of --people people has a short conversation once (256 at a time), then the server's live heap and resident memory per session are reported")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the load generator's CPU profile to this file")
	fs.StringVar(&o.heapProfile, "heapprofile", "", "with --memory: write the server's heap profile, taken once the people have talked, to this file")
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("load: %w", err)
	}
	return o, nil
}

func runLoad(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	o, err := parseLoadFlags(args, stderr)
	if err != nil {
		return 2
	}
	if err := o.validate(); err != nil {
		fmt.Fprintln(stderr, "vaxbot load:", err)
		return 2
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "vaxbot load: --cpuprofile:", err)
			return 1
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	var pin *cpuPin
	if o.pin {
		var err error
		if pin, err = newCPUPin(); err != nil {
			fmt.Fprintf(stderr, "vaxbot load: --pin: cannot (%v); running unpinned\n", err)
		} else if err := pin.pinSelf(); err != nil {
			fmt.Fprintln(stderr, "vaxbot load:", err)
			return 1
		}
	}
	run := func(ctx context.Context, o loadOptions, w io.Writer) error { return load(ctx, o, pin, w) }
	if o.memory {
		run = loadMemory
	}
	if err := run(ctx, o, stdout); err != nil {
		fmt.Fprintln(stderr, "vaxbot load:", err)
		return 1
	}
	return 0
}

// validate checks the flags together.
func (o loadOptions) validate() error {
	switch {
	case o.people <= 0 || o.events <= 0 || o.duration <= 0:
		return errors.New("--people, --events and --duration must be positive")
	case o.rate < 0 || o.conns < 0 || o.sessions < 0:
		return errors.New("--rate, --conns and --sessions must not be negative")
	case o.sessions > 0 && o.sessions < o.people:
		return fmt.Errorf("--sessions %d is fewer than --people %d: the run's people are among the sessions", o.sessions, o.people)
	case o.memory && (o.sessions > 0 || o.rate > 0 || o.conns > 0 || o.pin):
		return errors.New("--memory takes none of --sessions, --rate, --conns and --pin")
	}
	return nil
}

// fakeAPI is the LINE Messaging API the server replies to during a load
// run: it wakes the simulated person waiting for each reply token.
type fakeAPI struct {
	waiting sync.Map // reply token → replyWaiter
	replies atomic.Int64
	// latency delays each answer (--api-latency).
	latency time.Duration
}

// handle answers one API call. It stands in for LINE's servers, which do
// not share the server's CPU in production, so it does as little as it can:
// it finds the reply token without decoding the whole message body.
func (f *fakeAPI) handle(ctx *fasthttp.RequestCtx) {
	if f.latency > 0 {
		time.Sleep(f.latency)
	}
	if token := replyToken(ctx.PostBody()); token != "" {
		f.replies.Add(1)
		if w, ok := f.waiting.LoadAndDelete(token); ok {
			w.(replyWaiter).replied()
		}
	}
	ctx.SetContentType("application/json")
	ctx.SetBodyString(`{"sentMessages":[{"id":"1","quoteToken":"q"}]}`)
}

// ServeHTTP is the same for net/http, for tests.
func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if token := replyToken(body); token != "" {
		f.replies.Add(1)
		if w, ok := f.waiting.LoadAndDelete(token); ok {
			w.(replyWaiter).replied()
		}
	}
	io.WriteString(w, `{"sentMessages":[{"id":"1","quoteToken":"q"}]}`)
}

// replyToken finds "replyToken":"…" in a reply request. The tokens the load
// generator makes hold no quotes or escapes.
func replyToken(body []byte) string {
	const key = `"replyToken":"`
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return ""
	}
	rest := body[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// result is what one load phase measured.
type result struct {
	name             string
	events, errors   int64
	elapsed          time.Duration
	acks, replies    []time.Duration
	peakRSS          int64         // bytes; 0 when unknown
	cpu              time.Duration // the server process's CPU time (user and system) during the run; 0 when unknown
	repliesCompleted bool
	kind             floorKind // which floor; serveRun for the server

	// What the generator itself did.
	conns         int
	openLoop      bool            // paced at a rate
	skipped, late int64           // events due when no person was free; events posted lateAfter or more after due
	lags          []time.Duration // how long after its due time each event was posted
	genCPU        time.Duration   // the generator's own CPU time (with the fake API's); 0 when unknown
	sessions      string          // the live sessions the run had, said in words; "" when not counted
}

// floorKind names the runs a load test compares.
type floorKind int

// The runs: the server, and the floors it is compared with.
const (
	serveRun       floorKind = iota
	bareFloor                // fasthttp, HMAC, encoding/json into a minimal struct, go-cache dedupe
	bareReplyFloor           // the bare floor and one reply per event through a pooled fasthttp client
	sdkFloor                 // the signature and the body parsed with the LINE SDK
	sdkReplyFloor            // the SDK floor and one reply per event through the SDK's client
)

func (r result) rate() float64 { return float64(r.events-r.errors) / r.elapsed.Seconds() }

// startFakeAPI serves a fakeAPI on addr, answering each call after latency;
// stop shuts it down.
func startFakeAPI(addr string, latency time.Duration) (api *fakeAPI, url string, stop func(), err error) {
	api = &fakeAPI{latency: latency}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", nil, err
	}
	srv := &fasthttp.Server{Handler: api.handle}
	go srv.Serve(ln)
	return api, "http://" + ln.Addr().String(), func() { srv.Shutdown() }, nil
}

// load measures the floors and the server under the same generator and
// reports them. pin, when not nil, pins the processes it starts.
func load(ctx context.Context, o loadOptions, pin *cpuPin, w io.Writer) error {
	api, apiURL, stopAPI, err := startFakeAPI(o.apiAddr, o.apiLatency)
	if err != nil {
		return err
	}
	defer stopAPI()

	target, stop, pid := o.target, func() {}, 0
	if target == "" {
		if target, stop, pid, err = spawnServer(ctx, o.server, o.secret, apiURL, pin); err != nil {
			return err
		}
	}
	defer stop()

	var results []result
	floors := []struct {
		on          bool
		kind        floorKind
		name        string
		reply, bare bool
	}{
		{o.bareFloors, bareFloor, "bare floor: HMAC + JSON + dedupe", false, true},
		{o.bareFloors, bareReplyFloor, "bare reply floor: + fasthttp reply", true, true},
		{o.floor, sdkFloor, "floor: signature + JSON parse only", false, false},
		{o.replyFloor, sdkReplyFloor, "reply floor: + one SDK reply", true, false},
	}
	for _, f := range floors {
		if !f.on {
			continue
		}
		replyAPI, waitFor := "", (*fakeAPI)(nil)
		if f.reply {
			replyAPI, waitFor = apiURL, api
		}
		floorURL, stopFloor, floorPID, err := spawnFloor(ctx, o.secret, replyAPI, f.bare, pin)
		if err != nil {
			return err
		}
		cpu0 := cpuTime(floorPID)
		r := drive(ctx, o, floorURL, waitFor)
		r.cpu = cpuSince(floorPID, cpu0)
		r.name, r.repliesCompleted, r.peakRSS = f.name, f.reply, peakRSS(floorPID)
		r.kind = f.kind
		stopFloor()
		results = append(results, r)
	}
	var r result
	if o.sessions > 0 {
		// The sessions are opened, unmeasured; then the run's people
		// come from among them, from the first on.
		users := newUserSource(o.sessions)
		warm := warmUp(ctx, o, target, api, users)
		if ctx.Err() != nil {
			return fmt.Errorf("opening %d sessions: %w", o.sessions, ctx.Err())
		}
		settle(pid)
		users = &userSource{tag: users.tag}
		cpu0 := cpuTime(pid)
		r = runPlan(ctx, loadPlan{
			people: o.people, conns: o.conns, rate: o.rate, events: o.events, duration: o.duration,
			secret: o.secret, script: loadScript, users: users,
		}, target, api)
		r.cpu = cpuSince(pid, cpu0)
		r.sessions = fmt.Sprintf("%d live sessions at the start (opened before it by %d events in %s, %d failed, not measured; the floors ran without), %d at the end",
			o.sessions, warm.events, warm.elapsed.Round(time.Second), warm.errors, max(users.used(), int64(o.sessions)))
	} else {
		cpu0 := cpuTime(pid)
		r = drive(ctx, o, target, api)
		r.cpu = cpuSince(pid, cpu0)
	}
	r.name = "vaxbot serve, end to end"
	r.repliesCompleted = true
	if pid != 0 {
		r.peakRSS = peakRSS(pid)
	}
	results = append(results, r)
	report(w, o, pin, results)
	return nil
}

// loadCheckRate is the number checks per second the spawned server allows:
// more than a load run asks for.
const loadCheckRate = 1_000_000

// spawnServer starts "vaxbot serve" on a free loopback port, configured to
// reply to the fake API, and waits until it is ready. exe is the vaxbot
// binary to start; this one when "".
func spawnServer(ctx context.Context, exe, secret, apiURL string, pin *cpuPin, env ...string) (string, func(), int, error) {
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return "", nil, 0, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, 0, err
	}
	addr := ln.Addr().String()
	ln.Close()
	// The run's tickets go to a directory of its own, removed afterwards,
	// not into the operator's data.
	dir, err := os.MkdirTemp("", "vaxbot-load-")
	if err != nil {
		return "", nil, 0, err
	}
	cmd := exec.CommandContext(ctx, exe, "serve", "--addr", addr)
	cmd.Env = append(os.Environ(),
		"VAXBOT_LINE_CHANNEL_SECRET="+secret, "VAXBOT_LINE_CHANNEL_TOKEN=load-test-token",
		"VAXBOT_LINE_API_BASE="+apiURL, "VAXBOT_TELEGRAM_TOKEN=", "VAXBOT_TELEGRAM_SECRET=",
		"VAXBOT_DATA_DIR="+dir, "VAXBOT_DATABASE_URL=",
		// The demo registry, named as serve wants it with a channel on, is
		// in memory and takes any rate; a deployment sets what its
		// registry can take.
		"VAXBOT_REGISTRY="+demoRegistry, "VAXBOT_REGISTRY_URL=", "VAXBOT_REGISTRY_TOKEN=",
		"VAXBOT_REGISTRY_CERT=", "VAXBOT_REGISTRY_KEY=",
		"VAXBOT_CHECK_RATE="+strconv.Itoa(loadCheckRate))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = io.Discard
	if err := startPinned(cmd, pin); err != nil {
		os.RemoveAll(dir)
		return "", nil, 0, fmt.Errorf("start the server: %w", err)
	}
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		os.RemoveAll(dir)
	}
	url := "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get(url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				if err := pinAgain(cmd.Process.Pid, pin); err != nil {
					stop()
					return "", nil, 0, err
				}
				return url, stop, cmd.Process.Pid, nil
			}
		}
	}
	stop()
	return "", nil, 0, errors.New("the spawned server did not become ready")
}

// startPinned starts cmd, on the servers' CPUs when pin is not nil.
func startPinned(cmd *exec.Cmd, pin *cpuPin) error {
	if pin == nil {
		return cmd.Start()
	}
	return pin.start(cmd)
}

// pinAgain pins every thread of a started process once it is ready, in
// case one escaped the CPUs it was started on.
func pinAgain(pid int, pin *cpuPin) error {
	if pin == nil {
		return nil
	}
	_, err := pin.pinProcess(pid)
	return err
}

// script is what a simulated person does, once: a mix of menu taps,
// free-text questions and a verification form. A "question" is a text
// message whose text is the next of loadmix.txt's questions, in turn
// across all the people of a run.
var script = []struct{ kind, value string }{
	{"follow", ""},
	{"postback", "faq:q1"},
	{"question", ""},
	{"question", ""},
	{"postback", "faq:q6"},
	{"question", ""},
	{"postback", "verify:start"},
	{"message", "A123456789"},
	{"postback", "verify:yes"},
	{"message", "0000 1111 2222"},
	{"question", ""},
	{"message", "menu"},
}

func sendSigned(client *fasthttp.Client, url, secret string, body []byte) bool {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	req.SetRequestURI(url)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	req.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	req.SetBodyRaw(body)
	return client.Do(req, res) == nil && res.StatusCode() == fasthttp.StatusOK
}

// settle waits, after the warm-up of --sessions, until the server has
// finished with it (its CPU under a tenth of a core for half a second, at
// most settleMax; a server of --target, which has no process of ours, 2
// s), and collects the generator's own garbage of it, so that neither the
// warm-up's last work nor its garbage is measured in the timed run: the
// ack p99 of a run right after opening a million sessions was 2-4 times
// that of a fresh generator against the same server.
func settle(pid int) {
	runtime.GC()
	if pid == 0 {
		time.Sleep(2 * time.Second)
		return
	}
	for deadline, quiet := time.Now().Add(settleMax), 0; quiet < 5 && time.Now().Before(deadline); {
		c0 := cpuTime(pid)
		time.Sleep(100 * time.Millisecond)
		if cpuTime(pid)-c0 <= clockTick {
			quiet++
		} else {
			quiet = 0
		}
	}
}

// settleMax bounds settle's wait for a quiet server.
const settleMax = 15 * time.Second

// clockTick is the unit of the CPU times in /proc/PID/stat (USER_HZ,
// 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuTime reads the user and system CPU time a process has used from
// /proc; 0 when unknown (no process of ours, not Linux).
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in brackets, may hold spaces: fields count from
	// after it. utime and stime are fields 14 and 15, the 12th and 13th
	// after the name.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(raw[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * clockTick
}

// cpuSince is the CPU time pid used since it had used before; 0 when unknown.
func cpuSince(pid int, before time.Duration) time.Duration {
	if now := cpuTime(pid); now > 0 {
		return now - before
	}
	return 0
}

// cpuRatio is how many times f's CPU time per event r takes.
func cpuRatio(r, f result) float64 {
	per := func(x result) float64 { return float64(x.cpu) / float64(max(x.events-x.errors, 1)) }
	return per(r) / per(f)
}

// cpuPerEvent is the server's CPU time per event answered; "-" when unknown.
func (r result) cpuPerEvent() string {
	n := r.events - r.errors
	if r.cpu <= 0 || n <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f µs", float64(r.cpu.Microseconds())/float64(n))
}

// peakRSS reads the process's peak resident memory (VmHWM) from /proc.
func peakRSS(pid int) int64 { return procStatusBytes(pid, "VmHWM:") }

// procStatusBytes reads a size in kB (VmHWM:, VmRSS:) from
// /proc/PID/status, in bytes; 0 when unknown.
func procStatusBytes(pid int, field string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func report(w io.Writer, o loadOptions, pin *cpuPin, results []result) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "load: %d people, at most %d events or %s, rate %s", o.people, o.events, o.duration, rateString(o.rate))
	if len(results) > 0 && results[0].conns > 0 {
		fmt.Fprintf(&b, ", %d connections", results[0].conns)
	}
	b.WriteString("\n")
	if pin != nil {
		fmt.Fprintf(&b, "pinned: %s\n", pin)
	}
	fmt.Fprintf(&b, "%-34s %9s %9s %7s %10s %10s %10s %10s %9s\n", "", "events/s", "CPU/event", "errors", "ack p50", "ack p99", "reply p50", "reply p99", "peak RSS")
	rates := map[floorKind]result{}
	for _, r := range results {
		rss := "-"
		if r.peakRSS > 0 {
			rss = fmt.Sprintf("%.0f MiB", float64(r.peakRSS)/(1<<20))
		}
		rp50, rp99 := "-", "-"
		if r.repliesCompleted {
			rp50, rp99 = ms(percentile(r.replies, 0.5)), ms(percentile(r.replies, 0.99))
		}
		fmt.Fprintf(&b, "%-34s %9.0f %9s %7d %10s %10s %10s %10s %9s\n", r.name, r.rate(), r.cpuPerEvent(), r.errors,
			ms(percentile(r.acks, 0.5)), ms(percentile(r.acks, 0.99)), rp50, rp99, rss)
		if r.openLoop {
			// Whether the generator held the rate: an event due when
			// every person still waited for a reply is skipped.
			fmt.Fprintf(&b, "  generator: %d events skipped (no person free), %d posted more than %s late (lag p99 %s); its own CPU per event %s\n",
				r.skipped, r.late, lateAfter, ms(percentile(r.lags, 0.99)), result{cpu: r.genCPU, events: r.events, errors: r.errors}.cpuPerEvent())
		}
		if r.sessions != "" {
			fmt.Fprintf(&b, "  sessions: %s\n", r.sessions)
		}
		if f, ok := rates[sdkFloor]; ok && r.kind != bareFloor && r.kind != bareReplyFloor && r.kind != sdkFloor {
			fmt.Fprintf(&b, "  = %.0f %% of the floor\n", 100*r.rate()/f.rate())
		}
		if f, ok := rates[bareReplyFloor]; ok && r.kind == serveRun {
			// The headline: against the least a replying bot does.
			fmt.Fprintf(&b, "  = %.0f %% of the bare reply floor's events/s", 100*r.rate()/f.rate())
			if r.cpu > 0 && f.cpu > 0 {
				fmt.Fprintf(&b, ", %.1f× its CPU per event", cpuRatio(r, f))
			}
			b.WriteString("\n")
		}
		rates[r.kind] = r
	}
	w.Write(b.Bytes())
}

func rateString(r float64) string {
	if r <= 0 {
		return "unbounded"
	}
	return fmt.Sprintf("%.0f/s", r)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
