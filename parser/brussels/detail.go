package brussels

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"

	"github.com/parlq/parlq"
)

// The question sits in <section id="weblex-quest-det-fr"> inside about 60 KB
// of site template. Parse finds that section in the bytes and parses only it:
// the template (menus, scripts, the per-request hid token) never reaches the
// HTML parser, which keeps Parse cheaper than building the whole document.

const sectionIDPrefix = "weblex-quest-det-"

// maxTagLen bounds how far back a start tag or an attribute value is looked
// for, so that a page full of look-alike strings costs linear time.
const maxTagLen = 2048

// section is the question section of a page.
type section struct {
	html  []byte // the <section …>…</section> bytes
	lang  string // from the id: "fr", "nl"
	start int    // offset of the section in the page
	// closed says whether the section's end tag is in the page. Every real
	// page closes the section and goes on with the site's chrome (scripts,
	// footer, </html>); a section that runs to the end of the bytes belongs
	// to a page cut short (a dropped connection, a proxy that kept half),
	// whose texts may be cut mid-sentence.
	closed bool
}

// errCut names what a cut page lacks, in a LayoutError.
const errCut = "the end of the question section (</section>): the page is cut short"

// findSection locates the question section in a page. The section holds no
// nested section, so it ends at the first </section> after its start tag (as
// it does for a browser), or at the end of the page (not closed).
func findSection(body []byte) (section, bool) {
	from := 0
	for {
		i := bytes.Index(body[from:], []byte(sectionIDPrefix))
		if i < 0 {
			return section{}, false
		}
		i += from
		from = i + len(sectionIDPrefix)
		win := max(0, i-maxTagLen)
		lt := bytes.LastIndexByte(body[win:i], '<')
		if lt < 0 {
			continue
		}
		lt += win
		if bytes.IndexByte(body[lt:i], '>') >= 0 {
			continue // not inside a tag
		}
		tag := body[lt+1 : i]
		if len(tag) < 8 || !bytes.EqualFold(tag[:7], []byte("section")) || !isSpace(tag[7]) {
			continue
		}
		if indexFold(tag, "id=") < 0 {
			continue
		}
		lang := body[from:]
		n := 0
		for n < len(lang) && n < 8 && (lang[n] >= 'a' && lang[n] <= 'z' || lang[n] >= 'A' && lang[n] <= 'Z') {
			n++
		}
		end := indexFold(body[from:], "</section")
		closed := false
		if end < 0 {
			end = len(body)
		} else {
			end += from
			if gt := bytes.IndexByte(body[end:], '>'); gt >= 0 {
				end += gt + 1
				closed = true
			} else {
				end = len(body)
			}
		}
		return section{html: body[lt:end], lang: strings.ToLower(string(lang[:n])), start: lt, closed: closed}, true
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// indexFold is bytes.Index for an ASCII needle, ignoring case.
func indexFold(b []byte, needle string) int {
	for i := 0; i+len(needle) <= len(b); {
		j := bytes.IndexByte(b[i:], needle[0])
		if j < 0 {
			return -1
		}
		i += j
		if i+len(needle) <= len(b) && bytes.EqualFold(b[i:i+len(needle)], []byte(needle)) {
			return i
		}
		i++
	}
	return -1
}

// softErrorMarkers, found in the <title> of a page without a question
// section, say the site served an error page with 200 OK.
var softErrorMarkers = []string{
	"non trouvé", "introuvable", "not found", "niet gevonden", "404",
	"erreur", "error", "fout", "maintenance", "indisponible", "unavailable",
	"forbidden", "access denied", "accès refusé", "toegang geweigerd", "blocked",
}

// missingSection explains a page without the question section: an error page
// served as success, or an unknown layout.
func missingSection(pageURL string, body []byte) error {
	where := describe(pageURL)
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("brussels: %s: %w: empty page", where, parlq.ErrSoftError)
	}
	title := strings.ToLower(pageTitle(body))
	for _, m := range softErrorMarkers {
		if strings.Contains(title, m) {
			return fmt.Errorf("brussels: %s: %w: page title %q", where, parlq.ErrSoftError, pageTitle(body))
		}
	}
	if i := indexFold(body, "<body"); i >= 0 {
		if gt := bytes.IndexByte(body[i:], '>'); gt >= 0 && bytes.Contains(bytes.ToLower(body[i:i+gt]), []byte("error404")) {
			return fmt.Errorf("brussels: %s: %w: WordPress 404 page", where, parlq.ErrSoftError)
		}
	}
	if indexFold(body, "error establishing a database connection") >= 0 {
		return fmt.Errorf("brussels: %s: %w: database error page", where, parlq.ErrSoftError)
	}
	return &parlq.LayoutError{URL: pageURL, Missing: []string{`question section (<section id="weblex-quest-det-fr">)`}}
}

// describe names a page in an error: its URL, or that it has none.
func describe(pageURL string) string {
	if pageURL == "" {
		return "page without URL"
	}
	return pageURL
}

// pageTitle is the decoded text of the page's <title>.
func pageTitle(body []byte) string {
	i := indexFold(body, "<title")
	if i < 0 {
		return ""
	}
	gt := bytes.IndexByte(body[i:], '>')
	if gt < 0 {
		return ""
	}
	rest := body[i+gt+1:]
	end := indexFold(rest, "</title")
	if end < 0 {
		return ""
	}
	return collapse(html.UnescapeString(string(rest[:end])))
}

// pageParams reads moncode, base and lang from the first detail link of the
// page template (the alternate-language links and the language switch).
func pageParams(chrome []byte) (moncode, base, lang string, ok bool) {
	from := 0
	for {
		i := bytes.Index(chrome[from:], []byte("moncode="))
		if i < 0 {
			return "", "", "", false
		}
		i += from
		from = i + 1
		win := max(0, i-maxTagLen)
		q := bytes.LastIndexAny(chrome[win:i], `"'`)
		if q < 0 {
			continue
		}
		q += win
		if bytes.ContainsAny(chrome[q:i], "<> \n") {
			continue
		}
		end := bytes.IndexByte(chrome[i:min(len(chrome), i+maxTagLen)], chrome[q])
		if end < 0 {
			continue
		}
		link := html.UnescapeString(string(chrome[q+1 : i+end]))
		if moncode, base, lang, ok = detailParams(link); ok {
			return moncode, base, lang, true
		}
	}
}

// PageURL returns the canonical detail URL a saved question page belongs to,
// read from the page's own links to itself. It lets a page be parsed without
// knowing where it was fetched from.
func PageURL(body []byte) (string, error) {
	chrome, lang := body, ""
	if sec, ok := findSection(body); ok {
		chrome, lang = body[:sec.start], sec.lang
	}
	moncode, base, _, ok := pageParams(chrome)
	if !ok {
		return "", fmt.Errorf("brussels: no link with moncode and base in the page")
	}
	return DetailURL(CanonicalBaseURL, moncode, base, lang), nil
}

// Parse reads one question page (/weblex-quest-det/?moncode=N&base=B) into
// a record. pageURL gives moncode, base and language; when it has no moncode
// they are read from the page's own links. A page without the question
// section or its labels, or cut short before the section ends, is a
// *parlq.LayoutError; an error page served with 200 OK wraps
// parlq.ErrSoftError.
func (s *Source) Parse(pageURL string, body []byte) (*parlq.Question, error) {
	sec, ok := findSection(body)
	if !ok {
		return nil, missingSection(pageURL, body)
	}
	if !sec.closed {
		return nil, &parlq.LayoutError{URL: cmp.Or(pageURL, "page without URL"), Missing: []string{errCut}}
	}
	moncode, base, lang, ok := detailParams(pageURL)
	if !ok {
		if moncode, base, _, ok = pageParams(body[:sec.start]); !ok {
			return nil, fmt.Errorf("brussels: %s: no moncode and base in the URL or in the page's links", describe(pageURL))
		}
		lang = ""
	}
	assembly, err := assemblyOf(base)
	if err != nil {
		return nil, fmt.Errorf("brussels: %s: %w", pageURL, err)
	}
	switch sec.lang {
	case "fr", "nl":
		lang = sec.lang
	default:
		if lang != "nl" {
			lang = "fr"
		}
	}
	canonical := DetailURL(CanonicalBaseURL, moncode, base, lang)
	layoutURL := pageURL
	if layoutURL == "" {
		layoutURL = canonical
	}

	root, err := html.Parse(bytes.NewReader(sectionUTF8(sec.html)))
	if err != nil {
		return nil, fmt.Errorf("brussels: %s: %w", layoutURL, err)
	}
	f, missing := readSection(root)
	if len(missing) > 0 {
		return nil, &parlq.LayoutError{URL: layoutURL, Missing: missing}
	}
	if f.title == "" {
		if f.author == "" && f.received == "" && len(f.acts) == 0 {
			return nil, fmt.Errorf("brussels: %s: %w: the question template is empty", layoutURL, parlq.ErrSoftError)
		}
		return nil, &parlq.LayoutError{URL: layoutURL, Missing: []string{"title text (<h3>)"}}
	}
	typ, ok := typeOfTitle(f.title)
	if !ok {
		return nil, &parlq.LayoutError{URL: layoutURL, Missing: []string{fmt.Sprintf("a known question type at the start of the title %q", f.title)}}
	}

	q := &parlq.Question{
		ID:          parlq.MakeID(SourceName, assembly, moncode),
		Source:      SourceName,
		Parliament:  ParliamentName,
		Assembly:    assembly,
		URL:         canonical,
		Language:    lang,
		Type:        typ,
		Number:      f.number,
		Title:       f.title,
		Author:      parlq.Person{Name: f.author},
		Addressee:   parlq.Person{Name: f.addressee, Role: f.role},
		Addressees:  f.addressees,
		Legislature: f.legislature,
		Session:     f.session,
		Received:    f.received,
		Published:   f.published,
		Answered:    f.answered,
		Question:    f.question,
		Answer:      f.answer,
		Acts:        f.acts,
		Attachments: f.attachments,
	}
	for i := range q.Acts {
		q.Acts[i].URL = absolute(q.Acts[i].URL)
	}
	for i := range q.Attachments {
		q.Attachments[i].URL = absolute(q.Attachments[i].URL)
	}
	q.Status = status(q)
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("brussels: %s: %w", layoutURL, err)
	}
	return q, nil
}

