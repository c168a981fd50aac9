// Package crawler is parlq's polite, incremental harvester.
//
// One Run of a source goes:
//
//  1. references: for a parlq.Referrer, fetch and read its reference
//     documents; lists and pages are read with them (references.go);
//  2. seeds: the source's index/list URLs (Source.Seeds);
//  3. discover: fetch each list page, read its refs (Source.Discover), follow
//     its next pages, and track the refs in the catalog; a bulk dump whose
//     entries are the questions' documents is fetched conditionally and
//     kept as a WARC revisit when only its bytes changed (dump.go);
//  4. plan: pick the tracked questions to fetch — the ones a list delivered
//     inline (read, not fetched: inline.go), new ones, ones the index says
//     were updated, ones that failed last time, and ones due for a
//     re-check under Source.Recheck;
//  5. fetch each: archive the response (WARC, before anything reads it),
//     parse it, and store the record (catalog.Put) with its capture.
//
// Fetching is done by colly with robots.txt honoured, one request per host
// at a time with a delay and jitter, and an http.Client whose transport
// archives every response, retries network errors, timeouts, 5xx and 429
// with exponential backoff (honouring Retry-After), and bounds redirects and
// body sizes. Conditional GETs use the validators of the last stored capture.
//
// Every step is idempotent: a run killed at any instant leaves the archive
// and catalog consistent, and the next run continues.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
)

// ErrRunFailed is wrapped by the error of a run that did not end "ok".
var ErrRunFailed = errors.New("run failed")

// maxListPages bounds the list pages one run follows (a paging loop is an
// error, not a hang).
const maxListPages = 10000

// Crawler harvests one source into an archive and a catalog.
type Crawler struct {
	cfg   Config
	src   parlq.Source
	arc   *archive.Writer
	cat   *catalog.Catalog
	log   *slog.Logger
	gates gates

	mu      sync.Mutex
	running bool
}

// New returns a Crawler for src. The archive and the catalog stay owned by
// the caller.
func New(cfg Config, src parlq.Source, arc *archive.Writer, cat *catalog.Catalog) (*Crawler, error) {
	switch {
	case src == nil || arc == nil || cat == nil:
		return nil, errors.New("crawler: source, archive and catalog are required")
	case cfg.UserAgent == "":
		return nil, errors.New("crawler: empty user agent")
	case cfg.Timeout <= 0:
		return nil, errors.New("crawler: timeout must be positive")
	case cfg.MaxBodySize <= 0:
		return nil, errors.New("crawler: max body size must be positive")
	case cfg.Delay < 0 || cfg.Jitter < 0 || cfg.MaxRetries < 0 || cfg.Backoff < 0 || cfg.MaxRequests < 0:
		return nil, errors.New("crawler: negative delay, jitter, retries, backoff or max requests")
	case cfg.MaxRedirects <= 0:
		return nil, errors.New("crawler: max redirects must be positive")
	}
	switch cfg.Recheck {
	case RecheckDue, RecheckPending, RecheckAll:
	default:
		return nil, fmt.Errorf("crawler: unknown recheck %q (want pending or all)", cfg.Recheck)
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("crawler: base url %q is not an http(s) URL", cfg.BaseURL)
		}
		cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("source", src.Name())
	return &Crawler{cfg: cfg, src: src, arc: arc, cat: cat, log: log}, nil
}

// run is the state of one Run.
type run struct {
	*Crawler
	f        *fetcher
	rec      catalog.Run
	firstErr error
	// src is the run's source: the Crawler's, read with this run's
	// reference documents for a parlq.Referrer (references.go).
	src parlq.Source
	// bulk holds the documents lists delivered inline (inline.go).
	bulk bulk
}

