package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Capture is one archived fetch: a WARC response record. Fetches that
// produced no record (304s, network failures) are counted in runs and
// tracking, not here.
type Capture struct {
	ID     int64
	Source string
	// URL is the canonical fetch URL.
	URL string
	// QuestionID is empty for index and list pages.
	QuestionID string
	// RecordID is the WARC-Record-ID; File and Offset locate it.
	RecordID string
	File     string
	Offset   int64
	// PayloadDigest is the WARC-Payload-Digest; NormDigest the digest of the
	// source's normalized page (what decides whether the question changed).
	PayloadDigest, NormDigest string
	// Status is the HTTP status.
	Status             int
	ETag, LastModified string
	FetchedAt          time.Time
	// RunID is the harvest run (0: none, e.g. an import).
	RunID int64
}

// AddCapture records a capture and returns its id. Adding a capture whose
// RecordID is already known changes nothing and returns the existing id.
func (c *Catalog) AddCapture(ctx context.Context, cp Capture) (int64, error) {
	switch {
	case cp.RecordID == "":
		return 0, fmt.Errorf("add capture of %s: empty record id", cp.URL)
	case cp.Source == "" || cp.URL == "":
		return 0, fmt.Errorf("add capture %s: empty source or url", cp.RecordID)
	case cp.FetchedAt.IsZero():
		return 0, fmt.Errorf("add capture %s: no fetch time", cp.RecordID)
	}
	var id int64
	err := c.write(ctx, func(tx *sql.Tx) error {
		var run any
		if cp.RunID != 0 {
			run = cp.RunID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO captures
			(source, url, question_id, record_id, warc_file, warc_offset, payload_digest, norm_digest,
			 http_status, etag, last_modified, fetched_at, run_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (record_id) DO NOTHING`,
			cp.Source, cp.URL, nullString(cp.QuestionID), cp.RecordID, cp.File, cp.Offset,
			cp.PayloadDigest, cp.NormDigest, cp.Status, cp.ETag, cp.LastModified,
			formatTime(cp.FetchedAt), run); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT id FROM captures WHERE record_id = ?`, cp.RecordID).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("add capture %s: %w", cp.RecordID, err)
	}
	return id, nil
}

// Validators returns the ETag and Last-Modified of the newest 200 capture of
// url that was stored as a record (see Put), for a conditional GET; both are
// empty when there is none. A capture never stored must not vouch for the
// page: a 304 would then hide content the catalog never saw.
func (c *Catalog) Validators(ctx context.Context, url string) (etag, lastModified string, err error) {
	err = c.r.QueryRowContext(ctx, `SELECT etag, last_modified FROM captures
		WHERE url = ? AND http_status = 200 AND question_version IS NOT NULL
		ORDER BY fetched_at DESC, id DESC LIMIT 1`, url).
		Scan(&etag, &lastModified)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("validators of %s: %w", url, err)
	}
	return etag, lastModified, nil
}

// LatestNormDigest returns the normalized digest of the newest capture of the
// question that was parsed into a record (see Put), or "" if none was. A
// capture whose parse failed never counts: its page must be read again.
func (c *Catalog) LatestNormDigest(ctx context.Context, questionID string) (string, error) {
	var d string
	err := c.r.QueryRowContext(ctx, `SELECT norm_digest FROM captures
		WHERE question_id = ? AND question_version IS NOT NULL
		ORDER BY fetched_at DESC, id DESC LIMIT 1`, questionID).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("latest digest of %s: %w", questionID, err)
	}
	return d, nil
}

// CaptureByRecordID returns the capture with the given WARC-Record-ID.
func (c *Catalog) CaptureByRecordID(ctx context.Context, recordID string) (*Capture, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT `+captureColumns+` FROM captures WHERE record_id = ?`, recordID)
	if err != nil {
		return nil, fmt.Errorf("capture %s: %w", recordID, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("capture %s: %w", recordID, err)
		}
		return nil, fmt.Errorf("capture %s: %w", recordID, ErrNotFound)
	}
	cp, err := scanCapture(rows)
	if err != nil {
		return nil, fmt.Errorf("capture %s: %w", recordID, err)
	}
	return &cp, nil
}

// captureBatch is how many rows the iterators read per query; no query stays
// open while the callback runs, so the callback may write to the catalog.
const captureBatch = 256

// Captures calls fn for every question capture of source ("" = all sources)
// in fetch order, whatever its HTTP status: what reparse replays. An error
// from fn stops the walk and is returned as is.
func (c *Catalog) Captures(ctx context.Context, source string, fn func(Capture) error) error {
	lastAt, lastID := "", int64(0)
	for {
		rows, err := c.r.QueryContext(ctx, `SELECT `+captureColumns+` FROM captures
			WHERE question_id IS NOT NULL AND (? = '' OR source = ?)
			  AND (fetched_at, id) > (?, ?)
			ORDER BY fetched_at, id LIMIT ?`, source, source, lastAt, lastID, captureBatch)
		if err != nil {
			return fmt.Errorf("captures of %q: %w", source, err)
		}
		var batch []Capture
		for rows.Next() {
			cp, err := scanCapture(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("captures of %q: %w", source, err)
			}
			batch = append(batch, cp)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("captures of %q: %w", source, err)
		}
		for _, cp := range batch {
			if err := fn(cp); err != nil {
				return err
			}
		}
		if len(batch) < captureBatch {
			return nil
		}
		last := batch[len(batch)-1]
		lastAt, lastID = last.FetchedAt.Format(timeLayout), last.ID
	}
}

const captureColumns = `id, source, url, coalesce(question_id, ''), record_id, warc_file, warc_offset,
	payload_digest, norm_digest, http_status, etag, last_modified, fetched_at, coalesce(run_id, 0)`

func scanCapture(rows *sql.Rows) (Capture, error) {
	var cp Capture
	var at sql.NullString
	if err := rows.Scan(&cp.ID, &cp.Source, &cp.URL, &cp.QuestionID, &cp.RecordID, &cp.File, &cp.Offset,
		&cp.PayloadDigest, &cp.NormDigest, &cp.Status, &cp.ETag, &cp.LastModified, &at, &cp.RunID); err != nil {
		return cp, err
	}
	t, err := parseTime(at)
	if err != nil {
		return cp, fmt.Errorf("capture %s: %w", cp.RecordID, err)
	}
	cp.FetchedAt = t
	return cp, nil
}
