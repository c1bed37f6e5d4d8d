package voice

import (
	"bufio"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/dialogs/dialogstest"
	"github.com/vaxbot/vaxbot/dialogs/tickets"
)

var update = flag.Bool("update", false, "rewrite the golden call scripts in testdata/")

func TestSignatureVector(t *testing.T) {
	// The example of the provider's documentation (shared/platforms.md §5.2).
	form := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
		"From": {"+12349013030"}, "To": {"+18005551212"}}
	if got := Signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form); got != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" {
		t.Fatalf("signature %q", got)
	}
	c := newTestChannel(t)
	sig := Signature("voice-token", "https://vaxbot.example/voice/gather", url.Values{"CallSid": {"CA1"}, "Digits": {"1"}})
	tests := []struct {
		name string
		form url.Values
		sig  string
		want bool
	}{
		{"valid", url.Values{"CallSid": {"CA1"}, "Digits": {"1"}}, sig, true},
		{"tampered digits", url.Values{"CallSid": {"CA1"}, "Digits": {"2"}}, sig, false},
		{"missing", url.Values{"CallSid": {"CA1"}, "Digits": {"1"}}, "", false},
		{"garbage", url.Values{"CallSid": {"CA1"}, "Digits": {"1"}}, "not-base64", false},
	}
	for _, tt := range tests {
		if got := c.Authenticate(PathGather, "", tt.form, tt.sig); got != tt.want {
			t.Errorf("%s: got %v", tt.name, got)
		}
	}
}

func TestGroups(t *testing.T) {
	if got := groups("A123456789"); got != "A, 1 2 3, 4 5 6, 7 8 9" {
		t.Errorf("groups = %q", got)
	}
}

// newTestChannel wires the real conversation with a fixed clock, the demo
// registry and deterministic ticket references.
func newTestChannel(t testing.TB) *Channel {
	t.Helper()
	now := time.Date(2021, 7, 21, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	e := dialogstest.Engine(t, now)
	conv := dialogs.NewConversation(e, dialogs.NewMemoryStore(time.Hour))
	conv.Tickets = tickets.NewMemoryStore()
	conv.Rand = mathrand.NewChaCha8([32]byte{3})
	sealer, _ := tickets.NewSealer(make([]byte, 32))
	conv.Sealer = sealer
	c, err := New(Config{AuthToken: "voice-token", PublicURL: "https://vaxbot.example/", Handler: conv})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// describe parses TwiML back and writes it as indented lines, one element
// each with its attributes sorted, so a golden file compares structure and
// words, not bytes.
func describe(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(doc)))
	var out []string
	depth := 0
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("TwiML does not parse: %v\n%s", err, doc)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			var attrs []string
			for _, a := range tk.Attr {
				attrs = append(attrs, a.Name.Local+"="+a.Value)
			}
			sort.Strings(attrs)
			line := strings.Repeat("  ", depth) + tk.Name.Local
			if len(attrs) > 0 {
				line += " [" + strings.Join(attrs, " ") + "]"
			}
			out = append(out, line)
			depth++
			text.Reset()
		case xml.CharData:
			text.Write(tk)
		case xml.EndElement:
			depth--
			if s := strings.Join(strings.Fields(text.String()), " "); s != "" {
				out[len(out)-1] += ": " + s
			}
			text.Reset()
		}
	}
	return out
}

// lastVerb is the name of the last top-level element of a TwiML document.
func lastVerb(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "  ") && !strings.HasPrefix(lines[i], "    ") {
			name, _, _ := strings.Cut(strings.TrimSpace(lines[i]), " ")
			name, _, _ = strings.Cut(name, ":")
			return name
		}
	}
	return ""
}

