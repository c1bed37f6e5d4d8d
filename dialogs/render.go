package dialogs

import (
	"fmt"
	"io"
	"strings"
)

// RenderText writes replies as plain text, the way a terminal shows them:
// each reply's text, its choices numbered [1]…[n] across the whole turn, its
// links, and the operator's note of a handoff. It returns the choices in
// number order, so the caller can turn "2" back into a payload.
func RenderText(w io.Writer, replies []Reply) ([]Choice, error) {
	var choices []Choice
	var b strings.Builder
	for i, r := range replies {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimSpace(r.Text))
		b.WriteByte('\n')
		for _, c := range r.Choices {
			choices = append(choices, c)
			fmt.Fprintf(&b, "  [%d] %s\n", len(choices), c.Label)
		}
		for _, l := range r.Links {
			fmt.Fprintf(&b, "  ☎ %s <%s>\n", l.Label, l.URL)
		}
		if h := r.Handoff; h != nil {
			fmt.Fprintf(&b, "  (handoff: line=%s county=%s reason=%s ticket=%s)\n", h.Line, orNone(h.County), h.Reason, orNone(h.Ticket))
		}
	}
	_, err := io.WriteString(w, b.String())
	return choices, err
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
