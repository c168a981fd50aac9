package replay

import (
	"cmp"
	"errors"
	"fmt"
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

// host is what every replayed site shares: the loopback server, robots.txt,
// switchable faults and the request log. Its mu also guards the state of the
// site that embeds it.
type host struct {
	srv *httptest.Server

	mu       sync.Mutex
	robots   string
	faults   map[Target]*Fault
	log      []Entry
	inFlight int
	maxIn    int
}

func newHost(robots string) host {
	if robots == "" {
		robots = DefaultRobots
	}
	return host{robots: robots, faults: map[Target]*Fault{}}
}

// start serves h's site on loopback.
func (h *host) start(serve http.HandlerFunc) { h.srv = httptest.NewServer(serve) }

// URL is the site's base URL, http://127.0.0.1:PORT.
func (h *host) URL() string { return h.srv.URL }

// Close stops the server.
func (h *host) Close() { h.srv.Close() }

// SetRobots replaces robots.txt.
func (h *host) SetRobots(body string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.robots = body
}

// SetFault makes the site misbehave for a target (TargetAll for every
// request). A target-specific fault wins over a global one.
func (h *host) SetFault(t Target, f Fault) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults[t] = &f
}

// ClearFaults makes the site behave again.
func (h *host) ClearFaults() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = map[Target]*Fault{}
}

// Log returns the requests served so far, in arrival order.
func (h *host) Log() []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Entry(nil), h.log...)
}

// ResetLog forgets the logged requests and the concurrency high-water mark.
func (h *host) ResetLog() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log, h.maxIn = nil, 0
}

// Requests counts the logged requests for a target (TargetAll: all of them;
// a target ending in "/", such as Target("question/"): every target it
// prefixes).
func (h *host) Requests(t Target) int {
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
func (h *host) MaxInFlight() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.maxIn
}

// MinGap is the shortest time between the end of one request and the start
// of the next (zero with fewer than two requests).
func (h *host) MinGap() time.Duration {
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

// exchange is one request being answered.
type exchange struct {
	w      *statusWriter
	fault  *Fault // nil: behave
	robots string
	done   func()
}

// begin logs the start of a request and returns its writer, the fault that
// answers it and a done func that logs its end (deferred by the caller; the
// end is logged before the status is written, so a client never sees an
// answer before the log does). target runs under the site's lock: it names
// the request's target and may copy the site state the answer needs.
func (h *host) begin(rw http.ResponseWriter, r *http.Request, target func() Target) *exchange {
	h.mu.Lock()
	h.inFlight++
	h.maxIn = max(h.maxIn, h.inFlight)
	e := Entry{
		Method: r.Method, URI: r.URL.RequestURI(), UserAgent: r.UserAgent(),
		IfNoneMatch: r.Header.Get("If-None-Match"), IfModifiedSince: r.Header.Get("If-Modified-Since"),
		Start: time.Now(), InFlight: h.inFlight,
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
	w := &statusWriter{ResponseWriter: rw, before: record}
	return &exchange{w: w, fault: f, robots: robots, done: func() { record(w.status) }}
}

// takeFault returns the fault answering a request for t, consuming one of
// its Times; the caller holds mu.
func (h *host) takeFault(t Target) *Fault {
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

// siteFault applies the faults both replays answer alike (server errors,
// 429, slowness). handled says whether f was one of them; answered whether
// the request needs no other answer.
func siteFault(w *statusWriter, r *http.Request, f *Fault) (answered, handled bool) {
	switch f.Kind {
	case ServerError:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		code := cmp.Or(f.Status, http.StatusServiceUnavailable)
		http.Error(w, http.StatusText(code), code)
		return true, true
	case TooManyRequests:
		w.Header().Set("Retry-After", cmp.Or(f.RetryAfter, "1"))
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
		return true, true
	case Slow:
		select {
		case <-time.After(f.Delay):
			return false, true
		case <-r.Context().Done():
			w.status = -1
			return true, true
		}
	}
	return false, false
}

// truncated announces body but sends half of it: returning with fewer bytes
// than announced makes the server close the connection.
func truncated(w *statusWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body[:len(body)/2])
}

// resetConn closes the connection with a TCP RST, without an answer.
func resetConn(w *statusWriter) {
	w.status = -1
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		panic("replay: response writer cannot hijack")
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

// ErrNoFixtures is returned when ../shared/fixtures is not beside the module.
var ErrNoFixtures = errors.New("shared fixtures not found")

// fixturesDir finds <module root>/../shared/fixtures/<name> by walking up
// from the working directory to the directory holding go.mod.
func fixturesDir(name string) (string, error) {
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

// FixturesDir finds the saved Brussels pages, ../shared/fixtures/brussels.
func FixturesDir() (string, error) { return fixturesDir("brussels") }

// UKFixturesDir finds the saved UK API responses, ../shared/fixtures/uk.
func UKFixturesDir() (string, error) { return fixturesDir("uk") }
