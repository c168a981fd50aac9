package server

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/index/indextest"
)

// benchDocs is the size of the benchmark corpus.
const benchDocs = 5000

// benchRecords generates records shaped like real ones: three languages,
// several ministers, authors, legislatures, statuses and texts long enough
// to highlight.
func benchRecords(n int) []*parlq.Question {
	topics := []struct{ lang, title, text string }{
		{"fr", "Question écrite concernant la ville intelligente", "La stratégie ville intelligente de la Région prévoit des capteurs, des données ouvertes et une plateforme de mobilité. Quel est le budget prévu et quel est le calendrier de mise en œuvre ?"},
		{"nl", "Schriftelijke vraag over de slimme stad", "De strategie voor de slimme stad voorziet in sensoren, open data en een mobiliteitsplatform. Wat is het geplande budget en wat is het tijdschema voor de uitvoering?"},
		{"en", "Smart city funding and public transport", "What assessment has the Department made of smart city projects, open data and public transport platforms, and what funding is planned for the next financial year?"},
		{"fr", "Question écrite concernant la transition numérique des services publics", "Combien de démarches administratives sont disponibles en ligne et quelles mesures sont prises pour l'inclusion numérique des personnes âgées ?"},
		{"en", "Rail services and bus routes in rural areas", "What steps are being taken to improve rail services and bus routes in rural areas, and how many routes were withdrawn last year?"},
	}
	ministers := []string{"Alain Maron", "Ans Persoons", "Secretary of State for Transport", "Elke Van den Brandt", "Bernard Clerfayt", "Minister for Digital"}
	var out []*parlq.Question
	for i := range n {
		tp := topics[i%len(topics)]
		src, asm := "brussels", "PRB"
		if tp.lang == "en" {
			src, asm = "ukparl", "commons"
		}
		recv := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i*7)%2000)
		q := &parlq.Question{
			ID: parlq.MakeID(src, asm, fmt.Sprint(100000+i)), Source: src, Assembly: asm,
			URL: fmt.Sprintf("https://example.org/q/%d", i), Language: tp.lang, Type: parlq.WrittenQuestion,
			Number: fmt.Sprint(i), Title: fmt.Sprintf("%s (%d)", tp.title, i),
			Author:      parlq.Person{Name: fmt.Sprintf("Member %d", i%97), Party: []string{"Ecolo", "MR", "PS", "Groen", "Labour"}[i%5]},
			Addressee:   parlq.Person{Name: ministers[i%len(ministers)]},
			Legislature: []string{"19/24", "24/29"}[i%2], Received: recv.Format(parlq.DateLayout),
			Status: parlq.Pending, Question: tp.text + " " + tp.text,
		}
		if i%3 != 0 {
			q.Status, q.Answered, q.Answer = parlq.Answered, recv.AddDate(0, 0, 10+i%60).Format(parlq.DateLayout), tp.text
		}
		out = append(out, q)
	}
	return out
}

// benchPaths are the queries of the server benchmarks.
var benchPaths = []string{
	"/api/search?q=smart+city&facets=source,status,addressee",
	"/api/search?q=%22open+data%22&size=20",
	"/api/search?q=transport&status=answered&received_from=2020-01-01&received_to=2022-12-31&facets=legislature,year&sort=-received",
	"/api/search?q=minister:maron+budget&facets=author",
}

var (
	benchOnce sync.Once
	benchIx   *index.Index
	benchErr  error
)