// status: answered when there is an answer or an answer date; else the
// last procedure act that settles the question: withdrawn ("Retirée par son
// auteur.", ingetrokken), lapsed (Caduc(que), vervallen); else pending.
func status(q *parlq.Question) parlq.Status {
	if q.Answer != "" || q.Answered != "" {
		return parlq.Answered
	}
	st := parlq.Pending
	for _, a := range q.Acts {
		act := strings.ToLower(a.Act)
		switch {
		case strings.Contains(act, "retiré") || strings.Contains(act, "ingetrokken"):
			st = parlq.Withdrawn
		case strings.Contains(act, "caduc") || strings.Contains(act, "verval"):
			st = parlq.Lapsed
		}
	}
	return st
}

// absolute resolves a link the page gives against the canonical site.
func absolute(link string) string {
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil || u.IsAbs() {
		return link
	}
	base, _ := url.Parse(CanonicalBaseURL + "/")
	return base.ResolveReference(u).String()
}

// sectionUTF8 returns the section as UTF-8. The site converts its
// ISO-8859-1 texts to UTF-8; a section with no valid multi-byte sequence at
// all was not converted and is decoded as Windows-1252.
func sectionUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && size > 1 {
			return bytes.ToValidUTF8(b, []byte("\uFFFD"))
		}
		i += size
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return out
}

