package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/index"
)

// probe is scraped text that would run if anything failed to escape it: it
// would change the page title and add an attribute to <body>.
const probe = `<script>document.title='pwned';document.body.setAttribute('data-pwned','1')</script><img src=x onerror="document.title='pwned'">`

// bulkCount is the number of generated "transport" records: more than one
// page at index.MaxSize, so an export must stream several pages.
const bulkCount = 230

// handRecords are the hand-written records of the fixture: French, Dutch and
// English questions on the same concept, and the <script> probe.
func handRecords() []*parlq.Question {
	return []*parlq.Question{
		{
			ID: "brussels/prb/1001", Source: "brussels", Parliament: "Parlement de la Région de Bruxelles-Capitale",
			Assembly: "PRB", URL: "https://www.parlement.brussels/qrva/1001", Language: "fr",
			Type: parlq.WrittenQuestion, Number: "161",
			Title:       "Question écrite concernant la stratégie ville intelligente",
			Author:      parlq.Person{Name: "Marie Dupont", Party: "Ecolo"},
			Addressee:   parlq.Person{Name: "Alain Maron", Role: "Ministre chargé de la Transition numérique"},
			Legislature: "24/29", Session: "24/25",
			Received: "2024-10-07", Answered: "2024-11-04", Status: parlq.Answered,
			Question: "Où en est la stratégie ville intelligente de la Région ?\nQuels capteurs sont installés ?",
			Answer:   "La stratégie ville intelligente est en cours.\nVingt capteurs sont installés.",
			Acts: []parlq.Act{
				{Date: "2024-10-07", Act: "Recevable", Actor: "p.m."},
				{Date: "2024-11-04", Act: "Réponse", Reference: "B-12", Page: "34"},
			},
		},
		{
			ID: "brussels/prb/1002", Source: "brussels", Parliament: "Parlement de la Région de Bruxelles-Capitale",
			Assembly: "PRB", URL: "https://www.parlement.brussels/qrva/1002", Language: "nl",
			Type: parlq.WrittenQuestion, Number: "162",
			Title:       "Schriftelijke vraag over de slimme stad",
			Author:      parlq.Person{Name: "Jan Peeters", Party: "Groen"},
			Addressee:   parlq.Person{Name: "Ans Persoons", Role: "Staatssecretaris voor Stedenbouw"},
			Legislature: "24/29", Session: "24/25",
			Received: "2024-12-02", Status: parlq.Pending,
			Question: "Hoe staat het met de slimme stad in Brussel?",
		},
		{
			ID: "ukparl/commons/2001", Source: "ukparl", Parliament: "House of Commons",
			Assembly: "commons", URL: "https://questions-statements.parliament.uk/written-questions/detail/2001", Language: "en",
			Type: parlq.WrittenQuestion, Number: "2001",
			Title:       "Smart city funding",
			Author:      parlq.Person{Name: "Alex Smith", Party: "Labour"},
			Addressee:   parlq.Person{Name: "Secretary of State for Science", Body: "Department for Science"},
			Legislature: "2024", Received: "2024-09-02", Answered: "2024-09-10", Status: parlq.Answered,
			Question: "What funding is available for smart city projects?",
			Answer:   "Smart city projects are funded through the innovation fund.",
		},
		{
			ID: "brussels/prb/1003", Source: "brussels", Parliament: "Parlement de la Région de Bruxelles-Capitale",
			Assembly: "PRB", URL: "https://www.parlement.brussels/qrva/1003", Language: "fr",
			Type: parlq.WrittenQuestion, Number: "163",
			Title:       "Sonde " + probe + " ville intelligente",
			Author:      parlq.Person{Name: "Eve " + probe, Party: "Test"},
			Addressee:   parlq.Person{Name: "Alain Maron", Role: "Ministre " + probe},
			Legislature: "24/29", Session: "24/25",
			Received: "2024-08-01", Status: parlq.Pending,
			Question: "Texte " + probe + " sur la ville intelligente et le sondage.",
			Acts:     []parlq.Act{{Date: "2024-08-01", Act: "Recevable " + probe}},
		},
	}
}

// bulkRecords are generated English records on transport, with varied
// dates, statuses and a title that looks like a spreadsheet formula.
func bulkRecords() []*parlq.Question {
	var out []*parlq.Question
	for i := range bulkCount {
		q := &parlq.Question{
			ID: fmt.Sprintf("ukparl/commons/%d", 5000+i), Source: "ukparl", Parliament: "House of Commons",
			Assembly: "commons", URL: fmt.Sprintf("https://questions-statements.parliament.uk/written-questions/detail/%d", 5000+i),
			Language: "en", Type: parlq.WrittenQuestion, Number: fmt.Sprint(5000 + i),
			Title:       fmt.Sprintf("Public transport question %d", i),
			Author:      parlq.Person{Name: fmt.Sprintf("Member %d", i%7), Party: []string{"Labour", "Conservative", "Liberal Democrat"}[i%3]},
			Addressee:   parlq.Person{Name: "Secretary of State for Transport"},
			Legislature: "2024",
			Received:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(parlq.DateLayout),
			Status:      parlq.Pending,
			Question:    fmt.Sprintf("What steps are being taken on bus and rail transport in area %d?", i),
		}
		if i%2 == 0 {
			q.Status = parlq.Answered
			q.Answered = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i+1+i%30).Format(parlq.DateLayout)
			q.Answer = "The department invests in transport."
		}
		if i == 0 {
			q.Title = "=HYPERLINK(\"http://evil.example\",\"transport\")"
		}
		out = append(out, q)
	}
	return out
}

