package main

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/voice"
)

// TestServeVoiceCall drives a whole call through the real server on
// loopback with signed requests, as the provider would.
func TestServeVoiceCall(t *testing.T) {
	cfg := serveConfig{VoiceAuthToken: "twilio-token", Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second}
	ts := startServer(t, cfg)
	// The public URL must be known before the server starts; use the
	// loopback address it got by starting a second server with it.
	ts.cancel()
	<-ts.done
	ts.done <- nil
	cfg.PublicURL = "https://vaxbot.example"
	ts = startServer(t, cfg)

	step := func(path string, form url.Values, sign bool) (int, string) {
		t.Helper()
		form.Set("CallSid", "CAe2e")
		form.Set("From", "+886912345678")
		req, _ := http.NewRequest(http.MethodPost, ts.url+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sign {
			req.Header.Set("X-Twilio-Signature", voice.Signature("twilio-token", "https://vaxbot.example"+path, form))
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode == http.StatusOK && !strings.HasPrefix(res.Header.Get("Content-Type"), "text/xml") {
			t.Errorf("content type %q", res.Header.Get("Content-Type"))
		}
		return res.StatusCode, string(b)
	}
	if code, _ := step("/voice/incoming", url.Values{}, false); code != http.StatusForbidden {
		t.Errorf("unsigned: %d, want 403", code)
	}
	forged := url.Values{"Digits": {"1"}}
	form := url.Values{"Digits": {"2"}}
	form.Set("CallSid", "CAe2e")
	form.Set("From", "+886912345678")
	req, _ := http.NewRequest(http.MethodPost, ts.url+"/voice/gather", strings.NewReader(forged.Encode()+"&CallSid=CAe2e&From=%2B886912345678"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", voice.Signature("twilio-token", "https://vaxbot.example/voice/gather", form))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("signature of other digits: %v %v", res.StatusCode, err)
	}
	calls := []struct {
		path, digits, want string
	}{
		{"/voice/incoming", "", "press 2"},
		{"/voice/gather", "2", "For more choices, press 9"},
		{"/voice/gather", "1", "lower left"},
		{"/voice/gather", "#", "Pick a topic"},
		{"/voice/gather", "0", "<Dial"},
		{"/voice/dialed", "", "Goodbye"},
	}
	for _, c := range calls {
		form := url.Values{}
		if c.digits != "" {
			form.Set("Digits", c.digits)
		}
		if c.path == "/voice/dialed" {
			form.Set("DialCallStatus", "completed")
		}
		code, body := step(c.path, form, true)
		if code != http.StatusOK || !strings.Contains(body, c.want) {
			t.Fatalf("%s %s: %d, want %q in\n%s", c.path, c.digits, code, c.want, body)
		}
		var doc struct {
			XMLName xml.Name `xml:"Response"`
		}
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("not TwiML: %v", err)
		}
	}
}
