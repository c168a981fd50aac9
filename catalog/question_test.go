package catalog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
)

func TestPutNewUnchangedChanged(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	q := pending("brussels", 1)
	id := q.ID

	res := mustPut(t, c, q, capture(q, 1), at(0))
	if want := (PutResult{Outcome: New, Version: 1, To: parlq.Pending}); !reflect.DeepEqual(res, want) {
		t.Errorf("first Put = %+v; want %+v", res, want)
	}
	if q.Version != 1 || !q.FetchedAt.Equal(stamp(at(0))) || q.Capture == nil || q.Capture.RecordID != capture(q, 1).RecordID {
		t.Errorf("q after Put: version %d, fetched_at %v, capture %+v; want 1, %v, capture 1", q.Version, q.FetchedAt, q.Capture, stamp(at(0)))
	}
	got, err := c.Get(ctx, id)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if g, w := asJSON(t, got), asJSON(t, q); g != w {
		t.Errorf("Get = %s\nwant %s", g, w)
	}

	// The same content fetched again: nothing new, whatever the capture.
	again := pending("brussels", 1)
	res = mustPut(t, c, again, capture(again, 2), at(60))
	if res.Outcome != Unchanged || res.Version != 1 || res.Changed != nil || res.Stale {
		t.Errorf("same content = %+v; want unchanged version 1", res)
	}
	if again.Version != 1 || again.Capture.RecordID != capture(q, 1).RecordID {
		t.Errorf("q after unchanged Put: version %d capture %+v; want the stored version 1", again.Version, again.Capture)
	}

	// Pending to answered.
	a := answered(pending("brussels", 1))
	res = mustPut(t, c, a, capture(a, 3), at(120))
	want := PutResult{Outcome: Changed, Version: 2, From: parlq.Pending, To: parlq.Answered,
		Changed: []string{"published", "answered", "status", "answer", "acts"}}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("answered Put = %+v; want %+v", res, want)
	}
	events, err := c.Events(ctx, "brussels", time.Time{})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	wantEvents := []Event{{QuestionID: id, Version: 2, Kind: "status", From: "pending", To: "answered", At: stamp(at(120))}}
	if !reflect.DeepEqual(events, wantEvents) {
		t.Errorf("Events = %+v; want %+v", events, wantEvents)
	}
	if es, _ := c.Events(ctx, "brussels", at(121)); len(es) != 0 {
		t.Errorf("Events since after the change = %+v; want none", es)
	}
	if es, _ := c.Events(ctx, "ukparl", time.Time{}); len(es) != 0 {
		t.Errorf("Events of another source = %+v; want none", es)
	}

	vs, err := c.Versions(ctx, id)
	if err != nil {
		t.Fatalf("Versions: %v", err)
	}
	if len(vs) != 2 {
		t.Fatalf("got %d versions; want 2", len(vs))
	}
	if vs[0].Version != 1 || vs[0].Changed != nil || !vs[0].At.Equal(stamp(at(0))) || vs[0].Record.Status != parlq.Pending {
		t.Errorf("version 1 = %d %v %v %s; want 1, no changes, %v, pending", vs[0].Version, vs[0].Changed, vs[0].At, vs[0].Record.Status, stamp(at(0)))
	}
	if vs[1].Version != 2 || !reflect.DeepEqual(vs[1].Changed, want.Changed) || vs[1].Record.Answer == "" || vs[1].Record.Capture.RecordID != capture(a, 3).RecordID {
		t.Errorf("version 2 = %d %v answer %d bytes capture %+v; want 2, %v, the answer, capture 3",
			vs[1].Version, vs[1].Changed, len(vs[1].Record.Answer), vs[1].Record.Capture, want.Changed)
	}

	it, err := c.Item(ctx, id)
	if err != nil {
		t.Fatalf("Item: %v", err)
	}
	if it.Status != parlq.Answered || it.Answered != "2025-02-27" || !it.LastFetched.Equal(stamp(at(120))) ||
		!it.LastChanged.Equal(stamp(at(120))) || it.Received != "2025-01-15" || it.Type != parlq.WrittenQuestion {
		t.Errorf("Item = %+v; want answered 2025-02-27, fetched and changed at %v", it, stamp(at(120)))
	}
	// An unchanged fetch moves last fetched, not last changed.
	mustPut(t, c, answered(pending("brussels", 1)), parlq.Capture{}, at(180))
	it, _ = c.Item(ctx, id)
	if !it.LastFetched.Equal(stamp(at(180))) || !it.LastChanged.Equal(stamp(at(120))) {
		t.Errorf("Item fetched/changed = %v/%v; want %v/%v", it.LastFetched, it.LastChanged, stamp(at(180)), stamp(at(120)))
	}
	if n := count(t, c, "versions", "question_id = ?", id); n != 2 {
		t.Errorf("versions rows = %d; want 2", n)
	}
}

