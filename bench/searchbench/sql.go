package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
)

// keywordColumns are the record's keyword fields, stored as columns of the
// docs table of both SQL engines: filters and facets read them.
var keywordColumns = []string{"source", "assembly", "legislature", "session", "status",
	"type", "language", "author", "addressee", "year"}

// keywordValues returns q's keyword fields in keywordColumns' order, as the
// index stores them.
func keywordValues(q *parlq.Question) []any {
	year := ""
	if len(q.Received) >= 4 {
		year = q.Received[:4]
	}
	return []any{q.Source, q.Assembly, q.Legislature, q.Session, string(q.Status),
		string(q.Type), q.Language, q.Author.Name, q.Addressee.Name, year}
}

// sqlArgs collects the arguments of a statement and writes their
// placeholders: ? for SQLite, $n for PostgreSQL.
type sqlArgs struct {
	numbered bool
	args     []any
}

func (a *sqlArgs) add(v any) string {
	a.args = append(a.args, v)
	if a.numbered {
		return "$" + strconv.Itoa(len(a.args))
	}
	return "?"
}

// searchSQL is what differs between the SQL engines in the one statement
// that finds, counts, facets and pages a query.
type searchSQL struct {
	from  string // FROM … (with the text match, if any), docs aliased d
	where []string
	score string // an expression; the best first under scoreOrder
	// scoreOrder is "ASC" (SQLite's bm25) or "DESC" (PostgreSQL's ts_rank).
	scoreOrder string
	dateCast   string // "" or "::date"
}

// statement builds the statement for q: its rows are, in order, the page
// (kind 0: qid, id), the total (kind 1) and the terms of each facet (kind
// 2+i: value, count). The matches are materialized once and every part is
// read from them, as a careful SQL user would write it.
func (s searchSQL) statement(q *prepared, a *sqlArgs) (string, error) {
	where := append([]string(nil), s.where...)
	for _, k := range sortedFilterKeys(q.Filters) {
		if !slices.Contains(keywordColumns, k) {
			return "", fmt.Errorf("unknown filter %q", k)
		}
		var ph []string
		for _, v := range q.Filters[k] {
			ph = append(ph, a.add(v))
		}
		where = append(where, fmt.Sprintf("d.%s IN (%s)", k, strings.Join(ph, ", ")))
	}
	if q.Received.From != "" {
		where = append(where, "d.received >= "+a.add(q.Received.From)+s.dateCast)
	}
	if q.Received.To != "" {
		where = append(where, "d.received <= "+a.add(q.Received.To)+s.dateCast)
	}
	if len(where) == 0 {
		where = append(where, "1 = 1")
	}
	cols := []string{"d.id", "d.qid", "d.received", s.score + " AS score"}
	for _, f := range q.Facets {
		if !slices.Contains(keywordColumns, f) {
			return "", fmt.Errorf("unknown facet %q", f)
		}
		cols = append(cols, "d."+f)
	}
	order := "score " + s.scoreOrder + ", qid"
	switch q.Sort {
	case "", "relevance":
	case "-received":
		order = "received DESC, qid"
	case "received":
		order = "received, qid"
	default:
		return "", fmt.Errorf("sort %q is not in the benchmark's SQL", q.Sort)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "WITH m AS MATERIALIZED (SELECT %s %s WHERE %s)\n",
		strings.Join(cols, ", "), s.from, strings.Join(where, " AND "))
	fmt.Fprintf(&b, "SELECT 0 AS kind, qid AS v, id AS n FROM (SELECT id, qid FROM m ORDER BY %s LIMIT %d OFFSET %d) p\n",
		order, q.Size, (q.Page-1)*q.Size)
	b.WriteString("UNION ALL SELECT 1, NULL, count(*) FROM m\n")
	for i, f := range q.Facets {
		// As the index gives them: the ten terms counted most, by count
		// then term; every year, the latest first.
		order, limit := "n DESC, v", fmt.Sprintf(" LIMIT %d", index.DefaultFacetSize)
		if f == "year" {
			order, limit = "v DESC", ""
		}
		fmt.Fprintf(&b, "UNION ALL SELECT %d, v, n FROM (SELECT %s AS v, count(*) AS n FROM m WHERE %s <> '' GROUP BY %s ORDER BY %s%s) f%d\n",
			2+i, f, f, f, order, limit, i)
	}
	return b.String(), nil
}

// run builds and runs the statement for q and reads its rows: the result,
// and the page's row ids in order.
func (s searchSQL) run(ctx context.Context, db *sql.DB, q *prepared, a *sqlArgs) (result, []int64, error) {
	r := emptyResult(q)
	stmt, err := s.statement(q, a)
	if err != nil {
		return r, nil, err
	}
	rows, err := db.QueryContext(ctx, stmt, a.args...)
	if err != nil {
		return r, nil, fmt.Errorf("%s: %w", q, err)
	}
	defer rows.Close()
	var page []int64
	for rows.Next() {
		var kind int
		var v sql.NullString
		var n int64
		if err := rows.Scan(&kind, &v, &n); err != nil {
			return r, nil, err
		}
		switch {
		case kind == 0:
			r.ids = append(r.ids, v.String)
			page = append(page, n)
		case kind == 1:
			r.total = int(n)
		default:
			f := q.Facets[kind-2]
			r.facets[f] = append(r.facets[f], index.FacetTerm{Term: v.String, Count: int(n)})
		}
	}
	return r, page, rows.Err()
}

func sortedFilterKeys(m map[string][]string) []string {
	return slices.Sorted(mapsKeys(m))
}

// placeholders adds the row ids as arguments and returns their placeholders.
func placeholders(a *sqlArgs, ids []int64) string {
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = a.add(id)
	}
	return strings.Join(ph, ", ")
}
