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
//     parse it, and store the record with its capture (catalog.PutChecked:
//     a reading worse than the stored record, parlq.Worse, is held back as
//     suspect, and fetched again by the next run).
//
// Lists must be plausible (as many items as they announce, at least half
// of what they delivered last time) before anything is tracked; robots.txt
// answering 5xx disallows the host for the run; a run ends at
// Config.MaxDuration.
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

// Errors that say why a run did not end ok; check them with errors.Is.
var (
	// ErrSuspect: the run held back captures whose records would have been
	// worse than the stored ones (catalog.PutChecked); the run ends
	// "suspect".
	ErrSuspect = errors.New("captures held back as suspect")
	// ErrDeadline: the run reached Config.MaxDuration and stopped.
	ErrDeadline = errors.New("the run reached its deadline")
	// ErrImplausibleList: a list delivered markedly fewer items than it
	// announces, or than it delivered last time; nothing was tracked.
	ErrImplausibleList = errors.New("implausible list")
)

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
	// notes are what the run met that is not an error.
	notes []string
	// suspects are the questions held back, with their lost fields.
	suspects []string
	// planned is set once the lists are read and the fetches planned.
	planned bool
	// src is the run's source: the Crawler's, read with this run's
	// reference documents for a parlq.Referrer (references.go).
	src parlq.Source
	// bulk holds the documents lists delivered inline (inline.go).
	bulk bulk
}

// note records, for the run's outcome, something the run met that is not
// an error.
func (r *run) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	r.log.Info(n)
	r.notes = append(r.notes, n)
}

// Run does one harvest run and records it in the catalog: "ok";
// "suspect" (everything done, but captures held back because their
// records would have been worse than the stored ones; ErrSuspect);
// "failed" (nothing discovered, an implausible list, a page that cannot be
// fetched or parsed, robots.txt answering 5xx, the deadline reached);
// or "interrupted" (ctx cancelled). The run's Error says why it is not ok,
// its Notes what it met that is no error. The error is nil only for an ok
// run.
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
	runCtx := ctx
	if c.cfg.MaxDuration > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeoutCause(ctx, c.cfg.MaxDuration, ErrDeadline)
		defer cancel()
	}
	f, err := newFetcher(runCtx, c.cfg, c.arc, &c.gates, c.log)
	if err != nil {
		return catalog.Run{}, fmt.Errorf("harvest %s: %w", name, err)
	}
	if a, ok := c.src.(parlq.Accepter); ok {
		f.accept = a.Accept()
	}
	r := &run{Crawler: c, f: f, rec: catalog.Run{ID: id, Source: name, Started: started}, src: c.src}
	c.log.Info("harvest started", "run", id)
	err = r.harvest(runCtx)
	if err == nil && r.rec.Failed > 0 {
		err = fmt.Errorf("%d pages failed, first: %w", r.rec.Failed, r.firstErr)
	}
	r.rec.Requests = f.requests()
	r.rec.Finished = c.cfg.Now()
	switch {
	case ctx.Err() != nil:
		r.rec.Outcome = catalog.RunInterrupted
		err = fmt.Errorf("interrupted: %w", ctx.Err())
	case runCtx.Err() != nil:
		r.rec.Outcome = catalog.RunFailed
		if r.planned {
			err = fmt.Errorf("%w (--max-duration %s): stopped; %d questions left for the next run",
				ErrDeadline, c.cfg.MaxDuration, r.rec.Skipped)
		} else {
			err = fmt.Errorf("%w (--max-duration %s): stopped while reading the lists; nothing was fetched",
				ErrDeadline, c.cfg.MaxDuration)
		}
	case err != nil:
		r.rec.Outcome = catalog.RunFailed
	case r.rec.Suspects > 0:
		r.rec.Outcome = catalog.RunSuspect
		err = r.suspectError()
	default:
		r.rec.Outcome = catalog.RunOK
	}
	if err != nil {
		if r.rec.Suspects > 0 && !errors.Is(err, ErrSuspect) {
			err = fmt.Errorf("%w; and %w", err, r.suspectError())
		}
		r.rec.Error = err.Error()
	}
	r.notes = append(r.notes, f.robotsNotes()...)
	r.rec.Notes = strings.Join(r.notes, "\n")
	if ferr := c.cat.FinishRun(context.WithoutCancel(ctx), r.rec); ferr != nil {
		return r.rec, fmt.Errorf("harvest %s: %w", name, errors.Join(err, ferr))
	}
	c.log.Info("harvest finished", "run", id, "outcome", r.rec.Outcome, "requests", r.rec.Requests,
		"discovered", r.rec.Discovered, "new", r.rec.New, "changed", r.rec.Changed,
		"unchanged", r.rec.Unchanged, "not_modified", r.rec.NotModified, "failed", r.rec.Failed,
		"skipped", r.rec.Skipped, "suspects", r.rec.Suspects)
	if err != nil {
		c.log.Error("harvest failed", "run", id, "error", err)
		return r.rec, fmt.Errorf("harvest %s: %w: %w", name, ErrRunFailed, err)
	}
	return r.rec, nil
}

