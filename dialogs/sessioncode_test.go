package dialogs

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// sameValue is reflect.DeepEqual but for times, which must be Equal and
// in UTC on both sides or on neither (a time in another zone reads back in
// time.Local, Equal still).
func sameValue(a, b reflect.Value) bool {
	if a.Type() == timeType {
		ta, tb := a.Interface().(time.Time), b.Interface().(time.Time)
		if ta.IsZero() {
			return tb.IsZero()
		}
		return ta.Equal(tb) && (ta.Location() == time.UTC) == (tb.Location() == time.UTC)
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem())
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return a.Interface() == b.Interface()
}

// roundTrip puts s in a store and gets it back.
func roundTrip(t *testing.T, s *Session) *Session {
	t.Helper()
	store := NewMemoryStore(time.Hour)
	ctx := context.Background()
	if err := store.Put(ctx, s); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, err := store.Get(ctx, s.Person)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return got
}

func TestSessionEncoding(t *testing.T) {
	at := time.Date(2021, 7, 1, 10, 0, 0, 123456789, time.UTC)
	local := time.Date(2021, 7, 1, 18, 0, 5, 1, time.Local)
	full := Session{
		Person: "line:U0123456789abcdef0123456789abcdef", Node: NodeVerifyCard, Lang: "en",
		ID: "A123456789", Card: "000012345678", Invalid: 2, Misses: -1, Mismatches: 1 << 40,
		Pending: "asked", Topic: "q5", LangSet: true, MaskedID: "A12*****89", IDHash: "h",
		LastTicket: "ACD-EFG", TicketLine: "1922", TicketReason: "mismatch_twice", TicketAt: local,
		Phone: "0912345678", County: "TPE", Created: at, Updated: local,
		History: []Turn{
			{At: at.UnixMilli(), From: "person", Text: "(follow)"},
			{At: at.UnixMilli(), From: "bot", Text: "您好！我是疫苗登記的健保卡小幫手 🙂"},
			{At: at.UnixMilli() + 61_000, From: "person", Text: "健保卡號在哪裡"},
			{At: at.UnixMilli() - 5, From: "person", Text: "[faq:q6]"},
			{At: 0, From: "bot", Text: "A12*****89, is that right?"},
			{At: -1, From: "operator", Text: ""},
		},
	}
	voice := Session{
		Person: "voice:+886912345678", Node: NodeLangMenu, Created: at, Updated: at,
		Voice: &VoiceState{Page: 1, Misses: 2, Hours: "8–22", Last: []Reply{
			{Text: "t", Choices: []Choice{{Label: "l", Payload: "faq:q1", Lang: "en"}}, Links: []Link{{Label: "1922", URL: "tel:1922"}},
				Handoff:  &Handoff{Line: "county", County: "TPE", Name: "n", Number: "1999", Dial: "+8861999", Hours: "h", Reason: "asked", Ticket: "ACD-EFG"},
				Lang:     "zh-TW",
				Callback: &CallbackRequest{Ticket: "ACD-EFG", Phone: "0912345678", Masked: "09******78", When: "am"},
				Speech:   "s", Expect: ExpectKey, ReadBack: "A123456789", Hangup: true, Page: 3,
				Reminder: &ReminderRequest{At: local, Cancel: true}, LangChosen: true, Image: &Image{URL: "u", Caption: "c"}},
			{Choices: []Choice{}, Links: []Link{}, Reminder: &ReminderRequest{}},
			{},
		}},
	}
	tests := []struct {
		name string
		s    Session
	}{
		{"person only", Session{Person: "line:U1"}},
		{"every field", full},
		{"empty history", Session{Person: "telegram:1", History: []Turn{}}},
		{"voice", voice},
		{"voice without replies", Session{Person: "voice:1", Voice: &VoiceState{}}},
		{"voice with no replies", Session{Person: "voice:1", Voice: &VoiceState{Last: []Reply{}}}},
		{"zero times in a zone", Session{Person: "p", Created: time.Time{}.In(time.Local)}},
		{"empty person", Session{Lang: "zh-TW"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := roundTrip(t, &tt.s)
			if !sameValue(reflect.ValueOf(got).Elem(), reflect.ValueOf(tt.s)) {
				t.Errorf("got %+v, want %+v", got, tt.s)
			}
		})
	}
}

