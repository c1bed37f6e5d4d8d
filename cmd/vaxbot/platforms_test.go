package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaxbot/vaxbot/bot/line"
	"github.com/vaxbot/vaxbot/bot/line/linetest"
	"github.com/vaxbot/vaxbot/bot/voice"
	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
)

// platformsDir holds what LINE, Telegram and Twilio send, taken from their
// SDKs' and libraries' own test suites (../shared/fixtures/platforms, read
// and never copied into the repository; its README says how to replay).
const platformsDir = "../../../shared/fixtures/platforms"

// platformPath returns the path of a file or folder of platformsDir, or
// skips the test when the folder is absent: a clone of the repository
// alone does not have it, CI (.ci/run) does.
func platformPath(t *testing.T, name string) string {
	t.Helper()
	if _, err := os.Stat(platformsDir); errors.Is(err, os.ErrNotExist) {
		t.Skipf("no %s beside the repository: the platforms' own payloads are not replayed (CI has them)", platformsDir)
	}
	return filepath.Join(platformsDir, name)
}

// platformFiles lists the JSON files of a folder of platformsDir.
func platformFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(platformPath(t, dir), "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no payloads in %s: %v", dir, err)
	}
	return files
}

// decodeJSON decodes a payload keeping numbers as they are written (ids
// beyond float64's exact range stay intact when encoded again).
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// The answers a payload should get.
const (
	answerNone  = ""      // nothing at all
	answerReply = "reply" // the conversation's answer
	answerShort = "short" // the short note on what the bot cannot read
	answerNote  = "note"  // the note on talking privately, in a group
)

// str reads a string member of a JSON object ("" when absent).
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// obj reads an object member of a JSON object (nil when absent).
func obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

// lineAnswer is what a LINE event should get, read from its JSON as the
// platform documents it: in a one-to-one chat a text, a postback and a
// follow get an answer, a sticker, image, video, audio, file or location
// the short note; in a group or a room a text mentioning the bot and a
// postback get the note; anything else, and anything in standby mode,
// nothing.
func lineAnswer(ev map[string]any) string {
	if str(ev, "mode") == "standby" {
		return answerNone
	}
	src := obj(ev, "source")
	var oneToOne, group bool
	switch str(src, "type") {
	case "user":
		oneToOne = str(src, "userId") != ""
	case "group":
		group = str(src, "groupId") != ""
	case "room":
		group = str(src, "roomId") != ""
	}
	switch str(ev, "type") {
	case "message":
		msg := obj(ev, "message")
		switch kind := str(msg, "type"); {
		case kind == "text" && oneToOne:
			return answerReply
		case kind == "text" && group && mentionsSelf(msg):
			return answerNote
		case oneToOne && slices.Contains([]string{"sticker", "image", "video", "audio", "file", "location"}, kind):
			return answerShort
		}
	case "postback":
		switch {
		case obj(ev, "postback") == nil:
		case oneToOne:
			return answerReply
		case group:
			return answerNote
		}
	case "follow":
		if oneToOne {
			return answerReply
		}
	}
	return answerNone
}

// addressedToBot returns, for each group or room text of events that
// mentions someone, a copy that mentions the bot instead (isSelf): the
// SDKs' payloads hold no mention of the bot itself, and the group note is
// to be exercised on their shapes too.
func addressedToBot(events []any) []any {
	var out []any
	for _, e := range events {
		ev, _ := e.(map[string]any)
		src := str(obj(ev, "source"), "type")
		msg := obj(ev, "message")
		mentionees, _ := obj(msg, "mention")["mentionees"].([]any)
		if str(ev, "type") != "message" || (src != "group" && src != "room") || len(mentionees) == 0 {
			continue
		}
		b, _ := json.Marshal(ev)
		var c map[string]any
		_ = json.Unmarshal(b, &c)
		first := obj(obj(c, "message"), "mention")["mentionees"].([]any)[0].(map[string]any)
		first["isSelf"], first["type"] = true, "user"
		out = append(out, c)
	}
	return out
}

// mentionsSelf reports whether a LINE text message mentions the bot.
func mentionsSelf(msg map[string]any) bool {
	mentionees, _ := obj(msg, "mention")["mentionees"].([]any)
	for _, m := range mentionees {
		if self, _ := m.(map[string]any)["isSelf"].(bool); self {
			return true
		}
	}
	return false
}

