package dialogs

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/knowledge"
	"github.com/vaxbot/vaxbot/verify"
	"golang.org/x/text/unicode/norm"
)

// Matcher finds the QA item that answers a question (knowledge.Index).
type Matcher interface {
	Match(text string) knowledge.Match
}

// Topics gives the QA items (knowledge.Base).
type Topics interface {
	Items() []*knowledge.Item
	Item(id string) (*knowledge.Item, bool)
}

// MaxInvalid is how many invalid entries in a row end the number check.
const MaxInvalid = 3

// DefaultMaxFailures is how many failed checks of one ID in 24 hours pause
// its checks, from any account.
const DefaultMaxFailures = 10

// Config is what an Engine is built from.
type Config struct {
	Matcher   Matcher
	Topics    Topics
	Registry  verify.Registry
	Directory *Directory
	Words     *Words
	// Limiter limits registry lookups per person (DefaultLookupLimit per
	// DefaultLookupWindow when nil).
	Limiter Limiter
	// LookupLimit is the limit the Limiter enforces, for the message.
	LookupLimit int
	// Channels limits number checks per channel in total (NewBuckets with
	// the defaults when nil).
	Channels interface{ Allow(channel string) bool }
	// Failures counts failed checks per ID hash (a 24-hour MemoryCounter
	// when nil); MaxFailures of them pause checks of that ID (default 10).
	Failures    Counter
	MaxFailures int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Idle is how long a conversation may rest before it starts over
	// (DefaultIdle when 0).
	Idle time.Duration
	// Logger receives one line per outcome, never a number (discarded when nil).
	Logger *slog.Logger
	// Hasher, when set, computes the keyed hash of a confirmed ID, which a
	// ticket carries so staff can match a caller who reads out the number.
	Hasher interface{ Hash(id string) string }
	// Observe, when set, is told of each event worth counting: ("answer",
	// item id), ("abstain", ""), ("outcome", diagnosis), ("handoff", line).
	// The values never hold personal data, so they can be metric labels.
	Observe func(kind, value string)
}

// Engine is the scripted conversation. Handle is safe for concurrent use on
// different sessions.
type Engine struct {
	cfg    Config
	taipei *time.Location
}

// New checks cfg and returns an Engine.
func New(cfg Config) (*Engine, error) {
	switch {
	case cfg.Matcher == nil:
		return nil, errors.New("dialogs: config: no matcher")
	case cfg.Topics == nil:
		return nil, errors.New("dialogs: config: no topics")
	case cfg.Registry == nil:
		return nil, errors.New("dialogs: config: no registry")
	case cfg.Directory == nil:
		return nil, errors.New("dialogs: config: no hotline directory")
	case cfg.Words == nil:
		return nil, errors.New("dialogs: config: no words")
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewMemoryLimiter(DefaultLookupLimit, DefaultLookupWindow)
		cfg.LookupLimit = DefaultLookupLimit
	}
	if cfg.LookupLimit <= 0 {
		cfg.LookupLimit = DefaultLookupLimit
	}
	if cfg.Channels == nil {
		cfg.Channels = NewBuckets(DefaultChannelRate, DefaultChannelBurst)
	}
	if cfg.Failures == nil {
		cfg.Failures = NewMemoryCounter(24 * time.Hour)
	}
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = DefaultMaxFailures
	}
	if cfg.Hasher == nil {
		// Failures are counted by a keyed hash even without a configured
		// key: a random one serves this process.
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("dialogs: hash key: %w", err)
		}
		h, err := tickets.NewHasher(key)
		if err != nil {
			return nil, err
		}
		cfg.Hasher = h
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Idle <= 0 {
		cfg.Idle = DefaultIdle
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Observe == nil {
		cfg.Observe = func(string, string) {}
	}
	return &Engine{cfg: cfg, taipei: verify.TaiwanZone()}, nil
}

// turn is the state of one Handle call.
type turn struct {
	e   *Engine
	ctx context.Context
	s   *Session
	now time.Time
	out []Reply
}

func (t *turn) w(key string, kv ...string) string { return t.e.cfg.Words.T(t.s.Lang, key, kv...) }

func (t *turn) say(r Reply) { t.out = append(t.out, r) }

