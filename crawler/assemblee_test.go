package crawler

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

// anHarness is a harness whose source is the Assemblée nationale, served by
// its stand-in: the dump, the reference data and every question's own
// document on one loopback host.
type anHarness struct {
	*harness
	an  *assembleetest.Site
	all []assembleetest.Question
}

// anStart is a Tuesday (when the Journal officiel publishes questions)
// about 200 days ago: the harness's clock starts at the wall clock, which
// stamps the archive's records, and the generated legislature is recent.
var anStart = func() time.Time {
	d := time.Now().UTC().AddDate(0, 0, -200).Truncate(24 * time.Hour)
	return d.AddDate(0, 0, -int(d.Weekday()+7-time.Tuesday)%7)
}()

// newANHarness serves n generated questions as they stood on day on, with
// the reference data of that day.
func newANHarness(t testing.TB, n int, on time.Time, mod func(*Config)) *anHarness {
	t.Helper()
	h := newHarness(t, nil, mod)
	all := assembleetest.Generate(n, anStart, 365)
	an := assembleetest.New(assembleetest.Options{
		Questions:  assembleetest.AsOf(all, on),
		References: assembleetest.GenerateReferences(all, on),
	})
	t.Cleanup(an.Close)
	src, err := parser.Lookup("assemblee")
	if err != nil {
		t.Fatal(err)
	}
	h.src = src
	h.cfg.BaseURL = an.URL()
	return &anHarness{harness: h, an: an, all: all}
}

func anID(uid string) string { return parlq.MakeID("assemblee", "AN", uid) }

// targets lists the logged requests' targets, with their status.
func (h *anHarness) targets() []string {
	var out []string
	for _, e := range h.an.Log() {
		out = append(out, string(e.Target)+" "+itoa(e.Status))
	}
	return out
}

// publish makes the site serve the questions as they stand on a day.
func (h *anHarness) publish(on time.Time) {
	for _, q := range assembleetest.AsOf(h.all, on) {
		h.an.SetQuestion(q)
	}
}

// warcCounter counts the records of each WARC-Type in an archive
// directory, reading only what was appended since it last counted.
type warcCounter struct {
	dir   string
	read  map[string]int64 // bytes of each file counted
	n     map[string]int   // records of each type
	bytes map[string]int64 // their size on disk (gzip members)
}

