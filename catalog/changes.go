package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Transition is a version that changed a field, with the version before it.
type Transition struct {
	QuestionID string
	// Before is the version before the change, After the one that made it.
	Before, After Version
}

// Transitions returns, for the questions ids (nil: every question), each
// version that changed field together with the version before it, by
// question id then version. A question's first version changes nothing, so
// it is never an After.
func (c *Catalog) Transitions(ctx context.Context, field string, ids []string) ([]Transition, error) {
	if ids != nil && len(ids) == 0 {
		return nil, nil
	}
	var out []Transition
	// Batches keep the statement under SQLite's limit of bound variables.
	const batch = 500
	for start := 0; start == 0 || start < len(ids); start += batch {
		var part []string
		if ids != nil {
			part = ids[start:min(start+batch, len(ids))]
		}
		ts, err := c.transitions(ctx, field, part, ids != nil)
		if err != nil {
			return nil, fmt.Errorf("transitions of %s: %w", field, err)
		}
		out = append(out, ts...)
		if ids == nil {
			break
		}
	}
	return out, nil
}

func (c *Catalog) transitions(ctx context.Context, field string, ids []string, some bool) ([]Transition, error) {
	quoted := `"` + field + `"`
	query := `SELECT v.question_id, v.version, v.changed, v.fetched_at, v.record,
	                 p.version, p.changed, p.fetched_at, p.record
		FROM versions v JOIN versions p ON p.question_id = v.question_id AND p.version = v.version - 1
		WHERE instr(v.changed, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(v.changed) WHERE value = ?)`
	args := []any{quoted, field}
	if some {
		query += ` AND v.question_id IN (?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	query += ` ORDER BY v.question_id, v.version`
	rows, err := c.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Transition
	for rows.Next() {
		var t Transition
		var aChanged, bChanged, aRecord, bRecord string
		var aAt, bAt sql.NullString
		if err := rows.Scan(&t.QuestionID, &t.After.Version, &aChanged, &aAt, &aRecord,
			&t.Before.Version, &bChanged, &bAt, &bRecord); err != nil {
			return nil, err
		}
		if err := readVersion(t.QuestionID, &t.After, aChanged, aAt, aRecord); err != nil {
			return nil, err
		}
		if err := readVersion(t.QuestionID, &t.Before, bChanged, bAt, bRecord); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// readVersion fills v from the stored columns of a version row.
func readVersion(id string, v *Version, changed string, at sql.NullString, record string) error {
	q, err := decodeRecord(id, record)
	if err != nil {
		return fmt.Errorf("version %d: %w", v.Version, err)
	}
	v.Record = *q
	if err := json.Unmarshal([]byte(changed), &v.Changed); err != nil {
		return fmt.Errorf("%s version %d: %w: changed %q", id, v.Version, ErrCorrupt, changed)
	}
	if len(v.Changed) == 0 {
		v.Changed = nil
	}
	v.At, err = parseTime(at)
	return err
}

// LastStored returns when the newest version in the catalog was fetched:
// the last time its records changed (the zero time for an empty catalog).
func (c *Catalog) LastStored(ctx context.Context) (time.Time, error) {
	var at sql.NullString
	if err := c.r.QueryRowContext(ctx, `SELECT max(fetched_at) FROM versions`).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("last stored version: %w", err)
	}
	return parseTime(at)
}

// ParsedCapture is a capture and the question version it was read into.
type ParsedCapture struct {
	Capture
	// Version is the version of the question the capture was parsed into
	// (or confirmed unchanged); 0 when it never was (a list page, a page
	// that failed to parse).
	Version int
}

// CapturesOf returns every capture of url (the canonical fetch URL), oldest
// first.
func (c *Catalog) CapturesOf(ctx context.Context, url string) ([]ParsedCapture, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT `+captureColumns+`, coalesce(question_version, 0) FROM captures
		WHERE url = ? ORDER BY fetched_at, id`, url)
	if err != nil {
		return nil, fmt.Errorf("captures of %s: %w", url, err)
	}
	defer rows.Close()
	var out []ParsedCapture
	for rows.Next() {
		var pc ParsedCapture
		var at sql.NullString
		cp := &pc.Capture
		if err := rows.Scan(&cp.ID, &cp.Source, &cp.URL, &cp.QuestionID, &cp.RecordID, &cp.File, &cp.Offset,
			&cp.PayloadDigest, &cp.NormDigest, &cp.Status, &cp.ETag, &cp.LastModified, &at, &cp.RunID, &pc.Version); err != nil {
			return nil, fmt.Errorf("captures of %s: %w", url, err)
		}
		if cp.FetchedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("captures of %s: %w", url, err)
		}
		out = append(out, pc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("captures of %s: %w", url, err)
	}
	return out, nil
}