func TestPutNestedChanges(t *testing.T) {
	c, _ := openTest(t)
	q := pending("brussels", 2)
	mustPut(t, c, q, capture(q, 1), at(0))

	role := pending("brussels", 2)
	role.Addressee.Role = "Ministre chargé du Climat"
	if res := mustPut(t, c, role, capture(q, 2), at(1)); !reflect.DeepEqual(res.Changed, []string{"addressee"}) {
		t.Errorf("role change: Changed = %v; want [addressee]", res.Changed)
	}
	tr := pending("brussels", 2)
	tr.Addressee.Role = role.Addressee.Role
	tr.Translations = map[string]parlq.Translation{"nl": {Title: "Schriftelijke vraag"}}
	tr.Title += " (rectifié)"
	if res := mustPut(t, c, tr, capture(q, 3), at(2)); !reflect.DeepEqual(res.Changed, []string{"title", "translations"}) {
		t.Errorf("title and translation: Changed = %v; want [title translations]", res.Changed)
	}
	// No status change, no event.
	if es, _ := c.Events(context.Background(), "", time.Time{}); len(es) != 0 {
		t.Errorf("events = %+v; want none", es)
	}
}

func TestPutIgnoresCatalogFields(t *testing.T) {
	c, _ := openTest(t)
	q := pending("brussels", 3)
	mustPut(t, c, q, capture(q, 1), at(0))
	other := pending("brussels", 3)
	other.ParserVersion = "test-2"
	other.Version = 42
	other.FetchedAt = at(-1000)
	other.Capture = &parlq.Capture{RecordID: "<urn:uuid:elsewhere>"}
	if res := mustPut(t, c, other, capture(q, 2), at(5)); res.Outcome != Unchanged || res.Version != 1 {
		t.Errorf("Put differing only in catalog fields = %+v; want unchanged version 1", res)
	}
}

func TestPutReplay(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	p := pending("brussels", 4)
	a := answered(pending("brussels", 4))
	mustPut(t, c, p, capture(p, 1), at(0))
	mustPut(t, c, a, capture(a, 2), at(10))

	// A crash-retry or reparse replays the old pages in order: nothing new.
	for i, step := range []struct {
		q     *parlq.Question
		n, at int
		stale bool
	}{
		{pending("brussels", 4), 1, 0, true},
		{answered(pending("brussels", 4)), 2, 10, false},
		{answered(pending("brussels", 4)), 2, 10, false},
	} {
		res := mustPut(t, c, step.q, capture(step.q, step.n), at(step.at))
		if res.Outcome != Unchanged || res.Version != 2 || res.Stale != step.stale {
			t.Errorf("replay %d = %+v; want unchanged version 2, stale %v", i, res, step.stale)
		}
		if step.q.Version != 2 || step.q.Status != parlq.Answered && !step.stale {
			t.Errorf("replay %d: q version %d; want 2", i, step.q.Version)
		}
	}
	if n := count(t, c, "versions", "1"); n != 2 {
		t.Errorf("versions = %d; want 2", n)
	}
	if n := count(t, c, "events", "1"); n != 1 {
		t.Errorf("events = %d; want 1", n)
	}
	got, _ := c.Get(ctx, p.ID)
	if got.Status != parlq.Answered || got.Version != 2 {
		t.Errorf("current = %s v%d; want answered v2", got.Status, got.Version)
	}
}

func TestPutRefusesInvalid(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	q := pending("brussels", 5)
	q.Status = parlq.Answered // without an answer
	_, err := c.Put(ctx, q, capture(q, 1), at(0))
	if !errors.Is(err, parlq.ErrInvalid) || !strings.Contains(err.Error(), q.ID) {
		t.Errorf("Put invalid = %v; want parlq.ErrInvalid naming %s", err, q.ID)
	}
	if _, err := c.Get(ctx, q.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after refused Put = %v; want ErrNotFound", err)
	}
	if _, err := c.Put(ctx, pending("brussels", 5), parlq.Capture{}, time.Time{}); err == nil {
		t.Error("Put without a fetch time succeeded; want an error")
	}
	if _, err := c.Put(ctx, nil, parlq.Capture{}, at(0)); err == nil {
		t.Error("Put(nil) succeeded; want an error")
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	for name, err := range map[string]error{
		"Get":               func() error { _, err := c.Get(ctx, "brussels/prb/1"); return err }(),
		"Versions":          func() error { _, err := c.Versions(ctx, "brussels/prb/1"); return err }(),
		"Item":              func() error { _, err := c.Item(ctx, "brussels/prb/1"); return err }(),
		"MarkFetched":       c.MarkFetched(ctx, "brussels/prb/1", at(0)),
		"MarkFailed":        c.MarkFailed(ctx, "brussels/prb/1", at(0), "boom"),
		"LastRun":           func() error { _, err := c.LastRun(ctx, "brussels"); return err }(),
		"LastGoodRun":       func() error { _, err := c.LastGoodRun(ctx, "brussels"); return err }(),
		"FinishRun":         c.FinishRun(ctx, Run{ID: 7, Outcome: RunOK}),
		"CaptureByRecordID": func() error { _, err := c.CaptureByRecordID(ctx, "<urn:uuid:x>"); return err }(),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s = %v; want ErrNotFound", name, err)
		}
	}
}

