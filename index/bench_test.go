package index

import (
	"context"
	"flag"
	"github.com/parlq/parlq/index/indextest"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/parlq/parlq"
)

// Benchmarks run on a synthetic corpus (Generator, seed 1) of -docs
// records; the default suits CI, the documented run uses -docs 100000:
//
//	go test ./index -run '^$' -bench . -benchtime 1x -docs 100000 -timeout 2h
var benchDocs = flag.Int("docs", 20000, "records in the benchmark corpus")

var (
	corpusOnce sync.Once
	corpusQs   []*parlq.Question
)

func benchCorpus() []*parlq.Question {
	corpusOnce.Do(func() {
		g := indextest.NewGenerator(1)
		corpusQs = make([]*parlq.Question, *benchDocs)
		for i := range corpusQs {
			corpusQs[i] = g.Next()
		}
	})
	return corpusQs
}

func dirSize(t testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func bySource(qs []*parlq.Question) map[string][]*parlq.Question {
	m := map[string][]*parlq.Question{}
	for _, q := range qs {
		m[q.Source] = append(m[q.Source], q)
	}
	return m
}

func reportIndexing(b *testing.B, docs int, dir string) {
	b.ReportMetric(float64(docs*b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(dirSize(b, dir))/float64(docs)*1000/(1<<20), "MB/1000docs")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkIndex indexes the corpus with Put, in batches of 1,000 as a
// harvest would (each batch durable before Put returns).
func BenchmarkIndex(b *testing.B) {
	qs := benchCorpus()
	var dir string
	for b.Loop() {
		b.StopTimer()
		dir = b.TempDir()
		ix, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := 0; i < len(qs); i += 1000 {
			if err := ix.Put(context.Background(), qs[i:min(i+1000, len(qs))]...); err != nil {
				b.Fatal(err)
			}
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportIndexing(b, len(qs), dir)
}

// BenchmarkIndexRawBleve is the baseline for BenchmarkIndex: the same
// records and batches into an index with Bleve's default mapping (every
// field dynamic, stored, with term vectors and the _all field).
func BenchmarkIndexRawBleve(b *testing.B) {
	qs := benchCorpus()
	var dir string
	for b.Loop() {
		b.StopTimer()
		dir = filepath.Join(b.TempDir(), "raw")
		bi, err := bleve.New(dir, bleve.NewIndexMapping())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := 0; i < len(qs); i += 1000 {
			batch := bi.NewBatch()
			for _, q := range qs[i:min(i+1000, len(qs))] {
				if err := batch.Index(q.ID, q); err != nil {
					b.Fatal(err)
				}
			}
			if err := bi.Batch(batch); err != nil {
				b.Fatal(err)
			}
		}
		if err := bi.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportIndexing(b, len(qs), dir)
}

// BenchmarkRebuild indexes the corpus with Rebuild, one source at a time
// (what parlq reindex does).
func BenchmarkRebuild(b *testing.B) {
	groups := bySource(benchCorpus())
	var dir string
	for b.Loop() {
		b.StopTimer()
		dir = b.TempDir()
		ix, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for src, qs := range groups {
			if _, err := ix.Rebuild(context.Background(), src, yieldAll(qs)); err != nil {
				b.Fatal(err)
			}
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportIndexing(b, len(benchCorpus()), dir)
}

// BenchmarkMappingCost measures what the optional parts of the mapping
// cost on disk: the stored record JSON and the term vectors of the stemmed
// text fields (needed to highlight stemmed and synonym matches).
func BenchmarkMappingCost(b *testing.B) {
	groups := bySource(benchCorpus())
	for _, c := range []struct {
		name string
		mo   mappingOptions
	}{
		{"full", mappingOptions{storeRecord: true, termVectors: true}},
		{"no-record", mappingOptions{storeRecord: false, termVectors: true}},
		{"no-text-vectors", mappingOptions{storeRecord: true, termVectors: false}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var dir string
			for b.Loop() {
				b.StopTimer()
				dir = b.TempDir()
				syn, _ := LoadSynonyms("")
				ix, err := open(dir, DefaultOptions(), syn, c.mo)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				for src, qs := range groups {
					if _, err := ix.Rebuild(context.Background(), src, yieldAll(qs)); err != nil {
						b.Fatal(err)
					}
				}
				if err := ix.Close(); err != nil {
					b.Fatal(err)
				}
			}
			reportIndexing(b, len(benchCorpus()), dir)
		})
	}
}

// benchDir keeps the search benchmarks' index between runs: building a
// million records takes a quarter of an hour, querying it minutes.
var benchDir = flag.String("benchdir", "", "directory of the search benchmarks' index, kept and reused when it holds -docs records of this mapping (default: a temporary one)")

var (
	searchOnce sync.Once
	searchIx   *Index
	searchErr  error
	searchTmp  string
)

// searchIndex is the corpus of -docs records, indexed once for all search
// benchmarks (or reused from -benchdir). The records are generated source
// by source while they are indexed, so a million of them never sit in
// memory at once.
func searchIndex(b *testing.B) *Index {
	searchOnce.Do(func() {
		dir := *benchDir
		if dir == "" {
			if searchTmp, searchErr = os.MkdirTemp("", "parlq-bench-"); searchErr != nil {
				return
			}
			dir = searchTmp
		}
		if searchIx, searchErr = Open(dir, Options{}); searchErr != nil {
			return
		}
		n, err := searchIx.Count()
		if err != nil {
			searchErr = err
			return
		}
		if n == uint64(*benchDocs) && len(searchIx.Stale()) == 0 {
			return
		}
		for _, src := range corpusSources(*benchDocs) {
			_, searchErr = searchIx.Rebuild(context.Background(), src, func(yield func(*parlq.Question) error) error {
				g := indextest.NewGenerator(1)
				for range *benchDocs {
					if q := g.Next(); q.Source == src {
						if err := yield(q); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if searchErr != nil {
				return
			}
		}
	})
	if searchErr != nil {
		b.Fatal(searchErr)
	}
	return searchIx
}

// corpusSources returns the sources of the first n generated records.
func corpusSources(n int) []string {
	g := indextest.NewGenerator(1)
	seen := map[string]bool{}
	for range min(n, 1000) {
		seen[g.Next().Source] = true
	}
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if searchIx != nil {
		searchIx.Close()
	}
	if searchTmp != "" {
		os.RemoveAll(searchTmp)
	}
	if genIx != nil {
		genIx.Close()
	}
	if genDir != "" {
		os.RemoveAll(genDir)
	}
	os.Exit(code)
}

// benchRequest is a benchmark query as an index request.
func benchRequest(q indextest.Query) Request {
	return Request{Query: q.Text, Filters: q.Filters, Received: DateRange{From: q.ReceivedFrom, To: q.ReceivedTo},
		Facets: q.Facets, Sort: q.Sort, Page: q.Page, Size: DefaultSize, Highlight: q.Highlight}
}

// benchSearch runs the requests in turn, b.N in all, and reports latency
// percentiles and the mean number of hits.
func benchSearch(b *testing.B, reqs []Request) {
	ix := searchIndex(b)
	ctx := context.Background()
	for _, r := range reqs { // warm up: first use of each term's postings
		if _, err := ix.Search(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	var lat []time.Duration
	var hits uint64
	i := 0
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		res, err := ix.Search(ctx, reqs[i%len(reqs)])
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		hits += res.Total
		i++
	}
	cpu := cpuTime() - cpu0
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(i), "cpu-ms/op")
	b.ReportMetric(float64(hits)/float64(i), "hits/op")
	b.ReportMetric(loadAverage(), "load")
	b.ReportMetric(0, "ns/op")
}

// loadAverage is the one-minute load average (0 where unknown), reported
// beside the latencies so that a run on a busy machine shows it.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b) + " 0")[0], 64)
	return f
}

// BenchmarkSearch runs the ten query classes of issue 12, each alone, then
// all 55 queries interleaved ("all"), whose percentiles are the overall
// figures:
//
//	go test ./index -run '^$' -bench 'Search$' -benchtime 300x -docs 100000 -benchdir /tmp/parlq-100k
func BenchmarkSearch(b *testing.B) {
	qs := indextest.Queries(1)
	for _, class := range indextest.Classes {
		var reqs []Request
		for _, q := range qs {
			if q.Class == class {
				reqs = append(reqs, benchRequest(q))
			}
		}
		b.Run(class, func(b *testing.B) { benchSearch(b, reqs) })
	}
	var all []Request
	for _, q := range qs {
		all = append(all, benchRequest(q))
	}
	b.Run("all", func(b *testing.B) { benchSearch(b, all) })
}
