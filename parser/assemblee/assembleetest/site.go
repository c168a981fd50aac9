// Package assembleetest is a stand-in for the Assemblée nationale's open
// data on loopback, beside the parser it feeds: a legislature's
// written-questions dump (Questions_ecrites.json.zip, built at request time
// from its questions, with ETag/Last-Modified and 304 answers), each
// question's own document (/dyn/opendata/<uid>.json), and the actors and
// organs reference dump (AMO10…json.zip), with robots.txt, switchable
// faults and a request log (crawlertest.Host). Questions can change
// between two harvests (Answer, Reassign, Renew, Signal, Close), and the
// dump can be rebuilt with the same content (Rebuild), as the AN does
// every night.
//
// Questions are invented (Generate: a legislature evolving day by day,
// with its reference data) or read from the shared fixtures in place
// (FixtureQuestion, FixtureReferences). Nothing here touches the internet.
package assembleetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parlq/parlq/crawler/crawlertest"
)

// Addresses of the real services.
const (
	// CanonicalBase is the open-data host (dumps and reference data).
	CanonicalBase = "https://data.assemblee-nationale.fr"
	// CanonicalSite is the website (per-question documents).
	CanonicalSite = "https://www.assemblee-nationale.fr"
	// QuestionPathPrefix is the per-question documents' path: + <uid>.json.
	QuestionPathPrefix = "/dyn/opendata/"
)

// DumpPath is the path of a legislature's written-questions dump.
func DumpPath(legislature int) string {
	name := "Questions_ecrites.json.zip"
	switch legislature {
	case 14:
		name = "Questions_ecrites_XIV.json.zip"
	case 15:
		name = "Questions_ecrites_XV.json.zip"
	}
	return fmt.Sprintf("/static/openData/repository/%d/questions/questions_ecrites/%s", legislature, name)
}

// ActorsPath is the path of the current legislature's reference dump (the
// sitting members, their mandates, the organs they refer to).
func ActorsPath(legislature int) string {
	return fmt.Sprintf("/static/openData/repository/%d/amo/deputes_actifs_mandats_actifs_organes/AMO10_deputes_actifs_mandats_actifs_organes.json.zip", legislature)
}

// Targets of the site's own paths, for faults and the log (with
// crawlertest.TargetRobots, TargetOther and TargetAll).
const (
	TargetDump   crawlertest.Target = "dump"
	TargetActors crawlertest.Target = "actors"
)

// QuestionTarget is the target of a question's own document.
func QuestionTarget(uid string) crawlertest.Target { return crawlertest.Target("question/" + uid) }

// Options configure a Site.
type Options struct {
	Questions []Question
	// References are the members of the reference dump ("acteur/PA1.json",
	// "organe/PO1.json"): FixtureReferences, or GenerateReferences.
	References []File
	// Legislature served, default 17.
	Legislature int
	// Robots is the robots.txt body, default crawlertest.DefaultRobots.
	Robots string
	// NoValidators turns off ETag/Last-Modified and 304 answers.
	NoValidators bool
}

// Site is a running replay of the open data. Its methods are safe for
// concurrent use.
type Site struct {
	*crawlertest.Host
	opts Options

	mu    sync.Mutex
	qs    map[string]*entry
	order []string
	refs  []File
	clock time.Time

	dump, actors         []byte // built on demand; nil when stale
	dumpBuilt, refsBuilt time.Time
}

type entry struct {
	q        Question
	body     []byte
	etag     string
	modified time.Time
}

// New starts a replay on loopback. Close it when done.
func New(opts Options) *Site {
	if opts.Legislature == 0 {
		opts.Legislature = 17
	}
	s := &Site{opts: opts, qs: map[string]*entry{}, clock: time.Now().UTC().Truncate(time.Second)}
	for _, q := range opts.Questions {
		s.setLocked(q)
	}
	s.refs = append([]File(nil), opts.References...)
	s.refsBuilt = s.tick()
	s.Host = crawlertest.NewHost(opts.Robots, s.serve)
	return s
}

// DumpURL is the absolute URL of the served dump.
func (s *Site) DumpURL() string { return s.URL() + DumpPath(s.opts.Legislature) }

