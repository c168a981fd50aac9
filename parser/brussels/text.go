package brussels

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The page's question and answer texts are pasted from word processors: spans
// with inline styles, <BR> runs, tab references, lists, tables. plainText
// renders such a fragment the way a reader sees it: one line per paragraph,
// line break or list item (list items marked "- ", or "N. " in numbered
// lists), whitespace collapsed, no empty lines, and nothing of style, script
// or svg. Tables keep their rows: one line per row, cells separated by a tab
// (an editor's <table>, or lines whose columns were typed with tabs, which
// the page gives as &#9;, on two lines or more); a tab after a list marker
// ("-&#9;item") or on a line alone is spacing, not a column.

// skipped elements never contribute text.
func skipped(a atom.Atom) bool {
	switch a {
	case atom.Style, atom.Script, atom.Svg, atom.Noscript, atom.Template,
		atom.Head, atom.Title, atom.Iframe, atom.Object, atom.Select, atom.Button, atom.Input, atom.Textarea, atom.Math:
		return true
	}
	return false
}

// block elements start and end a line.
func block(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center, atom.Caption,
		atom.Dd, atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hr,
		atom.Li, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Section,
		atom.Summary, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Ul, atom.Br:
		return true
	}
	return false
}

// textWriter accumulates lines.
type textWriter struct {
	lines []string
	// typed marks the lines whose columns were typed with tabs: a row only
	// beside another such line (a lone tab is spacing, not a table).
	typed  map[int]bool
	cur    []byte
	marker string // list marker waiting for the item's first text
	pre    int    // depth of <pre>
}

// plainText renders the children of n as lines joined with "\n".
func plainText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var w textWriter
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
	w.breakLine()
	for i := range w.typed {
		if !w.typed[i-1] && !w.typed[i+1] {
			w.lines[i] = strings.ReplaceAll(w.lines[i], "\t", " ")
		}
	}
	return strings.Join(w.lines, "\n")
}

func (w *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	if skipped(n.DataAtom) {
		return
	}
	if n.DataAtom == atom.Table {
		w.table(n)
		return
	}
	switch n.DataAtom {
	case atom.Td, atom.Th:
		w.cur = append(w.cur, ' ')
	case atom.Pre:
		w.pre++
		defer func() { w.pre-- }()
	}
	isBlock := block(n.DataAtom)
	if isBlock {
		w.breakLine()
	}
	if n.DataAtom == atom.Ol || n.DataAtom == atom.Ul {
		num, _ := strconv.Atoi(attr(n, "start"))
		if num == 0 {
			num = 1
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Li {
				w.breakLine()
				if n.DataAtom == atom.Ol {
					w.marker = strconv.Itoa(num) + ". "
					num++
				} else {
					w.marker = "- "
				}
				w.children(c)
				w.breakLine()
				w.marker = ""
				continue
			}
			w.node(c)
		}
		w.breakLine()
		return
	}
	if n.DataAtom == atom.Li { // an item outside a list
		w.marker = "- "
	}
	w.children(n)
	if isBlock {
		w.breakLine()
	}
	if n.DataAtom == atom.Li {
		w.marker = ""
	}
}

func (w *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

// text appends s, writing a pending list marker before the first visible
// character.
func (w *textWriter) text(s string) {
	if w.pre > 0 && strings.Contains(s, "\n") {
		parts := strings.Split(s, "\n")
		for i, p := range parts {
			if i > 0 {
				w.breakLine()
			}
			w.text1(p)
		}
		return
	}
	w.text1(s)
}

func (w *textWriter) text1(s string) {
	if w.marker != "" && hasVisible(s) {
		w.cur = append(w.cur, w.marker...)
		w.marker = ""
	}
	w.cur = append(w.cur, s...)
}

// table writes a table's caption and rows, one line per row, its cells
// separated by a tab; empty cells between others stay (columns line up),
// trailing ones go, and a row without text is dropped.
func (w *textWriter) table(t *html.Node) {
	w.breakLine()
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Caption {
			w.line(inlineText(c))
		}
	}
	for _, r := range tableRows(t) {
		var cells []string
		for _, c := range rowCells(r) {
			cells = append(cells, inlineText(c))
		}
		n := len(cells)
		for n > 0 && cells[n-1] == "" {
			n--
		}
		if n > 0 {
			w.line(strings.Join(cells[:n], "\t"))
		}
	}
}

// line adds a finished line, after a pending list marker.
func (w *textWriter) line(s string) {
	if s == "" {
		return
	}
	w.lines = append(w.lines, w.marker+s)
	w.marker = ""
}

// breakLine ends the current line; an empty line is dropped.
func (w *textWriter) breakLine() {
	if len(w.cur) == 0 {
		return
	}
	if line := columns(string(w.cur)); line != "" {
		if strings.Contains(line, "\t") {
			if w.typed == nil {
				w.typed = map[int]bool{}
			}
			w.typed[len(w.lines)] = true
		}
		w.lines = append(w.lines, line)
	}
	w.cur = w.cur[:0]
}

// columns collapses a line's white space, keeping a tab between two runs of
// text as a column separator (a run of tabs is one), except after a list
// marker ("-\titem" is "- item"); tabs at either end go.
func columns(s string) string {
	if !strings.Contains(s, "\t") {
		return collapse(s)
	}
	var cells []string
	for _, p := range strings.Split(s, "\t") {
		if c := collapse(p); c != "" {
			cells = append(cells, c)
		}
	}
	if len(cells) >= 2 && listMarker(cells[0]) {
		cells = append([]string{cells[0] + " " + cells[1]}, cells[2:]...)
	}
	return strings.Join(cells, "\t")
}

// listMarkerRe matches what starts a list item typed by hand: a dash or a
// bullet, "1." or "1)", "a)" or "(a)", "i." and the like.
var listMarkerRe = regexp.MustCompile(`^(?:[-–—•·▪◦*o]|[0-9]{1,3}[.)]|[a-zA-Z][.)]|\([0-9a-zA-Z]{1,4}\)|[ivxIVX]{1,5}[.)])$`)

func listMarker(s string) bool { return listMarkerRe.MatchString(s) }

// invisible runes are dropped from text: soft hyphens, zero-width
// characters, byte-order marks and control characters.
func invisible(r rune) bool {
	switch r {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return r < 0x20 && !unicode.IsSpace(r) || r == 0x7f
}

func hasVisible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !invisible(r) {
			return true
		}
	}
	return false
}

// collapse maps every kind of white space (tabs, no-break spaces, newlines)
// to one space, drops invisible characters and trims the ends.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
		case invisible(r):
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// inlineText is the text of n on one line.
func inlineText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b []byte
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b = append(b, n.Data...)
		case html.ElementNode:
			if skipped(n.DataAtom) {
				return
			}
			if block(n.DataAtom) || n.DataAtom == atom.Td {
				b = append(b, ' ')
			}
			fallthrough
		case html.DocumentNode:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	walk(n)
	return collapse(string(b))
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
