package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/bot/sqlstore"
)

// browserPath finds a Chromium or Chrome to drive: Debian's chromium
// first (what .ci/run installs).
func browserPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts headless Chromium, or skips the test saying why.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := browserPath()
	if path == "" {
		t.Skip("no Chromium found (apt-get install chromium): the desk's browser test needs one; CI installs it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // containers run as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.WindowSize(1366, 768),
		chromedp.Flag("lang", "en-US"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Skipf("Chromium at %s does not start (%v): the desk's browser test needs one; CI has it", path, err)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return ctx
}

var oneTimePassword = regexp.MustCompile(`One-time password: (\S+)`)

// TestDeskInBrowser drives the desk in headless Chromium against the real
// server: an operator added by "vaxbot operators add" signs in, changes
// the one-time password, sees a ticket arrive live after a LINE handoff
// sent to the same server, claims it, reveals the call-back number (one
// audit row), and closes it. With VAXBOT_SCREENSHOTS=DIR the queue and the
// ticket are saved there (the README's pictures); on failure the page is
// saved to the test's temporary directory.
func TestDeskInBrowser(t *testing.T) {
	bctx := startBrowser(t)
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.HashKey = "hash-key-for-tests-0123456789"
	cfg.DataKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	cfg.DataDir = t.TempDir()
	t.Setenv("VAXBOT_DATA_DIR", cfg.DataDir)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"operators", "add", "Lin", "--role", "operator"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("operators add: %d %s", code, errOut.String())
	}
	m := oneTimePassword.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no one-time password in %q", out.String())
	}
	ts := startServer(t, cfg)
	// localhost: a Secure cookie is kept over plain HTTP only there.
	base := strings.Replace(ts.url, "127.0.0.1", "localhost", 1)

	shots := os.Getenv("VAXBOT_SCREENSHOTS")
	shot := func(name string) {
		if shots == "" {
			return
		}
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Error(err)
		}
	}
	// failed saves the page and ends the test.
	failed := func(what string, err error) {
		t.Helper()
		dir := t.TempDir()
		if png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, "failure.png"), png, 0o644)
		}
		if html, err := chromedp.Run(bctx, chromedp.OuterHTML(chromedp.CSS("html"))); err == nil {
			os.WriteFile(filepath.Join(dir, "failure.html"), []byte(html), 0o644)
		}
		t.Fatalf("%s: %v (page saved in %s)", what, err, dir)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			failed(what, err)
		}
	}
	text := func(sel chromedp.CSS) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 20*time.Second)
		defer cancel()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			failed("read "+string(sel), err)
		}
		return s
	}

	step("sign in with the one-time password",
		chromedp.Navigate(base+"/desk/login?lang=en"),
		chromedp.WaitVisible(chromedp.ID("#name")),
		chromedp.SendKeys(chromedp.ID("#name"), "Lin"),
		chromedp.SendKeys(chromedp.ID("password"), m[1]),
		chromedp.Click(chromedp.ID("#login")),
		chromedp.WaitVisible(chromedp.ID("#current")),
	)
	step("choose a password",
		chromedp.SendKeys(chromedp.ID("current"), m[1]),
		chromedp.SendKeys(chromedp.ID("#new"), "a long new password"),
		chromedp.SendKeys(chromedp.ID("#repeat"), "a long new password"),
		chromedp.Click(chromedp.ID("#save")),
		chromedp.WaitVisible(chromedp.ID("#live")),
	)

	// A person on LINE fails the number check twice and leaves a number
	// for a call-back: a ticket, while the queue is open in the browser.
	events := []map[string]any{}
	for i, card := range []string{"000022223333", "999999999999"} {
		p := string(rune('a' + i))
		events = append(events,
			lineEvent("b1"+p, "Ubrowser", "b1"+p, "postback", "verify:start"),
			lineEvent("b2"+p, "Ubrowser", "b2"+p, "message", "A123456789"),
			lineEvent("b3"+p, "Ubrowser", "b3"+p, "postback", "verify:yes"),
			lineEvent("b4"+p, "Ubrowser", "b4"+p, "message", card),
		)
	}
	events = append(events,
		lineEvent("c1", "Ubrowser", "c1", "postback", "callback:start"),
		lineEvent("c2", "Ubrowser", "c2", "postback", "callback:yes"),
		lineEvent("c3", "Ubrowser", "c3", "message", "0912-345-678"),
		lineEvent("c4", "Ubrowser", "c4", "postback", "callback:when:morning"),
	)
	for i, ev := range events {
		postLINE(t, ts, lineBody(ev))
		api.WaitReplies(t, i+1)
	}
	step("the ticket arrives in the queue without a reload", chromedp.WaitVisible(chromedp.CSS("#rows tr.new a.ref")))
	ref := text("#rows tr.new a.ref")
	title, err := chromedp.Run(bctx, chromedp.Title())
	if err != nil || !strings.Contains(title, "(1)") {
		t.Errorf("title %q does not count the new ticket", title)
	}
	shot("queue.png")

	step("open it",
		chromedp.Click(chromedp.CSS("#rows tr.new a.ref")),
		chromedp.WaitVisible(chromedp.ID("claim")),
	)
	reason := text("#reason")
	step("claim it",
		chromedp.Click(chromedp.ID("claim")),
		chromedp.WaitVisible(chromedp.ID("release")),
	)
	if status := text("#status"); status != "claimed" || reason == "" {
		t.Errorf("after claiming: status %q, reason %q", status, reason)
	}
	step("reveal the call-back number",
		chromedp.Click(chromedp.ID("reveal")),
		chromedp.WaitVisible(chromedp.ID("phone")),
	)
	if phone := text("#phone"); phone != "0912345678" {
		t.Errorf("revealed %q, want 0912345678", phone)
	}
	shot("ticket.png")
	step("note, then close it as resolved",
		chromedp.SendKeys(chromedp.ID("note"), "Called back; card replaced."),
		chromedp.Click(chromedp.ID("add-note")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.Click(chromedp.ID("outcome-resolved")),
		chromedp.Click(chromedp.ID("close")),
		chromedp.WaitNotPresent(chromedp.ID("add-note")),
	)
	status := text("#status")
	if status != "closed" {
		t.Errorf("after closing: status %q", status)
	}

	store, err := sqlstore.OpenSQLite(context.Background(), cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rows, err := store.Reveals(context.Background(), 0)
	if err != nil || len(rows) != 1 || rows[0].Operator != "Lin" || rows[0].Ref != ref {
		t.Errorf("audit rows %+v, %v; want one of Lin on %s", rows, err, ref)
	}
	tk, err := store.Get(context.Background(), ref)
	if err != nil || tk.Status != "closed" || tk.Callback != nil {
		t.Errorf("ticket after closing: %+v, %v", tk, err)
	}
	if strings.Contains(ts.logs.String(), "0912345678") || strings.Contains(ts.logs.String(), "A123456789") {
		t.Error("a number reached the server's log")
	}
}
