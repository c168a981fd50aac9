package dataset

import (
	"context"
	"errors"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/parser"
)

// Job is one source to harvest and the crawler's settings for it.
type Job struct {
	Source parlq.Source
	Config crawler.Config
}

// ErrNoJobs is returned by Harvest when the dataset was opened without jobs.
var ErrNoJobs = errors.New("no harvest configured")

// Harvest runs one harvest of each job's source in turn, archiving, storing
// and indexing what it fetches; progress (may be nil) hears how each goes.
// It returns every run and an error when any run was not clean.
func (d *Dataset) Harvest(ctx context.Context, progress func(source string, p crawler.Progress)) ([]catalog.Run, error) {
	if len(d.opts.Jobs) == 0 {
		return nil, ErrNoJobs
	}
	if d.arc == nil || !d.opts.Write {
		return nil, errors.New("dataset: opened without the archive writer")
	}
	d.work.Lock()
	defer d.work.Unlock()
	if err := d.markDirty(); err != nil {
		return nil, err
	}
	var (
		runs []catalog.Run
		errs []error
	)
	for _, job := range d.opts.Jobs {
		cfg := job.Config
		if cfg.Logger == nil {
			cfg.Logger = d.log
		}
		if progress != nil {
			name := job.Source.Name()
			cfg.Progress = func(p crawler.Progress) { progress(name, p) }
		}
		cfg.OnChange = d.indexChange(ctx)
		c, err := crawler.New(cfg, job.Source, d.arc, d.cat)
		if err != nil {
			return runs, err
		}
		run, err := c.Run(ctx)
		runs = append(runs, run)
		if err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	// The marker goes when the index is closed and so persisted, unless an
	// update failed in this run or an earlier one of this process.
	if ctx.Err() == nil {
		d.indexed.Store(true)
	}
	return runs, errors.Join(errs...)
}

// Reparse replays the archive through the current parsers of sources into
// the catalog (no network), then reindexes every record so that records
// whose parse did not change are indexed with the current mapping too. It
// goes through every source before it returns the reports and an error
// joining each source's. Damaged archive records do not stop it: what could
// be read is stored and indexed, and the error lists the damage.
func (d *Dataset) Reparse(ctx context.Context, sources []parlq.Source) ([]crawler.ReparseReport, error) {
	d.work.Lock()
	defer d.work.Unlock()
	if err := d.needIndex(); err != nil {
		return nil, err
	}
	if err := d.markDirty(); err != nil {
		return nil, err
	}
	var (
		reps []crawler.ReparseReport
		errs []error
	)
	for _, src := range sources {
		rep, err := crawler.Reparse(ctx, src, d.cat, d.path(WARCDir), d.indexChange(ctx))
		reps = append(reps, rep)
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, err := range errs {
		if !errors.Is(err, crawler.ErrDamaged) {
			return reps, errors.Join(errs...)
		}
	}
	if _, err := d.reindex(ctx, ""); err != nil {
		return reps, errors.Join(append(errs, err)...)
	}
	d.indexed.Store(true)
	return reps, errors.Join(errs...)
}

// Accept stores the question's open suspect capture as its current
// version (catalog.Accept: the operator says the source really did that)
// and indexes it, with the records whose related references now name it.
// It returns what the catalog did and the record now current.
func (d *Dataset) Accept(ctx context.Context, id string) (catalog.PutResult, *parlq.Question, error) {
	d.work.Lock()
	defer d.work.Unlock()
	if err := d.needIndex(); err != nil {
		return catalog.PutResult{}, nil, err
	}
	if err := d.markDirty(); err != nil {
		return catalog.PutResult{}, nil, err
	}
	res, err := d.cat.Accept(ctx, id)
	if err != nil {
		return res, nil, err
	}
	q, err := d.cat.Get(ctx, id)
	if err != nil {
		return res, nil, err
	}
	index := d.indexChange(ctx)
	index(q, res)
	for _, other := range res.Relinked {
		o, err := d.cat.Get(ctx, other)
		if err != nil {
			return res, q, err
		}
		index(o, res)
	}
	d.indexed.Store(true)
	return res, q, nil
}

// registry is the list of sources parlq knows (package parser); a variable
// so that tests can add their own.
var registry = parser.All
