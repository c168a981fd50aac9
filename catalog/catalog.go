// Package catalog is parlq's SQLite store: the current record of every
// question, its versions (a new one only when the parsed record changed), the
// archived captures they came from, the tracking rows that plan harvests, and
// the harvest runs.
//
// The database is meant to be opened by researchers with any SQLite tool:
// tables and columns have plain names, dates are "YYYY-MM-DD" text, times are
// ISO 8601 text in UTC with millisecond precision, and every record is also
// kept whole as JSON (the same JSON as the API and exports).
//
// Every write (Put, Track, FinishRun, …) is one transaction in WAL mode, so
// killing the process at any instant loses nothing committed and corrupts
// nothing. Synchronisation is NORMAL, SQLite's advice for WAL: a power cut
// may lose the last commits (never the file's consistency); the archive can
// rebuild them with reparse. One *Catalog is safe
// for concurrent use by many goroutines: writes go through a single
// connection (serialised), reads through a pool.
package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// ErrNotFound is returned (wrapped) when a question, item or run does not exist.
var ErrNotFound = errors.New("not found")

// ErrCorrupt is wrapped when a stored value (a record's JSON, a time) cannot be
// read back: the database was edited by hand or damaged.
var ErrCorrupt = errors.New("corrupt catalog data")

// ErrReadOnly is returned by write methods of a catalog opened with OpenReadOnly.
var ErrReadOnly = errors.New("catalog opened read-only")

// Catalog is an open catalog database.
type Catalog struct {
	path string
	// w is the single write connection (nil when read-only); its
	// transactions begin IMMEDIATE, so a write never fails half-way with
	// SQLITE_BUSY after reading.
	w *sql.DB
	// r is the pool of read-only connections.
	r *sql.DB
}

// busyTimeout is how long a connection waits for a lock held by another
// connection (or another process reading) before failing.
const busyTimeout = 10 * time.Second

// readConns bounds the read pool.
const readConns = 4

func dsn(path string, readOnly bool) (string, error) {
	if strings.ContainsAny(path, "?#") {
		return "", fmt.Errorf("catalog path %q: must not contain '?' or '#'", path)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode(), nil
}

// Open opens the catalog at path for writing, creating the directory and the
// file when needed, and applies pending schema migrations. Runs still marked
// "running" (left by a process that was killed) become "interrupted".
//
// Only the process that holds the data directory's lock should call Open;
// readers that may run beside a harvest use OpenReadOnly.
func Open(ctx context.Context, path string) (*Catalog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	wdsn, err := dsn(path, false)
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	w, err := sql.Open("sqlite", wdsn)
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := migrate(ctx, w, migrations()); err != nil {
		w.Close()
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	if _, err := w.ExecContext(ctx,
		`UPDATE runs SET outcome = 'interrupted',
		        error = CASE WHEN error = '' THEN 'the process ended before the run finished' ELSE error END
		 WHERE outcome = 'running'`); err != nil {
		w.Close()
		return nil, fmt.Errorf("open catalog %s: mark interrupted runs: %w", path, err)
	}
	r, err := openReader(path)
	if err != nil {
		w.Close()
		return nil, err
	}
	return &Catalog{path: path, w: w, r: r}, nil
}

// OpenReadOnly opens an existing catalog for reading only, without migrating
// it or touching its runs: for commands (status, search, export) that may run
// while another process harvests. Write methods return ErrReadOnly.
func OpenReadOnly(ctx context.Context, path string) (*Catalog, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	r, err := openReader(path)
	if err != nil {
		return nil, err
	}
	have, err := schemaVersion(ctx, r)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	if want := latestVersion(migrations()); have != want {
		r.Close()
		return nil, fmt.Errorf("open catalog %s: schema version %d, this parlq reads %d (open it for writing once to migrate)", path, have, want)
	}
	return &Catalog{path: path, r: r}, nil
}

func openReader(path string) (*sql.DB, error) {
	rdsn, err := dsn(path, true)
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	r, err := sql.Open("sqlite", rdsn)
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	return r, nil
}

// Path returns the database file the catalog was opened from.
func (c *Catalog) Path() string { return c.path }

// Close closes the database. Committed writes are already durable.
func (c *Catalog) Close() error {
	var errs []error
	if c.r != nil {
		errs = append(errs, c.r.Close())
	}
	if c.w != nil {
		// Closing the last connection checkpoints the WAL into the main
		// file and removes it, so researchers copy a single file.
		errs = append(errs, c.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close catalog: %w", err)
	}
	return nil
}

// write runs fn in one write transaction and commits it.
func (c *Catalog) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if c.w == nil {
		return ErrReadOnly
	}
	tx, err := c.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// timeLayout is how times are stored: UTC, fixed width (so text order is time
// order), milliseconds, and a form SQLite's date functions understand.
const timeLayout = "2006-01-02T15:04:05.000Z"

// stamp truncates t to what the catalog stores.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// formatTime returns t as stored, or nil (SQL NULL) for the zero time.
func formatTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// parseTime reads a stored time; NULL or "" is the zero time.
func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: time %q", ErrCorrupt, s.String)
	}
	return t.UTC(), nil
}

// nullString returns s, or nil (SQL NULL) when s is empty.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
