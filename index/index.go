package index

import (
	"context"
	"errors"
	"fmt"
	"github.com/parlq/parlq/internal/lockfile"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/parlq/parlq"
)

// Options configures an Index. Get the defaults from DefaultOptions.
type Options struct {
	// Synonyms is the path of a user-editable synonym file (see
	// DefaultSynonyms for the format); "" uses the embedded defaults.
	Synonyms string
	// Logger receives rebuild and recovery messages; silent by default.
	Logger *slog.Logger
	// BatchSize is the number of records written to Bleve per batch.
	BatchSize int
	// ReadOnly opens the index for searching only: several readers may have
	// it open at once (a writer may not meanwhile), and every write fails
	// with ErrReadOnly.
	ReadOnly bool
	// FacetCache is the number of requests whose facets and histogram are
	// kept until the index changes (0: DefaultFacetCache; negative: none).
	FacetCache int
}

// DefaultFacetCache is the number of requests whose facets are kept.
const DefaultFacetCache = 256

// DefaultOptions returns the options Open uses when given a zero Options.
func DefaultOptions() Options {
	return Options{Logger: slog.New(slog.DiscardHandler), BatchSize: 1000}
}

// Errors returned by Index methods.
var (
	// ErrLocked means another process has the index directory open.
	ErrLocked = errors.New("index directory is in use by another process")
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("index is closed")
	// ErrReadOnly is returned by writes to an index opened ReadOnly.
	ErrReadOnly = errors.New("index is open read-only")
	// ErrInvalidRecord wraps a record that cannot be indexed (no id, bad source name).
	ErrInvalidRecord = errors.New("record cannot be indexed")
	// ErrStale is returned by searches of a source indexed by another
	// version of parlq, until it is rebuilt (see Stale).
	ErrStale = errors.New("the index was built by another version of parlq; rebuild it (parlq reindex, or start parlq serve)")
)

// mappingVersion is stored in each source index; a different value means
// the index was built by another mapping and should be rebuilt.
const (
	mappingVersion    = "4"
	mappingVersionKey = "parlq.mapping_version"
	rebuildPrefix     = ".rebuild-"
	oldPrefix         = ".old-"
	brokenPrefix      = ".broken-"
	lockName          = ".lock"
)

var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Index is the full-text index of parlq records: one Bleve index per source
// in dir/<source>/, searched together (see the package doc). It is safe
// for concurrent use; only one process may open a directory at a time.
type Index struct {
	dir  string
	opts Options
	log  *slog.Logger
	mo   mappingOptions
	im   *mapping.IndexMappingImpl
	lock *lockfile.Lock

	// mu guards sources and closed. Searches and writes
	// hold it shared; creating a source index, swapping a rebuilt one in and
	// closing hold it exclusively, so no index is closed under a reader.
	mu      sync.RWMutex
	sources map[string]bleve.Index
	closed  bool
	// stale lists the sources whose index has another mapping version.
	stale []string

	synMu sync.RWMutex
	syn   *Synonyms

	// rebuilds holds, per source being rebuilt, the writes made meanwhile,
	// replayed onto the new index before it is swapped in.
	rebuildMu sync.Mutex
	rebuilds  map[string]*[]op

	// cols are the in-memory columns of every segment; exact analyses
	// phrases as the exact field does.
	cols  *columnCache
	exact analysis.Analyzer
	// gen counts completed writes: cached facets are of one generation.
	gen        atomic.Uint64
	facetCache *facetCache

	parlMu      sync.Mutex
	parliaments map[string]string
}

// generation is the number of writes completed so far.
func (ix *Index) generation() uint64 { return ix.gen.Load() }

// op is a write made during a rebuild: a record to put, or an id to delete.
type op struct {
	doc map[string]any
	id  string
}

