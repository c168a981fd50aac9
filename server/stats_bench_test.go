package server

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/index/indextest"
	"github.com/parlq/parlq/stats"
)

// The statistics benchmarks run on a data directory of -statsdocs records
// from the index's synthetic corpus (indextest, seed 1: four sources, skewed
// ministers and authors, ten years, 20 % open). The default suits CI; the
// documented run is at 100,000 records, building the directory once, then
// reading everything from the index (seconds per operation) a few times:
//
//	go test ./server -run '^$' -bench 'Stats/(table|index-query)' -benchtime 20x -statsdocs 100000 -statsdata /tmp/parlq-stats-100k -timeout 3h
//	go test ./server -run '^$' -bench 'Stats/index-all' -benchtime 3x -statsdocs 100000 -statsdata /tmp/parlq-stats-100k -timeout 3h
var (
	statsDocs = flag.Int("statsdocs", 2000, "records in the statistics benchmarks' data directory")
	statsData = flag.String("statsdata", "", "keep the statistics benchmarks' data directory here (built when absent) instead of a temporary one")
)

// statsBenchDataset opens (or builds) the benchmark data directory.
func statsBenchDataset(b *testing.B) *dataset.Dataset {
	ctx := context.Background()
	dir := *statsData
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "data")
	}
	_, err := os.Stat(filepath.Join(dir, dataset.CatalogFile))
	build := err != nil
	ds, err := dataset.Open(ctx, dir, dataset.Options{Command: "bench", Write: true, Index: true})
	if err != nil {
		b.Fatal(err)
	}
	if build {
		start := time.Now()
		g := indextest.NewGenerator(1)
		for i := range *statsDocs {
			q := g.Next()
			cp := parlq.Capture{RecordID: fmt.Sprintf("<urn:uuid:bench-%d>", i), URL: q.URL}
			if _, err := ds.Catalog().Put(ctx, q, cp, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := ds.Reindex(ctx, ""); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %d records in %v", *statsDocs, time.Since(start))
	}
	return ds
}

// BenchmarkStats measures GET /api/stats end to end (JSON included) at
// the size of -statsdocs, and reports latency percentiles:
//
//   - table-build: the first statistic after a start or a harvest, which
//     reads the whole catalog into the table;
//   - table-all, table-minister, table-person: searches without query text,
//     counted from the table (everything grouped six ways; one minister; a
//     person page's two statistics);
//   - index-query-minister: a query text, one minister, a date range (the
//     hits are read from the index);
//   - index-query: a query text alone (a concept matching a tenth of the
//     corpus);
//   - index-all: everything read from the index (index.All), the
//     alternative the table replaces, for comparison.
func BenchmarkStats(b *testing.B) {
	ds := statsBenchDataset(b)
	defer ds.Close()
	// A timeout long enough to measure the slowest way, not to cut it.
	cfg := DefaultConfig()
	cfg.RequestTimeout = time.Hour
	s := New(cfg, ds)
	defer s.Close()
	h := s.Handler()
	ctx := context.Background()
	// The most questioned minister of the corpus.
	res, err := ds.Index().Search(ctx, index.Request{Facets: []string{"addressee"}, FacetSize: 1, Size: 1})
	if err != nil || len(res.Facets["addressee"]) == 0 {
		b.Fatalf("no minister in the corpus: %v", err)
	}
	minister := res.Facets["addressee"][0].Term
	one, err := ds.Index().Search(ctx, index.Request{Filters: map[string][]string{"addressee": {minister}}, Size: 1})
	if err != nil || len(one.Hits) == 0 {
		b.Fatalf("no question to %q: %v", minister, err)
	}
	source := one.Hits[0].Record.Source
	total, _ := ds.Index().Count()
	b.Logf("%d records; minister %q has %d questions", total, minister, res.Facets["addressee"][0].Count)

	get := func(b *testing.B, path string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	// timed reports latency percentiles and, where the platform tells it,
	// the process's CPU time per operation: on a machine shared with other
	// work, wall times are upper bounds and CPU time is the cost.
	timed := func(b *testing.B, run func()) {
		var lat []time.Duration
		cpu0, cpuOK := cpuTime()
		for b.Loop() {
			start := time.Now()
			run()
			lat = append(lat, time.Since(start))
		}
		if cpu1, _ := cpuTime(); cpuOK {
			b.ReportMetric((cpu1-cpu0)*1000/float64(len(lat)), "cpu-ms/op")
		}
		slices.Sort(lat)
		pct := func(p float64) float64 {
			return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
		}
		b.ReportMetric(pct(0.5), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
	}

	b.Run("table-build", func(b *testing.B) {
		timed(b, func() {
			s.dataChanged()
			if _, err := s.tableRows(ctx); err != nil {
				b.Fatal(err)
			}
		})
		// What the table holds: the heap it takes, per record, from no
		// table to a built one.
		var before, after runtime.MemStats
		s.table.mu.Lock()
		s.table.rows, s.table.valid = nil, false
		s.table.mu.Unlock()
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := s.tableRows(ctx); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(total), "heap-B/record")
	})
	b.Run("table-all", func(b *testing.B) { timed(b, func() { get(b, "/api/stats") }) })
	b.Run("table-minister", func(b *testing.B) {
		timed(b, func() { get(b, "/api/stats"+query("addressee", minister, "by", "year")) })
	})
	b.Run("table-person", func(b *testing.B) {
		timed(b, func() { get(b, personPath(source, minister)) })
	})
	b.Run("index-query-minister", func(b *testing.B) {
		timed(b, func() {
			get(b, "/api/stats"+query("q", "smart city", "addressee", minister, "received_from", "2020-01-01", "by", "year"))
		})
	})
	b.Run("index-query", func(b *testing.B) {
		timed(b, func() { get(b, "/api/stats"+query("q", "smart city", "by", "minister")) })
	})
	b.Run("index-all", func(b *testing.B) {
		timed(b, func() {
			c := stats.New(stats.Options{Now: time.Now()})
			if err := ds.Index().All(ctx, index.Request{}, func(h index.Hit) error { c.Add(&h.Record); return nil }); err != nil {
				b.Fatal(err)
			}
			c.Report()
		})
	})
}
