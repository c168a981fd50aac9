package server

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// sanitizeHTML renders an archived page's markup as inert, readable HTML:
// the text and its structure (paragraphs, lists, tables, emphasis, links)
// and nothing else. Every attribute goes but a link's address (absolute
// http or https, resolved against base) and a cell's span; scripts,
// styles, images, forms, frames and embedded objects go with their
// content; other elements (span, font, unknown tags) give way to their
// content; headings become level-3 headings, under the page's own.
// chrome also drops the site's navigation, header, footer and asides, for
// a whole page read without its question section.
func sanitizeHTML(markup []byte, base *url.URL, chrome bool) string {
	doc, err := html.Parse(bytes.NewReader(markup))
	if err != nil {
		return "" // html.Parse reads any bytes; an error is a reader's
	}
	var b strings.Builder
	w := sanitizer{b: &b, base: base, chrome: chrome}
	w.children(doc)
	return strings.TrimSpace(b.String())
}

type sanitizer struct {
	b      *strings.Builder
	base   *url.URL
	chrome bool
}

// dropped elements go with everything in them.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Head: true,
	atom.Title: true, atom.Meta: true, atom.Link: true, atom.Base: true,
	atom.Iframe: true, atom.Frame: true, atom.Frameset: true, atom.Object: true, atom.Embed: true,
	atom.Applet: true, atom.Svg: true, atom.Math: true, atom.Img: true, atom.Picture: true,
	atom.Video: true, atom.Audio: true, atom.Source: true, atom.Track: true, atom.Canvas: true, atom.Map: true,
	atom.Form: true, atom.Input: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Dialog: true,
}

// chromeElements are the site's own furniture, dropped with chrome.
var chromeElements = map[atom.Atom]bool{atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true}

// kept elements are written (without attributes but those allowed).
var kept = map[atom.Atom]bool{
	atom.P: true, atom.Br: true, atom.Hr: true, atom.B: true, atom.Strong: true, atom.I: true, atom.Em: true,
	atom.U: true, atom.S: true, atom.Sub: true, atom.Sup: true, atom.Small: true, atom.Blockquote: true,
	atom.Pre: true, atom.Code: true, atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true, atom.Dt: true,
	atom.Dd: true, atom.Table: true, atom.Caption: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.A: true,
}

var headings = map[atom.Atom]bool{atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true}

func (s *sanitizer) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		s.node(c)
	}
}

func (s *sanitizer) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		s.b.WriteString(html.EscapeString(n.Data))
		return
	case html.DocumentNode:
		s.children(n)
		return
	case html.ElementNode:
	default:
		return // comments, doctypes
	}
	switch {
	case dropped[n.DataAtom], s.chrome && chromeElements[n.DataAtom]:
		return
	case headings[n.DataAtom]:
		s.b.WriteString("<h3>")
		s.children(n)
		s.b.WriteString("</h3>")
		return
	case !kept[n.DataAtom]:
		s.children(n)
		return
	}
	name := n.DataAtom.String()
	if n.DataAtom == atom.Section || n.DataAtom == atom.Article {
		name = "div"
	}
	s.b.WriteString("<" + name)
	for _, a := range n.Attr {
		switch {
		case n.DataAtom == atom.A && a.Key == "href" && a.Namespace == "":
			if u := s.link(a.Val); u != "" {
				s.b.WriteString(` href="` + html.EscapeString(u) + `" rel="external noopener noreferrer"`)
			}
		case (n.DataAtom == atom.Td || n.DataAtom == atom.Th) && (a.Key == "colspan" || a.Key == "rowspan"):
			if k, err := strconv.Atoi(strings.TrimSpace(a.Val)); err == nil && k > 0 && k < 1000 {
				s.b.WriteString(" " + a.Key + `="` + strconv.Itoa(k) + `"`)
			}
		}
	}
	s.b.WriteString(">")
	if n.DataAtom == atom.Br || n.DataAtom == atom.Hr {
		return
	}
	s.children(n)
	s.b.WriteString("</" + name + ">")
}

// link resolves a link against the page's address and keeps it only when
// it leads to an http(s) page.
func (s *sanitizer) link(href string) string {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	if s.base != nil {
		u = s.base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
