package dialogs

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/vaxbot/vaxbot/dialogs/tickets"
	"github.com/vaxbot/vaxbot/knowledge"
	"github.com/vaxbot/vaxbot/verify"
)

// Matcher finds the QA item that answers a question (knowledge.Index).
type Matcher interface {
	Match(text string) knowledge.Match
}

// Topics gives the QA items (knowledge.Base).
type Topics interface {
	Items() []*knowledge.Item
	Item(id string) (*knowledge.Item, bool)
	// Near is the near-domain topic id: a neighbouring question and where
	// to ask it.
	Near(id string) (*knowledge.NearTopic, bool)
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
	Channels ChannelLimit
	// Failures counts failed checks per ID hash (a 24-hour MemoryCounter
	// when nil); MaxFailures of them pause checks of that ID (default 10).
	Failures    Counter
	MaxFailures int
	// Requests recognises what people type instead of tapping (the
	// shipped phrases when nil).
	Requests *Requests
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
	// Picture, when set, is the public URL of the named picture
	// (PictureCard) in lang, or "" when there is none: the card is shown
	// with QA item 1 and where the form asks for the card number.
	Picture func(name string, lang Lang) string
	// Feedback asks "Did this help?" under a QA answer on a chat, and
	// reports each vote to Observe ("feedback", Feedback.String()).
	Feedback bool
	// Reminders offers, after card_too_new on a chat, a reminder when the
	// card can be used; whoever runs the engine stores the replies'
	// ReminderRequest (bot.Reminders).
	Reminders bool
}

// ChannelLimit limits number checks per channel in total, across people:
// what the registry can take. It may ask a shared store, bounded by ctx.
type ChannelLimit interface {
	Allow(ctx context.Context, channel string) bool
}

// Engine is the scripted conversation. Handle is safe for concurrent use on
// different sessions.
type Engine struct {
	cfg    Config
	taipei *time.Location
	// labels are the choices' labels, folded, by language (labelIndex).
	labels map[Lang]map[string]string
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
	if cfg.Requests == nil {
		r, err := DefaultRequests()
		if err != nil {
			return nil, err
		}
		cfg.Requests = r
	}
	return &Engine{cfg: cfg, taipei: verify.TaiwanZone(), labels: labelIndex(cfg)}, nil
}

// turn is the state of one Handle call.
type turn struct {
	e    *Engine
	ctx  context.Context
	s    *Session
	now  time.Time
	out  []Reply
	opts handleOptions
	// repeatFrom is where the replies worth repeating on the phone start
	// (after an "I did not get that" lead).
	repeatFrom int
	// paging is set when the turn reads the same choices again, so the
	// page being read stays.
	paging bool
	// detected is the language knowledge.DetectLang found for the text
	// of the message, read once for the answer's language and the match.
	detected struct {
		text string
		lang Lang
		sure float64
	}
}

// handleOptions are what the Conversation around the engine provides.
type handleOptions struct {
	// callbacks: call-back numbers can be stored (a ticket store and a
	// sealing key).
	callbacks bool
}

func (t *turn) w(key string, kv ...string) string { return t.e.cfg.Words.T(t.s.Lang, key, kv...) }

func (t *turn) say(r Reply) { t.out = append(t.out, r) }

// Handle advances the person's conversation by one input and returns the
// replies. It changes s in place; the caller saves it.
func (e *Engine) Handle(ctx context.Context, s *Session, in Input) []Reply {
	return e.handle(ctx, s, in, handleOptions{})
}

func (e *Engine) handle(ctx context.Context, s *Session, in Input, opts handleOptions) []Reply {
	t := &turn{e: e, ctx: ctx, s: s, now: e.cfg.Now(), opts: opts}
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
		t.say(Reply{Text: t.w(wExpired, "minutes", strconv.Itoa(int(e.cfg.Idle.Minutes())))})
		if in.Payload == "" && in.Event == "" {
			// What the person typed belonged to the old flow; show the menu.
			s.Updated = t.now
			t.menu(wMenu)
			return t.done()
		}
	}
	s.Updated = t.now
	switch {
	case in.Phone && s.Voice == nil && in.Event == EventDialed:
		// The end of a transfer of a call this store does not know (it
		// expired, or began elsewhere): nothing to offer; end it politely.
		s.Voice = &VoiceState{}
		t.goodbye()
	case in.Phone && s.Voice == nil:
		t.call()
	case in.Phone:
		t.voice(in)
	case in.Event == EventFollow || in.Event == EventStart:
		t.reset()
		t.menu(wWelcome)
		if t.e.cfg.Reminders {
			// Starting over cancels a waiting reminder.
			t.out[len(t.out)-1].Reminder = &ReminderRequest{Cancel: true}
		}
	case in.Event == EventUnsupported || in.Event == EventSticker || in.Event == EventPhoto:
		// A sticker, a photo, a voice message: nothing of it is kept; a
		// form in progress waits for what it asked.
		key := unsupportedWords[in.Event]
		if t.s.Node != NodeMenu {
			t.say(Reply{Text: t.w(key)})
			t.prompt()
			break
		}
		t.menu(key)
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
		case NodeLangMenu, NodeCallbackOffer:
			t.out[n-1].Expect = ExpectKey
		}
	}
	if v := t.s.Voice; v != nil {
		t.doneVoice(v)
	}
	return t.out
}

