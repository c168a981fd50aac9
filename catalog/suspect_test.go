package catalog

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/parlq/parlq"
)

// addCapture records the capture of q as the crawler does before storing.
func addCapture(t testing.TB, c *Catalog, q *parlq.Question, cp parlq.Capture, n int, runID int64) {
	t.Helper()
	if _, err := c.AddCapture(context.Background(), Capture{
		Source: q.Source, URL: q.URL, QuestionID: q.ID, RecordID: cp.RecordID, File: cp.File, Offset: cp.Offset,
		PayloadDigest: cp.PayloadDigest, NormDigest: "sha256:norm" + string(rune('a'+n)), Status: 200,
		ETag: `"e` + string(rune('a'+n)) + `"`, FetchedAt: at(n), RunID: runID,
	}); err != nil {
		t.Fatal(err)
	}
}

func TestPutCheckedHoldsBackAWorseRecord(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	run, err := c.StartRun(ctx, "brussels", at(0))
	if err != nil {
		t.Fatal(err)
	}
	good := answered(pending("brussels", 1))
	cp1 := capture(good, 1)
	addCapture(t, c, good, cp1, 1, run)
	if res, err := c.PutChecked(ctx, good, cp1, at(1), Check{RunID: run, URL: good.URL}); err != nil || res.Outcome != New {
		t.Fatalf("first reading: %+v, %v; want new", res, err)
	}

	// The page comes back with its answer gone and its text blank.
	worse := pending("brussels", 1)
	worse.Question = ""
	cp2 := capture(worse, 2)
	addCapture(t, c, worse, cp2, 2, run)
	res, err := c.PutChecked(ctx, worse, cp2, at(2), Check{RunID: run, URL: worse.URL})
	if err != nil || res.Outcome != Suspect {
		t.Fatalf("worse reading: %+v, %v; want suspect", res, err)
	}
	if got := parlq.LossFields(res.Losses); !slices.Equal(got, []string{"answered", "status", "question", "answer", "acts"}) {
		t.Errorf("losses %v", res.Losses)
	}
	cur, err := c.Get(ctx, good.ID)
	if err != nil || cur.Version != 1 || cur.Status != parlq.Answered || cur.Answer == "" {
		t.Fatalf("current record after a suspect: %+v, %v; want version 1, answered", cur, err)
	}
	// The suspect capture vouches for nothing: no digest, no validators.
	if d, _ := c.LatestNormDigest(ctx, good.ID); d != "sha256:normb" {
		t.Errorf("latest digest %q; want the stored capture's", d)
	}
	if etag, _, _ := c.Validators(ctx, good.URL); etag != `"eb"` {
		t.Errorf("validators %q; want the stored capture's", etag)
	}
	it, err := c.Item(ctx, good.ID)
	if err != nil || !it.Suspect || it.Status != parlq.Answered {
		t.Errorf("tracking %+v, %v; want suspect, status answered", it, err)
	}
	open, err := c.Suspects(ctx, "brussels", SuspectOpen)
	if err != nil || len(open) != 1 {
		t.Fatalf("open suspects %+v, %v", open, err)
	}
	s := open[0]
	if s.RecordID != cp2.RecordID || s.URL != good.URL || s.RunID != run || s.Version != 1 || s.Record.Question != "" ||
		!slices.Equal(s.Fields, []string{"answered", "status", "question", "answer", "acts"}) {
		t.Errorf("suspect %+v", s)
	}
	// The same capture again (a reparse) adds nothing.
	if res, err := c.PutChecked(ctx, worse, cp2, at(2), Check{RunID: 0, URL: worse.URL}); err != nil || res.Outcome != Suspect {
		t.Errorf("again: %+v, %v", res, err)
	}
	if n := count(t, c, "suspects", "1"); n != 1 {
		t.Errorf("suspect rows %d; want 1", n)
	}
	// A later worse capture supersedes it.
	cp3 := capture(worse, 3)
	addCapture(t, c, worse, cp3, 3, run)
	if _, err := c.PutChecked(ctx, worse, cp3, at(3), Check{RunID: run, URL: worse.URL}); err != nil {
		t.Fatal(err)
	}
	all, _ := c.Suspects(ctx, "brussels", "")
	if len(all) != 2 || all[0].State != SuspectOpen || all[1].State != SuspectSuperseded {
		t.Errorf("suspects %+v; want the newer open, the older superseded", all)
	}
	// The good page again: stored unchanged, the suspect cleared.
	cp4 := capture(good, 4)
	addCapture(t, c, good, cp4, 4, run)
	if res, err := c.PutChecked(ctx, answered(pending("brussels", 1)), cp4, at(4), Check{RunID: run, URL: good.URL}); err != nil || res.Outcome != Unchanged {
		t.Fatalf("good again: %+v, %v", res, err)
	}
	all, _ = c.Suspects(ctx, "brussels", "")
	if all[0].State != SuspectCleared || all[0].Resolved.IsZero() {
		t.Errorf("after a good capture: %+v; want cleared", all[0])
	}
	if it, _ := c.Item(ctx, good.ID); it.Suspect {
		t.Error("tracking still suspect")
	}
	if _, err := c.Accept(ctx, good.ID); !errors.Is(err, ErrNoSuspect) {
		t.Errorf("accept without a suspect: %v; want ErrNoSuspect", err)
	}
}

