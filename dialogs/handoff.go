package dialogs

// The handoff: which line, which county, the ticket's reference, and the
// apology when something fails.

import (
	"strings"

	"github.com/vaxbot/vaxbot/knowledge"
)

// telLink is a tel: link for a number as people write it ("0800-030-598").
func (t *turn) telLink(number string) Link { return telLink(number) }

// telLink is a tel: link for a number as people write it.
func telLink(number string) Link {
	digits := strings.Map(func(r rune) rune {
		if r == '+' || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, number)
	return Link{Label: number, URL: "tel:" + digits}
}

// askPerson asks which kind of help the person needs. Someone writing in a
// language 1922 does not speak also hears of the lines that do (1955) and
// of the Immigration Agency for an ARC.
func (t *turn) askPerson() {
	if t.s.Lang != knowledge.ZhTW && t.s.Lang != knowledge.En && t.e.cfg.Directory.HasLine(Line1955) {
		choices := []Choice{
			{Label: t.w(wChoiceLine1922), Payload: PayloadHandoff(Line1922)},
			{Label: t.w(wChoiceLine1955), Payload: PayloadHandoff(Line1955)},
		}
		if t.e.cfg.Directory.HasLine(LineNIA) {
			choices = append(choices, Choice{Label: t.w(wChoiceLineNIA), Payload: PayloadHandoff(LineNIA)})
		}
		choices = append(choices,
			Choice{Label: t.w(wChoiceLineNHIA), Payload: PayloadHandoff(LineNHIA)},
			Choice{Label: t.w(wChoiceLineCounty), Payload: PayloadHandoff(LineCounty)},
			t.menuChoice())
		t.say(Reply{Text: t.w(wPersonAskForeign), Choices: choices})
		return
	}
	t.say(Reply{Text: t.w(wPersonAsk), Choices: []Choice{
		{Label: t.w(wChoiceLine1922), Payload: PayloadHandoff(Line1922)},
		{Label: t.w(wChoiceLineNHIA), Payload: PayloadHandoff(LineNHIA)},
		{Label: t.w(wChoiceLineCounty), Payload: PayloadHandoff(LineCounty)},
		t.menuChoice(),
	}})
}

// askWhichCounty asks which of a city and a county of one name ("新竹") the
// person means.
func (t *turn) askWhichCounty(candidates []County) {
	var choices []Choice
	for _, c := range candidates {
		choices = append(choices, Choice{Label: c.Name[t.s.Lang], Payload: PayloadCounty(c.Code)})
	}
	t.say(Reply{Text: t.w(wCountyWhich), Choices: choices})
}

func (t *turn) askCounty() {
	var choices []Choice
	for _, c := range t.e.cfg.Directory.Counties() {
		choices = append(choices, Choice{Label: c.Name[t.s.Lang], Payload: PayloadCounty(c.Code)})
	}
	t.say(Reply{Text: t.w(wCountyAsk), Choices: choices})
}

// handoff hands the person to a line; a county handoff first asks which
// county.
func (t *turn) handoff(line, reason string) {
	if line == LineCounty {
		if c, ok := t.e.cfg.Directory.County(t.s.County); ok {
			// Named earlier in the conversation: no need to ask.
			t.s.Pending = reason
			t.countyChosen(c)
			return
		}
		t.s.Node, t.s.Pending = NodeCounty, reason
		t.askCounty()
		return
	}
	t.handoffTo(t.lineHandoff(line, reason))
}

// lineHandoff is the handoff to one of the directory's lines.
func (t *turn) lineHandoff(line, reason string) Handoff {
	h := t.e.cfg.Directory.Line(line)
	return Handoff{
		Line: line, Name: h.Name[t.s.Lang], Number: h.Number, Dial: dialNumber(h.Dial, h.Number),
		Hours: h.Hours[t.s.Lang], Reason: reason,
	}
}

func (t *turn) countyChosen(c County) {
	reason := t.s.Pending
	if reason == "" {
		reason = t.topicReason()
	}
	t.s.Node, t.s.Pending = NodeMenu, ""
	if c.Number == "" {
		t.say(Reply{Text: t.w(wHandoffCountyUnconfigured, "county", c.Name[t.s.Lang])})
		h := t.lineHandoff(Line1922, reason)
		h.County = c.Code
		t.handoffTo(h)
		return
	}
	t.handoffTo(Handoff{
		Line: LineCounty, County: c.Code, Name: t.w(wCountyLine, "county", c.Name[t.s.Lang]),
		Number: c.Number, Dial: dialNumber(c.Dial, c.Number), Hours: c.Hours[t.s.Lang], Reason: reason,
	})
}

// handoffTo tells the person which line to call and what to say there;
// the Conversation opens the ticket the Handoff asks for.
func (t *turn) handoffTo(h Handoff) {
	t.e.cfg.Logger.Info("handoff", "line", h.Line, "county", h.County, "reason", h.Reason)
	t.e.cfg.Observe("handoff", h.Line)
	t.say(Reply{
		Text:    t.w(wHandoff, "name", h.Name, "number", h.Number, "hours", h.Hours, "reason", t.reasonText(h.Reason)),
		Choices: []Choice{t.menuChoice()},
		Links:   []Link{t.telLink(h.Number)},
		Handoff: &h,
	})
}

// reasonText is the sentence a person can say to the operator.
// In a language the lines do not speak, it is said in English, which 1922
// speaks, after the person's own: they read theirs, and say the English.
func (t *turn) reasonText(reason string) string {
	own := t.e.ReasonText(t.s.Lang, reason)
	if t.s.Lang == knowledge.ZhTW || t.s.Lang == knowledge.En {
		return own
	}
	return t.w(wReasonWithEnglish, "reason", own, "english", t.e.ReasonText(knowledge.En, reason))
}

// ReasonText is a handoff reason (a Reason constant, a diagnosis outcome or
// "faq:qN") as the sentence a person can say to the operator, in lang; an
// unknown reason reads as ReasonAsked.
func (e *Engine) ReasonText(lang Lang, reason string) string {
	if id, ok := strings.CutPrefix(reason, "faq:"); ok {
		if it, ok := e.cfg.Topics.Item(id); ok {
			return e.cfg.Words.T(lang, wReasonFaq, "title", it.Title(lang))
		}
	}
	if key, ok := reasonWords[reason]; ok {
		return e.cfg.Words.T(lang, key)
	}
	return e.cfg.Words.T(lang, wReasonAsked)
}

// ItemTitle is a QA item's short title in lang ("" for an unknown item),
// for the desk's charts.
func (e *Engine) ItemTitle(lang Lang, item string) string {
	if it, ok := e.cfg.Topics.Item(item); ok {
		return it.Title(lang)
	}
	return ""
}

// Apology is what a person hears when their message could not be handled
// (a store, a lock or a panic): one short apology and the 1922 line, as a
// handoff so that the phone line connects the caller there.
func (e *Engine) Apology(lang Lang) []Reply {
	h := e.cfg.Directory.Line(Line1922)
	return []Reply{{
		Text:  e.cfg.Words.T(lang, wTurnFailed),
		Lang:  lang,
		Links: []Link{telLink(h.Number)},
		Handoff: &Handoff{
			Line: Line1922, Name: h.Name[lang], Number: h.Number, Dial: dialNumber(h.Dial, h.Number),
			Hours: h.Hours[lang], Reason: ReasonFailure,
		},
	}}
}

// ticketOpened tells the person the reference of the ticket opened for the
// handoff r, and offers a call-back when call-backs are on.
func (e *Engine) ticketOpened(s *Session, r *Reply, ref string, callbacks bool) {
	r.Handoff.Ticket = ref
	s.LastTicket = ref
	// Say only what this ticket holds: no county or ID it was not given.
	holds := []string{e.cfg.Words.T(s.Lang, wTicketHoldsQuestion)}
	if r.Handoff.County != "" {
		holds = append(holds, e.cfg.Words.T(s.Lang, wTicketHoldsCounty))
	}
	if s.MaskedID != "" {
		holds = append(holds, e.cfg.Words.T(s.Lang, wTicketHoldsID))
	}
	holds = append(holds, e.cfg.Words.T(s.Lang, wTicketHoldsChat))
	r.Text += "\n\n" + e.cfg.Words.T(s.Lang, wTicketRef, "ref", ref, "holds", e.list(s.Lang, holds))
	if callbacks {
		r.Choices = append([]Choice{{Label: e.cfg.Words.T(s.Lang, wChoiceCallback), Payload: PayloadCallback(CallbackStart)}}, r.Choices...)
	}
}

// ticketFailed says, under a handoff, that no reference could be opened:
// the person still has the line to call.
func (e *Engine) ticketFailed(s *Session, r *Reply) {
	r.Text += "\n\n" + e.cfg.Words.T(s.Lang, wTicketFailed)
}

// list joins items as a sentence does, in lang's words: "a, b and c"
// ("a、b和c").
func (e *Engine) list(lang Lang, items []string) string {
	if len(items) == 0 {
		return ""
	}
	out := items[0]
	for i, it := range items[1:] {
		key := wListPair
		if i == len(items)-2 {
			key = wListLast
		}
		out = e.cfg.Words.T(lang, key, "a", out, "b", it)
	}
	return out
}
