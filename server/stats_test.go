package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/i18n"
	"github.com/parlq/parlq/stats"
)

// statsNow is the reference day of the statistics tests.
var statsNow = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

// statsRecords are the records of the statistics tests. Days to answer as
// of 2025-03-01 (E answered, C censored: open or lapsed):
//
//	s1 brussels Alain Maron   ← Marie Dupont   2024-10-07 → 2024-11-04   28 E
//	s2 brussels Alain Maron   ← Jan Peeters    2025-01-30 pending        30 C  due 02-09: overdue by 20
//	s3 brussels Ans Persoons  ← Marie Dupont   2024-12-02 → 2025-01-20   49 E
//	s4 brussels Ans Persoons  ← Jan Peeters    2024-12-10 lapsed 01-10   31 C
//	s5 ukparl   (DfT, none)   ← Alex Smith     2025-02-20 pending         9 C  holding 02-24, due 02-25: overdue by 4
//	s6 ukparl   Jane Roe (DfT)← Alex Smith     2025-02-03 → 2025-02-09    6 E  due 02-09: on time
//	s7 brussels Alain Maron   ← Eve <probe>    2025-02-26 pending         3 C
func statsRecords() []*parlq.Question {
	bxl := func(id, minister, author, party, received string) *parlq.Question {
		return &parlq.Question{
			ID: "brussels/prb/" + id, Source: "brussels", Parliament: "Parlement de la Région de Bruxelles-Capitale",
			Assembly: "PRB", URL: "https://www.parlement.brussels/q/" + id, Language: "fr", Type: parlq.WrittenQuestion,
			Title: "Question écrite " + id, Author: parlq.Person{Name: author, Party: party},
			Addressee: parlq.Person{Name: minister, Role: "Ministre"}, Legislature: "24/29", Session: "24/25",
			Received: received, Status: parlq.Pending, Question: "Texte de la question " + id + ".",
		}
	}
	s1 := bxl("s1", "Alain Maron", "Marie Dupont", "Ecolo", "2024-10-07")
	s1.Title = "Question écrite concernant la ville intelligente"
	s1.Status, s1.Answered, s1.Answer = parlq.Answered, "2024-11-04", "La ville intelligente avance."
	s2 := bxl("s2", "Alain Maron", "Jan Peeters", "Groen", "2025-01-30")
	s2.Due = "2025-02-09"
	s3 := bxl("s3", "Ans Persoons", "Marie Dupont", "Ecolo", "2024-12-02")
	s3.Status, s3.Answered, s3.Answer = parlq.Answered, "2025-01-20", "Réponse."
	s4 := bxl("s4", "Ans Persoons", "Jan Peeters", "Groen", "2024-12-10")
	s4.Status, s4.Acts = parlq.Lapsed, []parlq.Act{{Date: "2025-01-10", Act: "Caduc"}}
	s7 := bxl("s7", "Alain Maron", "Eve "+probe, "Test", "2025-02-26")
	s7.Title = "Sonde " + probe

	uk := func(id, minister, received string) *parlq.Question {
		return &parlq.Question{
			ID: "ukparl/commons/" + id, Source: "ukparl", Parliament: "House of Commons", Assembly: "commons",
			URL: "https://questions-statements.parliament.uk/written-questions/detail/" + id, Language: "en",
			Type: parlq.WrittenQuestion, Title: "Smart city " + id, Author: parlq.Person{Name: "Alex Smith", Party: "Labour"},
			Addressee: parlq.Person{Name: minister, Body: "Department for Transport"}, Legislature: "2024",
			Received: received, Status: parlq.Pending, Question: "What assessment has been made of smart city " + id + "?",
		}
	}
	s5 := uk("s5", "", "2025-02-20")
	s5.HoldingAnswered, s5.Answer, s5.Due = "2025-02-24", "I will reply as soon as possible.", "2025-02-25"
	s6 := uk("s6", "Jane Roe", "2025-02-03")
	s6.Status, s6.Answered, s6.Answer, s6.Due = parlq.Answered, "2025-02-09", "Funding is available.", "2025-02-09"
	return []*parlq.Question{s1, s2, s3, s4, s5, s6, s7}
}

