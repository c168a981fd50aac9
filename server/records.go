package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/stats"
)

// Statistics read every record a search selects. Reading them from the index
// (index.All) costs a stored-document load and a JSON decode per hit, and
// its search_after paging grows with the square of the hits: at 100,000
// records a statistic over everything took tens of seconds (BENCHMARKS.md).
// So the server keeps every record of the catalog digested for the
// statistics (stats.Entry, with the fields the search filters read) in a
// table, and counts a search without query text — filters and date ranges
// only, as on person pages and in most statistics — by scanning the table.
// A search with query text still reads its hits from the index.
//
// The table is built from the catalog on first use, again as soon as a
// harvest this server runs ends (only the server writes its data directory
// while it runs), and, while a harvest runs, when it is older than
// tableMaxAge.

// tableMaxAge bounds how stale the table gets while a harvest runs.
const tableMaxAge = 2 * time.Minute

// tableRow is one record in the table.
type tableRow struct {
	entry stats.Entry
	// The filterable fields, as the index has them (index.Filters).
	author, session, typ, language, status, year string
	// received and answered, when they are dates, for date ranges.
	received, answered string
}

// rowFields reads a filter's field off a row; a filter without one here
// sends the search to the index.
var rowFields = map[string]func(*tableRow) string{
	"source":      func(r *tableRow) string { return r.entry.Source },
	"assembly":    func(r *tableRow) string { return r.entry.Assembly },
	"legislature": func(r *tableRow) string { return r.entry.Legislature },
	"session":     func(r *tableRow) string { return r.session },
	"status":      func(r *tableRow) string { return r.status },
	"type":        func(r *tableRow) string { return r.typ },
	"language":    func(r *tableRow) string { return r.language },
	"author":      func(r *tableRow) string { return r.author },
	"addressee":   func(r *tableRow) string { return r.entry.Minister },
	"year":        func(r *tableRow) string { return r.year },
}

// recordTable is the digested catalog. Its zero value is empty and stale.
type recordTable struct {
	mu       sync.Mutex
	rows     []tableRow
	built    time.Time
	gen      uint64        // the data generation the rows were built at
	valid    bool          // rows were built (and not failed)
	gens     uint64        // the current data generation
	building chan struct{} // closed when the build in progress ends
	buildErr error
}

// dataChanged says the data changed (a harvest ended): a table in use is
// rebuilt at once, in the background, and meanwhile served as it was.
func (s *Server) dataChanged() {
	t := &s.table
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gens++
	if t.valid && t.building == nil {
		s.startBuild()
	}
}

// startBuild starts building the table for the current generation, unless
// the server is closing; t.mu is held.
func (s *Server) startBuild() {
	t := &s.table
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.wg.Add(1) // Close waits for the build
	t.building = make(chan struct{})
	go func(gen uint64, done chan struct{}) {
		defer s.wg.Done()
		s.buildTable(gen, done)
	}(t.gens, t.building)
}

