package line

import (
	"encoding/json"
	"hash/maphash"
	"net/url"
	"strings"
	"sync"
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
// reply is a text message (split when long), followed by its picture as an
// image message; the turn's choices and tel: links become quick reply
// items of the last message, or, when there are more than 13, a Flex
// carousel of buttons. Over five messages, pictures go first, then the
// tail of the text shares the last bubble.
func render(replies []dialogs.Reply) []messaging_api.MessageInterface {
	var parts []part
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
		for _, t := range split(text, maxTextRunes) {
			parts = append(parts, part{text: t})
		}
		if r.Image != nil && imageURL(r.Image.URL) {
			parts = append(parts, part{image: r.Image.URL})
		}
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
	for i := len(parts) - 1; i >= 0 && len(parts) > room; i-- {
		if parts[i].image != "" {
			parts = append(parts[:i], parts[i+1:]...)
		}
	}
	if len(parts) > room {
		// Keep within the per-call limit: the tail shares the last bubble.
		var tail []string
		for _, p := range parts[room-1:] {
			tail = append(tail, p.text)
		}
		parts = append(parts[:room-1], part{text: split(strings.Join(tail, "\n\n"), maxTextRunes)[0]})
	}
	var msgs []messaging_api.MessageInterface
	for _, p := range parts {
		if p.image != "" {
			msgs = append(msgs, &messaging_api.ImageMessage{OriginalContentUrl: p.image, PreviewImageUrl: p.image})
			continue
		}
		msgs = append(msgs, &messaging_api.TextMessage{Text: p.text})
	}
	if carousel != nil {
		msgs = append(msgs, carousel)
	}
	if qr := quickReply(choices, links); qr != nil && len(msgs) > 0 {
		switch m := msgs[len(msgs)-1].(type) {
		case *messaging_api.TextMessage:
			m.QuickReply = qr
		case *messaging_api.ImageMessage:
			m.QuickReply = qr
		case *messaging_api.FlexMessage:
			m.QuickReply = qr
		}
	}
	return msgs
}

// part is one message of a turn: a text or a picture's URL.
type part struct {
	text  string
	image string
}

// maxImageURL is LINE's limit on an image message's URLs, in characters.
const maxImageURL = 2000

// imageURL reports whether LINE takes u as an image message's URL: HTTPS,
// under 2,000 characters. The server's picture (a PNG well under 1 MB)
// serves as both the image and its preview.
func imageURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "https" && p.Host != "" && utf8.RuneCountInString(u) < maxImageURL
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

// encoded is a message rendered and encoded once: replies repeat (the menu,
// the QA answers, the prompts), and the SDK's reflective encoding of quick
// replies is the costliest step of sending one.
type encoded struct {
	typ string
	raw json.RawMessage
}

// GetType implements messaging_api.MessageInterface.
func (e encoded) GetType() string { return e.typ }

// MarshalJSON returns the cached encoding.
func (e encoded) MarshalJSON() ([]byte, error) { return e.raw, nil }

// renderCache keeps the encoded messages of recent reply sets.
type renderCache struct {
	mu sync.Mutex
	m  map[uint64][]messaging_api.MessageInterface
}

// maxCached bounds the cache; replies that carry a time or a masked number
// are one-offs, so the cache starts afresh when full.
const maxCached = 2048

var seed = maphash.MakeSeed()

// get renders replies, or returns the cached encoding of the same replies.
func (rc *renderCache) get(replies []dialogs.Reply) []messaging_api.MessageInterface {
	var h maphash.Hash
	h.SetSeed(seed)
	for _, r := range replies {
		h.WriteString(r.Text)
		h.WriteByte(0)
		for _, c := range r.Choices {
			h.WriteString(c.Label)
			h.WriteByte(1)
			h.WriteString(c.Payload)
			h.WriteByte(0)
		}
		for _, l := range r.Links {
			h.WriteString(l.Label)
			h.WriteByte(2)
			h.WriteString(l.URL)
			h.WriteByte(0)
		}
		if r.Image != nil {
			h.WriteString(r.Image.URL)
			h.WriteByte(4)
		}
		h.WriteByte(3)
	}
	key := h.Sum64()
	rc.mu.Lock()
	msgs, ok := rc.m[key]
	rc.mu.Unlock()
	if ok {
		return msgs
	}
	for _, m := range render(replies) {
		raw, err := json.Marshal(m)
		if err != nil {
			return render(replies)
		}
		msgs = append(msgs, encoded{typ: m.GetType(), raw: raw})
	}
	rc.mu.Lock()
	if rc.m == nil || len(rc.m) >= maxCached {
		rc.m = map[uint64][]messaging_api.MessageInterface{}
	}
	rc.m[key] = msgs
	rc.mu.Unlock()
	return msgs
}
