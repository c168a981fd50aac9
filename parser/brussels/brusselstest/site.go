// Package brusselstest is a stand-in for the Brussels Parliament website on
// loopback, beside the parser it feeds: it serves a legislature index JSON
// and question detail pages at the real paths, with robots.txt, HTTP
// validators (ETag, Last-Modified, 304) and switchable faults, and logs every
// request (crawlertest.Host) so tests can assert on request counts and
// politeness.
//
// Pages are rendered from an embedded template written in the site's markup
// with invented content (Generate makes any number of questions), or served
// verbatim (Question.Page, e.g. saved pages read from the shared fixtures).
// Tests of crawler, dataset, cmd/parlq and server use it; nothing here
// touches the internet.
package brusselstest

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/parlq/parlq/crawler/crawlertest"
)

// State is where a question stands on the site.
type State string

// Question states as the detail page shows them.
const (
	// Unpublished: received, dates blank, empty question cell.
	Unpublished State = "unpublished"
	// Pending: question text, no answer.
	Pending State = "pending"
	// Answered: publication and answer dates, a Réponse row.
	Answered State = "answered"
	// Lapsed: dates "//", a "Caduc(que)" procedure row, no answer.
	Lapsed State = "lapsed"
	// Withdrawn: dates "//", a "Retirée par son auteur." procedure row, no
	// answer.
	Withdrawn State = "withdrawn"
)

// Type codes of the index's last column.
const (
	TypeWritten     = 1
	TypeOral        = 2
	TypeTopical     = 3
	TypeInterpel    = 4
	TypeExplanation = 5
)

// Question is one question the site publishes: a row of the legislature index
// and a detail page.
type Question struct {
	Moncode int
	// Base is 1 for the PRB, 2 for the ARCCC.
	Base int
	// TypeCode is the index's type code (TypeWritten…); 0 means written.
	TypeCode  int
	Number    int
	Title     string
	Author    string
	Addressee string
	Role      string
	// Others are the addressees after the first (Addressee, Role) of a
	// question put to several members of the government; each has its own
	// question number on the page.
	Others []Addressee
	// Legislature is the term whose index lists the question; default the
	// site's (Options.Legislature).
	Legislature string
	Session     string
	Received    time.Time
	// Answered is the answer (and publication) date of an answered question.
	Answered time.Time
	State    State
	// Text and Answer are plain text; paragraphs separated by "\n". An
	// answer's lines holding tabs are served as the rows of a table in the
	// site's editor markup (<td><p>…</p></td>).
	Text   string
	Answer string
	// Page, when set, is served verbatim instead of the rendered template.
	Page []byte
	// ContentType of the detail page; default "text/html; charset=UTF-8".
	ContentType string
}

// Addressee is one more addressee of a question.
type Addressee struct {
	Name, Role string
	Number     int
}

// Targets of the site's own paths (with crawlertest.TargetRobots,
// TargetOther and TargetAll).
const (
	// TargetIndex is the index JSON of the site's legislature
	// (Options.Legislature); IndexOf names the others.
	TargetIndex crawlertest.Target = "index"
)

// IndexOf is the target of another legislature's index JSON ("19/24").
func IndexOf(legislature string) crawlertest.Target {
	return crawlertest.Target("index/" + strings.ReplaceAll(legislature, "/", "-"))
}

// Detail is the target of a question's detail page.
func Detail(moncode, base int) crawlertest.Target {
	return crawlertest.Target(fmt.Sprintf("detail/%d/%d", moncode, base))
}

// Options configure a Site.
type Options struct {
	Questions []Question
	// Legislature served, default "24/29"; the site also serves the index
	// of every legislature its questions name, and 404 for the others.
	Legislature string
	// Robots is the robots.txt body, default allowing everything but /wp-admin/.
	Robots string
	// NoValidators turns off ETag/Last-Modified and 304 answers.
	NoValidators bool
}

// Paths of the real site.
const (
	DetailPathPrefix = "/weblex-quest-det/"
	indexPathFormat  = "/prb_includes/weblex/data/dos_qu_legis_%s.json"
)

