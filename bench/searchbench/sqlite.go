package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	_ "modernc.org/sqlite" // the project's pure-Go SQLite, with FTS5

	"github.com/parlq/parlq"
)

// sqliteEngine is SQLite FTS5 through the pure-Go driver parlq's catalog
// uses: one FTS5 table with parlq's fields as columns (the unstemmed and
// the stemmed terms of each language, people), bm25 ranking (title
// columns weighted 1.5, as parlq boosts titles), snippet() for highlights,
// and a docs table whose keyword fields are indexed columns for filters,
// facets (GROUP BY) and sorting.
type sqliteEngine struct {
	path string
	db   *sql.DB
	an   *analyzers
}

// ftsColumns are the FTS5 table's columns: unstemmed text fields first (the
// snippet columns 0–2), then the stemmed fields of each language, then the
// people columns: the addressee (name, role, body), people (the asker's
// name, the addressee's name and body) and the author (name, party).
var ftsColumns = func() []string {
	cols := []string{"title_x", "question_x", "answer_x"}
	for _, l := range stemLangs {
		for _, f := range textFields {
			cols = append(cols, f+"_"+l)
		}
	}
	return append(cols, personColumns...)
}()

// personColumns are the FTS5 columns of the people groups of targets.
var personColumns = []string{"addressee_x", "people_x", "author_x"}

// The unicode61 tokenizer without diacritics folding and with the
// apostrophe inside words splits text as Bleve's Unicode tokenizer does
// ("l'air" is one token, "dix-neuf" two), lower case included.
const ftsTokenizer = `unicode61 remove_diacritics 0 tokenchars ''''`

