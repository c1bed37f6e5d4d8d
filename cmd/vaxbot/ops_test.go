package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line/linetest"
)

func opsDo(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

type opsTicket struct {
	Ref       string `json:"ref"`
	Line      string `json:"line"`
	Reason    string `json:"reason"`
	Status    string `json:"status"`
	MaskedID  string `json:"masked_id"`
	IDHash    string `json:"id_hash"`
	ClaimedBy string `json:"claimed_by"`
	Turns     []struct {
		From, Text string
	} `json:"turns"`
}

// TestServeOperatorDay: a person is handed over after two mismatches; the
// operator finds the ticket by the number the caller reads out, claims it and
// closes it. Nothing written holds the full numbers.
func TestServeOperatorDay(t *testing.T) {
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.OpsToken = "ops-secret"
	cfg.HashKey = "hash-key-for-tests-0123456789"
	cfg.DataKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	cfg.DataDir = t.TempDir()
	ts := startServer(t, cfg)
	steps := []map[string]any{}
	for i, card := range []string{"000022223333", "999999999999"} {
		p := string(rune('a' + i))
		steps = append(steps,
			lineEvent("o1"+p, "Uop", "t1"+p, "postback", "verify:start"),
			lineEvent("o2"+p, "Uop", "t2"+p, "message", "A123456789"),
			lineEvent("o3"+p, "Uop", "t3"+p, "postback", "verify:yes"),
			lineEvent("o4"+p, "Uop", "t4"+p, "message", card),
		)
	}
	for i, ev := range steps {
		postLINE(t, ts, lineBody(ev))
		api.WaitReplies(t, i+1)
	}
	last := api.Replies()[len(steps)-1]
	b, _ := json.Marshal(last.Messages)
	if !strings.Contains(string(b), "reference") && !strings.Contains(string(b), "案件編號") {
		t.Fatalf("the handoff reply gives no reference: %s", b)
	}
	// The person leaves a number for a call-back.
	for i, ev := range []map[string]any{
		lineEvent("c1", "Uop", "c1", "postback", "callback:start"),
		lineEvent("c2", "Uop", "c2", "postback", "callback:yes"),
		lineEvent("c3", "Uop", "c3", "message", "0912-345-678"),
		lineEvent("c4", "Uop", "c4", "postback", "callback:when:morning"),
	} {
		postLINE(t, ts, lineBody(ev))
		api.WaitReplies(t, len(steps)+i+1)
	}

	if code, _ := opsDo(t, "GET", ts.url+"/ops/tickets", "wrong", ""); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	code, body := opsDo(t, "GET", ts.url+"/ops/tickets?status=open&line=1922", "ops-secret", "")
	var list []opsTicket
	if code != http.StatusOK || json.Unmarshal(body, &list) != nil || len(list) != 1 {
		t.Fatalf("list: %d %s", code, body)
	}
	tk := list[0]
	if tk.Reason != "mismatch_twice" || tk.MaskedID != "A12*****89" || tk.IDHash == "" || len(tk.Turns) == 0 {
		t.Errorf("ticket %+v", tk)
	}
	if !strings.Contains(string(b), tk.Ref) {
		t.Errorf("the person was told another reference than %s", tk.Ref)
	}
	if strings.Contains(string(body), "0912345678") {
		t.Errorf("the list shows the call-back number: %s", body)
	}
	if code, one := opsDo(t, "GET", ts.url+"/ops/tickets/"+tk.Ref, "ops-secret", ""); code != http.StatusOK ||
		!strings.Contains(string(one), `"callback_phone":"0912345678"`) || !strings.Contains(string(one), `"when":"morning"`) {
		t.Errorf("one ticket: %d %s", code, one)
	}
	// The caller reads out their number; the server hashes it to find them.
	code, body = opsDo(t, "POST", ts.url+"/ops/tickets:find", "ops-secret", `{"id":"a123 456 789"}`)
	if code != http.StatusOK || !strings.Contains(string(body), tk.Ref) {
		t.Errorf("find: %d %s", code, body)
	}
	if code, body := opsDo(t, "POST", ts.url+"/ops/tickets:find", "ops-secret", `{"id":"A123456780"}`); code != http.StatusBadRequest || strings.Contains(string(body), "A123456780") {
		t.Errorf("find with a bad checksum: %d %s", code, body)
	} else {
		var e struct {
			Error   string `json:"error"`
			ErrorZh string `json:"error_zh"`
		}
		if err := json.Unmarshal(body, &e); err != nil || e.Error == "" || !strings.Contains(e.ErrorZh, "證號無效") {
			t.Errorf("the error is not in both languages: %s", body)
		}
	}
	ref := strings.ToLower(strings.ReplaceAll(tk.Ref, "-", ""))
	if code, body := opsDo(t, "GET", ts.url+"/ops/tickets/"+ref, "ops-secret", ""); code != http.StatusOK || !strings.Contains(string(body), tk.Ref) {
		t.Errorf("get by a loosely typed ref: %d %s", code, body)
	}
	code, body = opsDo(t, "POST", ts.url+"/ops/tickets/"+tk.Ref+"/claim", "ops-secret", `{"by":"Lin"}`)
	var claimed opsTicket
	if code != http.StatusOK || json.Unmarshal(body, &claimed) != nil || claimed.Status != "claimed" || claimed.ClaimedBy != "Lin" {
		t.Errorf("claim: %d %s", code, body)
	}
	if code, _ := opsDo(t, "POST", ts.url+"/ops/tickets/"+tk.Ref+"/claim", "ops-secret", ``); code != http.StatusConflict {
		t.Errorf("second claim: %d, want 409", code)
	}
	if code, body := opsDo(t, "POST", ts.url+"/ops/tickets/"+tk.Ref+"/close", "ops-secret", ``); code != http.StatusOK ||
		!strings.Contains(string(body), `"closed"`) || strings.Contains(string(body), "callback") {
		t.Errorf("close (the call-back number is erased): %d %s", code, body)
	}
	if code, _ := opsDo(t, "GET", ts.url+"/ops/tickets/NOP-EEE", "ops-secret", ""); code != http.StatusNotFound {
		t.Errorf("missing ticket: %d", code)
	}
	if code, _ := opsDo(t, "DELETE", ts.url+"/ops/tickets", "ops-secret", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", code)
	}

	metrics := get(t, ts.url+"/metrics")
	ts.cancel()
	<-ts.done
	ts.done <- nil
	// Everything written: the database files, the logs, the metrics.
	var written bytes.Buffer
	filepath.Walk(cfg.DataDir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(path)
			written.Write(b)
		}
		return nil
	})
	if written.Len() == 0 {
		t.Fatal("no database file written")
	}
	written.WriteString(ts.logs.String())
	written.WriteString(metrics)
	for _, secret := range []string{"A123456789", "000022223333", "999999999999", "0912345678", "0912-345-678", "ops-secret", "hash-key-for-tests", "000102030405"} {
		if bytes.Contains(written.Bytes(), []byte(secret)) {
			t.Errorf("a file or log holds %q", secret)
		}
	}
}