// CanonicalBase is the live site's base URL.
const CanonicalBase = "https://www.parlement.brussels"

// DetailPath is the path and query of a question's detail page, as the index
// links it.
func DetailPath(moncode, base int) string {
	return fmt.Sprintf("%s?moncode=%d&montitre=&base=%d", DetailPathPrefix, moncode, base)
}

// IndexPath is the path of a legislature's index JSON ("24/29").
func IndexPath(legislature string) string {
	return fmt.Sprintf(indexPathFormat, strings.ReplaceAll(legislature, "/", "-"))
}

type page struct {
	q        Question
	modified time.Time
	etag     string
	body     []byte // rendered without a token, or verbatim
}

// Site is a running replay server. Its methods are safe for concurrent use.
type Site struct {
	*crawlertest.Host
	opts Options

	mu sync.Mutex

	order []string
	pages map[string]*page
	index map[string]indexCache // by legislature
	clock time.Time
}

// indexCache is a rendered legislature index.
type indexCache struct {
	body []byte
	mod  time.Time
}

// New starts a replay site on loopback. Close it when done.
func New(opts Options) *Site {
	if opts.Legislature == "" {
		opts.Legislature = "24/29"
	}
	s := &Site{
		opts:  opts,
		pages: map[string]*page{},
		index: map[string]indexCache{},
		clock: time.Now().UTC().Truncate(time.Second),
	}
	for _, q := range opts.Questions {
		s.setLocked(q)
	}
	// The host serves from here on: its handler reads s.Host under s.mu,
	// so that the assignment happens before any request is handled.
	s.mu.Lock()
	s.Host = crawlertest.NewHost(opts.Robots, s.serve)
	s.mu.Unlock()
	return s
}

// IndexURL is the absolute URL of the served legislature index.
func (s *Site) IndexURL() string { return s.URL() + IndexPath(s.opts.Legislature) }

func key(moncode, base int) string { return fmt.Sprintf("%d/%d", moncode, base) }

// SetQuestion adds a question or replaces it (a question that gets answered
// between two harvests). Its Last-Modified moves forward when its page changes.
func (s *Site) SetQuestion(q Question) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLocked(q)
}

func (s *Site) setLocked(q Question) {
	if q.Base == 0 {
		q.Base = 1
	}
	if q.TypeCode == 0 {
		q.TypeCode = TypeWritten
	}
	if q.State == "" {
		q.State = Pending
	}
	if q.Legislature == "" {
		q.Legislature = s.opts.Legislature
	}
	k := key(q.Moncode, q.Base)
	body := q.Page
	if body == nil {
		body = render(q, "", false, false)
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	old := s.pages[k]
	if old == nil {
		s.order = append(s.order, k)
	} else if old.etag == etag {
		old.q = q
		return
	}
	s.pages[k] = &page{q: q, modified: s.tick(), etag: etag, body: body}
	s.index = map[string]indexCache{}
}

// tick returns a modification time strictly after the previous one, at
// HTTP-date (second) resolution.
func (s *Site) tick() time.Time {
	now := time.Now().UTC().Truncate(time.Second)
	if !now.After(s.clock) {
		now = s.clock.Add(time.Second)
	}
	s.clock = now
	return now
}

// Question returns a question as the site has it.
func (s *Site) Question(moncode, base int) (Question, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pages[key(moncode, base)]
	if !ok {
		return Question{}, false
	}
	return p.q, true
}

// Questions returns every question the site publishes, in index order.
func (s *Site) Questions() []Question {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Question, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, s.pages[k].q)
	}
	return out
}