// Open opens or creates the index directory dir. Source indexes are created
// on the first Put for that source. A rebuild interrupted by a crash is
// rolled back (or forward) here, so a source never ends up without an index.
func Open(dir string, opts Options) (*Index, error) {
	def := DefaultOptions()
	if opts.Logger == nil {
		opts.Logger = def.Logger
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = def.BatchSize
	}
	syn, err := LoadSynonyms(opts.Synonyms)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	return open(dir, opts, syn, defaultMappingOptions())
}

func open(dir string, opts Options, syn *Synonyms, mo mappingOptions) (*Index, error) {
	im, err := newMapping(mo)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	lock, err := lockDir(filepath.Join(dir, lockName), opts.ReadOnly)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	exact := im.AnalyzerNamed(exactAnalyzer)
	if exact == nil {
		return nil, fmt.Errorf("open index: no analyzer %s", exactAnalyzer)
	}
	cacheSize := opts.FacetCache
	if cacheSize == 0 {
		cacheSize = DefaultFacetCache
	}
	ix := &Index{
		dir: dir, opts: opts, log: opts.Logger, mo: mo, im: im, lock: lock,
		sources: map[string]bleve.Index{},
		syn:     syn, rebuilds: map[string]*[]op{},
		cols: newColumnCache(), exact: exact, facetCache: newFacetCache(cacheSize),
		parliaments: map[string]string{},
	}
	if !opts.ReadOnly {
		if err := ix.recover(); err != nil {
			unlockDir(lock)
			return nil, err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		unlockDir(lock)
		return nil, fmt.Errorf("open index: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || !sourceName.MatchString(e.Name()) {
			continue
		}
		bi, err := openSource(filepath.Join(dir, e.Name()), opts.ReadOnly)
		if err != nil && !opts.ReadOnly {
			// The index is derived from the catalog: a writer sets an index
			// it cannot open aside (the last one kept for a look), and the
			// source's records are indexed again (dataset rebuilds a source
			// whose index is missing).
			err = ix.setAside(e.Name(), err)
			if err == nil {
				continue
			}
		}
		if err != nil {
			ix.closeAll()
			unlockDir(lock)
			return nil, fmt.Errorf("open index of source %s: %w", e.Name(), err)
		}
		if v, _ := bi.GetInternal([]byte(mappingVersionKey)); string(v) != mappingVersion {
			ix.stale = append(ix.stale, e.Name())
		}
		ix.sources[e.Name()] = bi
	}
	return ix, nil
}

// setAside moves the index of a source that cannot be opened (openErr) to
// .broken-<source>, replacing an older one.
func (ix *Index) setAside(source string, openErr error) error {
	path, aside := filepath.Join(ix.dir, source), filepath.Join(ix.dir, brokenPrefix+source)
	ix.log.Warn("the index of this source cannot be opened; setting it aside to index the source again", "source", source, "err", openErr, "aside", aside)
	if err := os.RemoveAll(aside); err != nil {
		return errors.Join(openErr, err)
	}
	if err := os.Rename(path, aside); err != nil {
		return errors.Join(openErr, err)
	}
	return nil
}

// recover finishes or undoes a rebuild swap interrupted by a crash and
// removes abandoned temporary indexes.
func (ix *Index) recover() error {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return fmt.Errorf("open index: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(ix.dir, name)
		switch {
		case strings.HasPrefix(name, rebuildPrefix):
			ix.log.Info("removing abandoned rebuild", "dir", path)
			if err := os.RemoveAll(path); err != nil {
				return fmt.Errorf("remove abandoned rebuild: %w", err)
			}
		case strings.HasPrefix(name, oldPrefix):
			live := filepath.Join(ix.dir, strings.TrimPrefix(name, oldPrefix))
			if _, err := os.Stat(live); errors.Is(err, os.ErrNotExist) {
				ix.log.Warn("restoring index left aside by an interrupted rebuild", "dir", live)
				if err := os.Rename(path, live); err != nil {
					return fmt.Errorf("restore index: %w", err)
				}
				continue
			}
			if err := os.RemoveAll(path); err != nil {
				return fmt.Errorf("remove replaced index: %w", err)
			}
		}
	}
	return nil
}

// Close closes every source index and releases the directory.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	err := ix.closeAll()
	unlockDir(ix.lock)
	return err
}

