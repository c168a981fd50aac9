// Package bechambertest is a stand-in for the Belgian Chamber's QRVA open
// data service (http://data.dekamer.be/v0/qrva) on loopback, beside the
// parser it feeds: a legislature's list paged by start, each document in
// JSON or in XML, the service's empty answer for an unknown document,
// robots.txt, HTTP validators (ETag, Last-Modified, 304), switchable faults
// and a request log (crawlertest.Host).
//
// Documents are rendered in the real responses' shapes from Question values
// (Generate makes any number of them), or served verbatim (Question.Body,
// e.g. the saved responses of FixtureQuestions). Answered, Publish, Replace
// and the other helpers change a question between two harvests. Nothing
// here touches the internet.
package bechambertest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parlq/parlq/crawler/crawlertest"
)

// Addresses of the real service.
const (
	// CanonicalBase is the live service's base URL.
	CanonicalBase = "http://data.dekamer.be"
	// ListPath is the list endpoint; a document is ListPath + "/" + SDOCNAME.
	ListPath = "/v0/qrva"
)

// PageSize is how many items a list page holds: the saved list page holds
// ten, and the service's consumers step start by ten.
const PageSize = 10

// Disclaimer is the stand-in's own notice, where the service puts its
// warning that the data may be neither up to date nor complete.
const Disclaimer = "Stand-in data served by parlq's tests: invented questions in the service's shapes."

// Targets of the service's paths, for faults and the log (with
// crawlertest.TargetRobots, TargetOther and TargetAll).
const (
	// TargetList is any list page.
	TargetList crawlertest.Target = "list"
	// TargetUnknown is a document the service does not know.
	TargetUnknown crawlertest.Target = "unknown-document"
)

// DocumentTarget is the target of a question's document, whatever its
// current SDOCNAME.
func DocumentTarget(q Question) crawlertest.Target {
	return crawlertest.Target("question/" + q.Key())
}

// Options configure a Site.
type Options struct {
	Questions []Question
	// Robots is the robots.txt body, default crawlertest.DefaultRobots.
	Robots string
	// NoValidators turns off ETag, Last-Modified and 304 answers.
	NoValidators bool
}

// entry is a question as the site serves it.
type entry struct {
	q        Question
	modified time.Time
	json     []byte // the detail in JSON (Body when verbatim)
	xml      []byte // the detail in XML (nil when verbatim)
	etag     string
}

// Site is a running replay of the QRVA service. Its methods are safe for
// concurrent use.
type Site struct {
	*crawlertest.Host
	opts Options

	mu      sync.Mutex
	entries map[string]*entry // by Key
	byName  map[string]string // SDOCNAME → Key
	order   []string          // list order: as added
	clock   time.Time
}

// New starts a QRVA replay on loopback. Close it when done.
func New(opts Options) *Site {
	s := &Site{
		opts:    opts,
		entries: map[string]*entry{},
		byName:  map[string]string{},
		clock:   time.Now().UTC().Truncate(time.Second),
	}
	for _, q := range opts.Questions {
		s.setLocked(q)
	}
	s.Host = crawlertest.NewHost(opts.Robots, s.serve)
	return s
}

// ListURL is the first list page of a legislature on this site.
func (s *Site) ListURL(legislature int) string {
	return s.URL() + ListPath + "?leg=" + strconv.Itoa(legislature) + "&start=0"
}

// DocumentURL is a question's document on this site, at its current name.
func (s *Site) DocumentURL(q Question) string { return s.URL() + ListPath + "/" + q.SDOCNAME() }

// SetQuestion adds a question or replaces the one with its Key (a question
// answered, printed or corrected between two harvests; its SDOCNAME may
// change). Its Last-Modified moves forward when its document changes.
func (s *Site) SetQuestion(q Question) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLocked(q)
}

func (s *Site) setLocked(q Question) {
	k := q.Key()
	e := &entry{q: q}
	if q.Body != nil {
		e.json = q.Body
	} else {
		e.json, e.xml = renderJSON(q, ""), renderXML(q, "")
	}
	sum := sha256.Sum256(append(append([]byte(nil), e.json...), e.xml...))
	e.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
	old := s.entries[k]
	switch {
	case old == nil:
		s.order = append(s.order, k)
		e.modified = s.tick()
	case old.etag == e.etag && old.q.SDOCNAME() == q.SDOCNAME():
		old.q = q
		return
	default:
		delete(s.byName, old.q.SDOCNAME())
		e.modified = s.tick()
	}
	s.entries[k] = e
	s.byName[q.SDOCNAME()] = k
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

// Question returns a question by its Key.
func (s *Site) Question(key string) (Question, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	if !ok {
		return Question{}, false
	}
	return e.q, true
}

// Questions returns every question, in list order.
func (s *Site) Questions() []Question {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Question, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, s.entries[k].q)
	}
	return out
}

// Pages is how many list pages a legislature has (at least one).
func (s *Site) Pages(legislature int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.order {
		if s.entries[k].q.Legislature == legislature {
			n++
		}
	}
	return max(1, (n+PageSize-1)/PageSize)
}

// request is what a request asks for.
type request struct {
	target crawlertest.Target
	list   bool
	e      entry // the document's entry (a copy), when known
	known  bool
}

