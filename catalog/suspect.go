package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parlq/parlq"
)

// Suspect states.
const (
	// SuspectOpen: held back, waiting for the source to mend or an
	// operator to accept it. The question is fetched again by every run.
	SuspectOpen = "open"
	// SuspectCleared: a capture fetched later was stored (or confirmed):
	// the source mended.
	SuspectCleared = "cleared"
	// SuspectAccepted: an operator stored it as the current version.
	SuspectAccepted = "accepted"
	// SuspectSuperseded: a later suspect capture of the question replaced it.
	SuspectSuperseded = "superseded"
)

// ErrNoSuspect is returned (wrapped) by Accept when the question has no
// open suspect capture.
var ErrNoSuspect = errors.New("no suspect capture")

// SuspectCapture is a capture held back because its record would have lost
// information the current version holds (see PutChecked).
type SuspectCapture struct {
	Source, QuestionID string
	// URL is the canonical fetch URL; RecordID the WARC-Record-ID.
	URL, RecordID string
	FetchedAt     time.Time
	// RunID is the run that held it back (0: reparse).
	RunID int64
	// Version is the current version it would have replaced (0: none, a
	// first reading worse than its listing).
	Version int
	// Losses say what it would have lost; Fields are their fields.
	Losses []parlq.Loss
	Fields []string
	// Record is the record read from the capture.
	Record parlq.Question
	// State is SuspectOpen, SuspectCleared, SuspectAccepted or
	// SuspectSuperseded; Resolved when it stopped being open.
	State    string
	Resolved time.Time
}

// addSuspect records q's capture as the question's open suspect,
// superseding an earlier open one. The same capture again (a reparse)
// changes nothing.
func addSuspect(ctx context.Context, tx *sql.Tx, q *parlq.Question, cp parlq.Capture, at time.Time, o putOptions, version int, losses []parlq.Loss) error {
	if cp.RecordID == "" {
		return fmt.Errorf("suspect record without a capture")
	}
	lossJSON, err := json.Marshal(losses)
	if err != nil {
		return err
	}
	fields, err := json.Marshal(parlq.LossFields(losses))
	if err != nil {
		return err
	}
	record, err := json.Marshal(q)
	if err != nil {
		return err
	}
	url := o.URL
	if url == "" {
		url = q.URL
	}
	var run any
	if o.RunID != 0 {
		run = o.RunID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO suspects
		(source, question_id, url, record_id, fetched_at, run_id, version, fields, losses, record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (record_id) DO NOTHING`,
		q.Source, q.ID, url, cp.RecordID, formatTime(at), run, version, string(fields), string(lossJSON), string(record))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE suspects SET state = 'superseded', resolved_at = ?
		WHERE question_id = ? AND state = 'open' AND record_id != ? AND fetched_at <= ?`,
		formatTime(at), q.ID, cp.RecordID, formatTime(at))
	return err
}

// clearSuspects closes the question's open suspect fetched at or before at:
// a capture fetched at at was stored or confirmed.
func clearSuspects(ctx context.Context, tx *sql.Tx, questionID string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE suspects SET state = 'cleared', resolved_at = ?
		WHERE question_id = ? AND state = 'open' AND fetched_at <= ?`,
		formatTime(at), questionID, formatTime(at))
	return err
}

const suspectColumns = `source, question_id, url, record_id, fetched_at, coalesce(run_id, 0), version,
	fields, losses, record, state, resolved_at`

func scanSuspect(rows *sql.Rows) (SuspectCapture, error) {
	var s SuspectCapture
	var at, resolved sql.NullString
	var fields, losses, record string
	if err := rows.Scan(&s.Source, &s.QuestionID, &s.URL, &s.RecordID, &at, &s.RunID, &s.Version,
		&fields, &losses, &record, &s.State, &resolved); err != nil {
		return s, err
	}
	var err error
	if s.FetchedAt, err = parseTime(at); err != nil {
		return s, err
	}
	if s.Resolved, err = parseTime(resolved); err != nil {
		return s, err
	}
	if json.Unmarshal([]byte(fields), &s.Fields) != nil || json.Unmarshal([]byte(losses), &s.Losses) != nil {
		return s, fmt.Errorf("%w: suspect %s: fields %q, losses %q", ErrCorrupt, s.RecordID, fields, losses)
	}
	q, err := decodeRecord(s.QuestionID, record)
	if err != nil {
		return s, err
	}
	s.Record = *q
	return s, nil
}

// Suspects returns the suspect captures of source ("" = all) in state (""
// = any), newest first.
func (c *Catalog) Suspects(ctx context.Context, source, state string) ([]SuspectCapture, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT `+suspectColumns+` FROM suspects
		WHERE (? = '' OR source = ?) AND (? = '' OR state = ?) ORDER BY fetched_at DESC, id DESC`,
		source, source, state, state)
	if err != nil {
		return nil, fmt.Errorf("suspects of %q: %w", source, err)
	}
	defer rows.Close()
	var out []SuspectCapture
	for rows.Next() {
		s, err := scanSuspect(rows)
		if err != nil {
			return nil, fmt.Errorf("suspects of %q: %w", source, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("suspects of %q: %w", source, err)
	}
	return out, nil
}

// OpenSuspect returns the question's open suspect capture; ErrNoSuspect
// when it has none.
func (c *Catalog) OpenSuspect(ctx context.Context, questionID string) (*SuspectCapture, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT `+suspectColumns+` FROM suspects
		WHERE question_id = ? AND state = 'open' ORDER BY fetched_at DESC, id DESC LIMIT 1`, questionID)
	if err != nil {
		return nil, fmt.Errorf("suspect of %s: %w", questionID, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("suspect of %s: %w", questionID, err)
		}
		return nil, fmt.Errorf("suspect of %s: %w", questionID, ErrNoSuspect)
	}
	s, err := scanSuspect(rows)
	if err != nil {
		return nil, fmt.Errorf("suspect of %s: %w", questionID, err)
	}
	return &s, nil
}

// Accept stores the question's open suspect capture as its current
// version, as the operator says the source really did that: a new version
// from the suspect's record and capture, an "accepted" event naming the
// fields it lost (with a status event when its status differs), the
// suspect marked accepted. From then on the capture vouches for the page
// (validators, digest) as any stored one. ErrNoSuspect when there is none.
func (c *Catalog) Accept(ctx context.Context, questionID string) (PutResult, error) {
	s, err := c.OpenSuspect(ctx, questionID)
	if err != nil {
		return PutResult{}, fmt.Errorf("accept: %w", err)
	}
	cp, err := c.CaptureByRecordID(ctx, s.RecordID)
	if err != nil {
		return PutResult{}, fmt.Errorf("accept %s: %w", questionID, err)
	}
	q := s.Record
	res, err := c.put(ctx, &q, parlq.Capture{RecordID: cp.RecordID, PayloadDigest: cp.PayloadDigest, File: cp.File,
		Offset: cp.Offset, URL: cp.URL}, s.FetchedAt, putOptions{accepted: s.Fields, acceptID: s.RecordID})
	if err != nil {
		return res, fmt.Errorf("accept: %w", err)
	}
	if res.Stale {
		return res, fmt.Errorf("accept %s: a version fetched after the suspect capture is stored", questionID)
	}
	return res, nil
}

// markAccepted marks the suspect capture recordID accepted.
func markAccepted(ctx context.Context, tx *sql.Tx, recordID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE suspects SET state = 'accepted', resolved_at = ?
		WHERE record_id = ? AND state = 'open'`, formatTime(time.Now()), recordID)
	return err
}
