package dialogs

import (
	"strconv"
	"strings"
	"testing"
)

func TestJoinParagraphs(t *testing.T) {
	answer := strings.Repeat("answer ", 200)
	tests := []struct {
		name, a, b string
	}{
		{"an answer under its title", "Title", answer},
		{"the same pair again", "Title", answer},
		{"a shorter text at the same bytes", "Title", answer[:10]},
		{"the same text at other bytes", "Title", strings.Clone(answer)},
		{"empty texts", "", ""},
		{"a text made for one turn", "Title", "made " + strconv.Itoa(len(answer))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := joinParagraphs(tt.a, tt.b), tt.a+"\n\n"+tt.b; got != want {
				t.Errorf("joinParagraphs = %.40q…, want %.40q…", got, want)
			}
		})
	}
	// Past its bound the cache starts afresh and still joins right.
	for i := range maxJoins + 10 {
		a := strconv.Itoa(i)
		if got := joinParagraphs(a, "b"); got != a+"\n\nb" {
			t.Fatalf("join %d = %q", i, got)
		}
	}
	if got := joinParagraphs("Title", answer); got != "Title\n\n"+answer {
		t.Errorf("after the cache started afresh: %.40q…", got)
	}
}
