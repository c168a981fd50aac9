package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gocolly/colly/v2"
	"golang.org/x/net/html/charset"

	"github.com/parlq/parlq/archive"
)

// Errors a fetch can end with; check them with errors.Is.
var (
	// ErrTooLarge: the body exceeded Config.MaxBodySize.
	ErrTooLarge = errors.New("response body too large")
	// ErrTooManyRedirects: a redirect chain longer than Config.MaxRedirects
	// (a loop).
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrRobots: robots.txt disallows the URL.
	ErrRobots = errors.New("disallowed by robots.txt")
	// ErrArchive: the response could not be archived; nothing may be parsed
	// that was not archived first, so the run stops.
	ErrArchive = errors.New("archive write failed")
	// ErrGaveUp: every attempt failed (network errors, timeouts, 5xx, 429).
	ErrGaveUp = errors.New("gave up after retries")
	// ErrRobotsUnavailable: the host's robots.txt answered a server error
	// (5xx, after retries). RFC 9309 (2.3.1.3): the crawler must then assume
	// that everything is disallowed; nothing more is fetched from the host
	// in this run.
	ErrRobotsUnavailable = errors.New("robots.txt answered a server error: everything is disallowed for this run (RFC 9309)")
	// ErrHostWait: the host asked (Retry-After) to wait longer than the
	// run has left before its deadline: the host's part of the run ends at
	// once, and the rest waits for the next run.
	ErrHostWait = errors.New("the host asked to wait beyond the run's deadline")
)

// fetchHeader carries a fetch's id from the collector to the transport,
// which removes it before the request leaves.
const fetchHeader = "X-Parlq-Fetch"

// fetched is one URL's outcome: the final response as received and the
// archive record it was written to.
type fetched struct {
	Status   int
	Header   http.Header
	Body     []byte // raw bytes, as archived
	Record   archive.Record
	Attempts int
}

// hostGate serializes the requests to one host and spaces them.
type hostGate struct {
	sem       chan struct{}
	last      time.Time // end of the previous request
	notBefore time.Time // set by Retry-After and backoff
}

// gates are the per-host politeness state, shared by the runs of a Crawler.
type gates struct {
	mu    sync.Mutex
	hosts map[string]*hostGate
}

func (g *gates) get(host string) *hostGate {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.hosts == nil {
		g.hosts = map[string]*hostGate{}
	}
	h := g.hosts[host]
	if h == nil {
		h = &hostGate{sem: make(chan struct{}, 1)}
		g.hosts[host] = h
	}
	return h
}

// transport archives every response before anyone reads it, and does the
// retries (colly has none) and a politeness floor that also covers
// robots.txt, which colly fetches outside its limit rules.
type transport struct {
	base   http.RoundTripper
	arc    *archive.Writer
	cfg    Config
	gates  *gates
	runCtx context.Context
	log    *slog.Logger

	// deadline is when the run must end (zero: none).
	deadline time.Time

	requests atomic.Int64
	mu       sync.Mutex
	results  map[string]*fetched
	// robots is the status of each host's robots.txt (0: a network error).
	robots map[string]int
	// closed holds, by host, why the host's part of the run ended.
	closed map[string]error
	keeps  map[string]keepFunc // by fetch id; see getKeeping
}

// robotsStatus returns the status robots.txt of host answered, and whether
// it was fetched.
func (t *transport) robotsStatus(host string) (int, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	code, ok := t.robots[host]
	return code, ok
}

// closedHost returns why requests to host end at once, or nil.
func (t *transport) closedHost(host string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed[host]
}

