package line

import (
	"encoding/binary"
	"math/bits"
)

// maxNesting is encoding/json's maxNestingDepth: json.Valid refuses a
// value with more than this many arrays and objects open at once, and
// validJSON must refuse exactly the same bodies.
const maxNesting = 10000

// validJSON reports whether data is one JSON value with optional
// whitespace around it, accepting and refusing exactly what json.Valid
// does (FuzzValidJSONMatchesStdlib), including invalid UTF-8 inside
// strings, which json.Valid lets through. json.Valid calls a function per
// byte of its state machine; this scanner reads a value per loop turn and
// skips the plain bytes of strings eight at a time, which is what the
// webhook bodies mostly are. Nesting is followed on an explicit stack of
// bits (1: an object), not by recursion, so a deep body costs no
// goroutine stack.
func validJSON(data []byte) bool {
	var inline [2]uint64 // 128 levels without allocating
	objects := inline[:0]
	depth := 0
	i := 0
	for {
		// A value starts here.
		i = skipSpace(data, i)
		if i >= len(data) {
			return false
		}
		switch c := data[i]; c {
		case '{', '[':
			if depth == maxNesting {
				return false
			}
			if w := depth >> 6; w == len(objects) {
				objects = append(objects, 0)
			}
			bit := uint64(1) << (depth & 63)
			if c == '{' {
				objects[depth>>6] |= bit
			} else {
				objects[depth>>6] &^= bit
			}
			depth++
			i = skipSpace(data, i+1)
			switch {
			case i >= len(data):
				return false
			case c == '{' && data[i] == '}', c == '[' && data[i] == ']':
				depth--
				i++
			case c == '{':
				if i = memberValue(data, i); i < 0 {
					return false
				}
				continue
			default:
				continue // the array's first element
			}
		case '"':
			if i = stringEnd(data, i+1); i < 0 {
				return false
			}
		case 't':
			if i = literalEnd(data, i, "true"); i < 0 {
				return false
			}
		case 'f':
			if i = literalEnd(data, i, "false"); i < 0 {
				return false
			}
		case 'n':
			if i = literalEnd(data, i, "null"); i < 0 {
				return false
			}
		default:
			if i = numberEnd(data, i); i < 0 {
				return false
			}
		}
		// A value ended at i: close the containers it ends, up to the
		// comma before the next value, or the end of the body.
		for {
			i = skipSpace(data, i)
			if depth == 0 {
				return i == len(data)
			}
			if i >= len(data) {
				return false
			}
			inObject := objects[(depth-1)>>6]>>((depth-1)&63)&1 == 1
			c := data[i]
			if c == ',' {
				i++
				if inObject {
					if i = memberValue(data, skipSpace(data, i)); i < 0 {
						return false
					}
				}
				break
			}
			if inObject && c != '}' || !inObject && c != ']' {
				return false
			}
			depth--
			i++
		}
	}
}

// memberValue reads an object member's key and colon at data[i], and
// returns the index of what follows the colon (the member's value), or -1
// when they are not there. Keys are read here rather than as values so
// that only a string can be one.
func memberValue(data []byte, i int) int {
	if i >= len(data) || data[i] != '"' {
		return -1
	}
	if i = stringEnd(data, i+1); i < 0 {
		return -1
	}
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != ':' {
		return -1
	}
	return i + 1
}

// Each byte of these, times a byte, fills a word with that byte, for
// testing eight bytes of a string at once.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// specials returns a word whose lowest set bit is the high bit of the
// first of the eight bytes in w (little-endian) that a string cannot hold
// as it is: a control character, a quote or a backslash; 0 if there is
// none. Each test is the classic "has a byte less than n" trick, (w -
// n*ones) &^ w & highs, whose lowest set bit is exact (a borrow only
// starts at a byte that is less than n; the bits above it may be wrong,
// and are not read).
func specials(w uint64) uint64 {
	const quote, backslash = '"' * ones, '\\' * ones
	control := (w - 0x20*ones) &^ w
	q := w ^ quote
	b := w ^ backslash
	return (control | (q-ones)&^q | (b-ones)&^b) & highs
}

// stringEnd returns the index just past the closing quote of the string
// whose contents start at data[i], or -1 if the string is not valid JSON:
// a control character in it, an unknown escape, a \u without four hex
// digits, or no closing quote. Other bytes, valid UTF-8 or not, are
// accepted, as json.Valid accepts them. Plain bytes, most of a webhook
// body, are passed over eight at a time.
func stringEnd(data []byte, i int) int {
	for {
		for i+8 <= len(data) {
			s := specials(binary.LittleEndian.Uint64(data[i:]))
			if s != 0 {
				i += bits.TrailingZeros64(s) >> 3
				break
			}
			i += 8
		}
		if i >= len(data) {
			return -1
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= len(data) {
				return -1
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) {
					return -1
				}
				for _, h := range data[i+2 : i+6] {
					if !isHex(h) {
						return -1
					}
				}
				i += 6
			default:
				return -1
			}
		case c < 0x20:
			return -1
		default:
			i++
		}
	}
}

// isHex reports whether c is a hex digit of a \u escape, in either case.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// literalEnd returns the index just past the literal word (true, false
// or null) at data[i], or -1 if data[i:] does not start with it. What
// follows the word is checked by the caller, as after any value.
func literalEnd(data []byte, i int, word string) int {
	if len(data)-i < len(word) || string(data[i:i+len(word)]) != word {
		return -1
	}
	return i + len(word)
}

// numberEnd returns the index just past the number at data[i], or -1 if
// there is none, by the JSON grammar
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?: no leading zeros, no
// bare dot or exponent, no plus sign in front. A byte after the number
// that cannot follow a value ("01", "1x") is refused by the caller.
func numberEnd(data []byte, i int) int {
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return -1
	case data[i] == '0':
		i++
	case '1' <= data[i] && data[i] <= '9':
		i = digitsEnd(data, i+1)
	default:
		return -1
	}
	if i < len(data) && data[i] == '.' {
		if i = someDigitsEnd(data, i+1); i < 0 {
			return -1
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i = someDigitsEnd(data, i); i < 0 {
			return -1
		}
	}
	return i
}

// digitsEnd returns the index of the first byte at or after data[i] that
// is not a decimal digit.
func digitsEnd(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

// someDigitsEnd is digitsEnd for a fraction or an exponent, which must
// have a digit: -1 if data[i] is not one.
func someDigitsEnd(data []byte, i int) int {
	if end := digitsEnd(data, i); end > i {
		return end
	}
	return -1
}