func (ix *Index) closeAll() error {
	var errs []error
	for name, bi := range ix.sources {
		if err := bi.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close index of source %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// Stale returns the sources whose index was built with another mapping
// than this version's: their records must be indexed again (Rebuild).
func (ix *Index) Stale() []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []string
	for _, name := range ix.stale {
		if ix.sources[name] != nil {
			out = append(out, name)
		}
	}
	return out
}

// CountOf returns the number of records in one source's index (0 when the
// source has none).
func (ix *Index) CountOf(source string) (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0, ErrClosed
	}
	bi := ix.sources[source]
	if bi == nil {
		return 0, nil
	}
	return bi.DocCount()
}

// Dir returns the index directory.
func (ix *Index) Dir() string { return ix.dir }

// Sources returns the names of the sources that have an index.
func (ix *Index) Sources() []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]string, 0, len(ix.sources))
	for s := range ix.sources {
		out = append(out, s)
	}
	return out
}

// Synonyms returns the synonym concepts in use.
func (ix *Index) Synonyms() *Synonyms {
	ix.synMu.RLock()
	defer ix.synMu.RUnlock()
	return ix.syn
}

// ReloadSynonyms rereads the synonym file given in Options (or the
// defaults); the new concepts apply to the next query, without reindexing.
// On error the concepts in use are kept.
func (ix *Index) ReloadSynonyms() error {
	syn, err := LoadSynonyms(ix.opts.Synonyms)
	if err != nil {
		return err
	}
	ix.synMu.Lock()
	ix.syn = syn
	ix.synMu.Unlock()
	return nil
}

// Count returns the number of records in the index.
func (ix *Index) Count() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0, ErrClosed
	}
	var n uint64
	for name, bi := range ix.sources {
		c, err := bi.DocCount()
		if err != nil {
			return 0, fmt.Errorf("count source %s: %w", name, err)
		}
		n += c
	}
	return n, nil
}

// sourceOf checks that q can be indexed and returns its source.
func sourceOf(q *parlq.Question) (string, error) {
	if q == nil {
		return "", fmt.Errorf("%w: nil record", ErrInvalidRecord)
	}
	if !sourceName.MatchString(q.Source) {
		return "", fmt.Errorf("%w: %s: source %q is not a valid name", ErrInvalidRecord, q.ID, q.Source)
	}
	if !strings.HasPrefix(q.ID, q.Source+"/") || len(q.ID) == len(q.Source)+1 {
		return "", fmt.Errorf("%w: id %q does not start with source %q", ErrInvalidRecord, q.ID, q.Source)
	}
	return q.Source, nil
}

// Put adds or replaces records, routed to their source's index (created if
// needed). Every record is checked before anything is written.
func (ix *Index) Put(ctx context.Context, qs ...*parlq.Question) error {
	if ix.opts.ReadOnly {
		return ErrReadOnly
	}
	if len(qs) == 0 {
		return nil
	}
	bySource := map[string][]op{}
	var order []string
	for _, q := range qs {
		src, err := sourceOf(q)
		if err != nil {
			return fmt.Errorf("index put: %w", err)
		}
		d, err := document(q)
		if err != nil {
			return fmt.Errorf("index put: %w: %w", ErrInvalidRecord, err)
		}
		if _, ok := bySource[src]; !ok {
			order = append(order, src)
		}
		bySource[src] = append(bySource[src], op{doc: d, id: q.ID})
	}
	for _, src := range order {
		if err := ix.write(ctx, src, bySource[src], true); err != nil {
			return fmt.Errorf("index put: %w", err)
		}
	}
	return nil
}

