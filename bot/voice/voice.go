package voice

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"embed"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/BurntSushi/toml"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// Paths the provider posts to.
const (
	PathIncoming = "/voice/incoming"
	PathGather   = "/voice/gather"
	PathDialed   = "/voice/dialed"
)

// Handler runs the conversation (dialogs.Conversation): every turn of a
// call, with the call's state in the session it keeps.
type Handler interface {
	Handle(ctx context.Context, in dialogs.Input) ([]dialogs.Reply, error)
	// Apology is what a caller hears when a turn could not run at all.
	Apology(in dialogs.Input) []dialogs.Reply
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
//
// It keeps nothing between requests: the call's state lives in the
// conversation's session, so any replica can answer any request of a call.
type Channel struct {
	cfg   Config
	words *dialogs.Words
}

// wordKeys are the renderer's words: how choices and entries are read out.
var wordKeys = []string{
	"press", "more", "menu_tail", "enter_id", "enter_card", "enter_phone", "you_entered",
	"transfer", "transfer_no_ref", "line_1922", "line_nhia", "line_county",
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
	words, err := loadWords()
	if err != nil {
		return nil, fmt.Errorf("voice: %w", err)
	}
	return &Channel{cfg: cfg, words: words}, nil
}

// langWords are the renderer's words in the languages beyond zh-TW and
// English, one file each (data/i18n/<lang>.toml, flat: key = "text").
//
//go:embed data/i18n
var langWords embed.FS

// loadWords reads words.toml and the files of the other languages of
// knowledge.Langs, and checks them: every key in every language.
func loadWords() (*dialogs.Words, error) {
	extra := map[dialogs.Lang]map[string]string{}
	for _, l := range knowledge.Langs {
		if l == knowledge.ZhTW || l == knowledge.En {
			continue
		}
		name := "data/i18n/" + string(l) + ".toml"
		raw, err := langWords.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		m := map[string]string{}
		if _, err := toml.Decode(string(raw), &m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		extra[l] = m
	}
	return dialogs.ParseWordsLangs("voice/words.toml", wordsTOML, wordKeys, extra)
}

// Signature computes X-Twilio-Signature for a POST to fullURL with form
// as the provider signs it: base64(HMAC-SHA1(token, URL + each name and
// value)), names sorted, and a repeated name's distinct values sorted
// (the provider's validators drop repeated values).
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
		for i, v := range vals {
			if i > 0 && v == vals[i-1] {
				continue
			}
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Valid reports whether signature is the provider's for a POST to fullURL
// with form, compared in constant time, accepting what the provider's own
// validators accept: the URL without its user and password, and with and
// without a port (the default port added when it has none, any port
// removed when it has one).
func Valid(token, fullURL string, form url.Values, signature string) bool {
	if signature == "" {
		return false
	}
	ok := false
	for _, u := range signedURLs(fullURL) {
		// Every candidate is checked, so the time taken does not say which
		// one matched.
		if hmac.Equal([]byte(Signature(token, u, form)), []byte(signature)) {
			ok = true
		}
	}
	return ok
}

// signedURLs are the forms of fullURL a signature may have been made over:
// as it is, without any port, and with the scheme's default port (443 for
// https, 80 for http) when it has none; all without userinfo. A URL that
// does not parse is taken as it is.
func signedURLs(fullURL string) []string {
	u, err := url.Parse(fullURL)
	if err != nil || u.Host == "" {
		return []string{fullURL}
	}
	out := []string{fullURL}
	if u.User != nil {
		u.User = nil
		out[0] = u.String()
	}
	host, port := u.Hostname(), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 address
	}
	if port != "" {
		bare := *u
		bare.Host = host
		out = append(out, bare.String())
	} else if def := map[string]string{"https": "443", "http": "80"}[u.Scheme]; def != "" {
		withPort := *u
		withPort.Host = host + ":" + def
		out = append(out, withPort.String())
	}
	return out
}

// Authenticate checks the signature of a request to path (with its raw
// query, if any) over the public URL, as Valid does.
func (c *Channel) Authenticate(path, rawQuery string, form url.Values, signature string) bool {
	full := c.cfg.PublicURL + path
	if rawQuery != "" {
		full += "?" + rawQuery
	}
	return Valid(c.cfg.AuthToken, full, form, signature)
}

// Handle answers one authenticated request to path with form parameters
// and returns the TwiML. It never fails: trouble becomes the conversation's
// spoken apology and a transfer to 1922, never dead air.
func (c *Channel) Handle(ctx context.Context, path string, form url.Values) (out []byte) {
	in, ok := c.decode(path, form)
	if !ok {
		return []byte(xmlHangup)
	}
	defer func() {
		if p := recover(); p != nil {
			c.cfg.Logger.Error("voice: panic", "panic_type", fmt.Sprintf("%T", p), "stack", string(debug.Stack()))
			out = c.marshal(c.render(c.cfg.Handler.Apology(in)))
		}
	}()
	replies, err := c.cfg.Handler.Handle(ctx, in)
	if err != nil {
		c.cfg.Logger.Error("voice: conversation", "err", err)
	}
	if len(replies) == 0 {
		replies = c.cfg.Handler.Apology(in)
	}
	return c.marshal(c.render(replies))
}

func (c *Channel) marshal(resp Response) []byte {
	out, err := resp.Marshal()
	if err != nil {
		c.cfg.Logger.Error("voice: render", "err", err)
		return []byte(xmlHangup)
	}
	return out
}

const xmlHangup = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Response><Hangup></Hangup></Response>`

// decode turns the provider's request into the conversation's input: the
// call coming in, a transfer that ended, keys pressed, words said (or said
// too unclearly to use), or nothing at all.
func (c *Channel) decode(path string, form url.Values) (dialogs.Input, bool) {
	sid := form.Get("CallSid")
	if sid == "" {
		return dialogs.Input{}, false
	}
	in := dialogs.Input{Person: "voice:" + sid, Phone: true, Caller: form.Get("From")}
	digits := form.Get("Digits")
	speech := strings.TrimSpace(form.Get("SpeechResult"))
	switch {
	case path == PathIncoming:
		in.Event = dialogs.EventCall
	case path == PathDialed:
		in.Event, in.DialStatus = dialogs.EventDialed, form.Get("DialCallStatus")
	case digits != "":
		in.Keys = digits
	case speech != "":
		if conf, _ := strconv.ParseFloat(form.Get("Confidence"), 64); conf < c.cfg.MinConfidence {
			in.Event = dialogs.EventNotUnderstood
		} else {
			in.Text = speech
		}
	default:
		in.Event = dialogs.EventNoInput
	}
	return in, true
}

func (c *Channel) w(lang dialogs.Lang, key string, kv ...string) string {
	return c.words.T(lang, key, kv...)
}

// sayLang is the provider's language code for a conversation language.
func sayLang(lang dialogs.Lang) string {
	if code, ok := providerLangs[lang]; ok {
		return code
	}
	return "zh-TW"
}

// providerLangs are the provider's codes for <Say> and speech recognition.
var providerLangs = map[dialogs.Lang]string{
	knowledge.ZhTW: "zh-TW", knowledge.En: "en-US",
	knowledge.Vi: "vi-VN", knowledge.Id: "id-ID", knowledge.Th: "th-TH", knowledge.Tl: "fil-PH",
}

func (c *Channel) url(path string) string { return c.cfg.PublicURL + path }

// render speaks replies and ends in what the last one waits for: a Gather
// for a choice, a key or a number typed on the keypad, a Dial for a
// handoff, or a Hangup.
func (c *Channel) render(replies []dialogs.Reply) Response {
	var verbs []any
	var choices []dialogs.Choice
	var last dialogs.Reply
	lang := knowledge.ZhTW
	for i, r := range replies {
		if r.Lang != "" {
			lang = r.Lang
		}
		if h := r.Handoff; h != nil {
			return c.dial(verbs, *h, lang)
		}
		last = r
		if i == len(replies)-1 && r.Expect == dialogs.ExpectKey && len(r.Choices) == 0 {
			break // said inside the Gather below
		}
		if text := speakable(r); text != "" {
			verbs = append(verbs, Say{Language: sayLang(lang), Text: text})
		}
		if r.ReadBack != "" {
			verbs = append(verbs, Say{Language: sayLang(lang), Text: c.w(lang, "you_entered", "groups", groups(r.ReadBack))})
		}
		if r.Hangup {
			return Response{Verbs: append(verbs, Hangup{})}
		}
		choices = append(choices, r.Choices...)
	}
	switch last.Expect {
	case dialogs.ExpectID:
		return c.gatherEntry(verbs, lang, c.w(lang, "enter_id"))
	case dialogs.ExpectCard:
		return c.gatherEntry(verbs, lang, c.w(lang, "enter_card"))
	case dialogs.ExpectPhone:
		return c.gatherKeys(verbs, []Say{{Language: sayLang(lang), Text: c.w(lang, "enter_phone")}})
	case dialogs.ExpectKey:
		// A question answered by one key: all of it inside the Gather,
		// so the key may interrupt it.
		var says []Say
		for _, v := range verbs {
			if s, ok := v.(Say); ok {
				says = append(says, s)
			}
		}
		verbs = nil
		if len(choices) == 0 {
			says = append(says, Say{Language: sayLang(lang), Text: speakable(last)})
		}
		for i, ch := range choices {
			l := lang
			if ch.Lang != "" {
				l = ch.Lang
			}
			says = append(says, Say{Language: sayLang(l), Text: c.w(l, "press", "label", ch.Label, "n", strconv.Itoa(i+1))})
		}
		return c.gatherKeys(verbs, says)
	}
	page, more := dialogs.KeyPage(choices, last.Page)
	var prompt []Say
	for i, ch := range page {
		prompt = append(prompt, Say{Language: sayLang(lang), Text: c.w(lang, "press", "label", ch.Label, "n", strconv.Itoa(i+1))})
	}
	if more {
		prompt = append(prompt, Say{Language: sayLang(lang), Text: c.w(lang, "more")})
	}
	prompt = append(prompt, Say{Language: sayLang(lang), Text: c.w(lang, "menu_tail")})
	verbs = append(verbs,
		Gather{Input: "dtmf speech", Action: c.url(PathGather), Method: "POST", NumDigits: 1, Timeout: 6,
			Language: sayLang(lang), SpeechTimeout: "auto", ActionOnEmptyResult: true, Says: prompt},
		Redirect{Method: "POST", URL: c.url(PathGather)})
	return Response{Verbs: verbs}
}

func (c *Channel) gatherEntry(verbs []any, lang dialogs.Lang, prompt string) Response {
	return Response{Verbs: append(verbs,
		Gather{Input: "dtmf", Action: c.url(PathGather), Method: "POST", FinishOnKey: "#", Timeout: 12,
			ActionOnEmptyResult: true, Says: []Say{{Language: sayLang(lang), Text: prompt}}},
		Redirect{Method: "POST", URL: c.url(PathGather)})}
}

func (c *Channel) gatherKeys(verbs []any, says []Say) Response {
	return Response{Verbs: append(verbs,
		Gather{Input: "dtmf", Action: c.url(PathGather), Method: "POST", NumDigits: 1, Timeout: 8,
			ActionOnEmptyResult: true, Says: says},
		Redirect{Method: "POST", URL: c.url(PathGather)},
	)}
}

// dial says the reference slowly twice and connects the line.
func (c *Channel) dial(verbs []any, h dialogs.Handoff, lang dialogs.Lang) Response {
	var name string
	switch {
	case h.Line == dialogs.Line1922 || h.Line == dialogs.LineNHIA:
		name = c.w(lang, "line_"+h.Line)
	case h.Line != dialogs.LineCounty && h.Name != "":
		name = h.Name // 1955, the Immigration Agency: the directory's name
	default:
		name = c.w(lang, "line_county")
	}
	text := c.w(lang, "transfer_no_ref", "line", name)
	if h.Ticket != "" {
		text = c.w(lang, "transfer", "line", name, "ref", dialogs.Spell(h.Ticket))
	}
	return Response{Verbs: append(verbs,
		Say{Language: sayLang(lang), Text: text},
		Dial{Action: c.url(PathDialed), Method: "POST", Timeout: 30, Number: dialTo(h)},
	)}
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
