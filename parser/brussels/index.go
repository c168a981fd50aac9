package brussels

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/html"

	"github.com/parlq/parlq"
)

// The list page /interpellations-et-questions/ is an empty table filled by
// script from one JSON file per legislature:
// /prb_includes/weblex/data/dos_qu_legis_<YY-YY>.json, {"data": [[16 strings], …]},
// every question type of both assemblies, sorted by the date text.

// indexColumns is the number of columns of an index row.
const indexColumns = 16

// IndexRow is one row of a legislature index, decoded.
type IndexRow struct {
	// Row is the row's position in the file, from 0.
	Row int `json:"row"`
	// Assembly is "PRB" or "ARCCC"; AssemblyNL "BHP" or "VVGGC".
	Assembly   string `json:"assembly"`
	AssemblyNL string `json:"assembly_nl,omitempty"`
	// Moncode and Base identify the detail page (Base "1" PRB, "2" ARCCC).
	Moncode string `json:"moncode"`
	Base    string `json:"base"`
	// Link and LinkNL are the detail links as the index gives them.
	Link   string `json:"link"`
	LinkNL string `json:"link_nl,omitempty"`
	// Legislature is "24/29"; Received "YYYY-MM-DD" or empty.
	Legislature string `json:"legislature"`
	Received    string `json:"received,omitempty"`
	// TypeCode is the index's code (1 written, 2 oral, 3 topical,
	// 4 interpellation, 5 request for explanation) and Type its meaning;
	// TypeFR and TypeNL the type as printed.
	TypeCode string     `json:"type_code"`
	Type     parlq.Type `json:"type"`
	TypeFR   string     `json:"type_fr,omitempty"`
	TypeNL   string     `json:"type_nl,omitempty"`
	// Title and TitleNL are the French and Dutch titles.
	Title   string `json:"title"`
	TitleNL string `json:"title_nl,omitempty"`
	Author  string `json:"author,omitempty"`
	// Addressees are the ministers the question is put to, in order.
	Addressees []IndexAddressee `json:"addressees,omitempty"`
	// Publication and PublicationNL link the bulletin or report where the
	// question (or its answer) is published.
	Publication   IndexLink `json:"publication,omitzero"`
	PublicationNL IndexLink `json:"publication_nl,omitzero"`
}

// IndexAddressee is one addressee of an index row: "Name - role" in both languages.
type IndexAddressee struct {
	Name   string `json:"name"`
	Role   string `json:"role,omitempty"`
	RoleNL string `json:"role_nl,omitempty"`
}

// IndexLink is a link of an index cell.
type IndexLink struct {
	Text string `json:"text,omitempty"`
	URL  string `json:"url,omitempty"`
}

