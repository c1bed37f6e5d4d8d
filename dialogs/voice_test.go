package dialogs

import (
	"testing"

	"github.com/vaxbot/vaxbot/verify"
)

func TestKeypadID(t *testing.T) {
	for in, want := range map[string]string{"01123456789": "A123456789", "26123456789": "Z123456789", "27123456789": "27123456789", "0112345": "0112345", "010300000003": "AC00000003", "012700000003": "012700000003"} {
		if got := keypadID(in); got != want {
			t.Errorf("keypadID(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestSpell(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"reference", "K7M-42Q", "K, 7, M, 4, 2, Q"},
	}
	for _, tt := range tests {
		if got := Spell(tt.in); got != tt.want {
			t.Errorf("%s: Spell(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
	digits := []struct{ name, in, want string }{
		{"mobile", "0912***678", "0 9 1 2, …, 6 7 8"},
		{"landline", "0223****67", "0 2 2 3, …, 6 7"},
		{"no mask", "1922", "1 9 2 2"},
	}
	for _, tt := range digits {
		if got := SpellDigits(tt.in); got != tt.want {
			t.Errorf("%s: SpellDigits(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestKeyPage(t *testing.T) {
	mk := func(n int) []Choice {
		var c []Choice
		for i := range n {
			c = append(c, Choice{Label: string(rune('a' + i)), Payload: PayloadFAQ(string(rune('a' + i)))})
		}
		return c
	}
	tests := []struct {
		name      string
		n, page   int
		key       string
		want      string
		ok, more  bool
		shownSize int
	}{
		{"nine fit", 9, 0, "9", "i", true, false, 9},
		{"ten: page one", 10, 0, "8", "h", true, true, 8},
		{"ten: 9 is more", 10, 0, "9", "", false, true, 8},
		{"ten: page two", 10, 1, "2", "j", true, true, 2},
		{"ten: page two, past the end", 10, 1, "3", "", false, true, 2},
		{"ten: page two first", 10, 1, "1", "i", true, true, 2},
		{"zero key", 5, 0, "0", "", false, false, 5},
		{"not a key", 5, 0, "x", "", false, false, 5},
	}
	for _, tt := range tests {
		shown, more := KeyPage(mk(tt.n), tt.page)
		if len(shown) != tt.shownSize || more != tt.more {
			t.Errorf("%s: KeyPage shows %d (more %v), want %d (more %v)", tt.name, len(shown), more, tt.shownSize, tt.more)
		}
		c, ok := keyChoice(mk(tt.n), tt.page, tt.key)
		if ok != tt.ok || (ok && c.Label != tt.want) {
			t.Errorf("%s: key %s = %q, %v; want %q, %v", tt.name, tt.key, c.Label, ok, tt.want, tt.ok)
		}
	}
}

// TestEveryOutcomeHasWords: each diagnosis verify can give is explained,
// and each handoff reason has a sentence to say.
func TestEveryOutcomeHasWords(t *testing.T) {
	for _, o := range []verify.Outcome{verify.Verified, verify.CardTooNew, verify.VerifiedRecordMoved,
		verify.UseNumberOnCard, verify.CardShowsOldNumber, verify.UseNewNumber, verify.DuplicateID, verify.Mismatch} {
		if _, ok := outcomeWords[o]; !ok {
			t.Errorf("outcome %s has no words", o)
		}
	}
	for _, r := range []string{ReasonAsked, ReasonNoMatch, ReasonInvalid, ReasonRateLimited, ReasonUnavailable,
		ReasonMismatch, ReasonNoCard, ReasonIDFailures, string(verify.DuplicateID)} {
		if _, ok := reasonWords[r]; !ok {
			t.Errorf("reason %s has no sentence", r)
		}
	}
}
