package dataset

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/index"
)

// ReaderWait bounds how long a writer waits for readers (parlq search or
// export) to close the index; a nightly harvest should outwait an export,
// not fail on it.
var ReaderWait = 10 * time.Minute

// openIndex opens the index: a reader refuses an index a writer holds; a
// writer waits for readers, then brings the index up to the catalog.
func (d *Dataset) openIndex(ctx context.Context) error {
	if !d.opts.Write {
		if h := CurrentHolder(d.dir); h != nil {
			return &LockedError{Dir: d.dir, Holder: h}
		}
	}
	opts := index.DefaultOptions()
	var err error
	if opts.Synonyms, err = d.synonymFile(); err != nil {
		return err
	}
	d.synonyms = opts.Synonyms
	opts.Logger = d.log
	opts.ReadOnly = !d.opts.Write
	if d.ix, err = d.waitForIndex(ctx, opts); err != nil {
		return err
	}
	if d.opts.Write {
		return d.recoverIndex(ctx)
	}
	// A reader cannot rebuild: it says what does instead of answering from
	// an index that does not follow the catalog.
	behind, err := d.behind(ctx)
	if err != nil {
		return err
	}
	if len(behind) > 0 {
		return fmt.Errorf("%w: %s (run \"parlq reindex\", or start any writer such as \"parlq serve\", to rebuild it from the catalog)", ErrIndexBehind, strings.Join(behind, ", "))
	}
	if _, err := os.Stat(filepath.Join(d.path(IndexDir), dirtyMarker)); err == nil {
		return fmt.Errorf("%w: the last writer stopped before the index was up to date (run \"parlq reindex\", or start any writer, to rebuild it)", ErrIndexBehind)
	}
	return nil
}

// ErrIndexBehind is returned to a reader when the index does not follow
// the catalog (missing, empty, built by another version, or left dirty by a
// writer that died); only a writer can rebuild it.
var ErrIndexBehind = errors.New("the search index does not follow the catalog")