func (s *Site) target(r *http.Request) (crawlertest.Target, *page) {
	switch {
	case r.URL.Path == "/robots.txt":
		return crawlertest.TargetRobots, nil
	case strings.HasPrefix(r.URL.Path, "/prb_includes/weblex/data/dos_qu_legis_"):
		switch leg := s.legislatureOf(r.URL.Path); leg {
		case "":
			return crawlertest.TargetOther, nil
		case s.opts.Legislature:
			return TargetIndex, nil
		default:
			return IndexOf(leg), nil
		}
	case r.URL.Path == DetailPathPrefix:
		q := r.URL.Query()
		m, err1 := strconv.Atoi(q.Get("moncode"))
		b, err2 := strconv.Atoi(q.Get("base"))
		if err1 != nil || err2 != nil || q.Get("lang") != "" {
			return crawlertest.TargetOther, nil
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return Detail(m, b), s.pages[key(m, b)]
	}
	return crawlertest.TargetOther, nil
}

func (s *Site) serve(rw http.ResponseWriter, r *http.Request) {
	var (
		t  crawlertest.Target
		p  *page
		pg page
	)
	s.mu.Lock()
	host := s.Host
	s.mu.Unlock()
	ex := host.Begin(rw, r, func() crawlertest.Target {
		t, p = s.target(r)
		if p != nil {
			pg = *p
		}
		return t
	})
	defer ex.Done()
	w, f := ex.W, ex.Fault

	if f != nil && host.Misbehave(w, r, f, s.spoil(t, r.URL.Path, &pg)) {
		return
	}
	switch {
	case t == crawlertest.TargetRobots:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, ex.Robots)
	case t == TargetIndex || strings.HasPrefix(string(t), "index/"):
		body, mod := s.indexJSON(s.legislatureOf(r.URL.Path))
		s.send(w, r, "application/json", body, `"`+shortHash(body)+`"`, mod)
	case p != nil:
		body := pg.body
		if pg.q.Page == nil {
			body = render(pg.q, token(), false, false)
		}
		ct := pg.q.ContentType
		if ct == "" {
			ct = "text/html; charset=UTF-8"
		}
		s.send(w, r, ct, body, pg.etag, pg.modified)
	default:
		http.NotFound(w, r)
	}
}

// spoil is what a fault spoils for target t at path: the page (or the
// index), the site's empty error page, the page in a changed layout, the
// page with its texts blanked and its answer gone (as a pending question),
// the index cut to a twelfth of its rows, and where a cut page ends (in the
// middle of the answer, or of the question).
func (s *Site) spoil(t crawlertest.Target, path string, pg *page) crawlertest.Spoil {
	sp := crawlertest.Spoil{ContentType: "text/html; charset=UTF-8", Body: pg.body,
		SoftError: render(pg.q, token(), true, false)}
	switch {
	case t == TargetIndex || strings.HasPrefix(string(t), "index/"):
		leg := s.legislatureOf(path)
		sp.ContentType = "application/json"
		sp.Body, _ = s.indexJSON(leg)
		sp.Shrunk = s.indexOf(leg, true)
	case pg.body != nil:
		sp.Layout = render(pg.q, token(), false, true)
		blank := pg.q
		blank.State, blank.Text, blank.Answer, blank.Page = Pending, "", "", nil
		sp.Degraded = render(blank, token(), false, false)
		if pg.q.Page == nil {
			sp.Body = render(pg.q, token(), false, false)
		}
		sp.CutAt = midText(sp.Body)
	default:
		sp.Body = []byte(strings.Repeat("<p>truncated</p>\n", 64))
	}
	return sp
}

// midText is an offset in the middle of a page's answer text, or of its
// question text when it has no answer: where the Cut fault cuts.
func midText(page []byte) int {
	for _, label := range []string{"<b>R&eacute;ponse", "<b>Question &nbsp;"} {
		i := bytes.Index(page, []byte(label))
		if i < 0 {
			continue
		}
		start := bytes.Index(page[i:], []byte(`<td valign="top">`))
		if start < 0 {
			continue
		}
		start += i + len(`<td valign="top">`)
		if end := bytes.Index(page[start:], []byte("</td>")); end > 1 {
			return start + end/2
		}
	}
	return len(page) / 2
}

// legislatureOf returns the legislature ("24/29") whose index path is
// path, when the site serves it, or "".
func (s *Site) legislatureOf(path string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path == IndexPath(s.opts.Legislature) {
		return s.opts.Legislature
	}
	for _, p := range s.pages {
		if path == IndexPath(p.q.Legislature) {
			return p.q.Legislature
		}
	}
	return ""
}

