package server

import (
	"html"
	"html/template"
	"strings"
)

// SanitizeHighlight returns a highlight fragment as HTML that holds nothing
// but escaped text and balanced <mark>…</mark> pairs, whatever the fragment
// held: every piece of text between the exact tags "<mark>" and "</mark>" is
// unescaped and escaped again (so text escaped once stays as it is and raw
// markup becomes text), stray closing tags are dropped and an open mark is
// closed at the end.
func SanitizeHighlight(frag string) template.HTML {
	const open, close = "<mark>", "</mark>"
	var b strings.Builder
	inMark := false
	for frag != "" {
		i := strings.Index(frag, open)
		j := strings.Index(frag, close)
		next, tag := -1, ""
		switch {
		case i >= 0 && (j < 0 || i < j):
			next, tag = i, open
		case j >= 0:
			next, tag = j, close
		}
		text := frag
		if next >= 0 {
			text = frag[:next]
		}
		b.WriteString(html.EscapeString(html.UnescapeString(text)))
		if next < 0 {
			break
		}
		frag = frag[next+len(tag):]
		switch {
		case tag == open && !inMark:
			b.WriteString(open)
			inMark = true
		case tag == close && inMark:
			b.WriteString(close)
			inMark = false
		}
	}
	if inMark {
		b.WriteString(close)
	}
	return template.HTML(b.String())
}