// ActorsURL is the absolute URL of the served reference dump.
func (s *Site) ActorsURL() string { return s.URL() + ActorsPath(s.opts.Legislature) }

// QuestionURL is the absolute URL of a question's own document.
func (s *Site) QuestionURL(uid string) string { return s.URL() + QuestionPathPrefix + uid + ".json" }

// SetQuestion adds a question or replaces the one with its uid (see
// Answer, Reassign, Renew, Signal, Close). The dump is rebuilt when the
// question's document changed.
func (s *Site) SetQuestion(q Question) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLocked(q)
}

func (s *Site) setLocked(q Question) {
	uid := q.UID()
	body := q.JSON()
	etag := `"` + shortHash(body) + `"`
	old := s.qs[uid]
	if old == nil {
		s.order = append(s.order, uid)
	} else if old.etag == etag {
		old.q = q
		return
	}
	s.qs[uid] = &entry{q: q, body: body, etag: etag, modified: s.tick()}
	s.dump = nil
}

// RemoveQuestion takes a question out of the dump and its document away.
func (s *Site) RemoveQuestion(uid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.qs[uid]; !ok {
		return
	}
	delete(s.qs, uid)
	for i, u := range s.order {
		if u == uid {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	s.dump = nil
}

// DropFromDump takes a question out of the dump and keeps serving its own
// document, as a dump that lags behind or leaves a question out does.
// SetQuestion then changes its document without putting it back.
func (s *Site) DropFromDump(uid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, u := range s.order {
		if u == uid {
			s.order = append(s.order[:i], s.order[i+1:]...)
			s.dump = nil
			return
		}
	}
}

// SetReferences replaces the reference dump's members.
func (s *Site) SetReferences(files []File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refs = append([]File(nil), files...)
	s.actors = nil
	s.refsBuilt = s.tick()
}

// Rebuild rebuilds the dumps with the same content, as the AN does every
// night: new timestamps, so new bytes and validators, and the same members.
func (s *Site) Rebuild() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dump, s.actors = nil, nil
	s.dumpBuilt, s.refsBuilt = s.tick(), s.tick()
}

// Question returns a question as the site has it.
func (s *Site) Question(uid string) (Question, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.qs[uid]
	if !ok {
		return Question{}, false
	}
	return e.q, true
}

// Questions returns every question the dump carries, in the order they were
// added.
func (s *Site) Questions() []Question {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Question, 0, len(s.order))
	for _, uid := range s.order {
		out = append(out, s.qs[uid].q)
	}
	return out
}

// Dump returns the dump as the site serves it now, and its Last-Modified.
func (s *Site) Dump() ([]byte, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dumpLocked()
}

func (s *Site) dumpLocked() ([]byte, time.Time) {
	if s.dump == nil {
		files := make([]File, 0, len(s.order))
		for _, uid := range s.order {
			e := s.qs[uid]
			files = append(files, File{Name: "json/" + uid + ".json", Body: e.body})
			if e.modified.After(s.dumpBuilt) {
				s.dumpBuilt = e.modified
			}
		}
		s.dump = Zip(files, s.dumpBuilt)
	}
	return s.dump, s.dumpBuilt
}

// Actors returns the reference dump as the site serves it now, and its
// Last-Modified.
func (s *Site) Actors() ([]byte, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.actorsLocked()
}

func (s *Site) actorsLocked() ([]byte, time.Time) {
	if s.actors == nil {
		s.actors = Zip(s.refs, s.refsBuilt)
	}
	return s.actors, s.refsBuilt
}

// tick returns a time strictly after the previous one, at HTTP-date
// (second) resolution.
func (s *Site) tick() time.Time {
	now := time.Now().UTC().Truncate(time.Second)
	if !now.After(s.clock) {
		now = s.clock.Add(time.Second)
	}
	s.clock = now
	return now
}

// answer is what one request gets when the site behaves.
type answer struct {
	contentType string
	body        []byte
	etag        string
	modified    time.Time
	found       bool
}