// send writes a body with validators, or 304 when the request's validators
// match (crawlertest.Send), or without validators when the site has none.
func (s *Site) send(w http.ResponseWriter, r *http.Request, ct string, body []byte, etag string, mod time.Time) {
	if !s.opts.NoValidators {
		crawlertest.Send(w, r, ct, body, etag, mod)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// token is the per-request anti-bot token the real site embeds.
func token() string {
	return fmt.Sprintf("%016X%016X", rand.Uint64(), rand.Uint64())
}

// indexJSON renders (and caches) a legislature's index.
func (s *Site) indexJSON(leg string) ([]byte, time.Time) {
	s.mu.Lock()
	c, ok := s.index[leg]
	s.mu.Unlock()
	if ok {
		return c.body, c.mod
	}
	body := s.indexOf(leg, false)
	s.mu.Lock()
	defer s.mu.Unlock()
	var mod time.Time
	for _, p := range s.pages {
		if p.q.Legislature == leg && p.modified.After(mod) {
			mod = p.modified
		}
	}
	s.index[leg] = indexCache{body: body, mod: mod}
	return body, mod
}

// indexOf renders a legislature's index; shrunk keeps one row in twelve
// (the Shrunk fault: an index that lost 92% of its rows).
func (s *Site) indexOf(leg string, shrunk bool) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := make([][16]string, 0, len(s.order))
	for i, k := range s.order {
		p := s.pages[k]
		if p.q.Legislature != leg || (shrunk && i%12 != 0) {
			continue
		}
		rows = append(rows, indexRow(p.q, leg))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"data": rows}); err != nil {
		panic(err) // strings always encode
	}
	return buf.Bytes()
}

var typeNames = map[int][2]string{
	TypeWritten:     {"question &eacute;crite", "schriftelijke vraag"},
	TypeOral:        {"question orale", "mondelinge vraag"},
	TypeTopical:     {"question d'actualit&eacute;", "dringende vraag"},
	TypeInterpel:    {"interpellation", "interpellatie"},
	TypeExplanation: {"demande d'explication", "vraag om uitleg"},
}

func indexRow(q Question, legislature string) [16]string {
	asm, asmNL := "PRB", "BHP"
	if q.Base == 2 {
		asm, asmNL = "ARCCC", "VVGGC"
	}
	link := fmt.Sprintf(`<a href="%s">fiche</a>`, DetailPath(q.Moncode, q.Base))
	linkNL := fmt.Sprintf(`<a href="%s&lang=nl">fiche</a>`, DetailPath(q.Moncode, q.Base))
	names := typeNames[q.TypeCode]
	titleNL := ""
	if q.Title != "" {
		titleNL = "Schriftelijke vraag betreffende " + entities(q.Title)
	}
	return [16]string{
		asm, asmNL, link, linkNL, legislature, q.Received.Format("02/01/2006"),
		names[0], names[1], entities(q.Title), titleNL, entities(q.Author),
		addresseeCell(q), addresseeCell(q), "", "",
		strconv.Itoa(q.TypeCode),
	}
}

// addresseeCell is the index's addressee cell: "Name - role", several
// joined with <br>.
func addresseeCell(q Question) string {
	cell := entities(q.Addressee + " - " + q.Role)
	for _, o := range q.Others {
		cell += "<br>" + entities(o.Name+" - "+o.Role)
	}
	return cell
}

//go:embed detail.html.tmpl
var detailTemplate string

var tmpl = template.Must(template.New("detail").Parse(detailTemplate))

// menu pads the page with site chrome of a realistic size (~60 KB pages).
var menu = func() []string {
	var m []string
	for i := range 320 {
		m = append(m, fmt.Sprintf("rubrique-%03d-commission-des-affaires-interieures-et-du-developpement-territorial", i))
	}
	return m
}()

type act struct{ Date, Act, Actor string }