func (s *Site) route(path string) request {
	switch {
	case path == "/robots.txt":
		return request{target: crawlertest.TargetRobots}
	case strings.TrimRight(path, "/") == ListPath:
		return request{target: TargetList, list: true}
	case strings.HasPrefix(path, ListPath+"/"):
		name := path[len(ListPath)+1:]
		s.mu.Lock()
		defer s.mu.Unlock()
		if k, ok := s.byName[name]; ok {
			e := s.entries[k]
			return request{target: DocumentTarget(e.q), e: *e, known: true}
		}
		return request{target: TargetUnknown}
	}
	return request{target: crawlertest.TargetOther}
}

func (s *Site) serve(rw http.ResponseWriter, r *http.Request) {
	var rq request
	ex := s.Begin(rw, r, func() crawlertest.Target {
		rq = s.route(r.URL.Path)
		return rq.target
	})
	defer ex.Done()
	w, f := ex.W, ex.Fault

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	xml := prefersXML(r.Header.Get("Accept"))
	var (
		code      = http.StatusOK
		ct        = jsonType
		body      []byte
		etag      string
		modified  time.Time
		validated bool
	)
	switch {
	case rq.target == crawlertest.TargetRobots:
		ct, body = "text/plain; charset=utf-8", []byte(ex.Robots)
	case rq.list:
		var err error
		body, modified, err = s.list(r.URL.RawQuery, xml)
		if err != nil {
			code, ct, body = http.StatusBadRequest, "text/plain; charset=utf-8", []byte(err.Error()+"\n")
			break
		}
		sum := sha256.Sum256(body)
		etag, validated = `"`+hex.EncodeToString(sum[:8])+`"`, true
	case rq.known:
		body, etag, modified, validated = rq.e.json, rq.e.etag, rq.e.modified, true
		if rq.e.xml != nil && (xml || rq.e.q.XML) {
			body = rq.e.xml
		}
		if bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
			ct = xmlType
		}
	case rq.target == TargetUnknown:
		body = emptyAnswer(xml)
		if xml {
			ct = xmlType
		}
	default:
		code, ct, body = http.StatusNotFound, "text/plain; charset=utf-8", []byte("404 page not found\n")
	}
	if f != nil && s.Misbehave(w, r, f, spoil(ct, body)) {
		return
	}
	if validated && !s.opts.NoValidators {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
		if crawlertest.NotModified(r, etag, modified) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// Content types of the two formats.
const (
	jsonType = "application/json;charset=UTF-8"
	xmlType  = "application/xml;charset=UTF-8"
)

// prefersXML says whether an Accept header ranks XML above JSON. How the
// real service chooses is not known; this is the usual content negotiation
// (colly's "*/*" and a missing header get JSON).
func prefersXML(accept string) bool {
	best := map[string]float64{"json": -1, "xml": -1}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		for format, types := range map[string][]string{
			"json": {"application/json", "application/*", "*/*"},
			"xml":  {"application/xml", "text/xml", "application/*", "text/*", "*/*"},
		} {
			for _, t := range types {
				if mt == t && q > best[format] {
					best[format] = q
				}
			}
		}
	}
	return best["xml"] > best["json"]
}

// list renders a list page for a query "leg=56&start=10".
func (s *Site) list(rawQuery string, xml bool) ([]byte, time.Time, error) {
	leg, start := -1, 0
	for _, part := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "leg":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, time.Time{}, fmt.Errorf("leg: %q is not a legislature", v)
			}
			leg = n
		case "start":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, time.Time{}, fmt.Errorf("start: %q is not an offset", v)
			}
			start = n
		}
	}
	s.mu.Lock()
	var page []Question
	total := 0
	var modified time.Time
	for _, k := range s.order {
		e := s.entries[k]
		if leg > 0 && e.q.Legislature != leg {
			continue
		}
		if total >= start && total < start+PageSize {
			page = append(page, e.q)
		}
		if e.modified.After(modified) {
			modified = e.modified
		}
		total++
	}
	s.mu.Unlock()
	if modified.IsZero() {
		modified = s.clock
	}
	// Links name the canonical service, as the saved responses' do.
	if xml {
		return renderListXML(CanonicalBase, start, total, page), modified, nil
	}
	return renderListJSON(CanonicalBase, start, total, page), modified, nil
}

// spoil is what a fault spoils: the answer, the service's empty answer
// served with 200 (an unknown document), and the answer with its items
// under another name.
func spoil(ct string, body []byte) crawlertest.Spoil {
	sp := crawlertest.Spoil{ContentType: ct, Body: body, SoftError: emptyAnswer(ct == xmlType)}
	switch ct {
	case jsonType:
		sp.Layout = bytes.Replace(body, []byte(`"items"`), []byte(`"documents"`), 1)
	case xmlType:
		sp.Layout = bytes.ReplaceAll(body, []byte("QRVADOC>"), []byte("DOCUMENT>"))
	}
	return sp
}

// FixturesDir finds the real saved responses of the service,
// ../shared/fixtures/be-chamber.
func FixturesDir() (string, error) { return crawlertest.FixturesDir("be-chamber") }