// fixture is an index and a catalog built once for every test in the
// package; tests only read them.
type fixture struct {
	ds  *dataset.Dataset
	ix  *index.Index
	cat *catalog.Catalog
	dir string
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	fixtureErr  error
)

// testFixture returns the shared index and catalog.
func testFixture(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { shared, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		t.Fatalf("build fixture: %v", fixtureErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.ds.Close()
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func buildFixture() (*fixture, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "parlq-server-test-")
	if err != nil {
		return nil, err
	}
	ds, err := dataset.Open(ctx, dir, dataset.Options{Command: "test", Write: true, Index: true})
	if err != nil {
		return nil, err
	}
	ix, cat := ds.Index(), ds.Catalog()
	f := &fixture{ds: ds, ix: ix, cat: cat, dir: dir}
	t0 := time.Date(2025, 1, 10, 3, 0, 0, 0, time.UTC)
	for i, q := range handRecords() {
		cp := parlq.Capture{RecordID: fmt.Sprintf("<urn:uuid:00000000-0000-4000-8000-%012d>", i+1), URL: q.URL}
		if _, err := cat.Put(ctx, q, cp, t0); err != nil {
			return nil, fmt.Errorf("catalog put %s: %w", q.ID, err)
		}
	}
	// A second version of the Dutch question: it was answered.
	q2 := handRecords()[1]
	q2.Status, q2.Answered, q2.Answer = parlq.Answered, "2025-01-20", "De slimme stad vordert."
	cp := parlq.Capture{RecordID: "<urn:uuid:00000000-0000-4000-8000-000000000099>", URL: q2.URL}
	if _, err := cat.Put(ctx, q2, cp, t0.Add(24*time.Hour)); err != nil {
		return nil, fmt.Errorf("catalog put second version: %w", err)
	}
	var all []*parlq.Question
	if err := cat.Each(ctx, "", func(q *parlq.Question) error { all = append(all, q); return nil }); err != nil {
		return nil, err
	}
	all = append(all, bulkRecords()...)
	if err := ix.Put(ctx, all...); err != nil {
		return nil, err
	}
	// Harvest runs for the metrics.
	for _, r := range []catalog.Run{
		{Source: "brussels", Outcome: catalog.RunOK, Requests: 12, Discovered: 4, New: 3, Changed: 1, Unchanged: 0, NotModified: 2, Failed: 0, Skipped: 1},
		{Source: "brussels", Outcome: catalog.RunFailed, Requests: 3, Failed: 2, Error: "index page unreadable"},
		{Source: "ukparl", Outcome: catalog.RunOK, Requests: 5, New: 1},
	} {
		id, err := cat.StartRun(ctx, r.Source, t0)
		if err != nil {
			return nil, err
		}
		r.ID, r.Finished = id, t0.Add(time.Minute)
		if err := cat.FinishRun(ctx, r); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// testStore is a dataset.Dataset (its status read-model) with the index
// and catalog a test gives, a harvest function (nil: none configured) and
// an archive reader (nil: the archive holds nothing) of its own.
type testStore struct {
	ds      *dataset.Dataset
	ix      *index.Index
	cat     *catalog.Catalog
	harvest func(ctx context.Context) error
	archive func(ctx context.Context, c parlq.Capture) (*archive.Response, error)
}

func (s *testStore) Index() *index.Index       { return s.ix }
func (s *testStore) Catalog() *catalog.Catalog { return s.cat }
func (s *testStore) CanHarvest() bool          { return s.harvest != nil }

func (s *testStore) ReadCapture(ctx context.Context, c parlq.Capture) (*archive.Response, error) {
	if s.archive == nil {
		return nil, fmt.Errorf("record %s: %w", c.RecordID, catalog.ErrNotFound)
	}
	return s.archive(ctx, c)
}

func (s *testStore) Status(ctx context.Context, sources []parlq.Source, now time.Time) (*dataset.Status, error) {
	return s.ds.Status(ctx, sources, now)
}

func (s *testStore) Harvest(ctx context.Context, _ func(string, crawler.Progress)) ([]catalog.Run, error) {
	if s.harvest == nil {
		return nil, dataset.ErrNoJobs
	}
	return nil, s.harvest(ctx)
}

// newTestServer serves the shared fixture on a loopback httptest server.
func newTestServer(t testing.TB, cfg Config, harvest func(context.Context) error) (*Server, *httptest.Server) {
	t.Helper()
	f := testFixture(t)
	s := New(cfg, &testStore{ds: f.ds, ix: f.ix, cat: f.cat, harvest: harvest})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return s, ts
}

// get fetches path from ts and returns the status, headers and body.
func get(t testing.TB, ts *httptest.Server, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

// query builds "?k=v&…" from pairs.
func query(pairs ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return "?" + v.Encode()
}
