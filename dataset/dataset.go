// Package dataset owns one parlq data directory: the writer lock, the WARC
// archive, the SQLite catalog and the Bleve index, opened together, and the
// operations that keep them in step.
//
// Its invariant is the product's: the archive is the truth, the catalog
// follows the archive, the index follows the catalog or is rebuilt from it.
// Every record is archived before it is parsed and stored before it is
// indexed; while records may be stored but not yet indexed the index carries
// a DIRTY marker, so a writer killed at any instant leaves a directory whose
// next writer rebuilds the index. An index that is missing beside a
// non-empty catalog, or built with another mapping, is rebuilt the same way.
//
// Harvest runs the crawler over one or more sources; Reparse replays the
// archive through the current parsers and Reindex rebuilds the index from
// the catalog, neither touching the network; Status is the read-model behind
// "parlq status", /healthz and /metrics.
package dataset

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/lockfile"
)

// Layout of a data directory.
const (
	// WARCDir holds the archive: WARC files and their CDXJ index.
	WARCDir = "warc"
	// CatalogFile is the SQLite catalog.
	CatalogFile = "catalog.db"
	// IndexDir holds the Bleve index, one index per source.
	IndexDir = "index"
	// SynonymsFile is the user-editable synonym file of the search index.
	SynonymsFile = "synonyms.txt"
	// LockFile names the process that writes the directory.
	LockFile = "LOCK"
	// dirtyMarker is present in the index directory while a writer may have
	// stored records the index has not seen yet; its presence at open means
	// the last writer died and the index is rebuilt from the catalog.
	dirtyMarker = "DIRTY"
)

// ErrNoData is returned when a reader opens a directory without a catalog.
var ErrNoData = errors.New("no parlq data")

// Options say what to open. The zero value opens the catalog read-only.
type Options struct {
	// Command names the opening command in the lock ("harvest", "serve").
	Command string
	// Write takes the writer lock (harvest, serve, reparse, reindex); without
	// it the catalog and the index are opened read-only, beside a writer's
	// catalog but never beside its index.
	Write bool
	// Archive opens the WARC writer (harvest, serve).
	Archive bool
	// Index opens the search index.
	Index bool
	// Synonyms is the synonym file ("" = SynonymsFile in the directory, which
	// a writer creates from the shipped defaults).
	Synonyms string
	// Jobs are the harvests Harvest runs.
	Jobs []Job
	// Logger receives what the dataset does; nil is silent.
	Logger *slog.Logger
}

// Dataset is one open data directory. Its methods are safe for concurrent
// use, but Harvest, Reparse and Reindex run one at a time.
type Dataset struct {
	dir  string
	opts Options
	log  *slog.Logger
	lock *lockfile.Lock
	arc  *archive.Writer
	cat  *catalog.Catalog
	ix   *index.Index

	// work serializes the operations that write (Harvest, Reparse, Reindex).
	work sync.Mutex
	// indexed is set when every stored record was handed to the index; the
	// dirty marker is removed only once the index is closed (persisted).
	indexed atomic.Bool
	// indexFailed sticks once an index update failed: only a rebuild from
	// the catalog (at the next start) brings those records back. Set from
	// the crawler's OnChange, which may run on its goroutines.
	indexFailed atomic.Bool
	// synonyms is the synonym file the index reads ("" = built-in defaults).
	synonyms string
}

// Open opens the data directory dir as o says. A writer creates the
// directory, takes its lock (an error naming the holder when another
// process has it) and recovers the index; a reader needs an existing
// catalog and refuses an index that a writer holds.
func Open(ctx context.Context, dir string, o Options) (_ *Dataset, err error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Dataset{dir: dir, opts: o, log: log}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	if o.Write {
		if d.lock, err = lockDir(dir, Holder{PID: os.Getpid(), Command: o.Command, Started: time.Now().UTC()}); err != nil {
			return nil, err
		}
		d.cat, err = catalog.Open(ctx, d.path(CatalogFile))
	} else {
		if _, err := os.Stat(d.path(CatalogFile)); err != nil {
			return nil, fmt.Errorf("%w in %s", ErrNoData, dir)
		}
		// Readers beside a writer must not touch its runs.
		d.cat, err = catalog.OpenReadOnly(ctx, d.path(CatalogFile))
	}
	if err != nil {
		return nil, err
	}
	if o.Archive {
		opts := archive.DefaultOptions(d.path(WARCDir))
		opts.Logger = log
		if d.arc, err = archive.OpenWriter(opts); err != nil {
			return nil, err
		}
	}
	if o.Index {
		if err := d.openIndex(ctx); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *Dataset) path(name string) string { return filepath.Join(d.dir, name) }

// Dir returns the data directory.
func (d *Dataset) Dir() string { return d.dir }

// Catalog returns the catalog.
func (d *Dataset) Catalog() *catalog.Catalog { return d.cat }

// Index returns the search index, or nil when it was not opened.
func (d *Dataset) Index() *index.Index { return d.ix }

// Jobs returns the harvests Harvest runs.
func (d *Dataset) Jobs() []Job { return d.opts.Jobs }

// ReadCapture returns the archived response a capture points at. A capture
// the archive does not hold, or holds damaged, is an error that says so.
func (d *Dataset) ReadCapture(ctx context.Context, c parlq.Capture) (*archive.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return archive.ReadResponse(d.path(WARCDir), c.File, c.Offset)
}

// Close closes the index (persisting it), the archive and the catalog, and
// releases the lock. The dirty marker goes only when every stored record
// reached a persisted index.
func (d *Dataset) Close() error {
	var errs []error
	if d.ix != nil {
		err := d.ix.Close()
		errs = append(errs, err)
		if err == nil && d.indexed.Load() && !d.indexFailed.Load() {
			errs = append(errs, d.markClean())
		}
		d.ix = nil
	}
	if d.arc != nil {
		errs = append(errs, d.arc.Close())
		d.arc = nil
	}
	if d.cat != nil {
		errs = append(errs, d.cat.Close())
		d.cat = nil
	}
	d.lock.Unlock()
	return errors.Join(errs...)
}

// CanHarvest says whether Harvest has jobs and an archive to write to.
func (d *Dataset) CanHarvest() bool { return len(d.opts.Jobs) > 0 && d.arc != nil }
