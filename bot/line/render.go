package line

import (
	"strings"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/vaxbot/vaxbot/dialogs"
)

// LINE's limits.
const (
	maxMessages     = 5    // messages per reply or push call
	maxQuickReplies = 13   // quick reply items per message
	maxTextRunes    = 5000 // characters per text message
	maxQuickLabel   = 20   // characters per quick reply action label
	maxButtonLabel  = 40   // characters per Flex button label
	buttonsPerPage  = 8    // buttons per bubble of the carousel
)

// render turns one turn's replies into at most five LINE messages. Every
// reply is a text message (split when long); the turn's choices and tel:
// links become quick reply items of the last message, or, when there are
// more than 13, a Flex carousel of buttons.
func render(replies []dialogs.Reply) []messaging_api.MessageInterface {
	var texts []string
	var choices []dialogs.Choice
	var links []dialogs.Link
	for _, r := range replies {
		text := strings.TrimSpace(r.Text)
		for _, l := range r.Links {
			if !strings.HasPrefix(l.URL, "tel:") {
				text += "\n" + l.Label + " " + l.URL
			} else {
				links = append(links, l)
			}
		}
		texts = append(texts, split(text, maxTextRunes)...)
		choices = append(choices, r.Choices...)
	}
	var carousel *messaging_api.FlexMessage
	if len(choices)+len(links) > maxQuickReplies {
		carousel = flexChoices(choices)
		choices = nil
	}
	room := maxMessages
	if carousel != nil {
		room--
	}
	if len(texts) > room {
		// Keep within the per-call limit: the tail shares the last bubble.
		tail := strings.Join(texts[room-1:], "\n\n")
		texts = append(texts[:room-1], split(tail, maxTextRunes)[0])
	}
	var msgs []messaging_api.MessageInterface
	for _, t := range texts {
		msgs = append(msgs, &messaging_api.TextMessage{Text: t})
	}
	if carousel != nil {
		msgs = append(msgs, carousel)
	}
	if qr := quickReply(choices, links); qr != nil && len(msgs) > 0 {
		switch m := msgs[len(msgs)-1].(type) {
		case *messaging_api.TextMessage:
			m.QuickReply = qr
		case *messaging_api.FlexMessage:
			m.QuickReply = qr
		}
	}
	return msgs
}

func quickReply(choices []dialogs.Choice, links []dialogs.Link) *messaging_api.QuickReply {
	var items []messaging_api.QuickReplyItem
	for _, c := range choices {
		items = append(items, messaging_api.QuickReplyItem{Action: &messaging_api.PostbackAction{
			Label: truncate(c.Label, maxQuickLabel), Data: c.Payload, DisplayText: c.Label,
		}})
	}
	for _, l := range links {
		items = append(items, messaging_api.QuickReplyItem{Action: &messaging_api.UriAction{
			Label: truncate("☎ "+l.Label, maxQuickLabel), Uri: l.URL,
		}})
	}
	if len(items) == 0 {
		return nil
	}
	if len(items) > maxQuickReplies {
		items = items[:maxQuickReplies]
	}
	return &messaging_api.QuickReply{Items: items}
}

// flexChoices lays many choices (the 22 counties) out as a carousel of
// bubbles with a column of buttons each.
func flexChoices(choices []dialogs.Choice) *messaging_api.FlexMessage {
	var bubbles []messaging_api.FlexBubble
	var labels []string
	for start := 0; start < len(choices); start += buttonsPerPage {
		end := min(start+buttonsPerPage, len(choices))
		var buttons []messaging_api.FlexComponentInterface
		for _, c := range choices[start:end] {
			labels = append(labels, c.Label)
			buttons = append(buttons, &messaging_api.FlexButton{
				Style:  messaging_api.FlexButtonSTYLE_SECONDARY,
				Height: messaging_api.FlexButtonHEIGHT_SM,
				Margin: "sm",
				Action: &messaging_api.PostbackAction{
					Label: truncate(c.Label, maxButtonLabel), Data: c.Payload, DisplayText: c.Label,
				},
			})
		}
		bubbles = append(bubbles, messaging_api.FlexBubble{Body: &messaging_api.FlexBox{
			Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: buttons,
		}})
	}
	return &messaging_api.FlexMessage{
		AltText:  truncate(strings.Join(labels, " / "), 400),
		Contents: &messaging_api.FlexCarousel{Contents: bubbles},
	}
}

// truncate cuts s to n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// split cuts text into pieces of at most n runes, at a line break when it can.
func split(text string, n int) []string {
	var out []string
	for utf8.RuneCountInString(text) > n {
		r := []rune(text)
		cut := n
		if i := strings.LastIndex(string(r[:n]), "\n"); i > 0 {
			cut = utf8.RuneCountInString(string(r[:n])[:i])
		}
		out = append(out, strings.TrimSpace(string(r[:cut])))
		text = strings.TrimSpace(string(r[cut:]))
	}
	if text != "" || len(out) == 0 {
		out = append(out, text)
	}
	return out
}
