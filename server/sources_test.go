package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/dataset"
)

// clockServer serves ds with cfg and a clock the test sets.
func clockServer(t *testing.T, ds *dataset.Dataset, cfg Config, clock *time.Time) *httptest.Server {
	t.Helper()
	cfg.Now = func() time.Time { return *clock }
	s := New(cfg, &testStore{ds: ds, ix: ds.Index(), cat: ds.Catalog()})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return ts
}

// addRun records a finished run.
func addRun(t *testing.T, cat *catalog.Catalog, source, outcome string, start time.Time, errText string) {
	t.Helper()
	ctx := context.Background()
	id, err := cat.StartRun(ctx, source, start)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.FinishRun(ctx, catalog.Run{ID: id, Outcome: outcome, Finished: start.Add(20 * time.Minute), Error: errText}); err != nil {
		t.Fatal(err)
	}
}

// TestFreshnessBannerAndHealthz: with a fake clock and a nightly schedule,
// the search page shows no banner while every source is fresh; a banner
// naming the source once it is stale (two scheduled harvests missed, the
// margin passed) or its last run failed, with the reasons; /healthz is
// degraded with the same reasons and /metrics says stale. Without a
// schedule only the failure remains.
func TestFreshnessBannerAndHealthz(t *testing.T) {
	ds := emptyDataset(t)
	cat := ds.Catalog()
	nov := func(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC) }
	addRun(t, cat, "brussels", catalog.RunOK, nov(1, 3, 0), "")
	addRun(t, cat, "ukparl", catalog.RunOK, nov(3, 3, 0), "")
	clock := nov(2, 12, 0)
	cfg := DefaultConfig()
	cfg.Schedule, cfg.StaleMargin = "0 3 * * *", 6*time.Hour
	ts := clockServer(t, ds, cfg, &clock)

	health := func() healthJSON {
		t.Helper()
		_, _, body := get(t, ts, "/healthz")
		var h healthJSON
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatalf("healthz %s: %v", body, err)
		}
		return h
	}
	banner := func() string {
		t.Helper()
		_, _, body := get(t, ts, "/")
		i := strings.Index(body, `<section class="freshness"`)
		if i < 0 {
			return ""
		}
		return body[i : i+strings.Index(body[i:], "</section>")]
	}

	if b, h := banner(), health(); b != "" || h.Status != "ok" {
		t.Fatalf("fresh sources: banner %q, healthz %+v; want none, ok", b, h)
	}

	clock = nov(3, 9, 0) // the second scheduled harvest's margin ends now
	if b := banner(); b != "" {
		t.Errorf("at the end of the margin: banner %q; want none", b)
	}
	clock = nov(3, 9, 1)
	b := banner()
	stale := `<li><strong>brussels</strong>: stale, last complete harvest 1 November 2026, 03:20 UTC, 2 days 5 h ago</li>`
	if !strings.Contains(b, stale) || strings.Contains(b, "ukparl") {
		t.Errorf("brussels stale: banner\n%s\nwant %s, not ukparl", b, stale)
	}
	h := health()
	if h.Status != "degraded" || !h.Sources["brussels"].Stale || h.Sources["ukparl"].Stale ||
		len(h.Reasons) != 1 || !strings.HasPrefix(h.Reasons[0], "brussels: stale: no complete harvest since 2026-11-01 03:20 UTC") {
		t.Errorf("brussels stale: healthz %+v", h)
	}
	_, _, metrics := get(t, ts, "/metrics")
	for _, want := range []string{`parlq_source_stale{source="brussels"} 1`, `parlq_source_stale{source="ukparl"} 0`,
		`parlq_seconds_since_last_complete_harvest{source="ukparl"} 20460`} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}

	// ukparl's last run fails: it is named, with the failure.
	addRun(t, cat, "ukparl", catalog.RunFailed, nov(3, 10, 0), "list https://x/list: status 503")
	b = banner()
	if !strings.Contains(b, `<li><strong>ukparl</strong>: the last harvest failed (3 November 2026, 10:00 UTC): <span class="reason" lang="en">list https://x/list: status 503</span></li>`) {
		t.Errorf("ukparl failed: banner\n%s", b)
	}
	if !strings.Contains(b, stale) || !strings.Contains(b, `<a href="/sources">`) {
		t.Errorf("the banner does not link the sources page")
	}

	// Failed again with a long reason, and stale too: both, the reason cut.
	long := "list https://x/list: " + strings.Repeat("x", 400)
	addRun(t, cat, "ukparl", catalog.RunFailed, nov(5, 10, 0), long)
	clock = nov(6, 0, 0)
	b = banner()
	if want := `<li><strong>ukparl</strong>: the last harvest failed (5 November 2026, 10:00 UTC): <span class="reason" lang="en">` + long[:maxBannerError] + `…</span>; stale, last complete harvest 3 November 2026, 03:20 UTC, 2 days 20 h ago</li>`; !strings.Contains(b, want) {
		t.Errorf("ukparl failed and stale: banner\n%s\nwant %s", b, want)
	}

	// Without a schedule nothing is stale; the failure stays.
	cfg.Schedule = ""
	ts = clockServer(t, ds, cfg, &clock)
	b = banner()
	if strings.Contains(b, "brussels") || !strings.Contains(b, "ukparl") {
		t.Errorf("no schedule: banner\n%s\nwant ukparl's failure alone", b)
	}
	if h := health(); h.Sources["brussels"].Stale || h.Status != "degraded" {
		t.Errorf("no schedule: healthz %+v", h)
	}
}