// statsDataset is a data directory holding qs in its catalog and index.
func statsDataset(t testing.TB, qs []*parlq.Question) *dataset.Dataset {
	t.Helper()
	ctx := context.Background()
	ds, err := dataset.Open(ctx, filepath.Join(t.TempDir(), "data"), dataset.Options{Command: "test", Write: true, Index: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Close() })
	putRecords(t, ds, qs...)
	return ds
}

// putRecords stores and indexes records, as a harvest does.
func putRecords(t testing.TB, ds *dataset.Dataset, qs ...*parlq.Question) {
	t.Helper()
	ctx := context.Background()
	for i, q := range qs {
		if err := q.Validate(); err != nil {
			t.Fatalf("record %s: %v", q.ID, err)
		}
		cp := parlq.Capture{RecordID: fmt.Sprintf("<urn:uuid:00000000-0000-4000-9000-%012d>", i+1), URL: q.URL}
		if _, err := ds.Catalog().Put(ctx, q, cp, statsNow); err != nil {
			t.Fatal(err)
		}
	}
	if err := ds.Index().Put(ctx, qs...); err != nil {
		t.Fatal(err)
	}
}

// newStatsServer serves the statistics records with the clock at statsNow.
func newStatsServer(t testing.TB) (*Server, *httptest.Server) {
	t.Helper()
	ds := statsDataset(t, statsRecords())
	s := New(DefaultConfig(), ds)
	s.cfg.Now = func() time.Time { return statsNow }
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return s, ts
}