// Handle advances the person's conversation by one input and returns the
// replies. It changes s in place; the caller saves it.
func (e *Engine) Handle(ctx context.Context, s *Session, in Input) []Reply {
	t := &turn{e: e, ctx: ctx, s: s, now: e.cfg.Now()}
	if s.Created.IsZero() {
		s.Created = t.now
		s.Lang = knowledge.ZhTW
		if in.LangHint != "" {
			if l, ok := knowledge.ParseLang(string(in.LangHint)); ok {
				s.Lang = l
			}
		}
	} else if t.now.Sub(s.Updated) > e.cfg.Idle && s.busy() {
		t.reset()
		t.say(Reply{Text: t.w("expired", "minutes", strconv.Itoa(int(e.cfg.Idle.Minutes())))})
		if in.Payload == "" && in.Event == "" {
			// What the person typed belonged to the old flow; show the menu.
			s.Updated = t.now
			t.menu("menu")
			return t.done()
		}
	}
	s.Updated = t.now
	switch {
	case in.Event == EventFollow || in.Event == EventStart:
		t.reset()
		t.menu("welcome")
	case in.Payload != "":
		t.payload(in.Payload)
	default:
		t.text(in.Text)
	}
	return t.done()
}

// done stamps the replies with the session's language, and the last one
// with what the next entry should be, and returns them.
func (t *turn) done() []Reply {
	for i := range t.out {
		t.out[i].Lang = t.s.Lang
	}
	if n := len(t.out); n > 0 {
		switch t.s.Node {
		case NodeVerifyID:
			t.out[n-1].Expect = ExpectID
		case NodeVerifyCard:
			t.out[n-1].Expect = ExpectCard
		case NodeCallbackPhone:
			t.out[n-1].Expect = ExpectPhone
		}
	}
	return t.out
}

// busy reports whether the session is in the middle of something that an
// idle timeout should end.
func (s *Session) busy() bool {
	return s.Node != NodeMenu || s.ID != "" || s.Card != "" || s.Misses > 0 || s.Mismatches > 0
}

// reset returns to the menu and forgets everything but the language.
func (t *turn) reset() {
	s := t.s
	s.wipeNumbers()
	s.Node, s.Misses, s.Mismatches, s.Pending, s.Topic = NodeMenu, 0, 0, "", ""
	s.MaskedID, s.IDHash, s.History = "", "", nil
}

// menu shows the topics with the text of key above them.
func (t *turn) menu(key string) {
	var choices []Choice
	for _, it := range t.e.cfg.Topics.Items() {
		choices = append(choices, Choice{Label: it.Title(t.s.Lang), Payload: "faq:" + it.ID})
	}
	choices = append(choices,
		Choice{Label: t.w("choice_verify"), Payload: "verify:start"},
		Choice{Label: t.w("choice_person"), Payload: "person"},
		Choice{Label: t.w("choice_other_lang"), Payload: "lang:" + string(otherLang(t.s.Lang))},
	)
	t.say(Reply{Text: t.w(key), Choices: choices})
}

func otherLang(l Lang) Lang {
	if l == knowledge.En {
		return knowledge.ZhTW
	}
	return knowledge.En
}

// payload handles a chosen choice.
func (t *turn) payload(p string) {
	kind, arg, _ := strings.Cut(p, ":")
	switch kind {
	case "menu":
		t.leaveForm()
		t.menu("menu")
	case "lang":
		if arg == "other" {
			t.switchLang(otherLang(t.s.Lang))
			return
		}
		l, ok := knowledge.ParseLang(arg)
		if !ok {
			t.stale()
			return
		}
		t.switchLang(l)
	case "faq":
		it, ok := t.e.cfg.Topics.Item(arg)
		if !ok {
			t.stale()
			return
		}
		t.leaveForm()
		t.answer(it)
	case "verify":
		t.verifyPayload(arg)
	case "person":
		t.leaveForm()
		t.askPerson()
	case "handoff":
		if arg != Line1922 && arg != LineNHIA && arg != LineCounty {
			t.stale()
			return
		}
		reason := t.s.Pending
		if reason == "" {
			reason = t.topicReason()
		}
		t.leaveForm()
		t.handoff(arg, reason)
	case "callback":
		t.callbackPayload(arg)
	case "county":
		c, ok := t.e.cfg.Directory.County(arg)
		if !ok {
			t.stale()
			return
		}
		t.countyChosen(c)
	default:
		t.stale()
	}
}