// fields is what readSection finds in the question section.
type fields struct {
	title, author, addressee, role, number string
	// addressees lists every addressee when the page names several.
	addressees                    []parlq.Person
	received, published, answered string
	legislature, session          string
	question, answer              string
	acts                          []parlq.Act
	attachments                   []parlq.Attachment
}

// Labels of the date table and of the text cells, lower case without the
// colon. The Dutch ones are the site's usual vocabulary; no Dutch page has
// been seen, so an unknown label is a layout error, not a guess.
const (
	labReceived    = "received"
	labPublished   = "published"
	labLegislature = "legislature"
	labSession     = "session"
	labAnswered    = "answered"
	labReference   = "reference"
	labQuestion    = "question"
	labAnswer      = "answer"
)

var labels = map[string]string{
	"date de réception":      labReceived,
	"datum van ontvangst":    labReceived,
	"date de publication":    labPublished,
	"datum van publicatie":   labPublished,
	"datum van bekendmaking": labPublished,
	"législature":            labLegislature,
	"zittingsperiode":        labLegislature,
	"legislatuur":            labLegislature,
	"session":                labSession,
	"zitting":                labSession,
	"date de réponse":        labAnswered,
	"datum van antwoord":     labAnswered,
	"référence":              labReference,
	"referentie":             labReference,
	"question":               labQuestion,
	"vraag":                  labQuestion,
	"réponse":                labAnswer,
	"antwoord":               labAnswer,
}

// labelNames name the required date-table labels in LayoutError.
var labelNames = []struct{ key, name string }{
	{labReceived, "Date de réception"},
	{labPublished, "Date de publication"},
	{labLegislature, "Législature"},
	{labSession, "Session"},
	{labAnswered, "Date de réponse"},
}

