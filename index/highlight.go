package index

import (
	"html"
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
// matched terms that Bleve returns (term vectors). Everything outside the
// <mark> elements is HTML-escaped, and so is the marked text: a fragment
// never holds any markup but <mark>.
const (
	fragmentSize  = 220 // bytes of text per fragment, about
	fragmentLead  = 70  // bytes of context before the first match
	maxFragments  = 3   // per field
	wholeTitleMax = 400 // titles up to this length are shown whole
)

type span struct{ start, end int }

// highlight returns the marked fragments of q's text fields that the
// locations point into, keyed by record field name.
func highlight(q *parlq.Question, locs search.FieldTermLocationMap) map[string][]string {
	if len(locs) == 0 {
		return nil
	}
	texts := map[string]string{"title": q.Title, "question": q.Question, "answer": q.Answer}
	spans := map[string][]span{}
	for field, terms := range locs {
		name := recordFieldOf(field)
		text, ok := texts[name]
		if !ok {
			continue
		}
		for _, ls := range terms {
			for _, l := range ls {
				s, e := int(l.Start), int(l.End)
				if s < 0 || e > len(text) || s >= e || !boundary(text, s) || !boundary(text, e) {
					continue
				}
				spans[name] = append(spans[name], span{s, e})
			}
		}
	}
	out := map[string][]string{}
	for _, name := range textFields {
		ss := merge(texts[name], spans[name])
		if len(ss) == 0 {
			continue
		}
		text := texts[name]
		if name == "title" && len(text) <= wholeTitleMax {
			out[name] = []string{mark(text, 0, len(text), ss)}
			continue
		}
		out[name] = fragments(text, ss)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// recordFieldOf maps an index field (title_fr, question_exact) to the
// record field it indexes ("title", "question"), or "".
func recordFieldOf(field string) string {
	for _, f := range textFields {
		if strings.HasPrefix(field, f+"_") {
			return f
		}
	}
	return ""
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
func fragments(text string, ss []span) []string {
	var out []string
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
		out = append(out, mark(text, start, end, ss[i:j]))
		i = j
	}
	return out
}

// wordStart moves i back to the start of a word (not past limit).
func wordStart(text string, i, limit int) int {
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

// mark renders text[start:end] escaped, with the spans (which lie inside it)
// wrapped in <mark>, and an ellipsis where the text was cut.
func mark(text string, start, end int, ss []span) string {
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	pos := start
	for _, s := range ss {
		if s.start < pos || s.end > end {
			continue
		}
		b.WriteString(escape(text[pos:s.start]))
		b.WriteString("<mark>")
		b.WriteString(escape(text[s.start:s.end]))
		b.WriteString("</mark>")
		pos = s.end
	}
	b.WriteString(escape(text[pos:end]))
	if end < len(text) {
		b.WriteString(" …")
	}
	return b.String()
}

// escape HTML-escapes s and flattens line breaks: fragments are inline.
func escape(s string) string {
	return html.EscapeString(strings.ReplaceAll(s, "\n", " "))
}