func TestMalformedRecord(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	q := pending("brussels", 6)
	mustPut(t, c, q, capture(q, 1), at(0))
	if _, err := c.w.Exec(`UPDATE questions SET record = '{"id": "brussels/prb/1600' WHERE id = ?`, q.ID); err != nil {
		t.Fatal(err)
	}
	_, err := c.Get(ctx, q.ID)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), q.ID) {
		t.Errorf("Get of a malformed record = %v; want ErrCorrupt naming %s", err, q.ID)
	}
	if err := c.Each(ctx, "", func(*parlq.Question) error { return nil }); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Each over a malformed record = %v; want ErrCorrupt", err)
	}
	// A Put onto it fails and writes nothing.
	a := answered(pending("brussels", 6))
	if _, err := c.Put(ctx, a, capture(a, 2), at(10)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Put onto a malformed record = %v; want ErrCorrupt", err)
	}
	if n := count(t, c, "versions", "question_id = ?", q.ID); n != 1 {
		t.Errorf("versions after failed Put = %d; want 1", n)
	}
	// A record whose JSON is someone else's is corrupt too.
	if _, err := c.w.Exec(`UPDATE questions SET record = '{"id": "brussels/prb/other"}' WHERE id = ?`, q.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, q.ID); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Get of a record with another id = %v; want ErrCorrupt", err)
	}
	if _, err := c.w.Exec(`UPDATE versions SET record = 'not json' WHERE question_id = ?`, q.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Versions(ctx, q.ID); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Versions with a malformed record = %v; want ErrCorrupt", err)
	}
}

func TestEachAndStats(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	// More than one batch of the iterator.
	n := eachBatch + 20
	var want []string
	for i := range n {
		q := pending("brussels", i)
		if i%3 == 0 {
			q = answered(q)
		}
		mustPut(t, c, q, parlq.Capture{}, at(i))
		want = append(want, q.ID)
	}
	uk := pending("ukparl", 1)
	uk.Assembly, uk.ID = "commons", parlq.MakeID("ukparl", "commons", "1")
	mustPut(t, c, uk, parlq.Capture{}, at(0))

	var got []string
	err := c.Each(ctx, "brussels", func(q *parlq.Question) error {
		got = append(got, q.ID)
		// Writing from inside the walk must not deadlock.
		_, err := c.Put(ctx, q, parlq.Capture{}, at(n+1))
		return err
	})
	if err != nil {
		t.Fatalf("Each: %v", err)
	}
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Each visited %d ids; want %d, by id", len(got), len(want))
	}
	all := 0
	c.Each(ctx, "", func(*parlq.Question) error { all++; return nil })
	if all != n+1 {
		t.Errorf("Each(\"\") visited %d; want %d", all, n+1)
	}
	stop := errors.New("stop")
	visited := 0
	if err := c.Each(ctx, "", func(*parlq.Question) error { visited++; return stop }); err != stop || visited != 1 {
		t.Errorf("Each with a failing fn = %v after %d; want stop after 1", err, visited)
	}

	st, err := c.Stats(ctx, "brussels")
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	answeredN := (n + 2) / 3
	wantStats := Stats{Records: n, ByStatus: map[string]int{"answered": answeredN, "pending": n - answeredN}}
	if !reflect.DeepEqual(st, wantStats) {
		t.Errorf("Stats = %+v; want %+v", st, wantStats)
	}
	if st, _ := c.Stats(ctx, ""); st.Records != n+1 {
		t.Errorf("Stats(\"\").Records = %d; want %d", st.Records, n+1)
	}
	if st, _ := c.Stats(ctx, "nowhere"); st.Records != 0 || len(st.ByStatus) != 0 {
		t.Errorf("Stats of an unknown source = %+v; want empty", st)
	}
	if _, err := c.StartRun(ctx, "flanders", at(0)); err != nil {
		t.Fatal(err)
	}
	sources, err := c.Sources(ctx)
	if want := []string{"brussels", "flanders", "ukparl"}; err != nil || !reflect.DeepEqual(sources, want) {
		t.Errorf("Sources = %v, %v; want %v", sources, err, want)
	}
}