func (s *Site) target(r *http.Request) (crawlertest.Target, answer) {
	p := r.URL.Path
	switch {
	case p == "/robots.txt":
		return crawlertest.TargetRobots, answer{}
	case p == DumpPath(s.opts.Legislature):
		s.mu.Lock()
		defer s.mu.Unlock()
		b, mod := s.dumpLocked()
		return TargetDump, answer{"application/zip", b, `"` + shortHash(b) + `"`, mod, true}
	case p == ActorsPath(s.opts.Legislature):
		s.mu.Lock()
		defer s.mu.Unlock()
		b, mod := s.actorsLocked()
		return TargetActors, answer{"application/zip", b, `"` + shortHash(b) + `"`, mod, true}
	case strings.HasPrefix(p, QuestionPathPrefix) && strings.HasSuffix(p, ".json"):
		uid := strings.TrimSuffix(strings.TrimPrefix(p, QuestionPathPrefix), ".json")
		if uid == "" || strings.Contains(uid, "/") {
			return crawlertest.TargetOther, answer{}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if e, ok := s.qs[uid]; ok {
			return QuestionTarget(uid), answer{"application/json", e.body, e.etag, e.modified, true}
		}
		return QuestionTarget(uid), answer{}
	}
	return crawlertest.TargetOther, answer{}
}

func (s *Site) serve(rw http.ResponseWriter, r *http.Request) {
	var (
		t crawlertest.Target
		a answer
	)
	ex := s.Begin(rw, r, func() crawlertest.Target {
		t, a = s.target(r)
		return t
	})
	defer ex.Done()
	w, f := ex.W, ex.Fault
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if f != nil && s.Misbehave(w, r, f, spoil(t, a)) {
		return
	}
	switch {
	case t == crawlertest.TargetRobots:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, ex.Robots)
	case a.found:
		s.send(w, r, a)
	default:
		send(w, http.StatusNotFound, "text/html; charset=utf-8", notFoundPage)
	}
}

// send writes an answer with its validators, or 304 when the request's
// validators match (crawlertest.Send), or without validators when the site
// has none.
func (s *Site) send(w http.ResponseWriter, r *http.Request, a answer) {
	if !s.opts.NoValidators {
		crawlertest.Send(w, r, a.contentType, a.body, a.etag, a.modified)
		return
	}
	send(w, http.StatusOK, a.contentType, a.body)
}

func send(w http.ResponseWriter, code int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

// The site's own error pages: an HTML page for a missing document, and the
// page a busy server sends with 200 (a soft error).
var (
	notFoundPage  = []byte("<!DOCTYPE html>\n<html lang=\"fr\"><head><title>Page introuvable - Assemblée nationale</title></head>\n<body><h1>Erreur 404</h1><p>La page demandée n'existe pas ou a été déplacée.</p></body></html>\n")
	softErrorPage = []byte("<!DOCTYPE html>\n<html lang=\"fr\"><head><title>Service momentanément indisponible - Assemblée nationale</title></head>\n<body><h1>Service momentanément indisponible</h1><p>Merci de réessayer ultérieurement.</p></body></html>\n")
)

// spoil is what a fault spoils for a target: the normal answer, the site's
// error page served with 200, and the content in a changed layout (the
// dump's members under xml/, a question under another root, the reference
// data as CSV).
func spoil(t crawlertest.Target, a answer) crawlertest.Spoil {
	sp := crawlertest.Spoil{ContentType: a.contentType, Body: a.body, SoftError: softErrorPage, NotFound: notFoundPage}
	if sp.ContentType == "" {
		sp.ContentType = "text/html; charset=utf-8"
	}
	if !a.found {
		sp.Body = []byte(strings.Repeat("<p>tronqué</p>\n", 64))
		return sp
	}
	switch {
	case t == TargetDump:
		sp.Layout = Zip([]File{{Name: "xml/QANR5L17QE1.xml", Body: []byte(`<question><uid>QANR5L17QE1</uid></question>`)}}, a.modified)
	case t == TargetActors:
		sp.Layout = Zip([]File{{Name: "acteurs.csv", Body: []byte("uid;nom;prenom\n")}}, a.modified)
	default:
		sp.Layout = append(append([]byte(`{"questionEcrite": `), a.body...), '}')
	}
	return sp
}

func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
