package index

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/parlq/parlq"
)

// Highlighting is done here rather than by Bleve's highlighter, which needs
// every highlighted field stored: the record's text is already stored once
// (as JSON), so the fragments are cut from it with the byte offsets of the
// matched terms that Bleve returns (term vectors). A fragment leaves the
// index as plain text with the matches as offsets into it; the edges render
// it (HTML on the page and in the API, marks in a terminal).
const (
	fragmentSize  = 220 // bytes of text per fragment, about
	fragmentLead  = 70  // bytes of context before the first match
	maxFragments  = 3   // per field
	wholeTitleMax = 400 // titles up to this length are shown whole
)

type span struct{ start, end int }

// Fragment is a piece of a record field's text around matches of a query.
type Fragment struct {
	// Text is the piece of text, line breaks flattened to spaces.
	Text string `json:"text"`
	// Marks are the matches, as byte offsets [start, end) into Text, in
	// order and not overlapping.
	Marks [][2]int `json:"marks,omitempty"`
	// Before and After say that the field's text goes on before or after
	// the fragment (an ellipsis belongs there).
	Before bool `json:"before,omitempty"`
	After  bool `json:"after,omitempty"`
}

// Render writes the fragment through esc (which escapes plain text for the
// output: html.EscapeString, or nothing for a terminal), with each match
// between open and close, and an ellipsis where the text was cut.
func (f Fragment) Render(esc func(string) string, open, close string) string {
	var b strings.Builder
	if f.Before {
		b.WriteString("… ")
	}
	pos := 0
	for _, m := range f.Marks {
		if m[0] < pos || m[1] > len(f.Text) || m[0] >= m[1] {
			continue
		}
		b.WriteString(esc(f.Text[pos:m[0]]))
		b.WriteString(open)
		b.WriteString(esc(f.Text[m[0]:m[1]]))
		b.WriteString(close)
		pos = m[1]
	}
	b.WriteString(esc(f.Text[pos:]))
	if f.After {
		b.WriteString(" …")
	}
	return b.String()
}

// highlight returns the fragments of q's parts that the locations point
// into, keyed by part (see Hit.Highlights).
func highlight(q *parlq.Question, locs []search.FieldTermLocation) map[string][]Fragment {
	if len(locs) == 0 {
		return nil
	}
	bs := blocks(q)
	texts := map[string]string{}
	spans := map[string][]span{}
	for _, l := range locs {
		pos := 0
		if len(l.Location.ArrayPositions) > 0 {
			pos = int(l.Location.ArrayPositions[0])
		}
		b, slot, ok := partAt(bs, l.Field, pos)
		if !ok {
			continue
		}
		key := partKey(b, slot, b == &bs[0])
		if key == "" {
			continue
		}
		text := b.textOf(slot)
		s, e := int(l.Location.Start), int(l.Location.End)
		if s < 0 || e > len(text) || s >= e || !boundary(text, s) || !boundary(text, e) {
			continue
		}
		texts[key] = text
		spans[key] = append(spans[key], span{s, e})
	}
	out := map[string][]Fragment{}
	for key, text := range texts {
		ss := merge(text, spans[key])
		if len(ss) == 0 {
			continue
		}
		name, _, _ := strings.Cut(key, "@")
		if name == "title" && len(text) <= wholeTitleMax {
			out[key] = []Fragment{cut(text, 0, len(text), ss)}
			continue
		}
		out[key] = fragments(text, ss)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func boundary(s string, i int) bool {
	return i == len(s) || utf8.RuneStart(s[i])
}

// merge sorts spans and joins overlapping ones, and those separated only by
// spaces on one line, so that a matched phrase is marked as one.
func merge(text string, ss []span) []span {
	if len(ss) == 0 {
		return nil
	}
	slices.SortFunc(ss, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.end - b.end
	})
	out := ss[:1]
	for _, s := range ss[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end || strings.Trim(text[last.end:s.start], " \t") == "" {
			last.end = max(last.end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// fragments cuts up to maxFragments windows of text around the spans.
func fragments(text string, ss []span) []Fragment {
	var out []Fragment
	for i := 0; i < len(ss) && len(out) < maxFragments; {
		start := wordStart(text, max(0, ss[i].start-fragmentLead), ss[i].start)
		end := wordEnd(text, max(ss[i].end, start+fragmentSize))
		j := i
		for j < len(ss) && ss[j].end <= end {
			j++
		}
		if j == i { // a match longer than a fragment
			end, j = ss[i].end, i+1
		}
		out = append(out, cut(text, start, end, ss[i:j]))
		i = j
	}
	return out
}

// wordStart moves i forward to the start of a word (not past limit); the
// start of the text is one.
func wordStart(text string, i, limit int) int {
	if i == 0 {
		return 0
	}
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	for k := i; k < limit && k-i < 30; {
		r, w := utf8.DecodeRuneInString(text[k:])
		k += w
		if unicode.IsSpace(r) {
			return k
		}
	}
	return i
}

// wordEnd moves i forward to the end of a word.
func wordEnd(text string, i int) int {
	if i >= len(text) {
		return len(text)
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	for k := i; k < len(text) && k-i < 30; {
		r, w := utf8.DecodeRuneInString(text[k:])
		if unicode.IsSpace(r) {
			return k
		}
		k += w
	}
	return i
}

// cut returns text[start:end] as a fragment with the spans that lie in it.
func cut(text string, start, end int, ss []span) Fragment {
	f := Fragment{Text: strings.ReplaceAll(text[start:end], "\n", " "), Before: start > 0, After: end < len(text)}
	for _, s := range ss {
		if s.start >= start && s.end <= end {
			f.Marks = append(f.Marks, [2]int{s.start - start, s.end - start})
		}
	}
	return f
}
