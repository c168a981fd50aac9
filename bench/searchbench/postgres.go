package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/parlq/parlq"
)

// postgresEngine is PostgreSQL full-text search: a tsvector column per
// stemmed language (title, question and answer of a record, the title with
// weight A), one unstemmed tsvector for phrases and unstemmed words, one for
// the addressee, each with a GIN index; ts_rank (title weight 1.5) for
// relevance, ts_headline for highlights, btree-indexed keyword columns for
// filters, facets (GROUP BY) and sorting. The server runs with
// plan_cache_mode = force_custom_plan (a generic plan makes phrase and
// concept queries ten times slower) and jit = off.
type postgresEngine struct {
	db *sql.DB
	an *analyzers
}

// pgTSColumns are the tsvector columns: one per stemmed language, then the
// unstemmed text fields, then the people groups of targets (the addressee,
// people, the author).
var pgTSColumns = []string{"tsv_en", "tsv_fr", "tsv_nl", "tsv_x", "tsv_addr", "tsv_people", "tsv_author"}

// pgSettings are set on the database, so every connection of the pool has them.
var pgSettings = map[string]string{
	"plan_cache_mode": "force_custom_plan",
	"jit":             "off",
}

func newPostgres(ctx context.Context, dsn string, an *analyzers) (*postgresEngine, error) {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: %v", errUnavailable, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: postgres at %q: %v (start one with bench/searchbench/postgres.sh, or pass -pg)", errUnavailable, dsn, err)
	}
	db.SetMaxOpenConns(4)
	return &postgresEngine{db: db, an: an}, nil
}

func (e *postgresEngine) name() string { return "postgres" }

func (e *postgresEngine) build(ctx context.Context, c corpus) error {
	var dbname string
	if err := e.db.QueryRowContext(ctx, `SELECT current_database()`).Scan(&dbname); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	for _, k := range slices.Sorted(mapsKeys(pgSettings)) {
		if _, err := e.db.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s SET %s = %s`,
			pq.QuoteIdentifier(dbname), k, pgSettings[k])); err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
	}
	// Connections opened before the ALTER keep the old settings.
	e.db.SetMaxIdleConns(0)
	e.db.SetMaxIdleConns(2)

	cols := append(append([]string{"id", "qid"}, keywordColumns...),
		"received", "answered", "record", "title", "question", "answer")
	cols = append(cols, pgTSColumns...)
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer tx.Rollback()
	// Created in the loading transaction: with wal_level = minimal (see
	// postgres.sh) the COPY then writes no WAL, as a bulk load should.
	ddl := []string{
		`DROP TABLE IF EXISTS docs`,
		`CREATE TABLE docs (id integer PRIMARY KEY, qid text NOT NULL, ` + strings.Join(keywordColumns, " text, ") +
			` text, received date, answered date, record text NOT NULL, title text, question text, answer text, ` +
			strings.Join(pgTSColumns, " tsvector, ") + ` tsvector)`,
	}
	for _, s := range ddl {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("docs", cols...))
	if err != nil {
		return fmt.Errorf("postgres: copy: %w", err)
	}
	err = c.each(func(n int, q *parlq.Question) error {
		rec, err := json.Marshal(q)
		if err != nil {
			return err
		}
		row := append(append([]any{n, q.ID}, keywordValues(q)...),
			q.Received, nullable(q.Answered), string(rec), q.Title, nullable(q.Question), nullable(q.Answer))
		stems := e.an.stemmed(q)
		for _, l := range stemLangs {
			if l == q.Language && stems != nil {
				row = append(row, tsvector(stems...))
			} else {
				row = append(row, nil)
			}
		}
		var exact [][]term
		for _, t := range texts(q) {
			exact = append(exact, analyze(e.an.exact, t))
		}
		row = append(row, tsvector(exact...), tsvector(nil, analyze(e.an.exact, addresseeText(q))),
			tsvector(nil, analyze(e.an.exact, peopleText(q))), tsvector(nil, analyze(e.an.exact, authorText(q))))
		_, err = stmt.ExecContext(ctx, row...)
		return err
	})
	if err == nil {
		_, err = stmt.ExecContext(ctx)
	}
	if cerr := stmt.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("postgres: load: %w", err)
	}
	post := []string{`CREATE INDEX docs_source ON docs (source)`, `CREATE INDEX docs_status ON docs (status)`,
		`CREATE INDEX docs_year ON docs (year)`, `CREATE INDEX docs_addressee ON docs (addressee)`,
		`CREATE INDEX docs_received ON docs (received)`}
	for _, c := range pgTSColumns {
		post = append(post, fmt.Sprintf(`CREATE INDEX docs_%s ON docs USING gin (%s)`, c, c))
	}
	post = append(post, `VACUUM ANALYZE docs`)
	for _, s := range post {
		if _, err := e.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("postgres: %s: %w", s, err)
		}
	}
	return nil
}

// settings reports the server's version and the settings the benchmark
// relies on, as a connection of the pool sees them.
func (e *postgresEngine) settings(ctx context.Context) (string, error) {
	var v string
	if err := e.db.QueryRowContext(ctx, `SHOW server_version`).Scan(&v); err != nil {
		return "", err
	}
	out := []string{"PostgreSQL " + v}
	for _, k := range []string{"plan_cache_mode", "jit", "shared_buffers", "work_mem"} {
		var s string
		if err := e.db.QueryRowContext(ctx, `SHOW `+k).Scan(&s); err != nil {
			return "", err
		}
		out = append(out, k+"="+s)
	}
	return strings.Join(out, ", "), nil
}

func (e *postgresEngine) size(ctx context.Context) (int64, error) {
	var n int64
	err := e.db.QueryRowContext(ctx, `SELECT pg_total_relation_size('docs')`).Scan(&n)
	return n, err
}

// ts_rank weights, in the order {D, C, B, A}: the title (A) counts 1.5.
const pgWeights = `'{0.1, 0.1, 0.1, 0.15}'`

func (e *postgresEngine) search(ctx context.Context, q *prepared) (result, error) {
	a := &sqlArgs{numbered: true}
	s := searchSQL{from: "FROM docs d", score: "0", scoreOrder: "DESC", dateCast: "::date"}
	if len(q.in.all) > 0 {
		pred, rank, ok := e.predicate(q.in, a)
		if !ok {
			return emptyResult(q), nil
		}
		s.where, s.score = []string{pred}, rank
	}
	r, page, err := s.run(ctx, e.db, q, a)
	if err != nil {
		return r, fmt.Errorf("postgres: %w", err)
	}
	if len(page) == 0 {
		return r, nil
	}
	a = &sqlArgs{numbered: true}
	ids := placeholders(a, page)
	cols := `'', '', ''`
	if words := highlightWords(q.in); q.Highlight && len(words) > 0 {
		hq := a.add(strings.Join(words, " | "))
		hl := func(f string) string {
			return fmt.Sprintf(`ts_headline('simple', coalesce(d.%s, ''), to_tsquery('simple', %s), 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=2')`, f, hq)
		}
		cols = hl("title") + ", " + hl("question") + ", " + hl("answer")
	}
	rows, err := e.db.QueryContext(ctx, `SELECT d.record, `+cols+` FROM docs d WHERE d.id IN (`+ids+`)`, a.args...)
	if err != nil {
		return r, fmt.Errorf("postgres: page: %w", err)
	}
	if err := readPage(rows, &r); err != nil {
		return r, fmt.Errorf("postgres: page: %w", err)
	}
	return r, nil
}