// maxSuspectsNamed bounds the questions a suspect run's error names.
const maxSuspectsNamed = 5

// suspectError says which captures the run held back.
func (r *run) suspectError() error {
	named := r.suspects
	more := ""
	if len(named) > maxSuspectsNamed {
		named, more = named[:maxSuspectsNamed], fmt.Sprintf(" and %d more", len(r.suspects)-maxSuspectsNamed)
	}
	return fmt.Errorf("%w: %d, not stored because they would lose what the stored record has: %s%s "+
		"(they are fetched again by the next run; see parlq status, and parlq accept ID when the source really did that)",
		ErrSuspect, r.rec.Suspects, strings.Join(named, "; "), more)
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
	before, err := r.cat.Items(ctx, name)
	if err != nil {
		return err
	}
	if len(refs) > 0 {
		if _, err := r.cat.Track(ctx, name, refs); err != nil {
			return err
		}
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
	for id := range moved(before, refs) {
		behind[id] = true
	}
	plan := r.plan(items, r.cfg.Now(), behind)
	r.planned = true
	r.rec.Skipped = len(items) - len(plan)
	r.log.Info("plan", "tracked", len(items), "to_fetch", len(plan))
	consecutive := 0
	start := r.f.requests()
	for i, it := range plan {
		if err := ctx.Err(); err != nil {
			r.rec.Skipped += len(plan) - i
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
			r.rec.Skipped += len(plan) - i
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
// the time since the last run that read every list (ok, or suspect), with
// Overlap to spare, or FirstWindow on a first run; they end on the day of
// Now unless told otherwise.
func (r *run) seedOptions(ctx context.Context) (parlq.SeedOptions, error) {
	opts := parlq.SeedOptions{Legislature: r.cfg.Legislature, Since: r.cfg.Since, Until: r.cfg.Until}
	if opts.Until.IsZero() {
		opts.Until = r.cfg.Now()
	}
	if opts.Since.IsZero() {
		last, err := r.cat.LastHarvestedRun(ctx, r.src.Name())
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

// list is one seed and the pages it leads to (its next pages), as this run
// read them.
type list struct {
	seed string
	// items counts the refs its pages delivered (every type); announced is
	// what its first page said the list has (-1: it does not say).
	items, announced int
	// missing: the seed answered 404 and never answered before.
	missing bool
}

// minComparedItems is the smallest list worth comparing with what it
// delivered last time: below it, halving is noise.
const minComparedItems = 10

// discover fetches the list pages and returns the refs to track, with
// canonical URLs. Any list page that cannot be fetched or read fails the
// run, and so does a list that is not plausible (see plausible): nothing is
// tracked then. A seed that answers 404 and never answered before (a
// legislature whose index does not exist) is noted and skipped, as long as
// another seed answered; a seed that answered before and is now missing is
// an alarm. No refs from lists that say they are empty ("totalResults": 0)
// is a quiet night, noted; no refs otherwise is an alarm.
func (r *run) discover(ctx context.Context, seeds []string) ([]parlq.Ref, error) {
	type page struct {
		url  string
		list int // index in lists
	}
	lists := make([]*list, len(seeds))
	queue := make([]page, len(seeds))
	for i, u := range seeds {
		lists[i] = &list{seed: u, announced: -1}
		queue[i] = page{u, i}
	}
	seen := map[string]bool{}
	var refs []parlq.Ref
	skipped := 0
	known := map[string]bool{}
	for i := 0; i < len(queue); i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		u, l := queue[i].url, lists[queue[i].list]
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
		if pg.Status == http.StatusNotFound && u == l.seed {
			had, err := r.cat.HadList(ctx, r.src.Name(), u)
			if err != nil {
				return nil, err
			}
			if had {
				return nil, fmt.Errorf("list %s: status 404, and it answered before: the list is gone or moved", u)
			}
			l.missing = true
			continue
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
		if u == l.seed {
			l.announced = d.Total
		}
		l.items += len(d.Refs)
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
			queue = append(queue, page{r.canonicalize(n), queue[i].list})
		}
	}
	r.log.Info("discovered", "refs", len(refs), "other_types", skipped, "list_pages", len(seen))
	if err := r.plausible(ctx, lists); err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		for _, l := range lists {
			if !l.missing && l.announced != 0 {
				return nil, errors.New("discovered no questions: the index is empty or its layout changed")
			}
		}
		r.note("the lists say they hold no questions for this run (%d lists): a quiet window, nothing to fetch", len(lists))
	}
	return refs, nil
}

// plausible checks what each list delivered, notes the missing seeds and,
// when every list passes, records the counts for the next run. A list is
// not plausible when it delivers markedly fewer items than it announces
// (more than 5% short: paging over a list that changes between two pages
// may lose a few) or than it delivered the last time it passed (less than
// half, for lists of minComparedItems or more). Config.AcceptLists takes
// them as they come.
func (r *run) plausible(ctx context.Context, lists []*list) error {
	prev, err := r.cat.ListCounts(ctx, r.src.Name())
	if err != nil {
		return err
	}
	var bad []string
	var counts []catalog.ListCount
	var missing []string
	for _, l := range lists {
		if l.missing {
			missing = append(missing, l.seed)
			continue
		}
		switch p, ok := prev[l.seed]; {
		case l.announced >= 0 && l.announced-l.items > l.announced/20:
			bad = append(bad, fmt.Sprintf("%s announces %d items and delivered %d", l.seed, l.announced, l.items))
		case ok && p.Items >= minComparedItems && l.items*2 < p.Items:
			bad = append(bad, fmt.Sprintf("%s delivered %d items; it delivered %d on %s", l.seed, l.items, p.Items, p.At.UTC().Format(parlq.DateLayout)))
		}
		counts = append(counts, catalog.ListCount{URL: l.seed, Items: l.items, Announced: l.announced})
	}
	if len(missing) == len(lists) {
		return fmt.Errorf("every list is missing (status 404): %s", strings.Join(missing, ", "))
	}
	for _, m := range missing {
		r.note("%s does not exist (404, and it never answered): skipped", m)
	}
	if len(bad) > 0 {
		if !r.cfg.AcceptLists {
			return fmt.Errorf("%w: %s; nothing was tracked or fetched (check the site; --accept-lists takes the lists as they are)",
				ErrImplausibleList, strings.Join(bad, "; "))
		}
		for _, b := range bad {
			r.note("taken as it is (--accept-lists): %s", b)
		}
	}
	return r.cat.SetListCounts(ctx, r.src.Name(), r.rec.ID, r.cfg.Now(), counts)
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
	// A question held back as suspect is fetched in full: a 304 would only
	// say the page is still the one last stored, not what it is now.
	if !it.LastFetched.IsZero() && it.Failures == 0 && it.Status != "" && !it.Suspect && r.cfg.Recheck != RecheckAll {
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
	res, err := r.cat.PutChecked(ctx, q, parlq.Capture{
		RecordID: pg.Record.RecordID, PayloadDigest: pg.Record.PayloadDigest,
		File: pg.Record.File, Offset: pg.Record.Offset, URL: pg.Record.URL,
	}, pg.Record.Time, catalog.Check{RunID: r.rec.ID, URL: it.URL, Listing: it.Listing})
	if err != nil {
		return false, err
	}
	r.count(res)
	if res.Outcome == catalog.Suspect {
		r.suspects = append(r.suspects, fmt.Sprintf("%s (%s) %s", it.ID, strings.Join(parlq.LossFields(res.Losses), ", "), it.URL))
		r.log.Error("capture held back as suspect: its record would lose what the stored one has",
			"id", it.ID, "url", fetchedURL, "losses", fmt.Sprint(res.Losses))
	}
	if err := onChange(ctx, r.cat, r.cfg.OnChange, q, res); err != nil {
		return false, err
	}
	return true, r.cat.MarkFetched(ctx, it.ID, now)
}

// onChange hands a new or changed record to fn (may be nil), and the
// records whose related references now name it (they changed in place).
func onChange(ctx context.Context, cat *catalog.Catalog, fn func(*parlq.Question, catalog.PutResult), q *parlq.Question, res catalog.PutResult) error {
	if fn == nil || (res.Outcome != catalog.New && res.Outcome != catalog.Changed) {
		return nil
	}
	fn(q, res)
	for _, id := range res.Relinked {
		other, err := cat.Get(ctx, id)
		if err != nil {
			return err
		}
		fn(other, catalog.PutResult{Outcome: catalog.Unchanged, Version: other.Version})
	}
	return nil
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
	case catalog.Suspect:
		r.rec.Suspects++
	default:
		r.rec.Unchanged++
	}
}