// ParseIndex decodes a legislature index. A body that is not the index
// (an HTML page served instead) wraps parlq.ErrSoftError; a malformed row
// is an error naming the row.
func ParseIndex(body []byte) ([]IndexRow, error) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("brussels index: %w: empty body", parlq.ErrSoftError)
	}
	if trimmed[0] == '<' {
		return nil, fmt.Errorf("brussels index: %w: an HTML page, not JSON (title %q)", parlq.ErrSoftError, pageTitle(trimmed))
	}
	var doc struct {
		Data *[]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(trimmed, &doc); err != nil {
		return nil, fmt.Errorf("brussels index: %w", err)
	}
	if doc.Data == nil {
		return nil, fmt.Errorf(`brussels index: no "data" array`)
	}
	rows := make([]IndexRow, 0, len(*doc.Data))
	for i, raw := range *doc.Data {
		var cells []string
		if err := json.Unmarshal(raw, &cells); err != nil {
			return nil, fmt.Errorf("brussels index: row %d: %w", i, err)
		}
		r, err := indexRow(i, cells)
		if err != nil {
			return nil, fmt.Errorf("brussels index: row %d: %w", i, err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func indexRow(i int, c []string) (IndexRow, error) {
	if len(c) != indexColumns {
		return IndexRow{}, fmt.Errorf("%d columns, want %d", len(c), indexColumns)
	}
	r := IndexRow{
		Row:         i,
		Assembly:    strings.TrimSpace(c[0]),
		AssemblyNL:  strings.TrimSpace(c[1]),
		Legislature: cellText(c[4]),
		TypeFR:      cellText(c[6]),
		TypeNL:      cellText(c[7]),
		Title:       cellText(c[8]),
		TitleNL:     cellText(c[9]),
		Author:      cellText(c[10]),
		Publication: cellLink(c[13]),
		TypeCode:    strings.TrimSpace(c[15]),
	}
	r.PublicationNL = cellLink(c[14])
	fr, nl := cellLink(c[2]), cellLink(c[3])
	r.Link, r.LinkNL = fr.URL, nl.URL
	var ok bool
	if r.Moncode, r.Base, _, ok = detailParams(r.Link); !ok {
		return IndexRow{}, fmt.Errorf("no moncode and base in the detail link %q", c[2])
	}
	assembly, err := assemblyOf(r.Base)
	if err != nil {
		return IndexRow{}, err
	}
	if r.Assembly != assembly {
		return IndexRow{}, fmt.Errorf("assembly %q does not match base=%s of the detail link", r.Assembly, r.Base)
	}
	if r.Received, ok = isoDate(c[5]); !ok {
		return IndexRow{}, fmt.Errorf("date received %q is not DD/MM/YYYY", c[5])
	}
	if r.Type, ok = typeByCode(r.TypeCode); !ok {
		return IndexRow{}, fmt.Errorf("unknown type code %q", c[15])
	}
	frs, nls := splitBr(c[11]), splitBr(c[12])
	for k, a := range frs {
		name, role := splitPerson(a)
		if name == "" && role == "" {
			continue
		}
		ad := IndexAddressee{Name: name, Role: role}
		if k < len(nls) {
			_, ad.RoleNL = splitPerson(nls[k])
		}
		r.Addressees = append(r.Addressees, ad)
	}
	return r, nil
}

var brRe = regexp.MustCompile(`(?i)<br\s*/?>`)

func splitBr(s string) []string { return brRe.Split(s, -1) }

// splitPerson splits "Name - role" at the first " - ".
func splitPerson(s string) (name, role string) {
	s = cellText(s)
	if i := strings.Index(s, " - "); i >= 0 {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+3:])
	}
	return s, ""
}

// cellText decodes an index cell: entities (Windows-1252 references
// included), any markup dropped, white space collapsed.
func cellText(s string) string {
	if !strings.Contains(s, "<") {
		return collapse(html.UnescapeString(s))
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return collapse(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

// cellLink reads the first link of an index cell.
func cellLink(s string) IndexLink {
	if !strings.Contains(s, "<") {
		return IndexLink{}
	}
	var l IndexLink
	var text strings.Builder
	in := false
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			l.Text = collapse(text.String())
			return l
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "a" && l.URL == "" && !in {
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" {
						l.URL = strings.TrimSpace(string(v))
					}
				}
				in = true
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" && in {
				l.Text = collapse(text.String())
				return l
			}
		case html.TextToken:
			if in {
				text.Write(z.Text())
			}
		}
	}
}

// Discover reads a legislature index into references to the French detail
// pages, on the scheme and host of indexURL (a mirror stays a mirror), with
// what the index tells as a partial record. Refs are ordered by date
// received, then assembly and moncode.
func (s *Source) Discover(indexURL string, body []byte) (*parlq.Discovery, error) {
	rows, err := ParseIndex(body)
	if err != nil {
		return nil, err
	}
	host := CanonicalBaseURL
	if u, err := url.Parse(indexURL); err == nil && u.Scheme != "" && u.Host != "" {
		host = u.Scheme + "://" + u.Host
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Received != b.Received {
			return a.Received < b.Received
		}
		if a.Assembly != b.Assembly {
			return a.Assembly < b.Assembly
		}
		if len(a.Moncode) != len(b.Moncode) {
			return len(a.Moncode) < len(b.Moncode)
		}
		return a.Moncode < b.Moncode
	})
	// The index announces no count: Total is unknown (an empty index is
	// no quiet night, it is an index that lost its rows).
	d := &parlq.Discovery{Refs: make([]parlq.Ref, 0, len(rows)), Total: -1}
	for _, r := range rows {
		l := r.Listing()
		d.Refs = append(d.Refs, parlq.Ref{
			ID:       l.ID,
			URL:      DetailURL(host, r.Moncode, r.Base, ""),
			Type:     r.Type,
			Received: r.Received,
			Listing:  l,
		})
	}
	return d, nil
}

// Listing is the partial record an index row tells: French title, author,
// first addressee (and every addressee when there are several), dates, and
// the Dutch title and the first addressee's role as a translation.
func (r IndexRow) Listing() *parlq.Question {
	assembly, _ := assemblyOf(r.Base)
	q := &parlq.Question{
		ID:          parlq.MakeID(SourceName, assembly, r.Moncode),
		Source:      SourceName,
		Parliament:  ParliamentName,
		Assembly:    assembly,
		URL:         DetailURL(CanonicalBaseURL, r.Moncode, r.Base, ""),
		Language:    "fr",
		Type:        r.Type,
		Title:       r.Title,
		Author:      parlq.Person{Name: r.Author},
		Legislature: r.Legislature,
		Received:    r.Received,
	}
	nl := parlq.Translation{Title: r.TitleNL, URL: DetailURL(CanonicalBaseURL, r.Moncode, r.Base, "nl")}
	if len(r.Addressees) > 0 {
		a := r.Addressees[0]
		q.Addressee = parlq.Person{Name: a.Name, Role: a.Role}
		nl.AddresseeRole = a.RoleNL
	}
	if len(r.Addressees) > 1 {
		for _, a := range r.Addressees {
			q.Addressees = append(q.Addressees, parlq.Person{Name: a.Name, Role: a.Role})
		}
	}
	q.Translations = map[string]parlq.Translation{"nl": nl}
	if r.Publication.URL != "" {
		q.Attachments = []parlq.Attachment{{Title: r.Publication.Text, URL: r.Publication.URL, Type: "publication"}}
	}
	return q
}
