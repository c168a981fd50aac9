// Package crawlertest is the loopback host every parliament's stand-in site
// is built on, the net/http/httptest pattern for the crawler's counterpart:
// robots.txt, switchable faults and a log of every request, so that tests
// can assert on request counts and politeness without touching the internet.
//
// A stand-in (parser/<name>/<name>test) embeds a *Host, names the targets of
// its own paths, and answers the faults whose look depends on the site
// (an error page served with 200, a changed layout) through Spoil.
package crawlertest

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Target names what a request asked for, for faults and the log. Sites
// define their own (a list, a question); these are common to all.
type Target string

// Targets every site has.
const (
	// TargetAll matches every request (a global fault).
	TargetAll    Target = "*"
	TargetRobots Target = "robots"
	TargetOther  Target = "other"
)

// FaultKind is a way a site misbehaves.
type FaultKind int

// Fault kinds. Every site answers every kind, each in its own way where the
// kind is about content (SoftError, Layout).
const (
	// ServerError answers with Fault.Status (default 503), with Retry-After
	// when Fault.RetryAfter is set.
	ServerError FaultKind = iota + 1
	// TooManyRequests answers 429 with Retry-After (Fault.RetryAfter, default "1").
	TooManyRequests
	// Slow waits Fault.Delay before answering normally.
	Slow
	// Truncate announces a longer Content-Length than the body it sends.
	Truncate
	// Malformed answers 200 with the first half of the body and a
	// Content-Length that matches it: a complete HTTP response whose content
	// is cut short (a proxy or a cache that kept half of it).
	Malformed
	// Reset closes the connection (TCP RST) without answering.
	Reset
	// RedirectLoop answers 302 to the same URL.
	RedirectLoop
	// SoftError answers 200 with the site's error page.
	SoftError
	// Layout serves the content in a changed layout.
	Layout
	// NotFound answers 404.
	NotFound
	// Degraded answers 200 with the content worse than it is, well formed
	// (Spoil.Degraded): the question's texts blanked and its answer gone,
	// the way a site whose database returned an empty record shows it.
	Degraded
	// Shrunk answers 200 with a list or index that lost most of its items
	// (Spoil.Shrunk): a list that announces more than it delivers, an index
	// cut to a fraction of what it listed.
	Shrunk
	// Cut answers 200 with the body cut in the middle of its content
	// (Spoil.CutAt, default half the body) and a Content-Length that
	// matches it: a page that ends mid-answer.
	Cut
)

// Fault is a switchable misbehaviour.
type Fault struct {
	Kind FaultKind
	// Times is how many requests the fault answers before the site behaves
	// again; 0 means every request.
	Times      int
	Status     int
	RetryAfter string
	Delay      time.Duration
}

// Entry is one logged request.
type Entry struct {
	Method, URI, UserAgent       string
	Target                       Target
	IfNoneMatch, IfModifiedSince string
	// Accept is the request's Accept header.
	Accept string
	Status int
	// Start and End bracket the handler; InFlight counts the requests being
	// handled when this one started, itself included.
	Start, End time.Time
	InFlight   int
}

// DefaultRobots is the robots.txt a host serves unless told otherwise.
const DefaultRobots = "User-agent: *\nDisallow: /wp-admin/\n"

// Host is what every stand-in site shares: the loopback server, robots.txt,
// switchable faults and the request log. Its methods are safe for
// concurrent use.
type Host struct {
	srv *httptest.Server

	mu       sync.Mutex
	robots   string
	faults   map[Target]*Fault
	log      []Entry
	inFlight int
	maxIn    int
}

// NewHost starts serving on loopback; robots "" is DefaultRobots. Close it
// when done.
func NewHost(robots string, serve http.HandlerFunc) *Host {
	h := &Host{robots: cmp.Or(robots, DefaultRobots), faults: map[Target]*Fault{}}
	h.srv = httptest.NewServer(serve)
	return h
}

// URL is the site's base URL, http://127.0.0.1:PORT.
func (h *Host) URL() string { return h.srv.URL }

// Close stops the server.
func (h *Host) Close() { h.srv.Close() }

// SetRobots replaces robots.txt.
func (h *Host) SetRobots(body string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.robots = body
}