func TestPutLinksCapture(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	q := pending("brussels", 7)
	add := func(n int, norm string) parlq.Capture {
		cp := capture(q, n)
		if _, err := c.AddCapture(ctx, Capture{Source: "brussels", URL: q.URL, QuestionID: q.ID, RecordID: cp.RecordID,
			NormDigest: norm, Status: 200, FetchedAt: at(n)}); err != nil {
			t.Fatal(err)
		}
		return cp
	}
	cp1 := add(1, "sha1:AAA")
	if d, err := c.LatestNormDigest(ctx, q.ID); err != nil || d != "" {
		t.Errorf("LatestNormDigest before any parse = %q, %v; want \"\"", d, err)
	}
	mustPut(t, c, q, cp1, at(1))
	// A later capture that failed to parse (no Put) does not count.
	add(2, "sha1:BBB")
	if d, err := c.LatestNormDigest(ctx, q.ID); err != nil || d != "sha1:AAA" {
		t.Errorf("LatestNormDigest = %q, %v; want sha1:AAA", d, err)
	}
	cp3 := add(3, "sha1:CCC")
	mustPut(t, c, pending("brussels", 7), cp3, at(3))
	if d, _ := c.LatestNormDigest(ctx, q.ID); d != "sha1:CCC" {
		t.Errorf("LatestNormDigest after unchanged Put = %q; want sha1:CCC", d)
	}
	var v int
	if err := c.r.QueryRow(`SELECT question_version FROM captures WHERE record_id = ?`, cp3.RecordID).Scan(&v); err != nil || v != 1 {
		t.Errorf("capture 3 question_version = %d, %v; want 1", v, err)
	}
}

func ExampleCatalog_Put() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "catalog")
	defer os.RemoveAll(dir)
	c, err := Open(ctx, dir+"/catalog.db")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	q := pending("brussels", 1)
	res, _ := c.Put(ctx, q, parlq.Capture{RecordID: "<urn:uuid:1>"}, t0)
	fmt.Println(res.Outcome, res.Version)
	res, _ = c.Put(ctx, answered(pending("brussels", 1)), parlq.Capture{RecordID: "<urn:uuid:2>"}, t0.Add(24*time.Hour))
	fmt.Println(res.Outcome, res.Version, res.From, "->", res.To, res.Changed)
	// Output:
	// new 1
	// changed 2 pending -> answered [published answered status answer acts]
}

// TestPutBatch: a batch stores what a Put each would, versions and
// tracking included, and an invalid record refuses the whole batch before
// anything is written; a failure inside the transaction stores nothing.
func TestPutBatch(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	one, two := pending("brussels", 1), pending("brussels", 2)
	res, err := c.PutBatch(ctx, []PutItem{
		{Question: one, Capture: capture(one, 1), FetchedAt: at(0)},
		{Question: two, Capture: capture(two, 1), FetchedAt: at(0)},
		{Question: answered(pending("brussels", 1)), Capture: capture(one, 2), FetchedAt: at(5)},
	})
	if err != nil {
		t.Fatalf("PutBatch: %v", err)
	}
	if len(res) != 3 || res[0].Outcome != New || res[1].Outcome != New || res[2].Outcome != Changed || res[2].Version != 2 {
		t.Fatalf("PutBatch results %+v; want new, new, changed to version 2", res)
	}
	if one.Version != 1 || !one.FetchedAt.Equal(stamp(at(0))) {
		t.Errorf("first record after the batch: version %d, fetched %v", one.Version, one.FetchedAt)
	}
	got, err := c.Get(ctx, one.ID)
	if err != nil || got.Status != parlq.Answered || got.Version != 2 {
		t.Fatalf("Get after the batch: %+v, %v; want answered version 2", got, err)
	}
	if vs, err := c.Versions(ctx, one.ID); err != nil || len(vs) != 2 {
		t.Errorf("versions after the batch: %d, %v; want 2", len(vs), err)
	}

	bad := pending("brussels", 3)
	bad.Title = ""
	three := pending("brussels", 4)
	if _, err := c.PutBatch(ctx, []PutItem{{Question: three, FetchedAt: at(9)}, {Question: bad, FetchedAt: at(9)}}); !errors.Is(err, parlq.ErrInvalid) {
		t.Fatalf("a batch with an invalid record: %v; want ErrInvalid", err)
	}
	if _, err := c.Get(ctx, three.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a refused batch stored its valid record: %v", err)
	}

	// A cancelled context fails inside the transaction: nothing stored.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	four := pending("brussels", 5)
	if _, err := c.PutBatch(cctx, []PutItem{{Question: four, FetchedAt: at(9)}}); err == nil {
		t.Fatal("a batch under a cancelled context succeeded")
	}
	if _, err := c.Get(ctx, four.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a failed batch stored a record: %v", err)
	}
}