func (t *transport) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RoundTrip sends req, retrying as configured, and archives every response.
//
// It also keeps what colly's robots.txt check does not: colly v2.3.0 asks
// its robots library for the host's rules, which reads a 5xx robots.txt as
// "disallow everything", but then tests the User-Agent's rule group, and a
// disallow-all verdict has none, so colly allows every URL. The transport
// sees colly's robots.txt request (the one without a fetch id), remembers
// its status, and refuses every other request to a host whose robots.txt
// answered 5xx (ErrRobotsUnavailable), before anything is sent.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	id := req.Header.Get(fetchHeader)
	req = req.Clone(req.Context())
	req.Header.Del(fetchHeader)
	isRobots := id == "" && req.URL.Path == "/robots.txt"
	if !isRobots {
		if err := t.closedHost(req.URL.Host); err != nil {
			return nil, err
		}
		if code, ok := t.robotsStatus(req.URL.Host); ok && code >= 500 {
			return nil, fmt.Errorf("%s: %w (status %d)", req.URL.Host, ErrRobotsUnavailable, code)
		}
	}
	// colly builds its robots.txt request without a context: tie every
	// request to the run so that cancelling the run stops it.
	ctx, cancel := context.WithCancel(req.Context())
	defer cancel()
	stop := context.AfterFunc(t.runCtx, cancel)
	defer stop()

	resp, err := t.retry(ctx, id, req)
	if isRobots {
		code := 0
		if resp != nil {
			code = resp.StatusCode
		}
		t.mu.Lock()
		t.robots[req.URL.Host] = code
		t.mu.Unlock()
	}
	return resp, err
}

// retry sends req until it gets an answer that is not worth retrying, or
// the retries are spent.
func (t *transport) retry(ctx context.Context, id string, req *http.Request) (*http.Response, error) {
	keep := t.keepOf(id)
	var lastErr error
	for attempt := 0; ; attempt++ {
		resp, body, rec, err := t.attempt(ctx, req, keep)
		if id != "" && resp != nil && err == nil {
			t.mu.Lock()
			t.results[id] = &fetched{Status: resp.StatusCode, Header: resp.Header, Body: body, Record: rec, Attempts: attempt + 1}
			t.mu.Unlock()
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, ErrArchive) || errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		retry, wait := false, time.Duration(0)
		switch {
		case err != nil:
			retry, lastErr = true, err
		case retryableStatus(resp.StatusCode):
			retry, lastErr = true, fmt.Errorf("status %d", resp.StatusCode)
			if ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok &&
				(resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
				if left := time.Until(t.deadline); !t.deadline.IsZero() && ra > left {
					err := fmt.Errorf("%w: %s answered %d with Retry-After %s, and the run has %s left",
						ErrHostWait, req.URL.Host, resp.StatusCode, ra, left.Round(time.Second))
					t.mu.Lock()
					t.closed[req.URL.Host] = err
					t.mu.Unlock()
					return nil, err
				}
				wait = min(ra, t.cfg.MaxRetryAfter)
			}
		}
		if !retry {
			return resp, nil
		}
		if attempt >= t.cfg.MaxRetries {
			if resp != nil {
				// The last answer stands: the caller sees the status.
				return resp, nil
			}
			return nil, fmt.Errorf("%w (%d attempts): %w", ErrGaveUp, attempt+1, lastErr)
		}
		wait = max(wait, t.backoff(attempt))
		t.log.Warn("retrying", "url", req.URL.String(), "attempt", attempt+1, "wait", wait, "error", lastErr)
		h := t.gates.get(req.URL.Host)
		until := time.Now().Add(wait)
		h.sem <- struct{}{}
		if until.After(h.notBefore) {
			h.notBefore = until
		}
		<-h.sem
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// backoff is the exponential wait before retry n (0-based), with jitter.
func (t *transport) backoff(n int) time.Duration {
	d := t.cfg.Backoff
	for i := 0; i < n && d < t.cfg.MaxBackoff; i++ {
		d *= 2
	}
	if t.cfg.MaxBackoff > 0 {
		d = min(d, t.cfg.MaxBackoff)
	}
	if d > 0 {
		d += rand.N(d/2 + 1)
	}
	return d
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusRequestTimeout ||
		(code >= 500 && code != http.StatusNotImplemented && code != http.StatusHTTPVersionNotSupported)
}

// retryAfter reads a Retry-After value: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// attempt sends req once through the host's gate and archives the response
// if one came back whole.
func (t *transport) attempt(ctx context.Context, req *http.Request, keep keepFunc) (*http.Response, []byte, archive.Record, error) {
	h := t.gates.get(req.URL.Host)
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, archive.Record{}, ctx.Err()
	}
	defer func() { <-h.sem }()
	next := h.last.Add(t.cfg.Delay)
	if h.notBefore.After(next) {
		next = h.notBefore
	}
	if err := t.sleep(ctx, time.Until(next)); err != nil {
		return nil, nil, archive.Record{}, err
	}
	defer func() { h.last = time.Now() }()

	actx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	var remote string
	trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		if ci.Conn != nil {
			remote = ci.Conn.RemoteAddr().String()
		}
	}}
	started := time.Now()
	t.requests.Add(1)
	resp, err := t.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(actx, trace)))
	if err != nil {
		return nil, nil, archive.Record{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, t.cfg.MaxBodySize+1))
	if err != nil {
		// A body cut short is not what the site published: not archived.
		return nil, nil, archive.Record{}, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > t.cfg.MaxBodySize {
		return nil, nil, archive.Record{}, fmt.Errorf("%w (over %d bytes)", ErrTooLarge, t.cfg.MaxBodySize)
	}
	rec, err := t.record(ctx, archive.Exchange{
		Request: req, Response: resp, Body: body, Fetched: started, RemoteAddr: remote,
	}, keep)
	if err != nil {
		return nil, nil, archive.Record{}, fmt.Errorf("%w: %w", ErrArchive, err)
	}
	out := *resp
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	return &out, body, rec, nil
}