// Run does one harvest run and records it in the catalog: "ok", "failed"
// (nothing discovered, a page that cannot be fetched or parsed), or
// "interrupted" (ctx cancelled). The error is nil only for an ok run.
func (c *Crawler) Run(ctx context.Context) (catalog.Run, error) {
	c.mu.Lock()
	if c.running {
		c.mu.Unlock()
		return catalog.Run{}, errors.New("crawler: a run is already in progress")
	}
	c.running = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.running = false
		c.mu.Unlock()
	}()

	name := c.src.Name()
	started := c.cfg.Now()
	id, err := c.cat.StartRun(ctx, name, started)
	if err != nil {
		return catalog.Run{}, fmt.Errorf("harvest %s: %w", name, err)
	}
	f, err := newFetcher(ctx, c.cfg, c.arc, &c.gates, c.log)
	if err != nil {
		return catalog.Run{}, fmt.Errorf("harvest %s: %w", name, err)
	}
	r := &run{Crawler: c, f: f, rec: catalog.Run{ID: id, Source: name, Started: started}, src: c.src}
	c.log.Info("harvest started", "run", id)
	err = r.harvest(ctx)
	if err == nil && r.rec.Failed > 0 {
		err = fmt.Errorf("%d pages failed, first: %w", r.rec.Failed, r.firstErr)
	}
	r.rec.Requests = f.requests()
	r.rec.Finished = c.cfg.Now()
	switch {
	case ctx.Err() != nil:
		r.rec.Outcome = catalog.RunInterrupted
		err = fmt.Errorf("interrupted: %w", ctx.Err())
	case err != nil:
		r.rec.Outcome = catalog.RunFailed
	default:
		r.rec.Outcome = catalog.RunOK
	}
	if err != nil {
		r.rec.Error = err.Error()
	}
	if ferr := c.cat.FinishRun(context.WithoutCancel(ctx), r.rec); ferr != nil {
		return r.rec, fmt.Errorf("harvest %s: %w", name, errors.Join(err, ferr))
	}
	c.log.Info("harvest finished", "run", id, "outcome", r.rec.Outcome, "requests", r.rec.Requests,
		"discovered", r.rec.Discovered, "new", r.rec.New, "changed", r.rec.Changed,
		"unchanged", r.rec.Unchanged, "not_modified", r.rec.NotModified, "failed", r.rec.Failed,
		"skipped", r.rec.Skipped)
	if err != nil {
		c.log.Error("harvest failed", "run", id, "error", err)
		return r.rec, fmt.Errorf("harvest %s: %w: %w", name, ErrRunFailed, err)
	}
	return r.rec, nil
}

func (r *run) progress(phase string, done, total int, u string) {
	if r.cfg.Progress != nil {
		r.cfg.Progress(Progress{Phase: phase, Done: done, Total: total, URL: u})
	}
}

func (r *run) harvest(ctx context.Context) error {
	name := r.src.Name()
	opts, err := r.seedOptions(ctx)
	if err != nil {
		return err
	}
	if err := r.withReferences(ctx, opts); err != nil { // reference documents first (references.go)
		return err
	}
	seeds, err := r.src.Seeds(opts)
	if err != nil {
		return fmt.Errorf("seeds: %w", err)
	}
	refs, err := r.discover(ctx, seeds)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return errors.New("discovered no questions: the index is empty or its layout changed")
	}
	if _, err := r.cat.Track(ctx, name, refs); err != nil {
		return err
	}
	r.rec.Discovered = len(refs)
	items, err := r.cat.Items(ctx, name)
	if err != nil {
		return err
	}
	behind, err := r.behind(ctx, items, refs)
	if err != nil {
		return err
	}
	plan := r.plan(items, r.cfg.Now(), behind)
	r.rec.Skipped = len(items) - len(plan)
	r.log.Info("plan", "tracked", len(items), "to_fetch", len(plan))
	consecutive := 0
	start := r.f.requests()
	for i, it := range plan {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.cfg.MaxRequests > 0 && r.f.requests()-start >= r.cfg.MaxRequests {
			r.rec.Skipped += len(plan) - i
			r.log.Info("request budget spent; the rest waits for the next run", "left", len(plan)-i)
			break
		}
		r.progress("fetch", i, len(plan), it.URL)
		ok, err := r.fetchItem(ctx, it)
		if err != nil {
			return err
		}
		if ok {
			consecutive = 0
		} else if consecutive++; r.cfg.MaxConsecutiveFailures > 0 && consecutive >= r.cfg.MaxConsecutiveFailures {
			r.rec.Skipped += len(plan) - i - 1
			return fmt.Errorf("stopped after %d failures in a row; first: %w", consecutive, r.firstErr)
		}
	}
	r.progress("fetch", len(plan), len(plan), "")
	return nil
}

