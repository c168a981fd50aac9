package ukparl

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// plainText turns the API's question or answer text into the record's plain
// text: the detail endpoint gives answers as HTML fragments ("<p>…</p>",
// tables, lists), the list gives plain text; both come out as paragraphs
// separated by "\n", entities decoded, tags removed, runs of white space
// (non-breaking spaces included) collapsed, and table cells of a row
// separated by a tab.
func plainText(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var (
		lines []string
		cells []string        // finished table cells of the current line
		cell  strings.Builder // text of the current cell (or of the line)
		skip  int             // depth inside <script>/<style>
	)
	endCell := func() {
		if c := collapse(cell.String()); c != "" {
			cells = append(cells, c)
		}
		cell.Reset()
	}
	flush := func() {
		endCell()
		if len(cells) > 0 {
			lines = append(lines, strings.Join(cells, "\t"))
		}
		cells = cells[:0]
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			// io.EOF is the only error a strings.Reader can give.
			flush()
			return strings.Join(lines, "\n")
		case html.TextToken:
			if skip == 0 {
				cell.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style:
				if skip < 1<<20 {
					skip++
				}
			case a == atom.Td || a == atom.Th:
				endCell()
			case a == atom.Br || a == atom.Hr || block(a):
				flush()
			case a == atom.Img:
				cell.WriteString(" ")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style:
				if skip > 0 {
					skip--
				}
			case a == atom.Td || a == atom.Th:
				endCell()
			case block(a):
				flush()
			}
		}
	}
}

// block reports whether a ends a line of text when it opens or closes.
func block(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Tr, atom.Table,
		atom.Thead, atom.Tbody, atom.Tfoot, atom.Caption, atom.Blockquote,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre,
		atom.Dl, atom.Dt, atom.Dd, atom.Section, atom.Article, atom.Header,
		atom.Footer, atom.Figure, atom.Figcaption, atom.Address:
		return true
	}
	return false
}

// collapse joins the words of s with single spaces.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2007', '\u202f', '\u200b', '\ufeff':
		return true
	}
	return false
}
