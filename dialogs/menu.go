package dialogs

// The menu and questions: the topics, QA answers, free text and the words
// people type instead of tapping.

import (
	"slices"
	"strings"
	"unicode"

	"github.com/vaxbot/vaxbot/knowledge"
	"github.com/vaxbot/vaxbot/verify"
	"golang.org/x/text/unicode/norm"
)

// menu shows the topics with the text of key above them.
func (t *turn) menu(key string) {
	var choices []Choice
	for _, it := range t.e.cfg.Topics.Items() {
		choices = append(choices, Choice{Label: it.Title(t.s.Lang), Payload: PayloadFAQ(it.ID)})
	}
	choices = append(choices,
		Choice{Label: t.w(wChoiceVerify), Payload: PayloadVerify(VerifyStart)},
		Choice{Label: t.w(wChoicePerson), Payload: PayloadPerson()},
	)
	choices = append(choices, t.langChoices()...)
	t.say(Reply{Text: t.w(key), Choices: choices})
}

// langChoices are the menu's language entries: a switch to the other of
// zh-TW and English (one tap, as most people need), and with more
// languages the language menu.
func (t *turn) langChoices() []Choice {
	out := []Choice{{Label: t.w(wChoiceOtherLang), Payload: PayloadLang(otherLang(t.s.Lang))}}
	if len(knowledge.Langs) > 2 {
		out = append(out, Choice{Label: t.w(wChoiceLanguage), Payload: PayloadLangMenu()})
	}
	return out
}

// chatLangMenu offers every language, each named in its own words.
func (t *turn) chatLangMenu() {
	var choices []Choice
	for _, l := range knowledge.Langs {
		choices = append(choices, Choice{Label: t.e.cfg.Words.T(l, wLangName), Payload: PayloadLang(l), Lang: l})
	}
	t.say(Reply{Text: t.w(wLangMenu), Choices: choices})
}

// answer shows a QA item with its follow-ups.
func (t *turn) answer(it *knowledge.Item) {
	t.s.Topic, t.s.Misses = it.ID, 0
	t.e.cfg.Observe("answer", it.ID)
	t.sayTopic(it.Title(t.s.Lang), it.Answer(t.s.Lang), it.Spoken(t.s.Lang), it.FollowUps)
	t.askFeedback(it.ID)
	if it.ID == cardItem {
		t.withCard()
	}
}

// sayTopic shows a QA answer or a near-domain referral: its title and text,
// its spoken version, its follow-ups and the menu.
func (t *turn) sayTopic(title, answer, spoken string, followUps []string) {
	var choices []Choice
	for _, f := range followUps {
		if c, ok := t.followUp(f); ok {
			choices = append(choices, c)
		}
	}
	choices = append(choices, t.menuChoice())
	t.say(Reply{Text: joinParagraphs(title, strings.TrimSpace(answer)), Choices: choices, Speech: strings.TrimSpace(spoken)})
}

func (t *turn) followUp(f string) (Choice, bool) {
	kind, arg, _ := strings.Cut(f, ":")
	switch kind {
	case "verify":
		return Choice{Label: t.w(wChoiceVerify), Payload: PayloadVerify(VerifyStart)}, true
	case "hotline":
		return Choice{Label: t.w(lineChoiceWords[arg]), Payload: PayloadHandoff(arg)}, true
	case "faq":
		if it, ok := t.e.cfg.Topics.Item(arg); ok {
			return Choice{Label: t.w(wChoiceReadQA, "title", it.Title(t.s.Lang)), Payload: PayloadFAQ(it.ID)}, true
		}
	}
	return Choice{}, false
}