// topicReason is the reason of a handoff the person asked for: the QA item
// they last read, or simply "asked".
func (t *turn) topicReason() string {
	if t.s.Topic != "" {
		return "faq:" + t.s.Topic
	}
	return ReasonAsked
}

func (t *turn) stale() {
	t.say(Reply{Text: t.w("stale_choice")})
	t.prompt()
}

// leaveForm ends a number check, a call-back form or a county question
// without a result.
func (t *turn) leaveForm() {
	if t.s.Node == NodeVerifyID || t.s.Node == NodeVerifyConfirm || t.s.Node == NodeVerifyCard {
		t.say(Reply{Text: t.w("form_cancelled")})
	}
	t.s.wipeNumbers()
	t.s.Node, t.s.Pending, t.s.Phone = NodeMenu, "", ""
}

func (t *turn) switchLang(l Lang) {
	t.s.Lang, t.s.LangSet = l, true
	t.say(Reply{Text: t.w("lang_switched")})
	t.prompt()
}

// prompt asks again for what the current node waits for.
func (t *turn) prompt() {
	switch t.s.Node {
	case NodeVerifyID:
		t.say(Reply{Text: t.w("verify_ask_id"), Speech: t.w("verify_ask_id_spoken"), Choices: []Choice{t.cancelChoice()}})
	case NodeVerifyConfirm:
		t.confirmPrompt()
	case NodeVerifyCard:
		t.say(Reply{Text: t.w("verify_ask_card"), Speech: t.w("verify_ask_card_spoken"), Choices: []Choice{
			{Label: t.w("choice_no_card"), Payload: "verify:nocard"}, t.cancelChoice(),
		}})
	case NodeCounty:
		t.askCounty()
	case NodeCallbackAsk:
		t.say(Reply{Text: t.w("callback_consent"), Choices: []Choice{
			{Label: t.w("choice_callback_yes"), Payload: "callback:yes"},
			{Label: t.w("choice_callback_no"), Payload: "callback:no"},
		}})
	case NodeCallbackPhone:
		t.say(Reply{Text: t.w("callback_ask_phone"), Choices: []Choice{{Label: t.w("choice_cancel"), Payload: "callback:no"}}})
	case NodeCallbackTime:
		var choices []Choice
		for _, w := range callbackTimes {
			choices = append(choices, Choice{Label: t.w("when_" + w), Payload: "callback:when:" + w})
		}
		t.say(Reply{Text: t.w("callback_ask_time"), Choices: choices})
	default:
		t.menu("menu")
	}
}

// callbackTimes are the preferred times a person can choose.
var callbackTimes = []string{"morning", "afternoon", "evening", "any"}

// callbackPayload runs the call-back form: consent, phone, time.
func (t *turn) callbackPayload(arg string) {
	s := t.s
	switch {
	case arg == "start" && s.LastTicket != "":
		t.leaveForm()
		s.Node = NodeCallbackAsk
		t.prompt()
	case arg == "yes" && s.Node == NodeCallbackAsk:
		s.Node = NodeCallbackPhone
		t.prompt()
	case arg == "no":
		s.Phone, s.Invalid, s.Node = "", 0, NodeMenu
		t.say(Reply{Text: t.w("callback_declined"), Choices: []Choice{t.menuChoice()}})
	case strings.HasPrefix(arg, "when:") && s.Node == NodeCallbackTime && s.Phone != "":
		when := strings.TrimPrefix(arg, "when:")
		if !slices.Contains(callbackTimes, when) {
			t.stale()
			return
		}
		phone, err := verify.ParsePhone(s.Phone)
		s.Phone, s.Node = "", NodeMenu
		if err != nil {
			t.stale()
			return
		}
		t.say(Reply{
			Text:     t.w("callback_done", "phone", phone.Masked(), "when", t.w("when_"+when), "ref", s.LastTicket),
			Choices:  []Choice{t.menuChoice()},
			Callback: &CallbackRequest{Ticket: s.LastTicket, Phone: phone.Number(), Masked: phone.Masked(), When: when},
		})
	default:
		t.stale()
	}
}

