package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// What the harvest of a source that delivers its questions in bulk (a dump
// whose entries are the questions' own documents) and reference documents
// needs: the last copy of a list or reference document, the digests of
// every question at once, and one write for every question a dump carried
// unchanged.

// LastDocument returns the newest capture of url that is a document and not
// a question (a list page or a reference document, QuestionID empty) whose
// normalized digest was recorded, with status 200: the copy a conditional
// GET and a comparison of content start from. ErrNotFound when there is
// none.
func (c *Catalog) LastDocument(ctx context.Context, url string) (*Capture, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT `+captureColumns+` FROM captures
		WHERE url = ? AND question_id IS NULL AND http_status = 200 AND norm_digest != ''
		ORDER BY fetched_at DESC, id DESC LIMIT 1`, url)
	if err != nil {
		return nil, fmt.Errorf("last document %s: %w", url, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("last document %s: %w", url, err)
		}
		return nil, fmt.Errorf("last document %s: %w", url, ErrNotFound)
	}
	cp, err := scanCapture(rows)
	if err != nil {
		return nil, fmt.Errorf("last document %s: %w", url, err)
	}
	return &cp, nil
}

// LatestNormDigests returns, for every question of source that has a
// record, the normalized digest of its newest capture parsed into a record:
// LatestNormDigest of each, in one query.
func (c *Catalog) LatestNormDigests(ctx context.Context, source string) (map[string]string, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT question_id, norm_digest FROM (
		SELECT question_id, norm_digest,
			row_number() OVER (PARTITION BY question_id ORDER BY fetched_at DESC, id DESC) AS n
		FROM captures
		WHERE source = ? AND question_id IS NOT NULL AND question_version IS NOT NULL)
		WHERE n = 1`, source)
	if err != nil {
		return nil, fmt.Errorf("latest digests of %s: %w", source, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, d string
		if err := rows.Scan(&id, &d); err != nil {
			return nil, fmt.Errorf("latest digests of %s: %w", source, err)
		}
		out[id] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("latest digests of %s: %w", source, err)
	}
	return out, nil
}

// MarkFetchedAll is MarkFetched of every id, in one transaction: their
// documents were read again and found to be the stored records (a dump
// carried them unchanged), so an open suspect of theirs is cleared too. An
// id that is not tracked is an error wrapping ErrNotFound, and nothing is
// written.
func (c *Catalog) MarkFetchedAll(ctx context.Context, ids []string, at time.Time) error {
	if at.IsZero() {
		return errors.New("mark fetched: no time")
	}
	if len(ids) == 0 {
		return nil
	}
	err := c.write(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `UPDATE tracking SET
			last_fetched = max(coalesce(last_fetched, ''), ?), failures = 0, last_error = ''
			WHERE id = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		when := formatTime(at)
		for _, id := range ids {
			res, err := st.ExecContext(ctx, when, id)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return fmt.Errorf("%w: question %s", ErrNotFound, id)
			}
			if err := clearSuspects(ctx, tx, id, stamp(at)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark %d fetched: %w", len(ids), err)
	}
	return nil
}
