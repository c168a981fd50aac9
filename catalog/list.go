package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ListCount is what a list (a seed and the pages it leads to) delivered in
// a run: the items received across its pages, and what the list said it
// has (-1 when it does not say).
type ListCount struct {
	// URL is the seed, canonical.
	URL       string
	Items     int
	Announced int
	// RunID and At say when (set by the catalog on reading).
	RunID int64
	At    time.Time
}

// ListCounts returns what the lists of source delivered the last time each
// passed the plausibility checks, by seed URL.
func (c *Catalog) ListCounts(ctx context.Context, source string) (map[string]ListCount, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT url, items, announced, coalesce(run_id, 0), at FROM lists WHERE source = ?`, source)
	if err != nil {
		return nil, fmt.Errorf("list counts of %s: %w", source, err)
	}
	defer rows.Close()
	out := map[string]ListCount{}
	for rows.Next() {
		var l ListCount
		var at sql.NullString
		if err := rows.Scan(&l.URL, &l.Items, &l.Announced, &l.RunID, &at); err != nil {
			return nil, fmt.Errorf("list counts of %s: %w", source, err)
		}
		if l.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("list counts of %s: %w", source, err)
		}
		out[l.URL] = l
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list counts of %s: %w", source, err)
	}
	return out, nil
}

// SetListCounts records what the lists of source delivered in run runID
// (0: none) at at, replacing what each had delivered before.
func (c *Catalog) SetListCounts(ctx context.Context, source string, runID int64, at time.Time, counts []ListCount) error {
	if source == "" || at.IsZero() {
		return errors.New("set list counts: empty source or time")
	}
	var run any
	if runID != 0 {
		run = runID
	}
	err := c.write(ctx, func(tx *sql.Tx) error {
		for _, l := range counts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO lists (source, url, items, announced, run_id, at)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (source, url) DO UPDATE SET items = excluded.items, announced = excluded.announced,
					run_id = excluded.run_id, at = excluded.at`,
				source, l.URL, l.Items, l.Announced, run, formatTime(at)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set list counts of %s: %w", source, err)
	}
	return nil
}

// HadList says whether a 200 response of url was ever archived as a list
// page of source (a capture without a question): a seed that answered once
// and is now missing is an alarm, one that never answered may not exist.
func (c *Catalog) HadList(ctx context.Context, source, url string) (bool, error) {
	var n int
	err := c.r.QueryRowContext(ctx, `SELECT count(*) FROM captures
		WHERE source = ? AND url = ? AND question_id IS NULL AND http_status = 200`, source, url).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("list %s: %w", url, err)
	}
	return n > 0, nil
}