// phoneEntered takes the call-back number.
func (t *turn) phoneEntered(text string) {
	p, err := verify.ParsePhone(text)
	if err != nil {
		t.s.Invalid++
		if t.s.Invalid >= MaxInvalid {
			t.callbackPayload("no")
			return
		}
		var pe *verify.PhoneError
		hint := ""
		if errors.As(err, &pe) {
			hint = pe.Hint(string(t.s.Lang))
		}
		t.say(Reply{Text: t.w("invalid_entry", "hint", hint, "count", strconv.Itoa(t.s.Invalid), "max", strconv.Itoa(MaxInvalid)),
			Choices: []Choice{{Label: t.w("choice_cancel"), Payload: "callback:no"}}})
		return
	}
	t.s.Phone, t.s.Invalid, t.s.Node = p.Number(), 0, NodeCallbackTime
	t.prompt()
}

func (t *turn) cancelChoice() Choice {
	return Choice{Label: t.w("choice_cancel"), Payload: "verify:cancel"}
}
func (t *turn) menuChoice() Choice { return Choice{Label: t.w("choice_menu"), Payload: "menu"} }

// answer shows a QA item with its follow-ups.
func (t *turn) answer(it *knowledge.Item) {
	t.s.Topic, t.s.Misses = it.ID, 0
	t.e.cfg.Observe("answer", it.ID)
	var choices []Choice
	for _, f := range it.FollowUps {
		if c, ok := t.followUp(f); ok {
			choices = append(choices, c)
		}
	}
	choices = append(choices, t.menuChoice())
	text := it.Title(t.s.Lang) + "\n\n" + strings.TrimSpace(it.Answer(t.s.Lang))
	t.say(Reply{Text: text, Choices: choices, Speech: strings.TrimSpace(it.Text[t.s.Lang].Spoken)})
}

func (t *turn) followUp(f string) (Choice, bool) {
	kind, arg, _ := strings.Cut(f, ":")
	switch kind {
	case "verify":
		return Choice{Label: t.w("choice_verify"), Payload: "verify:start"}, true
	case "hotline":
		return Choice{Label: t.w("choice_line_" + arg), Payload: "handoff:" + arg}, true
	case "faq":
		if it, ok := t.e.cfg.Topics.Item(arg); ok {
			return Choice{Label: t.w("choice_read_qa", "title", it.Title(t.s.Lang)), Payload: "faq:" + it.ID}, true
		}
	}
	return Choice{}, false
}

// text handles free text.
func (t *turn) text(raw string) {
	text := strings.TrimSpace(raw)
	cmd := command(text)
	switch {
	case text == "":
		t.prompt()
		return
	case greetings[cmd]:
		t.leaveForm()
		t.menu("welcome")
		return
	case menuWords[cmd]:
		t.leaveForm()
		t.menu("menu")
		return
	case langWords[cmd] != "":
		t.switchLang(langWords[cmd])
		return
	case personWords[cmd]:
		t.leaveForm()
		t.askPerson()
		return
	case verifyWords[cmd]:
		t.verifyPayload("start")
		return
	case cancelWords[cmd] && t.s.Node != NodeMenu:
		t.leaveForm()
		t.menu("menu")
		return
	}
	switch t.s.Node {
	case NodeVerifyID:
		t.idEntered(text)
	case NodeVerifyConfirm:
		switch {
		case yesWords[cmd]:
			t.verifyPayload("yes")
		case noWords[cmd]:
			t.verifyPayload("no")
		default:
			t.confirmPrompt()
		}
	case NodeVerifyCard:
		t.cardEntered(text)
	case NodeCallbackPhone:
		t.phoneEntered(text)
	case NodeCallbackAsk, NodeCallbackTime:
		t.prompt()
	case NodeCounty:
		c, ok := t.e.cfg.Directory.FindCounty(text)
		if !ok {
			t.say(Reply{Text: t.w("county_unknown")})
			t.askCounty()
			return
		}
		t.countyChosen(c)
	default:
		t.question(text)
	}
}