func TestMemoryStoreCopies(t *testing.T) {
	store := NewMemoryStore(time.Hour)
	ctx := context.Background()
	s := &Session{Person: "line:U1", Topic: "q1", History: []Turn{{From: "bot", Text: "hi"}}}
	if err := store.Put(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Topic, s.History[0].Text = "q2", "changed after Put"
	got, err := store.Get(ctx, "line:U1")
	if err != nil {
		t.Fatal(err)
	}
	got.History[0].Text = "changed after Get"
	again, err := store.Get(ctx, "line:U1")
	if err != nil {
		t.Fatal(err)
	}
	if again.Topic != "q1" || again.History[0].Text != "hi" {
		t.Errorf("got %q, %q; want q1, hi", again.Topic, again.History[0].Text)
	}
	if none, err := store.Get(ctx, "line:U2"); none != nil || err != nil {
		t.Errorf("Get(absent) = %v, %v; want nil, nil", none, err)
	}
}

// TestMemoryStoreRewrite checks that saving one person again and again
// does not keep the old encodings (the key shares the encoding's bytes).
func TestMemoryStoreRewrite(t *testing.T) {
	store := NewMemoryStore(time.Hour)
	ctx := context.Background()
	s := &Session{Person: "line:U0123456789abcdef0123456789abcdef", Topic: string(make([]byte, 1000))}
	var before, after runtime.MemStats
	store.Put(ctx, s)
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 10_000 {
		store.Put(ctx, s)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	// 10 000 kept encodings would be 10 MB.
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 1<<20 {
		t.Errorf("the heap grew by %d B after 10 000 saves of one session", grown)
	}
}

func TestSessionDecodingBad(t *testing.T) {
	tests := []struct {
		name, enc string
	}{
		{"other person", "line:U2"},
		{"unknown tag", "p\xff"},
		{"truncated string", "p\x02\x09ab"},
		{"huge count", "p\x14\xff\xff\xff\xff\x0f"},
		{"no such line", "p\x14\x01\x01\x00\xff\xff\x03"},
		{"long varint", "p\x05\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"},
		{"bad nanoseconds", "p\x15\x00\xff\xff\xff\xff\x0f"},
		{"voice without end", "p\x13\x01\x02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := decodeSession("p", tt.enc, 1); err == nil {
				t.Errorf("got %+v, want an error", s)
			}
		})
	}
}

// filler fills any value from fuzz bytes, every field of every struct, so
// that a field added to Session (or to what it holds) and not encoded
// fails FuzzSessionEncoding.
type filler struct{ b []byte }

