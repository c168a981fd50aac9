package dataset

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/bechamber/bechambertest"
)

// chamberLedgerSite is a QRVA replay of legislature 56 for the ledger
// test: generated questions less one whose number its minister skipped
// (a gap), and a dataset harvesting it with a clock the test moves.
type chamberLedgerSite struct {
	site    *bechambertest.Site
	ds      *Dataset
	clock   time.Time
	skipped bechambertest.Question
}

func newChamberLedgerSite(t *testing.T, start time.Time) *chamberLedgerSite {
	t.Helper()
	qs := bechambertest.Generate(30, 56, start)
	// Skip a number inside a minister's series: the lowest-but-one of the
	// minister with the most questions.
	byPres := map[int][]int{}
	for i, q := range qs {
		byPres[q.Precedence] = append(byPres[q.Precedence], i)
	}
	most := -1
	for p, idx := range byPres {
		if most < 0 || len(idx) > len(byPres[most]) || (len(idx) == len(byPres[most]) && p < most) {
			most = p
		}
	}
	if len(byPres[most]) < 3 {
		t.Fatalf("generated questions: no minister with three questions (%v)", byPres)
	}
	skip := byPres[most][1]
	c := &chamberLedgerSite{clock: start, skipped: qs[skip]}
	c.site = bechambertest.New(bechambertest.Options{Questions: slices.Delete(slices.Clone(qs), skip, skip+1)})
	t.Cleanup(c.site.Close)
	src, err := parser.Lookup("bechamber")
	if err != nil {
		t.Fatal(err)
	}
	cfg := crawler.DefaultConfig()
	cfg.BaseURL = c.site.URL()
	cfg.Delay, cfg.Jitter = 0, 0
	cfg.Backoff, cfg.MaxBackoff = time.Millisecond, 5*time.Millisecond
	cfg.GiveUpAfter = 2
	cfg.Now = func() time.Time { return c.clock }
	c.ds, err = Open(context.Background(), t.TempDir(), Options{Command: "test", Write: true, Archive: true, Index: true,
		Jobs: []Job{{Source: src, Config: cfg}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.ds.Close() })
	return c
}

// harvestAt runs one harvest at the given time and returns its run.
func (c *chamberLedgerSite) harvestAt(t *testing.T, at time.Time) catalog.Run {
	t.Helper()
	c.clock = at
	runs, _ := c.ds.Harvest(context.Background(), nil)
	if len(runs) != 1 {
		t.Fatalf("harvest at %s: %d runs", at, len(runs))
	}
	return runs[0]
}

// TestLedgerOfAReplayedSite: a Belgian Chamber replay whose list announces
// a question whose document is gone (404), another that failed until it was
// given up, a number its minister skipped, and a capture held back as
// suspect; the last run failed after a good one. The ledger counts each
// where it belongs, the gap is found, and the freshness names the last
// complete harvest and the last failure with its reason.
func TestLedgerOfAReplayedSite(t *testing.T) {
	ctx := context.Background()
	day0 := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	c := newChamberLedgerSite(t, day0)
	qs := c.site.Questions()
	givenUp := qs[4]
	c.site.SetFault(bechambertest.DocumentTarget(givenUp), crawlertest.Fault{Kind: crawlertest.NotFound})

	// Two failed runs: the question fails twice and is given up.
	for i := range 2 {
		if r := c.harvestAt(t, day0.AddDate(0, 0, i)); r.Outcome != catalog.RunFailed || r.Failed != 1 {
			t.Fatalf("run %d = %+v; want failed, one page", i+1, r)
		}
	}
	// A good run: the given-up question is left alone.
	good := c.harvestAt(t, day0.AddDate(0, 0, 2))
	if good.Outcome != catalog.RunOK {
		t.Fatalf("third run = %+v; want ok (the given-up question left alone)", good)
	}
	// The list now announces a new question whose document is gone.
	last := qs[len(qs)-1]
	gone := last
	gone.ID, gone.Number, gone.DocName = last.ID+1000, 0, last.DocName[:8]+"99999"
	for _, q := range qs {
		if q.Precedence == gone.Precedence {
			gone.Number = max(gone.Number, q.Number+1)
		}
	}
	c.site.SetQuestion(gone)
	c.site.SetFault(bechambertest.DocumentTarget(gone), crawlertest.Fault{Kind: crawlertest.NotFound})
	failed := c.harvestAt(t, day0.AddDate(0, 0, 3))
	if failed.Outcome != catalog.RunFailed || failed.Failed != 1 || !strings.Contains(failed.Error, "status 404") {
		t.Fatalf("fourth run = %+v; want failed on the gone page", failed)
	}
	// A capture held back as suspect: a stored question read worse (after
	// its stored reading, whose time is the archive's, the real clock's).
	cat := c.ds.Catalog()
	later := time.Now().Add(time.Hour)
	stored, err := cat.Get(ctx, qs[7].RecordID())
	if err != nil {
		t.Fatal(err)
	}
	worse := *stored
	worse.Question, worse.Title = "", stored.Title
	if worse.Status == parlq.Answered {
		worse.Status, worse.Answer, worse.Answered, worse.Answers = parlq.Pending, "", "", nil
	}
	if _, err := cat.AddCapture(ctx, catalog.Capture{Source: "bechamber", URL: stored.URL, QuestionID: stored.ID,
		RecordID: "<urn:uuid:ledger-worse>", Status: 200, FetchedAt: later}); err != nil {
		t.Fatal(err)
	}
	if res, err := cat.PutChecked(ctx, &worse, parlq.Capture{RecordID: "<urn:uuid:ledger-worse>"}, later, catalog.Check{}); err != nil || res.Outcome != catalog.Suspect {
		t.Fatalf("worse reading: %+v, %v; want it held back", res, err)
	}

	now := day0.AddDate(0, 0, 3).Add(time.Hour)
	st, err := c.ds.Status(ctx, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	s := st.Sources["bechamber"]
	l := s.Ledger
	if l == nil || !l.Numbered || !strings.Contains(l.Caveat, "not necessarily up to date or complete") {
		t.Fatalf("ledger %+v; want a numbered source with the service's caveat", l)
	}
	if len(l.Parts) != 1 {
		t.Fatalf("parts %+v; want legislature 56 alone", l.Parts)
	}
	p := l.Parts[0]
	want := LedgerPart{Kind: PartLegislature, Key: "56", Announced: len(qs) + 1, Listed: len(qs) + 1, Stored: len(qs) - 1,
		Missing: 2, Failing: 1, GivenUp: 1, Suspect: 1, GapNumbers: 1}
	got := p
	got.Gaps, got.latest = nil, ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("legislature 56:\n got %+v\nwant %+v", got, want)
	}
	series, n, _ := parser.All()[2].(parlq.Numbered).NumberSeries(&parlq.Question{ID: c.skipped.RecordID()})
	if len(p.Gaps) != 1 || p.Gaps[0].Series != series || p.Gaps[0].Missing != 1 || p.Gaps[0].Ranges[0] != [2]int{n, n} {
		t.Errorf("gaps %+v; want %s: %d", p.Gaps, series, n)
	}
	if l.Total.Listed != p.Listed || l.Total.Announced != p.Announced || l.Total.GapNumbers != 1 {
		t.Errorf("total %+v; want the one part's counts", l.Total)
	}
	if len(l.Lists) != 1 || l.Lists[0].Announced != len(qs)+1 || l.Lists[0].Delivered != len(qs)+1 {
		t.Errorf("lists %+v; want the legislature's list, %d announced and delivered", l.Lists, len(qs)+1)
	}

	f := s.Freshness
	if f.LastHarvest == nil || !f.LastHarvest.Finished.Equal(day0.AddDate(0, 0, 2)) || f.AgeSeconds != (25*time.Hour).Seconds() {
		t.Errorf("last harvest %+v, age %v; want the third run, 25 h", f.LastHarvest, f.AgeSeconds)
	}
	if f.LastFailure == nil || !f.LastFailure.Started.Equal(day0.AddDate(0, 0, 3)) || !strings.Contains(f.LastFailure.Error, c.site.URL()+"/v0/qrva/"+gone.SDOCNAME()) {
		t.Errorf("last failure %+v; want the fourth run naming %s", f.LastFailure, gone.SDOCNAME())
	}
	if !f.FirstRun.Equal(day0) || s.Health != HealthFailed {
		t.Errorf("first run %v, health %s; want %v, failed", f.FirstRun, s.Health, day0)
	}
}

// TestStaleAfterTwoScheduledHarvests: under a nightly schedule a source is
// stale once two scheduled harvests have passed since its last complete
// one, the second given the margin to finish; Status and ReadHealth agree,
// and say why.
func TestStaleAfterTwoScheduledHarvests(t *testing.T) {
	ctx := context.Background()
	ds, err := Open(ctx, t.TempDir(), Options{Command: "test", Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	cat := ds.Catalog()
	sched, err := cron.ParseStandard("0 3 * * *")
	if err != nil {
		t.Fatal(err)
	}
	fr := Freshness{Schedule: sched, Spec: "0 3 * * *", Margin: 6 * time.Hour}
	run := func(source, outcome string, start time.Time) {
		id, err := cat.StartRun(ctx, source, start)
		if err != nil {
			t.Fatal(err)
		}
		if err := cat.FinishRun(ctx, catalog.Run{ID: id, Outcome: outcome, Finished: start.Add(20 * time.Minute), Error: "boom"}); err != nil {
			t.Fatal(err)
		}
	}
	nov := func(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC) }
	run("brussels", catalog.RunOK, nov(1, 3, 0))      // finished 03:20
	run("brussels", catalog.RunFailed, nov(2, 3, 0))  // one failed night
	run("ukparl", catalog.RunSuspect, nov(3, 3, 0))   // complete, with captures held back
	run("bechamber", catalog.RunFailed, nov(1, 3, 0)) // never complete
	run("bechamber", catalog.RunFailed, nov(2, 3, 0))
	for _, c := range []struct {
		now   time.Time
		stale map[string]bool
	}{
		{nov(3, 9, 0), map[string]bool{"brussels": false, "ukparl": false, "bechamber": false}},
		{nov(3, 9, 1), map[string]bool{"brussels": true, "ukparl": false, "bechamber": true}},
		{nov(5, 9, 0), map[string]bool{"brussels": true, "ukparl": false, "bechamber": true}},
		{nov(5, 9, 21), map[string]bool{"brussels": true, "ukparl": true, "bechamber": true}},
	} {
		st, err := ds.Status(ctx, nil, c.now)
		if err != nil {
			t.Fatal(err)
		}
		st.ApplyFreshness(c.now, fr)
		hs, err := ReadHealth(ctx, cat, c.now, fr)
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range c.stale {
			s, h := st.Sources[name], hs[name]
			if s.Stale != want || s.Freshness.Stale != want || h.Stale != want {
				t.Errorf("at %s, %s: stale %v (status) %v (freshness) %v (health); want %v", c.now, name, s.Stale, s.Freshness.Stale, h.Stale, want)
			}
			if want && (!s.Degraded() || !h.Degraded() || !slices.ContainsFunc(h.Reasons, func(r string) bool { return strings.HasPrefix(r, "stale: ") })) {
				t.Errorf("at %s, %s: stale but not degraded, or no reason: %+v", c.now, name, h)
			}
		}
	}
	hs, _ := ReadHealth(ctx, cat, nov(3, 9, 1), fr)
	want := `stale: no complete harvest since 2026-11-01 03:20 UTC (2 days 5 h ago); the schedule "0 3 * * *" started harvests at 2026-11-02 03:00 UTC and 2026-11-03 03:00 UTC, and the second had until 2026-11-03 09:00 UTC to finish`
	if !slices.Contains(hs["brussels"].Reasons, want) {
		t.Errorf("brussels reasons %q; want %q", hs["brussels"].Reasons, want)
	}
	if r := hs["bechamber"].Reasons; !slices.ContainsFunc(r, func(s string) bool { return strings.Contains(s, "since the first run on 2026-11-01 03:00 UTC") }) {
		t.Errorf("bechamber reasons %q; want the first run named", r)
	}
	// Without a schedule nothing is stale.
	hs, _ = ReadHealth(ctx, cat, nov(30, 0, 0), Freshness{})
	if hs["brussels"].Stale || hs["ukparl"].Stale {
		t.Errorf("stale without a schedule: %+v", hs)
	}
	if st, _ := ds.Status(ctx, nil, nov(3, 4, 0)); st.Sources["ukparl"].Freshness.AgeSeconds != (40 * time.Minute).Seconds() {
		t.Errorf("ukparl age %v; want 40 min", st.Sources["ukparl"].Freshness.AgeSeconds)
	}
}

// TestGapsAndParts: gaps are the numbers between the lowest and the
// highest seen, in ranges; parts are legislatures, else months of tabling.
func TestGapsAndParts(t *testing.T) {
	g := gapsOf("s", map[int]bool{3: true, 4: true, 6: true, 10: true, 11: true})
	if g.First != 3 || g.Last != 11 || g.Seen != 5 || g.Missing != 4 || fmt.Sprint(g.Ranges) != "[[5 5] [7 9]]" || g.RangesText(0) != "5, 7–9" || g.RangesText(1) != "5, and 1 more" {
		t.Errorf("gaps %+v (%s)", g, g.RangesText(0))
	}
	for _, c := range []struct{ leg, received, kind, key string }{
		{"24/29", "2026-03-01", PartLegislature, "24/29"},
		{"", "2026-03-01", PartTabled, "2026-03"},
		{"", "", PartUnknown, ""},
	} {
		if kind, key := partOf(c.leg, c.received); kind != c.kind || key != c.key {
			t.Errorf("partOf(%q, %q) = %s %s; want %s %s", c.leg, c.received, kind, key, c.kind, c.key)
		}
	}
}

// TestLedgerListsAndParts: a source without legislatures (the UK) is
// counted per month of tabling, announces nothing per part, and shows only
// the lists its newest run read (older windows are left behind); a source
// with legislatures (Brussels, whose index gives no count) shows the list
// of every legislature it counts, and no gaps (it does not number
// consecutively).
func TestLedgerListsAndParts(t *testing.T) {
	uk, _ := parser.Lookup("ukparl")
	at := func(d int) time.Time { return time.Date(2026, 11, d, 3, 0, 0, 0, time.UTC) }
	l := buildLedger(uk, []catalog.LedgerItem{
		{ID: "ukparl/commons/1", Number: "10", Received: "2026-10-30", Stored: true},
		{ID: "ukparl/commons/2", Number: "12", Received: "2026-11-02", Stored: true},
		{ID: "ukparl/lords/3", Number: "HL4", Received: "2026-11-02", Failures: 5, LastError: "404"},
		{ID: "ukparl/commons/4", Number: "13", Received: "2026-11-03"},
	}, []catalog.ListCount{
		{URL: "https://q/list?tabledWhenFrom=2026-11-01", Items: 3, Announced: 3, RunID: 2, At: at(3)},
		{URL: "https://q/list?tabledWhenFrom=2026-10-01", Items: 9, Announced: 9, RunID: 1, At: at(1)},
	}, 5)
	if l.Numbered || len(l.Parts) != 2 || l.Parts[0].Key != "2026-11" || l.Parts[0].Kind != PartTabled || l.Parts[1].Key != "2026-10" {
		t.Fatalf("uk parts %+v", l.Parts)
	}
	if p := l.Parts[0]; p.Announced != -1 || p.Listed != 3 || p.Stored != 1 || p.Missing != 2 || p.NotFetched != 1 || p.GivenUp != 1 || p.Failing != 0 || p.Gaps != nil {
		t.Errorf("uk 2026-11: %+v", p)
	}
	if len(l.Lists) != 1 || l.Lists[0].Run != 2 || l.Total.Announced != -1 || l.Total.Listed != 4 {
		t.Errorf("uk lists %+v, total %+v; want the newest run's list alone, nothing announced", l.Lists, l.Total)
	}

	br, _ := parser.Lookup("brussels")
	l = buildLedger(br, []catalog.LedgerItem{
		{ID: "brussels/prb/1", Number: "4", Legislature: "19/24", Received: "2023-01-02", Stored: true},
		{ID: "brussels/prb/2", Number: "9", Legislature: "24/29", Received: "2025-01-02", Stored: true},
	}, []catalog.ListCount{
		{URL: "https://www.parlement.brussels/prb_includes/weblex/data/dos_qu_legis_24-29.json", Items: 7, Announced: -1, RunID: 4, At: at(3)},
		{URL: "https://www.parlement.brussels/prb_includes/weblex/data/dos_qu_legis_19-24.json", Items: 5, Announced: -1, RunID: 1, At: at(1)},
	}, 5)
	if len(l.Parts) != 2 || l.Parts[0].Key != "24/29" || l.Parts[1].Key != "19/24" || l.Parts[0].Announced != -1 || l.Numbered {
		t.Errorf("brussels parts %+v; want 24/29 then 19/24, no count, not numbered", l.Parts)
	}
	if len(l.Lists) != 2 || l.Parts[0].GapNumbers != 0 || l.Parts[0].Gaps != nil {
		t.Errorf("brussels lists %+v; want both legislatures' indexes", l.Lists)
	}
}