// text handles free text: a choice's label typed out, a request ("找真人",
// "never mind", "3Q"), what the current step waits for, or a question —
// which, asked in the middle of a form, is answered without using up an
// attempt, and the form goes on.
func (t *turn) text(raw string) {
	text := strings.TrimSpace(raw)
	if text == "" {
		t.prompt()
		return
	}
	lower := lowerNFKC(text)
	t.noteCounty(lower)
	t.detected.text = text
	t.detected.lang, t.detected.sure = knowledge.DetectLang(text)
	if l, ok := textLang(text, t.detected.lang, t.detected.sure); ok && !t.s.LangSet {
		// Until the person picks a language, answer in the one they
		// write, when a message says enough to tell ("ok" does not).
		t.s.Lang = l
	}
	folded := foldLower(lower)
	if p, ok := t.e.labels[t.s.Lang][folded.text]; ok {
		// A choice's label typed out acts like the choice.
		t.payload(p)
		return
	}
	req := t.e.cfg.Requests.find(folded)
	switch t.s.Node {
	case NodeVerifyConfirm:
		switch req {
		case ReqYes, ReqOK:
			t.verifyPayload(VerifyYes)
			return
		case ReqNo:
			t.verifyPayload(VerifyNo)
			return
		}
	case NodeCallbackAsk:
		switch req {
		case ReqYes, ReqOK:
			t.callbackPayload(CallbackYes)
			return
		case ReqNo:
			t.callbackPayload(CallbackNo)
			return
		}
	}
	switch req {
	case ReqPerson:
		t.leaveForm()
		t.askPerson()
	case ReqNoCard:
		if t.inCheck() {
			t.verifyPayload(VerifyNoCard)
			return
		}
		t.aside(func() { t.faq("q4") })
	case ReqCantRead:
		t.aside(func() { t.faq("q2") })
	case ReqReplaced:
		// QA item 7's last step, typed: the card was replaced and it
		// still fails.
		t.leaveForm()
		t.handoff(Line1922, string(verify.DuplicateID))
	case ReqCancel, ReqMenu:
		t.leaveForm()
		t.menu(wMenu)
	case ReqLangEn:
		t.switchLang(knowledge.En)
	case ReqLangZh:
		t.switchLang(knowledge.ZhTW)
	case ReqVerify:
		if t.inCheck() {
			t.prompt()
			return
		}
		t.verifyPayload(VerifyStart)
	case ReqGreeting:
		if t.s.Node == NodeMenu {
			t.menu(wWelcome)
			return
		}
		t.aside(func() { t.say(Reply{Text: t.w(wSmalltalkGreeting)}) })
	case ReqThanks, ReqBye, ReqOK, ReqYes, ReqNo:
		t.smallTalk(req)
	default:
		if l, ok := requestLang(req); ok {
			t.switchLang(l)
			return
		}
		t.entry(text)
	}
}

// inCheck reports whether the number check is under way.
func (t *turn) inCheck() bool {
	switch t.s.Node {
	case NodeVerifyID, NodeVerifyConfirm, NodeVerifyCard:
		return true
	}
	return false
}

// smallTalk answers thanks, bye or ok shortly, in the session's language:
// never a miss, never a language switch; a form waits where it was.
func (t *turn) smallTalk(req Request) {
	key := wSmalltalkOK
	switch req {
	case ReqThanks:
		key = wSmalltalkThanks
	case ReqBye:
		key = wSmalltalkBye
	}
	if t.s.Node != NodeMenu {
		t.aside(func() { t.say(Reply{Text: t.w(key)}) })
		return
	}
	t.say(Reply{Text: t.w(key), Choices: []Choice{t.menuChoice()}})
}

// entry handles text where the current step waits for something typed: a
// number in the form (a question instead is answered aside), a county, or
// at the menu a question for the QA.
func (t *turn) entry(text string) {
	switch t.s.Node {
	case NodeVerifyID:
		if !numberAttempt(text) {
			t.aside(func() { t.formQuestion(text) })
			return
		}
		t.idEntered(text)
	case NodeVerifyConfirm:
		if numberAttempt(text) {
			// Another number instead of yes or no: take it as the ID.
			t.s.ID, t.s.Node = "", NodeVerifyID
			t.idEntered(text)
			return
		}
		t.aside(func() { t.formQuestion(text) })
	case NodeVerifyCard:
		if !numberAttempt(text) {
			t.aside(func() { t.formQuestion(text) })
			return
		}
		t.cardEntered(text)
	case NodeCallbackPhone:
		if !numberAttempt(text) {
			t.aside(func() { t.formQuestion(text) })
			return
		}
		t.phoneEntered(text)
	case NodeCallbackAsk, NodeCallbackTime:
		t.aside(func() { t.formQuestion(text) })
	case NodeCounty:
		c, candidates := t.e.cfg.Directory.CountyIn(text)
		switch {
		case c.Code != "":
			t.countyChosen(c)
		case len(candidates) > 0:
			t.askWhichCounty(candidates)
		default:
			t.say(Reply{Text: t.w(wCountyUnknown)})
			t.askCounty()
		}
	default:
		t.question(text)
	}
}