var (
	authorLabels    = map[string]bool{"de": true, "van": true}
	addresseeLabels = map[string]bool{"à": true, "a": true, "aan": true}
	numberRe        = regexp.MustCompile(`(?i)\(\s*(?:question|vraag)\s*(?:n\s*[°º]|nr\.?|no\.?|n\.)\s*([0-9][0-9A-Za-z/-]*)\s*\)`)
)

// normLabel is a label's text in lower case, without colon or spaces, or
// "" when n holds more than a label could (its walk is bounded, so that
// deeply nested markup costs linear time).
func normLabel(n *html.Node) string {
	const maxNodes, maxText = 16, 64
	var b []byte
	nodes := 0
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		if nodes++; nodes > maxNodes {
			return false
		}
		switch n.Type {
		case html.TextNode:
			b = append(b, n.Data...)
			return len(b) <= maxText
		case html.ElementNode:
			if skipped(n.DataAtom) {
				return true
			}
			b = append(b, ' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	if !walk(n) {
		return ""
	}
	return strings.ToLower(strings.TrimRight(collapse(string(b)), ": "))
}

// collected holds the nodes one walk of the section finds.
type collected struct {
	h3, dl *html.Node
	bold   []*html.Node
	tables []*html.Node
}

func collect(n *html.Node, c *collected) {
	if n.Type == html.ElementNode {
		if skipped(n.DataAtom) && n.DataAtom != atom.Head {
			return
		}
		switch n.DataAtom {
		case atom.H3:
			if c.h3 == nil {
				c.h3 = n
			}
		case atom.Dl:
			if c.dl == nil {
				c.dl = n
			}
		case atom.B, atom.Strong:
			c.bold = append(c.bold, n)
		case atom.Table:
			c.tables = append(c.tables, n)
		}
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		collect(ch, c)
	}
}

// readSection reads the fields of a parsed question section, and names every
// part of the known layout it could not find.
func readSection(root *html.Node) (f fields, missing []string) {
	var c collected
	collect(root, &c)

	if c.h3 == nil {
		missing = append(missing, "title (<h3>)")
	} else {
		f.title = inlineText(c.h3)
	}
	if c.dl == nil {
		missing = append(missing, "author and addressee list (<dl>)")
	} else {
		missing = append(missing, readPersons(c.dl, &f)...)
	}
	seen := readLabels(c.bold, &f)
	for _, l := range labelNames {
		if seen[l.key] == nil {
			missing = append(missing, fmt.Sprintf("label %q", l.name+":"))
		}
	}
	bad := readDates(seen, &f)
	actsBad, found := readActs(c.tables, &f)
	if !found {
		missing = append(missing, "procedure table (Date | Intitulé de l'acte | de | Référence | page)")
	}
	missing = append(missing, append(bad, actsBad...)...)
	readTexts(c.bold, &f)
	return f, missing
}

// readLabels finds the first bold label of each kind of the date table,
// and takes the publication links (Référence) that follow its dates as
// attachments.
func readLabels(bold []*html.Node, f *fields) map[string]*html.Node {
	seen := map[string]*html.Node{}
	var dateTable *html.Node
	var lastDate string
	for _, b := range bold {
		key := labels[normLabel(b)]
		switch key {
		case "", labQuestion, labAnswer:
			continue
		case labReference:
			if dateTable == nil || ancestor(b, atom.Table) != dateTable {
				continue
			}
			if text, href := valueAfter(b); href != "" {
				kind := "publication"
				if lastDate == labAnswered {
					kind = "answer"
				}
				f.attachments = append(f.attachments, parlq.Attachment{Title: text, URL: href, Type: kind})
			}
			continue
		}
		if seen[key] != nil {
			continue
		}
		seen[key] = b
		if key == labReceived {
			dateTable = ancestor(b, atom.Table)
		}
		lastDate = key
	}
	return seen
}

// readDates reads the values after the date table's labels; it returns
// what is not a date where a date should be.
func readDates(seen map[string]*html.Node, f *fields) (bad []string) {
	date := func(key string, dst *string) {
		if b := seen[key]; b != nil {
			v, _ := valueAfter(b)
			d, ok := isoDate(v)
			if !ok {
				bad = append(bad, fmt.Sprintf("a DD/MM/YYYY date after %q (got %q)", inlineText(b), v))
			}
			*dst = d
		}
	}
	date(labReceived, &f.received)
	date(labPublished, &f.published)
	date(labAnswered, &f.answered)
	if b := seen[labLegislature]; b != nil {
		f.legislature, _ = valueAfter(b)
	}
	if b := seen[labSession]; b != nil {
		f.session, _ = valueAfter(b)
	}
	return bad
}

// readActs reads the procedure table (Date | Intitulé de l'acte | de |
// Référence | page), the first five-column table headed by a date; found
// says whether there is one, bad lists rows without a proper date.
func readActs(tables []*html.Node, f *fields) (bad []string, found bool) {
	for _, t := range tables {
		rows := tableRows(t)
		if len(rows) == 0 {
			continue
		}
		head := rowCells(rows[0])
		if len(head) != 5 {
			continue
		}
		if h := normLabel(head[0]); h != "date" && h != "datum" {
			continue
		}
		for _, r := range rows[1:] {
			cells := rowCells(r)
			if len(cells) < 5 {
				continue
			}
			d := inlineText(cells[0])
			iso, ok := isoDate(d)
			if !ok {
				bad = append(bad, fmt.Sprintf("a DD/MM/YYYY date in the procedure table (got %q)", d))
			}
			a := parlq.Act{
				Date:      iso,
				Act:       inlineText(cells[1]),
				Actor:     inlineText(cells[2]),
				Reference: inlineText(cells[3]),
				Page:      inlineText(cells[4]),
				URL:       firstHref(cells[3]),
			}
			if a == (parlq.Act{}) {
				continue
			}
			f.acts = append(f.acts, a)
		}
		return bad, true
	}
	return nil, false
}

// readTexts reads the question and the answer. The Question and Réponse
// label cells are never closed: the parser closes them at the next <td>,
// so the text is the next cell.
func readTexts(bold []*html.Node, f *fields) {
	var questionCell *html.Node
	for _, b := range bold {
		if labels[normLabel(b)] != labQuestion {
			continue
		}
		if cell := textCell(b); cell != nil {
			questionCell = cell
			f.question = plainText(cell)
			break
		}
	}
	for _, b := range bold {
		if labels[normLabel(b)] != labAnswer || (questionCell != nil && within(b, questionCell)) {
			continue
		}
		if cell := textCell(b); cell != nil {
			f.answer = plainText(cell)
			break
		}
	}
}

// readPersons reads the author ("de") and the addressees ("à") from the
// <dl>. Every <dd> after an "à" label is an addressee, until another label:
// a question put to several ministers lists each, "<b>Name</b>, role
// (question n°N)" (its number is the first's; the site numbers questions per
// addressee).
func readPersons(dl *html.Node, f *fields) (missing []string) {
	var label string
	var haveAuthor, haveAddressee bool
	var people []parlq.Person
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.DataAtom {
		case atom.Dt:
			label = strings.ToLower(strings.TrimRight(inlineText(n), ": "))
			if authorLabels[label] {
				haveAuthor = true
			}
			if addresseeLabels[label] {
				haveAddressee = true
			}
			return
		case atom.Dd:
			switch {
			case authorLabels[label] && f.author == "":
				f.author = inlineText(n)
			case addresseeLabels[label]:
				name, role, number := readAddressee(n)
				if name == "" && role == "" {
					return
				}
				if len(people) == 0 {
					f.addressee, f.role, f.number = name, role, number
				}
				people = append(people, parlq.Person{Name: name, Role: role})
				return // the next <dd> may be another addressee
			}
			label = ""
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for c := dl.FirstChild; c != nil; c = c.NextSibling {
		walk(c)
	}
	if len(people) > 1 {
		f.addressees = people
	}
	if !haveAuthor {
		missing = append(missing, `author label (<dt>de</dt>)`)
	}
	if !haveAddressee {
		missing = append(missing, `addressee label (<dt>à</dt>)`)
	}
	return missing
}

// readAddressee reads "<b>Name</b>, role (question n°N)".
func readAddressee(dd *html.Node) (addressee, role, number string) {
	var name *html.Node
	var before, after []byte
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if name == nil {
				before = append(before, n.Data...)
			} else {
				after = append(after, n.Data...)
			}
		case html.ElementNode:
			if skipped(n.DataAtom) {
				return
			}
			if name == nil && (n.DataAtom == atom.B || n.DataAtom == atom.Strong) {
				name = n
				return
			}
			if block(n.DataAtom) {
				if name == nil {
					before = append(before, ' ')
				} else {
					after = append(after, ' ')
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	for c := dd.FirstChild; c != nil; c = c.NextSibling {
		walk(c)
	}
	rest := collapse(string(after))
	if name != nil {
		addressee = collapse(collapse(string(before)) + " " + inlineText(name))
	} else {
		// No bold name: the name runs to the first comma.
		rest = collapse(string(before))
		if i := strings.IndexByte(rest, ','); i >= 0 {
			addressee, rest = strings.TrimSpace(rest[:i]), rest[i:]
		} else {
			addressee = strings.TrimSpace(numberRe.ReplaceAllString(rest, ""))
		}
	}
	if m := numberRe.FindStringSubmatchIndex(rest); m != nil {
		number = rest[m[2]:m[3]]
		rest = rest[:m[0]] + rest[m[1]:]
	}
	if i := strings.IndexByte(rest, ','); i >= 0 {
		rest = rest[i+1:]
	} else if name == nil {
		rest = ""
	}
	return addressee, collapse(rest), number
}

// valueAfter is the text after a label <b> in its cell, up to the next
// label, and the first link there.
func valueAfter(b *html.Node) (text, href string) {
	var buf []byte
	for n := b.NextSibling; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && (n.DataAtom == atom.B || n.DataAtom == atom.Strong) {
			break
		}
		switch n.Type {
		case html.TextNode:
			buf = append(buf, n.Data...)
		case html.ElementNode:
			buf = append(buf, ' ')
			buf = append(buf, inlineText(n)...)
			if href == "" {
				href = firstHref(n)
			}
		}
	}
	return collapse(string(buf)), href
}

// firstHref is the href of n or of its first link.
func firstHref(n *html.Node) string {
	if n.Type == html.ElementNode && n.DataAtom == atom.A {
		if h := strings.TrimSpace(attr(n, "href")); h != "" {
			return h
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if h := firstHref(c); h != "" {
			return h
		}
	}
	return ""
}

// textCell is the cell after the label cell holding b, or nil when b is not
// alone in a cell of its own.
func textCell(b *html.Node) *html.Node {
	td := b.Parent
	if td == nil || td.Type != html.ElementNode || td.DataAtom != atom.Td {
		return nil
	}
	if labels[normLabel(td)] == "" {
		return nil
	}
	for n := td.NextSibling; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode {
			if n.DataAtom == atom.Td {
				return n
			}
			return nil
		}
	}
	return nil
}

func ancestor(n *html.Node, a atom.Atom) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.DataAtom == a {
			return p
		}
	}
	return nil
}

func within(n, container *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == container {
			return true
		}
	}
	return false
}

