package catalog

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parlq/parlq"
)

// Item is the tracking row of one known question: what the index told, and
// how its fetches went. It exists from the moment an index lists the
// question, before its first successful fetch.
type Item struct {
	ID, Source string
	// URL is the page to fetch.
	URL  string
	Type parlq.Type
	// Received and Updated are the dates the index gave ("YYYY-MM-DD").
	Received, Updated string
	// Status is "" until the question is first parsed; Answered is its answer
	// date then.
	Status   parlq.Status
	Answered string
	// Listing is the partial record the index row told, or nil.
	Listing *parlq.Question
	// LastFetched is the last successful fetch, LastChanged the fetch that
	// produced the latest version, LastFailed the last failed fetch.
	LastFetched, LastChanged, LastFailed time.Time
	// Failures counts the failed fetches since the last successful one.
	Failures  int
	LastError string
	// Suspect says the question has an open suspect capture (see
	// PutChecked): every run fetches it again, in full.
	Suspect bool
}

// Track records the refs an index listed for source, in one transaction, and
// returns how many were not known before. A known ref keeps its fetch
// history and takes the newest of what the index tells: its URL, type,
// reception date and listing when given, and the later of the two update
// dates. A ref that does not belong to source is refused, and nothing is
// written.
func (c *Catalog) Track(ctx context.Context, source string, refs []parlq.Ref) (newItems int, err error) {
	if source == "" {
		return 0, errors.New("track: empty source")
	}
	type row struct {
		ref     parlq.Ref
		listing string
	}
	rows := make([]row, len(refs))
	for i, r := range refs {
		if !strings.HasPrefix(r.ID, source+"/") || r.URL == "" {
			return 0, fmt.Errorf("track %s: ref %d (%q, %q) is not a %s question with a URL", source, i, r.ID, r.URL, source)
		}
		rows[i].ref = r
		if r.Listing != nil {
			b, err := json.Marshal(r.Listing)
			if err != nil {
				return 0, fmt.Errorf("track %s: ref %s: %w", source, r.ID, err)
			}
			rows[i].listing = string(b)
		}
	}
	err = c.write(ctx, func(tx *sql.Tx) error {
		newItems = 0
		// Read what is known of the source once, then write only the rows
		// that are new or told something new: the nightly index of
		// thousands of known refs costs one query.
		known, err := trackedRows(ctx, tx, source)
		if err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO tracking (id, source, url, type, received, updated, listing)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, `UPDATE tracking SET url = ?, type = ?, received = ?, updated = ?, listing = ?
			WHERE id = ?`)
		if err != nil {
			return err
		}
		defer upd.Close()
		for _, r := range rows {
			ref := r.ref
			old, ok := known[ref.ID]
			if !ok {
				if _, err := ins.ExecContext(ctx, ref.ID, source, ref.URL, string(ref.Type),
					nullString(ref.Received), nullString(ref.Updated), nullString(r.listing)); err != nil {
					return fmt.Errorf("ref %s: %w", ref.ID, err)
				}
				known[ref.ID] = tracked{url: ref.URL, typ: string(ref.Type), received: ref.Received, updated: ref.Updated, listing: r.listing}
				newItems++
				continue
			}
			m := old
			m.url = cmp.Or(ref.URL, old.url)
			m.typ = cmp.Or(string(ref.Type), old.typ)
			m.received = cmp.Or(ref.Received, old.received)
			m.updated = max(ref.Updated, old.updated)
			m.listing = cmp.Or(r.listing, old.listing)
			if m == old {
				continue
			}
			if _, err := upd.ExecContext(ctx, m.url, m.typ, nullString(m.received), nullString(m.updated),
				nullString(m.listing), ref.ID); err != nil {
				return fmt.Errorf("ref %s: %w", ref.ID, err)
			}
			known[ref.ID] = m
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("track %s: %w", source, err)
	}
	return newItems, nil
}

// tracked is what Track compares of a tracking row.
type tracked struct {
	url, typ, received, updated, listing string
}

// trackedRows reads the index-given columns of every tracking row of source.
func trackedRows(ctx context.Context, tx *sql.Tx, source string) (map[string]tracked, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, url, type, coalesce(received, ''), coalesce(updated, ''),
		coalesce(listing, '') FROM tracking WHERE source = ?`, source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	known := map[string]tracked{}
	for rows.Next() {
		var id string
		var t tracked
		if err := rows.Scan(&id, &t.url, &t.typ, &t.received, &t.updated, &t.listing); err != nil {
			return nil, err
		}
		known[id] = t
	}
	return known, rows.Err()
}

const itemColumns = `id, source, url, type, received, updated, status, answered, listing,
	last_fetched, last_changed, last_failed, failures, last_error,
	EXISTS (SELECT 1 FROM suspects s WHERE s.question_id = tracking.id AND s.state = 'open')`

func scanItem(rows *sql.Rows) (Item, error) {
	var it Item
	var received, updated, answered, listing, fetched, changed, failed sql.NullString
	if err := rows.Scan(&it.ID, &it.Source, &it.URL, &it.Type, &received, &updated, &it.Status, &answered,
		&listing, &fetched, &changed, &failed, &it.Failures, &it.LastError, &it.Suspect); err != nil {
		return it, err
	}
	it.Received, it.Updated, it.Answered = received.String, updated.String, answered.String
	if listing.Valid {
		it.Listing = new(parlq.Question)
		if err := json.Unmarshal([]byte(listing.String), it.Listing); err != nil {
			return it, fmt.Errorf("%w: listing of %s: %v", ErrCorrupt, it.ID, err)
		}
	}
	var err error
	for _, p := range []struct {
		dst *time.Time
		s   sql.NullString
	}{{&it.LastFetched, fetched}, {&it.LastChanged, changed}, {&it.LastFailed, failed}} {
		if *p.dst, err = parseTime(p.s); err != nil {
			return it, fmt.Errorf("item %s: %w", it.ID, err)
		}
	}
	return it, nil
}

func (c *Catalog) items(ctx context.Context, where string, args ...any) ([]Item, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT `+itemColumns+` FROM tracking WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// Items returns the tracking rows of source ("" = all sources), by id.
func (c *Catalog) Items(ctx context.Context, source string) ([]Item, error) {
	items, err := c.items(ctx, `? = '' OR source = ?`, source, source)
	if err != nil {
		return nil, fmt.Errorf("items of %q: %w", source, err)
	}
	return items, nil
}

// Item returns the tracking row of question id; ErrNotFound if unknown.
func (c *Catalog) Item(ctx context.Context, id string) (*Item, error) {
	items, err := c.items(ctx, `id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("item %s: %w", id, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("item %s: %w", id, ErrNotFound)
	}
	return &items[0], nil
}

// Failures returns the items of source ("" = all) whose last fetch failed.
func (c *Catalog) Failures(ctx context.Context, source string) ([]Item, error) {
	items, err := c.items(ctx, `(? = '' OR source = ?) AND failures > 0`, source, source)
	if err != nil {
		return nil, fmt.Errorf("failures of %q: %w", source, err)
	}
	return items, nil
}

// MarkFetched records a successful fetch of question id at the given time
// (a 200 or a 304), and clears its failures. Put does the same for the
// fetches it stores.
func (c *Catalog) MarkFetched(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("mark %s fetched: no time", id)
	}
	err := c.updateItem(ctx, id, `UPDATE tracking SET
		last_fetched = max(coalesce(last_fetched, ''), ?), failures = 0, last_error = ''
		WHERE id = ?`, formatTime(at), id)
	if err != nil {
		return fmt.Errorf("mark %s fetched: %w", id, err)
	}
	return nil
}

// MarkFailed records a failed fetch of question id: the time, the error
// message, and one more failure.
func (c *Catalog) MarkFailed(ctx context.Context, id string, at time.Time, msg string) error {
	if at.IsZero() {
		return fmt.Errorf("mark %s failed: no time", id)
	}
	err := c.updateItem(ctx, id, `UPDATE tracking SET
		last_failed = ?, failures = failures + 1, last_error = ?
		WHERE id = ?`, formatTime(at), msg, id)
	if err != nil {
		return fmt.Errorf("mark %s failed: %w", id, err)
	}
	return nil
}

func (c *Catalog) updateItem(ctx context.Context, id, query string, args ...any) error {
	return c.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return nil
	})
}