// fetcher fetches through colly: robots.txt, the per-host limit rule and the
// User-Agent are colly's; archiving and retries are the transport's.
type fetcher struct {
	col *colly.Collector
	tr  *transport
	seq atomic.Int64
	// accept is the Accept header of every request ("" for colly's), from
	// a parlq.Accepter source.
	accept string
}

// newFetcher builds a collector for one run. The collector is built with
// Init, not colly.NewCollector, which would let COLLY_* environment
// variables override this configuration.
func newFetcher(ctx context.Context, cfg Config, arc *archive.Writer, g *gates, log *slog.Logger) (*fetcher, error) {
	tr := &transport{
		base:    http.DefaultTransport.(*http.Transport).Clone(),
		arc:     arc,
		cfg:     cfg,
		gates:   g,
		runCtx:  ctx,
		log:     log,
		results: map[string]*fetched{},
		robots:  map[string]int{},
		closed:  map[string]error{},
		keeps:   map[string]keepFunc{},
	}
	if d, ok := ctx.Deadline(); ok {
		tr.deadline = d
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("cookie jar: %w", err)
	}
	client := &http.Client{
		Transport: tr,
		Jar:       jar,
		// No client-wide timeout: it would span retries. Each attempt
		// has its own (Config.Timeout).
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= cfg.MaxRedirects {
				return fmt.Errorf("%w: %d, last %s", ErrTooManyRedirects, len(via), req.URL)
			}
			return nil
		},
	}
	c := &colly.Collector{}
	c.Init()
	c.UserAgent = cfg.UserAgent
	c.IgnoreRobotsTxt = false
	c.AllowURLRevisit = true
	c.ParseHTTPErrorResponse = true
	c.MaxBodySize = int(cfg.MaxBodySize)
	c.Context = ctx
	c.SetClient(client)
	if err := c.Limit(&colly.LimitRule{
		DomainGlob:  "*",
		Parallelism: 1,
		Delay:       cfg.Delay,
		RandomDelay: cfg.Jitter,
	}); err != nil {
		return nil, fmt.Errorf("limit rule: %w", err)
	}
	return &fetcher{col: c, tr: tr}, nil
}

