package catalog

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/parlq/parlq"
)

// Outcome says what Put did with a record.
type Outcome string

// Put outcomes.
const (
	// New: the first version of a question.
	New Outcome = "new"
	// Changed: a new version, because the record changed.
	Changed Outcome = "changed"
	// Unchanged: nothing new; no version written.
	Unchanged Outcome = "unchanged"
	// Suspect: PutChecked held the record back: it would lose information
	// the current version holds (PutResult.Losses). Nothing was stored but
	// the suspect capture.
	Suspect Outcome = "suspect"
)

// PutResult is what Put did.
type PutResult struct {
	Outcome Outcome
	// Version is the current version after the Put.
	Version int
	// Changed lists the JSON names of the top-level record fields that
	// changed, in record order (a nested object counts as its top-level
	// field: "addressee", "acts"). Empty for new and unchanged records.
	Changed []string
	// From and To are the status before and after; From is empty for a new
	// question.
	From, To parlq.Status
	// Stale is set when the capture was fetched before the current version:
	// an old page replayed (reparse, a retry after a crash) says nothing
	// newer, so nothing was written and Outcome is Unchanged.
	Stale bool
	// Losses says what a Suspect record would have lost.
	Losses []parlq.Loss
	// Relinked lists the other questions whose current record named this
	// one by a related-question reference (parlq.RelatedRef) and now names
	// it by its id: their records were updated in place (a reference
	// resolved is no new version), and an index must take them again.
	Relinked []string
}

// Check says how PutChecked records a capture it holds back.
type Check struct {
	// RunID is the run the suspect capture is recorded under (0: none, a
	// reparse).
	RunID int64
	// URL is the capture's canonical fetch URL (default the record's).
	URL string
	// Listing, when set, is what a list told of the question: a first
	// reading of a question (nothing stored yet) is held back when its
	// texts or status are worse than what the list shows (a text the list
	// shows, read blank; a question the list shows answered, read
	// pending). The rest of a listing is too partial to compare.
	Listing *parlq.Question
}

// listingLosses are the losses of a first reading against its listing:
// texts and status only.
func listingLosses(listing, q *parlq.Question) []parlq.Loss {
	var out []parlq.Loss
	for _, l := range parlq.Worse(listing, q) {
		switch l.Field {
		case "question", "answer", "status":
			out = append(out, l)
		}
	}
	return out
}

// putOptions say how put treats a record beyond Put's rules.
type putOptions struct {
	// guard holds back a record that would lose information (PutChecked).
	guard bool
	Check
	// accepted records an "accepted" event with the version, naming the
	// fields the suspect capture acceptID lost (Accept).
	accepted []string
	acceptID string
}

// Put stores q as parsed from the capture cp, fetched at fetchedAt.
//
// It compares q's content (every field except version, fetched_at, capture
// and parser_version) with the current record and writes a new version only
// when something changed, in one transaction: the version (full record JSON,
// the changed field names, the capture, the parser version), the current row,
// a status event when the status changed, and the tracking row (status,
// answer date, last fetched and changed). The caller sets q.ParserVersion to
// the source's Version.
//
// Related-question references (parlq.RelatedRef) that name a stored
// question become its id, and references to q in other records become q's
// id (PutResult.Relinked). A capture stored, changed or not, clears the
// question's open suspect fetched before it (the source mended).
//
// Put is idempotent: the same content again adds no version, and a capture
// fetched before the current version is ignored (see PutResult.Stale). An
// invalid record is refused with an error wrapping parlq.ErrInvalid.
//
// On success q carries the version, fetched_at, capture and parser_version
// of the stored current record, as Get would return it.
func (c *Catalog) Put(ctx context.Context, q *parlq.Question, cp parlq.Capture, fetchedAt time.Time) (PutResult, error) {
	return c.put(ctx, q, cp, fetchedAt, putOptions{})
}

// PutChecked is Put for a new reading of a question, as harvests and
// reparse make them: a record that would lose information the current
// version holds (parlq.Worse: a text gone blank, an answer gone, a status
// gone backwards …), or for a question not stored yet, that chk.Listing
// shows, is not stored. Its capture is recorded as the question's open
// suspect instead (see Check), superseding an earlier open one; the
// result is Suspect with the losses. The question's tracking row is left
// as it was, and the capture is never linked to a version, so it can vouch
// for nothing (no validators, no digest). An operator may Accept it.
func (c *Catalog) PutChecked(ctx context.Context, q *parlq.Question, cp parlq.Capture, fetchedAt time.Time, chk Check) (PutResult, error) {
	return c.put(ctx, q, cp, fetchedAt, putOptions{guard: true, Check: chk})
}