func TestAcceptStoresTheSuspectVersion(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	good := answered(pending("brussels", 2))
	cp1 := capture(good, 1)
	addCapture(t, c, good, cp1, 1, 0)
	mustPut(t, c, good, cp1, at(1))
	withdrawnLate := pending("brussels", 2)
	withdrawnLate.Status = parlq.Withdrawn
	cp2 := capture(withdrawnLate, 2)
	addCapture(t, c, withdrawnLate, cp2, 2, 0)
	if res, err := c.PutChecked(ctx, withdrawnLate, cp2, at(2), Check{}); err != nil || res.Outcome != Suspect {
		t.Fatalf("%+v, %v", res, err)
	}
	// Put (unguarded) keeps its semantics: it would store it.
	res, err := c.Accept(ctx, good.ID)
	if err != nil || res.Outcome != Changed || res.Version != 2 || res.From != parlq.Answered || res.To != parlq.Withdrawn {
		t.Fatalf("accept: %+v, %v", res, err)
	}
	cur, _ := c.Get(ctx, good.ID)
	if cur.Status != parlq.Withdrawn || cur.Capture.RecordID != cp2.RecordID {
		t.Errorf("current after accept: %+v", cur)
	}
	es, _ := c.Events(ctx, "brussels", at(0))
	var kinds []string
	for _, e := range es {
		kinds = append(kinds, e.Kind+":"+e.From+">"+e.To)
	}
	if !slices.Equal(kinds, []string{"status:answered>withdrawn", "accepted:answered,status,answer,acts>"}) {
		t.Errorf("events %q", kinds)
	}
	all, _ := c.Suspects(ctx, "", "")
	if len(all) != 1 || all[0].State != SuspectAccepted {
		t.Errorf("suspects %+v; want accepted", all)
	}
	// The accepted capture now vouches for the page.
	if d, _ := c.LatestNormDigest(ctx, good.ID); d != "sha256:normc" {
		t.Errorf("digest %q; want the accepted capture's", d)
	}
}

func TestConfirmClearsASuspect(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	good := answered(pending("brussels", 3))
	cp1 := capture(good, 1)
	addCapture(t, c, good, cp1, 1, 0)
	mustPut(t, c, good, cp1, at(1))
	worse := *good
	worse.Answer = ""
	cp2 := capture(good, 2)
	addCapture(t, c, good, cp2, 2, 0)
	if res, _ := c.PutChecked(ctx, &worse, cp2, at(2), Check{}); res.Outcome != Suspect {
		t.Fatalf("%+v", res)
	}
	cp3 := capture(good, 3)
	addCapture(t, c, good, cp3, 3, 0)
	if err := c.Confirm(ctx, good.ID, cp3.RecordID, at(3)); err != nil {
		t.Fatal(err)
	}
	if open, _ := c.Suspects(ctx, "", SuspectOpen); len(open) != 0 {
		t.Errorf("open suspects after a confirmed page: %+v", open)
	}
}

// uk returns a UK-like question tabled on day with uin number, grouped with
// the given uins tabled the same day.
func uk(id int, number, day string, grouped ...string) *parlq.Question {
	q := pending("ukparl", id)
	q.ID = parlq.MakeID("ukparl", "commons", q.ID[len("ukparl/prb/"):])
	q.Source, q.Assembly, q.Number, q.Received = "ukparl", "commons", number, day
	for _, g := range grouped {
		q.Related = append(q.Related, parlq.RelatedRef("ukparl", "commons", g, day))
	}
	return q
}