// doneVoice keeps what the next request of a call needs: the page, the
// replies to repeat (without a number read back), the hours of a line
// being dialled.
func (t *turn) doneVoice(v *VoiceState) {
	if !t.paging {
		v.Page = 0
	}
	if n := len(t.out); n > 0 {
		t.out[n-1].Page = v.Page
	}
	last := make([]Reply, 0, len(t.out)-t.repeatFrom)
	for _, r := range t.out[t.repeatFrom:] {
		if r.Handoff != nil {
			v.Hours = r.Handoff.Hours
		}
		r.ReadBack, r.Callback, r.Page = "", nil, 0
		last = append(last, r)
	}
	if len(last) > 0 {
		v.Last = last
	}
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

func otherLang(l Lang) Lang {
	if l == knowledge.En {
		return knowledge.ZhTW
	}
	return knowledge.En
}

// payload handles a chosen choice.
func (t *turn) payload(raw string) {
	p, ok := ParsePayload(raw)
	if !ok {
		t.stale()
		return
	}
	switch p.Action {
	case ActMenu:
		t.leaveForm()
		t.menu(wMenu)
	case ActLang:
		if p.Arg == "menu" {
			t.chatLangMenu()
			return
		}
		if p.Arg == "other" {
			t.switchLang(otherLang(t.s.Lang))
			return
		}
		l, ok := langOf(p.Arg)
		if !ok {
			t.stale()
			return
		}
		t.switchLang(l)
	case ActFAQ:
		it, ok := t.e.cfg.Topics.Item(p.Arg)
		if !ok {
			t.stale()
			return
		}
		t.leaveForm()
		t.answer(it)
	case ActVerify:
		t.verifyPayload(VerifyStep(p.Arg))
	case ActPerson:
		t.leaveForm()
		t.askPerson()
	case ActHandoff:
		if p.Arg != LineCounty && !t.e.cfg.Directory.HasLine(p.Arg) {
			t.stale()
			return
		}
		reason := t.s.Pending
		if reason == "" {
			reason = t.topicReason()
		}
		t.leaveForm()
		t.handoff(p.Arg, reason)
	case ActCallback:
		t.callbackPayload(CallbackStep(p.Arg))
	case ActFeedback:
		t.feedback(p.Arg)
	case ActRemind:
		t.remind(p.Arg)
	case ActCounty:
		c, ok := t.e.cfg.Directory.County(p.Arg)
		if !ok {
			t.stale()
			return
		}
		t.countyChosen(c)
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
	t.say(Reply{Text: t.w(wStaleChoice)})
	t.prompt()
}

// leaveForm ends a number check, a call-back form or a county question
// without a result.
func (t *turn) leaveForm() {
	switch t.s.Node {
	case NodeVerifyID, NodeVerifyConfirm, NodeVerifyCard:
		t.say(Reply{Text: t.w(wFormCancelled)})
	case NodeCallbackAsk, NodeCallbackPhone, NodeCallbackTime:
		t.say(Reply{Text: t.w(wCallbackDeclined)})
	}
	t.s.wipeNumbers()
	t.s.Node, t.s.Pending, t.s.Phone = NodeMenu, "", ""
}

func (t *turn) switchLang(l Lang) {
	t.s.Lang, t.s.LangSet = l, true
	t.say(Reply{Text: t.w(wLangSwitched), LangChosen: true})
	t.prompt()
}

// prompt asks again for what the current node waits for.
func (t *turn) prompt() {
	switch t.s.Node {
	case NodeVerifyID:
		t.say(Reply{Text: t.w(wVerifyAskID), Speech: t.w(wVerifyAskIDSpoken), Choices: []Choice{t.cancelChoice()}})
	case NodeVerifyConfirm:
		t.confirmPrompt()
	case NodeVerifyCard:
		t.say(Reply{Text: t.w(wVerifyAskCard), Speech: t.w(wVerifyAskCardSpoken), Choices: []Choice{
			{Label: t.w(wChoiceNoCard), Payload: PayloadVerify(VerifyNoCard)}, t.cancelChoice(),
		}})
		t.withCard()
	case NodeCounty:
		t.askCounty()
	case NodeCallbackAsk:
		t.say(Reply{Text: t.w(wCallbackConsent), Choices: []Choice{
			{Label: t.w(wChoiceCallbackYes), Payload: PayloadCallback(CallbackYes)},
			{Label: t.w(wChoiceCallbackNo), Payload: PayloadCallback(CallbackNo)},
		}})
	case NodeCallbackPhone:
		t.say(Reply{Text: t.w(wCallbackAskPhone), Choices: []Choice{{Label: t.w(wChoiceCancel), Payload: PayloadCallback(CallbackNo)}}})
	case NodeCallbackTime:
		var choices []Choice
		for _, w := range callbackTimes {
			choices = append(choices, Choice{Label: t.w(whenWords[w]), Payload: PayloadCallbackWhen(w)})
		}
		t.say(Reply{Text: t.w(wCallbackAskTime), Choices: choices})
	default:
		t.menu(wMenu)
	}
}

func (t *turn) cancelChoice() Choice {
	return Choice{Label: t.w(wChoiceCancel), Payload: PayloadVerify(VerifyCancel)}
}

func (t *turn) menuChoice() Choice { return Choice{Label: t.w(wChoiceMenu), Payload: PayloadMenu()} }

// channelOf is the channel part of a person key ("line:U…" → "line").
func channelOf(person string) string {
	channel, _, _ := strings.Cut(person, ":")
	return channel
}

// inputLang is the language to answer in before or without a session: the
// session's, else the platform's hint, else zh-TW.
func (e *Engine) inputLang(s *Session, in Input) Lang {
	if s != nil && s.Lang != "" {
		return s.Lang
	}
	if in.LangHint != "" {
		if l, ok := knowledge.ParseLang(string(in.LangHint)); ok {
			return l
		}
	}
	return knowledge.ZhTW
}