// get fetches u with extra request headers and returns the final response
// as archived. A non-2xx status is not an error here. Errors do not name u
// (the caller does); a failure of robots.txt or of a redirect names that URL.
func (f *fetcher) get(u string, hdr http.Header) (*fetched, error) {
	return f.getKeeping(u, hdr, nil)
}

// getKeeping is get, with keep (may be nil) deciding whether a 200
// response is archived as a revisit of content the archive holds.
func (f *fetcher) getKeeping(u string, hdr http.Header, keep keepFunc) (*fetched, error) {
	id := strconv.FormatInt(f.seq.Add(1), 10)
	if keep != nil {
		f.tr.setKeep(id, keep)
		defer f.tr.setKeep(id, nil)
	}
	h := http.Header{}
	if f.accept != "" {
		h.Set("Accept", f.accept)
	}
	for k, v := range hdr {
		h[k] = v
	}
	h.Set(fetchHeader, id)
	err := f.col.Request(http.MethodGet, u, nil, colly.NewContext(), h)
	f.tr.mu.Lock()
	res := f.tr.results[id]
	delete(f.tr.results, id)
	f.tr.mu.Unlock()
	if errors.Is(err, colly.ErrRobotsTxtBlocked) {
		return nil, ErrRobots
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// net/http's "Get \"URL\": …" wrapper: say the URL only when it is
		// not the one asked for.
		err = ue.Err
		if ue.URL != u {
			err = fmt.Errorf("%s: %w", ue.URL, ue.Err)
		}
	}
	if res != nil && err == nil {
		return res, nil
	}
	if err == nil {
		return nil, errors.New("no response")
	}
	if res != nil && !errors.Is(err, ErrTooManyRedirects) && !errors.Is(err, ErrGaveUp) &&
		!errors.Is(err, ErrArchive) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, ErrHostWait) && !errors.Is(err, ErrRobotsUnavailable) {
		// colly failed after the response arrived (e.g. an unknown
		// charset label): the response stands.
		return res, nil
	}
	return nil, err
}

// requests is the number of HTTP requests sent so far (attempts, redirects
// and robots.txt included).
func (f *fetcher) requests() int { return int(f.tr.requests.Load()) }

// robotsNotes says, for the run's outcome, what each host's robots.txt
// answered when that is not a robots.txt: a 4xx allows everything, a 5xx
// disallows everything (RFC 9309), no answer disallows everything.
func (f *fetcher) robotsNotes() []string {
	f.tr.mu.Lock()
	defer f.tr.mu.Unlock()
	var notes []string
	for host, code := range f.tr.robots {
		switch {
		case code == 0:
			notes = append(notes, fmt.Sprintf("robots.txt of %s could not be fetched: nothing was fetched from the host (RFC 9309)", host))
		case code >= 500:
			notes = append(notes, fmt.Sprintf("robots.txt of %s answered %d: nothing was fetched from the host this run (RFC 9309)", host, code))
		case code >= 400:
			notes = append(notes, fmt.Sprintf("robots.txt of %s answered %d: no robots.txt, everything allowed (RFC 9309)", host, code))
		}
	}
	slices.Sort(notes)
	return notes
}

// decode converts a text body to UTF-8 following the Content-Type charset,
// or for HTML without one, a <meta> charset or, failing that, the bytes
// themselves (valid UTF-8 stays, anything else is read as windows-1252).
func decode(body []byte, contentType string) ([]byte, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	if cs := params["charset"]; cs != "" {
		enc, name := charset.Lookup(cs)
		if enc == nil {
			return nil, fmt.Errorf("unknown charset %q", cs)
		}
		if name == "utf-8" {
			return body, nil
		}
		out, err := enc.NewDecoder().Bytes(body)
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", name, err)
		}
		return out, nil
	}
	isHTML := mt == "text/html" || mt == "application/xhtml+xml" ||
		(mt == "" && bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")))
	if !isHTML || utf8.Valid(body) {
		return body, nil
	}
	enc, name, _ := charset.DetermineEncoding(body, "text/html")
	if name == "utf-8" {
		return body, nil
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return out, nil
}