func (c *Catalog) put(ctx context.Context, q *parlq.Question, cp parlq.Capture, fetchedAt time.Time, o putOptions) (PutResult, error) {
	p, err := c.newPutOp(q, cp, fetchedAt, o)
	if err != nil {
		return PutResult{}, err
	}
	if err := c.write(ctx, func(tx *sql.Tx) error { return p.run(ctx, tx) }); err != nil {
		p.failed()
		return PutResult{}, fmt.Errorf("put %s: %w", q.ID, err)
	}
	return p.done(), nil
}

// PutItem is one record of PutBatch, as Put takes it.
type PutItem struct {
	Question  *parlq.Question
	Capture   parlq.Capture
	FetchedAt time.Time
}

// PutBatch stores records as Put does, all in one transaction: much
// faster than a Put each where many records are written at once (a bulk
// load: the search benchmark's data directory). Either every record is
// stored or, on an error, none is. The results are in the order of items.
func (c *Catalog) PutBatch(ctx context.Context, items []PutItem) ([]PutResult, error) {
	ops := make([]*putOp, len(items))
	for i, it := range items {
		p, err := c.newPutOp(it.Question, it.Capture, it.FetchedAt, putOptions{})
		if err != nil {
			return nil, err
		}
		ops[i] = p
	}
	err := c.write(ctx, func(tx *sql.Tx) error {
		for _, p := range ops {
			if err := p.run(ctx, tx); err != nil {
				return fmt.Errorf("put %s: %w", p.q.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		for _, p := range ops {
			p.failed()
		}
		return nil, err
	}
	out := make([]PutResult, len(ops))
	for i, p := range ops {
		out[i] = p.done()
	}
	return out, nil
}

// putOp is one record's Put: checked before the transaction, written in
// it (run, which may be retried from scratch), and reflected back into the
// caller's record after the commit (done) or restored (failed).
type putOp struct {
	c        *Catalog
	q        *parlq.Question
	cp       parlq.Capture
	at       time.Time
	o        putOptions
	original []string
	res      PutResult
	stored   parlq.Question
}

func (c *Catalog) newPutOp(q *parlq.Question, cp parlq.Capture, fetchedAt time.Time, o putOptions) (*putOp, error) {
	if q == nil {
		return nil, errors.New("put: nil question")
	}
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("put %s: %w", q.ID, err)
	}
	if fetchedAt.IsZero() {
		return nil, fmt.Errorf("put %s: no fetch time", q.ID)
	}
	return &putOp{c: c, q: q, cp: cp, at: stamp(fetchedAt), o: o, original: q.Related}, nil
}

// failed restores the caller's record after a failed transaction.
func (p *putOp) failed() { p.q.Related = p.original }

// done reflects the stored record into the caller's after the commit.
func (p *putOp) done() PutResult {
	q, res, stored := p.q, p.res, p.stored
	if res.Outcome == Suspect {
		return res
	}
	q.Version, q.FetchedAt, q.Capture, q.ParserVersion = stored.Version, stored.FetchedAt, stored.Capture, stored.ParserVersion
	if res.Stale {
		q.Related = p.original
	}
	return res
}

// run writes the record in tx (see Put).
func (p *putOp) run(ctx context.Context, tx *sql.Tx) error {
	c, q, cp, at, o := p.c, p.q, p.cp, p.at, p.o
	var capture *parlq.Capture
	if cp != (parlq.Capture{}) {
		capture = &cp
	}
	var res PutResult
	var stored parlq.Question
	defer func() { p.res, p.stored = res, stored }()
	q.Related = p.original
	var cur *parlq.Question
	var curRecord string
	err := tx.QueryRowContext(ctx, `SELECT record FROM questions WHERE id = ?`, q.ID).Scan(&curRecord)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		cur, err = decodeRecord(q.ID, curRecord)
		if err != nil {
			return err
		}
	}
	if cur != nil && at.Before(cur.FetchedAt) {
		res.From, res.To, res.Version = cur.Status, cur.Status, cur.Version
		res.Outcome, res.Stale = Unchanged, true
		stored = *cur
		return nil
	}
	unresolved, err := resolveRelated(ctx, tx, q)
	if err != nil {
		return err
	}
	content, err := contentJSON(q)
	if err != nil {
		return err
	}

	if cur != nil {
		res.From, res.To, res.Version = cur.Status, cur.Status, cur.Version
		curContent, err := contentJSON(cur)
		if err != nil {
			return err
		}
		if bytes.Equal(curContent, content) {
			res.Outcome = Unchanged
			stored = *cur
			if err := clearSuspects(ctx, tx, q.ID, at); err != nil {
				return err
			}
			return c.putTracking(ctx, tx, q, cp, at, false, cur.Version)
		}
		if o.guard {
			if res.Losses = parlq.Worse(cur, q); len(res.Losses) > 0 {
				res.Outcome = Suspect
				stored = *cur
				return addSuspect(ctx, tx, q, cp, at, o, cur.Version, res.Losses)
			}
		}
		res.Changed, err = changedFields(curContent, content)
		if err != nil {
			return err
		}
		res.Outcome = Changed
	} else {
		if o.guard && o.Listing != nil {
			if res.Losses = listingLosses(o.Listing, q); len(res.Losses) > 0 {
				res.Outcome = Suspect
				return addSuspect(ctx, tx, q, cp, at, o, 0, res.Losses)
			}
		}
		res.Outcome = New
	}

	stored = *q
	stored.Version = res.Version + 1
	stored.FetchedAt = at
	stored.Capture = capture
	res.Version, res.To = stored.Version, stored.Status
	record, err := json.Marshal(&stored)
	if err != nil {
		return err
	}
	changed, err := json.Marshal(append([]string{}, res.Changed...))
	if err != nil {
		return err
	}
	if err := upsertQuestion(ctx, tx, &stored, cp.RecordID, record); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO versions
		(question_id, version, status, changed, fetched_at, capture_record_id, parser_version, record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		stored.ID, stored.Version, stored.Status, string(changed), formatTime(at),
		nullString(cp.RecordID), nullString(stored.ParserVersion), string(record)); err != nil {
		return err
	}
	if res.Outcome == Changed && res.From != res.To {
		if err := addEvent(ctx, tx, &stored, "status", string(res.From), string(res.To), at); err != nil {
			return err
		}
	}
	if o.acceptID != "" {
		if err := addEvent(ctx, tx, &stored, "accepted", strings.Join(o.accepted, ","), "", at); err != nil {
			return err
		}
		if err := markAccepted(ctx, tx, o.acceptID); err != nil {
			return err
		}
	}
	if err := clearSuspects(ctx, tx, q.ID, at); err != nil {
		return err
	}
	if err := setRelatedRefs(ctx, tx, q.ID, unresolved); err != nil {
		return err
	}
	if res.Relinked, err = relink(ctx, tx, &stored); err != nil {
		return err
	}
	return c.putTracking(ctx, tx, q, cp, at, true, stored.Version)
}

// addEvent records something that happened to a question at its version.
func addEvent(ctx context.Context, tx *sql.Tx, q *parlq.Question, kind, from, to string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO events
		(source, question_id, version, kind, from_value, to_value, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		q.Source, q.ID, q.Version, kind, from, to, formatTime(at))
	return err
}

// Confirm records that the capture recordID, fetched at, reads into the
// question's current record (the crawler knows it from the capture's
// digest, without parsing it again): the capture is linked to the current
// version, the tracking row updated and an open suspect fetched before it
// cleared, as an unchanged Put would.
func (c *Catalog) Confirm(ctx context.Context, questionID, recordID string, at time.Time) error {
	err := c.write(ctx, func(tx *sql.Tx) error {
		var record string
		if err := tx.QueryRowContext(ctx, `SELECT record FROM questions WHERE id = ?`, questionID).Scan(&record); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: question %s", ErrNotFound, questionID)
			}
			return err
		}
		cur, err := decodeRecord(questionID, record)
		if err != nil {
			return err
		}
		if err := clearSuspects(ctx, tx, questionID, stamp(at)); err != nil {
			return err
		}
		return c.putTracking(ctx, tx, cur, parlq.Capture{RecordID: recordID}, stamp(at), false, cur.Version)
	})
	if err != nil {
		return fmt.Errorf("confirm %s: %w", questionID, err)
	}
	return nil
}