func (f *filler) byte() byte {
	if len(f.b) == 0 {
		return 0
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c
}

func (f *filler) uint64() uint64 {
	var x uint64
	for range 8 {
		x = x<<8 | uint64(f.byte())
	}
	return x
}

func (f *filler) fill(t *testing.T, v reflect.Value) {
	if v.Type() == timeType {
		sec := int64(f.uint64()) % (1 << 40) // years −32 000 to 36 000
		tm := time.Unix(sec, int64(f.uint64()%uint64(time.Second)))
		switch f.byte() % 3 {
		case 0:
			tm = time.Time{}
		case 1:
			tm = tm.UTC()
		}
		v.Set(reflect.ValueOf(tm))
		return
	}
	switch v.Kind() {
	case reflect.String:
		n := min(int(f.byte()%48), len(f.b))
		v.SetString(string(f.b[:n]))
		f.b = f.b[n:]
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(f.uint64()))
	case reflect.Bool:
		v.SetBool(f.byte()&1 == 1)
	case reflect.Pointer:
		if f.byte()&1 == 1 {
			p := reflect.New(v.Type().Elem())
			f.fill(t, p.Elem())
			v.Set(p)
		}
	case reflect.Slice:
		if k := int(f.byte() % 5); k > 0 {
			s := reflect.MakeSlice(v.Type(), k-1, k-1)
			for i := range k - 1 {
				f.fill(t, s.Index(i))
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f.fill(t, v.Field(i))
		}
	default:
		t.Fatalf("the filler cannot fill a %s", v.Type())
	}
}

func FuzzSessionEncoding(f *testing.F) {
	f.Add([]byte("line:U1"))
	f.Add([]byte("\x05line:\x01\x02bot\x03\xff\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Session
		fl := &filler{b: data}
		fl.fill(t, reflect.ValueOf(&s).Elem())
		// Half the turns as the bot's, so that the table of lines is
		// used too.
		for i := range s.History {
			if i%2 == 0 {
				s.History[i].From = "bot"
			}
		}
		got := roundTrip(t, &s)
		if !sameValue(reflect.ValueOf(got).Elem(), reflect.ValueOf(s)) {
			t.Errorf("got %+v, want %+v", got, s)
		}
	})
}

// FuzzSessionDecoding checks that no stored string makes the decoder
// panic.
func FuzzSessionDecoding(f *testing.F) {
	f.Add("p", string(appendSession(nil, &Session{Person: "p", History: []Turn{{From: "bot", Text: "x"}}, Voice: &VoiceState{Last: []Reply{{Text: "x"}}}})))
	f.Fuzz(func(t *testing.T, person, enc string) {
		decodeSession(person, enc, len(person))
	})
}

// BenchmarkSessionEncoding measures encoding and decoding alone.
func BenchmarkSessionEncoding(b *testing.B) {
	at := time.Now()
	s := &Session{Person: "line:U0123456789abcdef0123456789abcdef", Node: NodeVerifyID, Lang: "en", Topic: "q5", Created: at, Updated: at}
	for i := range historyTurns {
		s.History = append(s.History, Turn{At: at.UnixMilli(), From: "bot", Text: "Please type your ID number or resident (ARC) number"})
		if i%2 == 0 {
			s.History[i] = Turn{At: at.UnixMilli(), From: "person", Text: "my new ARC number fails verification"}
		}
	}
	b.ReportAllocs()
	var size int
	var buf []byte
	for b.Loop() {
		buf = appendStored(buf[:0], s)
		size = len(buf)
		stored, start := storedSession(&buf[0], s.Person)
		if _, err := decodeSession(s.Person, stored, start); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "B/encoding")
}

// TestStoredSessionLengths: the store finds a session's end from the
// length written after the person, in one, two and three bytes, and
// sessions of neighbouring people do not bleed into each other.
func TestStoredSessionLengths(t *testing.T) {
	store := NewMemoryStore(time.Hour)
	ctx := context.Background()
	for _, n := range []int{0, 100, 120, 126, 127, 128, 300, 16370, 16383, 16384, 70000} {
		s := &Session{Person: fmt.Sprintf("line:U%d", n), Pending: strings.Repeat("x", n)}
		if err := store.Put(ctx, s); err != nil {
			t.Fatal(err)
		}
		other := &Session{Person: s.Person + "0", Topic: "q1"}
		if err := store.Put(ctx, other); err != nil {
			t.Fatal(err)
		}
		got, err := store.Get(ctx, s.Person)
		if err != nil || got == nil {
			t.Fatalf("Get: %v, %v", got, err)
		}
		if got.Pending != s.Pending || got.Topic != "" {
			t.Errorf("a pending value of %d bytes came back as %d bytes, topic %q", n, len(got.Pending), got.Topic)
		}
	}
}
