package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Response is an archived content record read back: an HTTP response
// (Type TypeResponse, with its status and header), or a document that did
// not come as a response of its own (TypeConversion, written by
// WriteResource, or TypeResource), which has no HTTP header.
type Response struct {
	Record
	// ContentType is the payload's Content-Type with its parameters: the
	// HTTP header's for a response, the WARC record's for other records.
	ContentType string
	Header      http.Header // response headers as archived; nil for other records
	Body        []byte      // the payload
}

// ErrMalformed is wrapped by every error about WARC data that cannot be
// read; the error is a *FormatError telling where. It is this package's
// "damaged" error: a record cut short, a bad gzip member, a bad WARC or HTTP
// header, a digest that does not match, or an offset that does not start a
// content record all wrap it, so callers can answer "this archived copy is
// damaged" for errors.Is(err, ErrMalformed). A missing file is not
// malformed data: its error wraps fs.ErrNotExist.
var ErrMalformed = errors.New("malformed warc data")

// FormatError tells which record of which file cannot be read.
type FormatError struct {
	File   string
	Offset int64 // of the gzip member that fails
	Err    error
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s at offset %d: %v", e.File, e.Offset, e.Err)
}

// Unwrap returns ErrMalformed and the cause.
func (e *FormatError) Unwrap() []error { return []error{ErrMalformed, e.Err} }

// warcName matches the names this package writes.
var warcName = regexp.MustCompile(`^(.+)-(\d{14})-(\d+)\.warc\.gz$`)

// warcFileInfo is a WARC file found in a directory.
type warcFileInfo struct {
	name, prefix, stamp string
	serial              int
}

// listWARCs returns the .warc.gz files of dir, oldest first: by the
// timestamp and serial in their names, then by name.
func listWARCs(dir string) ([]warcFileInfo, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list warc files: %w", err)
	}
	var out []warcFileInfo
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".warc.gz") {
			continue
		}
		fi := warcFileInfo{name: e.Name()}
		if m := warcName.FindStringSubmatch(e.Name()); m != nil {
			fi.prefix, fi.stamp = m[1], m[2]
			fi.serial, _ = strconv.Atoi(m[3])
		}
		out = append(out, fi)
	}
	slices.SortFunc(out, func(a, b warcFileInfo) int {
		if c := strings.Compare(a.stamp, b.stamp); c != 0 {
			return c
		}
		if a.serial != b.serial {
			return a.serial - b.serial
		}
		return strings.Compare(a.name, b.name)
	})
	return out, nil
}

// rawRecord is one record as read from a file.
type rawRecord struct {
	version string
	header  fields
	block   []byte
	offset  int64 // of its gzip member
	length  int64 // compressed length of the member
}

// countReader counts the bytes read from a file.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// recordReader reads one record per gzip member from a file.
type recordReader struct {
	name string
	base int64 // file offset where reading started
	cr   *countReader
	br   *bufio.Reader
	zr   *gzip.Reader
	// intact tells, after next returned an error, whether the gzip member
	// itself was whole (the record in it is bad): reading can go on at pos.
	intact bool
}

func newRecordReader(r io.Reader, name string, base int64) *recordReader {
	cr := &countReader{r: r}
	return &recordReader{name: name, base: base, cr: cr, br: bufio.NewReaderSize(cr, 64<<10)}
}

// pos is the file offset of the next unread byte.
func (rr *recordReader) pos() int64 { return rr.base + rr.cr.n - int64(rr.br.Buffered()) }

// next reads the record in the next gzip member. At the end of the file it
// returns io.EOF; any other error is a *FormatError.
func (rr *recordReader) next() (*rawRecord, error) {
	start := rr.pos()
	rr.intact = false
	if _, err := rr.br.Peek(1); err == io.EOF {
		return nil, io.EOF
	}
	fail := func(err error) (*rawRecord, error) {
		return nil, &FormatError{File: rr.name, Offset: start, Err: err}
	}
	var err error
	if rr.zr == nil {
		rr.zr, err = gzip.NewReader(rr.br)
	} else {
		err = rr.zr.Reset(rr.br)
	}
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fail(fmt.Errorf("gzip header: %w", err))
	}
	rr.zr.Multistream(false)
	data, err := io.ReadAll(rr.zr)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fail(fmt.Errorf("gzip member: %w", err))
	}
	rr.intact = true
	rec, err := parseRecord(data)
	if err != nil {
		return fail(err)
	}
	rec.offset, rec.length = start, rr.pos()-start
	return rec, nil
}