func TestRelatedReferencesResolve(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	a := uk(1, "40613", "2026-03-09", "40614", "40615")
	b := uk(2, "40614", "2026-03-09", "40613", "40615")
	// Same number, another session: never taken for the grouped question.
	old := uk(3, "40615", "2024-11-02")
	mustPut(t, c, old, capture(old, 1), at(1))
	if res := mustPut(t, c, a, capture(a, 2), at(2)); len(res.Relinked) != 0 {
		t.Errorf("a relinked %v", res.Relinked)
	}
	if !slices.Equal(a.Related, []string{"ukparl/commons/number:40614@2026-03-09", "ukparl/commons/number:40615@2026-03-09"}) {
		t.Errorf("a related %q; want readable references (nothing stored)", a.Related)
	}
	// b is stored: its reference to a resolves, and a's reference to b
	// becomes b's id in place.
	res := mustPut(t, c, b, capture(b, 3), at(3))
	if !slices.Equal(b.Related, []string{a.ID, "ukparl/commons/number:40615@2026-03-09"}) {
		t.Errorf("b related %q", b.Related)
	}
	if !slices.Equal(res.Relinked, []string{a.ID}) {
		t.Errorf("relinked %v; want a", res.Relinked)
	}
	gotA, _ := c.Get(ctx, a.ID)
	if gotA.Version != 1 || !slices.Equal(gotA.Related, []string{b.ID, "ukparl/commons/number:40615@2026-03-09"}) {
		t.Errorf("a after b: version %d, related %q", gotA.Version, gotA.Related)
	}
	vs, _ := c.Versions(ctx, a.ID)
	if len(vs) != 1 || !slices.Equal(vs[0].Record.Related, gotA.Related) {
		t.Errorf("a's versions %+v; want one, as current", vs)
	}
	// a's page read again (unresolved references) is unchanged.
	again := uk(1, "40613", "2026-03-09", "40614", "40615")
	if res := mustPut(t, c, again, capture(again, 4), at(4)); res.Outcome != Unchanged {
		t.Errorf("a again: %+v; want unchanged", res)
	}
	// The third arrives: both others name it.
	third := uk(4, "40615", "2026-03-09", "40613", "40614")
	res = mustPut(t, c, third, capture(third, 5), at(5))
	slices.Sort(res.Relinked)
	if !slices.Equal(third.Related, []string{a.ID, b.ID}) || !slices.Equal(res.Relinked, []string{a.ID, b.ID}) {
		t.Errorf("third related %q, relinked %v", third.Related, res.Relinked)
	}
	if n := count(t, c, "related_refs", "1"); n != 0 {
		t.Errorf("related_refs rows %d; want none left", n)
	}
}