// command folds text for comparison with the keyword lists.
func command(text string) string {
	t := strings.ToLower(norm.NFKC.String(text))
	return strings.TrimFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

var (
	greetings   = set("hi", "hello", "hey", "你好", "您好", "哈囉", "嗨", "安安")
	menuWords   = set("menu", "main menu", "選單", "选单", "菜單", "菜单", "主選單", "help", "幫助", "帮助", "說明", "start", "/start", "/menu", "/help", "開始")
	personWords = set("person", "human", "agent", "operator", "talk to a person", "真人", "客服", "人工", "專人", "找真人", "轉接", "真人客服")
	verifyWords = set("check", "verify", "check my id", "check my number", "check my numbers", "check my id and card number",
		"檢查", "驗證", "核對", "檢查證號", "檢查卡號", "檢查我的證號和卡號", "检查", "验证")
	cancelWords = set("cancel", "stop", "quit", "exit", "取消", "離開", "离开", "結束")
	yesWords    = set("yes", "y", "ok", "correct", "right", "是", "對", "对", "正確", "正确", "沒錯", "没错", "好", "確認")
	noWords     = set("no", "n", "wrong", "re-enter", "reenter", "不對", "不对", "錯", "错", "不是", "重新輸入", "重新输入")
	langWords   = map[string]Lang{
		"english": knowledge.En, "英文": knowledge.En, "en": knowledge.En, "/lang en": knowledge.En,
		"中文": knowledge.ZhTW, "chinese": knowledge.ZhTW, "繁體中文": knowledge.ZhTW, "zh": knowledge.ZhTW, "/lang zh": knowledge.ZhTW,
	}
)

// question sends free text to the knowledge index; a number typed at the
// menu starts the number check instead.
func (t *turn) question(text string) {
	if id, err := verify.ParseID(text); err == nil {
		t.s.Misses, t.s.Node = 0, NodeVerifyID
		t.idEntered(id.Number())
		return
	}
	if looksLikeNumber(text) {
		// A mistyped ID: start the check so the hint explains what is wrong.
		t.s.Misses, t.s.Node = 0, NodeVerifyID
		t.idEntered(text)
		return
	}
	if _, err := verify.ParseCardNumber(text); err == nil {
		// A card number first: the check starts with the ID.
		t.s.Misses, t.s.Node = 0, NodeVerifyID
		t.prompt()
		return
	}
	m := t.e.cfg.Matcher.Match(text)
	if !t.s.LangSet && hasLetters(text) {
		t.s.Lang = m.Lang
	}
	switch {
	case m.Abstained():
		t.s.Misses++
		t.e.cfg.Observe("abstain", "")
		t.e.cfg.Logger.Debug("question not matched", "misses", t.s.Misses)
		if t.s.Misses >= 2 {
			t.say(Reply{
				Text:    t.w("no_match_again"),
				Choices: []Choice{{Label: t.w("choice_person"), Payload: "person"}, t.menuChoice()},
				Links:   []Link{t.telLink(t.e.cfg.Directory.Line(Line1922).Number)},
			})
			return
		}
		t.say(Reply{
			Text:    t.w("no_match"),
			Choices: []Choice{t.menuChoice()},
			Links:   []Link{t.telLink(t.e.cfg.Directory.Line(Line1922).Number)},
		})
	case m.Confident:
		it, _ := t.e.cfg.Topics.Item(m.ID)
		t.e.cfg.Logger.Debug("question answered", "item", m.ID, "score", m.Score)
		t.answer(it)
	default:
		t.s.Misses = 0
		choices := []Choice{}
		for _, id := range []string{m.ID, m.RunnerUp} {
			if it, ok := t.e.cfg.Topics.Item(id); ok {
				choices = append(choices, Choice{Label: it.Title(t.s.Lang), Payload: "faq:" + it.ID})
			}
		}
		choices = append(choices, t.menuChoice())
		t.say(Reply{Text: t.w("did_you_mean"), Choices: choices})
	}
}

// channelOf is the channel part of a person key ("line:U…" → "line").
func channelOf(person string) string {
	channel, _, _ := strings.Cut(person, ":")
	return channel
}

// looksLikeNumber reports whether text is nothing but a number with a
// letter or two: one run of letters and digits (spaces, dashes, dots
// allowed) with six or more digits but not the 12 digits of a card.
func looksLikeNumber(text string) bool {
	t := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' {
			return -1
		}
		return r
	}, norm.NFKC.String(text))
	digits, letters := 0, 0
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			letters++
		default:
			return false
		}
	}
	return digits >= 6 && letters <= 2 && !(letters == 0 && digits == verify.CardLength)
}

