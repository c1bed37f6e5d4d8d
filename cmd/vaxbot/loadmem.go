package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// memoryScript is what each person says in a memory run: a typical short
// conversation (a follow, a question, a menu tap, the start of the form),
// after which the session waits idle, as most do.
var memoryScript = []struct{ kind, value string }{
	{"follow", ""},
	{"message", "健保卡號在哪裡"},
	{"postback", "faq:q6"},
	{"message", "my new ARC number fails verification"},
	{"postback", "verify:start"},
}

// memorySenders is how many people talk at once in a memory run.
const memorySenders = 256

// loadMemory measures what an idle session costs the server ("vaxbot load
// --memory"): o.people people each go through memoryScript once, then the
// server's live heap (after a collection forced through its pprof
// endpoint) and its resident memory are read and divided by the people.
func loadMemory(ctx context.Context, o loadOptions, w io.Writer) error {
	api, apiURL, stopAPI, err := startFakeAPI(o.apiAddr, 0)
	if err != nil {
		return err
	}
	defer stopAPI()
	pprofLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	pprofAddr := pprofLn.Addr().String()
	pprofLn.Close()
	target, stop, pid, err := spawnServer(ctx, o.server, o.secret, apiURL, nil, "VAXBOT_PPROF_ADDR="+pprofAddr)
	if err != nil {
		return err
	}
	defer stop()
	heap0, err := liveHeap(target, pprofAddr)
	if err != nil {
		return err
	}
	rss0 := residentMemory(pid)

	// Each person goes through the script once, memorySenders at a time,
	// every event waiting for its reply: the generator of --sessions.
	start := time.Now()
	users := newUserSource(o.people)
	senders := min(memorySenders, o.people)
	r := runPlan(ctx, loadPlan{
		people: senders, conns: senders, events: len(memoryScript) * o.people, duration: 24 * time.Hour,
		secret: o.secret, script: compileScript(memoryScript), users: users,
	}, target, api)
	elapsed := time.Since(start)
	heap1, err := liveHeap(target, pprofAddr)
	if err != nil {
		return err
	}
	rss1 := residentMemory(pid)
	if o.heapProfile != "" {
		if err := saveHeapProfile(pprofAddr, o.heapProfile); err != nil {
			return err
		}
	}
	n := float64(users.used())
	fmt.Fprintf(w, "memory: %d people, %d events each, in %s (%d failed)\n", int(n), len(memoryScript), elapsed.Round(time.Second), r.errors)
	fmt.Fprintf(w, "  live heap: %.0f MiB → %.0f MiB, %.0f B per session\n", float64(heap0)/(1<<20), float64(heap1)/(1<<20), float64(int64(heap1)-int64(heap0))/n)
	if rss0 > 0 && rss1 > 0 {
		gogc := os.Getenv("GOGC")
		if gogc == "" {
			gogc = "unset: serve's own, 400 % of a small heap to 200 % of a large one"
		}
		fmt.Fprintf(w, "  resident:  %.0f MiB → %.0f MiB, %.0f B per session (GOGC %s)\n", float64(rss0)/(1<<20), float64(rss1)/(1<<20), float64(rss1-rss0)/n, gogc)
	}
	return nil
}

// liveHeap forces a collection in the server (pprof's heap profile with
// gc=1) and reads its live heap (go_memstats_alloc_bytes) from /metrics.
func liveHeap(target, pprofAddr string) (uint64, error) {
	res, err := http.Get("http://" + pprofAddr + "/debug/pprof/heap?gc=1")
	if err != nil {
		return 0, fmt.Errorf("force a collection: %w", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	res, err = http.Get(target + "/metrics")
	if err != nil {
		return 0, fmt.Errorf("read the metrics: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, fmt.Errorf("read the metrics: %w", err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "go_memstats_alloc_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("go_memstats_alloc_bytes: %w", err)
			}
			return uint64(f), nil
		}
	}
	return 0, fmt.Errorf("no go_memstats_alloc_bytes in the server's metrics")
}

// saveHeapProfile writes the server's heap profile to path.
func saveHeapProfile(pprofAddr, path string) error {
	res, err := http.Get("http://" + pprofAddr + "/debug/pprof/heap")
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	defer res.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	return nil
}

// residentMemory reads a process's resident memory (VmRSS); 0 when
// unknown.
func residentMemory(pid int) int64 { return procStatusBytes(pid, "VmRSS:") }