// parseRecord parses the single WARC record that fills data.
func parseRecord(data []byte) (*rawRecord, error) {
	line, rest, ok := bytes.Cut(data, []byte("\r\n"))
	if !ok || !bytes.HasPrefix(line, []byte("WARC/1.")) {
		return nil, fmt.Errorf("no WARC version line")
	}
	rec := &rawRecord{version: string(line)}
	for {
		line, rest, ok = bytes.Cut(rest, []byte("\r\n"))
		if !ok {
			return nil, fmt.Errorf("unterminated WARC header")
		}
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(rec.header) == 0 {
				return nil, fmt.Errorf("continuation line before any WARC header field")
			}
			rec.header[len(rec.header)-1].value += " " + string(bytes.TrimSpace(line))
			continue
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 {
			return nil, fmt.Errorf("bad WARC header line %q", line)
		}
		rec.header = append(rec.header, field{string(name), string(bytes.TrimSpace(value))})
	}
	cl, err := strconv.ParseInt(rec.header.get("Content-Length"), 10, 64)
	if err != nil || cl < 0 {
		return nil, fmt.Errorf("bad Content-Length %q", rec.header.get("Content-Length"))
	}
	if int64(len(rest)) < cl+4 {
		return nil, fmt.Errorf("record shorter than its Content-Length %d", cl)
	}
	rec.block = rest[:cl]
	if tail := rest[cl:]; !bytes.Equal(tail, []byte("\r\n\r\n")) {
		if bytes.HasPrefix(tail, []byte("\r\n\r\n")) {
			return nil, fmt.Errorf("more than one record in a gzip member")
		}
		return nil, fmt.Errorf("record does not end with CRLF CRLF")
	}
	return rec, nil
}

// check validates the mandatory fields and the digests of a record.
func (rec *rawRecord) check() error {
	for _, name := range []string{"WARC-Type", "WARC-Record-ID", "WARC-Date"} {
		if rec.header.get(name) == "" {
			return fmt.Errorf("missing %s", name)
		}
	}
	if _, err := parseWARCDate(rec.header.get("WARC-Date")); err != nil {
		return err
	}
	if d := rec.header.get("WARC-Block-Digest"); strings.HasPrefix(strings.ToLower(d), "sha1:") {
		if got := sha1Digest(rec.block); !strings.EqualFold(got, d) {
			return fmt.Errorf("block digest %s; computed %s", d, got)
		}
	}
	payload, err := rec.payload()
	if err != nil || payload == nil {
		return err
	}
	if d := rec.header.get("WARC-Payload-Digest"); strings.HasPrefix(strings.ToLower(d), "sha1:") {
		if got := sha1Digest(payload); !strings.EqualFold(got, d) {
			return fmt.Errorf("payload digest %s; computed %s", d, got)
		}
	}
	return nil
}

// parseWARCDate parses a WARC-Date (W3C-ISO8601, UTC).
func parseWARCDate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad WARC-Date %q", s)
	}
	return t.UTC(), nil
}

// splitHTTP splits an application/http block into its head (start line and
// headers, with the blank line) and its payload.
func splitHTTP(block []byte) (head, payload []byte, err error) {
	i := bytes.Index(block, []byte("\r\n\r\n"))
	if i < 0 {
		return nil, nil, fmt.Errorf("http message without end of headers")
	}
	return block[:i+4], block[i+4:], nil
}

// typ returns the record's WARC-Type, lowercased.
func (rec *rawRecord) typ() string { return strings.ToLower(rec.header.get("WARC-Type")) }

// isHTTP reports whether the block is an HTTP message.
func (rec *rawRecord) isHTTP() bool {
	return strings.HasPrefix(strings.ToLower(rec.header.get("Content-Type")), "application/http")
}

