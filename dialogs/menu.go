package dialogs

// The menu and questions: the topics, QA answers, free text and the words
// people type instead of tapping.

import (
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
		Choice{Label: t.w(wChoiceOtherLang), Payload: PayloadLang(otherLang(t.s.Lang))},
	)
	t.say(Reply{Text: t.w(key), Choices: choices})
}

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
		t.menu(wWelcome)
		return
	case menuWords[cmd]:
		t.leaveForm()
		t.menu(wMenu)
		return
	case langWords[cmd] != "":
		t.switchLang(langWords[cmd])
		return
	case personWords[cmd]:
		t.leaveForm()
		t.askPerson()
		return
	case verifyWords[cmd]:
		t.verifyPayload(VerifyStart)
		return
	case cancelWords[cmd] && t.s.Node != NodeMenu:
		t.leaveForm()
		t.menu(wMenu)
		return
	}
	switch t.s.Node {
	case NodeVerifyID:
		t.idEntered(text)
	case NodeVerifyConfirm:
		switch {
		case yesWords[cmd]:
			t.verifyPayload(VerifyYes)
		case noWords[cmd]:
			t.verifyPayload(VerifyNo)
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
			t.say(Reply{Text: t.w(wCountyUnknown)})
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
				Text:    t.w(wNoMatchAgain),
				Choices: []Choice{{Label: t.w(wChoicePerson), Payload: PayloadPerson()}, t.menuChoice()},
				Links:   []Link{t.telLink(t.e.cfg.Directory.Line(Line1922).Number)},
			})
			return
		}
		t.say(Reply{
			Text:    t.w(wNoMatch),
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
				choices = append(choices, Choice{Label: it.Title(t.s.Lang), Payload: PayloadFAQ(it.ID)})
			}
		}
		choices = append(choices, t.menuChoice())
		t.say(Reply{Text: t.w(wDidYouMean), Choices: choices})
	}
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

// sharedNote answers a message from a chat others read: how to talk
// privately, and nothing else.
func (e *Engine) sharedNote(in Input, lang Lang) []Reply {
	r := Reply{Text: e.cfg.Words.T(lang, wGroupNote), Lang: lang}
	if in.PrivateLink != "" {
		r.Links = []Link{{Label: e.cfg.Words.T(lang, wChoicePrivateChat), URL: in.PrivateLink}}
	}
	return []Reply{r}
}
