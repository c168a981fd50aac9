package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
)

// parlqEngine is parlq's own index, through its public API only: the
// benchmark measures whatever index.Search does, before and after a
// redesign, with no change here beyond Query.Request.
type parlqEngine struct {
	dir string
	ix  *index.Index
}

func newParlq(dir string) (*parlqEngine, error) {
	dir = filepath.Join(dir, "parlq")
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		return nil, fmt.Errorf("parlq: %w", err)
	}
	return &parlqEngine{dir: dir, ix: ix}, nil
}

func (e *parlqEngine) name() string { return "parlq" }

// build rebuilds each source's index as `parlq reindex` does (bulk batches,
// then one merged segment), reading the corpus once per source.
func (e *parlqEngine) build(ctx context.Context, c corpus) error {
	sources, err := c.sources()
	if err != nil {
		return err
	}
	for _, src := range sources {
		_, err := e.ix.Rebuild(ctx, src, func(yield func(*parlq.Question) error) error {
			return c.each(func(_ int, q *parlq.Question) error {
				if q.Source != src {
					return nil
				}
				return yield(q)
			})
		})
		if err != nil {
			return fmt.Errorf("parlq: %w", err)
		}
	}
	return nil
}

func (e *parlqEngine) size(context.Context) (int64, error) { return dirSize(e.dir) }

func (e *parlqEngine) search(ctx context.Context, q *prepared) (result, error) {
	res, err := e.ix.Search(ctx, q.Request())
	if err != nil {
		return result{}, fmt.Errorf("parlq: %w", err)
	}
	r := result{total: int(res.Total), facets: res.Facets}
	for _, h := range res.Hits {
		r.ids = append(r.ids, h.ID)
		for _, fs := range h.Highlights {
			r.snippets += len(fs)
		}
	}
	if err := checkConcepts(q, res.Concepts); err != nil {
		return r, err
	}
	return r, nil
}

func (e *parlqEngine) close() error { return e.ix.Close() }