// putTracking updates the tracking row after a successful parse and links the
// capture to the version it yielded.
func (c *Catalog) putTracking(ctx context.Context, tx *sql.Tx, q *parlq.Question, cp parlq.Capture, at time.Time, changed bool, version int) error {
	url := cp.URL
	if url == "" {
		url = q.URL
	}
	var lastChanged any
	if changed {
		lastChanged = formatTime(at)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tracking
		(id, source, url, type, received, status, answered, last_fetched, last_changed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			type = excluded.type,
			received = coalesce(excluded.received, tracking.received),
			status = excluded.status,
			answered = excluded.answered,
			last_fetched = max(coalesce(tracking.last_fetched, ''), excluded.last_fetched),
			last_changed = coalesce(excluded.last_changed, tracking.last_changed),
			failures = 0,
			last_error = ''`,
		q.ID, q.Source, url, q.Type, nullString(q.Received), q.Status, nullString(q.Answered),
		formatTime(at), lastChanged); err != nil {
		return err
	}
	if cp.RecordID != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE captures SET question_version = ? WHERE record_id = ?`,
			version, cp.RecordID); err != nil {
			return err
		}
	}
	return nil
}

func upsertQuestion(ctx context.Context, tx *sql.Tx, q *parlq.Question, recordID string, record []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO questions
		(id, source, assembly, type, number, title, author, author_party, addressee, addressee_role,
		 legislature, session, received, published, answered, status, language, url,
		 question_text, answer_text, version, fetched_at, capture_record_id, parser_version, record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			source = excluded.source, assembly = excluded.assembly, type = excluded.type,
			number = excluded.number, title = excluded.title, author = excluded.author,
			author_party = excluded.author_party, addressee = excluded.addressee,
			addressee_role = excluded.addressee_role, legislature = excluded.legislature,
			session = excluded.session, received = excluded.received, published = excluded.published,
			answered = excluded.answered, status = excluded.status, language = excluded.language,
			url = excluded.url, question_text = excluded.question_text, answer_text = excluded.answer_text,
			version = excluded.version, fetched_at = excluded.fetched_at,
			capture_record_id = excluded.capture_record_id, parser_version = excluded.parser_version,
			record = excluded.record`,
		q.ID, q.Source, q.Assembly, q.Type, nullString(q.Number), q.Title,
		nullString(q.Author.Name), nullString(q.Author.Party), nullString(q.Addressee.Name), nullString(q.Addressee.Role),
		nullString(q.Legislature), nullString(q.Session), nullString(q.Received), nullString(q.Published),
		nullString(q.Answered), q.Status, q.Language, q.URL, nullString(q.Question), nullString(q.Answer),
		q.Version, formatTime(q.FetchedAt), nullString(recordID), nullString(q.ParserVersion), string(record))
	return err
}

// contentJSON is the part of a record whose change makes a new version: all
// but what the catalog sets.
func contentJSON(q *parlq.Question) ([]byte, error) {
	cq := *q
	cq.Version, cq.FetchedAt, cq.Capture, cq.ParserVersion = 0, time.Time{}, nil, ""
	return json.Marshal(&cq)
}

// changedFields compares two content JSON objects field by field.
func changedFields(old, new []byte) ([]string, error) {
	var a, b map[string]json.RawMessage
	if err := json.Unmarshal(old, &a); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(new, &b); err != nil {
		return nil, err
	}
	var changed []string
	seen := map[string]bool{}
	for _, name := range fieldOrder() {
		seen[name] = true
		if !bytes.Equal(a[name], b[name]) {
			changed = append(changed, name)
		}
	}
	// Fields the record type does not know (cannot happen with the same
	// binary, but the comparison must not hide them).
	for _, m := range []map[string]json.RawMessage{a, b} {
		for name := range m {
			if !seen[name] && !bytes.Equal(a[name], b[name]) {
				seen[name] = true
				changed = append(changed, name)
			}
		}
	}
	return changed, nil
}

// fieldOrder returns the JSON names of parlq.Question's fields in
// declaration order.
var fieldOrder = sync.OnceValue(func() []string {
	var names []string
	t := reflect.TypeFor[parlq.Question]()
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			name = t.Field(i).Name
		}
		names = append(names, name)
	}
	return names
})

// decodeRecord reads a stored record JSON.
func decodeRecord(id, record string) (*parlq.Question, error) {
	var q parlq.Question
	if err := json.Unmarshal([]byte(record), &q); err != nil {
		return nil, fmt.Errorf("%w: record %s: %v", ErrCorrupt, id, err)
	}
	if q.ID != id {
		return nil, fmt.Errorf("%w: record %s holds id %q", ErrCorrupt, id, q.ID)
	}
	return &q, nil
}

// Get returns the current record of question id, with version, fetched_at,
// capture and parser_version set; ErrNotFound if the catalog has none.
func (c *Catalog) Get(ctx context.Context, id string) (*parlq.Question, error) {
	var record string
	err := c.r.QueryRowContext(ctx, `SELECT record FROM questions WHERE id = ?`, id).Scan(&record)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
	}
	q, err := decodeRecord(id, record)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
	}
	return q, nil
}

// Version is one stored version of a question.
type Version struct {
	Version int
	Record  parlq.Question
	// Changed lists the fields that changed from the previous version.
	Changed []string
	// At is when the page this version was parsed from was fetched.
	At time.Time
}

// Versions returns every version of question id, oldest first; ErrNotFound
// if there is none.
func (c *Catalog) Versions(ctx context.Context, id string) ([]Version, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT version, changed, fetched_at, record FROM versions
		WHERE question_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", id, err)
	}
	defer rows.Close()
	var vs []Version
	for rows.Next() {
		var v Version
		var changed, record string
		var at sql.NullString
		if err := rows.Scan(&v.Version, &changed, &at, &record); err != nil {
			return nil, fmt.Errorf("versions of %s: %w", id, err)
		}
		q, err := decodeRecord(id, record)
		if err != nil {
			return nil, fmt.Errorf("versions of %s: version %d: %w", id, v.Version, err)
		}
		v.Record = *q
		if err := json.Unmarshal([]byte(changed), &v.Changed); err != nil {
			return nil, fmt.Errorf("versions of %s: version %d: %w: changed %q", id, v.Version, ErrCorrupt, changed)
		}
		if len(v.Changed) == 0 {
			v.Changed = nil
		}
		if v.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("versions of %s: %w", id, err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("versions of %s: %w", id, err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("versions of %s: %w", id, ErrNotFound)
	}
	return vs, nil
}

// Event is something that happened to a question between two versions (a
// question's first version makes none).
type Event struct {
	QuestionID string
	// Version is the version where the change was first seen.
	Version int
	// Kind is "status" (the only kind so far).
	Kind     string
	From, To string
	// At is when the page showing the change was fetched.
	At time.Time
}

// Events returns the events of source ("" = all) seen at or after since,
// oldest first.
func (c *Catalog) Events(ctx context.Context, source string, since time.Time) ([]Event, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT question_id, version, kind, from_value, to_value, at FROM events
		WHERE (? = '' OR source = ?) AND at >= ? ORDER BY at, id`,
		source, source, since.UTC().Format(timeLayout))
	if err != nil {
		return nil, fmt.Errorf("events of %q: %w", source, err)
	}
	defer rows.Close()
	var es []Event
	for rows.Next() {
		var e Event
		var at sql.NullString
		if err := rows.Scan(&e.QuestionID, &e.Version, &e.Kind, &e.From, &e.To, &at); err != nil {
			return nil, fmt.Errorf("events of %q: %w", source, err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("events of %q: %w", source, err)
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events of %q: %w", source, err)
	}
	return es, nil
}

// eachBatch is how many records Each reads per query.
const eachBatch = 256

// Each calls fn with the current record of every question of source ("" =
// all sources), by id. No query stays open while fn runs, so fn may write to
// the catalog. An error from fn stops the walk and is returned as is.
func (c *Catalog) Each(ctx context.Context, source string, fn func(*parlq.Question) error) error {
	last := ""
	for {
		rows, err := c.r.QueryContext(ctx, `SELECT id, record FROM questions
			WHERE (? = '' OR source = ?) AND id > ? ORDER BY id LIMIT ?`, source, source, last, eachBatch)
		if err != nil {
			return fmt.Errorf("records of %q: %w", source, err)
		}
		var batch []*parlq.Question
		for rows.Next() {
			var id, record string
			if err := rows.Scan(&id, &record); err != nil {
				rows.Close()
				return fmt.Errorf("records of %q: %w", source, err)
			}
			q, err := decodeRecord(id, record)
			if err != nil {
				rows.Close()
				return fmt.Errorf("records of %q: %w", source, err)
			}
			batch = append(batch, q)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("records of %q: %w", source, err)
		}
		for _, q := range batch {
			if err := fn(q); err != nil {
				return err
			}
		}
		if len(batch) < eachBatch {
			return nil
		}
		last = batch[len(batch)-1].ID
	}
}
