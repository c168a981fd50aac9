package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/parser"
)

// store is an open data directory: the writer lock, the archive, the catalog
// and the index, each opened only when the command needs it.
type store struct {
	dir  dataDir
	lock *dirLock
	arc  *archive.Writer
	cat  *catalog.Catalog
	ix   *index.Index
	log  *slog.Logger
	// indexed is set when every stored record was handed to the index; the
	// dirty marker is removed only once the index is closed (persisted).
	indexed bool
	// indexFailed sticks once an index update failed: only a rebuild from
	// the catalog (at the next start) brings those records back. Set from
	// the crawler's OnChange, which may run on its goroutines.
	indexFailed atomic.Bool
	// synonyms is the synonym file the index reads ("" = built-in defaults).
	synonyms string
}

// storeOptions say what a command opens.
type storeOptions struct {
	command  string // for the lock holder
	write    bool   // take the writer lock (harvest, serve, reparse, reindex)
	archive  bool   // open the WARC writer
	index    bool   // open the Bleve index
	synonyms string // the index's synonym file ("" = data/synonyms.txt)
}

// dirtyMarker is present in the index directory while a writer may have
// stored records the index has not seen yet; its presence at open means the
// last writer died and the index is rebuilt from the catalog.
const dirtyMarker = "DIRTY"

