package line

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vaxbot/vaxbot/bot"
	"github.com/vaxbot/vaxbot/dialogs"
)

// The SDK's webhook types parse an event in four or five passes (the event
// into a map of raw members, then each member, then the source and the
// message into maps again, then into their structs), each validating its
// bytes anew: about half the CPU of decoding a webhook. Nearly every event
// the bot answers has one of a few plain shapes: a text, a postback or a
// follow, from a user, a group or a room, with no field beyond those the
// SDK declares for them and nothing escaped in a key. fastEvent reads those
// shapes in one walk over the (already validated) JSON; anything else —
// an unknown or repeated member, a null, a number that is not an integer,
// an emoji list, a mention, postback params — goes to the SDK as before.
// FuzzDecodeMatchesSDK holds both paths to the SDK's result.

// fastEvent decodes raw as the SDK would and converts it as event does.
// ok is false when raw is not one of the plain shapes: the caller then
// asks the SDK. keep is event's second result.
func fastEvent(raw []byte) (ev bot.Event, keep, ok bool) {
	if raw[0] != '{' {
		return ev, false, false
	}
	var (
		f    fastFields
		seen uint16
	)
	ok = true
	members(raw, func(key, value []byte) {
		if !ok {
			return
		}
		bit, known := eventKeys[string(key)]
		if !known || seen&bit != 0 {
			ok = false
			return
		}
		seen |= bit
		ok = f.set(bit, value)
	})
	if !ok || seen&keyType == 0 {
		return ev, false, false
	}
	// The content member must be the one the type calls for.
	switch f.typ {
	case "message":
		if seen&(keyPostback|keyFollow) != 0 || seen&keyMessage == 0 || f.msgType != "text" {
			return ev, false, false
		}
	case "postback":
		if seen&(keyMessage|keyFollow) != 0 || seen&keyPostback == 0 {
			return ev, false, false
		}
	case "follow":
		if seen&(keyMessage|keyPostback) != 0 {
			return ev, false, false
		}
	default:
		return ev, false, false
	}
	if f.mode == "standby" {
		return ev, false, true
	}
	switch f.typ {
	case "message":
		ev = bot.Event{ID: f.eventID, Type: "text", Input: dialogs.Input{Text: f.text}}
	case "postback":
		ev = bot.Event{ID: f.eventID, Type: "postback", Input: dialogs.Input{Payload: f.data}}
	case "follow":
		ev = bot.Event{ID: f.eventID, Type: "follow", Input: dialogs.Input{Event: dialogs.EventFollow}}
	}
	if f.timestamp > 0 {
		ev.At = time.UnixMilli(f.timestamp)
	}
	switch f.srcType {
	case "user":
		if f.userID == "" {
			return ev, false, true
		}
		ev.Input.Person = "line:" + f.userID
		ev.Reply = replyTo{token: f.replyToken, userID: f.userID}
		return ev, true, true
	case "group":
		ev, keep = shared(ev, f.groupID, f.userID, f.replyToken, false)
		return ev, keep, true
	case "room":
		ev, keep = shared(ev, f.roomID, f.userID, f.replyToken, false)
		return ev, keep, true
	case "":
		// No source: the SDK's event has none, and event keeps nothing.
		return ev, false, true
	}
	return ev, false, false
}

// The members of an event fastEvent reads, as bits of a set.
const (
	keyType uint16 = 1 << iota
	keySource
	keyTimestamp
	keyMode
	keyEventID
	keyDelivery
	keyReplyToken
	keyMessage
	keyPostback
	keyFollow
)

// eventKeys are the members, as written in the JSON (quoted, unescaped),
// of the events the SDK parses with an exact key (its map of raw members).
var eventKeys = map[string]uint16{
	`"type"`:            keyType,
	`"source"`:          keySource,
	`"timestamp"`:       keyTimestamp,
	`"mode"`:            keyMode,
	`"webhookEventId"`:  keyEventID,
	`"deliveryContext"`: keyDelivery,
	`"replyToken"`:      keyReplyToken,
	`"message"`:         keyMessage,
	`"postback"`:        keyPostback,
	`"follow"`:          keyFollow,
}

// fastFields are the values fastEvent reads.
type fastFields struct {
	typ, mode, eventID, replyToken string
	timestamp                      int64
	srcType, userID, groupID       string
	roomID                         string
	msgType, text                  string
	data                           string
}

