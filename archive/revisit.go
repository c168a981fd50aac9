package archive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Revisit is a response fetched again whose content an earlier record of
// the archive already holds (see Writer.WriteRevisit).
type Revisit struct {
	// Exchange is the fetch as received. Its Body is digested (the
	// record's WARC-Payload-Digest) and not stored.
	Exchange
	// Profile is the WARC-Profile URI that says in which sense the content
	// is the one of RefersTo. Required.
	Profile string
	// RefersTo is the WARC-Record-ID of the record holding the content.
	// Required.
	RefersTo string
	// RefersToTargetURI and RefersToDate are that record's WARC-Target-URI
	// and WARC-Date, written when set.
	RefersToTargetURI string
	RefersToDate      time.Time
	// Fields are extension fields the profile defines ("WARC processing
	// software shall ignore fields with unrecognized names", WARC 1.1, 5.1).
	Fields []Field
}

// Field is one WARC named field.
type Field struct{ Name, Value string }

// WriteRevisit archives a response whose payload is not stored again: a
// 'revisit' record whose block is the HTTP response truncated to its status
// line and headers (WARC-Truncated: length), with the digest of the payload
// as received, WARC-Profile and WARC-Refers-To the record holding the
// content, followed by the request record (WARC-Concurrent-To the revisit),
// with the durability and rollback of Write. "A 'revisit' record is used
// instead of a 'response' or 'resource' record to indicate that the content
// visited was either a complete or substantial duplicate of material
// previously archived" (WARC 1.1, 6.7); which duplicate is the profile's to
// say.
//
// A revisit is not a content record: it is left out of the index, Walk
// does not visit it and ReadResponse refuses it; ReadRecord reads it.
func (w *Writer) WriteRevisit(ctx context.Context, rv Revisit) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, fmt.Errorf("archive write: %w", err)
	}
	c, err := buildRevisit(rv)
	if err != nil {
		return Record{}, fmt.Errorf("archive write: %w", err)
	}
	return w.append(ctx, c)
}

// buildRevisit makes the revisit and request records of rv from those
// buildExchange makes of its exchange.
func buildRevisit(rv Revisit) (*capture, error) {
	switch {
	case rv.Profile == "" || strings.ContainsAny(rv.Profile, " \t\r\n"):
		return nil, fmt.Errorf("%w: revisit profile %q", ErrInvalidExchange, rv.Profile)
	case !isRecordID(rv.RefersTo):
		return nil, fmt.Errorf("%w: refers-to %q is not a record id", ErrInvalidExchange, rv.RefersTo)
	}
	c, err := buildExchange(rv.Exchange)
	if err != nil {
		return nil, err
	}
	resp := c.blocks[0]
	head, _, err := splitHTTP(resp.data)
	if err != nil {
		return nil, err
	}
	h := fields{
		{"WARC-Type", TypeRevisit},
		{"WARC-Record-ID", c.record.RecordID},
		{"WARC-Date", resp.header.get("WARC-Date")},
		{"WARC-Target-URI", c.record.URL},
	}
	if ip := resp.header.get("WARC-IP-Address"); ip != "" {
		h = append(h, field{"WARC-IP-Address", ip})
	}
	h = append(h, field{"WARC-Profile", rv.Profile}, field{"WARC-Refers-To", rv.RefersTo})
	if rv.RefersToTargetURI != "" {
		h = append(h, field{"WARC-Refers-To-Target-URI", rv.RefersToTargetURI})
	}
	if !rv.RefersToDate.IsZero() {
		h = append(h, field{"WARC-Refers-To-Date", rv.RefersToDate.UTC().Format(warcDateFormat)})
	}
	h = append(h,
		field{"WARC-Truncated", "length"},
		field{"Content-Type", "application/http;msgtype=response"},
		field{"WARC-Block-Digest", sha1Digest(head)},
		field{"WARC-Payload-Digest", c.record.PayloadDigest},
		field{"Content-Length", strconv.Itoa(len(head))},
	)
	for _, f := range rv.Fields {
		if f.Name == "" || strings.ContainsAny(f.Name, ": \t") || h.get(f.Name) != "" {
			return nil, fmt.Errorf("%w: extension field %q", ErrInvalidExchange, f.Name)
		}
		h = append(h, field{f.Name, f.Value})
	}
	c.blocks[0] = block{h, head}
	c.record.Type, c.record.RefersTo = TypeRevisit, rv.RefersTo
	c.unindexed = true
	return c, nil
}

// ReadRecord reads the record whose gzip member starts at offset in
// dir/file, of any type, checks it as Walk does, and returns what locates
// and describes it: its type, id, target, date, payload digest, the record
// it refers to, and for a response or a revisit its status and media type.
// Damage is an error wrapping ErrMalformed, as for ReadResponse.
func ReadRecord(dir, file string, offset int64) (Record, error) {
	if file != filepath.Base(file) {
		return Record{}, fmt.Errorf("read record: %q is not a file name", file)
	}
	f, err := os.Open(filepath.Join(dir, file))
	if err != nil {
		return Record{}, fmt.Errorf("read record: %w", err)
	}
	defer f.Close()
	fail := func(err error) (Record, error) {
		return Record{}, fmt.Errorf("read record: %w", &FormatError{File: file, Offset: offset, Err: err})
	}
	rec, err := readRawAt(f, file, offset)
	var fe *FormatError
	switch {
	case errors.As(err, &fe):
		return Record{}, fmt.Errorf("read record: %w", err)
	case err != nil:
		return fail(err)
	}
	if err := rec.check(); err != nil {
		return fail(err)
	}
	if rec.isContent() {
		resp, err := rec.content(file)
		if err != nil {
			return fail(err)
		}
		return resp.Record, nil
	}
	out, err := rec.record(file)
	if err != nil {
		return fail(err)
	}
	if out.Type == TypeRevisit && rec.isHTTP() {
		// The block is the response's head: its status and media type.
		hr, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(rec.block)), nil)
		if err != nil {
			return fail(fmt.Errorf("http response head: %w", err))
		}
		out.Status, out.MIME = hr.StatusCode, mediaType(hr.Header.Get("Content-Type"))
	}
	return out, nil
}

// Dir returns the directory the Writer writes to.
func (w *Writer) Dir() string { return w.opts.Dir }