func TestServeOpsOffWithoutToken(t *testing.T) {
	ts := startServer(t, serveConfig{MaxBody: 1 << 20, ShutdownTimeout: time.Second})
	if code, _ := opsDo(t, "GET", ts.url+"/ops/tickets", "", ""); code != http.StatusNotFound {
		t.Errorf("ops without a token configured: %d, want 404", code)
	}
}

func TestTicketsCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VAXBOT_DATA_DIR", dir)
	t.Setenv("VAXBOT_DATABASE_URL", "")
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.DataDir = dir
	ts := startServer(t, cfg)
	postLINE(t, ts, lineBody(lineEvent("k1", "Ucli", "tk1", "postback", "handoff:nhia")))
	api.WaitReplies(t, 1)
	ts.cancel()
	<-ts.done
	ts.done <- nil

	code, out, errOut := runCLI(t, "", "tickets", "list", "--status", "open")
	if code != 0 || !strings.Contains(out, "nhia") || !strings.Contains(out, "asked") {
		t.Fatalf("list: %d %q %q", code, out, errOut)
	}
	ref := strings.Fields(strings.Split(out, "\n")[1])[0]
	if code, out, _ := runCLI(t, "", "tickets", "show", ref); code != 0 || !strings.Contains(out, "ticket "+ref) || !strings.Contains(out, "person") {
		t.Errorf("show: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "tickets", "show", "--lang", "zh-TW", ref); code != 0 || !strings.Contains(out, "案件 "+ref+"  待處理") ||
		!strings.Contains(out, "我想請專人協助疫苗登記") || !strings.Contains(out, "民眾") {
		t.Errorf("show in Chinese: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "tickets", "list", "--lang", "zh-TW"); code != 0 || !strings.HasPrefix(out, "案件編號") || !strings.Contains(out, "待處理") {
		t.Errorf("list in Chinese: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "tickets", "close", strings.ToLower(ref)); code != 0 || !strings.Contains(out, "closed") {
		t.Errorf("close: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "", "tickets", "close", ref); code != 1 || !strings.Contains(errOut, "already closed") {
		t.Errorf("second close: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "tickets", "show", "NOP-EEE"); code != 1 || !strings.Contains(errOut, "no such ticket") {
		t.Errorf("show missing: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "tickets", "show", "--lang", "zh-TW", "NOP-EEE"); code != 1 || !strings.Contains(errOut, "查無此案件") {
		t.Errorf("show missing, in Chinese: %d %q", code, errOut)
	}
	empty := t.TempDir()
	if code, _, errOut := runCLI(t, "", "tickets", "list", "--data-dir", empty); code != 1 || !strings.Contains(errOut, "no ticket database at "+empty) {
		t.Errorf("tickets list on an empty directory: %d %s", code, errOut)
	}
	if fileExists(filepath.Join(empty, "tickets.db")) {
		t.Error("tickets list created a database where there was none")
	}
	if code, _, errOut := runCLI(t, "", "tickets", "list", "--lang", "fr"); code != 2 || !strings.Contains(errOut, "want en or zh-TW") {
		t.Errorf("unknown language: %d %q", code, errOut)
	}
}

// TestTicketWordsBothLanguages: every text of the tickets command exists in
// both languages with the same placeholders.
func TestTicketWordsBothLanguages(t *testing.T) {
	en, zh := ticketWords["en"], ticketWords["zh-TW"]
	if len(en) != len(zh) {
		t.Errorf("%d English texts, %d Chinese", len(en), len(zh))
	}
	for k, v := range en {
		w, ok := zh[k]
		if !ok || w == "" {
			t.Errorf("%s: no Chinese", k)
			continue
		}
		if strings.Count(v, "%s") != strings.Count(w, "%s") {
			t.Errorf("%s: placeholders differ: %q / %q", k, v, w)
		}
	}
}

func TestServeNotifiesOperators(t *testing.T) {
	got := make(chan string, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
	}))
	defer hook.Close()
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	cfg.HandoffWebhook = hook.URL
	ts := startServer(t, cfg)
	for i, ev := range []map[string]any{
		lineEvent("w1", "Unote", "w1", "postback", "verify:start"),
		lineEvent("w2", "Unote", "w2", "message", "C123456781"),
		lineEvent("w3", "Unote", "w3", "postback", "verify:yes"),
		lineEvent("w4", "Unote", "w4", "message", "000077778888"),
		lineEvent("w5", "Unote", "w5", "postback", "verify:replaced"), // QA item 7's last step
	} {
		postLINE(t, ts, lineBody(ev))
		api.WaitReplies(t, i+1)
	}
	select {
	case body := <-got:
		if !strings.Contains(body, `"reason":"duplicate_id"`) || !strings.Contains(body, `"masked_id":"C12*****81"`) {
			t.Errorf("notice %s", body)
		}
		if strings.Contains(body, "C123456781") || strings.Contains(body, "000077778888") {
			t.Errorf("notice holds a full number: %s", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no notice reached the webhook")
	}
}
