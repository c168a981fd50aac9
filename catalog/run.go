package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Run outcomes.
const (
	RunRunning = "running"
	RunOK      = "ok"
	// RunSuspect: the run did everything it had to, but held back captures
	// whose records would have been worse than the stored ones (see
	// Catalog.PutChecked); an operator looks at them (parlq status) and
	// accepts them or waits for the source to mend.
	RunSuspect     = "suspect"
	RunFailed      = "failed"
	RunInterrupted = "interrupted"
)

// Run is one harvest run of one source and what it counted.
type Run struct {
	ID       int64
	Source   string
	Started  time.Time
	Finished time.Time // zero while running or when interrupted
	// Outcome is "running", "ok", "suspect", "failed" or "interrupted"
	// (the process ended before finishing the run).
	Outcome string
	// Requests is every HTTP request made; Discovered the refs the index
	// listed; New, Changed, Unchanged the Put outcomes; NotModified the 304s;
	// Failed the fetches or parses that failed; Skipped the refs not due;
	// Suspects the captures held back as worse than the stored records.
	Requests, Discovered, New, Changed, Unchanged, NotModified, Failed, Skipped, Suspects int
	// Error says why a run is not ok; Notes what an ok run met that is no
	// error (robots.txt missing, a quiet night, an index that does not
	// exist), one per line.
	Error, Notes string
}

// StartRun records a run of source started at the given time, outcome
// "running", and returns its id.
func (c *Catalog) StartRun(ctx context.Context, source string, at time.Time) (int64, error) {
	if source == "" || at.IsZero() {
		return 0, fmt.Errorf("start run: empty source or time")
	}
	var id int64
	err := c.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO runs (source, started_at) VALUES (?, ?)`, source, formatTime(at))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("start run of %s: %w", source, err)
	}
	return id, nil
}

// FinishRun stores the outcome, finish time, counts and error of run r.ID
// (its Source and Started are kept as recorded).
func (c *Catalog) FinishRun(ctx context.Context, r Run) error {
	switch r.Outcome {
	case RunOK, RunSuspect, RunFailed, RunInterrupted, RunRunning:
	default:
		return fmt.Errorf("finish run %d: unknown outcome %q", r.ID, r.Outcome)
	}
	err := c.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET finished_at = ?, outcome = ?,
			requests = ?, discovered = ?, new = ?, changed = ?, unchanged = ?, not_modified = ?,
			failed = ?, skipped = ?, suspects = ?, error = ?, notes = ? WHERE id = ?`,
			formatTime(r.Finished), r.Outcome, r.Requests, r.Discovered, r.New, r.Changed, r.Unchanged,
			r.NotModified, r.Failed, r.Skipped, r.Suspects, r.Error, r.Notes, r.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("finish run %d: %w", r.ID, err)
	}
	return nil
}

const runColumns = `id, source, started_at, finished_at, outcome, requests, discovered, new, changed,
	unchanged, not_modified, failed, skipped, suspects, error, notes`

func (c *Catalog) runs(ctx context.Context, where string, limit int, args ...any) ([]Run, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := c.r.QueryContext(ctx, `SELECT `+runColumns+` FROM runs WHERE `+where+
		` ORDER BY started_at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var runs []Run
	for rows.Next() {
		var r Run
		var started, finished sql.NullString
		if err := rows.Scan(&r.ID, &r.Source, &started, &finished, &r.Outcome, &r.Requests, &r.Discovered,
			&r.New, &r.Changed, &r.Unchanged, &r.NotModified, &r.Failed, &r.Skipped, &r.Suspects, &r.Error, &r.Notes); err != nil {
			return nil, err
		}
		if r.Started, err = parseTime(started); err != nil {
			return nil, fmt.Errorf("run %d: %w", r.ID, err)
		}
		if r.Finished, err = parseTime(finished); err != nil {
			return nil, fmt.Errorf("run %d: %w", r.ID, err)
		}
		runs = append(runs, r)
	}
	return runs, rows.Err()
}

// Runs returns the runs of source ("" = all), newest first, at most limit
// (limit <= 0: all).
func (c *Catalog) Runs(ctx context.Context, source string, limit int) ([]Run, error) {
	runs, err := c.runs(ctx, `? = '' OR source = ?`, limit, source, source)
	if err != nil {
		return nil, fmt.Errorf("runs of %q: %w", source, err)
	}
	return runs, nil
}

// LastRun returns the newest run of source; ErrNotFound if there is none.
func (c *Catalog) LastRun(ctx context.Context, source string) (*Run, error) {
	runs, err := c.runs(ctx, `source = ?`, 1, source)
	if err != nil {
		return nil, fmt.Errorf("last run of %s: %w", source, err)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("last run of %s: %w", source, ErrNotFound)
	}
	return &runs[0], nil
}

// LastGoodRun returns the newest run of source that finished "ok";
// ErrNotFound if there is none.
func (c *Catalog) LastGoodRun(ctx context.Context, source string) (*Run, error) {
	runs, err := c.runs(ctx, `source = ? AND outcome = 'ok'`, 1, source)
	if err != nil {
		return nil, fmt.Errorf("last good run of %s: %w", source, err)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("last good run of %s: %w", source, ErrNotFound)
	}
	return &runs[0], nil
}

// LastFinishedRun returns the newest run of source that is not running;
// ErrNotFound if there is none.
func (c *Catalog) LastFinishedRun(ctx context.Context, source string) (*Run, error) {
	runs, err := c.runs(ctx, `source = ? AND outcome != 'running'`, 1, source)
	if err != nil {
		return nil, fmt.Errorf("last finished run of %s: %w", source, err)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("last finished run of %s: %w", source, ErrNotFound)
	}
	return &runs[0], nil
}

// LastHarvestedRun returns the newest run of source that read every list
// and handled every page it planned: ok, or suspect (pages held back are
// handled too: they are fetched again until they mend or are accepted).
// Date-windowed sources start the next window from it. ErrNotFound if
// there is none.
func (c *Catalog) LastHarvestedRun(ctx context.Context, source string) (*Run, error) {
	runs, err := c.runs(ctx, `source = ? AND outcome IN ('ok', 'suspect')`, 1, source)
	if err != nil {
		return nil, fmt.Errorf("last harvested run of %s: %w", source, err)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("last harvested run of %s: %w", source, ErrNotFound)
	}
	return &runs[0], nil
}

// Stats counts the current records of a source ("" = all).
type Stats struct {
	Records int `json:"records"`
	// ByStatus counts records per status; statuses without records are absent.
	ByStatus map[string]int `json:"by_status"`
}

// Stats counts the current records of source ("" = all) by status.
func (c *Catalog) Stats(ctx context.Context, source string) (Stats, error) {
	st := Stats{ByStatus: map[string]int{}}
	rows, err := c.r.QueryContext(ctx, `SELECT status, count(*) FROM questions
		WHERE ? = '' OR source = ? GROUP BY status ORDER BY status`, source, source)
	if err != nil {
		return Stats{}, fmt.Errorf("stats of %q: %w", source, err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return Stats{}, fmt.Errorf("stats of %q: %w", source, err)
		}
		st.ByStatus[status] = n
		st.Records += n
	}
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("stats of %q: %w", source, err)
	}
	return st, nil
}

// Sources returns the sources the catalog has records, items or runs of,
// sorted.
func (c *Catalog) Sources(ctx context.Context) ([]string, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT DISTINCT source FROM questions
		UNION SELECT DISTINCT source FROM tracking
		UNION SELECT DISTINCT source FROM runs ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	defer rows.Close()
	var sources []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sources: %w", err)
		}
		sources = append(sources, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return sources, nil
}