// SetFault makes the site misbehave for a target (TargetAll for every
// request). A target-specific fault wins over a global one.
func (h *Host) SetFault(t Target, f Fault) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults[t] = &f
}

// ClearFaults makes the site behave again.
func (h *Host) ClearFaults() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = map[Target]*Fault{}
}

// Log returns the requests served so far, in arrival order.
func (h *Host) Log() []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Entry(nil), h.log...)
}

// ResetLog forgets the logged requests and the concurrency high-water mark.
func (h *Host) ResetLog() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log, h.maxIn = nil, 0
}

// Requests counts the logged requests for a target (TargetAll: all of them;
// a target ending in "/", such as Target("question/"): every target it
// prefixes).
func (h *Host) Requests(t Target) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, e := range h.log {
		if t == TargetAll || e.Target == t || (strings.HasSuffix(string(t), "/") && strings.HasPrefix(string(e.Target), string(t))) {
			n++
		}
	}
	return n
}

// MaxInFlight is the largest number of requests the site handled at once.
func (h *Host) MaxInFlight() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.maxIn
}

// MinGap is the shortest time between the end of one request and the start
// of the next (zero with fewer than two requests).
func (h *Host) MinGap() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	var gap time.Duration = -1
	for i := 1; i < len(h.log); i++ {
		if g := h.log[i].Start.Sub(h.log[i-1].End); gap < 0 || g < gap {
			gap = g
		}
	}
	return max(gap, 0)
}

// Exchange is one request being answered.
type Exchange struct {
	// W writes the answer; it logs the request's end before the status goes out.
	W *StatusWriter
	// Fault answers the request instead of the site; nil: behave.
	Fault *Fault
	// Robots is the robots.txt body to serve.
	Robots string
	// Done logs the end of the request; defer it.
	Done func()
}

// Begin logs the start of a request and returns its exchange. The end is
// logged before the status is written, so a client never sees an answer
// before the log does. target runs under the host's lock: it names the
// request's target and may copy the site state the answer needs (a site
// may take its own lock inside it, never the other way round).
func (h *Host) Begin(rw http.ResponseWriter, r *http.Request, target func() Target) *Exchange {
	h.mu.Lock()
	h.inFlight++
	h.maxIn = max(h.maxIn, h.inFlight)
	e := Entry{
		Method: r.Method, URI: r.URL.RequestURI(), UserAgent: r.UserAgent(),
		IfNoneMatch: r.Header.Get("If-None-Match"), IfModifiedSince: r.Header.Get("If-Modified-Since"),
		Accept: r.Header.Get("Accept"), Start: time.Now(), InFlight: h.inFlight,
	}
	e.Target = target()
	f := h.takeFault(e.Target)
	robots := h.robots
	h.mu.Unlock()

	logged := false
	record := func(status int) {
		if logged {
			return
		}
		logged = true
		h.mu.Lock()
		h.inFlight--
		e.Status, e.End = status, time.Now()
		h.log = append(h.log, e)
		h.mu.Unlock()
	}
	w := &StatusWriter{ResponseWriter: rw, before: record}
	return &Exchange{W: w, Fault: f, Robots: robots, Done: func() { record(w.Status) }}
}

// takeFault returns the fault answering a request for t, consuming one of
// its Times; the caller holds mu.
func (h *Host) takeFault(t Target) *Fault {
	f := h.faults[t]
	if f == nil {
		f = h.faults[TargetAll]
	}
	if f == nil {
		return nil
	}
	out := *f
	if f.Times > 0 {
		if f.Times--; f.Times == 0 {
			for k, v := range h.faults {
				if v == f {
					delete(h.faults, k)
				}
			}
		}
	}
	return &out
}

// Spoil is the normal answer a fault spoils, and the site's own look of the
// content faults.
type Spoil struct {
	// ContentType and Body are the normal answer's.
	ContentType string
	Body        []byte
	// SoftError is the site's error page served with 200 (SoftError).
	SoftError []byte
	// Layout is the normal answer in a changed layout; nil: the fault does
	// not apply and the site answers normally.
	Layout []byte
	// NotFound is the site's 404 body (default: net/http's).
	NotFound []byte
	// Degraded is the normal answer with its content blanked (Degraded);
	// Shrunk the list with most of its items gone (Shrunk); nil: the fault
	// does not apply and the site answers normally.
	Degraded, Shrunk []byte
	// CutAt is where Cut cuts Body: inside the content a reader needs
	// (the answer's text); 0 means half the body.
	CutAt int
}

