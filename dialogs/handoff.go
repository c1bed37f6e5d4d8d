package dialogs

// The handoff: which line, which county, the ticket's reference, and the
// apology when something fails.

import "strings"

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

// askPerson asks which kind of help the person needs.
func (t *turn) askPerson() {
	t.say(Reply{Text: t.w("person_ask"), Choices: []Choice{
		{Label: t.w("choice_line_1922"), Payload: PayloadHandoff(Line1922)},
		{Label: t.w("choice_line_nhia"), Payload: PayloadHandoff(LineNHIA)},
		{Label: t.w("choice_line_county"), Payload: PayloadHandoff(LineCounty)},
		t.menuChoice(),
	}})
}

func (t *turn) askCounty() {
	var choices []Choice
	for _, c := range t.e.cfg.Directory.Counties() {
		choices = append(choices, Choice{Label: c.Name[t.s.Lang], Payload: PayloadCounty(c.Code)})
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

// Apology is what a person hears when their message could not be handled
// (a store, a lock or a panic): one short apology and the 1922 line, as a
// handoff so that the phone line connects the caller there.
func (e *Engine) Apology(lang Lang) []Reply {
	h := e.cfg.Directory.Line(Line1922)
	return []Reply{{
		Text:    e.cfg.Words.T(lang, "turn_failed"),
		Lang:    lang,
		Links:   []Link{telLink(h.Number)},
		Handoff: &Handoff{Line: Line1922, Number: h.Number, Dial: dialNumber(h.Dial, h.Number), Hours: h.Hours[lang], Reason: ReasonFailure},
	}}
}

// ticketOpened tells the person the reference of the ticket opened for the
// handoff r, and offers a call-back when call-backs are on.
func (e *Engine) ticketOpened(s *Session, r *Reply, ref string, callbacks bool) {
	r.Handoff.Ticket = ref
	s.LastTicket = ref
	r.Text += "\n\n" + e.cfg.Words.T(s.Lang, "ticket_ref", "ref", ref)
	if callbacks {
		r.Choices = append([]Choice{{Label: e.cfg.Words.T(s.Lang, "choice_callback"), Payload: PayloadCallback(CallbackStart)}}, r.Choices...)
	}
}

// ticketFailed says, under a handoff, that no reference could be opened:
// the person still has the line to call.
func (e *Engine) ticketFailed(s *Session, r *Reply) {
	r.Text += "\n\n" + e.cfg.Words.T(s.Lang, "ticket_failed")
}
