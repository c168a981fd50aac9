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
// (non-breaking spaces included) collapsed. A table keeps its rows: one line
// per row, its cells separated by a tab, whatever the cells hold (the API
// wraps every cell's text in <p>); empty cells between others stay, so that
// columns line up, and trailing empty cells go.
func plainText(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var (
		lines []string
		row   []string        // cells of the current table row; nil outside a row
		cur   strings.Builder // text of the current cell, or of the line
		cell  bool            // inside a cell
		skip  int             // depth inside <script>/<style>
	)
	endCell := func() {
		if cell {
			row = append(row, collapse(cur.String()))
			cur.Reset()
			cell = false
		}
	}
	endRow := func() {
		endCell()
		n := len(row)
		for n > 0 && row[n-1] == "" {
			n--
		}
		if n > 0 {
			lines = append(lines, strings.Join(row[:n], "\t"))
		}
		row = nil
		cur.Reset()
	}
	flush := func() {
		if row != nil {
			endRow()
			return
		}
		if c := collapse(cur.String()); c != "" {
			lines = append(lines, c)
		}
		cur.Reset()
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			// io.EOF is the only error a strings.Reader can give.
			flush()
			return strings.Join(lines, "\n")
		case html.TextToken:
			if skip == 0 && (cell || row == nil) {
				cur.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style:
				if skip < 1<<20 {
					skip++
				}
			case a == atom.Tr:
				flush()
				row = []string{}
			case a == atom.Td || a == atom.Th:
				if row == nil {
					flush()
					row = []string{}
				}
				endCell()
				cur.Reset()
				cell = true
			case a == atom.Br || a == atom.Hr || block(a):
				if cell {
					cur.WriteString(" ")
				} else {
					flush()
				}
			case a == atom.Img:
				cur.WriteString(" ")
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
			case a == atom.Tr || a == atom.Table:
				flush()
			case block(a):
				if cell {
					cur.WriteString(" ")
				} else {
					flush()
				}
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