// benchIndex builds the benchmark index once per process (in a directory of
// the fixture's, removed by TestMain).
func benchIndex(b *testing.B) *index.Index {
	f := testFixture(b)
	benchOnce.Do(func() {
		benchIx, benchErr = index.Open(filepath.Join(f.dir, "bench-index"), index.DefaultOptions())
		if benchErr == nil {
			benchErr = benchIx.Put(context.Background(), benchRecords(benchDocs)...)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIx
}

// BenchmarkSearchAPI measures GET /api/search over loopback with 8
// concurrent clients, on a mix of a free-text query with facets, a phrase
// query, and a filtered date-range query, all highlighted. It reports
// requests per second and the latency percentiles seen by the clients.
func BenchmarkSearchAPI(b *testing.B) {
	ix := benchIndex(b)
	s := New(DefaultConfig(), &testStore{ds: testFixture(b).ds, ix: ix, cat: testFixture(b).cat})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	benchHTTP(b, ts.URL, benchPaths, 8)
}

// benchHTTP sends b.N requests of paths in turn from clients concurrent
// clients, and reports requests per second and the latency percentiles
// the clients saw.
func benchHTTP(b *testing.B, base string, paths []string, clients int) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	for _, p := range paths { // warm up
		resp, err := client.Get(base + p)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: status %d", p, resp.StatusCode)
		}
	}

	lat := make([][]time.Duration, clients)
	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				resp, err := client.Get(base + paths[i%int64(len(paths))])
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Add(1)
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed", n)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSearchPage measures the HTML search page (search, facets,
// highlights and template) for one client.
func BenchmarkSearchPage(b *testing.B) {
	ix := benchIndex(b)
	s := New(DefaultConfig(), &testStore{ds: testFixture(b).ds, ix: ix, cat: testFixture(b).cat})
	h := s.Handler()
	req := httptest.NewRequest("GET", "/?q=smart+city", nil)
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkSearchQuery measures each query of BenchmarkSearchAPI alone,
// in process, to tell the index's share from the server's.
func BenchmarkSearchQuery(b *testing.B) {
	ix := benchIndex(b)
	s := New(DefaultConfig(), &testStore{ds: testFixture(b).ds, ix: ix, cat: testFixture(b).cat})
	h := s.Handler()
	for i, p := range benchPaths {
		b.Run(fmt.Sprint(i), func(b *testing.B) {
			req := httptest.NewRequest("GET", p, nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// The ten query classes of issue 12 over HTTP, on the index benchmarks'
// corpus (indextest, seed 1) of -docs records, kept in -benchdir between
// runs (the index package's benchmarks build the same directory):
//
//	go test ./server -run '^$' -bench SearchAPIClasses -benchtime 4000x -docs 100000 -benchdir /tmp/parlq-100k
var (
	classDocs = flag.Int("docs", 20000, "records in the class benchmarks' corpus")
	classDir  = flag.String("benchdir", "", "directory of the class benchmarks' index, kept and reused when it holds -docs records (default: a temporary one)")
)

var (
	classOnce sync.Once
	classIx   *index.Index
	classErr  error
)

func classIndex(b *testing.B) *index.Index {
	f := testFixture(b)
	classOnce.Do(func() {
		dir := *classDir
		if dir == "" {
			dir = filepath.Join(f.dir, "class-index")
		}
		if classIx, classErr = index.Open(dir, index.DefaultOptions()); classErr != nil {
			return
		}
		if n, err := classIx.Count(); err != nil || n == uint64(*classDocs) && len(classIx.Stale()) == 0 {
			classErr = err
			return
		}
		for _, src := range []string{"brussels", "flanders", "ukparl", "wallonia"} {
			_, classErr = classIx.Rebuild(context.Background(), src, func(yield func(*parlq.Question) error) error {
				g := indextest.NewGenerator(1)
				for range *classDocs {
					if q := g.Next(); q.Source == src {
						if err := yield(q); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if classErr != nil {
				return
			}
		}
	})
	if classErr != nil {
		b.Fatal(classErr)
	}
	return classIx
}

// classPath is a benchmark query as a request of GET /api/search.
func classPath(q indextest.Query) string {
	req := index.Request{Query: q.Text, Filters: q.Filters, Received: index.DateRange{From: q.ReceivedFrom, To: q.ReceivedTo},
		Facets: q.Facets, Sort: q.Sort, Page: q.Page, Highlight: q.Highlight}
	return "/api/search?" + api.SearchValues(req).Encode()
}

// BenchmarkSearchAPIClasses measures GET /api/search with 8 clients over
// the typical classes (every class but the deep page), each request a
// full HTTP round trip with JSON encoding.
func BenchmarkSearchAPIClasses(b *testing.B) {
	ix := classIndex(b)
	var paths []string
	for _, q := range indextest.Queries(1) {
		if indextest.Typical(q.Class) {
			paths = append(paths, classPath(q))
		}
	}
	s := New(DefaultConfig(), &testStore{ix: ix, cat: testFixture(b).cat})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	benchHTTP(b, ts.URL, paths, 8)
}