// set reads one member's value; false when the value is not the plain
// shape fastEvent handles.
func (f *fastFields) set(bit uint16, v []byte) bool {
	var ok bool
	switch bit {
	case keyType:
		f.typ, ok = jsonString(v)
	case keyMode:
		f.mode, ok = jsonString(v)
	case keyEventID:
		f.eventID, ok = jsonString(v)
	case keyReplyToken:
		f.replyToken, ok = jsonString(v)
	case keyTimestamp:
		if len(v) == 0 || v[0] != '-' && (v[0] < '0' || v[0] > '9') {
			return false
		}
		n, err := strconv.ParseInt(string(v), 10, 64)
		f.timestamp, ok = n, err == nil
	case keyDelivery:
		// {"isRedelivery": true|false} and nothing else.
		return object(v, func(key, value []byte) bool {
			return string(key) == `"isRedelivery"` && (string(value) == "true" || string(value) == "false")
		})
	case keySource:
		return f.source(v)
	case keyMessage:
		return f.message(v)
	case keyPostback:
		return object(v, func(key, value []byte) bool {
			if string(key) != `"data"` {
				return false
			}
			var ok bool
			f.data, ok = jsonString(value)
			return ok
		})
	case keyFollow:
		return object(v, func(key, value []byte) bool {
			return string(key) == `"isUnblocked"` && (string(value) == "true" || string(value) == "false")
		})
	}
	return ok
}

// source reads {"type": …, "userId": …, "groupId"|"roomId": …}.
func (f *fastFields) source(v []byte) bool {
	var seen [4]bool
	ok := object(v, func(key, value []byte) bool {
		var dst *string
		var i int
		switch string(key) {
		case `"type"`:
			dst, i = &f.srcType, 0
		case `"userId"`:
			dst, i = &f.userID, 1
		case `"groupId"`:
			dst, i = &f.groupID, 2
		case `"roomId"`:
			dst, i = &f.roomID, 3
		default:
			return false
		}
		if seen[i] {
			return false
		}
		seen[i] = true
		var ok bool
		*dst, ok = jsonString(value)
		return ok
	})
	if !ok || !seen[0] {
		return false
	}
	// Each kind of source declares its own members only.
	switch f.srcType {
	case "user":
		return !seen[2] && !seen[3]
	case "group":
		return !seen[3]
	case "room":
		return !seen[2]
	}
	return false
}

// message reads a text message's {"type", "id", "text", "quoteToken",
// "quotedMessageId", "markAsReadToken"}.
func (f *fastFields) message(v []byte) bool {
	var seen [6]bool
	ok := object(v, func(key, value []byte) bool {
		var i int
		switch string(key) {
		case `"type"`:
			i = 0
		case `"id"`:
			i = 1
		case `"text"`:
			i = 2
		case `"quoteToken"`:
			i = 3
		case `"quotedMessageId"`:
			i = 4
		case `"markAsReadToken"`:
			i = 5
		default:
			return false
		}
		if seen[i] {
			return false
		}
		seen[i] = true
		var ok bool
		switch i {
		case 0:
			f.msgType, ok = jsonString(value)
			return ok
		case 2:
			f.text, ok = jsonString(value)
			return ok
		}
		// Read by the SDK, not kept: a string is all that is asked of it
		// (the JSON is valid already).
		return value[0] == '"'
	})
	return ok && seen[0]
}

// object calls fn with each member of the valid JSON value v, and reports
// whether v is an object and fn returned true for every member.
func object(v []byte, fn func(key, value []byte) bool) bool {
	if len(v) == 0 || v[0] != '{' {
		return false
	}
	ok := true
	members(v, func(key, value []byte) {
		if ok {
			ok = fn(key, value)
		}
	})
	return ok
}

// commonString is b as a string, without an allocation for the values
// every event repeats (its type, mode and source type).
func commonString(b []byte) string {
	switch string(b) {
	case "message":
		return "message"
	case "postback":
		return "postback"
	case "follow":
		return "follow"
	case "text":
		return "text"
	case "active":
		return "active"
	case "standby":
		return "standby"
	case "user":
		return "user"
	case "group":
		return "group"
	case "room":
		return "room"
	}
	return string(b)
}

// jsonString returns the valid JSON string token v as Go text, as
// encoding/json reads it; false when v is not a string.
func jsonString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return commonString(inner), true
	}
	// Escapes, or bytes that are not UTF-8 (which encoding/json replaces).
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}