func statsJSON(t *testing.T, ts *httptest.Server, path string) api.StatsResponse {
	t.Helper()
	status, hdr, body := get(t, ts, path)
	if status != 200 {
		t.Fatalf("GET %s: status %d: %s", path, status, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var r api.StatsResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
	return r
}

func groupOf(t *testing.T, r api.StatsResponse, dim stats.Dimension, label string) stats.Group {
	t.Helper()
	for _, g := range r.Groupings {
		if g.Dimension != dim {
			continue
		}
		for _, gr := range g.Groups {
			if gr.Label == label {
				return gr
			}
		}
	}
	t.Fatalf("no %s group %q in %+v", dim, label, r.Groupings)
	return stats.Group{}
}

// TestStatsAPI checks GET /api/stats against a hand calculation.
//
// Every record, Kaplan–Meier (answers before censorings on a day):
//
//	day  E  C  n   S
//	  3  0  1  7   (s7 open)
//	  6  1  0  6   5/6
//	  9  0  1  5   (s5 open, holding answer)
//	 28  1  0  4   5/6 × 3/4 = 0.625
//	 30  0  1  3   (s2 open)
//	 31  0  1  2   (s4 lapsed)
//	 49  1  0  1   0        ← median and 90th percentile: 49
//
// Naive median of 6, 28, 49: 28. Deadlines: s6 on time, s2 and s5 overdue:
// 1 of 3 on time.
//
// Alain Maron: s7 (3 C), s1 (28 E), s2 (30 C): at day 28, n = 2 and S =
// 1/2: median 28; 90th percentile not reached, beyond 30.
func TestStatsAPI(t *testing.T) {
	_, ts := newStatsServer(t)
	r := statsJSON(t, ts, "/api/stats")
	if r.Now != "2025-03-01" || r.Unit != "calendar days" {
		t.Errorf("now %q unit %q", r.Now, r.Unit)
	}
	o := r.Overall
	if o.Asked != 7 || o.Answered != 3 || o.Open != 3 || o.Lapsed != 1 || o.Timed != 7 {
		t.Errorf("overall counts %+v", o)
	}
	if o.Median == nil || *o.Median != (stats.Quantile{Days: 49, Reached: true}) || o.P90 == nil || *o.P90 != (stats.Quantile{Days: 49, Reached: true}) {
		t.Errorf("overall median %+v p90 %+v; want 49, 49", o.Median, o.P90)
	}
	if o.NaiveMedian == nil || *o.NaiveMedian != 28 {
		t.Errorf("naive median %v; want 28", o.NaiveMedian)
	}
	if d := o.Deadline; d.Known != 3 || d.OnTime != 1 || d.Late != 2 || d.Overdue != 2 || d.Share == nil || math.Abs(*d.Share-1.0/3) > 1e-9 {
		t.Errorf("deadline %+v", d)
	}
	if len(r.Curve) != 3 || r.Curve[1].Day != 28 || math.Abs(r.Curve[1].Open-0.625) > 1e-9 {
		t.Errorf("curve %+v", r.Curve)
	}
	if len(r.Groupings) != len(stats.Dimensions()) {
		t.Errorf("%d groupings; want all %d by default", len(r.Groupings), len(stats.Dimensions()))
	}
	maron := groupOf(t, r, stats.ByMinister, "Alain Maron")
	if maron.Asked != 3 || maron.Median == nil || maron.Median.Days != 28 || maron.P90.Reached || maron.P90.Beyond != 30 || maron.Source != "brussels" {
		t.Errorf("Alain Maron %+v", maron)
	}
	if dft := groupOf(t, r, stats.ByMinister, "Department for Transport (no minister named)"); dft.Open != 1 {
		t.Errorf("UK question without a minister: %+v", dft)
	}
	if b := groupOf(t, r, stats.ByBody, "Department for Transport"); b.Asked != 2 || b.Median.Days != 6 {
		t.Errorf("by body %+v", b)
	}
	if len(r.Backlog) != 2 || r.Backlog[0].Label != "Alain Maron" || r.Backlog[0].Oldest[0].ID != "brussels/prb/s2" || r.Backlog[0].Oldest[0].Overdue != 20 {
		t.Errorf("backlog %+v", r.Backlog)
	}

	// Filters: the same figures for the minister alone, and the query echoed.
	r = statsJSON(t, ts, "/api/stats"+query("addressee", "alain maron", "source", "brussels", "by", "year,party"))
	if r.Overall.Asked != 0 {
		t.Errorf("a lower-case minister matched %d; the index matches as given, lower or upper case only", r.Overall.Asked)
	}
	r = statsJSON(t, ts, "/api/stats"+query("addressee", "Alain Maron", "source", "brussels", "by", "year,party"))
	if r.Overall.Asked != 3 || r.Overall.Median.Days != 28 {
		t.Errorf("Alain Maron alone: %+v", r.Overall)
	}
	if len(r.Groupings) != 2 || r.Groupings[0].Dimension != stats.ByYear || r.Groupings[1].Dimension != stats.ByParty {
		t.Errorf("groupings %+v; want year then party", r.Groupings)
	}
	if r.Query.Get("addressee") != "Alain Maron" || r.Query.Get("by") != "year,party" {
		t.Errorf("query echoed %v", r.Query)
	}

	// A query text reads the hits from the index, across languages: s1,
	// and the UK's smart city questions s5 and s6. 6 E, 9 C, 28 E: S = 2/3
	// after day 6, 0 after day 28: median 28; naive (6 + 28) / 2 = 17.
	r = statsJSON(t, ts, "/api/stats"+query("q", "ville intelligente"))
	if r.Overall.Asked != 3 || r.Overall.Answered != 2 || r.Overall.Median.Days != 28 || *r.Overall.NaiveMedian != 17 {
		t.Errorf("ville intelligente: %+v", r.Overall)
	}
	r = statsJSON(t, ts, "/api/stats"+query("q", "smart city", "received_from", "2025-02-10"))
	if r.Overall.Asked != 1 || r.Overall.Open != 1 || r.Overall.Deadline.Overdue != 1 {
		t.Errorf("smart city since 2025-02-10: %+v", r.Overall)
	}
}

// TestStatsTableMatchesIndex: the table the server counts searches without
// query text in gives the same figures as reading the hits from the index.
func TestStatsTableMatchesIndex(t *testing.T) {
	s, _ := newStatsServer(t)
	ctx := context.Background()
	for _, req := range []index.Request{
		{},
		{Filters: map[string][]string{"source": {"ukparl"}}},
		{Filters: map[string][]string{"source": {"BRUSSELS"}, "status": {"pending", "lapsed"}}},
		{Filters: map[string][]string{"assembly": {"prb"}, "legislature": {"24/29"}}},
		{Filters: map[string][]string{"author": {"Marie Dupont", "Alex Smith"}}},
		{Filters: map[string][]string{"addressee": {"Ans Persoons"}, "year": {"2024"}}},
		{Filters: map[string][]string{"type": {"written_question"}, "language": {"EN"}, "session": {"24/25"}}},
		{Received: index.DateRange{From: "2024-12-02", To: "2025-02-03"}},
		{Answered: index.DateRange{To: "2025-01-20"}},
		{Filters: map[string][]string{"status": {""}}, Received: index.DateRange{From: "2025-02-26"}},
	} {
		f, ok, err := compileFilter(req)
		if err != nil || !ok {
			t.Fatalf("%+v: the table cannot count it: %v", req, err)
		}
		rows, err := s.tableRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fromTable := stats.New(stats.Options{Now: statsNow})
		for i := range rows {
			if f.match(&rows[i]) {
				fromTable.AddEntry(&rows[i].entry)
			}
		}
		fromIndex := stats.New(stats.Options{Now: statsNow})
		if err := s.ix.All(ctx, req, func(h index.Hit) error { fromIndex.Add(&h.Record); return nil }); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(fromTable.Report())
		b, _ := json.Marshal(fromIndex.Report())
		if string(a) != string(b) {
			t.Errorf("%+v:\ntable %s\nindex %s", req, a, b)
		}
	}
	if _, ok, _ := compileFilter(index.Request{Query: "x"}); ok {
		t.Errorf("a query text was given to the table")
	}
	if _, ok, _ := compileFilter(index.Request{Filters: map[string][]string{"number": {"1"}}}); ok {
		t.Errorf("a filter the table does not know was given to it")
	}
}

// TestStatsTableFollowsHarvests: records stored by a harvest are counted
// once it ends.
func TestStatsTableFollowsHarvests(t *testing.T) {
	ds := statsDataset(t, statsRecords())
	harvested := make(chan struct{})
	extra := statsRecords()[0]
	extra.ID, extra.URL, extra.Received, extra.Answered = "brussels/prb/s8", "https://www.parlement.brussels/q/s8", "2025-02-01", "2025-02-11"
	store := &testStore{ds: ds, ix: ds.Index(), cat: ds.Catalog(), harvest: func(ctx context.Context) error {
		defer close(harvested)
		if _, err := ds.Catalog().Put(ctx, extra, parlq.Capture{RecordID: "<urn:uuid:s8>", URL: extra.URL}, statsNow); err != nil {
			return err
		}
		return ds.Index().Put(ctx, extra)
	}}
	s := New(DefaultConfig(), store)
	s.cfg.Now = func() time.Time { return statsNow }
	defer s.Close()
	ctx := context.Background()
	rep, err := s.Stats(ctx, index.Request{}, nil)
	if err != nil || rep.Overall.Asked != 7 {
		t.Fatalf("before: %v %v", rep, err)
	}
	if err := s.StartHarvest("test"); err != nil {
		t.Fatal(err)
	}
	<-harvested
	for s.running.Load() {
		time.Sleep(5 * time.Millisecond)
	}
	if rep, err = s.Stats(ctx, index.Request{}, nil); err != nil || rep.Overall.Asked != 8 || rep.Overall.Answered != 4 {
		t.Errorf("after the harvest: %+v, %v; want 8 asked, 4 answered", rep.Overall, err)
	}
}

func TestStatsCSV(t *testing.T) {
	_, ts := newStatsServer(t)
	status, hdr, body := get(t, ts, "/api/stats"+query("format", "csv", "by", "minister"))
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := hdr.Get("Content-Disposition"); !strings.Contains(cd, `filename="parlq-stats-2025-03-01.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Header, all, and the four minister groups.
	if len(rows) != 6 || strings.Join(rows[0], ",") != strings.Join(api.StatsCSVHeader, ",") {
		t.Fatalf("rows %q", rows)
	}
	want := map[string]string{"dimension": "all", "asked": "7", "km_median_days": "49", "naive_median_days": "28", "share_on_time": "0.3333"}
	for i, h := range api.StatsCSVHeader {
		if w, ok := want[h]; ok && rows[1][i] != w {
			t.Errorf("all: %s = %q; want %q", h, rows[1][i], w)
		}
	}
	if rows[2][2] != "Alain Maron" || rows[2][1] != "minister" {
		t.Errorf("first group row %q", rows[2])
	}
}

func TestStatsAPIBadRequests(t *testing.T) {
	_, ts := newStatsServer(t)
	for _, c := range []struct{ path, field string }{
		{"/api/stats" + query("by", "department"), "by"},
		{"/api/stats" + query("format", "xlsx"), "format"},
		{"/api/stats" + query("page", "2"), "page"},
		{"/api/stats" + query("received_from", "2025-13-01"), "received"},
		{"/api/stats" + query("q", "city", "received_from", "2025-13-01"), "received"},
		{"/api/stats" + query("received_from", "2025-02-01", "received_to", "2025-01-01"), "received"},
		{"/api/stats" + query("q", "(unbalanced"), "q"},
	} {
		status, _, body := get(t, ts, c.path)
		var e struct{ Error, Field string }
		if status != 400 || json.Unmarshal([]byte(body), &e) != nil || e.Field != c.field || e.Error == "" {
			t.Errorf("GET %s: %d %s; want 400 on %q", c.path, status, body, c.field)
		}
	}
	if status, hdr, _ := get(t, ts, "/api/stats"); status != 200 || hdr.Get("Allow") != "" {
		t.Errorf("GET /api/stats: %d", status)
	}
	resp, err := ts.Client().Post(ts.URL+"/api/stats", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET" {
		t.Errorf("POST /api/stats: %d, Allow %q; want 405, GET", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestStatsPage(t *testing.T) {
	_, ts := newStatsServer(t)
	status, hdr, body := get(t, ts, "/stats")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	for _, want := range []string{
		`<h2 id="overall-h">7 questions, as of <time datetime="2025-03-01">1 March 2025</time></h2>`,
		`<td class="key">49 days</td><td>49 days</td><td>28 days</td><td>33% (1 of 3)</td><td>30 days</td>`,
		`<svg viewBox="0 0 560 240" role="img"`,
		`<path d="M48.0,12.0`,
		`class="km"`, `class="naive"`,
		`<h2 id="groups-h">By minister</h2>`,
		`<a href="/stats?addressee=Alain&#43;Maron&amp;by=minister&amp;source=brussels">Alain Maron</a>`,
		`<a class="person" href="/people/brussels/Alain%20Maron">`,
		`not reached (over 30 days)`,
		`Department for Transport (no minister named)`,
		`<a href="/q/brussels/prb/s2">Question écrite s2</a>`,
		`<strong class="overdue">overdue by 20 days</strong>`,
		`(holding answer <time datetime="2025-02-24">24 February 2025</time>)`,
		`href="/stats/method"`,
		`href="/api/stats?bom=true&amp;by=minister&amp;format=csv"`,
		`<a href="/stats?by=party">Asker&#39;s party</a>`,
		`<option value="minister" selected>Minister</option>`,
		`&lt;script&gt;document.title=`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("stats page lacks %s", want)
		}
	}
	assertInert(t, "stats page", body)

	// Another grouping, filtered, with the notice a status filter calls for.
	_, _, body = get(t, ts, "/stats"+query("by", "party", "status", "answered", "q", "ville intelligente"))
	for _, want := range []string{
		`<h2 id="groups-h">By asker&#39;s party</h2>`,
		`<th scope="row">Ecolo</th>`,
		`A status filter (Answered) leaves out`,
		`Status: <strong>Answered</strong> <a href="/stats?by=party&amp;q=ville&#43;intelligente">remove`,
		`value="ville intelligente"`,
		`<input type="hidden" name="status" value="answered">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("filtered stats page lacks %s", want)
		}
	}

	status, _, body = get(t, ts, "/stats"+query("by", "department", "q", "kept"))
	if status != 400 || !strings.Contains(body, `unknown grouping`) || !strings.Contains(body, `value="kept"`) {
		t.Errorf("bad grouping: %d", status)
	}
	if status, _, _ := get(t, ts, "/stats"+query("format", "csv")); status != 400 {
		t.Errorf("format on the page: %d; want 400", status)
	}
	// Nothing matches: the page says so, without a chart.
	status, _, body = get(t, ts, "/stats"+query("q", "zzzunknownword"))
	if status != 200 || !strings.Contains(body, "0 questions") || strings.Contains(body, "<svg viewBox=\"0 0 560 240\"") || !strings.Contains(body, "No question counted is waiting") {
		t.Errorf("empty result: %d", status)
	}
}

func TestMethodPage(t *testing.T) {
	_, ts := newStatsServer(t)
	status, _, body := get(t, ts, "/stats/method")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"Kaplan–Meier", "right-censored", "Calendar days", "holding answer does not stop the clock", "correction does not restart it", "no deadline known", "not reached",
		"<code>assemblee</code>: 2 months after publication — Règlement de l&#39;Assemblée nationale, article 135"} {
		if !strings.Contains(body, want) {
			t.Errorf("method page lacks %q", want)
		}
	}
	if status, _, _ := get(t, ts, "/stats/method?x=1"); status != 400 {
		t.Errorf("parameters on the method page: %d", status)
	}
}

func TestPersonPage(t *testing.T) {
	_, ts := newStatsServer(t)
	status, _, body := get(t, ts, "/people/brussels/Alain%20Maron")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	for _, want := range []string{
		`<h1>Alain Maron</h1>`,
		`<dd>Parlement de la Région de Bruxelles-Capitale</dd>`,
		`Questions put to Alain Maron: 3`,
		`<td class="key">28 days</td><td>not reached (over 30 days)</td><td>28 days</td>`,
		`<a href="/q/brussels/prb/s2">Question écrite s2</a>: waiting 30 days, <strong class="overdue">overdue by 20 days</strong>`,
		`<a href="/people/brussels/Jan%20Peeters">Jan Peeters</a>`,
		`href="/?addressee=Alain&#43;Maron&amp;source=brussels"`,
		`href="/stats?addressee=Alain&#43;Maron&amp;source=brussels"`,
		` · answered in 28 days`,
		`<a href="/feeds/minister/Alain%20Maron" type="application/atom+xml">Questions to Alain Maron</a>`,
		`<link rel="alternate" type="application/atom+xml" title="Questions to Alain Maron" href="/feeds/minister/Alain%20Maron">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("minister page lacks %s", want)
		}
	}
	if strings.Contains(body, "Questions asked by Alain Maron") {
		t.Errorf("the minister asked nothing: no asker section")
	}
	// An asker: both her questions answered, in 28 and 49 days.
	_, _, body = get(t, ts, "/people/brussels/Marie%20Dupont")
	for _, want := range []string{`Questions asked by Marie Dupont: 2`, `<td class="key">28 days</td><td>49 days</td><td>38.5 days</td>`, `<dd>Ecolo</dd>`} {
		if !strings.Contains(body, want) {
			t.Errorf("asker page lacks %s", want)
		}
	}
	// A name with markup is shown as text, and found by its escaped URL.
	status, _, body = get(t, ts, personPath("brussels", "Eve "+probe))
	if status != 200 || !strings.Contains(body, "Questions asked by Eve &lt;script&gt;") {
		t.Errorf("probe person: %d", status)
	}
	assertInert(t, "person page", body)
	for _, path := range []string{"/people/brussels/Nobody", "/people/ukparl/Alain%20Maron"} {
		if status, _, _ := get(t, ts, path); status != 404 {
			t.Errorf("GET %s: %d; want 404", path, status)
		}
	}
	if status, _, _ := get(t, ts, "/people/brussels/Alain%20Maron?x=1"); status != 400 {
		t.Errorf("parameters on a person page: %d; want 400", status)
	}
}