// waitForIndex opens the index; a writer that finds readers holding it
// waits for them, up to ReaderWait.
func (d *Dataset) waitForIndex(ctx context.Context, opts index.Options) (*index.Index, error) {
	dir := d.path(IndexDir)
	deadline := time.Now().Add(ReaderWait)
	waiting := false
	for {
		ix, err := index.Open(dir, opts)
		if err == nil || opts.ReadOnly || !errors.Is(err, index.ErrLocked) || time.Now().After(deadline) {
			return ix, err
		}
		if !waiting {
			d.log.Warn("the index is open in another parlq process (search or export); waiting for it to finish", "dir", dir, "at_most", ReaderWait)
			waiting = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// synonymFile picks the synonym file: the option's, else the directory's
// own SynonymsFile, which a writer creates from the shipped defaults so that
// users have a file to edit ("" = the defaults, for a reader of a directory
// that has none).
func (d *Dataset) synonymFile() (string, error) {
	if d.opts.Synonyms != "" {
		if _, err := os.Stat(d.opts.Synonyms); err != nil {
			return "", fmt.Errorf("synonyms: %w", err)
		}
		return d.opts.Synonyms, nil
	}
	path := d.path(SynonymsFile)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if !d.opts.Write {
		return "", nil
	}
	if err := os.WriteFile(path, []byte(index.DefaultSynonyms()), 0o644); err != nil {
		return "", fmt.Errorf("synonyms: %w", err)
	}
	return path, nil
}

// recoverIndex rebuilds from the catalog the source indexes that do not
// follow it: all of them when the last writer died between storing a record
// and indexing it (the dirty marker), and each source whose index is
// missing or empty beside records in the catalog, or was built with another
// mapping.
func (d *Dataset) recoverIndex(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(d.path(IndexDir), dirtyMarker)); err == nil {
		d.log.Warn("the last writer stopped before the index was up to date; rebuilding it from the catalog")
		if _, err := d.reindex(ctx, ""); err != nil {
			return err
		}
		// Rebuild persists each source's index before it returns.
		return d.markClean()
	}
	behind, err := d.behind(ctx)
	if err != nil {
		return err
	}
	for _, name := range behind {
		d.log.Warn("rebuilding the index of this source from the catalog", "source", name)
		if _, err := d.reindex(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// behind lists the sources whose index does not follow the catalog: built
// with another mapping, or missing or empty while the catalog has records.
func (d *Dataset) behind(ctx context.Context) ([]string, error) {
	out := d.ix.Stale()
	for _, name := range out {
		d.log.Warn("the index of this source was built by another version of parlq", "source", name)
	}
	stats, err := d.cat.Sources(ctx)
	if err != nil {
		return nil, err
	}
	for _, name := range stats {
		if slices.Contains(out, name) {
			continue
		}
		st, err := d.cat.Stats(ctx, name)
		if err != nil {
			return nil, err
		}
		n, err := d.ix.CountOf(name)
		if err != nil {
			return nil, err
		}
		if st.Records > 0 && n == 0 {
			d.log.Warn("the index of this source is missing or empty beside records in the catalog", "source", name, "records", st.Records)
			out = append(out, name)
		}
	}
	return out, nil
}

// markDirty notes that records may be stored before they are indexed.
func (d *Dataset) markDirty() error {
	if err := os.MkdirAll(d.path(IndexDir), 0o755); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if err := os.WriteFile(filepath.Join(d.path(IndexDir), dirtyMarker), []byte("records stored but maybe not indexed\n"), 0o644); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// markClean notes that the (persisted) index has every stored record. Call
// it only when nothing is waiting in the index's memory: after Rebuild, or
// from Close once the index is closed.
func (d *Dataset) markClean() error {
	err := os.Remove(filepath.Join(d.path(IndexDir), dirtyMarker))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Reindex rebuilds the index of one source ("" = every source the catalog
// or the index knows) from the catalog's current records, and returns the
// records indexed per source.
func (d *Dataset) Reindex(ctx context.Context, source string) (map[string]int, error) {
	d.work.Lock()
	defer d.work.Unlock()
	if err := d.needIndex(); err != nil {
		return nil, err
	}
	counts, err := d.reindex(ctx, source)
	if err == nil && source == "" {
		d.indexed.Store(true)
	}
	return counts, err
}

func (d *Dataset) reindex(ctx context.Context, source string) (map[string]int, error) {
	sources := []string{source}
	if source == "" {
		known, err := d.cat.Sources(ctx)
		if err != nil {
			return nil, err
		}
		sources = nil
		for _, name := range append(known, d.ix.Sources()...) {
			if !slices.Contains(sources, name) {
				sources = append(sources, name)
			}
		}
	}
	counts := map[string]int{}
	for _, name := range sources {
		n, err := d.ix.Rebuild(ctx, name, func(yield func(*parlq.Question) error) error {
			return d.cat.Each(ctx, name, yield)
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
func (d *Dataset) indexChange(ctx context.Context) func(*parlq.Question, catalog.PutResult) {
	return func(q *parlq.Question, _ catalog.PutResult) {
		if d.ix == nil {
			return
		}
		if err := d.ix.Put(ctx, q); err != nil {
			d.indexFailed.Store(true)
			d.log.Error("index update failed; the index will be rebuilt at the next start", "id", q.ID, "err", err)
		}
	}
}

func (d *Dataset) needIndex() error {
	if d.ix == nil || !d.opts.Write {
		return errors.New("dataset: opened without a writable index")
	}
	return nil
}

// WatchSynonyms reloads the synonym file when it changes, so an edit takes
// effect within seconds, without a restart or a reindex. It returns when
// ctx ends.
func (d *Dataset) WatchSynonyms(ctx context.Context, every time.Duration) {
	path := d.synonyms
	if path == "" || d.ix == nil {
		return
	}
	stamp := func() time.Time {
		fi, err := os.Stat(path)
		if err != nil {
			return time.Time{}
		}
		return fi.ModTime()
	}
	last := stamp()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if now := stamp(); !now.Equal(last) {
			last = now
			if err := d.ix.ReloadSynonyms(); err != nil {
				d.log.Error("synonym file not reloaded; the previous concepts stay in use", "file", path, "err", err)
			} else {
				d.log.Info("synonym file reloaded", "file", path)
			}
		}
	}
}