// seedOptions are the bounds of this run's seeds. Date windows default to
// the time since the last good run, with Overlap to spare, or FirstWindow on
// a first run; they end on the day of Now unless told otherwise.
func (r *run) seedOptions(ctx context.Context) (parlq.SeedOptions, error) {
	opts := parlq.SeedOptions{Legislature: r.cfg.Legislature, Since: r.cfg.Since, Until: r.cfg.Until}
	if opts.Until.IsZero() {
		opts.Until = r.cfg.Now()
	}
	if opts.Since.IsZero() {
		last, err := r.cat.LastGoodRun(ctx, r.src.Name())
		switch {
		case err == nil:
			opts.Since = last.Started.Add(-r.cfg.Overlap)
		case errors.Is(err, catalog.ErrNotFound):
			opts.Since = opts.Until.Add(-r.cfg.FirstWindow)
		default:
			return opts, err
		}
		if opts.Since.After(opts.Until) {
			// An explicit Until before the last run: a first window.
			opts.Since = opts.Until.Add(-r.cfg.FirstWindow)
		}
	}
	return opts, nil
}

// included says whether a question type is harvested.
func (r *run) included(t parlq.Type) bool {
	return t == parlq.WrittenQuestion || slices.Contains(r.cfg.IncludeTypes, t)
}

// discover fetches the list pages and returns the refs to track, with
// canonical URLs. Any list page that cannot be fetched or read fails the run.
func (r *run) discover(ctx context.Context, seeds []string) ([]parlq.Ref, error) {
	queue := slices.Clone(seeds)
	seen := map[string]bool{}
	var refs []parlq.Ref
	skipped := 0
	known := map[string]bool{}
	for i := 0; i < len(queue); i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		u := queue[i]
		if seen[u] {
			continue
		}
		seen[u] = true
		if len(seen) > maxListPages {
			return nil, fmt.Errorf("more than %d list pages: paging loop at %s?", maxListPages, u)
		}
		r.progress("discover", i, len(queue), u)
		fetched := r.fetchURL(u)
		pg, err := r.getList(ctx, u, fetched) // conditional GET and revisits of bulk dumps (dump.go)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", fetched, err)
		}
		if pg.Status != http.StatusOK {
			return nil, fmt.Errorf("list %s: status %d", fetched, pg.Status)
		}
		body, err := decode(pg.Body, pg.Header.Get("Content-Type"))
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", fetched, err)
		}
		d, err := r.src.Discover(u, body)
		if err != nil {
			var le *parlq.LayoutError
			if errors.As(err, &le) {
				le.URL = fetched
				return nil, fmt.Errorf("list: %w", err)
			}
			return nil, fmt.Errorf("list %s: %w", fetched, err)
		}
		if err := r.keepList(ctx, u, d); err != nil { // documents delivered inline (inline.go)
			return nil, err
		}
		if _, err := r.cat.AddCapture(ctx, catalog.Capture{
			Source: r.src.Name(), URL: u, RecordID: pg.Record.RecordID, File: pg.Record.File,
			Offset: pg.Record.Offset, PayloadDigest: pg.Record.PayloadDigest, Status: pg.Status,
			FetchedAt: pg.Record.Time, RunID: r.rec.ID,
		}); err != nil {
			return nil, err
		}
		for _, ref := range d.Refs {
			if !r.included(ref.Type) {
				skipped++
				continue
			}
			if known[ref.ID] {
				continue
			}
			known[ref.ID] = true
			ref.URL = r.canonicalize(ref.URL)
			refs = append(refs, ref)
		}
		for _, n := range d.Next {
			queue = append(queue, r.canonicalize(n))
		}
	}
	r.log.Info("discovered", "refs", len(refs), "other_types", skipped, "list_pages", len(seen))
	return refs, nil
}

