package knowledge

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/liuzl/da"
	"github.com/longbridgeapp/opencc"
)

// Simplifier folds Traditional Chinese characters onto Simplified ones with
// opencc's "t2s" dictionaries, giving exactly what its Convert gives for
// text without control characters (which Convert can swallow).
// Convert looks every character up in each dictionary (a map built per
// character: about a sixth of the CPU of a turn); the Simplifier looks up
// only the characters that begin some entry of a dictionary, found once at
// start-up, and copies the others. It is safe for concurrent use.
type Simplifier struct {
	chain [][]*da.Dict
	// starts has a bit for each rune below maxStart that begins an entry
	// of some dictionary; runes from maxStart up are always looked up.
	starts []uint64
}

// DefaultSimplifier returns the Simplifier of the process, built on first
// use.
var DefaultSimplifier = sync.OnceValues(NewSimplifier)

// maxStart bounds the runes whose bit is kept: the CJK planes.
const maxStart = 0x30000

// NewSimplifier loads opencc's t2s dictionaries.
func NewSimplifier() (*Simplifier, error) {
	cc, err := opencc.New("t2s")
	if err != nil {
		return nil, fmt.Errorf("knowledge: script converter: %w", err)
	}
	s := &Simplifier{starts: make([]uint64, maxStart/64)}
	for _, g := range cc.DictChains {
		s.chain = append(s.chain, g.Dicts)
	}
	var buf [utf8.UTFMax]byte
	// Control characters are left alone: cedar's trie lets a control byte
	// lead into the entries (opencc turns "\x01乾" into "干干").
	for r := rune(' '); r < maxStart; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		key := buf[:utf8.EncodeRune(buf[:], r)]
		for _, dicts := range s.chain {
			for _, d := range dicts {
				if begins(d, key) {
					s.starts[r/64] |= 1 << (r % 64)
				}
			}
		}
	}
	return s, nil
}

// begins reports whether some entry of d begins with key; true when the
// trie cannot say (then the character is looked up, as Convert would).
func begins(d *da.Dict, key []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = true
		}
	}()
	_, err := d.Trie.Jump(key, 0)
	return err == nil
}

// longestEntry finds the longest entry of d that key begins with, as
// da.Dict's PrefixMatch walks the trie (without building its map): its
// length in bytes and its value's index.
func longestEntry(d *da.Dict, key []byte) (end, value int, ok bool) {
	from := 0
	for j := range key {
		to, err := d.Trie.Jump(key[j:j+1], from)
		if err != nil {
			break
		}
		if v, err := d.Trie.Value(to); err == nil {
			end, value, ok = j+1, v, true
		}
		from = to
	}
	return end, value, ok
}

func (s *Simplifier) mayBegin(r rune) bool {
	return r >= maxStart || s.starts[r/64]&(1<<(r%64)) != 0
}

// Convert returns in with Traditional characters folded onto Simplified
// ones: opencc's Convert, the longest entry of the first dictionary that
// has one at each position, for up to ten characters.
func (s *Simplifier) Convert(in string) string {
	for _, dicts := range s.chain {
		in = s.convert(in, dicts)
	}
	return in
}

func (s *Simplifier) convert(in string, dicts []*da.Dict) string {
	// Most text needs no lookup at all: return it as it is (invalid UTF-8
	// aside, which Convert writes as U+FFFD).
	need := false
	for _, r := range in {
		if r == utf8.RuneError || s.mayBegin(r) {
			need = true
			break
		}
	}
	if !need {
		return in
	}
	const window = 10 // opencc's preOffset
	r := []rune(in)
	var b strings.Builder
	b.Grow(len(in))
	var buf [window * utf8.UTFMax]byte
	for i := 0; i < len(r); {
		if !s.mayBegin(r[i]) {
			b.WriteRune(r[i])
			i++
			continue
		}
		n := 0
		for _, c := range r[i:min(len(r), i+window)] {
			n += utf8.EncodeRune(buf[n:], c)
		}
		matched := false
		for _, d := range dicts {
			if end, value, ok := longestEntry(d, buf[:n]); ok {
				b.WriteString(d.Values[value][0])
				i += utf8.RuneCount(buf[:end])
				matched = true
				break
			}
		}
		if !matched {
			b.WriteRune(r[i])
			i++
		}
	}
	return b.String()
}