// aside answers something outside the step a form is at (a question, a
// "thanks"), then asks again for what the step waits for. Nothing counts
// as an attempt.
func (t *turn) aside(answer func()) {
	node := t.s.Node
	answer()
	if node == NodeMenu || t.s.Node != node {
		return // not in a form, or the answer moved on (a handoff)
	}
	switch node {
	case NodeVerifyID:
		t.say(Reply{Text: t.w(wFormResumeID), Choices: []Choice{t.cancelChoice()}})
	case NodeVerifyCard:
		t.say(Reply{Text: t.w(wFormResumeCard), Choices: t.currentChoices()})
	default:
		t.prompt()
	}
}

// formQuestion answers a question asked in the middle of a form. What
// matches nothing is not a miss there: the form's prompt follows anyway.
func (t *turn) formQuestion(text string) {
	m := t.match(text)
	if m.Mode == knowledge.ModeNone && m.Near == "" {
		return
	}
	if verify.MayHoldNumber(text) && t.number(text) {
		return
	}
	t.matched(m)
}

// faq answers QA item id.
func (t *turn) faq(id string) {
	if it, ok := t.e.cfg.Topics.Item(id); ok {
		t.answer(it)
	}
}

// noteCounty keeps a county named anywhere in a message ("我住台中…"), so a
// handoff to the local government need not ask again. lower is the
// message in lowerNFKC.
func (t *turn) noteCounty(lower string) {
	if c, _ := t.e.cfg.Directory.countyIn(lower); c.Code != "" {
		t.s.County = c.Code
	}
}

// numberAttempt reports whether text is an attempt at a number (so a wrong
// one counts) rather than words: four digits or more, or a short run of
// letters and digits with a digit in it ("A12345").
func numberAttempt(text string) bool {
	t := norm.NFKC.String(text)
	digits, other := 0, 0
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '.' || r == '/' || r == '_':
		case r < 0x80 && unicode.IsLetter(r):
			other++
		default:
			other += 2
		}
	}
	return digits >= 4 || (digits > 0 && other <= 3)
}

// question sends free text to the knowledge index; a number typed at the
// menu starts the number check instead.
func (t *turn) question(text string) {
	if verify.MayHoldNumber(text) && t.number(text) {
		return
	}
	t.matched(t.match(text))
}

// detectedMatcher is a Matcher that can be given the language
// knowledge.DetectLang found for a text (knowledge.Index).
type detectedMatcher interface {
	MatchDetected(text string, lang knowledge.Lang, sure float64) knowledge.Match
}

// match asks the Matcher about text, with the language the turn detected
// for it when the Matcher can take it.
func (t *turn) match(text string) knowledge.Match {
	if dm, ok := t.e.cfg.Matcher.(detectedMatcher); ok && t.detected.text == text {
		return dm.MatchDetected(text, t.detected.lang, t.detected.sure)
	}
	return t.e.cfg.Matcher.Match(text)
}

