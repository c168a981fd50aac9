package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/index"
)

// writeDataDir writes the corpus into a parlq data directory laid out as
// cmd/parlq lays it out (catalog.db and index/ under dir): every record
// stored in the catalog as a harvest stores it (a first version, fetched at
// a fixed time, with no archived capture), then each source's index rebuilt
// from the catalog as `parlq reindex` does. `parlq serve --data dir` then
// serves it. This is the one place that knows the layout: when the data
// directory's logic leaves cmd/parlq for a package of its own, switch this
// function to it.
func writeDataDir(ctx context.Context, dir string, c corpus) (err error) {
	cat, err := catalog.Open(ctx, filepath.Join(dir, "catalog.db"))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := cat.Close(); err == nil {
			err = cerr
		}
	}()
	fetched := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = c.each(func(_ int, q *parlq.Question) error {
		q.ParserVersion = "searchbench"
		if _, err := cat.Put(ctx, q, parlq.Capture{}, fetched); err != nil {
			return fmt.Errorf("catalog: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	ix, err := index.Open(filepath.Join(dir, "index"), index.DefaultOptions())
	if err != nil {
		return err
	}
	sources, err := cat.Sources(ctx)
	if err != nil {
		ix.Close()
		return err
	}
	for _, src := range sources {
		_, err := ix.Rebuild(ctx, src, func(yield func(*parlq.Question) error) error {
			return cat.Each(ctx, src, yield)
		})
		if err != nil {
			ix.Close()
			return fmt.Errorf("index: %w", err)
		}
	}
	return ix.Close()
}
