package server

import (
	"context"
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
	"github.com/parlq/parlq/index"
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
	paths := benchPaths
	const clients = 8
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

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
				resp, err := client.Get(ts.URL + paths[i%int64(len(paths))])
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