func newWARCCounter(dir string) *warcCounter {
	return &warcCounter{dir: dir, read: map[string]int64{}, n: map[string]int{}, bytes: map[string]int64{}}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// added returns the records of each type appended since the last call.
func (c *warcCounter) added(t testing.TB) map[string]int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(c.dir, "*.warc.gz"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		start := c.read[path]
		if _, err := f.Seek(start, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		cr := &countingReader{r: f}
		br := bufio.NewReaderSize(cr, 1<<20)
		for {
			if _, err := br.Peek(1); err == io.EOF {
				break
			}
			at := cr.n - int64(br.Buffered())
			zr, err := gzip.NewReader(br)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			zr.Multistream(false)
			b, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			head, _, _ := strings.Cut(string(b[:min(len(b), 4096)]), "\r\n\r\n")
			_, rest, _ := strings.Cut(head, "WARC-Type: ")
			typ, _, _ := strings.Cut(rest, "\r\n")
			out[typ]++
			c.n[typ]++
			c.bytes[typ] += cr.n - int64(br.Buffered()) - at
		}
		c.read[path] = start + cr.n - int64(br.Buffered())
		f.Close()
	}
	return out
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// docChanges returns the uids new in next, and those whose document
// changed from prev.
func docChanges(prev, next []assembleetest.Question) (added, changed []string) {
	old := map[string][]byte{}
	for _, q := range prev {
		old[q.UID()] = q.JSON()
	}
	for _, q := range next {
		b, ok := old[q.UID()]
		switch {
		case !ok:
			added = append(added, q.UID())
		case !bytes.Equal(b, q.JSON()):
			changed = append(changed, q.UID())
		}
	}
	return added, changed
}

// TestAssembleeNightByNight harvests the stand-in night after night: the
// first run reads the references, then every question from the dump, with
// three requests; a night with changes stores exactly the changed and new
// questions, each archived as its own record; a night whose dump was
// rebuilt with the same content archives revisit records and stores
// nothing; a night where nothing was rebuilt costs two 304s.
func TestAssembleeNightByNight(t *testing.T) {
	on := anStart.AddDate(0, 0, 120)
	h := newANHarness(t, 200, on, nil)
	warc := newWARCCounter(filepath.Join(h.dir, "warc"))
	first := assembleetest.AsOf(h.all, on)

	r := h.mustRun()
	if got, want := h.targets(), []string{"robots 200", "actors 200", "dump 200"}; !slices.Equal(got, want) {
		t.Errorf("first run requests %v; want %v", got, want)
	}
	if r.Requests != 3 || r.Discovered != len(first) || r.New != len(first) || r.Failed != 0 {
		t.Errorf("first run = %+v; want 3 requests, %d discovered and new", r, len(first))
	}
	if got, want := warc.added(t), map[string]int{"warcinfo": 1, "response": 3, "request": 3, "conversion": len(first)}; !sameCounts(got, want) {
		t.Errorf("first run archived %v; want %v", got, want)
	}
	ctx := context.Background()
	for _, q := range first {
		rec, err := h.cat.Get(ctx, anID(q.UID()))
		if err != nil {
			t.Fatal(err)
		}
		if rec.Author.Name == "" || strings.HasPrefix(rec.Author.Name, "PA") || rec.Author.Party == "" {
			t.Errorf("%s: author %+v; want a name and a group read from the references", rec.ID, rec.Author)
		}
		if rec.Capture == nil || !strings.HasPrefix(rec.Capture.URL, h.an.URL()+"/dyn/opendata/") {
			t.Errorf("%s: capture %+v; want the conversion record of its document", rec.ID, rec.Capture)
		}
		it, err := h.cat.Item(ctx, rec.ID)
		if err != nil || it.URL != assemblee.QuestionURL(q.UID()) {
			t.Errorf("%s: tracked URL %q, %v; want the canonical %s", rec.ID, it.URL, err, assemblee.QuestionURL(q.UID()))
		}
	}

	// A week later: new questions, answers, moves.
	on2 := on.AddDate(0, 0, 7)
	h.publish(on2)
	second := assembleetest.AsOf(h.all, on2)
	added, changed := docChanges(first, second)
	if len(added) == 0 || len(changed) == 0 {
		t.Fatalf("the generated week brings %d new and %d changed questions; the test needs both", len(added), len(changed))
	}
	h.an.ResetLog()
	h.advance(7 * 24 * time.Hour)
	r = h.mustRun()
	if got, want := h.targets(), []string{"robots 200", "actors 304", "dump 200"}; !slices.Equal(got, want) {
		t.Errorf("second night requests %v; want %v", got, want)
	}
	for _, e := range h.an.Log()[1:] {
		if e.IfNoneMatch == "" || e.IfModifiedSince == "" {
			t.Errorf("%s requested without validators", e.Target)
		}
	}
	if r.New != len(added) || r.Changed != len(changed) || r.Unchanged != len(first)-len(changed) || r.Failed != 0 {
		t.Errorf("second night = %+v; want %d new, %d changed, %d unchanged", r, len(added), len(changed), len(first)-len(changed))
	}
	if got, want := warc.added(t), map[string]int{"response": 3, "request": 3, "conversion": len(added) + len(changed)}; !sameCounts(got, want) {
		t.Errorf("second night archived %v; want %v (robots, a 304, the dump, and the changed entries)", got, want)
	}
	for _, uid := range changed {
		vs, err := h.cat.Versions(ctx, anID(uid))
		if err != nil || len(vs) != 2 {
			t.Errorf("%s: %d versions, %v; want 2", uid, len(vs), err)
		}
	}

	// The dump and the references rebuilt with the same content.
	h.an.Rebuild()
	h.an.ResetLog()
	h.advance(24 * time.Hour)
	r = h.mustRun()
	if got, want := h.targets(), []string{"robots 200", "actors 200", "dump 200"}; !slices.Equal(got, want) {
		t.Errorf("rebuilt night requests %v; want %v", got, want)
	}
	if r.New != 0 || r.Changed != 0 || r.Unchanged != len(second) {
		t.Errorf("rebuilt night = %+v; want %d unchanged, nothing else", r, len(second))
	}
	if got, want := warc.added(t), map[string]int{"response": 1, "revisit": 2, "request": 3}; !sameCounts(got, want) {
		t.Errorf("rebuilt night archived %v; want %v (robots, and two revisits)", got, want)
	}
	for _, q := range second {
		it, err := h.cat.Item(ctx, anID(q.UID()))
		if err != nil || !it.LastFetched.Equal(h.clock().Truncate(time.Millisecond)) {
			t.Errorf("%s: last fetched %v, %v; want tonight %v (seen in the dump)", q.UID(), it.LastFetched, err, h.clock())
		}
	}

	// Nothing rebuilt: two 304s, read back from the archive.
	h.an.ResetLog()
	h.advance(24 * time.Hour)
	r = h.mustRun()
	if got, want := h.targets(), []string{"robots 200", "actors 304", "dump 304"}; !slices.Equal(got, want) {
		t.Errorf("quiet night requests %v; want %v", got, want)
	}
	if r.New != 0 || r.Changed != 0 || r.Unchanged != len(second) || r.Failed != 0 {
		t.Errorf("quiet night = %+v; want %d unchanged", r, len(second))
	}
	if got, want := warc.added(t), map[string]int{"response": 3, "request": 3}; !sameCounts(got, want) {
		t.Errorf("quiet night archived %v; want %v", got, want)
	}

	// Reparse: into the same catalog nothing changes; into a fresh one
	// the same records and versions, authors resolved with the archived
	// references.
	rep, err := Reparse(ctx, h.src, h.cat, warc.dir, nil)
	if err != nil || rep.New != 0 || rep.Changed != 0 || rep.References != 1 {
		t.Errorf("reparse into the same catalog = %+v, %v; want nothing new, 1 reference document", rep, err)
	}
	fresh, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	rep, err = Reparse(ctx, h.src, fresh, warc.dir, nil)
	if err != nil || rep.New != len(second) || rep.Lists != 2 || rep.References != 1 || rep.Unreadable != 0 {
		t.Errorf("reparse into a fresh catalog = %+v, %v; want %d new from 2 dumps and 1 reference document", rep, err, len(second))
	}
	for _, q := range second {
		want, err := h.cat.Versions(ctx, anID(q.UID()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := fresh.Versions(ctx, anID(q.UID()))
		if err != nil || len(got) != len(want) {
			t.Errorf("%s: %d versions, %v; want %d", q.UID(), len(got), err, len(want))
			continue
		}
		for i := range got {
			if !sameRecord(got[i].Record, want[i].Record) {
				t.Errorf("%s v%d differs:\n got %+v\nwant %+v", q.UID(), i+1, got[i].Record, want[i].Record)
			}
		}
	}
}

// TestAssembleeBadEntriesFailAlone: a malformed entry and an entry whose
// closure code the parser does not know fail their questions loudly, with
// the dump and the question named; the other entries are stored.
func TestAssembleeBadEntriesFailAlone(t *testing.T) {
	on := anStart.AddDate(0, 0, 90)
	h := newANHarness(t, 60, on, nil)
	qs := h.an.Questions()
	broken, unknown := qs[3], qs[7]
	broken.Raw = []byte(`{"question": {"uid": "` + broken.UID() + `", "identifiant": {`)
	h.an.SetQuestion(broken)
	h.an.SetQuestion(assembleetest.Close(unknown, "CLOT_INCONNUE", "Clôture d'un genre nouveau", on))

	r, err := h.run(context.Background())
	if !errors.Is(err, ErrRunFailed) || r.Failed != 2 || r.New != len(qs)-2 {
		t.Fatalf("run = %+v, %v; want a failed run with 2 failures and %d new", r, err, len(qs)-2)
	}
	fails, err := h.cat.Failures(context.Background(), "assemblee")
	if err != nil || len(fails) != 2 {
		t.Fatalf("failures %+v, %v; want 2", fails, err)
	}
	dump := h.an.DumpURL()
	for _, f := range fails {
		want := []string{"entry of " + dump, h.an.QuestionURL(strings.TrimPrefix(f.ID, "assemblee/an/"))}
		if f.ID == anID(unknown.UID()) {
			want = append(want, `"CLOT_INCONNUE"`)
		} else if f.ID != anID(broken.UID()) {
			t.Errorf("unexpected failure %s", f.ID)
		}
		for _, w := range want {
			if !strings.Contains(f.LastError, w) {
				t.Errorf("%s: error %q does not name %s", f.ID, f.LastError, w)
			}
		}
	}
	if n := h.an.Requests(crawlertest.Target("question/")); n != 0 {
		t.Errorf("%d questions fetched from their own URL; a malformed entry is a failure, not a fetch", n)
	}
	// Every entry read was archived first, the failed ones too: reparse
	// reads them again (and would store them once the parser knows how).
	warc := filepath.Join(h.dir, "warc")
	if got := newWARCCounter(warc).added(t)["conversion"]; got != len(qs) {
		t.Errorf("%d entries archived; want %d", got, len(qs))
	}
	fresh, err := catalog.Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	rep, err := Reparse(context.Background(), h.src, fresh, warc, nil)
	if err != nil || rep.New != len(qs)-2 || rep.Unreadable != 2 || rep.Regressed != 0 {
		t.Errorf("reparse = %+v, %v; want %d new, the 2 failed entries unreadable", rep, err, len(qs)-2)
	}
}

// TestAssembleeUnreadableReferencesStoreNothing: reference data that cannot
// be read fail the run before the dump is fetched; the next run, with good
// data, stores everything.
func TestAssembleeUnreadableReferencesStoreNothing(t *testing.T) {
	on := anStart.AddDate(0, 0, 60)
	h := newANHarness(t, 40, on, nil)
	h.an.SetFault(assembleetest.TargetActors, crawlertest.Fault{Kind: crawlertest.Layout, Times: 1})
	r, err := h.run(context.Background())
	if !errors.Is(err, ErrRunFailed) || !strings.Contains(r.Error, "references") {
		t.Fatalf("run = %+v, %v; want a failed run naming the references", r, err)
	}
	if got, want := h.targets(), []string{"robots 200", "actors 200"}; !slices.Equal(got, want) {
		t.Errorf("requests %v; want %v (the dump is not fetched)", got, want)
	}
	ctx := context.Background()
	if st, _ := h.cat.Stats(ctx, "assemblee"); st.Records != 0 {
		t.Errorf("%d records stored", st.Records)
	}
	if items, _ := h.cat.Items(ctx, "assemblee"); len(items) != 0 {
		t.Errorf("%d questions tracked", len(items))
	}
	if _, err := h.cat.LastDocument(ctx, assemblee.ActorsURL(assemblee.CanonicalBaseURL, 17)); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("the unreadable reference document was recorded as a capture: %v", err)
	}
	h.advance(24 * time.Hour)
	if r := h.mustRun(); r.New != len(h.an.Questions()) {
		t.Errorf("next run = %+v; want every question new", r)
	}
}

// TestAssembleeDroppedQuestionIsRecheckedFromTheStandIn: a question the
// dump stops carrying is not fetched while it is not due; once due under
// the source's policy (pending: monthly) it is fetched from its own URL,
// rewritten to the stand-in, and a change found there is stored.
func TestAssembleeDroppedQuestionIsRecheckedFromTheStandIn(t *testing.T) {
	on := anStart.AddDate(0, 0, 60)
	h := newANHarness(t, 40, on, nil)
	h.mustRun()
	var p assembleetest.Question
	for _, q := range h.an.Questions() {
		if q.Answered.IsZero() && q.Closure == nil {
			p = q
			break
		}
	}
	if p.Number == 0 {
		t.Fatal("no pending question generated")
	}
	h.an.DropFromDump(p.UID())

	h.an.ResetLog()
	h.advance(24 * time.Hour)
	if r := h.mustRun(); r.Discovered != len(h.an.Questions()) || h.an.Requests(assembleetest.QuestionTarget(p.UID())) != 0 {
		t.Errorf("the night after: %+v, %d requests of %s; want it not fetched", r, h.an.Requests(assembleetest.QuestionTarget(p.UID())), p.UID())
	}

	h.an.SetQuestion(assembleetest.Answer(p, on.AddDate(0, 0, 20), "<p>La réponse du ministre.</p>"))
	h.an.ResetLog()
	h.advance(30 * 24 * time.Hour)
	r := h.mustRun()
	if got, want := h.targets(), []string{"robots 200", "actors 304", "dump 304", "question/" + p.UID() + " 200"}; !slices.Equal(got, want) {
		t.Errorf("a month later: requests %v; want %v", got, want)
	}
	if r.Changed != 1 {
		t.Errorf("a month later = %+v; want 1 changed", r)
	}
	q, err := h.cat.Get(context.Background(), anID(p.UID()))
	if err != nil || q.Status != parlq.Answered || q.Capture == nil || q.Capture.URL != h.an.QuestionURL(p.UID()) {
		t.Errorf("%s: %+v, %v; want answered, from its own document on the stand-in", p.UID(), q, err)
	}
}

// TestAssembleeUnreadableEntryIsFetched: a ref of a dump without its
// document (an entry the zip cannot give back) is planned for a fetch of
// its own URL now, even when it is not due; entries with documents are read
// without a request.
func TestAssembleeUnreadableEntryIsFetched(t *testing.T) {
	h := newANHarness(t, 5, anStart.AddDate(0, 0, 30), nil)
	now := h.clock()
	received := anStart.Format(parlq.DateLayout)
	items := []catalog.Item{
		{ID: "assemblee/an/QANR5L17QE1", Type: parlq.WrittenQuestion, Status: parlq.Pending, LastFetched: now.Add(-time.Hour), Received: received},
		{ID: "assemblee/an/QANR5L17QE2", Type: parlq.WrittenQuestion, Status: parlq.Pending, LastFetched: now.Add(-time.Hour), Received: received},
		{ID: "assemblee/an/QANR5L17QE3", Type: parlq.WrittenQuestion, Status: parlq.Pending, LastFetched: now.Add(-time.Hour), Received: received},
	}
	r := &run{Crawler: &Crawler{cfg: h.cfg, src: h.src, log: slog.New(slog.DiscardHandler)}, src: h.src}
	dump := &document{}
	r.bulk.entries = map[string]*inlineEntry{
		items[0].ID: {doc: []byte(`{}`), list: dump},
		items[1].ID: {list: dump},
	}
	plan := r.plan(items, now, nil)
	var got []string
	for _, it := range plan {
		got = append(got, it.ID)
	}
	if want := []string{items[0].ID, items[1].ID}; !slices.Equal(got, want) || r.bulk.left != 1 {
		t.Errorf("plan %v (%d inline); want %v: the entry read, the one without a document fetched, the third not due", got, r.bulk.left, want)
	}
}
