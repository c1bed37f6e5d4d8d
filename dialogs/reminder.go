package dialogs

import (
	"strconv"
	"time"
)

// RemindCancel is the argument of the payload that cancels a reminder.
const RemindCancel = "cancel"

// PayloadRemind asks for a reminder at at (its Unix time, to the minute).
func PayloadRemind(at time.Time) string {
	return Payload{ActRemind, strconv.FormatInt(at.Unix(), 10)}.String()
}

// PayloadRemindCancel cancels the person's reminder.
func PayloadRemindCancel() string { return Payload{ActRemind, RemindCancel}.String() }

// ReminderRequest asks whoever runs the engine to schedule a reminder at
// At, or with Cancel to cancel the person's waiting one (bot.Reminders).
// It is removed before the reply reaches a channel.
type ReminderRequest struct {
	At     time.Time
	Cancel bool
}

// maxRemindAhead is how far ahead a reminder may be asked for: a tap on
// an old or forged button for a time further off is stale.
const maxRemindAhead = 24 * time.Hour

// remindOffer is the choice of a reminder when the card can be used, for
// a card_too_new diagnosis (QA item 6), on a chat with reminders.
func (t *turn) remindOffer(at time.Time) (Choice, bool) {
	if !t.e.cfg.Reminders || t.s.Voice != nil || at.IsZero() || !at.After(t.now) {
		return Choice{}, false
	}
	return Choice{Label: t.w(wChoiceRemind, "time", t.clock(at)), Payload: PayloadRemind(at)}, true
}

// remind takes "remind me at …" or its cancellation.
func (t *turn) remind(arg string) {
	if !t.e.cfg.Reminders {
		t.stale()
		return
	}
	if arg == RemindCancel {
		t.leaveForm()
		t.say(Reply{Text: t.w(wRemindCancelled), Choices: []Choice{t.menuChoice()}, Reminder: &ReminderRequest{Cancel: true}})
		return
	}
	sec, err := strconv.ParseInt(arg, 10, 64)
	at := time.Unix(sec, 0)
	if err != nil || at.Before(t.now.Add(-time.Minute)) || at.After(t.now.Add(maxRemindAhead)) {
		t.stale()
		return
	}
	t.leaveForm()
	t.say(Reply{
		Text:     t.w(wRemindSet, "time", t.clock(at)),
		Choices:  []Choice{{Label: t.w(wChoiceRemindCancel), Payload: PayloadRemindCancel()}, t.menuChoice()},
		Reminder: &ReminderRequest{At: at},
	})
}

// ReminderDue is the message a reminder sends in lang: the card should now
// be usable, with a button into the number check.
func (e *Engine) ReminderDue(lang Lang) []Reply {
	w := func(key string) string { return e.cfg.Words.T(lang, key) }
	return []Reply{{Text: w(wRemindDue), Lang: lang, Choices: []Choice{
		{Label: w(wChoiceCheckAgain), Payload: PayloadVerify(VerifyStart)},
		{Label: w(wChoiceMenu), Payload: PayloadMenu()},
	}}}
}

// ReminderFailed is what a person is told in place of the confirmation
// when their reminder could not be stored.
func (e *Engine) ReminderFailed(lang Lang, at time.Time) string {
	return e.cfg.Words.T(lang, wRemindFailed, "time", at.In(e.taipei).Format("15:04"))
}