// fetchItem fetches, archives, parses and stores one question. It returns
// false for a failure that is recorded (the run goes on), and an error only
// for what must stop the run (cancellation, the archive or the catalog).
func (r *run) fetchItem(ctx context.Context, it catalog.Item) (bool, error) {
	if e := r.bulk.entry(it.ID); e != nil && e.doc != nil { // delivered inline by its list (inline.go)
		return r.readInline(ctx, it, e)
	}
	now := r.cfg.Now()
	hdr := http.Header{}
	conditional := false
	if !it.LastFetched.IsZero() && it.Failures == 0 && it.Status != "" && r.cfg.Recheck != RecheckAll {
		etag, lm, err := r.cat.Validators(ctx, it.URL)
		if err != nil {
			return false, err
		}
		if etag != "" {
			hdr.Set("If-None-Match", etag)
			conditional = true
		}
		if lm != "" {
			hdr.Set("If-Modified-Since", lm)
			conditional = true
		}
	}
	fail := func(err error) (bool, error) { return r.failed(ctx, it, now, err) }
	fetchedURL := r.fetchURL(it.URL)
	pg, err := r.f.get(fetchedURL, hdr)
	if err != nil {
		return fail(fmt.Errorf("%s: %w", fetchedURL, err))
	}
	switch {
	case pg.Status == http.StatusNotModified && conditional:
		r.rec.NotModified++
		return true, r.cat.MarkFetched(ctx, it.ID, now)
	case pg.Status != http.StatusOK:
		return fail(fmt.Errorf("%s: status %d", fetchedURL, pg.Status))
	}
	capture := catalog.Capture{
		Source: r.src.Name(), URL: it.URL, QuestionID: it.ID, RecordID: pg.Record.RecordID,
		File: pg.Record.File, Offset: pg.Record.Offset, PayloadDigest: pg.Record.PayloadDigest,
		Status: pg.Status, FetchedAt: pg.Record.Time, RunID: r.rec.ID,
	}
	ct := pg.Header.Get("Content-Type")
	if same, err := r.unchanged(ctx, it, pg.Body, ct); err != nil {
		return false, err
	} else if same != "" {
		// The page reads into the stored record: keep the capture (and its
		// validators) and confirm the record without parsing it again.
		capture.NormDigest = same
		capture.ETag, capture.LastModified = pg.Header.Get("ETag"), pg.Header.Get("Last-Modified")
		if _, err := r.cat.AddCapture(ctx, capture); err != nil {
			return false, err
		}
		if err := r.cat.Confirm(ctx, it.ID, pg.Record.RecordID, pg.Record.Time); err != nil {
			return false, err
		}
		r.rec.Unchanged++
		return true, r.cat.MarkFetched(ctx, it.ID, now)
	}
	rd, err := Read(r.src, it.URL, pg.Body, ct, func(string) (*parlq.Question, error) { return it.Listing, nil })
	capture.NormDigest = rd.Digest
	if err != nil {
		// The capture stays on file, without validators: a failed page
		// must be fetched in full again.
		if _, cerr := r.cat.AddCapture(ctx, capture); cerr != nil {
			return false, cerr
		}
		return fail(nameFetched(fetchedURL, err))
	}
	q := rd.Record
	if q.ID != it.ID {
		return fail(fmt.Errorf("%s: page is question %s, the index says %s", fetchedURL, q.ID, it.ID))
	}
	capture.ETag, capture.LastModified = pg.Header.Get("ETag"), pg.Header.Get("Last-Modified")
	if _, err := r.cat.AddCapture(ctx, capture); err != nil {
		return false, err
	}
	res, err := r.cat.Put(ctx, q, parlq.Capture{
		RecordID: pg.Record.RecordID, PayloadDigest: pg.Record.PayloadDigest,
		File: pg.Record.File, Offset: pg.Record.Offset, URL: pg.Record.URL,
	}, pg.Record.Time)
	if err != nil {
		return false, err
	}
	r.count(res)
	if (res.Outcome == catalog.New || res.Outcome == catalog.Changed) && r.cfg.OnChange != nil {
		r.cfg.OnChange(q, res)
	}
	return true, r.cat.MarkFetched(ctx, it.ID, now)
}

// unchanged returns the page's digest when it equals the digest of the
// capture the stored record was last read from (same normalized content,
// parser version and listing: the same record), and "" otherwise.
func (r *run) unchanged(ctx context.Context, it catalog.Item, body []byte, contentType string) (string, error) {
	if it.Status == "" || r.cfg.Recheck == RecheckAll {
		return "", nil
	}
	stored, err := r.cat.LatestNormDigest(ctx, it.ID)
	if err != nil || stored == "" {
		return "", err
	}
	d, err := Digest(r.src, it.URL, body, contentType, it.Listing)
	if err != nil || d != stored {
		return "", nil
	}
	return d, nil
}

func (r *run) count(res catalog.PutResult) {
	switch res.Outcome {
	case catalog.New:
		r.rec.New++
	case catalog.Changed:
		r.rec.Changed++
	default:
		r.rec.Unchanged++
	}
}