// tableRows returns the table, building it first when it is stale.
// Concurrent callers share one build, which runs under the server's
// lifetime context (a request that gives up waiting does not waste it).
func (s *Server) tableRows(ctx context.Context) ([]tableRow, error) {
	t := &s.table
	for {
		t.mu.Lock()
		fresh := t.valid && t.gen == t.gens && (!s.running.Load() || time.Since(t.built) < tableMaxAge)
		if fresh {
			rows := t.rows
			t.mu.Unlock()
			return rows, nil
		}
		if t.building == nil {
			s.startBuild()
		}
		wait := t.building
		t.mu.Unlock()
		if wait == nil {
			return nil, errClosed
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wait:
		}
		t.mu.Lock()
		err := t.buildErr
		t.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
}

// buildTable reads every record of the catalog into the table.
func (s *Server) buildTable(gen uint64, done chan struct{}) {
	t := &s.table
	start := time.Now()
	var rows []tableRow
	if st, err := s.cat.Stats(s.ctx, ""); err == nil {
		rows = make([]tableRow, 0, st.Records)
	}
	strs := map[string]string{}
	intern := func(v string) string {
		if v == "" {
			return ""
		}
		if x, ok := strs[v]; ok {
			return x
		}
		strs[v] = v
		return v
	}
	err := s.cat.Each(s.ctx, "", func(q *parlq.Question) error {
		e := stats.Digest(q)
		for _, p := range []*string{&e.Source, &e.Parliament, &e.Assembly, &e.Legislature, &e.Party, &e.Minister, &e.Body} {
			*p = intern(*p)
		}
		r := tableRow{
			entry: e, author: intern(q.Author.Name), session: intern(q.Session), typ: intern(string(q.Type)),
			language: intern(q.Language), status: intern(string(q.Status)),
		}
		if d, err := time.Parse(parlq.DateLayout, q.Received); err == nil {
			r.received, r.year = intern(q.Received), intern(strconv.Itoa(d.Year()))
		}
		if _, err := time.Parse(parlq.DateLayout, q.Answered); err == nil {
			r.answered = intern(q.Answered)
		}
		rows = append(rows, r)
		return nil
	})
	t.mu.Lock()
	defer t.mu.Unlock()
	t.building, t.buildErr = nil, nil
	if err != nil {
		t.buildErr = fmt.Errorf("statistics table: %w", err)
		s.log.Error("statistics table", "err", err)
	} else {
		t.rows, t.gen, t.built, t.valid = rows, gen, time.Now(), true
		s.log.Debug("statistics table built", "records", len(rows), "took", time.Since(start))
	}
	close(done)
}

// tableFilter is a search without query text, compiled for the table.
type tableFilter struct {
	fields []func(*tableRow) string
	values []map[string]bool
	// Date ranges, "YYYY-MM-DD", inclusive; empty bounds are open.
	recvFrom, recvTo, ansFrom, ansTo string
}

// compileFilter compiles req for the table; ok is false when the table
// cannot answer it (query text, or a filter it does not know), and a
// malformed date range is an *index.QueryError as from the index.
func compileFilter(req index.Request) (f *tableFilter, ok bool, err error) {
	if strings.TrimSpace(req.Query) != "" {
		return nil, false, nil
	}
	f = &tableFilter{}
	for name, vals := range req.Filters {
		get, known := rowFields[name]
		if !known {
			return nil, false, nil
		}
		// As the index: a value matches as given, in lower and in upper case.
		set := map[string]bool{}
		for _, v := range vals {
			if v != "" {
				set[v], set[strings.ToLower(v)], set[strings.ToUpper(v)] = true, true, true
			}
		}
		if len(set) > 0 {
			f.fields, f.values = append(f.fields, get), append(f.values, set)
		}
	}
	for _, r := range []struct {
		name     string
		dr       index.DateRange
		from, to *string
	}{
		{"received", req.Received, &f.recvFrom, &f.recvTo},
		{"answered", req.Answered, &f.ansFrom, &f.ansTo},
	} {
		for _, b := range []struct {
			which, v string
			dst      *string
		}{{"from", r.dr.From, r.from}, {"to", r.dr.To, r.to}} {
			if b.v == "" {
				continue
			}
			if _, err := time.Parse(parlq.DateLayout, b.v); err != nil {
				return nil, false, &index.QueryError{Field: r.name, Msg: fmt.Sprintf("%s %q is not a date YYYY-MM-DD", b.which, b.v)}
			}
			*b.dst = b.v
		}
		if *r.from != "" && *r.to != "" && *r.to < *r.from {
			return nil, false, &index.QueryError{Field: r.name, Msg: fmt.Sprintf("to %s is before from %s", *r.to, *r.from)}
		}
	}
	return f, true, nil
}

// match reports whether a row passes the filter.
func (f *tableFilter) match(r *tableRow) bool {
	for i, get := range f.fields {
		if !f.values[i][get(r)] {
			return false
		}
	}
	return inRange(r.received, f.recvFrom, f.recvTo) && inRange(r.answered, f.ansFrom, f.ansTo)
}

// inRange reports whether date d is within [from, to]; with a bound set, an
// unknown date is not.
func inRange(d, from, to string) bool {
	if from == "" && to == "" {
		return true
	}
	return d != "" && (from == "" || d >= from) && (to == "" || d <= to)
}