func openStore(ctx context.Context, d dataDir, o storeOptions, log *slog.Logger) (_ *store, err error) {
	s := &store{dir: d, log: log}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	if o.write {
		if s.lock, err = lockDataDir(d, lockHolder{PID: os.Getpid(), Command: o.command, Started: time.Now().UTC()}); err != nil {
			return nil, err
		}
	} else if _, err := os.Stat(d.catalog()); err != nil {
		return nil, fmt.Errorf("no parlq data in %s (run \"parlq harvest\" first, or pass --data)", d)
	}
	if o.write {
		s.cat, err = catalog.Open(ctx, d.catalog())
	} else {
		// Readers beside a writer must not touch its runs.
		s.cat, err = catalog.OpenReadOnly(ctx, d.catalog())
	}
	if err != nil {
		return nil, err
	}
	if o.archive {
		opts := archive.DefaultOptions(d.warc())
		opts.Logger = log
		if s.arc, err = archive.OpenWriter(opts); err != nil {
			return nil, err
		}
	}
	if o.index {
		if !o.write {
			if h := currentHolder(d); h != nil {
				msg := fmt.Sprintf("the index of %s is held by parlq %s (pid %d)", d, h.Command, h.PID)
				if h.Addr != "" {
					msg += "; query its server instead: --server http://" + h.Addr
				}
				return nil, errors.New(msg)
			}
		}
		opts := index.DefaultOptions()
		if opts.Synonyms, err = s.synonymFile(o); err != nil {
			return nil, err
		}
		s.synonyms = opts.Synonyms
		opts.Logger = log
		opts.ReadOnly = !o.write
		if s.ix, err = openIndex(ctx, d.index(), opts, log); err != nil {
			return nil, err
		}
		if o.write {
			if err := s.recoverIndex(ctx); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// readerWait bounds how long a writer waits for readers (parlq search or
// export) to close the index; a nightly harvest should outwait an export,
// not fail on it.
const readerWait = 10 * time.Minute

// openIndex opens the index; a writer that finds readers holding it waits
// for them, up to readerWait.
func openIndex(ctx context.Context, dir string, opts index.Options, log *slog.Logger) (*index.Index, error) {
	deadline := time.Now().Add(readerWait)
	waiting := false
	for {
		ix, err := index.Open(dir, opts)
		if err == nil || opts.ReadOnly || !errors.Is(err, index.ErrLocked) || time.Now().After(deadline) {
			return ix, err
		}
		if !waiting {
			log.Warn("the index is open in another parlq process (search or export); waiting for it to finish", "dir", dir, "at_most", readerWait)
			waiting = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// synonymFile picks the synonym file: the flag's, else the data directory's
// own synonyms.txt, which a writer creates from the shipped defaults so that
// users have a file to edit ("" = the defaults, for a reader of a directory
// that has none).
func (s *store) synonymFile(o storeOptions) (string, error) {
	if o.synonyms != "" {
		if _, err := os.Stat(o.synonyms); err != nil {
			return "", fmt.Errorf("synonyms: %w", err)
		}
		return o.synonyms, nil
	}
	path := s.dir.synonyms()
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if !o.write {
		return "", nil
	}
	if err := os.WriteFile(path, []byte(index.DefaultSynonyms()), 0o644); err != nil {
		return "", fmt.Errorf("synonyms: %w", err)
	}
	return path, nil
}

// recoverIndex rebuilds the index from the catalog when the last writer died
// between storing a record and indexing it.
func (s *store) recoverIndex(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(s.dir.index(), dirtyMarker)); err != nil {
		return nil
	}
	s.log.Warn("the last writer stopped before the index was up to date; rebuilding it from the catalog")
	if _, err := s.reindex(ctx, ""); err != nil {
		return err
	}
	// Rebuild persists each source's index before it returns.
	return s.markClean()
}

// markDirty notes that records may be stored before they are indexed.
func (s *store) markDirty() error {
	if err := os.MkdirAll(s.dir.index(), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.dir.index(), dirtyMarker), []byte("records stored but maybe not indexed\n"), 0o644)
}

// markClean notes that the (persisted) index has every stored record. Call
// it only when nothing is waiting in the index's memory: after Rebuild, or
// from close once the index is closed.
func (s *store) markClean() error {
	err := os.Remove(filepath.Join(s.dir.index(), dirtyMarker))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// reindex rebuilds the index of one source ("" = every source the catalog
// or the index knows) from the catalog's current records.
func (s *store) reindex(ctx context.Context, source string) (map[string]int, error) {
	sources := []string{source}
	if source == "" {
		known, err := s.cat.Sources(ctx)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		sources = nil
		for _, name := range append(known, s.ix.Sources()...) {
			if !seen[name] {
				seen[name] = true
				sources = append(sources, name)
			}
		}
	}
	counts := map[string]int{}
	for _, name := range sources {
		n, err := s.ix.Rebuild(ctx, name, func(yield func(*parlq.Question) error) error {
			return s.cat.Each(ctx, name, yield)
		})
		if err != nil {
			return counts, fmt.Errorf("reindex %s: %w", name, err)
		}
		counts[name] = n
	}
	return counts, nil
}

// indexChange is the crawler's OnChange: every new or changed record goes
// into the index at once; a failure is remembered, so the dirty marker stays
// and the next start rebuilds the index.
func (s *store) indexChange(ctx context.Context) func(*parlq.Question, catalog.PutResult) {
	return func(q *parlq.Question, _ catalog.PutResult) {
		if s.ix == nil {
			return
		}
		if err := s.ix.Put(ctx, q); err != nil {
			s.indexFailed.Store(true)
			s.log.Error("index update failed; the index will be rebuilt at the next start", "id", q.ID, "err", err)
		}
	}
}

func (s *store) close() error {
	var errs []error
	if s.ix != nil {
		err := s.ix.Close()
		errs = append(errs, err)
		if err == nil && s.indexed && !s.indexFailed.Load() {
			errs = append(errs, s.markClean())
		}
	}
	if s.arc != nil {
		errs = append(errs, s.arc.Close())
	}
	if s.cat != nil {
		errs = append(errs, s.cat.Close())
	}
	s.lock.release()
	return errors.Join(errs...)
}

// selectSources resolves a --source value: a name, a comma list, or "all".
func selectSources(v string) ([]parlq.Source, error) {
	if v == "" || v == "all" {
		return parser.All(), nil
	}
	var out []parlq.Source
	for _, name := range splitList(v) {
		src, err := parser.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		out = append(out, src)
	}
	return out, nil
}