// Delete removes records by id. Unknown ids are ignored.
func (ix *Index) Delete(ctx context.Context, ids ...string) error {
	if ix.opts.ReadOnly {
		return ErrReadOnly
	}
	bySource := map[string][]op{}
	var order []string
	for _, id := range ids {
		src, _, ok := strings.Cut(id, "/")
		if !ok || !sourceName.MatchString(src) {
			continue
		}
		if _, ok := bySource[src]; !ok {
			order = append(order, src)
		}
		bySource[src] = append(bySource[src], op{id: id})
	}
	for _, src := range order {
		if err := ix.write(ctx, src, bySource[src], false); err != nil {
			return fmt.Errorf("index delete: %w", err)
		}
	}
	return nil
}

// write applies ops to a source's index, creating it when create is set,
// and records them for a rebuild of that source in progress.
func (ix *Index) write(ctx context.Context, src string, ops []op, create bool) error {
	if create {
		if err := ix.ensure(src); err != nil {
			return err
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	ix.rebuildMu.Lock()
	if pending := ix.rebuilds[src]; pending != nil {
		*pending = append(*pending, ops...)
	}
	ix.rebuildMu.Unlock()
	bi := ix.sources[src]
	if bi == nil {
		return nil // deleting from a source that has no index
	}
	defer ix.gen.Add(1)
	return applyOps(ctx, bi, ops, ix.opts.BatchSize)
}

func applyOps(ctx context.Context, bi bleve.Index, ops []op, batchSize int) error {
	for len(ops) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(len(ops), batchSize)
		b := bi.NewBatch()
		for _, o := range ops[:n] {
			if o.doc == nil {
				b.Delete(o.id)
				continue
			}
			if err := b.Index(o.id, o.doc); err != nil {
				return fmt.Errorf("record %s: %w", o.id, err)
			}
		}
		if err := bi.Batch(b); err != nil {
			return err
		}
		ops = ops[n:]
	}
	return nil
}

// ensure creates the index of a source if it does not exist yet.
func (ix *Index) ensure(src string) error {
	ix.mu.RLock()
	_, ok := ix.sources[src]
	closed := ix.closed
	ix.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	if ok {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return ErrClosed
	}
	if _, ok := ix.sources[src]; ok {
		return nil
	}
	bi, err := ix.createSource(src)
	if err != nil {
		return fmt.Errorf("create index of source %s: %w", src, err)
	}
	ix.sources[src] = bi
	ix.log.Info("created source index", "source", src)
	return nil
}

// createSource makes the empty index of a new source beside the live ones
// and moves it in place whole: a process killed while Bleve writes a new
// index leaves an abandoned temporary directory (removed at the next open),
// never a half-made index under the source's name.
func (ix *Index) createSource(src string) (bleve.Index, error) {
	tmp, err := os.MkdirTemp(ix.dir, rebuildPrefix+src+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	fresh, live := filepath.Join(tmp, "index"), filepath.Join(ix.dir, src)
	bi, err := ix.create(fresh, false)
	if err != nil {
		return nil, err
	}
	if err := bi.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(fresh, live); err != nil {
		return nil, err
	}
	return openSource(live, false)
}

// create makes a new Bleve index at path. A bulk index (for rebuilds) does
// not wait for each batch to reach the disk; syncBulk must be called before
// closing it, since Scorch's Close does not persist pending batches.
func (ix *Index) create(path string, bulk bool) (bleve.Index, error) {
	var cfg map[string]any
	if bulk {
		cfg = map[string]any{"unsafe_batch": true}
	}
	bi, err := bleve.NewUsing(path, ix.im, scorch.Name, scorch.Name, cfg)
	if err != nil {
		return nil, err
	}
	if err := bi.SetInternal([]byte(mappingVersionKey), []byte(mappingVersion)); err != nil {
		bi.Close()
		return nil, err
	}
	return bi, nil
}

// syncBulk writes a last batch to a bulk index and waits until Scorch has
// persisted it, and with it every batch before.
func syncBulk(bi bleve.Index) error {
	b := bi.NewBatch()
	b.SetInternal([]byte(mappingVersionKey), []byte(mappingVersion))
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := bi.Batch(b); err != nil {
		return err
	}
	return <-done
}

// Rebuild replaces the index of one source with the records each yields.
// The new index is built aside in a temporary directory and swapped in
// atomically: searches see the old index until the new one is complete, a
// failure leaves the old one in place, and a crash at any moment leaves one
// of the two (Open finishes the job). Writes made to the source meanwhile
// are replayed onto the new index before the swap. It returns the number of
// records indexed.
func (ix *Index) Rebuild(ctx context.Context, source string, each func(yield func(*parlq.Question) error) error) (int, error) {
	if ix.opts.ReadOnly {
		return 0, ErrReadOnly
	}
	if !sourceName.MatchString(source) {
		return 0, fmt.Errorf("rebuild: %w: %q is not a valid source name", ErrInvalidRecord, source)
	}
	ix.mu.RLock()
	closed := ix.closed
	ix.mu.RUnlock()
	if closed {
		return 0, ErrClosed
	}
	pending, err := ix.logWrites(source)
	if err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp(ix.dir, rebuildPrefix+source+"-")
	if err != nil {
		ix.stopLogging(source)
		return 0, fmt.Errorf("rebuild %s: %w", source, err)
	}
	fresh := filepath.Join(tmp, "index")
	bi, err := ix.create(fresh, true)
	if err != nil {
		ix.stopLogging(source)
		os.RemoveAll(tmp)
		return 0, fmt.Errorf("rebuild %s: %w", source, err)
	}
	fail := func(err error) (int, error) {
		ix.stopLogging(source)
		bi.Close()
		os.RemoveAll(tmp)
		return 0, fmt.Errorf("rebuild %s: %w", source, err)
	}
	n, err := ix.fill(ctx, bi, source, each)
	if err == nil {
		err = compact(ctx, bi)
	}
	if err != nil {
		return fail(err)
	}

	// Swap, with every reader and writer kept out.
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return fail(ErrClosed)
	}
	ops := ix.stopLogging(source)
	if err := applyOps(context.Background(), bi, *pending, ix.opts.BatchSize); err != nil {
		return fail(err)
	}
	if err := syncBulk(bi); err != nil {
		return fail(err)
	}
	if err := bi.Close(); err != nil {
		os.RemoveAll(tmp)
		return 0, fmt.Errorf("rebuild %s: close new index: %w", source, err)
	}
	if err := ix.swap(source, fresh, tmp); err != nil {
		return 0, err
	}
	ix.log.Info("rebuilt source index", "source", source, "records", n, "replayed", ops)
	return n, nil
}

// logWrites starts keeping the writes made to source while it is rebuilt,
// to be replayed onto the new index before it is swapped in.
func (ix *Index) logWrites(source string) (*[]op, error) {
	ix.rebuildMu.Lock()
	defer ix.rebuildMu.Unlock()
	if ix.rebuilds[source] != nil {
		return nil, fmt.Errorf("rebuild %s: a rebuild of this source is already running", source)
	}
	pending := &[]op{}
	ix.rebuilds[source] = pending
	return pending, nil
}

// stopLogging stops keeping the writes to source and returns how many
// were kept.
func (ix *Index) stopLogging(source string) int {
	ix.rebuildMu.Lock()
	defer ix.rebuildMu.Unlock()
	n := 0
	if p := ix.rebuilds[source]; p != nil {
		n = len(*p)
	}
	delete(ix.rebuilds, source)
	return n
}

// fill indexes every record each yields into bi, in batches, checking that
// each belongs to source.
func (ix *Index) fill(ctx context.Context, bi bleve.Index, source string, each func(yield func(*parlq.Question) error) error) (int, error) {
	n := 0
	batch := bi.NewBatch()
	flush := func() error {
		if batch.Size() == 0 {
			return nil
		}
		if err := bi.Batch(batch); err != nil {
			return err
		}
		batch.Reset()
		return nil
	}
	err := each(func(q *parlq.Question) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		src, err := sourceOf(q)
		if err != nil {
			return err
		}
		if src != source {
			return fmt.Errorf("%w: record %s belongs to source %s", ErrInvalidRecord, q.ID, src)
		}
		d, err := document(q)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidRecord, err)
		}
		if err := batch.Index(q.ID, d); err != nil {
			return fmt.Errorf("record %s: %w", q.ID, err)
		}
		n++
		if batch.Size() >= ix.opts.BatchSize {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return n, err
}

// swap puts the closed, complete index at fresh in the place of source's
// live one, setting the old one aside until the new one is open, so that a
// crash at any point leaves one of them in place (see recover). The caller
// holds mu.
func (ix *Index) swap(source, fresh, tmp string) error {
	live := filepath.Join(ix.dir, source)
	aside := filepath.Join(ix.dir, oldPrefix+source)
	defer ix.gen.Add(1)
	if old := ix.sources[source]; old != nil {
		delete(ix.sources, source)
		if err := old.Close(); err != nil {
			ix.log.Warn("closing replaced index", "source", source, "err", err)
		}
		if err := os.Rename(live, aside); err != nil {
			err = fmt.Errorf("rebuild %s: set old index aside: %w", source, err)
			return errors.Join(err, ix.reopen(source, live), os.RemoveAll(tmp))
		}
	}
	if err := os.Rename(fresh, live); err != nil {
		err = fmt.Errorf("rebuild %s: move new index in place: %w", source, err)
		if _, statErr := os.Stat(aside); statErr == nil {
			err = errors.Join(err, os.Rename(aside, live), ix.reopen(source, live))
		}
		return errors.Join(err, os.RemoveAll(tmp))
	}
	if err := ix.reopen(source, live); err != nil {
		return fmt.Errorf("rebuild %s: %w", source, err)
	}
	if err := errors.Join(os.RemoveAll(aside), os.RemoveAll(tmp)); err != nil {
		ix.log.Warn("removing replaced index", "source", source, "err", err)
	}
	return nil
}

// compact persists a freshly loaded bulk index and merges it into one
// segment, so that searches start on a compact index rather than on the
// many small segments of a bulk load (which the background merger would
// otherwise take minutes to fold, competing with searches).
func compact(ctx context.Context, bi bleve.Index) error {
	if err := syncBulk(bi); err != nil {
		return err
	}
	adv, err := bi.Advanced()
	if err != nil {
		return err
	}
	if s, ok := adv.(*scorch.Scorch); ok {
		if err := s.ForceMerge(ctx, nil); err != nil {
			return fmt.Errorf("merge segments: %w", err)
		}
	}
	return nil
}

// reopen opens the index at path as the live index of source; the caller
// holds mu exclusively.
func (ix *Index) reopen(source, path string) error {
	bi, err := openSource(path, false)
	if err != nil {
		return fmt.Errorf("open index of source %s: %w", source, err)
	}
	ix.sources[source] = bi
	ix.stale = slices.DeleteFunc(ix.stale, func(s string) bool { return s == source })
	return nil
}

// openSource opens a source's index for safe writes, or read-only. A
// rebuilt index was created with unsafe (unpersisted) batches for speed and
// Scorch keeps that setting in the index's metadata: without this override,
// records written after a rebuild could be lost at Close.
func openSource(path string, readOnly bool) (bleve.Index, error) {
	if readOnly {
		return bleve.OpenUsing(path, map[string]any{"read_only": true})
	}
	return bleve.OpenUsing(path, map[string]any{"unsafe_batch": false})
}