// highlightWords are the words ts_headline marks: every word of the query's
// leaves, as PostgreSQL's parser splits them.
func highlightWords(in interpretation) []string {
	var out []string
	for _, anyOf := range in.all {
		for _, l := range anyOf {
			if l.op == opNameWord || l.op == opNamePhrase {
				continue // the addressee is not in the highlighted texts
			}
			for _, w := range normWords(l.text) {
				if !slices.Contains(out, w) {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// predicate renders an interpretation as a WHERE condition over the
// tsvector columns, and a relevance expression: per column, ts_rank of the
// OR of every tsquery the condition tests on it.
func (e *postgresEngine) predicate(in interpretation, a *sqlArgs) (pred, rank string, ok bool) {
	perCol := map[string][]string{}
	var all []string
	for _, anyOf := range in.all {
		var alts []string
		for _, l := range anyOf {
			for _, cq := range e.leaf(l) {
				alts = append(alts, fmt.Sprintf("d.%s @@ %s::tsquery", cq.col, a.add(cq.q)))
				perCol[cq.col] = append(perCol[cq.col], cq.q)
			}
		}
		if len(alts) == 0 {
			return "", "", false
		}
		all = append(all, "("+strings.Join(alts, " OR ")+")")
	}
	var ranks []string
	for _, c := range pgTSColumns {
		if qs := perCol[c]; len(qs) > 0 {
			ranks = append(ranks, fmt.Sprintf("coalesce(ts_rank(%s, d.%s, %s::tsquery), 0)",
				pgWeights, c, a.add("("+strings.Join(qs, ") | (")+")")))
		}
	}
	return strings.Join(all, " AND "), strings.Join(ranks, " + "), true
}

// colQuery is a tsquery on one tsvector column.
type colQuery struct{ col, q string }

func tsJoin(ts []string, op string) string {
	q := make([]string, len(ts))
	for i, t := range ts {
		q[i] = tsQuote(t)
	}
	return strings.Join(q, op)
}

// leaf renders one leaf as tsqueries, any of which matches.
func (e *postgresEngine) leaf(l leaf) []colQuery {
	var out []colQuery
	for _, t := range e.an.targets(l) {
		op := " & "
		if t.phrase {
			op = " <-> "
		}
		col := "tsv_" + t.group
		if t.group == "addressee" {
			col = "tsv_addr"
		}
		out = append(out, colQuery{col, tsJoin(t.terms, op)})
	}
	return out
}

func (e *postgresEngine) close() error { return e.db.Close() }