func TestListCounts(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	run, _ := c.StartRun(ctx, "brussels", at(0))
	if err := c.SetListCounts(ctx, "brussels", run, at(1), []ListCount{{URL: "https://x/a.json", Items: 120, Announced: -1}}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetListCounts(ctx, "brussels", run, at(2), []ListCount{{URL: "https://x/a.json", Items: 130, Announced: 130}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.ListCounts(ctx, "brussels")
	if err != nil || len(got) != 1 || got["https://x/a.json"].Items != 130 || got["https://x/a.json"].RunID != run {
		t.Errorf("list counts %+v, %v", got, err)
	}
	if had, _ := c.HadList(ctx, "brussels", "https://x/a.json"); had {
		t.Error("HadList without a capture")
	}
	c.AddCapture(ctx, Capture{Source: "brussels", URL: "https://x/a.json", RecordID: "<urn:uuid:l1>", Status: 200, FetchedAt: at(1)})
	if had, _ := c.HadList(ctx, "brussels", "https://x/a.json"); !had {
		t.Error("HadList false after a 200 capture")
	}
}

func TestRunSuspectsAndNotes(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	id, _ := c.StartRun(ctx, "ukparl", at(0))
	r := Run{ID: id, Outcome: RunSuspect, Finished: at(5), Suspects: 2, Error: "2 captures held back", Notes: "robots.txt: 404"}
	if err := c.FinishRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := c.LastRun(ctx, "ukparl")
	if err != nil || got.Outcome != RunSuspect || got.Suspects != 2 || got.Notes != "robots.txt: 404" {
		t.Errorf("run %+v, %v", got, err)
	}
	if _, err := c.LastGoodRun(ctx, "ukparl"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a suspect run is no good run: %v", err)
	}
	if h, err := c.LastHarvestedRun(ctx, "ukparl"); err != nil || h.ID != id {
		t.Errorf("last harvested run %+v, %v; want the suspect run", h, err)
	}
}

// TestMigrateRunsKeepsReferences: migration 0002 rebuilds runs (a new
// outcome in its CHECK) under captures that refer to it; every run and
// reference survives, and the new outcome is accepted.
func TestMigrateRunsKeepsReferences(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "catalog.db")
	first := migrations()[:1]
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, first); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO runs (id, source, started_at, outcome, failed, error) VALUES (7, 'brussels', '2025-03-01T21:00:00.000Z', 'failed', 3, 'three pages failed')`,
		`INSERT INTO captures (source, url, record_id, http_status, fetched_at, run_id) VALUES ('brussels', 'https://x/1', '<urn:uuid:1>', 200, '2025-03-01T21:00:01.000Z', 7)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	c, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open (migrate to the latest): %v", err)
	}
	defer c.Close()
	r, err := c.LastRun(ctx, "brussels")
	if err != nil || r.ID != 7 || r.Failed != 3 || r.Error != "three pages failed" || r.Suspects != 0 {
		t.Errorf("run after migration %+v, %v", r, err)
	}
	cp, err := c.CaptureByRecordID(ctx, "<urn:uuid:1>")
	if err != nil || cp.RunID != 7 {
		t.Errorf("capture after migration %+v, %v", cp, err)
	}
	if err := c.FinishRun(ctx, Run{ID: 7, Outcome: RunSuspect, Finished: at(1)}); err != nil {
		t.Errorf("the new outcome: %v", err)
	}
	var fk int
	c.w.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	if fk != 1 {
		t.Errorf("foreign keys %d after migrating; want 1", fk)
	}
	// A capture may not refer to a run that does not exist (checked).
	if _, err := c.w.Exec(`INSERT INTO captures (source, url, record_id, http_status, fetched_at, run_id) VALUES ('b', 'u', '<urn:uuid:2>', 200, 'x', 99)`); err == nil {
		t.Error("a capture of a missing run was accepted")
	}
	// A migration that leaves a dangling reference is refused.
	bad := fstest.MapFS{"0001_a.sql": {Data: []byte(`CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE ch (p INTEGER REFERENCES p (id)); INSERT INTO ch VALUES (5);`)}}
	ms, _ := loadMigrations(bad)
	db2, _ := sql.Open("sqlite", filepath.Join(t.TempDir(), "bad.db"))
	defer db2.Close()
	if err := migrate(ctx, db2, ms); err == nil {
		t.Error("a migration leaving a dangling reference was applied")
	}
}

// TestFirstReadingWorseThanItsListing: a question read for the first time
// without the text its list shows is held back, not stored as version 1.
func TestFirstReadingWorseThanItsListing(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	listing := answered(pending("ukparl", 5))
	listing.Question, listing.Answer = listing.Question[:255], listing.Answer[:255]
	blank := answered(pending("ukparl", 5))
	blank.Question, blank.Answer = "", ""
	cp := capture(blank, 1)
	addCapture(t, c, blank, cp, 1, 0)
	res, err := c.PutChecked(ctx, blank, cp, at(1), Check{Listing: listing})
	if err != nil || res.Outcome != Suspect || !slices.Equal(parlq.LossFields(res.Losses), []string{"question", "answer"}) {
		t.Fatalf("%+v, %v; want suspect (question, answer)", res, err)
	}
	if _, err := c.Get(ctx, blank.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the blank reading was stored: %v", err)
	}
	s, err := c.OpenSuspect(ctx, blank.ID)
	if err != nil || s.Version != 0 {
		t.Errorf("suspect %+v, %v; want version 0", s, err)
	}
	// The full reading passes the listing's check.
	full := answered(pending("ukparl", 5))
	cp2 := capture(full, 2)
	addCapture(t, c, full, cp2, 2, 0)
	if res, err := c.PutChecked(ctx, full, cp2, at(2), Check{Listing: listing}); err != nil || res.Outcome != New {
		t.Errorf("%+v, %v; want new", res, err)
	}
	if _, err := c.OpenSuspect(ctx, full.ID); !errors.Is(err, ErrNoSuspect) {
		t.Errorf("the suspect is still open: %v", err)
	}
}