// waitLINEToken waits for the reply to token.
func waitLINEToken(t *testing.T, api *linetest.Fake, token string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		for _, r := range api.Replies() {
			if r.Token == token {
				return
			}
		}
	}
	t.Fatalf("no reply to %s", token)
}

// wordsIn returns a word of the conversation in both languages.
func wordsIn(t *testing.T, key string) []string {
	t.Helper()
	words, err := dialogs.DefaultWords()
	if err != nil {
		t.Fatal(err)
	}
	return []string{words.T(knowledge.ZhTW, key), words.T(knowledge.En, key)}
}

// shortNotes are the short replies to what the bot cannot read: a
// sticker's, a picture's, and the rest's.
func shortNotes(t *testing.T) []string {
	var out []string
	for _, key := range []string{"unsupported_message", "sticker_reply", "photo_reply"} {
		out = append(out, wordsIn(t, key)...)
	}
	return out
}

// holdsAny reports whether s holds one of the texts.
func holdsAny(s string, texts []string) bool {
	for _, x := range texts {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// checkLogs fails the test on an error-level line or a panic in serve's
// logs.
func checkLogs(t *testing.T, logs string) {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"level":"ERROR"`) || strings.Contains(line, "panic") {
			t.Errorf("serve logged: %s", line)
		}
	}
}

// TestPlatformPayloadsLINE replays every LINE webhook body of the SDKs'
// test suites against the real server, each event with a fresh id, reply
// token and timestamp, re-signed with the test's secret: every body is
// answered 200, and each event gets exactly the answer lineAnswer says,
// through its own reply token, with no push, no error log and no panic.
func TestPlatformPayloadsLINE(t *testing.T) {
	files := platformFiles(t, "line")
	api := linetest.New(t)
	cfg := lineConfig(api.URL)
	// One queue and one reply on its way at a time: a file's events are
	// handled, and their replies delivered, before the next file's.
	cfg.DispatcherWorkers, cfg.DispatcherSending = 1, 1
	ts := startServer(t, cfg)
	want := map[string]string{} // reply token → answer
	where := map[string]string{}
	events := 0
	for n, file := range files {
		base := filepath.Base(file)
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		if err := decodeJSON(raw, &body); err != nil {
			t.Errorf("%s: not a JSON object: %v", base, err)
			continue
		}
		list, _ := body["events"].([]any)
		body["events"] = append(list, addressedToBot(list)...)
		list, _ = body["events"].([]any)
		for i, e := range list {
			ev, ok := e.(map[string]any)
			if !ok {
				continue
			}
			events++
			id := fmt.Sprintf("%03d-%02d", n, i)
			ev["webhookEventId"] = "01FX" + id
			ev["replyToken"] = "rt-" + id
			ev["timestamp"] = time.Now().UnixMilli()
			want["rt-"+id] = lineAnswer(ev)
			where["rt-"+id] = fmt.Sprintf("%s event %d (%s, %s)", base, i, str(ev, "type"), str(obj(ev, "source"), "type"))
		}
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		if code := postLINE(t, ts, b); code != http.StatusOK {
			t.Errorf("%s: status %d, want 200", base, code)
		}
		sentinel := fmt.Sprintf("rt-sentinel-%03d", n)
		postLINE(t, ts, lineBody(lineEvent("01FXS"+sentinel, "Usentinel", sentinel, "postback", "menu")))
		waitLINEToken(t, api, sentinel)
	}
	got := map[string]int{}
	texts := map[string]string{}
	for _, r := range api.Replies() {
		if strings.HasPrefix(r.Token, "rt-sentinel-") {
			continue
		}
		got[r.Token]++
		b, _ := json.Marshal(r.Messages)
		texts[r.Token] = string(b)
	}
	short, note := shortNotes(t), wordsIn(t, "group_note")
	counts := map[string]int{}
	for token, answer := range want {
		counts[answer]++
		n := got[token]
		switch {
		case answer == answerNone && n != 0:
			t.Errorf("%s: got %d replies, want none:\n%s", where[token], n, texts[token])
		case answer != answerNone && n != 1:
			t.Errorf("%s: got %d replies, want one (%s)", where[token], n, answer)
		case answer == answerShort && !holdsAny(texts[token], short):
			t.Errorf("%s: the reply is not the short note: %s", where[token], texts[token])
		case answer == answerNote && !holdsAny(texts[token], note):
			t.Errorf("%s: the reply is not the group note: %s", where[token], texts[token])
		}
	}
	for token := range got {
		if _, ok := want[token]; !ok {
			t.Errorf("a reply to a token never sent: %s", token)
		}
	}
	for _, c := range api.Calls() {
		if strings.Contains(c.Path, "/push") {
			t.Errorf("a push: %s", c.Path)
		}
	}
	checkLogs(t, ts.logs.String())
	if counts[answerReply] == 0 || counts[answerShort] == 0 || counts[answerNote] == 0 || counts[answerNone] == 0 {
		t.Errorf("answers %v among %d events: the payloads prove less than they should", counts, events)
	}
	t.Logf("%d files, %d events: %d answered, %d short notes, %d group notes, %d nothing",
		len(files), events, counts[answerReply], counts[answerShort], counts[answerNote], counts[answerNone])
}

// lineSignatureVector is one of the LINE SDKs' signature test vectors.
type lineSignatureVector struct {
	Secret  string   `json:"secret"`
	Body    string   `json:"body"`
	Valid   []string `json:"valid"`
	Invalid []string `json:"invalid"`
}

// TestPlatformLINESignatures: our check of X-Line-Signature accepts every
// valid signature of the LINE SDKs' tests and refuses every invalid one.
func TestPlatformLINESignatures(t *testing.T) {
	raw, err := os.ReadFile(platformPath(t, "line_signature/vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vectors []lineSignatureVector
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i, v := range vectors {
		ch, err := line.New(line.Config{Secret: v.Secret, Token: "token"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			sigs []string
			want bool
		}{{v.Valid, true}, {v.Invalid, false}} {
			for _, sig := range tt.sigs {
				checked++
				header := func(name string) string {
					if name == "X-Line-Signature" {
						return sig
					}
					return ""
				}
				if got := ch.Authenticate(header, []byte(v.Body)); got != tt.want {
					t.Errorf("vector %d, signature %q: got %v, want %v", i, sig, got, tt.want)
				}
			}
		}
	}
	if checked < 6 {
		t.Errorf("checked %d signatures, want the 6 of the vectors", checked)
	}
}

// The Telegram test's bot and the chat of its sentinel messages.
const (
	platformBot  = "vaxbot_tw_bot"
	sentinelChat = 987654321012
)

// num reads a JSON number member as an int64 (0 when absent).
func num(m map[string]any, key string) int64 {
	n, _ := m[key].(json.Number)
	i, _ := n.Int64()
	return i
}

// telegramAnswer is what a Telegram update should get, and in which chat,
// read from its JSON as the Bot API documents it: in a private chat a
// message with text, and a callback query with data, get an answer; a
// sticker, photo, voice, audio, video, video note, animation, document,
// location, venue or contact the short note; in a group, supergroup or
// channel, one of the bot's commands, or any command addressed to the bot
// by name, and a callback query, get the note. Messages from bots, edits,
// channel posts and every other update get nothing.
func telegramAnswer(u map[string]any) (answer string, chat int64) {
	if m := obj(u, "message"); m != nil {
		c := obj(m, "chat")
		chat = num(c, "id")
		from := obj(m, "from")
		user := chat
		if from != nil {
			user = num(from, "id")
		} else if sc := obj(m, "sender_chat"); sc != nil {
			user = num(sc, "id")
		}
		if bot, _ := from["is_bot"].(bool); chat == 0 || user == 0 || bot {
			return answerNone, chat
		}
		text := str(m, "text")
		if str(c, "type") != "private" {
			name, addressee := telegramCommand(text)
			own := slices.Contains([]string{"start", "menu", "help", "lang"}, name)
			if name != "" && (addressee == "" && own || addressee != "" && strings.EqualFold(addressee, platformBot)) {
				return answerNote, chat
			}
			return answerNone, chat
		}
		if text != "" {
			return answerReply, chat
		}
		for _, media := range []string{"sticker", "voice", "audio", "video", "video_note", "animation", "document", "location", "venue", "contact"} {
			if obj(m, media) != nil {
				return answerShort, chat
			}
		}
		if photo, _ := m["photo"].([]any); len(photo) > 0 {
			return answerShort, chat
		}
		return answerNone, chat
	}
	if cq := obj(u, "callback_query"); cq != nil {
		from := num(obj(cq, "from"), "id")
		chat, private := from, true
		if c := obj(obj(cq, "message"), "chat"); num(c, "id") != 0 {
			chat, private = num(c, "id"), str(c, "type") == "private"
		}
		if str(cq, "data") == "" || str(cq, "id") == "" || from == 0 || chat == 0 {
			return answerNone, chat
		}
		if private {
			return answerReply, chat
		}
		return answerNote, chat
	}
	return answerNone, 0
}

// namedUpdate is a Telegram update and where it comes from.
type namedUpdate struct {
	name   string
	update map[string]any
}

// commandToBot returns, for a text message in a group, supergroup or
// channel from someone not a bot, a copy that is one of the bot's
// commands addressed to it by name (nil for any other update): the
// libraries' payloads hold no command for the bot, and the group note is
// to be exercised on their shapes too.
func commandToBot(u map[string]any) map[string]any {
	m := obj(u, "message")
	if m == nil || str(m, "text") == "" || str(obj(m, "chat"), "type") == "private" {
		return nil
	}
	if bot, _ := obj(m, "from")["is_bot"].(bool); bot {
		return nil
	}
	b, _ := json.Marshal(u)
	var c map[string]any
	_ = decodeJSON(b, &c)
	cm := obj(c, "message")
	cm["text"] = "/help@" + platformBot
	delete(cm, "entities")
	return c
}

// telegramCommand splits "/name@bot …" into its lower-case name and the
// bot it is addressed to; name is "" when text is no command.
func telegramCommand(text string) (name, addressee string) {
	if !strings.HasPrefix(text, "/") {
		return "", ""
	}
	first, _, _ := strings.Cut(strings.Fields(text + " ")[0][1:]+" ", " ")
	name, addressee, _ = strings.Cut(first, "@")
	return strings.ToLower(name), addressee
}

// TestPlatformPayloadsTelegram replays every Telegram update of the
// libraries' test suites against the real server, each with a fresh
// update_id and a message dated now, with the test's secret: every update
// is answered 200, and each gets exactly the answer telegramAnswer says,
// in its own chat, one delivery per event, with no error log and no panic.
func TestPlatformPayloadsTelegram(t *testing.T) {
	files := platformFiles(t, "telegram")
	api := newFakeTelegram(t)
	ts := startServer(t, serveConfig{
		TelegramToken: "tg-token", TelegramSecret: "tg_secret-1", TelegramAPIBase: api.srv.URL, TelegramUsername: platformBot,
		Registry: demoRegistry, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
		// One queue and one reply on its way at a time: an update is
		// handled, and its replies delivered, before the next.
		DispatcherWorkers: 1, DispatcherSending: 1,
	})
	hook := ts.url + "/webhook/telegram"
	secret := map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg_secret-1", "Content-Type": "application/json"}
	short, note := shortNotes(t), wordsIn(t, "group_note")
	counts := map[string]int{}
	sentinels := 0
	var updates []namedUpdate
	for _, file := range files {
		base := filepath.Base(file)
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var u map[string]any
		if err := decodeJSON(raw, &u); err != nil {
			t.Errorf("%s: not a JSON object: %v", base, err)
			continue
		}
		updates = append(updates, namedUpdate{base, u})
		if c := commandToBot(u); c != nil {
			updates = append(updates, namedUpdate{base + " (a command to the bot)", c})
		}
	}
	for n, nu := range updates {
		base, u := nu.name, nu.update
		u["update_id"] = 100000 + n
		if m := obj(u, "message"); m != nil {
			m["date"] = time.Now().Unix()
		}
		answer, chat := telegramAnswer(u)
		counts[answer]++
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		before := len(api.Calls())
		if code := post(t, hook, b, secret); code != http.StatusOK {
			t.Errorf("%s: status %d, want 200", base, code)
		}
		sentinels++
		post(t, hook, tgUpdate(900000+n, sentinelChat, "/menu"), secret)
		var calls []tgCall
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(2 * time.Millisecond) {
			all := api.Calls()[before:]
			if i := slices.IndexFunc(all, func(c tgCall) bool { return c.Fields["chat_id"] == fmt.Sprint(sentinelChat) }); i >= 0 {
				calls = all[:i]
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the sentinel after it got no answer", base)
			}
		}
		checkTelegramCalls(t, base, answer, chat, calls, short, note)
	}
	want := counts[answerReply] + counts[answerShort] + counts[answerNote] + sentinels
	// The last delivery is counted once its call has returned.
	var metrics string
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if metrics = get(t, ts.url+"/metrics"); metricCount(metrics, `vaxbot_reply_duration_seconds_count{channel="telegram"}`) >= want {
			break
		}
	}
	if got := metricCount(metrics, `vaxbot_reply_duration_seconds_count{channel="telegram"}`); got != want {
		t.Errorf("got %d deliveries, want one per answered update: %d\n%s", got, want, grepLines(metrics, "telegram"))
	}
	checkLogs(t, ts.logs.String())
	if counts[answerReply] == 0 || counts[answerShort] == 0 || counts[answerNote] == 0 || counts[answerNone] == 0 {
		t.Errorf("answers %v: the payloads prove less than they should", counts)
	}
	t.Logf("%d updates (%d files): %d answered, %d short notes, %d group notes, %d nothing",
		len(updates), len(files), counts[answerReply], counts[answerShort], counts[answerNote], counts[answerNone])
}

// sentinelCall reports whether a call belongs to the sentinel's chat, whose
// messages may trail into the next update's calls.
func sentinelCall(c tgCall) bool { return c.Fields["chat_id"] == fmt.Sprint(sentinelChat) }

// checkTelegramCalls checks the Bot API calls one update caused.
func checkTelegramCalls(t *testing.T, base, answer string, chat int64, calls []tgCall, short, note []string) {
	t.Helper()
	calls = slices.DeleteFunc(calls, sentinelCall)
	var sent []string
	answered := 0
	for _, c := range calls {
		switch c.Method {
		case "sendMessage":
			if c.Fields["chat_id"] != fmt.Sprint(chat) {
				t.Errorf("%s: a message to chat %s, want %d", base, c.Fields["chat_id"], chat)
			}
			sent = append(sent, c.Fields["text"])
		case "answerCallbackQuery":
			answered++
		}
	}
	all := strings.Join(sent, "\n")
	switch {
	case answer == answerNone && len(calls) > 0:
		t.Errorf("%s: got calls %v, want none", base, calls)
	case answer != answerNone && len(sent) == 0:
		t.Errorf("%s: no message, want %s", base, answer)
	case answer == answerShort && !holdsAny(all, short):
		t.Errorf("%s: not the short note: %q", base, all)
	case answer == answerNote && !holdsAny(all, note):
		t.Errorf("%s: not the group note: %q", base, all)
	case answered > 1:
		t.Errorf("%s: the callback query answered %d times", base, answered)
	}
}

// metricCount is the value of a series in a metrics text (-1 when
// absent).
func metricCount(text, series string) int {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			var n int
			if _, err := fmt.Sscan(v, &n); err == nil {
				return n
			}
		}
	}
	return -1
}

// voiceCalls is twilio/voice_calls.json: the parameters of an incoming
// call as Twilio documents them, and calls of steps, each with the
// parameters of its request, texts its TwiML must hold (or, after "!",
// must not), and the verb it must end in.
type voiceCalls struct {
	Incoming map[string]string `json:"incoming"`
	Calls    []struct {
		Name  string `json:"name"`
		Steps []struct {
			Path   string            `json:"path"`
			Status string            `json:"status"`
			Params map[string]string `json:"params"`
			Expect []string          `json:"expect"`
			Ends   string            `json:"ends"`
		} `json:"steps"`
	} `json:"calls"`
}

// twimlVerbs reads the verbs of a TwiML document in order, failing when it
// does not parse or is not a <Response>.
func twimlVerbs(doc string) ([]string, error) {
	var resp struct {
		XMLName xml.Name
		Verbs   []struct {
			XMLName xml.Name
		} `xml:",any"`
	}
	if err := xml.Unmarshal([]byte(doc), &resp); err != nil {
		return nil, err
	}
	if resp.XMLName.Local != "Response" {
		return nil, fmt.Errorf("root <%s>, want <Response>", resp.XMLName.Local)
	}
	var verbs []string
	for _, v := range resp.Verbs {
		verbs = append(verbs, v.XMLName.Local)
	}
	return verbs, nil
}

// TestPlatformVoiceCalls plays every call of Twilio's documented
// parameters through /voice/*, signed as Twilio signs: every step is
// answered 200 with TwiML that parses and ends in Gather, Dial, Redirect
// or Hangup, and never holds a full ID, card or phone number.
func TestPlatformVoiceCalls(t *testing.T) {
	raw, err := os.ReadFile(platformPath(t, "twilio/voice_calls.json"))
	if err != nil {
		t.Fatal(err)
	}
	var calls voiceCalls
	if err := json.Unmarshal(raw, &calls); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, serveConfig{
		VoiceAuthToken: "twilio-token", PublicURL: "https://vaxbot.example", Registry: demoRegistry,
		DataKey: testDataKey, MaxBody: 1 << 20, ShutdownTimeout: 5 * time.Second,
	})
	steps := 0
	var unmet []string
	for _, call := range calls.Calls {
		sid := fmt.Sprintf("CAfx%s%d", strings.ReplaceAll(call.Name, "_", ""), time.Now().UnixNano())
		for i, st := range call.Steps {
			steps++
			form := url.Values{}
			for k, v := range calls.Incoming {
				form.Set(k, v)
			}
			for k, v := range st.Params {
				form.Set(k, v)
			}
			form.Set("CallSid", sid)
			if st.Status != "" {
				form.Set("CallStatus", st.Status)
			}
			where := fmt.Sprintf("%s step %d (%s %v)", call.Name, i+1, st.Path, st.Params)
			req, _ := http.NewRequest(http.MethodPost, ts.url+st.Path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", voice.Signature("twilio-token", "https://vaxbot.example"+st.Path, form))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			doc := string(b)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d: %s", where, res.StatusCode, doc)
				continue
			}
			verbs, err := twimlVerbs(doc)
			if err != nil || len(verbs) == 0 {
				t.Errorf("%s: TwiML does not parse (%v):\n%s", where, err, doc)
				continue
			}
			last := verbs[len(verbs)-1]
			if !slices.Contains([]string{"Gather", "Dial", "Redirect", "Hangup"}, last) {
				t.Errorf("%s: ends in <%s>, want Gather, Dial, Redirect or Hangup:\n%s", where, last, doc)
			}
			// What the payloads' author expected of the conversation (a
			// call-back offer after a busy line, the words said) is the
			// conversation's to meet, with its own tests; it is reported
			// here, not failed.
			if st.Ends != "" && last != st.Ends {
				unmet = append(unmet, fmt.Sprintf("%s: ends in <%s>, the payloads expect <%s>", where, last, st.Ends))
			}
			for _, e := range st.Expect {
				lower := strings.ToLower(doc)
				switch {
				case strings.HasPrefix(e, "<") && !slices.Contains(verbs, strings.Trim(e, "<>")):
					unmet = append(unmet, fmt.Sprintf("%s: no %s", where, e))
				case strings.HasPrefix(e, "!") && strings.Contains(lower, strings.ToLower(e[1:])):
					unmet = append(unmet, fmt.Sprintf("%s: holds %q", where, e[1:]))
				case !strings.HasPrefix(e, "<") && !strings.HasPrefix(e, "!") && !strings.Contains(lower, strings.ToLower(e)):
					unmet = append(unmet, fmt.Sprintf("%s: lacks %q", where, e))
				}
			}
			for _, number := range []string{"A123456789", "000011112222", "0912345678", "+886912345678"} {
				if strings.Contains(doc, number) {
					t.Errorf("%s: the full number %s in the TwiML", where, number)
				}
			}
		}
	}
	checkLogs(t, ts.logs.String())
	t.Logf("%d calls, %d steps; %d expectations of the payloads' author not met by the conversation:\n%s",
		len(calls.Calls), steps, len(unmet), strings.Join(unmet, "\n"))
}
