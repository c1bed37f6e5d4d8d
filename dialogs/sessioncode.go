package dialogs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// The MemoryStore keeps each session as a compact string rather than a
// Session value: a Session boxed in go-cache took about 900 B (a 400 B
// struct of string headers and times, a history of ten 40 B turns, the
// allocations around them), the encoding of a typical one about 150 B. The
// string holds no pointers, so a million idle sessions are also a million
// fewer objects for the garbage collector to scan.
//
// The encoding is the person, then each non-empty field as a tag byte and
// its value: strings as a length and their bytes, numbers as varints, times
// as Unix seconds and nanoseconds. History turns keep their time as a
// difference from the turn before, and their text, when it is one of the
// bot's common lines, as an index into lineTable. The encoding never
// leaves the process (Redis keeps sessions as JSON), so it has no version.

// Field tags of a Session.
const (
	tagEnd byte = iota // ends a nested value (VoiceState, Reply)
	tagNode
	tagLang
	tagID
	tagCard
	tagInvalid
	tagMisses
	tagMismatches
	tagPending
	tagTopic
	tagLangSet
	tagMaskedID
	tagIDHash
	tagLastTicket
	tagTicketLine
	tagTicketReason
	tagTicketAt
	tagPhone
	tagCounty
	tagVoice
	tagHistory
	tagCreated
	tagUpdated
)

// Field tags of a VoiceState.
const (
	vtagPage byte = iota + 1
	vtagMisses
	vtagLast
	vtagHours
)

// Field tags of a Reply.
const (
	rtagText byte = iota + 1
	rtagChoices
	rtagLinks
	rtagHandoff
	rtagLang
	rtagCallback
	rtagSpeech
	rtagExpect
	rtagReadBack
	rtagHangup
	rtagPage
	rtagReminder
	rtagLangChosen
	rtagImage
)

// Who said a turn: the two usual speakers take a byte, anything else is
// written out.
const (
	fromPerson byte = iota
	fromBot
	fromOther
)

// errBadEncoding is wrapped when a stored session cannot be read back (it
// would be a bug: only storeSession writes them).
var errBadEncoding = errors.New("dialogs: bad session encoding")

// appendSession appends s encoded to b, starting with s.Person (so that
// the store's key can share the string).
func appendSession(b []byte, s *Session) []byte {
	b = append(b, s.Person...)
	b = putStr(b, tagNode, string(s.Node))
	b = putStr(b, tagLang, string(s.Lang))
	b = putStr(b, tagID, s.ID)
	b = putStr(b, tagCard, s.Card)
	b = putInt(b, tagInvalid, s.Invalid)
	b = putInt(b, tagMisses, s.Misses)
	b = putInt(b, tagMismatches, s.Mismatches)
	b = putStr(b, tagPending, s.Pending)
	b = putStr(b, tagTopic, s.Topic)
	b = putBool(b, tagLangSet, s.LangSet)
	b = putStr(b, tagMaskedID, s.MaskedID)
	b = putStr(b, tagIDHash, s.IDHash)
	b = putStr(b, tagLastTicket, s.LastTicket)
	b = putStr(b, tagTicketLine, s.TicketLine)
	b = putStr(b, tagTicketReason, s.TicketReason)
	b = putTime(b, tagTicketAt, s.TicketAt)
	b = putStr(b, tagPhone, s.Phone)
	b = putStr(b, tagCounty, s.County)
	if s.Voice != nil {
		b = appendVoice(append(b, tagVoice), s.Voice)
	}
	if s.History != nil {
		b = appendHistory(append(b, tagHistory), s.History)
	}
	b = putTime(b, tagCreated, s.Created)
	return putTime(b, tagUpdated, s.Updated)
}

// A stored session (MemoryStore) is its encoding with the length of what
// follows the person written after the person, as a uvarint, so that the
// store can keep a pointer to the string's first byte instead of the
// string: go-cache keeps its values as interfaces, and a string in an
// interface is a 16-byte header of its own, allocated on every Put; with a
// million idle sessions, a million more objects for the collector to mark
// at every collection.

// appendStored appends s encoded for the store to dst (its first
// len(s.Person) bytes are the person).
func appendStored(dst []byte, s *Session) []byte {
	start := len(dst)
	b := appendSession(dst, s)
	at := start + len(s.Person)
	rest := len(b) - at
	var n [binary.MaxVarintLen64]byte
	size := binary.PutUvarint(n[:], uint64(rest))
	b = append(b, n[:size]...) // room: the fields move up by size
	copy(b[at+size:], b[at:at+rest])
	copy(b[at:], n[:size])
	return b
}

