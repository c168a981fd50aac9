package crawler

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/bechamber/bechambertest"
)

// chamberHarness is a harness whose source is bechamber, served by a QRVA
// replay.
type chamberHarness struct {
	*harness
	ch *bechambertest.Site
}

func newChamberHarness(t testing.TB, qs []bechambertest.Question, mod func(*Config)) *chamberHarness {
	t.Helper()
	h := newHarness(t, nil, mod)
	ch := bechambertest.New(bechambertest.Options{Questions: qs})
	t.Cleanup(ch.Close)
	src, err := parser.Lookup("bechamber")
	if err != nil {
		t.Fatal(err)
	}
	h.src = src
	h.cfg.BaseURL = ch.URL()
	return &chamberHarness{harness: h, ch: ch}
}

// fetched are the record ids of the documents requested, sorted.
func (h *chamberHarness) fetched() []string {
	var out []string
	for _, e := range h.ch.Log() {
		if rest, ok := strings.CutPrefix(string(e.Target), "question/"); ok {
			out = append(out, "bechamber/chamber/"+rest)
		}
	}
	slices.Sort(out)
	return out
}

func chamberIDs(qs []bechambertest.Question) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.RecordID())
	}
	slices.Sort(out)
	return out
}

// TestChamberFirstHarvest: every question of the legislature stored, with
// exactly the minimum requests (robots.txt, each list page once, each
// document once); documents served in XML read like the JSON ones.
func TestChamberFirstHarvest(t *testing.T) {
	now := time.Now().UTC()
	qs := bechambertest.Generate(35, bechamber56, now)
	qs[3].XML, qs[17].XML = true, true
	h := newChamberHarness(t, qs, nil)
	h.now = now
	r := h.mustRun()
	if r.New != len(qs) || r.Failed != 0 || r.Outcome != catalog.RunOK || r.Discovered != len(qs) {
		t.Fatalf("run = %+v; want %d new", r, len(qs))
	}
	log := h.ch.Log()
	pages := h.ch.Pages(bechamber56)
	if want := 1 + pages + len(qs); len(log) != want || r.Requests != want {
		t.Errorf("requests: site saw %d, run counted %d; want the minimum %d (robots.txt, %d list pages, %d documents)",
			len(log), r.Requests, want, pages, len(qs))
	}
	if log[0].Target != crawlertest.TargetRobots || h.ch.Requests(bechambertest.TargetList) != pages {
		t.Errorf("first request %s, list requests %d; want robots.txt first, %d list pages", log[0].Target, h.ch.Requests(bechambertest.TargetList), pages)
	}
	if got := h.fetched(); !slices.Equal(got, chamberIDs(qs)) {
		t.Errorf("documents fetched:\n%v\nwant each once:\n%v", got, chamberIDs(qs))
	}
	if h.ch.MaxInFlight() != 1 {
		t.Errorf("max in flight %d; want 1", h.ch.MaxInFlight())
	}
	// The service is asked for JSON (it negotiates JSON or XML).
	for _, e := range log[1:] {
		if !strings.HasPrefix(e.Accept, "application/json") {
			t.Errorf("%s asked with Accept %q; want JSON first", e.URI, e.Accept)
		}
	}
	ctx := context.Background()
	for _, q := range qs {
		rec, err := h.cat.Get(ctx, q.RecordID())
		if err != nil {
			t.Fatalf("%s: %v", q.RecordID(), err)
		}
		lang := map[string]string{"F": "fr", "N": "nl"}[q.Lang]
		title := map[string]string{"fr": q.TitleF, "nl": q.TitleN}[lang]
		if rec.Language != lang || rec.Title != title || rec.Author.Name != q.Author || rec.Author.ID != q.MemberID ||
			rec.URL != bechambertest.CanonicalBase+bechambertest.ListPath+"/"+q.SDOCNAME() || len(rec.Answers) != len(q.Answers) ||
			rec.Due != q.Due.Format(parlq.DateLayout) || rec.ParserVersion != "bechamber/1" {
			t.Errorf("%s stored as %+v", q.RecordID(), rec)
		}
		want := map[string]parlq.Status{bechambertest.AnswerReceived: parlq.Answered, bechambertest.Transmitted: parlq.Pending,
			bechambertest.PrintedUnanswered: parlq.Pending, bechambertest.Canceled: parlq.Withdrawn}[q.Status]
		if rec.Status != want {
			t.Errorf("%s: status %s; want %s (STATUSQ %s)", rec.ID, rec.Status, want, q.Status)
		}
	}
	// The XML documents were archived as XML and read.
	xml := map[string]bool{}
	err := archive.Walk(ctx, h.dir+"/warc", func(r *archive.Response) error {
		for _, q := range []bechambertest.Question{qs[3], qs[17]} {
			if strings.HasSuffix(r.URL, "/"+q.SDOCNAME()) && r.MIME == "application/xml" {
				xml[q.RecordID()] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(xml) != 2 {
		t.Errorf("XML documents archived: %v; want both", xml)
	}
}

const bechamber56 = 56

// chamberTransmitted returns a generated question reset to "transmitted,
// not printed, no answer", received days before now.
func chamberTransmitted(q bechambertest.Question, now time.Time, days int) bechambertest.Question {
	q.Status, q.Bulletin, q.Answers = bechambertest.Transmitted, "", nil
	q.Received = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -days)
	q.Due = q.Received.AddDate(0, 0, 35)
	return q
}

// TestChamberAnswerAddedLater: a question answered between two nightly runs
// is fetched as soon as the list shows it answered and stored as exactly one
// new version, with the fields that changed; nothing else changes. When its
// answer is printed (its document renamed) and replaced, the next run
// fetches the document at its new name at once (a moved document is a
// change) and stores that version.
func TestChamberAnswerAddedLater(t *testing.T) {
	now := time.Now().UTC()
	qs := bechambertest.Generate(25, bechamber56, now)
	// An old question, past the daily re-checks: only the list's status can
	// bring it back before its weekly re-check.
	qs[4] = chamberTransmitted(qs[4], now, 60)
	h := newChamberHarness(t, qs, noDelay)
	h.now = now
	h.mustRun()

	h.advance(25 * time.Hour)
	ctx := context.Background()
	items, err := h.cat.Items(ctx, "bechamber")
	if err != nil {
		t.Fatal(err)
	}
	due := Due(items, h.src.Recheck(), h.clock(), "", h.cfg.GiveUpAfter, nil)
	var want []string
	for _, it := range due {
		want = append(want, it.ID)
	}
	target := qs[4]
	if slices.Contains(want, target.RecordID()) {
		t.Fatalf("%s is due anyway; the test needs it not due", target.RecordID())
	}
	want = append(want, target.RecordID())
	slices.Sort(want)
	answered := bechambertest.Answered(target, "Les données sont publiées chaque trimestre.", "De gegevens worden elk kwartaal gepubliceerd.")
	h.ch.SetQuestion(answered)
	h.ch.ResetLog()
	r := h.mustRun()
	if got := h.fetched(); !slices.Equal(got, want) {
		t.Errorf("second run fetched %v; want the answered question and those due %v", got, want)
	}
	if r.Changed != 1 || r.New != 0 || r.Failed != 0 {
		t.Errorf("second run = %+v; want exactly one changed", r)
	}
	if n := len(h.ch.Log()); n != 1+h.ch.Pages(bechamber56)+len(want) {
		t.Errorf("second run: %d requests; want %d", n, 1+h.ch.Pages(bechamber56)+len(want))
	}
	vs, err := h.cat.Versions(ctx, target.RecordID())
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 {
		t.Fatalf("%d versions; want 2", len(vs))
	}
	if want := []string{"status", "answer", "acts", "translations", "answers"}; !slices.Equal(vs[1].Changed, want) {
		t.Errorf("changed fields %v; want %v", vs[1].Changed, want)
	}
	rec := vs[1].Record
	if rec.Status != parlq.Answered || rec.Answered != "" || len(rec.Answers) != 1 || rec.Answers[0].Reference != "" {
		t.Errorf("answered version: %+v", rec)
	}

	// Printed in a bulletin (a new document name) with its text replaced:
	// the list gives the new name, and a moved document is fetched at once.
	printed := bechambertest.Replace(bechambertest.Publish(answered, "B077", h.clock()), 1,
		"Les données sont publiées chaque mois.", "De gegevens worden elk maand gepubliceerd.")
	h.ch.SetQuestion(printed)
	h.advance(24 * time.Hour)
	h.ch.ResetLog()
	r = h.mustRun()
	if !slices.Contains(h.fetched(), target.RecordID()) {
		t.Fatalf("the printed question (moved to a new name) was not fetched the next night (fetched %v)", h.fetched())
	}
	h.advance(24 * time.Hour)
	h.ch.ResetLog()
	h.mustRun()
	if slices.Contains(h.fetched(), target.RecordID()) {
		t.Errorf("the printed question was fetched again the night after; it had not moved again")
	}
	got, err := h.cat.Get(ctx, target.RecordID())
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 3 || got.Answered != h.clock().AddDate(0, 0, -2).Format(parlq.DateLayout) || got.Answers[0].Reference != "B077" ||
		!strings.Contains(got.Answer+got.Translations["fr"].Answer, "chaque mois") || !strings.Contains(got.URL, "-B077-") {
		t.Errorf("printed version %d: answered %q, answers %+v, url %s", got.Version, got.Answered, got.Answers, got.URL)
	}
	it, err := h.cat.Item(ctx, target.RecordID())
	if err != nil || !strings.HasSuffix(it.URL, "/"+printed.SDOCNAME()) {
		t.Errorf("tracked url %v, %v; want the printed name", it, err)
	}
}

// TestChamberFailuresStoreNothing: an unknown document (the service's empty
// answer), a malformed and a truncated response fail the run loudly and
// store nothing for those questions; a list page that cannot be read stores
// nothing at all.
func TestChamberFailuresStoreNothing(t *testing.T) {
	now := time.Now().UTC()
	qs := bechambertest.Generate(12, bechamber56, now)
	h := newChamberHarness(t, qs, func(c *Config) { c.Delay, c.Jitter = 0, 0 })
	h.now = now
	faults := map[string]crawlertest.FaultKind{
		qs[2].RecordID(): crawlertest.SoftError,
		qs[5].RecordID(): crawlertest.Malformed,
		qs[9].RecordID(): crawlertest.Truncate,
	}
	for _, q := range qs {
		if k, ok := faults[q.RecordID()]; ok {
			h.ch.SetFault(bechambertest.DocumentTarget(q), crawlertest.Fault{Kind: k})
		}
	}
	r, err := h.run(context.Background())
	if err == nil || !errors.Is(err, ErrRunFailed) || r.Outcome != catalog.RunFailed {
		t.Fatalf("run = %+v, %v; want a failed run", r, err)
	}
	if r.Failed != 3 || r.New != len(qs)-3 {
		t.Errorf("run = %+v; want 3 failed, %d new", r, len(qs)-3)
	}
	ctx := context.Background()
	for id, kind := range faults {
		if q, err := h.cat.Get(ctx, id); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("%s (fault %d) stored: %+v, %v", id, kind, q, err)
		}
		it, err := h.cat.Item(ctx, id)
		if err != nil || it.Failures != 1 || it.LastError == "" {
			t.Errorf("%s: tracking %+v, %v; want one failure recorded", id, it, err)
		}
		switch kind {
		case crawlertest.SoftError:
			if !strings.Contains(it.LastError, parlq.ErrSoftError.Error()) {
				t.Errorf("unknown document: error %q", it.LastError)
			}
		case crawlertest.Malformed:
			if !strings.Contains(it.LastError, "malformed") {
				t.Errorf("malformed: error %q", it.LastError)
			}
		}
	}

	// A list page that cannot be read: the run fails before any document.
	for name, kind := range map[string]crawlertest.FaultKind{"malformed": crawlertest.Malformed, "empty answer": crawlertest.SoftError, "changed layout": crawlertest.Layout} {
		h2 := newChamberHarness(t, qs, noDelay)
		h2.ch.SetFault(bechambertest.TargetList, crawlertest.Fault{Kind: kind})
		if r, err := h2.run(ctx); err == nil || r.Outcome != catalog.RunFailed {
			t.Errorf("%s list: run = %+v, %v; want a failed run", name, r, err)
		}
		if got := h2.fetched(); len(got) != 0 {
			t.Errorf("%s list: %d documents fetched", name, len(got))
		}
		if st, err := h2.cat.Stats(ctx, "bechamber"); err != nil || st.Records != 0 {
			t.Errorf("%s list: %+v, %v; want nothing stored", name, st, err)
		}
	}
}

// TestChamberSourceOnFixtures harvests the real saved documents, served
// verbatim (two in XML), from a list of legislature 54.
func TestChamberSourceOnFixtures(t *testing.T) {
	dir, err := bechambertest.FixturesDir()
	if errors.Is(err, crawlertest.ErrNoFixtures) {
		t.Skip(err)
	}
	qs, err := bechambertest.FixtureQuestions(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := newChamberHarness(t, qs, func(c *Config) { c.Legislature = "54" })
	r := h.mustRun()
	if r.New != len(qs) || r.Outcome != catalog.RunOK {
		t.Fatalf("run = %+v; want %d new", r, len(qs))
	}
	h.cfg.Recheck = RecheckAll
	if r := h.mustRun(); r.Changed != 0 || r.Unchanged+r.NotModified != len(qs) {
		t.Errorf("re-check = %+v; want nothing changed", r)
	}
}