// render builds a detail page. soft renders the empty error page; layout a
// changed layout.
func render(q Question, tok string, soft, layout bool) []byte {
	date := func(t time.Time) string {
		if t.IsZero() {
			return "//"
		}
		return t.Format("02/01/2006")
	}
	d := map[string]any{
		"Moncode": q.Moncode, "Base": q.Base, "Token": tok, "Menu": menu,
		"SectionID": "weblex-quest-det-fr", "Soft": soft,
		"ReceivedLabel": "Date de r&eacute;ception:",
		"Title":         entities(q.Title), "Author": entities(q.Author),
		"Addressee": entities(q.Addressee), "Role": entities(q.Role), "Number": q.Number,
		"Others":      others(q.Others),
		"Legislature": q.Legislature, "Session": q.Session,
		"Received": date(q.Received), "Published": "//", "Answered": "//",
	}
	if layout {
		d["SectionID"] = "weblex-question-fiche"
		d["ReceivedLabel"] = "Re&ccedil;ue le:"
	}
	acts := []act{{date(q.Received.AddDate(0, 0, 5)), "Recevable", "Bureau &eacute;largi du Parlement"}}
	switch q.State {
	case Unpublished:
		d["Published"] = ""
		d["Answered"] = ""
	case Pending:
		d["Text"] = paragraphs(q.Text)
	case Answered:
		d["Text"] = paragraphs(q.Text)
		d["Answer"] = answerMarkup(q.Answer)
		d["Published"] = date(q.Answered)
		d["Answered"] = date(q.Answered)
	case Lapsed:
		d["Text"] = paragraphs(q.Text)
		acts = append(acts, act{date(q.Received.AddDate(0, 3, 0)), "Caduc(que)", ""})
	case Withdrawn:
		d["Text"] = paragraphs(q.Text)
		acts = append(acts, act{date(q.Received.AddDate(0, 0, 20)), "Retir&eacute;e par son auteur.", ""})
	}
	d["Acts"] = acts
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, d); err != nil {
		panic(err) // the template is fixed and its data complete
	}
	return buf.Bytes()
}

// entities escapes text the way the site does: markup characters and
// accented letters as entities.
func entities(s string) string {
	s = html.EscapeString(s)
	r := strings.NewReplacer("é", "&eacute;", "è", "&egrave;", "à", "&agrave;", "ê", "&ecirc;",
		"ç", "&ccedil;", "ô", "&ocirc;", "É", "&Eacute;", "&#39;", "&#039;", "’", "&rsquo;")
	return r.Replace(s)
}

func paragraphs(text string) string {
	if text == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("<p>")
	for i, p := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("<br />\n<br />\n")
		}
		b.WriteString(entities(p))
	}
	b.WriteString("</p>\n")
	return b.String()
}

// answerMarkup writes an answer as the site does: paragraphs in <BR> runs,
// and lines holding tabs as the rows of an editor table.
func answerMarkup(text string) string {
	var b strings.Builder
	inTable := false
	for i, p := range strings.Split(text, "\n") {
		if strings.Contains(p, "\t") {
			if !inTable {
				b.WriteString("</SPAN><table border=\"1\" cellpadding=\"0\" cellspacing=\"0\">\n\t<tbody>\n")
				inTable = true
			}
			b.WriteString("\t\t<tr>\n")
			for _, c := range strings.Split(p, "\t") {
				b.WriteString("\t\t\t<td><p>" + entities(c) + "</p></td>\n")
			}
			b.WriteString("\t\t</tr>\n")
			continue
		}
		if inTable {
			b.WriteString("\t</tbody>\n</table>\n<SPAN STYLE= \"\" >")
			inTable = false
		} else if i > 0 {
			b.WriteString("<BR><BR>")
		}
		b.WriteString(entities(p))
	}
	if inTable {
		b.WriteString("\t</tbody>\n</table>\n<SPAN STYLE= \"\" >")
	}
	b.WriteString(" <BR>")
	return b.String()
}

// other is an addressee after the first, as the page prints it.
type other struct {
	Name, Role string
	Number     int
}

func others(os []Addressee) []other {
	var out []other
	for _, o := range os {
		out = append(out, other{Name: entities(o.Name), Role: entities(o.Role), Number: o.Number})
	}
	return out
}