// isContent reports whether rec is a content record: an HTTP response, or
// a resource or conversion record.
func (rec *rawRecord) isContent() bool {
	switch rec.typ() {
	case TypeResponse:
		return rec.isHTTP()
	case TypeResource, TypeConversion:
		return true
	}
	return false
}

// payload returns the record's payload: the entity body of an HTTP block,
// the block of a resource or conversion record, nil for other records. A
// revisit record has none: "'revisit' records shall not have a payload"
// (WARC 1.1, 4), and its WARC-Payload-Digest is that of the payload it
// stands for, which is not in its block.
func (rec *rawRecord) payload() ([]byte, error) {
	switch t := rec.typ(); {
	case t == TypeRevisit:
		return nil, nil
	case t == TypeResource || t == TypeConversion:
		return rec.block, nil
	case rec.isHTTP():
		_, payload, err := splitHTTP(rec.block)
		return payload, err
	}
	return nil, nil
}

// record returns what the WARC header of a record read from file says of
// it: everything in Record but the status and media type of its payload.
func (rec *rawRecord) record(file string) (Record, error) {
	t, err := parseWARCDate(rec.header.get("WARC-Date"))
	if err != nil {
		return Record{}, err
	}
	return Record{
		RecordID:      rec.header.get("WARC-Record-ID"),
		PayloadDigest: rec.header.get("WARC-Payload-Digest"),
		URL:           strings.TrimSuffix(strings.TrimPrefix(rec.header.get("WARC-Target-URI"), "<"), ">"),
		Time:          t,
		File:          file,
		Offset:        rec.offset,
		Length:        rec.length,
		Type:          rec.typ(),
		RefersTo:      rec.header.get("WARC-Refers-To"),
	}, nil
}

// content converts a content record read from file.
func (rec *rawRecord) content(file string) (*Response, error) {
	base, err := rec.record(file)
	if err != nil {
		return nil, err
	}
	r := &Response{Record: base}
	if r.Type == TypeResponse {
		head, payload, err := splitHTTP(rec.block)
		if err != nil {
			return nil, err
		}
		hr, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(head)), nil)
		if err != nil {
			return nil, fmt.Errorf("http response head: %w", err)
		}
		r.Status, r.Header, r.Body = hr.StatusCode, hr.Header, payload
		r.ContentType = hr.Header.Get("Content-Type")
	} else {
		r.Body = rec.block
		r.ContentType = rec.header.get("Content-Type")
	}
	r.MIME = mediaType(r.ContentType)
	if r.PayloadDigest == "" {
		r.PayloadDigest = sha1Digest(r.Body)
	}
	return r, nil
}

// ReadResponse reads the content record (see Response) whose gzip member
// starts at offset in dir/file. Damage — a member cut short or unreadable,
// a bad header, a digest that does not match, or an offset where no content
// record starts — is an error wrapping ErrMalformed (a *FormatError); a
// missing file is an error wrapping fs.ErrNotExist.
func ReadResponse(dir, file string, offset int64) (*Response, error) {
	if file != filepath.Base(file) {
		return nil, fmt.Errorf("read response: %q is not a file name", file)
	}
	f, err := os.Open(filepath.Join(dir, file))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	rec, err := newRecordReader(f, file, offset).next()
	if err == io.EOF {
		return nil, fmt.Errorf("read response: %w", &FormatError{File: file, Offset: offset, Err: io.ErrUnexpectedEOF})
	}
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if !rec.isContent() {
		return nil, fmt.Errorf("read response: %w", &FormatError{File: file, Offset: offset,
			Err: fmt.Errorf("%s record, not a content record", rec.header.get("WARC-Type"))})
	}
	if err := rec.check(); err != nil {
		return nil, fmt.Errorf("read response: %w", &FormatError{File: file, Offset: offset, Err: err})
	}
	resp, err := rec.content(file)
	if err != nil {
		return nil, fmt.Errorf("read response: %w", &FormatError{File: file, Offset: offset, Err: err})
	}
	return resp, nil
}