// Misbehave answers a request as fault f says; it reports whether the
// request was answered (false: answer normally, after a Slow delay or for a
// fault that does not apply).
func (h *Host) Misbehave(w *StatusWriter, r *http.Request, f *Fault, s Spoil) bool {
	switch f.Kind {
	case ServerError:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		code := cmp.Or(f.Status, http.StatusServiceUnavailable)
		http.Error(w, http.StatusText(code), code)
	case TooManyRequests:
		w.Header().Set("Retry-After", cmp.Or(f.RetryAfter, "1"))
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
	case Slow:
		select {
		case <-time.After(f.Delay):
			return false
		case <-r.Context().Done():
			w.Status = -1
		}
	case Truncate:
		// Returning with fewer bytes than announced makes the server close
		// the connection.
		w.Header().Set("Content-Type", s.ContentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(s.Body)))
		w.WriteHeader(http.StatusOK)
		w.Write(s.Body[:len(s.Body)/2])
	case Malformed:
		write(w, http.StatusOK, s.ContentType, s.Body[:len(s.Body)/2])
	case Reset:
		resetConn(w)
	case RedirectLoop:
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
	case SoftError:
		write(w, http.StatusOK, s.ContentType, s.SoftError)
	case Layout:
		if s.Layout == nil {
			return false
		}
		write(w, http.StatusOK, s.ContentType, s.Layout)
	case Degraded, Shrunk:
		b := s.Degraded
		if f.Kind == Shrunk {
			b = s.Shrunk
		}
		if b == nil {
			return false
		}
		write(w, http.StatusOK, s.ContentType, b)
	case Cut:
		at := s.CutAt
		if at <= 0 || at >= len(s.Body) {
			at = len(s.Body) / 2
		}
		write(w, http.StatusOK, s.ContentType, s.Body[:at])
	case NotFound:
		if s.NotFound == nil {
			http.NotFound(w, r)
			break
		}
		write(w, http.StatusNotFound, s.ContentType, s.NotFound)
	default:
		return false
	}
	return true
}

func write(w http.ResponseWriter, code int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

// resetConn closes the connection with a TCP RST, without an answer.
func resetConn(w *StatusWriter) {
	w.Status = -1
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		panic("crawlertest: response writer cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// StatusWriter remembers the status written.
type StatusWriter struct {
	http.ResponseWriter
	// Status is the status written, 0 before, -1 for no answer.
	Status int
	// before, when set, is called with the status before anything is
	// written, so that the request is logged before its client can have
	// the answer (a test reading the log right after never misses it).
	before func(status int)
}

// WriteHeader records the status and sends it.
func (w *StatusWriter) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
		if w.before != nil {
			w.before(code)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write sends body bytes, with a 200 status if none was written.
func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// ErrNoFixtures is returned when ../shared/fixtures is not beside the module.
var ErrNoFixtures = errors.New("shared fixtures not found")

// FixturesDir finds <module root>/../shared/fixtures/<name> (the real saved
// pages, read in place) by walking up from the working directory to the
// directory holding go.mod.
func FixturesDir(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("fixtures: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			fx := filepath.Join(dir, "..", "shared", "fixtures", name)
			if st, err := os.Stat(fx); err == nil && st.IsDir() {
				return fx, nil
			}
			return "", fmt.Errorf("%w at %s", ErrNoFixtures, fx)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w: no go.mod above the working directory", ErrNoFixtures)
		}
		dir = parent
	}
}

// NotModified says whether a request's validators match a document's:
// If-None-Match against etag (or "*"), else If-Modified-Since against
// modified (to the second, as HTTP dates go).
func NotModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return inm == etag || inm == "*"
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}

// Send answers a GET of a document with its validators (ETag and
// Last-Modified), or 304 Not Modified when the request's match them.
func Send(w http.ResponseWriter, r *http.Request, contentType string, body []byte, etag string, modified time.Time) {
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	if NotModified(r, etag, modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	write(w, http.StatusOK, contentType, body)
}

// Get fetches url with the request headers hdr, following redirects (a
// loop is an error), and returns the response with its whole body. Tests of
// stand-in sites use it as their client.
func Get(url string, hdr map[string]string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}