// TestAnswerTimeOnPages: search results and question pages say how long a
// question has waited and link the people.
func TestAnswerTimeOnPages(t *testing.T) {
	_, ts := newStatsServer(t)
	_, _, body := get(t, ts, "/"+query("source", "brussels", "status", "pending"))
	for _, want := range []string{
		`<div class="clock"><dt>Waiting</dt><dd>30 days · <strong class="overdue">overdue by 20 days</strong></dd></div>`,
		`<div class="clock"><dt>Waiting</dt><dd>3 days</dd></div>`,
		`<a href="/people/brussels/Alain%20Maron">Alain Maron</a>`,
		`<a href="/people/brussels/Jan%20Peeters">Jan Peeters</a>`,
		`<a href="/stats?source=brussels&amp;status=pending">Answer times of these questions</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	_, _, body = get(t, ts, "/"+query("q", "smart city"))
	if !strings.Contains(body, `<dd>9 days · <strong class="overdue">overdue by 4 days</strong></dd>`) {
		t.Errorf("the UK question with a holding answer is not shown waiting, overdue")
	}
	_, _, body = get(t, ts, "/q/ukparl/commons/s6")
	for _, want := range []string{`<dt>Deadline</dt><dd><time datetime="2025-02-09">9 February 2025</time> (answered on time)</dd>`, `href="/people/ukparl/Jane%20Roe"`, `href="/people/ukparl/Alex%20Smith"`} {
		if !strings.Contains(body, want) {
			t.Errorf("question page lacks %s", want)
		}
	}
	_, _, body = get(t, ts, "/q/brussels/prb/s2")
	if !strings.Contains(body, `(<strong class="overdue">overdue by 20 days</strong>)`) || !strings.Contains(body, `<dt>Waiting</dt><dd>30 days`) {
		t.Errorf("question page of an overdue question lacks the deadline and the wait")
	}
}

// TestChartAxis: the chart's day axis ends on a round number and its ticks
// fall on whole days.
func TestChartAxis(t *testing.T) {
	for n, want := range map[float64]float64{0: 4, 3: 4, 4: 4, 7: 10, 49: 50, 101: 200, 380: 400, 401: 500, 1000: 1000} {
		if got := niceCeil(n); got != want {
			t.Errorf("niceCeil(%v) = %v; want %v", n, got, want)
		}
	}
	rep := &stats.Report{Curve: []stats.Step{{Day: 49, Open: 0.5}}, NaiveCurve: []stats.Step{{Day: 49}}}
	c := survivalChart(i18n.EN, rep)
	var labels []string
	for _, tk := range c.XTicks {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, " "); got != "0 10 20 30 40 50" {
		t.Errorf("ticks %s; want 0 10 20 30 40 50", got)
	}
	// Day 49 of 50 is at 48 + 49/50 × 500; the share 0.5 halfway down.
	if !strings.Contains(c.KM, "H538.0 V106.0") {
		t.Errorf("KM path %s", c.KM)
	}
	if survivalChart(i18n.EN, &stats.Report{}) != nil {
		t.Errorf("a chart without any answer")
	}
}

// TestPersonPageOddNames: a name with a slash, a question mark or a percent
// sign has a page of its own at its escaped URL.
func TestPersonPageOddNames(t *testing.T) {
	q := statsRecords()[0]
	q.Author.Name = "Anne/Marie? 100% Dupont"
	ds := statsDataset(t, []*parlq.Question{q})
	s := New(DefaultConfig(), ds)
	s.cfg.Now = func() time.Time { return statsNow }
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()
	path := personPath("brussels", q.Author.Name)
	if path != "/people/brussels/Anne%2FMarie%3F%20100%25%20Dupont" {
		t.Errorf("path %s", path)
	}
	status, _, body := get(t, ts, path)
	if status != 200 || !strings.Contains(body, "<h1>Anne/Marie? 100% Dupont</h1>") || !strings.Contains(body, "Questions asked by Anne/Marie? 100% Dupont: 1") {
		t.Errorf("GET %s: %d\n%.3000s", path, status, body)
	}
}