func hasLetters(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// telLink is a tel: link for a number as people write it ("0800-030-598").
func (t *turn) telLink(number string) Link {
	digits := strings.Map(func(r rune) rune {
		if r == '+' || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, number)
	return Link{Label: number, URL: "tel:" + digits}
}

// verifyPayload handles the number check's choices.
func (t *turn) verifyPayload(arg string) {
	switch arg {
	case "start":
		t.leaveForm()
		t.s.Node = NodeVerifyID
		t.prompt()
	case "cancel":
		t.leaveForm()
		t.menu("menu")
	case "yes", "no":
		if t.s.Node != NodeVerifyConfirm || t.s.ID == "" {
			t.stale()
			return
		}
		if arg == "yes" {
			t.s.Node = NodeVerifyCard
			t.s.MaskedID, t.s.IDHash = verify.Mask(t.s.ID), ""
			if t.e.cfg.Hasher != nil {
				t.s.IDHash = t.e.cfg.Hasher.Hash(t.s.ID)
			}
		} else {
			t.s.ID, t.s.Node = "", NodeVerifyID
		}
		t.prompt()
	case "nocard":
		// Without a card there is nothing to check (QA item 4): the local
		// government registers such people.
		t.s.wipeNumbers()
		t.s.Node = NodeMenu
		t.handoff(LineCounty, ReasonNoCard)
	default:
		t.stale()
	}
}

// sessionID returns the ID the session holds. It only ever holds a number
// that parsed; if not, the form starts over and ok is false.
func (t *turn) sessionID() (verify.ID, bool) {
	id, err := verify.ParseID(t.s.ID)
	if err != nil {
		t.s.wipeNumbers()
		t.s.Node = NodeVerifyID
		t.prompt()
		return verify.ID{}, false
	}
	return id, true
}

func (t *turn) confirmPrompt() {
	id, ok := t.sessionID()
	if !ok {
		return
	}
	t.say(Reply{
		Text:   t.w("verify_confirm", "kind", t.w("kind_"+string(id.Kind())), "masked", id.Masked()),
		Speech: t.w("verify_confirm_spoken", "kind", t.w("kind_"+string(id.Kind()))),
		Choices: []Choice{
			{Label: t.w("choice_yes"), Payload: "verify:yes"},
			{Label: t.w("choice_reenter"), Payload: "verify:no"},
			t.cancelChoice(),
		},
	})
}

type hinter interface{ Hint(lang string) string }

// invalid answers an entry that failed validation.
func (t *turn) invalid(err error) {
	t.s.Invalid++
	if t.s.Invalid >= MaxInvalid {
		t.s.wipeNumbers()
		t.s.Node = NodeMenu
		t.e.cfg.Logger.Info("number check ended", "reason", ReasonInvalid)
		t.say(Reply{Text: t.w("too_many_invalid", "max", strconv.Itoa(MaxInvalid))})
		t.handoff(Line1922, ReasonInvalid)
		return
	}
	hint := ""
	var h hinter
	if errors.As(err, &h) {
		hint = h.Hint(string(t.s.Lang))
	}
	t.say(Reply{
		Text:    t.w("invalid_entry", "hint", hint, "count", strconv.Itoa(t.s.Invalid), "max", strconv.Itoa(MaxInvalid)),
		Choices: t.currentChoices(),
	})
}

// currentChoices are the choices of the current form step.
func (t *turn) currentChoices() []Choice {
	if t.s.Node == NodeVerifyCard {
		return []Choice{{Label: t.w("choice_no_card"), Payload: "verify:nocard"}, t.cancelChoice()}
	}
	return []Choice{t.cancelChoice()}
}

func (t *turn) idEntered(text string) {
	id, err := verify.ParseID(text)
	if err != nil {
		t.invalid(err)
		return
	}
	t.s.ID, t.s.Invalid, t.s.Node = id.Number(), 0, NodeVerifyConfirm
	t.confirmPrompt()
}

func (t *turn) cardEntered(text string) {
	card, err := verify.ParseCardNumber(text)
	if err != nil {
		t.invalid(err)
		return
	}
	id, ok := t.sessionID()
	if !ok {
		return
	}
	// Whatever happens next, the numbers leave the session now.
	t.s.wipeNumbers()
	t.s.Node = NodeMenu
	allowed, err := t.e.cfg.Limiter.Allow(t.ctx, "lookup:"+t.s.Person)
	if err != nil {
		t.e.cfg.Logger.Warn("lookup limiter failed", "err", err)
		allowed = true
	}
	if !allowed {
		t.e.cfg.Logger.Info("number check refused", "reason", ReasonRateLimited)
		t.say(Reply{Text: t.w("rate_limited", "max", strconv.Itoa(t.e.cfg.LookupLimit))})
		t.handoff(Line1922, ReasonRateLimited)
		return
	}
	if !t.e.cfg.Channels.Allow(channelOf(t.s.Person)) {
		t.e.cfg.Logger.Warn("number check refused", "reason", "channel_busy")
		t.say(Reply{Text: t.w("channel_busy"), Choices: []Choice{
			{Label: t.w("choice_check_again"), Payload: "verify:start"}, t.menuChoice(),
		}})
		return
	}
	failKey := "idfail:" + t.e.cfg.Hasher.Hash(id.Number())
	if n, err := t.e.cfg.Failures.Count(t.ctx, failKey); err == nil && n >= t.e.cfg.MaxFailures {
		t.e.cfg.Logger.Info("number check refused", "reason", ReasonIDFailures)
		t.say(Reply{Text: t.w("id_paused")})
		t.handoff(Line1922, ReasonIDFailures)
		return
	}
	records, err := t.e.cfg.Registry.Lookup(t.ctx, id.Number(), card.Number())
	if err != nil {
		t.e.cfg.Logger.Warn("registry lookup failed", "err", err)
		t.say(Reply{Text: t.w("registry_unavailable")})
		t.handoff(Line1922, ReasonUnavailable)
		return
	}
	d := verify.Diagnose(id, card, records, t.now)
	if d.Outcome == verify.Mismatch {
		if err := t.e.cfg.Failures.Add(t.ctx, failKey); err != nil {
			t.e.cfg.Logger.Warn("failure counter failed", "err", err)
		}
	}
	t.e.cfg.Logger.Debug("number check", "outcome", string(d.Outcome))
	t.e.cfg.Observe("outcome", string(d.Outcome))
	t.outcome(d)
}

// outcome explains a diagnosis and offers what comes next.
func (t *turn) outcome(d verify.Diagnosis) {
	outcome := string(d.Outcome)
	cleared := "\n\n" + t.w("numbers_cleared")
	var choices []Choice
	if it, ok := t.e.cfg.Topics.Item(d.Item); ok {
		choices = append(choices, Choice{Label: t.w("choice_read_qa", "title", it.Title(t.s.Lang)), Payload: "faq:" + it.ID})
	}
	switch outcome {
	case "mismatch":
		t.s.Mismatches++
		if t.s.Mismatches >= 2 {
			t.s.Mismatches = 0
			t.say(Reply{Text: t.w("outcome_mismatch") + "\n\n" + t.w("mismatch_again") + cleared})
			t.handoff(Line1922, ReasonMismatch)
			return
		}
		choices = append(choices, Choice{Label: t.w("choice_check_again"), Payload: "verify:start"})
		t.say(Reply{Text: t.w("outcome_mismatch") + cleared, Choices: append(choices, t.menuChoice())})
		return
	case "duplicate_id":
		t.s.Mismatches = 0
		t.say(Reply{Text: t.w("outcome_duplicate_id") + cleared, Choices: choices})
		t.handoff(Line1922, outcome)
		return
	case "card_too_new":
		t.s.Mismatches = 0
		t.say(Reply{Text: t.w("outcome_card_too_new", "retry_at", t.clock(d.RetryAfter)) + cleared,
			Choices: append(choices, t.menuChoice())})
		return
	default:
		t.s.Mismatches = 0
		choices = append(choices, Choice{Label: t.w("choice_check_again"), Payload: "verify:start"})
	}
	t.say(Reply{Text: t.w("outcome_"+outcome) + cleared, Choices: append(choices, t.menuChoice())})
}

// clock formats a time as Taiwan wall-clock time, with the date when it is
// not today.
func (t *turn) clock(at time.Time) string {
	local := at.In(t.e.taipei)
	if y, m, d := local.Date(); y == t.now.In(t.e.taipei).Year() && m == t.now.In(t.e.taipei).Month() && d == t.now.In(t.e.taipei).Day() {
		return local.Format("15:04")
	}
	return local.Format("2006-01-02 15:04")
}

// askPerson asks which kind of help the person needs.
func (t *turn) askPerson() {
	t.say(Reply{Text: t.w("person_ask"), Choices: []Choice{
		{Label: t.w("choice_line_1922"), Payload: "handoff:" + Line1922},
		{Label: t.w("choice_line_nhia"), Payload: "handoff:" + LineNHIA},
		{Label: t.w("choice_line_county"), Payload: "handoff:" + LineCounty},
		t.menuChoice(),
	}})
}

func (t *turn) askCounty() {
	var choices []Choice
	for _, c := range t.e.cfg.Directory.Counties() {
		choices = append(choices, Choice{Label: c.Name[t.s.Lang], Payload: "county:" + c.Code})
	}
	t.say(Reply{Text: t.w("county_ask"), Choices: choices})
}

// handoff hands the person to a line; a county handoff first asks which
// county.
func (t *turn) handoff(line, reason string) {
	if line == LineCounty {
		t.s.Node, t.s.Pending = NodeCounty, reason
		t.askCounty()
		return
	}
	h := t.e.cfg.Directory.Line(line)
	t.handoffTo(line, "", h.Name[t.s.Lang], h.Number, dialNumber(h.Dial, h.Number), h.Hours[t.s.Lang], reason)
}

func (t *turn) countyChosen(c County) {
	reason := t.s.Pending
	if reason == "" {
		reason = t.topicReason()
	}
	t.s.Node, t.s.Pending = NodeMenu, ""
	if c.Number == "" {
		t.say(Reply{Text: t.w("handoff_county_unconfigured", "county", c.Name[t.s.Lang])})
		h := t.e.cfg.Directory.Line(Line1922)
		t.handoffTo(Line1922, c.Code, h.Name[t.s.Lang], h.Number, dialNumber(h.Dial, h.Number), h.Hours[t.s.Lang], reason)
		return
	}
	t.handoffTo(LineCounty, c.Code, t.w("county_line", "county", c.Name[t.s.Lang]), c.Number, dialNumber(c.Dial, c.Number), c.Hours[t.s.Lang], reason)
}

func (t *turn) handoffTo(line, county, name, number, dial, hours, reason string) {
	t.e.cfg.Logger.Info("handoff", "line", line, "county", county, "reason", reason)
	t.e.cfg.Observe("handoff", line)
	t.say(Reply{
		Text:    t.w("handoff", "name", name, "number", number, "hours", hours, "reason", t.reasonText(reason)),
		Choices: []Choice{t.menuChoice()},
		Links:   []Link{t.telLink(number)},
		Handoff: &Handoff{Line: line, County: county, Number: number, Dial: dial, Hours: hours, Reason: reason},
	})
}

// reasonText is the sentence a person can say to the operator.
func (t *turn) reasonText(reason string) string { return t.e.ReasonText(t.s.Lang, reason) }

// ReasonText is a handoff reason (a Reason constant, a diagnosis outcome or
// "faq:qN") as the sentence a person can say to the operator, in lang; an
// unknown reason reads as ReasonAsked.
func (e *Engine) ReasonText(lang Lang, reason string) string {
	if id, ok := strings.CutPrefix(reason, "faq:"); ok {
		if it, ok := e.cfg.Topics.Item(id); ok {
			return e.cfg.Words.T(lang, "reason_faq", "title", it.Title(lang))
		}
	}
	switch reason {
	case ReasonAsked, ReasonNoMatch, ReasonInvalid, ReasonRateLimited, ReasonUnavailable,
		ReasonMismatch, ReasonNoCard, ReasonIDFailures, "duplicate_id":
		return e.cfg.Words.T(lang, "reason_"+reason)
	}
	return e.cfg.Words.T(lang, "reason_"+ReasonAsked)
}
