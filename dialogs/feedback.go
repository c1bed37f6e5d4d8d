package dialogs

import (
	"strings"

	"github.com/vaxbot/vaxbot/knowledge"
)

// The votes of "Did this help?".
const (
	VoteUp   = "up"
	VoteDown = "down"
)

// PayloadFeedback is the payload of a vote on QA item id's answer.
func PayloadFeedback(id string, helpful bool) string {
	vote := VoteDown
	if helpful {
		vote = VoteUp
	}
	return Payload{ActFeedback, id + ":" + vote}.String()
}

// Feedback is one vote on a QA answer, as the engine reports it to
// Config.Observe ("feedback", Feedback.String()): the item, the vote, the
// language and the channel, never a person or anything they wrote, so it
// can be a metric's labels and a row for the desk's charts.
type Feedback struct {
	Item    string
	Helpful bool
	Lang    Lang
	Channel string
}

// String is "item:vote:lang:channel", e.g. "q5:up:zh-TW:line".
func (f Feedback) String() string {
	vote := VoteDown
	if f.Helpful {
		vote = VoteUp
	}
	return f.Item + ":" + vote + ":" + string(f.Lang) + ":" + f.Channel
}

// ParseFeedback reads Feedback.String.
func ParseFeedback(s string) (Feedback, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 4 || parts[0] == "" || (parts[1] != VoteUp && parts[1] != VoteDown) {
		return Feedback{}, false
	}
	lang, ok := knowledge.ParseLang(parts[2])
	if !ok {
		return Feedback{}, false
	}
	return Feedback{Item: parts[0], Helpful: parts[1] == VoteUp, Lang: lang, Channel: parts[3]}, true
}

// askFeedback asks "Did this help?" under a QA answer shown at the menu
// on a chat (Config.Feedback): the two votes go before the answer's last
// choice (the menu), and the question after its text.
func (t *turn) askFeedback(id string) {
	n := len(t.out)
	if !t.e.cfg.Feedback || t.s.Voice != nil || t.s.Node != NodeMenu || n == 0 {
		return
	}
	r := &t.out[n-1]
	r.Text = joinParagraphs(r.Text, t.w(wFeedbackAsk))
	votes := []Choice{
		{Label: t.w(wChoiceHelpful), Payload: PayloadFeedback(id, true)},
		{Label: t.w(wChoiceNotHelpful), Payload: PayloadFeedback(id, false)},
	}
	last := len(r.Choices) - 1
	if last < 0 {
		r.Choices = votes
		return
	}
	r.Choices = append(append(r.Choices[:last:last], votes...), r.Choices[last])
}

// feedback takes a vote on QA item id's answer: thanks for a 👍; for a 👎
// the item's related topics and a person.
func (t *turn) feedback(arg string) {
	id, vote, _ := strings.Cut(arg, ":")
	it, ok := t.e.cfg.Topics.Item(id)
	if !ok || (vote != VoteUp && vote != VoteDown) {
		t.stale()
		return
	}
	t.leaveForm()
	t.e.cfg.Observe("feedback", Feedback{Item: id, Helpful: vote == VoteUp, Lang: t.s.Lang, Channel: channelOf(t.s.Person)}.String())
	if vote == VoteUp {
		t.say(Reply{Text: t.w(wFeedbackThanks), Choices: []Choice{t.menuChoice()}})
		return
	}
	// A handoff from here says what the person was asking about.
	t.s.Topic = it.ID
	var choices []Choice
	for _, f := range it.FollowUps {
		if c, ok := t.followUp(f); ok {
			choices = append(choices, c)
		}
	}
	choices = append(choices, Choice{Label: t.w(wChoicePerson), Payload: PayloadPerson()}, t.menuChoice())
	t.say(Reply{Text: t.w(wFeedbackSorry), Choices: choices})
}