// DamageError is returned by Walk after it has read every readable record
// when it met damaged ones: each damaged record, or each unreadable stretch
// of a file, in the order met, with its file, offset and error.
type DamageError struct {
	Damaged []*FormatError
}

// Error counts the damaged records and names the first few.
func (e *DamageError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d damaged warc records", len(e.Damaged))
	for i, d := range e.Damaged {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Damaged)-i)
			break
		}
		sep := ": "
		if i > 0 {
			sep = "; "
		}
		b.WriteString(sep + d.Error())
	}
	return b.String()
}

// Unwrap returns the damaged records' errors, so that errors.Is(err,
// ErrMalformed) holds.
func (e *DamageError) Unwrap() []error {
	errs := make([]error, len(e.Damaged))
	for i, d := range e.Damaged {
		errs[i] = d
	}
	return errs
}

// Walk calls fn for every content record (see Response) of every WARC file
// in dir, oldest file first, in file order. It reads every readable record:
// a damaged one (a bad gzip member, a bad header, a wrong digest, a record
// cut short) is skipped, reading goes on at the next whole gzip member, and
// when the walk is over Walk returns a *DamageError listing every damaged
// record (it wraps ErrMalformed). The newest file of each prefix may be
// being written, or torn by a crash that the next OpenWriter repairs: a
// record cut short by its end is not damage. fn's error or ctx's
// cancellation stops the walk at once and is returned.
func Walk(ctx context.Context, dir string, fn func(*Response) error) error {
	files, err := listWARCs(dir)
	if err != nil {
		return fmt.Errorf("walk: %w", err)
	}
	newest := map[string]string{}
	for _, fi := range files {
		if fi.prefix != "" {
			newest[fi.prefix] = fi.name // files are sorted oldest first
		}
	}
	var damaged []*FormatError
	for _, fi := range files {
		err := walkFile(ctx, dir, fi.name, newest[fi.prefix] == fi.name, func(rec *rawRecord) error {
			if !rec.isContent() {
				return nil
			}
			resp, err := rec.content(fi.name)
			if err != nil {
				damaged = append(damaged, &FormatError{File: fi.name, Offset: rec.offset, Err: err})
				return nil
			}
			return fn(resp)
		}, func(fe *FormatError) { damaged = append(damaged, fe) })
		if err != nil {
			return fmt.Errorf("walk: %w", err)
		}
	}
	if len(damaged) > 0 {
		return fmt.Errorf("walk: %w", &DamageError{Damaged: damaged})
	}
	return nil
}

// walkFile calls visit for each record of dir/name that reads back and
// passes check, and damage for each that does not, then goes on at the next
// whole member. When growing, a record cut short by the end of the file is
// not reported.
func walkFile(ctx context.Context, dir, name string, growing bool, visit func(*rawRecord) error, damage func(*FormatError)) error {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	rr := newRecordReader(f, name, 0)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := rr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				return err
			}
			if rr.intact { // the member was whole: the next one starts where it ended
				damage(fe)
				continue
			}
			off, ok := nextRecordAt(f, name, fe.Offset+1, fi.Size())
			if !ok {
				if !growing || !errors.Is(err, io.ErrUnexpectedEOF) {
					damage(fe)
				}
				return nil
			}
			damage(fe)
			if _, err := f.Seek(off, io.SeekStart); err != nil {
				return err
			}
			rr = newRecordReader(f, name, off)
			continue
		}
		if err := rec.check(); err != nil {
			damage(&FormatError{File: name, Offset: rec.offset, Err: err})
			continue
		}
		if err := visit(rec); err != nil {
			return err
		}
	}
}

// Verify reads a WARC file completely and reports the first malformed
// record: a damaged or truncated gzip member, a record that is not exactly
// one WARC record, a missing mandatory field, or a wrong block or payload
// digest. The error wraps ErrMalformed and is a *FormatError.
func Verify(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	defer f.Close()
	name := filepath.Base(path)
	rr := newRecordReader(f, name, 0)
	for {
		rec, err := rr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		if err := rec.check(); err != nil {
			return fmt.Errorf("verify: %w", &FormatError{File: name, Offset: rec.offset, Err: err})
		}
	}
}
