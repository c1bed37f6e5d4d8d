package voice

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"
	"github.com/patrickmn/go-cache"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// Paths the provider posts to.
const (
	PathIncoming = "/voice/incoming"
	PathGather   = "/voice/gather"
	PathDialed   = "/voice/dialed"
)

// Handler runs the conversation (dialogs.Conversation).
type Handler interface {
	Handle(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error)
}

// Config sets up the voice channel.
type Config struct {
	// AuthToken is the provider's auth token, the key of X-Twilio-Signature.
	AuthToken string
	// PublicURL is the base URL the provider calls (https://vaxbot.example),
	// as configured there: signatures are computed over it.
	PublicURL string
	Handler   Handler
	Logger    *slog.Logger
	// MinConfidence is the lowest speech recognition confidence taken as
	// words (default 0.5); below it the caller is sent to the keypad.
	MinConfidence float64
}

// Channel answers the provider's webhooks with TwiML.
type Channel struct {
	cfg   Config
	calls *cache.Cache
	words map[string]map[string]string
}

//go:embed data/words.toml
var wordsTOML []byte

// New builds the channel; it needs the auth token and the public URL.
func New(cfg Config) (*Channel, error) {
	if cfg.AuthToken == "" || cfg.PublicURL == "" || cfg.Handler == nil {
		return nil, errors.New("voice: auth token, public URL and handler are required")
	}
	if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("voice: public URL must be an absolute http(s) URL")
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MinConfidence <= 0 {
		cfg.MinConfidence = 0.5
	}
	var words map[string]map[string]string
	if _, err := toml.Decode(string(wordsTOML), &words); err != nil {
		return nil, fmt.Errorf("voice: words: %w", err)
	}
	for k, v := range words {
		if v["zh-TW"] == "" || v["en"] == "" {
			return nil, fmt.Errorf("voice: words: %q needs zh-TW and en", k)
		}
	}
	return &Channel{cfg: cfg, calls: cache.New(2*time.Hour, 10*time.Minute), words: words}, nil
}