func newSQLite(dir string, an *analyzers) (*sqliteEngine, error) {
	path := filepath.Join(dir, "sqlite", "fts.db")
	if err := os.RemoveAll(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=temp_store(MEMORY)" +
		"&_pragma=cache_size(-262144)&_pragma=mmap_size(4294967296)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	return &sqliteEngine{path: path, db: db, an: an}, nil
}

func (e *sqliteEngine) name() string { return "sqlite" }

func (e *sqliteEngine) build(ctx context.Context, c corpus) error {
	ddl := []string{
		`CREATE TABLE docs (id INTEGER PRIMARY KEY, qid TEXT NOT NULL, ` + strings.Join(keywordColumns, " TEXT, ") +
			` TEXT, received TEXT, answered TEXT, record TEXT NOT NULL)`,
		`CREATE VIRTUAL TABLE fts USING fts5(` + strings.Join(ftsColumns, ", ") + `, tokenize="` + ftsTokenizer + `")`,
	}
	for _, s := range ddl {
		if _, err := e.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
	}
	docCols := append(append([]string{"id", "qid"}, keywordColumns...), "received", "answered", "record")
	insDoc := `INSERT INTO docs (` + strings.Join(docCols, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(docCols)-1) + `)`
	insFTS := `INSERT INTO fts (rowid, ` + strings.Join(ftsColumns, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(ftsColumns)) + `)`
	var tx *sql.Tx
	var sDoc, sFTS *sql.Stmt
	commit := func() error {
		if tx == nil {
			return nil
		}
		err := tx.Commit()
		tx = nil
		return err
	}
	err := c.each(func(n int, q *parlq.Question) error {
		if tx == nil {
			var err error
			if tx, err = e.db.BeginTx(ctx, nil); err != nil {
				return err
			}
			if sDoc, err = tx.PrepareContext(ctx, insDoc); err != nil {
				return err
			}
			if sFTS, err = tx.PrepareContext(ctx, insFTS); err != nil {
				return err
			}
		}
		rec, err := json.Marshal(q)
		if err != nil {
			return err
		}
		args := append(append([]any{n, q.ID}, keywordValues(q)...), q.Received, nullable(q.Answered), string(rec))
		if _, err := sDoc.ExecContext(ctx, args...); err != nil {
			return err
		}
		// Unstemmed columns hold the index's folded terms: the unicode61
		// tokenizer folds accents, but not as the index does (œ, ß, ’).
		fargs := []any{n}
		for _, t := range texts(q) {
			fargs = append(fargs, joinTerms(analyze(e.an.exact, t)))
		}
		stems := e.an.stemmed(q)
		for _, l := range stemLangs {
			for i := range textFields {
				v := ""
				if l == q.Language && stems != nil {
					v = joinTerms(stems[i])
				}
				fargs = append(fargs, v)
			}
		}
		for _, t := range []string{addresseeText(q), peopleText(q), authorText(q)} {
			fargs = append(fargs, joinTerms(analyze(e.an.exact, t)))
		}
		if _, err := sFTS.ExecContext(ctx, fargs...); err != nil {
			return err
		}
		if n%2000 == 0 {
			return commit()
		}
		return nil
	})
	if err == nil {
		err = commit()
	} else if tx != nil {
		tx.Rollback()
	}
	if err != nil {
		return fmt.Errorf("sqlite: load: %w", err)
	}
	post := []string{
		`CREATE INDEX docs_source ON docs (source)`,
		`CREATE INDEX docs_status ON docs (status)`,
		`CREATE INDEX docs_year ON docs (year)`,
		`CREATE INDEX docs_addressee ON docs (addressee)`,
		`CREATE INDEX docs_received ON docs (received)`,
		`INSERT INTO fts (fts) VALUES ('optimize')`,
		`ANALYZE`,
		`PRAGMA wal_checkpoint(TRUNCATE)`,
	}
	for _, s := range post {
		if _, err := e.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("sqlite: %s: %w", s, err)
		}
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// joinTerms writes analysed terms as the text of a stemmed column.
func joinTerms(ts []term) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

func (e *sqliteEngine) size(context.Context) (int64, error) { return dirSize(filepath.Dir(e.path)) }

// bm25 weights: the title columns count 1.5, like parlq's title boost.
var ftsRank = func() string {
	var w []string
	for _, c := range ftsColumns {
		if strings.HasPrefix(c, "title_") {
			w = append(w, "1.5")
		} else {
			w = append(w, "1.0")
		}
	}
	return "bm25(fts, " + strings.Join(w, ", ") + ")"
}()

func (e *sqliteEngine) search(ctx context.Context, q *prepared) (result, error) {
	match, ok := e.match(q.in)
	if !ok {
		return emptyResult(q), nil
	}
	a := &sqlArgs{}
	s := searchSQL{from: "FROM docs d", score: "0", scoreOrder: "ASC"}
	if match != "" {
		s.from = "FROM fts JOIN docs d ON d.id = fts.rowid"
		s.where = []string{"fts MATCH " + a.add(match)}
		s.score = ftsRank
	}
	r, page, err := s.run(ctx, e.db, q, a)
	if err != nil {
		return r, fmt.Errorf("sqlite: %w", err)
	}
	if len(page) == 0 {
		return r, nil
	}
	// The page's records, and their snippets: computed for the page only,
	// one per record from the column FTS5 finds best (-1): a word found
	// stemmed only is marked in a stemmed column. Placeholders are
	// positional: the match comes first in both texts.
	a = &sqlArgs{}
	var rows *sql.Rows
	if q.Highlight && match != "" {
		snip := func(col int) string {
			return fmt.Sprintf(`snippet(fts, %d, '<mark>', '</mark>', '…', 16)`, col)
		}
		m := a.add(match)
		rows, err = e.db.QueryContext(ctx, `SELECT d.record, `+snip(-1)+`, '', ''`+
			` FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH `+m+` AND fts.rowid IN (`+placeholders(a, page)+`)`, a.args...)
	} else {
		rows, err = e.db.QueryContext(ctx, `SELECT d.record, '', '', '' FROM docs d WHERE d.id IN (`+placeholders(a, page)+`)`, a.args...)
	}
	if err != nil {
		return r, fmt.Errorf("sqlite: page: %w", err)
	}
	if err := readPage(rows, &r); err != nil {
		return r, fmt.Errorf("sqlite: page: %w", err)
	}
	return r, nil
}

// readPage decodes the page's records (as parlq decodes its stored ones)
// and counts the highlighted fragments.
func readPage(rows *sql.Rows, r *result) error {
	defer rows.Close()
	for rows.Next() {
		var rec string
		var snips [3]sql.NullString
		if err := rows.Scan(&rec, &snips[0], &snips[1], &snips[2]); err != nil {
			return err
		}
		var q parlq.Question
		if err := json.Unmarshal([]byte(rec), &q); err != nil {
			return fmt.Errorf("decode record: %w", err)
		}
		for _, s := range snips {
			if strings.Contains(s.String, "<mark>") {
				r.snippets++
			}
		}
	}
	return rows.Err()
}

// match renders an interpretation as an FTS5 query; "" matches every
// record, and ok is false when it can match none.
func (e *sqliteEngine) match(in interpretation) (string, bool) {
	var all []string
	for _, anyOf := range in.all {
		var alts []string
		for _, l := range anyOf {
			alts = append(alts, e.leaf(l)...)
		}
		if len(alts) == 0 {
			return "", false
		}
		all = append(all, "("+strings.Join(alts, " OR ")+")")
	}
	return strings.Join(all, " AND "), true
}

// ftsColumnSet is the FTS5 column filter of a target group.
func ftsColumnSet(group string) string {
	if c := group + "_x"; slices.Contains(personColumns, c) {
		return "{" + c + "}"
	}
	cs := make([]string, len(textFields))
	for i, f := range textFields {
		cs[i] = f + "_" + group
	}
	return "{" + strings.Join(cs, " ") + "}"
}

func ftsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// leaf renders one leaf as FTS5 alternatives (OR'ed by the caller): a
// phrase is one FTS5 string, which the table's tokenizer splits as the
// index does; other terms must all be there, in any order.
func (e *sqliteEngine) leaf(l leaf) []string {
	var out []string
	for _, t := range e.an.targets(l) {
		if t.phrase {
			out = append(out, ftsColumnSet(t.group)+" : "+ftsString(strings.Join(t.terms, " ")))
			continue
		}
		q := make([]string, len(t.terms))
		for i, term := range t.terms {
			q[i] = ftsString(term)
		}
		out = append(out, ftsColumnSet(t.group)+" : ("+strings.Join(q, " AND ")+")")
	}
	return out
}

func (e *sqliteEngine) close() error { return e.db.Close() }
