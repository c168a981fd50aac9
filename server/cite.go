package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parlq/parlq"
)

// Citation cites one version of a question, with the capture that proves
// it: as plain text, as a BibTeX entry and as a CSL-JSON item (what Zotero
// and citation processors read). Each names the parliament, the number, the
// dates, the official URL and the date the cited version was captured.
type Citation struct {
	Text   string          `json:"text"`
	BibTeX string          `json:"bibtex"`
	CSL    json.RawMessage `json:"csl"`
}

// citationView is a Citation for the page, the CSL-JSON indented.
type citationView struct {
	Text, BibTeX, CSL string
}

func (c Citation) view() citationView {
	var buf bytes.Buffer
	if err := json.Indent(&buf, c.CSL, "", "  "); err != nil {
		buf.Reset()
		buf.Write(c.CSL)
	}
	return citationView{Text: c.Text, BibTeX: c.BibTeX, CSL: buf.String()}
}

// cited is what every form of a citation says.
type cited struct {
	q         *parlq.Question
	version   int
	captured  time.Time // when the cited version was fetched; zero if unknown
	permalink string    // the page of the cited version
	archived  string    // its archived copy, when it has one
}

// newCitation cites version of q, captured at captured, with the server's
// absolute base URL.
func newCitation(q *parlq.Question, captured time.Time, base string, version int) Citation {
	c := cited{q: q, version: version, captured: captured.UTC(), permalink: base + versionPath(q.ID, version)}
	if q.Capture != nil {
		c.archived = base + archivePath(q.ID, version)
	}
	csl, err := json.Marshal(c.csl())
	if err != nil {
		panic(fmt.Sprintf("cite: a CSL item does not marshal: %v", err)) // plain data: cannot happen
	}
	return Citation{Text: c.text(), BibTeX: c.bibtex(), CSL: csl}
}

func (c cited) parliament() string {
	p := c.q.Parliament
	if p == "" {
		p = c.q.Source
	}
	if c.q.Assembly != "" && !strings.EqualFold(c.q.Assembly, p) {
		p += " (" + c.q.Assembly + ")"
	}
	return p
}

// what is "written question no. 161".
func (c cited) what() string {
	w := typeLabel(c.q.Type)
	if c.q.Number != "" {
		w += " no. " + c.q.Number
	}
	return w
}

func (c cited) addressee() string {
	a := c.q.Addressee.Name
	if a == "" {
		a = c.q.Addressee.Body
	}
	return a
}

// dates is "received 2024-10-07; answered 2024-11-04".
func (c cited) dates() string {
	var parts []string
	for _, d := range []struct{ label, v string }{
		{"received", c.q.Received}, {"published", c.q.Published}, {"holding answer", c.q.HoldingAnswered},
		{"answered", c.q.Answered}, {"answer corrected", c.q.Corrected},
	} {
		if d.v != "" {
			parts = append(parts, d.label+" "+d.v)
		}
	}
	return strings.Join(parts, "; ")
}

func (c cited) capturedText() string {
	if c.captured.IsZero() {
		return ""
	}
	return c.captured.Format("2006-01-02 15:04 UTC")
}

// note is "Received …; answered …. Version 2 as captured by parlq on …".
func (c cited) note() string {
	note := upperFirst(c.dates())
	if note != "" {
		note += ". "
	}
	note += fmt.Sprintf("Version %d", c.version)
	if ct := c.capturedText(); ct != "" {
		note += " as captured by parlq on " + ct
	}
	return note
}

