package index

import (
	"context"
	"flag"
	"fmt"
	"github.com/parlq/parlq/index/indextest"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
// fields (needed to highlight stemmed and synonym matches).
func BenchmarkMappingCost(b *testing.B) {
	groups := bySource(benchCorpus())
	for _, c := range []struct {
		name string
		mo   mappingOptions
	}{
		{"full", mappingOptions{storeRecord: true, langTermVectors: true}},
		{"no-record", mappingOptions{storeRecord: false, langTermVectors: true}},
		{"no-stemmed-vectors", mappingOptions{storeRecord: true, langTermVectors: false}},
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

var (
	searchOnce sync.Once
	searchIx   *Index
	searchErr  error
	searchDir  string
)

// searchIndex is the corpus, indexed once for all search benchmarks.
func searchIndex(b *testing.B) *Index {
	searchOnce.Do(func() {
		searchDir, searchErr = os.MkdirTemp("", "parlq-bench-")
		if searchErr != nil {
			return
		}
		searchIx, searchErr = Open(searchDir, Options{})
		if searchErr != nil {
			return
		}
		for src, qs := range bySource(benchCorpus()) {
			if _, searchErr = searchIx.Rebuild(context.Background(), src, yieldAll(qs)); searchErr != nil {
				return
			}
		}
	})
	if searchErr != nil {
		b.Fatal(searchErr)
	}
	return searchIx
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if searchIx != nil {
		searchIx.Close()
	}
	if searchDir != "" {
		os.RemoveAll(searchDir)
	}
	os.Exit(code)
}

// benchSearch runs the requests in turn and reports latency percentiles.
func benchSearch(b *testing.B, reqs []Request) {
	ix := searchIndex(b)
	ctx := context.Background()
	var lat []time.Duration
	var hits uint64
	i := 0
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
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(hits)/float64(i), "hits/op")
}

func BenchmarkSearchPhrase(b *testing.B) {
	var reqs []Request
	for _, p := range []string{"qualité de l'air", "slimme stad", "public transport", "budget régional",
		"sociale huisvesting", "mental health", "sans-abrisme", "the outcomes of"} {
		reqs = append(reqs, Request{Query: fmt.Sprintf("%q", p)})
	}
	benchSearch(b, reqs)
}

func BenchmarkSearchFacetsDateRange(b *testing.B) {
	var reqs []Request
	for _, q := range []string{"logement", "mobiliteit", "climate change", "enseignement", "open data", "tourism"} {
		reqs = append(reqs, Request{Query: q, Facets: []string{"addressee", "year"},
			Received: DateRange{From: "2018-01-01", To: "2021-12-31"}})
	}
	benchSearch(b, reqs)
}

func BenchmarkSearchHighlight(b *testing.B) {
	var reqs []Request
	for _, q := range []string{"smart city", "logement social", "verkeersveiligheid", "road safety", "santé mentale", "energierenovatie"} {
		reqs = append(reqs, Request{Query: q, Highlight: true})
	}
	benchSearch(b, reqs)
}

// BenchmarkSearchConcept runs unquoted queries that name synonym concepts,
// expanded across languages (the cross-lingual search of the search page).
func BenchmarkSearchConcept(b *testing.B) {
	var reqs []Request
	for _, q := range []string{"smart city", "ville intelligente", "digital transition", "logement social", "public transport", "qualité de l'air"} {
		reqs = append(reqs, Request{Query: q, Facets: []string{"source", "status", "addressee"}})
	}
	benchSearch(b, reqs)
}
