package dataset

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
)

// maxRecord bounds a WARC record ReadRecord hands out.
const maxRecord = 256 << 20

// ReadRecord returns the WARC record a capture points at as it is archived
// (its gzip member decompressed): a WARC file of one response record that
// any WARC tool reads, headers and digests included. The record is first
// read and checked as ReadCapture does; an unreadable capture is an error
// that says so.
func (d *Dataset) ReadRecord(ctx context.Context, c parlq.Capture) ([]byte, error) {
	resp, err := d.ReadCapture(ctx, c)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(d.path(WARCDir), resp.File))
	if err != nil {
		return nil, fmt.Errorf("read record: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(io.NewSectionReader(f, resp.Offset, resp.Length))
	if err != nil {
		return nil, fmt.Errorf("read record: %w", &archive.FormatError{File: resp.File, Offset: resp.Offset, Err: err})
	}
	zr.Multistream(false)
	rec, err := io.ReadAll(io.LimitReader(zr, maxRecord+1))
	if err != nil {
		return nil, fmt.Errorf("read record: %w", &archive.FormatError{File: resp.File, Offset: resp.Offset, Err: err})
	}
	if len(rec) > maxRecord {
		return nil, fmt.Errorf("read record %s: larger than %d bytes", c.RecordID, maxRecord)
	}
	return rec, nil
}