// tableRows are the rows of t, not of tables nested in it.
func tableRows(t *html.Node) []*html.Node {
	var rows []*html.Node
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Tr:
			rows = append(rows, c)
		case atom.Tbody, atom.Thead, atom.Tfoot:
			for r := c.FirstChild; r != nil; r = r.NextSibling {
				if r.Type == html.ElementNode && r.DataAtom == atom.Tr {
					rows = append(rows, r)
				}
			}
		}
	}
	return rows
}

func rowCells(tr *html.Node) []*html.Node {
	var cells []*html.Node
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
			cells = append(cells, c)
		}
	}
	return cells
}

// isoDate turns "DD/MM/YYYY" into "YYYY-MM-DD"; blank and "//" are no date.
func isoDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Trim(s, "/ ") == "" {
		return "", true
	}
	t, err := time.Parse("02/01/2006", s)
	if err != nil {
		t, err = time.Parse("2/1/2006", s)
	}
	if err != nil {
		return "", false
	}
	return t.Format(parlq.DateLayout), true
}

// Normalize returns the question section of a page with line endings and
// runs of white space made uniform, so that the page template, its
// per-request hid token and CRLF versus LF never count as a change.
func (s *Source) Normalize(pageURL string, body []byte) ([]byte, error) {
	sec, ok := findSection(body)
	if !ok {
		return nil, missingSection(pageURL, body)
	}
	if !sec.closed {
		return nil, &parlq.LayoutError{URL: cmp.Or(pageURL, "page without URL"), Missing: []string{errCut}}
	}
	out := make([]byte, 0, len(sec.html))
	space := false
	for _, c := range sec.html {
		if isSpace(c) || c == '\v' {
			space = true
			continue
		}
		if space && len(out) > 0 {
			out = append(out, ' ')
		}
		space = false
		out = append(out, c)
	}
	return out, nil
}