// matched answers what the knowledge index made of a question.
func (t *turn) matched(m knowledge.Match) {
	if nt, ok := t.e.cfg.Topics.Near(m.Near); ok {
		// A neighbouring question: where to ask it, never a QA answer
		// that only shares its nouns.
		t.s.Misses = 0
		t.near(nt)
		return
	}
	switch m.Mode {
	case knowledge.ModeAnswer:
		it, _ := t.e.cfg.Topics.Item(m.ID)
		t.e.cfg.Logger.Debug("question answered", "item", m.ID, "score", m.Score)
		t.answer(it)
	case knowledge.ModeSuggest:
		t.s.Misses = 0
		t.say(Reply{Text: t.w(wDidYouMean), Choices: append(t.itemChoices(m.Suggestions), t.menuChoice())})
	default:
		t.s.Misses++
		t.e.cfg.Observe("abstain", "")
		t.e.cfg.Logger.Debug("question not matched", "misses", t.s.Misses)
		// Still the closest topic, when there is one worth offering
		// (the weather is close to nothing), and the menu.
		var closest []Choice
		if m.Score >= closestFloor {
			closest = t.itemChoices(m.Suggestions)
		}
		if t.s.Misses >= 2 {
			t.say(Reply{
				Text:    t.w(wNoMatchAgain),
				Choices: append(append(closest, Choice{Label: t.w(wChoicePerson), Payload: PayloadPerson()}), t.menuChoice()),
				Links:   []Link{t.telLink(t.e.cfg.Directory.Line(Line1922).Number)},
			})
			return
		}
		t.say(Reply{
			Text:    t.w(wNoMatch),
			Choices: append(closest, t.menuChoice()),
			Links:   []Link{t.telLink(t.e.cfg.Directory.Line(Line1922).Number)},
		})
	}
}

// closestFloor is the least score at which the closest QA item is offered
// after a question nothing answers: below it the question shares almost
// nothing with the QA ("明天天氣如何" scores 0.05, "疫苗" 0.48).
const closestFloor = 0.15

// itemChoices are choices to read the QA items ids.
func (t *turn) itemChoices(ids []string) []Choice {
	var out []Choice
	for _, id := range ids {
		if it, ok := t.e.cfg.Topics.Item(id); ok {
			out = append(out, Choice{Label: it.Title(t.s.Lang), Payload: PayloadFAQ(it.ID)})
		}
	}
	return out
}

// near answers a neighbouring question with its referral: where to ask.
func (t *turn) near(nt *knowledge.NearTopic) {
	t.e.cfg.Observe("near", nt.ID)
	t.sayTopic(nt.Title(t.s.Lang), nt.Answer(t.s.Lang), nt.Spoken(t.s.Lang), nt.FollowUps)
}

// number starts the number check when text is an ID, a mistyped one or a
// card number, and reports whether it did.
func (t *turn) number(text string) bool {
	if _, err := verify.ParseID(text); err == nil {
		t.s.Misses, t.s.Node = 0, NodeVerifyID
		t.idEntered(text)
		return true
	}
	if looksLikeNumber(text) {
		// A mistyped ID: start the check so the hint explains what is wrong.
		t.s.Misses, t.s.Node = 0, NodeVerifyID
		t.idEntered(text)
		return true
	}
	if c, err := verify.ParseCardNumber(text); err == nil {
		// A card number first: it waits while the check asks for the ID.
		t.s.Misses, t.s.Node, t.s.Card = 0, NodeVerifyID, c.Number()
		t.prompt()
		return true
	}
	return false
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

// textLang is the language a message is written in, when it says enough
// to tell (knowledge.DetectLang found l, sure of it) and the conversation
// speaks it. English needs two words and eight letters without any Chinese:
// "ok", "3Q" or an ID tell nothing, and a Chinese session never switches
// because of one Latin word.
func textLang(text string, l Lang, sure float64) (Lang, bool) {
	if sure < knowledge.SureLang || !slices.Contains(knowledge.Langs, l) {
		return "", false
	}
	if l != knowledge.En {
		return l, true
	}
	han, letters, words, inWord := 0, 0, 0, false
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			inWord = false
		case r < 0x250 && unicode.IsLetter(r):
			letters++
			if !inWord {
				words++
			}
			inWord = true
		default:
			inWord = false
		}
	}
	return l, han == 0 && words >= 2 && letters >= 8
}

// sharedNote answers a message from a chat others read: how to talk
// privately, and nothing else.
func (e *Engine) sharedNote(in Input, lang Lang) []Reply {
	r := Reply{Text: e.cfg.Words.T(lang, wGroupNote), Lang: lang}
	if in.PrivateLink != "" {
		r.Links = []Link{{Label: e.cfg.Words.T(lang, wChoicePrivateChat), URL: in.PrivateLink}}
	}
	return []Reply{r}
}