// text is the plain-text citation.
func (c cited) text() string {
	var b strings.Builder
	if c.q.Author.Name != "" {
		b.WriteString(c.q.Author.Name)
		if c.q.Author.Party != "" {
			b.WriteString(" (" + c.q.Author.Party + ")")
		}
		b.WriteString(". ")
	}
	fmt.Fprintf(&b, "“%s”. %s, %s", c.q.Title, c.parliament(), c.what())
	if a := c.addressee(); a != "" {
		b.WriteString(" to " + a)
	}
	if c.q.Legislature != "" {
		b.WriteString(", legislature " + c.q.Legislature)
	}
	b.WriteString(".")
	if d := c.dates(); d != "" {
		b.WriteString(" " + upperFirst(d) + ".")
	}
	if c.q.URL != "" {
		b.WriteString(" " + c.q.URL + ".")
	}
	fmt.Fprintf(&b, " Version %d", c.version)
	if ct := c.capturedText(); ct != "" {
		b.WriteString(", captured by parlq on " + ct)
	}
	if c.archived != "" {
		b.WriteString("; archived copy: " + c.archived)
	}
	b.WriteString("; permalink: " + c.permalink + ".")
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// bibtex is a @misc entry that BibTeX and biblatex both read.
func (c cited) bibtex() string {
	key := strings.NewReplacer("/", "-", ":", "-", " ", "-").Replace(c.q.ID) + "-v" + strconv.Itoa(c.version)
	var fields [][2]string
	add := func(name, value string) {
		if value != "" {
			fields = append(fields, [2]string{name, value})
		}
	}
	if c.q.Author.Name != "" {
		add("author", "{"+texEscape(c.q.Author.Name)+"}") // one literal name, never split
	}
	add("title", texEscape(c.q.Title))
	how := c.parliament() + ", " + c.what()
	if a := c.addressee(); a != "" {
		how += " to " + a
	}
	add("howpublished", texEscape(how))
	add("institution", texEscape(c.q.Parliament))
	add("number", texEscape(c.q.Number))
	if len(c.q.Received) >= 4 {
		add("year", c.q.Received[:4])
		add("date", c.q.Received)
	}
	add("url", urlEscape(c.q.URL))
	if !c.captured.IsZero() {
		add("urldate", c.captured.Format(parlq.DateLayout))
	}
	add("version", strconv.Itoa(c.version))
	note := texEscape(c.note())
	if c.archived != "" {
		note += `; archived copy: \url{` + urlEscape(c.archived) + `}`
	}
	note += `; permalink: \url{` + urlEscape(c.permalink) + `}`
	add("note", note)

	var b strings.Builder
	fmt.Fprintf(&b, "@misc{%s,\n", key)
	for i, f := range fields {
		fmt.Fprintf(&b, "  %-12s = {%s}", f[0], f[1])
		if i < len(fields)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}")
	return b.String()
}

// texEscaper escapes the characters TeX gives a meaning to.
var texEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `$`, `\$`, `&`, `\&`, `%`, `\%`,
	`#`, `\#`, `_`, `\_`, `^`, `\textasciicircum{}`, `~`, `\textasciitilde{}`,
)

func texEscape(s string) string { return texEscaper.Replace(s) }

// urlEscape escapes what a URL may hold that TeX would read: % and #
// (braces and backslashes never occur unescaped in a URL).
func urlEscape(s string) string { return strings.NewReplacer(`%`, `\%`, `#`, `\#`).Replace(s) }

// cslName is a CSL-JSON name given whole (never split into given/family).
type cslName struct {
	Literal string `json:"literal"`
}

// cslDate is a CSL-JSON date.
type cslDate struct {
	Parts [][]int `json:"date-parts"`
}

func newCSLDate(day string) *cslDate {
	t, err := time.Parse(parlq.DateLayout, day)
	if err != nil {
		return nil
	}
	return &cslDate{Parts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
}

// cslItem is a CSL-JSON item: a "document" of genre written question,
// by its author, to its minister (recipient), from its parliament
// (authority).
type cslItem struct {
	ID              string    `json:"id"`
	Type            string    `json:"type"`
	Genre           string    `json:"genre"`
	Title           string    `json:"title"`
	Author          []cslName `json:"author,omitempty"`
	Recipient       []cslName `json:"recipient,omitempty"`
	Authority       string    `json:"authority,omitempty"`
	Number          string    `json:"number,omitempty"`
	Issued          *cslDate  `json:"issued,omitempty"`
	Submitted       *cslDate  `json:"submitted,omitempty"`
	URL             string    `json:"URL,omitempty"`
	Accessed        *cslDate  `json:"accessed,omitempty"`
	Archive         string    `json:"archive"`
	ArchiveLocation string    `json:"archive_location,omitempty"`
	Version         string    `json:"version"`
	Language        string    `json:"language,omitempty"`
	Note            string    `json:"note,omitempty"`
}

func (c cited) csl() cslItem {
	it := cslItem{
		ID: c.q.ID + "/v" + strconv.Itoa(c.version), Type: "document", Genre: upperFirst(c.what()),
		Title: c.q.Title, Authority: c.parliament(), Number: c.q.Number,
		Submitted: newCSLDate(c.q.Received), Issued: newCSLDate(c.q.Received), URL: c.q.URL,
		Archive: "parlq", ArchiveLocation: c.archived, Version: strconv.Itoa(c.version), Language: c.q.Language,
	}
	if c.q.Published != "" {
		it.Issued = newCSLDate(c.q.Published)
	}
	if c.q.Author.Name != "" {
		it.Author = []cslName{{c.q.Author.Name}}
	}
	if a := c.addressee(); a != "" {
		it.Recipient = []cslName{{a}}
	}
	if !c.captured.IsZero() {
		it.Accessed = newCSLDate(c.captured.Format(parlq.DateLayout))
	}
	it.Note = c.note() + "; permalink: " + c.permalink
	return it
}
