package catalog

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/parlq/parlq"
)

// LedgerItem is what the completeness ledger counts of one question the
// catalog knows: one a list named (a tracking row), one stored (a current
// record), or both. Number, Legislature and Received are the record's when
// it is stored, else what the list told.
type LedgerItem struct {
	ID                            string
	Type                          parlq.Type
	Number, Legislature, Received string
	// Stored says a current record exists; Status is its status then.
	Stored bool
	Status parlq.Status
	// Failures counts the failed fetches since the last successful one;
	// LastError is the last failure's message.
	Failures  int
	LastError string
	// Suspect says a capture of the question is held back as suspect.
	Suspect bool
}

// LedgerItems returns every question of source the catalog knows, listed
// or stored, in no particular order. It reads only the columns the ledger
// counts (no record is decoded), in one query that scans the tracking
// table in its own order (+t.source: looking each row up through the
// source index costs a random page read per row).
func (c *Catalog) LedgerItems(ctx context.Context, source string) ([]LedgerItem, error) {
	// coalesce stops at the first value: the listing's JSON is read only
	// for questions not stored.
	const listed = `json_extract(t.listing, '$.%s')`
	const open = `EXISTS (SELECT 1 FROM suspects s WHERE s.question_id = %s AND s.state = 'open')`
	rows, err := c.r.QueryContext(ctx, `
		SELECT t.id, coalesce(q.type, t.type),
			coalesce(q.number, `+fmt.Sprintf(listed, "number")+`, ''),
			coalesce(q.legislature, `+fmt.Sprintf(listed, "legislature")+`, ''),
			coalesce(q.received, t.received, ''),
			q.id IS NOT NULL, coalesce(q.status, ''), t.failures, t.last_error, `+fmt.Sprintf(open, "t.id")+`
		FROM tracking t LEFT JOIN questions q ON q.id = t.id
		WHERE +t.source = ?
		UNION ALL
		SELECT q.id, q.type, coalesce(q.number, ''), coalesce(q.legislature, ''), coalesce(q.received, ''),
			1, q.status, 0, '', `+fmt.Sprintf(open, "q.id")+`
		FROM questions q
		WHERE q.source = ? AND NOT EXISTS (SELECT 1 FROM tracking t WHERE t.id = q.id)`, source, source)
	if err != nil {
		return nil, fmt.Errorf("ledger items of %s: %w", source, err)
	}
	defer rows.Close()
	var out []LedgerItem
	for rows.Next() {
		var it LedgerItem
		if err := rows.Scan(&it.ID, &it.Type, &it.Number, &it.Legislature, &it.Received, &it.Stored, &it.Status,
			&it.Failures, &it.LastError, &it.Suspect); err != nil {
			return nil, fmt.Errorf("ledger items of %s: %w", source, err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger items of %s: %w", source, err)
	}
	return out, nil
}

// LastFailedRun returns the newest run of source that failed or was
// interrupted; ErrNotFound if there is none.
func (c *Catalog) LastFailedRun(ctx context.Context, source string) (*Run, error) {
	return c.oneRun(ctx, "last failed run", `source = ? AND outcome IN ('failed', 'interrupted')`, source)
}

// FirstRun returns the oldest run of source; ErrNotFound if there is none.
func (c *Catalog) FirstRun(ctx context.Context, source string) (*Run, error) {
	return c.oneRun(ctx, "first run", `id = (SELECT id FROM runs WHERE source = ? ORDER BY started_at, id LIMIT 1)`, source)
}

// oneRun returns the newest run matching where; ErrNotFound if none does.
func (c *Catalog) oneRun(ctx context.Context, what, where string, args ...any) (*Run, error) {
	runs, err := c.runs(ctx, where, 1, args...)
	if err != nil {
		return nil, fmt.Errorf("%s of %v: %w", what, args[0], err)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("%s of %v: %w", what, args[0], ErrNotFound)
	}
	return &runs[0], nil
}

// ListCountsAt returns what the lists of source delivered at their last
// plausible reading, newest first, then by URL.
func (c *Catalog) ListCountsAt(ctx context.Context, source string) ([]ListCount, error) {
	m, err := c.ListCounts(ctx, source)
	if err != nil {
		return nil, err
	}
	out := slices.Collect(maps.Values(m))
	slices.SortFunc(out, func(a, b ListCount) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return strings.Compare(a.URL, b.URL)
	})
	return out, nil
}