// storedSession is the string appendStored made, from its first byte, for
// person, and where the fields start in it.
func storedSession(p *byte, person string) (string, int) {
	i := len(person)
	var rest uint64
	for shift := 0; ; shift += 7 {
		c := *(*byte)(unsafe.Add(unsafe.Pointer(p), i))
		i++
		rest |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	return unsafe.String(p, i+int(rest)), i
}

// scratch holds the buffers sessions are encoded in before they are
// copied into the store's chunks.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// decodeSession reads what appendSession wrote for person, its fields
// starting at enc[start:] (storeSession puts a length before them). The
// strings of the session share enc's bytes.
func decodeSession(person, enc string, start int) (*Session, error) {
	if !strings.HasPrefix(enc, person) {
		return nil, fmt.Errorf("%w: not the session of this person", errBadEncoding)
	}
	r := reader{s: enc, i: start}
	// The session and room for its history in one allocation.
	sh := &struct {
		s Session
		h [historyTurns]Turn
	}{}
	s := &sh.s
	s.Person = enc[:len(person)]
	for r.i < len(r.s) && r.err == nil {
		switch tag := r.byte(); tag {
		case tagNode:
			s.Node = Node(r.str())
		case tagLang:
			s.Lang = Lang(r.str())
		case tagID:
			s.ID = r.str()
		case tagCard:
			s.Card = r.str()
		case tagInvalid:
			s.Invalid = r.int()
		case tagMisses:
			s.Misses = r.int()
		case tagMismatches:
			s.Mismatches = r.int()
		case tagPending:
			s.Pending = r.str()
		case tagTopic:
			s.Topic = r.str()
		case tagLangSet:
			s.LangSet = true
		case tagMaskedID:
			s.MaskedID = r.str()
		case tagIDHash:
			s.IDHash = r.str()
		case tagLastTicket:
			s.LastTicket = r.str()
		case tagTicketLine:
			s.TicketLine = r.str()
		case tagTicketReason:
			s.TicketReason = r.str()
		case tagTicketAt:
			s.TicketAt = r.time()
		case tagPhone:
			s.Phone = r.str()
		case tagCounty:
			s.County = r.str()
		case tagVoice:
			s.Voice = r.voice()
		case tagHistory:
			s.History = r.history(sh.h[:0:historyTurns])
		case tagCreated:
			s.Created = r.time()
		case tagUpdated:
			s.Updated = r.time()
		default:
			r.fail("unknown session field %d", tag)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return s, nil
}

func appendHistory(b []byte, h []Turn) []byte {
	b = binary.AppendUvarint(b, uint64(len(h)))
	var at int64
	for _, t := range h {
		switch t.From {
		case "person":
			b = append(b, fromPerson)
		case "bot":
			b = append(b, fromBot)
		default:
			b = appendStr(append(b, fromOther), t.From)
		}
		// The turns of a session come seconds apart: the difference
		// takes a byte or three, not the eight of a Unix time.
		b = binary.AppendVarint(b, t.At-at)
		at = t.At
		if i, ok := lines.index(t); ok {
			b = binary.AppendUvarint(b, uint64(i)<<1|1)
		} else {
			b = binary.AppendUvarint(b, uint64(len(t.Text))<<1)
			b = append(b, t.Text...)
		}
	}
	return b
}

// history reads the turns into room when they fit. The slice it returns is
// full (len = cap): a turn added to it takes a new array.
func (r *reader) history(room []Turn) []Turn {
	n := r.count(3) // a turn takes at least three bytes
	var h []Turn
	if n <= cap(room) {
		h = room[:n:n]
	} else {
		h = make([]Turn, n)
	}
	var at int64
	for i := range h {
		switch from := r.byte(); from {
		case fromPerson:
			h[i].From = "person"
		case fromBot:
			h[i].From = "bot"
		case fromOther:
			h[i].From = r.str()
		default:
			r.fail("unknown speaker %d", from)
		}
		at += r.varint()
		h[i].At = at
		if k := r.uvarint(); k&1 == 1 {
			h[i].Text = lines.line(k>>1, r)
		} else {
			h[i].Text = r.bytes(k >> 1)
		}
	}
	return h
}

func appendVoice(b []byte, v *VoiceState) []byte {
	b = putInt(b, vtagPage, v.Page)
	b = putInt(b, vtagMisses, v.Misses)
	if v.Last != nil {
		b = binary.AppendUvarint(append(b, vtagLast), uint64(len(v.Last)))
		for i := range v.Last {
			b = appendReply(b, &v.Last[i])
		}
	}
	b = putStr(b, vtagHours, v.Hours)
	return append(b, tagEnd)
}

func (r *reader) voice() *VoiceState {
	v := &VoiceState{}
	for r.err == nil {
		switch tag := r.byte(); tag {
		case tagEnd:
			return v
		case vtagPage:
			v.Page = r.int()
		case vtagMisses:
			v.Misses = r.int()
		case vtagLast:
			v.Last = make([]Reply, r.count(1))
			for i := range v.Last {
				r.reply(&v.Last[i])
			}
		case vtagHours:
			v.Hours = r.str()
		default:
			r.fail("unknown voice field %d", tag)
		}
	}
	return v
}

func appendReply(b []byte, p *Reply) []byte {
	b = putStr(b, rtagText, p.Text)
	if p.Choices != nil {
		b = binary.AppendUvarint(append(b, rtagChoices), uint64(len(p.Choices)))
		for _, c := range p.Choices {
			b = appendStr(appendStr(appendStr(b, c.Label), c.Payload), string(c.Lang))
		}
	}
	if p.Links != nil {
		b = binary.AppendUvarint(append(b, rtagLinks), uint64(len(p.Links)))
		for _, l := range p.Links {
			b = appendStr(appendStr(b, l.Label), l.URL)
		}
	}
	if h := p.Handoff; h != nil {
		b = append(b, rtagHandoff)
		for _, f := range [...]string{h.Line, h.County, h.Name, h.Number, h.Dial, h.Hours, h.Reason, h.Ticket} {
			b = appendStr(b, f)
		}
	}
	b = putStr(b, rtagLang, string(p.Lang))
	if c := p.Callback; c != nil {
		b = appendStr(appendStr(appendStr(appendStr(append(b, rtagCallback), c.Ticket), c.Phone), c.Masked), c.When)
	}
	b = putStr(b, rtagSpeech, p.Speech)
	b = putStr(b, rtagExpect, string(p.Expect))
	b = putStr(b, rtagReadBack, p.ReadBack)
	b = putBool(b, rtagHangup, p.Hangup)
	b = putInt(b, rtagPage, p.Page)
	if m := p.Reminder; m != nil {
		b = appendTime(append(b, rtagReminder), m.At)
		b = append(b, boolByte(m.Cancel))
	}
	b = putBool(b, rtagLangChosen, p.LangChosen)
	if im := p.Image; im != nil {
		b = appendStr(appendStr(append(b, rtagImage), im.URL), im.Caption)
	}
	return append(b, tagEnd)
}

func (r *reader) reply(p *Reply) {
	for r.err == nil {
		switch tag := r.byte(); tag {
		case tagEnd:
			return
		case rtagText:
			p.Text = r.str()
		case rtagChoices:
			p.Choices = make([]Choice, r.count(3))
			for i := range p.Choices {
				p.Choices[i] = Choice{Label: r.str(), Payload: r.str(), Lang: Lang(r.str())}
			}
		case rtagLinks:
			p.Links = make([]Link, r.count(2))
			for i := range p.Links {
				p.Links[i] = Link{Label: r.str(), URL: r.str()}
			}
		case rtagHandoff:
			p.Handoff = &Handoff{Line: r.str(), County: r.str(), Name: r.str(), Number: r.str(),
				Dial: r.str(), Hours: r.str(), Reason: r.str(), Ticket: r.str()}
		case rtagLang:
			p.Lang = Lang(r.str())
		case rtagCallback:
			p.Callback = &CallbackRequest{Ticket: r.str(), Phone: r.str(), Masked: r.str(), When: r.str()}
		case rtagSpeech:
			p.Speech = r.str()
		case rtagExpect:
			p.Expect = Expect(r.str())
		case rtagReadBack:
			p.ReadBack = r.str()
		case rtagHangup:
			p.Hangup = true
		case rtagPage:
			p.Page = r.int()
		case rtagReminder:
			p.Reminder = &ReminderRequest{At: r.time(), Cancel: r.byte() == 1}
		case rtagLangChosen:
			p.LangChosen = true
		case rtagImage:
			p.Image = &Image{URL: r.str(), Caption: r.str()}
		default:
			r.fail("unknown reply field %d", tag)
		}
	}
}

// putStr appends a non-empty string field.
func putStr(b []byte, tag byte, s string) []byte {
	if s == "" {
		return b
	}
	return appendStr(append(b, tag), s)
}

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// putInt appends a non-zero number field.
func putInt(b []byte, tag byte, n int) []byte {
	if n == 0 {
		return b
	}
	return binary.AppendVarint(append(b, tag), int64(n))
}

// putBool appends a true field: the tag alone.
func putBool(b []byte, tag byte, v bool) []byte {
	if !v {
		return b
	}
	return append(b, tag)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// putTime appends a non-zero time field.
func putTime(b []byte, tag byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return appendTime(append(b, tag), t)
}

// appendTime writes t as Unix seconds and nanoseconds, with a bit for UTC:
// it reads back Equal, in UTC or in time.Local (the clock's reading, as
// in a session kept in Redis, is not kept).
func appendTime(b []byte, t time.Time) []byte {
	utc := uint64(0)
	if t.Location() == time.UTC {
		utc = 1
	}
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond())<<1|utc)
}

// reader reads an encoding; its first error sticks and later reads return
// zero values.
type reader struct {
	s   string
	i   int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s at byte %d", errBadEncoding, fmt.Sprintf(format, args...), r.i)
	}
	r.i = len(r.s)
}

func (r *reader) byte() byte {
	if r.i >= len(r.s) {
		r.fail("truncated")
		return 0
	}
	c := r.s[r.i]
	r.i++
	return c
}

func (r *reader) uvarint() uint64 {
	if r.i < len(r.s) && r.s[r.i] < 0x80 {
		r.i++
		return uint64(r.s[r.i-1])
	}
	var x uint64
	for shift := 0; shift < 64; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
	r.fail("varint overflows")
	return 0
}

func (r *reader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (r *reader) int() int { return int(r.varint()) }

// count reads a number of elements each at least min bytes long, checked
// against what is left so that a bad count cannot allocate much.
func (r *reader) count(min int) int {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.i)/uint64(min) {
		r.fail("count %d past the end", n)
		return 0
	}
	return int(n)
}

func (r *reader) bytes(n uint64) string {
	if n > uint64(len(r.s)-r.i) {
		r.fail("string of %d bytes past the end", n)
		return ""
	}
	s := r.s[r.i : r.i+int(n)]
	r.i += int(n)
	return s
}

func (r *reader) str() string { return r.bytes(r.uvarint()) }

func (r *reader) time() time.Time {
	sec := r.varint()
	ns := r.uvarint()
	if ns>>1 >= uint64(time.Second) {
		r.fail("nanoseconds %d", ns>>1)
		return time.Time{}
	}
	t := time.Unix(sec, int64(ns>>1))
	if ns&1 == 1 {
		t = t.UTC()
	}
	return t
}

// lineTableSize bounds lineTable: the bot's lines are a few hundred per
// language; lines that carry something of one person (a ticket's
// reference, a time) are new each time, and once the table is full they,
// and any line not yet seen, are written out in each session instead.
const lineTableSize = 1 << 12

// lineTable numbers the history lines many sessions share (the first line
// of each of the bot's prompts and answers, a tapped button's payload,
// "(follow)"), so that a session holds a line as its number, a byte or two,
// not its text. It only grows, up to lineTableSize lines, and is shared by
// every MemoryStore of the process.
type lineTable struct {
	mu sync.Mutex // held to add a line
	// idx maps a line to its number; it is replaced, never changed, so
	// that a lookup takes no lock.
	idx atomic.Pointer[map[string]uint64]
	n   atomic.Uint64
	// text holds the lines by number; a line is written before n counts
	// it and never changes after.
	text [lineTableSize]string
}

var lines lineTable

// shareable says whether a turn's text may be numbered: the bot's lines and
// the markers of a tapped button or an event, never what a person typed,
// and never a masked number (it would outlive the session in the table).
func shareable(t Turn) bool {
	if strings.IndexByte(t.Text, '*') >= 0 || t.Text == "" {
		return false
	}
	switch t.From {
	case "bot":
		return true
	case "person":
		n := len(t.Text)
		if n < 3 || n > 66 {
			return false
		}
		switch inner := t.Text[1 : n-1]; {
		case t.Text[0] == '[' && t.Text[n-1] == ']':
			_, ok := ParsePayload(inner)
			return ok
		case t.Text[0] == '(' && t.Text[n-1] == ')':
			return strings.Trim(inner, "abcdefghijklmnopqrstuvwxyz_") == ""
		}
	}
	return false
}

// index returns the number of the turn's text, adding it when it is
// shareable and there is room.
func (l *lineTable) index(t Turn) (uint64, bool) {
	if m := l.idx.Load(); m != nil {
		if i, ok := (*m)[t.Text]; ok {
			return i, true
		}
	}
	if l.n.Load() >= lineTableSize || !shareable(t) {
		return 0, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.idx.Load()
	if old != nil {
		if i, ok := (*old)[t.Text]; ok {
			return i, true
		}
	}
	n := l.n.Load()
	if n >= lineTableSize {
		return 0, false
	}
	// A copy of the text: the table must not hold on to the rest of a
	// string the line was cut from.
	l.text[n] = strings.Clone(t.Text)
	l.n.Store(n + 1)
	m := make(map[string]uint64, n+1)
	if old != nil {
		maps.Copy(m, *old)
	}
	m[l.text[n]] = n
	l.idx.Store(&m)
	return n, true
}

// line returns line i, failing r when there is none.
func (l *lineTable) line(i uint64, r *reader) string {
	if i >= l.n.Load() {
		r.fail("no line %d", i)
		return ""
	}
	return l.text[i]
}