// TestCalls replays the call scripts in testdata/*.call: "> incoming",
// "> gather Digits=1", "> gather SpeechResult=… Confidence=0.9",
// "> dialed DialCallStatus=busy"; "< " lines are the TwiML, regenerated.
func TestCalls(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.call")
	if len(files) == 0 {
		t.Fatal("no call scripts")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			c := newTestChannel(t)
			sid := "CA" + strings.TrimSuffix(filepath.Base(file), ".call")
			var out strings.Builder
			sc := bufio.NewScanner(strings.NewReader(string(raw)))
			for sc.Scan() {
				line := sc.Text()
				if strings.HasPrefix(line, "<") {
					continue
				}
				out.WriteString(line + "\n")
				if !strings.HasPrefix(line, "> ") {
					continue
				}
				step, params, _ := strings.Cut(line[2:], " ")
				form := url.Values{"CallSid": {sid}, "From": {"+886912345678"}, "To": {"+886212345678"}}
				for _, kv := range splitParams(params) {
					k, v, _ := strings.Cut(kv, "=")
					form.Set(k, v)
				}
				doc := c.Handle(context.Background(), "/voice/"+step, form)
				lines := describe(t, doc)
				if v := lastVerb(lines); v != "Gather" && v != "Redirect" && v != "Dial" && v != "Hangup" {
					t.Errorf("%s: the response ends in %q: dead air", line, v)
				}
				for _, l := range lines {
					out.WriteString("< " + l + "\n")
				}
			}
			got := out.String()
			if *update {
				os.WriteFile(file, []byte(got), 0o644)
				return
			}
			if got != string(raw) {
				w, g := strings.Split(string(raw), "\n"), strings.Split(got, "\n")
				for i := range min(len(w), len(g)) {
					if w[i] != g[i] {
						t.Fatalf("line %d differs (go test ./bot/voice -run TestCalls -update, then review):\nwant %s\ngot  %s", i+1, w[i], g[i])
					}
				}
				t.Fatalf("lengths differ: %d vs %d lines", len(w), len(g))
			}
		})
	}
}

// splitParams splits "A=1 B=two words" on spaces before a Name=.
func splitParams(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if strings.Contains(f, "=") || len(out) == 0 {
			out = append(out, f)
		} else {
			out[len(out)-1] += " " + f
		}
	}
	return out
}

func TestEscaping(t *testing.T) {
	doc, err := Response{Verbs: []any{Say{Language: "en-US", Text: `Fish & chips <b> "quoted" 'single'`}, Hangup{}}}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Say string `xml:"Say"`
	}
	if err := xml.Unmarshal(doc, &parsed); err != nil || parsed.Say != `Fish & chips <b> "quoted" 'single'` {
		t.Errorf("round trip: %q, %v\n%s", parsed.Say, err, doc)
	}
	if strings.Contains(string(doc), "<b>") {
		t.Errorf("unescaped markup: %s", doc)
	}
}

// FuzzCall plays a call of arbitrary steps (the call scripts' "> " lines,
// one per line of the input): every answer is TwiML that parses and ends
// in a verb that keeps the call going or ends it, never dead air.
func FuzzCall(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.call")
	for _, file := range files {
		raw, _ := os.ReadFile(file)
		var steps []string
		for _, line := range strings.Split(string(raw), "\n") {
			if s, ok := strings.CutPrefix(line, "> "); ok {
				steps = append(steps, s)
			}
		}
		f.Add(strings.Join(steps, "\n"))
	}
	f.Add("gather Digits=٣\ngather SpeechResult=🙂 Confidence=x\ndialed DialCallStatus=")
	c := newTestChannel(f)
	var calls int
	f.Fuzz(func(t *testing.T, script string) {
		calls++
		sid := fmt.Sprintf("CAfuzz%d", calls)
		for i, line := range strings.Split(script, "\n") {
			if i == 40 {
				break // a call is not endless
			}
			step, params, _ := strings.Cut(line, " ")
			form := url.Values{"CallSid": {sid}, "From": {"+886912345678"}}
			for _, kv := range splitParams(params) {
				k, v, _ := strings.Cut(kv, "=")
				form.Set(k, v)
			}
			lines := describe(t, c.Handle(context.Background(), "/voice/"+step, form))
			if v := lastVerb(lines); v != "Gather" && v != "Redirect" && v != "Dial" && v != "Hangup" {
				t.Fatalf("step %q: the response ends in %q: dead air", line, v)
			}
		}
	})
}
