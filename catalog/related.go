package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"

	"github.com/parlq/parlq"
)

// Related questions: a source that names a grouped question only by its
// printed number and date (UK uins, reused across sessions) gives a
// parlq.RelatedRef, which reads as a citation but is no id. The catalog
// resolves it both ways, in the transaction that stores a version:
//   - a record's references that name a stored question become its id
//     (resolveRelated), the rest are remembered in related_refs;
//   - a question stored for the first time (or with a new number or date)
//     takes the place of the references to it in the records that hold
//     them (relink), updated in place: naming a question by its id is no
//     change of what the source said, so it makes no new version.
// Content comparison sees resolved records on both sides, so the same page
// read again is still unchanged.

// resolveRelated replaces q's references to stored questions by their ids
// and returns the references that name none.
func resolveRelated(ctx context.Context, tx *sql.Tx, q *parlq.Question) ([]string, error) {
	var unresolved []string
	var out []string
	changed := false
	for _, rel := range q.Related {
		source, assembly, number, received, ok := parlq.ParseRelatedRef(rel)
		if !ok {
			out = append(out, rel)
			continue
		}
		id := ""
		if received != "" {
			// The date makes a reused number unique; without it a number
			// alone could name a question of another session.
			ids, err := queryIDs(ctx, tx, `SELECT id FROM questions
				WHERE source = ? AND number = ? AND received = ? AND lower(assembly) = ? AND id != ? LIMIT 2`,
				source, number, received, strings.ToLower(assembly), q.ID)
			if err != nil {
				return nil, err
			}
			if len(ids) == 1 {
				id = ids[0]
			}
		}
		if id == "" {
			unresolved = append(unresolved, rel)
			id = rel
		} else {
			changed = true
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if changed {
		q.Related = out
	}
	return unresolved, nil
}

// setRelatedRefs remembers the references of a question's current record
// that name no stored question.
func setRelatedRefs(ctx context.Context, tx *sql.Tx, questionID string, refs []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM related_refs WHERE question_id = ?`, questionID); err != nil {
		return err
	}
	for _, ref := range refs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO related_refs (question_id, ref) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, questionID, ref); err != nil {
			return err
		}
	}
	return nil
}

// relink replaces the references to q in other current records by q's id,
// in place (the current row and its version), and returns their ids.
func relink(ctx context.Context, tx *sql.Tx, q *parlq.Question) ([]string, error) {
	if q.Number == "" || q.Received == "" {
		return nil, nil
	}
	ref := parlq.RelatedRef(q.Source, q.Assembly, q.Number, q.Received)
	ids, err := queryIDs(ctx, tx, `SELECT question_id FROM related_refs WHERE ref = ? AND question_id != ?`, ref, q.ID)
	if err != nil {
		return nil, err
	}
	var relinked []string
	for _, id := range ids {
		var record string
		if err := tx.QueryRowContext(ctx, `SELECT record FROM questions WHERE id = ?`, id).Scan(&record); err != nil {
			return nil, err
		}
		other, err := decodeRecord(id, record)
		if err != nil {
			return nil, err
		}
		var related []string
		for _, r := range other.Related {
			if r == ref {
				r = q.ID
			}
			if !slices.Contains(related, r) {
				related = append(related, r)
			}
		}
		other.Related = related
		b, err := json.Marshal(other)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE questions SET record = ? WHERE id = ?`, string(b), id); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE versions SET record = ? WHERE question_id = ? AND version = ?`,
			string(b), id, other.Version); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM related_refs WHERE question_id = ? AND ref = ?`, id, ref); err != nil {
			return nil, err
		}
		relinked = append(relinked, id)
	}
	return relinked, nil
}

// queryIDs returns the single text column of a query's rows.
func queryIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
