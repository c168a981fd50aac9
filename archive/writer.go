package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"github.com/parlq/parlq/internal/lockfile"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Writer. DefaultOptions fills the defaults.
type Options struct {
	Dir         string       // directory of the WARC files and index.cdxj, e.g. data/warc
	Prefix      string       // file name prefix, default "parlq"
	MaxFileSize int64        // start a new file once a file reaches this size, default 1 GiB
	Software    string       // software named in the warcinfo record, default "parlq"
	Logger      *slog.Logger // nil = silent

	// openFile opens WARC and index files; tests replace it to inject
	// write failures. Nil means os.OpenFile.
	openFile func(name string, flag int, perm os.FileMode) (file, error)
}

// DefaultOptions returns the options for a Writer in dir.
func DefaultOptions(dir string) Options {
	return Options{Dir: dir, Prefix: "parlq", MaxFileSize: 1 << 30, Software: "parlq"}
}

// file is what a Writer needs of an open file.
type file interface {
	io.Writer
	io.Seeker
	Sync() error
	Truncate(size int64) error
	Close() error
}

func osOpenFile(name string, flag int, perm os.FileMode) (file, error) {
	return os.OpenFile(name, flag, perm)
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("archive writer closed")

// Writer appends exchanges to rotating WARC files and to the index. It is
// safe for concurrent use; writes are serialized.
type Writer struct {
	opts Options
	log  *slog.Logger
	lock *lockfile.Lock

	mu      sync.Mutex
	closed  bool
	broken  error        // set when a failed write could not be undone
	serial  int          // of the last file created
	cur     *warcFile    // nil until the first Write and after a rotation
	index   file         // index.cdxj, opened for appending
	idxSize int64        // bytes of index.cdxj
	zw      *gzip.Writer // reused for every member
}

// warcFile is the WARC file being written.
type warcFile struct {
	name       string // base name
	f          file
	size       int64 // bytes written and not rolled back
	warcinfoID string
	records    int // captures written
}

// Write implements io.Writer for the compressor: it counts bytes.
func (c *warcFile) Write(p []byte) (int, error) {
	n, err := c.f.Write(p)
	c.size += int64(n)
	return n, err
}

// OpenWriter opens a Writer on opts.Dir, creating the directory if needed.
// It takes the directory's writer lock (ErrLocked if another Writer holds
// it), repairs what a crashed writer may have left (see the package doc) and
// returns a Writer that will start a new file at its first Write.
func OpenWriter(opts Options) (*Writer, error) {
	def := DefaultOptions(opts.Dir)
	if opts.Prefix == "" {
		opts.Prefix = def.Prefix
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = def.MaxFileSize
	}
	if opts.Software == "" {
		opts.Software = def.Software
	}
	if opts.openFile == nil {
		opts.openFile = osOpenFile
	}
	if opts.Dir == "" {
		return nil, errors.New("open archive writer: no directory")
	}
	if strings.ContainsAny(opts.Prefix, `/\`) || strings.HasPrefix(opts.Prefix, ".") {
		return nil, fmt.Errorf("open archive writer: invalid prefix %q", opts.Prefix)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("open archive writer: %w", err)
	}
	lock, err := lockDir(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("open archive writer: %w", err)
	}
	w := &Writer{opts: opts, log: log, lock: lock}
	if err := w.recover(); err != nil {
		unlockDir(lock)
		return nil, fmt.Errorf("open archive writer: %w", err)
	}
	files, err := listWARCs(opts.Dir)
	if err != nil {
		unlockDir(lock)
		return nil, fmt.Errorf("open archive writer: %w", err)
	}
	for _, f := range files {
		if f.prefix == opts.Prefix && f.serial > w.serial {
			w.serial = f.serial
		}
	}
	idx, err := opts.openFile(filepath.Join(opts.Dir, indexName), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		unlockDir(lock)
		return nil, fmt.Errorf("open archive writer: %w", err)
	}
	end, err := idx.Seek(0, io.SeekEnd)
	if err != nil {
		idx.Close()
		unlockDir(lock)
		return nil, fmt.Errorf("open archive writer: %w", err)
	}
	w.index, w.idxSize = idx, end
	if err := syncDir(opts.Dir); err != nil {
		idx.Close()
		unlockDir(lock)
		return nil, fmt.Errorf("open archive writer: %w", err)
	}
	return w, nil
}

// Write archives the request and the response as WARC 1.1 records (a
// response record, then a request record with WARC-Concurrent-To pointing at
// it), each its own gzip member, and returns only when both are durably on
// disk (fsync) and the index line is appended and synced. A failed Write
// returns an error and leaves the file and the index as they were before it.
// ctx is checked before writing starts; a write once started is completed
// (or undone), never left half done.
func (w *Writer) Write(ctx context.Context, ex Exchange) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, fmt.Errorf("archive write: %w", err)
	}
	c, err := buildExchange(ex)
	if err != nil {
		return Record{}, fmt.Errorf("archive write: %w", err)
	}
	return w.append(ctx, c)
}

// WriteResource archives a document that did not come as an HTTP response
// of its own — an entry of a bulk dump whose response is already archived —
// as one record, with the durability, index line and rollback of Write.
//
// The record is a WARC 1.1 'conversion' record: "an alternative version of
// another record's content that was created as the result of an archival
// process", which "should result in a freestanding, complete record" and
// "should contain a WARC-Refers-To field to identify the prior material
// converted". That is what the entry is: the bytes of one document taken out
// of the archived dump response, stored on their own so that a record
// version can point at a small readable capture that needs neither the zip
// nor the response. A 'resource' record would claim that its block is what
// an HTTP retrieval of its target URI returned, which never happened, and
// the standard forbids WARC-Refers-To on it; WARC-Refers-To-Target-URI and
// WARC-Refers-To-Date are for 'revisit' records only. So the record carries
// WARC-Refers-To (r.RefersTo) and no IP address or WARC-Concurrent-To, which
// a conversion must not have. Its WARC-Target-URI is r.TargetURI, the
// document's own address, where the standard describes a copy of the source
// record's target URI: the source stays named by WARC-Refers-To, and the
// document's address is what the catalog and reparse know it by.
func (w *Writer) WriteResource(ctx context.Context, r Resource) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, fmt.Errorf("archive write: %w", err)
	}
	c, err := buildResource(r)
	if err != nil {
		return Record{}, fmt.Errorf("archive write: %w", err)
	}
	return w.append(ctx, c)
}

// append writes a capture to the current file, rotating or starting a file
// first when needed.
func (w *Writer) append(ctx context.Context, c *capture) (Record, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return Record{}, fmt.Errorf("archive write: %w", ErrClosed)
	}
	if w.broken != nil {
		return Record{}, fmt.Errorf("archive write: writer unusable after an earlier failure: %w", w.broken)
	}
	if err := ctx.Err(); err != nil {
		return Record{}, fmt.Errorf("archive write: %w", err)
	}
	if w.cur != nil && w.cur.records > 0 && w.cur.size >= w.opts.MaxFileSize {
		if err := w.closeFile(); err != nil {
			return Record{}, fmt.Errorf("archive write: %w", err)
		}
	}
	if w.cur == nil {
		if err := w.newFile(); err != nil {
			return Record{}, fmt.Errorf("archive write: %w", err)
		}
	}
	rec, err := w.writeCapture(c)
	if err != nil {
		return Record{}, fmt.Errorf("archive write %s: %w", c.record.URL, err)
	}
	return rec, nil
}

// writeCapture appends the records of c and the index line of the first,
// undoing all of it when any step fails.
func (w *Writer) writeCapture(c *capture) (Record, error) {
	f := w.cur
	start, idxStart := f.size, w.idxSize
	fail := func(err error) (Record, error) {
		if rerr := w.rollback(start, idxStart); rerr != nil {
			w.broken = errors.Join(err, rerr)
			w.log.Error("archive: cannot undo a failed write; the next OpenWriter repairs the file",
				"file", f.name, "offset", start, "err", w.broken)
			return Record{}, w.broken
		}
		return Record{}, err
	}
	wid := field{"WARC-Warcinfo-ID", f.warcinfoID}
	var firstEnd int64
	for i, b := range c.blocks {
		if err := w.writeRecord(append(b.header, wid), b.data); err != nil {
			return fail(err)
		}
		if i == 0 {
			firstEnd = f.size
		}
	}
	if err := f.f.Sync(); err != nil {
		return fail(fmt.Errorf("sync %s: %w", f.name, err))
	}
	rec := c.record
	rec.File, rec.Offset, rec.Length = f.name, start, firstEnd-start
	if !c.unindexed {
		line, err := indexLine(rec)
		if err != nil {
			return fail(err)
		}
		n, err := w.index.Write(line)
		w.idxSize += int64(n)
		if err != nil {
			return fail(fmt.Errorf("append index: %w", err))
		}
		if err := w.index.Sync(); err != nil {
			return fail(fmt.Errorf("sync index: %w", err))
		}
	}
	f.records++
	return rec, nil
}

// rollback truncates the current file and the index back to the given sizes.
func (w *Writer) rollback(size, idxSize int64) error {
	c := w.cur
	var errs []error
	if err := c.f.Truncate(size); err != nil {
		errs = append(errs, fmt.Errorf("truncate %s: %w", c.name, err))
	} else if _, err := c.f.Seek(size, io.SeekStart); err != nil {
		errs = append(errs, fmt.Errorf("seek %s: %w", c.name, err))
	} else if err := c.f.Sync(); err != nil {
		errs = append(errs, fmt.Errorf("sync %s: %w", c.name, err))
	} else {
		c.size = size
	}
	if w.idxSize != idxSize {
		if err := w.index.Truncate(idxSize); err != nil {
			errs = append(errs, fmt.Errorf("truncate index: %w", err))
		} else if err := w.index.Sync(); err != nil {
			errs = append(errs, fmt.Errorf("sync index: %w", err))
		} else {
			w.idxSize = idxSize
		}
	}
	return errors.Join(errs...)
}

// gzipLevel is the compression level of the members. On real pages, level
// 4 of compress/gzip writes members as small as those of
// github.com/klauspost/compress at its default level, for about 0.1–0.2 ms
// more CPU per 60 KB page; the default level 6 is 2–3 % smaller but takes
// 1.5 times the CPU of level 4, and several times more on repetitive text
// (BenchmarkCodecWrite).
const gzipLevel = 4

// writeRecord writes one WARC 1.1 record as its own gzip member.
func (w *Writer) writeRecord(h fields, block []byte) error {
	if w.zw == nil {
		w.zw, _ = gzip.NewWriterLevel(w.cur, gzipLevel) // never fails for a valid level
	} else {
		w.zw.Reset(w.cur) // a fresh member; also clears the error of a failed write
	}
	if err := writeWARCRecord(w.zw, h, block); err != nil {
		return fmt.Errorf("write %s record: %w", h.get("WARC-Type"), err)
	}
	if err := w.zw.Close(); err != nil {
		return fmt.Errorf("write %s record: %w", h.get("WARC-Type"), err)
	}
	return nil
}

// writeWARCRecord writes the record made of h and block, uncompressed:
// version line, named fields, blank line, block, CRLF CRLF. A field value
// with a line break is refused, not written.
func writeWARCRecord(w io.Writer, h fields, block []byte) error {
	var head bytes.Buffer
	head.Grow(512)
	head.WriteString("WARC/1.1\r\n")
	for _, f := range h {
		if strings.ContainsAny(f.name, ":\r\n") || strings.ContainsAny(f.value, "\r\n") {
			return fmt.Errorf("bad WARC header field %q: %q", f.name, f.value)
		}
		head.WriteString(f.name)
		head.WriteString(": ")
		head.WriteString(f.value)
		head.WriteString("\r\n")
	}
	head.WriteString("\r\n")
	if _, err := w.Write(head.Bytes()); err != nil {
		return err
	}
	if _, err := w.Write(block); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\r\n\r\n")
	return err
}

// newFile creates the next WARC file and writes its warcinfo record.
func (w *Writer) newFile() error {
	var (
		f    file
		name string
		err  error
	)
	now := time.Now().UTC()
	for range 100 {
		w.serial++
		name = fmt.Sprintf("%s-%s-%05d.warc.gz", w.opts.Prefix, now.Format("20060102150405"), w.serial)
		f, err = w.opts.openFile(filepath.Join(w.opts.Dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("create warc file: %w", err)
	}
	c := &warcFile{name: name, f: f, warcinfoID: newUUID()}
	w.cur = c
	remove := func(err error) error {
		f.Close()
		os.Remove(filepath.Join(w.opts.Dir, name))
		w.cur = nil
		return err
	}
	var info bytes.Buffer
	host, _ := os.Hostname()
	fmt.Fprintf(&info, "software: %s\r\n", w.opts.Software)
	fmt.Fprintf(&info, "format: WARC File Format 1.1\r\n")
	fmt.Fprintf(&info, "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
	if host != "" {
		fmt.Fprintf(&info, "hostname: %s\r\n", host)
	}
	h := fields{
		{"WARC-Type", "warcinfo"},
		{"WARC-Record-ID", c.warcinfoID},
		{"WARC-Date", now.Format(warcDateFormat)},
		{"WARC-Filename", name},
		{"Content-Type", "application/warc-fields"},
		{"WARC-Block-Digest", sha1Digest(info.Bytes())},
		{"Content-Length", strconv.Itoa(info.Len())},
	}
	if err := w.writeRecord(h, info.Bytes()); err != nil {
		return remove(err)
	}
	if err := f.Sync(); err != nil {
		return remove(fmt.Errorf("sync %s: %w", name, err))
	}
	if err := syncDir(w.opts.Dir); err != nil {
		return remove(err)
	}
	w.log.Info("archive: new warc file", "file", name)
	return nil
}

// closeFile syncs and closes the current file.
func (w *Writer) closeFile() error {
	c := w.cur
	if c == nil {
		return nil
	}
	w.cur = nil
	err := c.f.Sync()
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close %s: %w", c.name, err)
	}
	return nil
}

// Close syncs and closes the current file and the index and releases the
// directory lock. Close is idempotent.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.closeFile()
	if ierr := w.index.Close(); ierr != nil && err == nil {
		err = fmt.Errorf("close index: %w", ierr)
	}
	unlockDir(w.lock)
	if err != nil {
		return fmt.Errorf("close archive writer: %w", err)
	}
	return nil
}

// syncDir fsyncs a directory so new entries in it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return nil
}