// Signature computes X-Twilio-Signature for a POST to fullURL with form:
// base64(HMAC-SHA1(token, URL + each name and value, names sorted)).
func Signature(token, fullURL string, form url.Values) string {
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range names {
		vals := append([]string(nil), form[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Authenticate checks the signature of a request to path (with its raw
// query, if any) in constant time.
func (c *Channel) Authenticate(path, rawQuery string, form url.Values, signature string) bool {
	if signature == "" {
		return false
	}
	full := c.cfg.PublicURL + path
	if rawQuery != "" {
		full += "?" + rawQuery
	}
	want := Signature(c.cfg.AuthToken, full, form)
	return hmac.Equal([]byte(want), []byte(signature))
}

// call is what the channel remembers of one call between requests.
type call struct {
	mu      sync.Mutex
	lang    string // "" until chosen
	last    []dialogs.Reply
	choices []dialogs.Choice
	page    int
	expect  dialogs.Expect
	misses  int
	typed   string // an ID just typed, for reading back once; then wiped
	offer   bool   // the caller is being offered a call-back after a failed dial
	hours   string // when the line just dialled answers
}

func (c *Channel) call(sid string) *call {
	if v, ok := c.calls.Get(sid); ok {
		return v.(*call)
	}
	cl := &call{}
	if err := c.calls.Add(sid, cl, cache.DefaultExpiration); err != nil {
		v, _ := c.calls.Get(sid)
		return v.(*call)
	}
	return cl
}

// Handle answers one authenticated request to path with form parameters
// and returns the TwiML. It never fails: trouble becomes a spoken apology
// and a transfer to 1922 or a hang-up, never dead air.
func (c *Channel) Handle(ctx context.Context, path string, form url.Values) []byte {
	sid := form.Get("CallSid")
	var resp Response
	if sid == "" {
		resp = Response{Verbs: []any{Hangup{}}}
	} else {
		cl := c.call(sid)
		cl.mu.Lock()
		resp = c.step(ctx, cl, path, form)
		cl.mu.Unlock()
	}
	out, err := resp.Marshal()
	if err != nil {
		c.cfg.Logger.Error("voice: render", "err", err)
		out = []byte(xmlHangup)
	}
	return out
}

const xmlHangup = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Response><Hangup></Hangup></Response>`

func (c *Channel) w(lang, key string, kv ...string) string {
	if lang == "" {
		lang = "zh-TW"
	}
	t := c.words[key][lang]
	for i := 0; i+1 < len(kv); i += 2 {
		t = strings.ReplaceAll(t, "{"+kv[i]+"}", kv[i+1])
	}
	return t
}

func sayLang(lang string) string {
	if lang == "en" {
		return "en-US"
	}
	return "zh-TW"
}

func (c *Channel) url(path string) string { return c.cfg.PublicURL + path }

func (c *Channel) step(ctx context.Context, cl *call, path string, form url.Values) Response {
	person := "voice:" + form.Get("CallSid")
	digits := form.Get("Digits")
	speech := strings.TrimSpace(form.Get("SpeechResult"))
	switch {
	case path == PathIncoming && cl.lang == "":
		return c.langPrompt(cl)
	case path == PathDialed:
		if status := form.Get("DialCallStatus"); status == "completed" || status == "" {
			return Response{Verbs: []any{Say{Language: sayLang(cl.lang), Text: c.w(cl.lang, "goodbye")}, Hangup{}}}
		}
		cl.offer = true
		prompt := c.w(cl.lang, "dial_failed")
		if cl.hours != "" {
			prompt = speakable(dialogs.Reply{Text: cl.hours}) + " " + prompt
		}
		return c.gatherKeys(cl, 1, prompt)
	case cl.lang == "":
		switch digits {
		case "1":
			cl.lang = "zh-TW"
		case "2":
			cl.lang = "en"
		default:
			return c.retry(ctx, cl, person, "")
		}
		replies, err := c.cfg.Handler.Handle(ctx, dialogs.Input{Person: person, Event: dialogs.EventStart, LangHint: knowledge.Lang(cl.lang)})
		if err != nil || len(replies) == 0 {
			c.cfg.Logger.Error("voice: conversation", "err", err)
			return c.converse(ctx, cl, dialogs.Input{Person: person, Payload: "handoff:1922"})
		}
		// The chat welcome talks of tapping and typing; the phone has its own.
		replies[0].Speech = c.w(cl.lang, "welcome")
		cl.misses, cl.page = 0, 0
		return c.render(cl, replies, "")
	case cl.offer:
		cl.offer = false
		if digits != "1" {
			return Response{Verbs: []any{Say{Language: sayLang(cl.lang), Text: c.w(cl.lang, "goodbye")}, Hangup{}}}
		}
		// Consent by key press; the number is the one calling.
		var last []dialogs.Reply
		for _, in := range []dialogs.Input{{Payload: "callback:start"}, {Payload: "callback:yes"}, {Text: form.Get("From")}, {Payload: "callback:when:any"}} {
			in.Person = person
			r, err := c.cfg.Handler.Handle(ctx, in)
			if err != nil {
				c.cfg.Logger.Error("voice: conversation", "err", err)
			}
			last = r
		}
		var verbs []any
		for _, r := range last {
			verbs = append(verbs, Say{Language: sayLang(cl.lang), Text: speakable(r)})
		}
		verbs = append(verbs, Say{Language: sayLang(cl.lang), Text: c.w(cl.lang, "goodbye")}, Hangup{})
		return Response{Verbs: verbs}
	}
	// In the conversation.
	switch cl.expect {
	case dialogs.ExpectID:
		if digits == "" {
			return c.retry(ctx, cl, person, "")
		}
		text := keypadID(digits)
		cl.typed = text
		return c.converse(ctx, cl, dialogs.Input{Person: person, Text: text})
	case dialogs.ExpectCard:
		if digits == "" {
			return c.retry(ctx, cl, person, "")
		}
		return c.converse(ctx, cl, dialogs.Input{Person: person, Text: digits})
	case dialogs.ExpectPhone:
		if digits == "1" && form.Get("From") != "" {
			return c.converse(ctx, cl, dialogs.Input{Person: person, Text: form.Get("From")})
		}
		return c.converse(ctx, cl, dialogs.Input{Person: person, Payload: "callback:no"})
	}
	switch {
	case digits == "0":
		return c.converse(ctx, cl, dialogs.Input{Person: person, Payload: "handoff:1922"})
	case digits == "*":
		cl.misses = 0
		return c.render(cl, cl.last, "")
	case digits == "#":
		return c.converse(ctx, cl, dialogs.Input{Person: person, Text: "menu"})
	case digits == "9" && len(cl.choices) > 9:
		cl.page++
		if cl.page*8 >= len(cl.choices) {
			cl.page = 0
		}
		return c.render(cl, cl.last, "")
	case digits != "":
		n, err := strconv.Atoi(digits)
		idx := cl.page*8 + n - 1
		limit := 9
		if len(cl.choices) > 9 {
			limit = 8
		}
		if err != nil || n < 1 || n > limit || idx >= len(cl.choices) {
			return c.retry(ctx, cl, person, "invalid_choice")
		}
		return c.converse(ctx, cl, dialogs.Input{Person: person, Payload: cl.choices[idx].Payload})
	case speech != "":
		conf, _ := strconv.ParseFloat(form.Get("Confidence"), 64)
		if conf < c.cfg.MinConfidence {
			return c.render(cl, cl.last, c.w(cl.lang, "not_understood"))
		}
		return c.converse(ctx, cl, dialogs.Input{Person: person, Text: speech})
	}
	return c.retry(ctx, cl, person, "")
}

// retry answers no input or invalid input (reason names the words to say,
// "" for no input): re-prompt twice, then transfer.
func (c *Channel) retry(ctx context.Context, cl *call, person, reason string) Response {
	cl.misses++
	if cl.misses > 2 {
		cl.misses = 0
		if cl.lang == "" {
			cl.lang = "zh-TW"
		}
		return c.converse(ctx, cl, dialogs.Input{Person: person, Payload: "handoff:1922"})
	}
	if cl.lang == "" {
		return c.langPrompt(cl)
	}
	if reason == "" {
		reason = "no_input"
	}
	return c.render(cl, cl.last, c.w(cl.lang, reason))
}

func (c *Channel) langPrompt(_ *call) Response {
	return Response{Verbs: []any{
		Gather{Input: "dtmf", Action: c.url(PathGather), Method: "POST", NumDigits: 1, Timeout: 6, ActionOnEmptyResult: true,
			Says: []Say{{Language: "zh-TW", Text: c.w("zh-TW", "lang_prompt")}, {Language: "en-US", Text: c.w("en", "lang_prompt")}}},
		Redirect{Method: "POST", URL: c.url(PathGather)},
	}}
}

func (c *Channel) converse(ctx context.Context, cl *call, in dialogs.Input) Response {
	cl.misses = 0
	replies, err := c.cfg.Handler.Handle(ctx, in)
	if err != nil {
		c.cfg.Logger.Error("voice: conversation", "err", err)
	}
	if len(replies) == 0 {
		return c.render(cl, cl.last, "")
	}
	cl.page = 0
	return c.render(cl, replies, "")
}

// render speaks replies and ends in a Gather for the next choice or entry,
// or in a Dial for a handoff.
func (c *Channel) render(cl *call, replies []dialogs.Reply, lead string) Response {
	cl.last = replies
	lang := sayLang(cl.lang)
	var verbs []any
	if lead != "" {
		verbs = append(verbs, Say{Language: lang, Text: lead})
	}
	var choices []dialogs.Choice
	var expect dialogs.Expect
	for _, r := range replies {
		if h := r.Handoff; h != nil {
			return c.dial(cl, verbs, *h)
		}
		verbs = append(verbs, Say{Language: lang, Text: speakable(r)})
		choices = append(choices, r.Choices...)
		expect = r.Expect
	}
	cl.expect = expect
	if cl.typed != "" {
		// Read the ID back in groups, once, then forget it.
		verbs = append(verbs, Say{Language: lang, Text: c.w(cl.lang, "you_entered", "groups", groups(cl.typed))})
		cl.typed = ""
	}
	switch expect {
	case dialogs.ExpectID:
		cl.choices = nil
		return c.gatherEntry(verbs, lang, c.w(cl.lang, "enter_id"))
	case dialogs.ExpectCard:
		cl.choices = nil
		return c.gatherEntry(verbs, lang, c.w(cl.lang, "enter_card"))
	case dialogs.ExpectPhone:
		cl.choices = nil
		g := c.gatherKeys(cl, 1, c.w(cl.lang, "enter_phone"))
		return Response{Verbs: append(verbs, g.Verbs...)}
	}
	cl.choices = choices
	var prompt []Say
	page := choices
	if len(choices) > 9 {
		start := min(cl.page*8, len(choices))
		page = choices[start:min(start+8, len(choices))]
	}
	for i, ch := range page {
		prompt = append(prompt, Say{Language: lang, Text: c.w(cl.lang, "press", "label", ch.Label, "n", strconv.Itoa(i+1))})
	}
	if len(choices) > 9 {
		prompt = append(prompt, Say{Language: lang, Text: c.w(cl.lang, "more")})
	}
	prompt = append(prompt, Say{Language: lang, Text: c.w(cl.lang, "menu_tail")})
	verbs = append(verbs,
		Gather{Input: "dtmf speech", Action: c.url(PathGather), Method: "POST", NumDigits: 1, Timeout: 6,
			Language: lang, SpeechTimeout: "auto", ActionOnEmptyResult: true, Says: prompt},
		Redirect{Method: "POST", URL: c.url(PathGather)})
	return Response{Verbs: verbs}
}

func (c *Channel) gatherEntry(verbs []any, lang, prompt string) Response {
	return Response{Verbs: append(verbs,
		Gather{Input: "dtmf", Action: c.url(PathGather), Method: "POST", FinishOnKey: "#", Timeout: 12,
			ActionOnEmptyResult: true, Says: []Say{{Language: lang, Text: prompt}}},
		Redirect{Method: "POST", URL: c.url(PathGather)})}
}

func (c *Channel) gatherKeys(cl *call, n int, prompt string) Response {
	lang := sayLang(cl.lang)
	return Response{Verbs: []any{
		Gather{Input: "dtmf", Action: c.url(PathGather), Method: "POST", NumDigits: n, Timeout: 8,
			ActionOnEmptyResult: true, Says: []Say{{Language: lang, Text: prompt}}},
		Redirect{Method: "POST", URL: c.url(PathGather)},
	}}
}

// dial says the reference slowly twice and connects the line.
func (c *Channel) dial(cl *call, verbs []any, h dialogs.Handoff) Response {
	lang := sayLang(cl.lang)
	name := c.w(cl.lang, "line_"+h.Line)
	if h.Line == dialogs.LineCounty || name == "" {
		name = c.w(cl.lang, "line_county")
	}
	text := c.w(cl.lang, "transfer_no_ref", "line", name)
	if h.Ticket != "" {
		text = c.w(cl.lang, "transfer", "line", name, "ref", spell(h.Ticket))
	}
	cl.choices, cl.expect, cl.hours = nil, "", h.Hours
	return Response{Verbs: append(verbs,
		Say{Language: lang, Text: text},
		Dial{Action: c.url(PathDialed), Method: "POST", Timeout: 30, Number: dialTo(h)},
	)}
}

// keypadID turns keypad digits into an ID: the letter as its two-digit
// place in the alphabet (01 = A … 26 = Z), then the nine digits; an
// old-format resident number has a second letter (A–D), entered the same way
// (12 keys in all). Anything else is passed on as typed, for the
// conversation to explain.
func keypadID(d string) string {
	letter := func(s string) (string, bool) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 26 {
			return "", false
		}
		return string(rune('A' + n - 1)), true
	}
	switch len(d) {
	case 11:
		if l, ok := letter(d[:2]); ok {
			return l + d[2:]
		}
	case 12:
		l1, ok1 := letter(d[:2])
		l2, ok2 := letter(d[2:4])
		if ok1 && ok2 {
			return l1 + l2 + d[4:]
		}
	}
	return d
}

// groups reads an ID back in small groups: "A, 1 2 3, 4 5 6, 7 8 9".
func groups(id string) string {
	if len(id) < 2 {
		return id
	}
	var parts []string
	parts = append(parts, id[:1])
	rest := id[1:]
	for len(rest) > 0 {
		n := min(3, len(rest))
		parts = append(parts, strings.Join(strings.Split(rest[:n], ""), " "))
		rest = rest[n:]
	}
	return strings.Join(parts, ", ")
}

// spell reads a reference slowly: "K, 7, M, 4, 2, Q".
func spell(ref string) string {
	var parts []string
	for _, r := range ref {
		if r != '-' {
			parts = append(parts, string(r))
		}
	}
	return strings.Join(parts, ", ")
}

// dialTo is the number the provider dials: the line's international form,
// or its short code as written when it has none (reachable only through a
// Taiwanese carrier).
func dialTo(h dialogs.Handoff) string {
	if h.Dial != "" {
		return h.Dial
	}
	return dialogs.Dialable(h.Number)
}

// speakable is a reply as something to say: its spoken version if it has
// one, else its text without symbols, links or line breaks.
func speakable(r dialogs.Reply) string {
	if r.Speech != "" {
		return strings.Join(strings.Fields(r.Speech), " ")
	}
	var b strings.Builder
	for _, line := range strings.Split(r.Text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.Contains(line, "http://") || strings.Contains(line, "https://") {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(line)
	}
	text := masked.ReplaceAllString(b.String(), "")
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.So, r) {
			return -1
		}
		return r
	}, text)
}

// masked matches a masked number ("A12*****89"), which makes no sense read
// aloud; the voice line reads what was typed back in groups instead.
var masked = regexp.MustCompile(`[A-Za-z0-9]*\*{2,}[A-Za-z0-9]*`)