// chamberRecord is a stored Belgian Chamber question of legislature 56.
func chamberRecord(n int) *parlq.Question {
	id := fmt.Sprintf("bechamber/chamber/56-3-%04d-202520260%04d", n, n)
	return &parlq.Question{ID: id, Source: "bechamber", Parliament: "Chambre", Assembly: "chamber",
		URL: "http://data.dekamer.be/v0/qrva/" + id, Language: "fr", Type: parlq.WrittenQuestion,
		Number: fmt.Sprint(n), Legislature: "56", Received: "2025-11-0" + fmt.Sprint(n),
		Title: fmt.Sprintf("Question %d", n), Status: parlq.Pending, Question: "Texte.", Author: parlq.Person{Name: "A"}}
}

// TestSourcesPageAndLedgerGauges: a catalog where the Chamber's list
// announces five questions and delivered four, three are stored, one was
// given up, and the minister's number 3 was never listed; a UK question
// stored. The sources page and /metrics tell each count, the gap, the
// caveat, and no gaps for the UK (not numbered).
func TestSourcesPageAndLedgerGauges(t *testing.T) {
	ctx := context.Background()
	ds := emptyDataset(t)
	cat := ds.Catalog()
	at := time.Date(2026, 11, 3, 3, 0, 0, 0, time.UTC)
	var refs []parlq.Ref
	for _, n := range []int{1, 2, 4, 5} {
		q := chamberRecord(n)
		refs = append(refs, parlq.Ref{ID: q.ID, URL: q.URL, Type: q.Type, Listing: &parlq.Question{ID: q.ID, Number: q.Number, Legislature: "56"}})
	}
	if _, err := cat.Track(ctx, "bechamber", refs); err != nil {
		t.Fatal(err)
	}
	for i, n := range []int{1, 2, 4} {
		if _, err := cat.Put(ctx, chamberRecord(n), parlq.Capture{RecordID: fmt.Sprintf("<urn:uuid:%d>", i)}, at); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		if err := cat.MarkFailed(ctx, chamberRecord(5).ID, at, "http://data.dekamer.be/v0/qrva/x: status 404"); err != nil {
			t.Fatal(err)
		}
	}
	addRun(t, cat, "bechamber", catalog.RunOK, at, "")
	runs, _ := cat.Runs(ctx, "bechamber", 1)
	if err := cat.SetListCounts(ctx, "bechamber", runs[0].ID, at, []catalog.ListCount{
		{URL: "http://data.dekamer.be/v0/qrva?leg=56&start=0", Items: 4, Announced: 5}}); err != nil {
		t.Fatal(err)
	}
	uk := &parlq.Question{ID: "ukparl/commons/7", Source: "ukparl", Parliament: "House of Commons", Assembly: "commons",
		URL: "https://x/7", Language: "en", Type: parlq.WrittenQuestion, Number: "7", Received: "2026-10-12",
		Title: "Buses", Status: parlq.Pending, Question: "Buses?", Author: parlq.Person{Name: "B"}}
	if _, err := cat.Put(ctx, uk, parlq.Capture{RecordID: "<urn:uuid:uk>"}, at); err != nil {
		t.Fatal(err)
	}
	clock := at.Add(time.Hour)
	ts := clockServer(t, ds, DefaultConfig(), &clock)

	status, _, page := get(t, ts, "/sources")
	if status != 200 {
		t.Fatalf("/sources: %d\n%s", status, page)
	}
	for _, want := range []string{
		`<tr><th scope="row">legislature 56</th><td>5</td><td>4</td><td>3</td><td>1</td><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td></tr>`,
		`<li>legislature 56, minister 3 in order of precedence: numbers 1–5 seen, 1 missing: 3</li>`,
		`not necessarily up to date or complete`,
		`<tr><th scope="row">tabled in 2026-10</th><td>not said</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>not numbered consecutively</td></tr>`,
		`<td><code>http://data.dekamer.be/v0/qrva?leg=56&amp;start=0</code></td><td>5</td><td>4</td><td>2026-11-03 03:00 UTC</td>`,
		`<dt>Last complete harvest</dt><dd>2026-11-03 03:20 UTC (40 min ago)</dd>`,
		`Harvests are scheduled <code>0 3 * * *</code>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/sources lacks %s", want)
		}
	}

	_, _, metrics := get(t, ts, "/metrics")
	leg := `source="bechamber",kind="legislature",part="56"`
	for _, want := range []string{
		`parlq_ledger_announced{` + leg + `} 5`,
		`parlq_ledger_listed{` + leg + `} 4`,
		`parlq_ledger_stored{` + leg + `} 3`,
		`parlq_ledger_missing{` + leg + `} 1`,
		`parlq_ledger_failing{` + leg + `} 0`,
		`parlq_ledger_given_up{` + leg + `} 1`,
		`parlq_ledger_suspect{` + leg + `} 0`,
		`parlq_ledger_numbering_gaps{` + leg + `} 1`,
		`parlq_ledger_stored{source="ukparl",kind="tabled",part="2026-10"} 1`,
		"# TYPE parlq_ledger_missing gauge",
	} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, bad := range []string{`parlq_ledger_numbering_gaps{source="ukparl"`, `parlq_ledger_announced{source="ukparl"`} {
		if strings.Contains(metrics, bad) {
			t.Errorf("metrics have %s: the UK neither numbers consecutively nor announces per part", bad)
		}
	}
}
