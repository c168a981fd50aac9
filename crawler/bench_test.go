package crawler

import (
	"context"
	"github.com/parlq/parlq"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// benchQuestions is the size of the replayed site of the benchmarks.
const benchQuestions = 5000

var (
	benchOnce  sync.Once
	benchSite  []brusselstest.Question
	benchEpoch time.Time
)

func benchSetup() ([]brusselstest.Question, time.Time) {
	benchOnce.Do(func() {
		benchEpoch = time.Now().UTC()
		benchSite = brusselstest.Generate(benchQuestions, benchEpoch)
	})
	return benchSite, benchEpoch
}

func benchSource(b *testing.B) parlq.Source {
	src, err := parser.Lookup("brussels")
	if err != nil {
		b.Fatal(err)
	}
	return src
}

func noDelay(c *Config) { c.Delay, c.Jitter = 0, 0 }

func copyFile(b *testing.B, from, to string) {
	data, err := os.ReadFile(from)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSecondNightlyRun harvests a replayed site of 5,000 questions
// once, then measures the next night's run (20 questions answered in
// between): its request count against the minimum, robots.txt + index +
// the questions due under the source's re-check policy.
func BenchmarkSecondNightlyRun(b *testing.B) {
	qs, t0 := benchSetup()
	h := newHarness(b, qs, noDelay)
	h.src = benchSource(b)
	h.now = t0
	if r := h.mustRun(); r.New != len(qs) {
		b.Fatalf("first run = %+v", r)
	}
	h.advance(25 * time.Hour)
	answered := 0
	for _, q := range qs {
		if answered < 20 && q.State == brusselstest.Pending && t0.Sub(q.Received) < 200*24*time.Hour {
			h.site.SetQuestion(brusselstest.Answer(q, h.clock(), "Réponse publiée."))
			answered++
		}
	}
	minimum := 2 + len(expectedDue(qs, h.clock()))
	dbPath := filepath.Join(h.dir, "catalog.db")
	if err := h.cat.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var requests, changed, notModified int
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		for _, ext := range []string{"", "-wal", "-shm"} {
			copyFile(b, dbPath+ext, filepath.Join(dir, "catalog.db"+ext))
		}
		cat, err := catalog.Open(context.Background(), filepath.Join(dir, "catalog.db"))
		if err != nil {
			b.Fatal(err)
		}
		h.cat = cat
		h.site.ResetLog()
		b.StartTimer()
		r := h.mustRun()
		b.StopTimer()
		requests, changed, notModified = len(h.site.Log()), r.Changed, r.NotModified
		cat.Close()
		b.StartTimer()
	}
	if changed != answered {
		b.Errorf("changed = %d; want %d", changed, answered)
	}
	b.ReportMetric(float64(requests), "requests/run")
	b.ReportMetric(float64(minimum), "min-requests/run")
	b.ReportMetric(float64(notModified), "304s/run")
	b.ReportMetric(float64(len(qs)), "questions")
}

// BenchmarkHarvestEndToEnd is a first harvest of the 5,000-question site
// with the delay set to 0: fetch, archive (fsynced), parse, store.
func BenchmarkHarvestEndToEnd(b *testing.B) {
	qs, t0 := benchSetup()
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	defer site.Close()
	src := benchSource(b)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		h := newHarness(b, nil, noDelay)
		h.cfg.BaseURL = site.URL()
		h.src, h.now = src, t0
		b.StartTimer()
		if r := h.mustRun(); r.New != len(qs) {
			b.Fatalf("run = %+v", r)
		}
	}
	b.ReportMetric(float64(b.N*len(qs))/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkParseOnly reads the same 5,000 pages from memory the way the
// crawler does (decode, normalize, parse, complete, validate).
func BenchmarkParseOnly(b *testing.B) {
	qs, _ := benchSetup()
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	src := benchSource(b)
	type page struct {
		url  string
		ct   string
		body []byte
	}
	pages := make([]page, 0, len(qs))
	for _, q := range qs {
		path := brusselstest.DetailPath(q.Moncode, q.Base)
		resp, err := http.Get(site.URL() + path)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, page{brusselstest.CanonicalBase + path, resp.Header.Get("Content-Type"), body})
	}
	site.Close()
	b.ResetTimer()
	for range b.N {
		for _, p := range pages {
			if _, err := Read(src, p.url, p.body, p.ct, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(pages))/b.Elapsed().Seconds(), "pages/s")
}
