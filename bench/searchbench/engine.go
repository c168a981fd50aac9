package main

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/index/indextest"
)

// engine is one search engine under test.
type engine interface {
	// name is the engine's name in flags and reports.
	name() string
	// build loads the corpus (streamed: no engine holds it in memory).
	build(ctx context.Context, c corpus) error
	// size is the engine's data on disk, in bytes.
	size(ctx context.Context) (int64, error)
	// search answers one query.
	search(ctx context.Context, q *prepared) (result, error)
	close() error
}

// errUnavailable marks an engine that cannot run here (no server); the
// benchmark goes on without it.
var errUnavailable = errors.New("engine unavailable")

// prepared is a query with its interpretation for the SQL engines.
type prepared struct {
	Query
	in interpretation
}

// result is what an engine found: enough to check that the engines agree.
type result struct {
	total    int
	ids      []string
	facets   map[string][]index.FacetTerm
	snippets int // highlighted fragments returned
}

// corpus is the generated corpus, made anew for each pass over it: the
// same seed gives the same records, so nothing holds a million in memory.
type corpus struct {
	seed uint64
	docs int
}

// each calls fn with every record, numbered from 1.
func (c corpus) each(fn func(n int, q *parlq.Question) error) error {
	g := indextest.NewGenerator(c.seed)
	for n := 1; n <= c.docs; n++ {
		if err := fn(n, g.Next()); err != nil {
			return err
		}
	}
	return nil
}

// sources lists the corpus's source names, in order of appearance.
func (c corpus) sources() ([]string, error) {
	var out []string
	seen := map[string]bool{}
	err := c.each(func(_ int, q *parlq.Question) error {
		if !seen[q.Source] {
			seen[q.Source] = true
			out = append(out, q.Source)
		}
		return nil
	})
	return out, err
}

// dirSize adds up the sizes of the files under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n += info.Size()
		return nil
	})
	return n, err
}

// emptyResult is the answer to a query that matches nothing: no hits, and
// every facet asked for, empty.
func emptyResult(q *prepared) result {
	r := result{}
	if len(q.Facets) > 0 {
		r.facets = map[string][]index.FacetTerm{}
		for _, f := range q.Facets {
			r.facets[f] = []index.FacetTerm{}
		}
	}
	return r
}
