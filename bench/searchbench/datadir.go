package main

import (
	"context"
	"fmt"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/dataset"
)

// dataBatch is how many records one catalog transaction stores.
const dataBatch = 2000

// writeDataDir writes the corpus into a parlq data directory through the
// engine that owns it (package dataset): every record stored in the catalog
// as a harvest stores it (a first version, fetched at a fixed time, with no
// archived capture; catalog.PutBatch, dataBatch records a transaction),
// then the index rebuilt from the catalog as `parlq reindex` does. `parlq
// serve --data dir` then serves it.
func writeDataDir(ctx context.Context, dir string, c corpus) (err error) {
	ds, err := dataset.Open(ctx, dir, dataset.Options{Command: "searchbench", Write: true, Index: true})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := ds.Close(); err == nil {
			err = cerr
		}
	}()
	cat := ds.Catalog()
	fetched := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var batch []catalog.PutItem
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := cat.PutBatch(ctx, batch)
		batch = batch[:0]
		if err != nil {
			return fmt.Errorf("catalog: %w", err)
		}
		return nil
	}
	err = c.each(func(_ int, q *parlq.Question) error {
		q.ParserVersion = "searchbench"
		batch = append(batch, catalog.PutItem{Question: q, FetchedAt: fetched})
		if len(batch) == dataBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	if _, err := ds.Reindex(ctx, ""); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}
