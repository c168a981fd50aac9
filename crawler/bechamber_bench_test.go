package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/bechamber/bechambertest"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
	"github.com/parlq/parlq/parser/ukparl/ukparltest"
)

// chamberLegislature is the size of the replayed legislature of
// BenchmarkHarvestChamberLegislature.
const chamberLegislature = 20000

// BenchmarkHarvestChamberLegislature is a first harvest of a replayed
// legislature of 20,000 Chamber questions generated in the real items'
// shape (go test -run '^$' -bench HarvestChamberLegislature -benchtime 1x
// ./crawler/), with the delay at 0: list paging, fetch, archive, parse,
// store. It reports the requests sent against the minimum (robots.txt,
// every list page of ten items, one document per question), records/s, and
// the index size per 1,000 questions next to that of 20,000 generated UK
// and Brussels questions fetched from their stand-ins and parsed the same
// way (index rebuilt as parlq reindex does).
func BenchmarkHarvestChamberLegislature(b *testing.B) {
	now := time.Now().UTC()
	qs := bechambertest.Generate(chamberLegislature, bechamber56, now)
	site := bechambertest.New(bechambertest.Options{Questions: qs})
	defer site.Close()
	src, err := parser.Lookup("bechamber")
	if err != nil {
		b.Fatal(err)
	}
	minimum := 1 + site.Pages(bechamber56) + len(qs)

	var h *chamberHarness
	var elapsed time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		h = &chamberHarness{harness: newHarness(b, nil, noDelay), ch: site}
		h.src, h.cfg.BaseURL, h.now = src, site.URL(), now
		site.ResetLog()
		b.StartTimer()
		start := time.Now()
		if r := h.mustRun(); r.New != len(qs) {
			b.Fatalf("run = %+v; want %d new", r, len(qs))
		}
		elapsed += time.Since(start)
	}
	b.StopTimer()
	b.ReportMetric(float64(len(site.Log())), "requests")
	b.ReportMetric(float64(minimum), "min-requests")
	b.ReportMetric(float64(b.N*len(qs))/elapsed.Seconds(), "records/s")

	chamberBytes, n := indexSize(b, "bechamber", func(yield func(*parlq.Question) error) error {
		return h.cat.Each(context.Background(), "bechamber", yield)
	})
	if n != len(qs) {
		b.Fatalf("indexed %d Chamber records; want %d", n, len(qs))
	}
	b.ReportMetric(mibPer1k(chamberBytes, n), "bechamber-index-MiB/1k")

	uk := ukparltest.New(ukparltest.Options{Questions: ukparltest.Generate(chamberLegislature, 2021)})
	defer uk.Close()
	var ukPaths []string
	for _, q := range uk.Questions() {
		ukPaths = append(ukPaths, ukparltest.ListPath+"/"+strconv.FormatInt(q.ID, 10)+"?expandMember=true")
	}
	ukBytes, n := indexSize(b, "ukparl", fetchParsed(b, "ukparl", uk.URL(), ukparltest.CanonicalBase, ukPaths))
	b.ReportMetric(mibPer1k(ukBytes, n), "ukparl-index-MiB/1k")

	bq := brusselstest.Generate(chamberLegislature, now)
	bs := brusselstest.New(brusselstest.Options{Questions: bq})
	defer bs.Close()
	bBytes, n := indexSize(b, "brussels", fetchParsed(b, "brussels", bs.URL(), brusselstest.CanonicalBase, brusselsPaths(bq)))
	b.ReportMetric(mibPer1k(bBytes, n), "brussels-index-MiB/1k")
}

// brusselsPaths are the detail pages of generated Brussels questions.
func brusselsPaths(qs []brusselstest.Question) []string {
	out := make([]string, 0, len(qs))
	for _, q := range qs {
		out = append(out, brusselstest.DetailPath(q.Moncode, q.Base))
	}
	return out
}

func mibPer1k(size int64, records int) float64 {
	return float64(size) / float64(records) * 1000 / (1 << 20)
}

// fetchParsed yields the records of a source's pages fetched from a
// stand-in at base and read as the crawler reads them (decode, normalize,
// parse, complete, validate), under their canonical URLs.
func fetchParsed(b *testing.B, source, base, canonical string, paths []string) func(yield func(*parlq.Question) error) error {
	src, err := parser.Lookup(source)
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	return func(yield func(*parlq.Question) error) error {
		for _, p := range paths {
			resp, err := client.Get(base + p)
			if err != nil {
				return err
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: status %d", p, resp.StatusCode)
			}
			rd, err := Read(src, canonical+p, body, resp.Header.Get("Content-Type"), nil)
			if err != nil {
				return err
			}
			if err := yield(rd.Record); err != nil {
				return err
			}
		}
		return nil
	}
}
