package line

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// The SDK's webhook.CallbackRequest and webhook.UnmarshalEvent first parse
// the body, and then each event, into a map of raw members, only to read
// the "events" list and each event's "type"; then they parse everything
// again. Here the body is validated once, those members are found by
// walking the valid JSON, and each event is parsed by the SDK's own type
// for its kind (webhook.MessageEvent, …), or by webhook.UnmarshalEvent for
// the kinds the bot does not answer. FuzzDecodeMatchesSDK holds the result
// to the SDK's, body for body: the same events, the same refusals.

// rawEvents returns the events of a webhook body, unparsed: the last
// "events" member as a map would keep it (exact key, after unescaping),
// with "destination", when present, a string or null.
func rawEvents(body []byte) ([][]byte, error) {
	if !validJSON(body) {
		return nil, errors.New("the body is not JSON")
	}
	v := body[skipSpace(body, 0):]
	if v[0] == 'n' { // null: no events, as the SDK reads it
		return nil, nil
	}
	if v[0] != '{' {
		return nil, errors.New("the body is not a JSON object")
	}
	var events, destination []byte
	members(v, func(key, value []byte) {
		switch {
		case keyIs(key, "events"):
			events = value
		case keyIs(key, "destination"):
			destination = value
		}
	})
	if destination != nil && destination[0] != '"' && destination[0] != 'n' {
		return nil, errors.New(`"destination" is not a string`)
	}
	switch {
	case events == nil || events[0] == 'n':
		return nil, nil
	case events[0] != '[':
		return nil, errors.New(`"events" is not a list`)
	}
	return elements(events), nil
}

// decodeEvent parses one event into the SDK's type for its kind.
func decodeEvent(raw []byte) (webhook.EventInterface, error) {
	var typ []byte
	if raw[0] == '{' {
		members(raw, func(key, value []byte) {
			if keyIs(key, "type") {
				typ = value
			}
		})
	}
	var err error
	switch string(typ) {
	case `"message"`:
		var e webhook.MessageEvent
		if err = json.Unmarshal(raw, &e); err == nil {
			return e, nil
		}
	case `"postback"`:
		var e webhook.PostbackEvent
		if err = json.Unmarshal(raw, &e); err == nil {
			return e, nil
		}
	case `"follow"`:
		var e webhook.FollowEvent
		if err = json.Unmarshal(raw, &e); err == nil {
			return e, nil
		}
	default:
		// Other kinds, a missing or escaped type: the SDK decides.
		return webhook.UnmarshalEvent(raw)
	}
	return nil, fmt.Errorf("event %s: %w", typ, err)
}

// members calls fn with each member of a valid JSON object, in order:
// the key as written (quoted) and the value's bytes.
func members(obj []byte, fn func(key, value []byte)) {
	i := skipSpace(obj, 1)
	for i < len(obj) && obj[i] != '}' {
		kEnd := endOfValue(obj, i)
		j := skipSpace(obj, kEnd)
		j = skipSpace(obj, j+1) // past the colon
		vEnd := endOfValue(obj, j)
		fn(obj[i:kEnd], obj[j:vEnd])
		i = skipSpace(obj, vEnd)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
}

// elements returns the elements of a valid JSON array.
func elements(arr []byte) [][]byte {
	var out [][]byte
	i := skipSpace(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		end := endOfValue(arr, i)
		out = append(out, arr[i:end])
		i = skipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
	return out
}

// keyIs reports whether a quoted key, unescaped, is name.
func keyIs(key []byte, name string) bool {
	if len(key) == len(name)+2 && string(key[1:len(key)-1]) == name {
		return true
	}
	for _, c := range key {
		if c == '\\' {
			var s string
			return json.Unmarshal(key, &s) == nil && s == name
		}
	}
	return false
}

// endOfValue returns the index just past the valid JSON value at data[i].
func endOfValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		for j := i + 1; j < len(data); j++ {
			switch data[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(data)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				j = endOfValue(data, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	}
	j := i
	for j < len(data) && !isDelim(data[j]) {
		j++
	}
	return j
}

func isDelim(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}
