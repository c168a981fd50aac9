package crawler

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
	"github.com/parlq/parlq/parser/ukparl/ukparltest"
)

// recentlyAnswered returns generated questions, the first answered
// yesterday (due for a re-check every day for corrections) with a long
// answer.
func recentlyAnswered(n int) []brusselstest.Question {
	qs := brusselstest.Generate(n, time.Now())
	qs[0] = brusselstest.Answer(qs[0], time.Now().AddDate(0, 0, -1),
		strings.Repeat("Le programme d'entretien prévoit trois phases jusqu'en 2027. ", 6)+"\nLes montants figurent en annexe.")
	return qs
}

func mustGet(t testing.TB, cat *catalog.Catalog, id string) *parlq.Question {
	t.Helper()
	q, err := cat.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestWorsePageIsHeldBack: a page that would blank the question's text and
// drop its answer is archived, recorded as suspect and not stored; the run
// ends "suspect" naming it; the question is fetched again by every run
// until the page mends, which clears it.
func TestWorsePageIsHeldBack(t *testing.T) {
	ctx := context.Background()
	qs := recentlyAnswered(6)
	h := newHarness(t, qs, nil)
	h.mustRun()
	target := id(qs[0])
	before := mustGet(t, h.cat, target)
	if before.Status != parlq.Answered || before.Answer == "" {
		t.Fatalf("first run stored %+v", before)
	}

	tgt := brusselstest.Detail(qs[0].Moncode, qs[0].Base)
	h.site.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.Degraded})
	h.advance(25 * time.Hour)
	r, err := h.run(ctx)
	if !errors.Is(err, ErrSuspect) || !errors.Is(err, ErrRunFailed) {
		t.Fatalf("run error %v; want ErrSuspect", err)
	}
	if r.Outcome != catalog.RunSuspect || r.Suspects != 1 || r.Failed != 0 {
		t.Errorf("run %+v; want suspect, 1 held back", r)
	}
	for _, want := range []string{target, "question", "answer", "status", "moncode=" + itoa(qs[0].Moncode), "parlq accept"} {
		if !strings.Contains(r.Error, want) {
			t.Errorf("run error %q does not name %q", r.Error, want)
		}
	}
	after := mustGet(t, h.cat, target)
	if after.Version != before.Version || after.Answer != before.Answer || after.Status != parlq.Answered {
		t.Errorf("stored record after a worse page: version %d, status %s; want it untouched", after.Version, after.Status)
	}
	if got := archived(t, h.dir, "moncode="+itoa(qs[0].Moncode))[200]; got != 2 {
		t.Errorf("archived 200s of the question = %d; want 2 (the worse page kept in the WARC)", got)
	}
	n := 0
	h.cat.Captures(ctx, "brussels", func(cp catalog.Capture) error {
		if cp.QuestionID == target {
			n++
		}
		return nil
	})
	if n != 2 {
		t.Errorf("captures of the question = %d; want 2", n)
	}
	open, _ := h.cat.Suspects(ctx, "brussels", catalog.SuspectOpen)
	if len(open) != 1 || open[0].QuestionID != target || !strings.Contains(open[0].URL, "moncode=") {
		t.Fatalf("open suspects %+v", open)
	}

	// The next run fetches it again, in full, even the same night.
	h.site.ResetLog()
	r, _ = h.run(ctx)
	if got := h.site.Requests(tgt); got != 1 || r.Outcome != catalog.RunSuspect {
		t.Errorf("second run: %d requests for the question, outcome %s; want 1, suspect", got, r.Outcome)
	}
	for _, e := range h.site.Log() {
		if e.Target == tgt && (e.IfNoneMatch != "" || e.IfModifiedSince != "") {
			t.Errorf("suspect fetched conditionally: %+v", e)
		}
	}
	// The page mends: the run is ok, the suspect cleared, no new version.
	h.site.ClearFaults()
	r = h.mustRun()
	if r.Outcome != catalog.RunOK || r.Suspects != 0 {
		t.Errorf("mended run %+v", r)
	}
	if open, _ := h.cat.Suspects(ctx, "brussels", catalog.SuspectOpen); len(open) != 0 {
		t.Errorf("open suspects after the page mended: %+v", open)
	}
	if got := mustGet(t, h.cat, target); got.Version != before.Version {
		t.Errorf("version %d after the mend; want %d", got.Version, before.Version)
	}
}

// TestAnsweredBecomesPendingIsHeldBack: the site shows an answered
// question as pending again (its answer gone): held back, and accepted by
// an operator it becomes the current version.
func TestAnsweredBecomesPendingIsHeldBack(t *testing.T) {
	ctx := context.Background()
	qs := recentlyAnswered(4)
	h := newHarness(t, qs, nil)
	h.mustRun()
	back := qs[0]
	back.State, back.Answer, back.Answered = brusselstest.Pending, "", time.Time{}
	h.site.SetQuestion(back)
	h.advance(25 * time.Hour)
	if r, err := h.run(ctx); !errors.Is(err, ErrSuspect) || !strings.Contains(r.Error, "status") {
		t.Fatalf("run %+v, %v; want a suspect on status", r, err)
	}
	if q := mustGet(t, h.cat, id(qs[0])); q.Status != parlq.Answered {
		t.Fatalf("status %s; want answered kept", q.Status)
	}
	res, err := h.cat.Accept(ctx, id(qs[0]))
	if err != nil || res.To != parlq.Pending {
		t.Fatalf("accept: %+v, %v", res, err)
	}
	// Accepted, the page is the stored one: the next run confirms it.
	r := h.mustRun()
	if r.Outcome != catalog.RunOK || r.Suspects != 0 {
		t.Errorf("run after accepting %+v", r)
	}
}

// TestWithdrawalIsStoredAndSettles: a real change the other way is stored
// as today, and a withdrawn question is never re-checked.
func TestWithdrawalIsStoredAndSettles(t *testing.T) {
	src, err := parser.Lookup("brussels")
	if err != nil {
		t.Fatal(err)
	}
	qs := brusselstest.Generate(8, time.Now())
	var target brusselstest.Question
	for _, q := range qs {
		if q.State == brusselstest.Pending && time.Since(q.Received) < 200*24*time.Hour {
			target = q
			break
		}
	}
	h := newHarness(t, qs, nil)
	h.src = src
	h.mustRun()
	h.site.SetQuestion(brusselstest.Withdraw(target))
	h.advance(25 * time.Hour)
	r := h.mustRun()
	if r.Changed != 1 || r.Outcome != catalog.RunOK {
		t.Errorf("run %+v; want 1 changed, ok", r)
	}
	if q := mustGet(t, h.cat, id(target)); q.Status != parlq.Withdrawn {
		t.Errorf("status %s; want withdrawn", q.Status)
	}
	h.advance(8 * 24 * time.Hour)
	h.site.ResetLog()
	h.mustRun()
	if got := h.site.Requests(brusselstest.Detail(target.Moncode, target.Base)); got != 0 {
		t.Errorf("withdrawn question fetched %d times a week later; want never", got)
	}
}

// TestShrunkIndexChangesNothing: an index that lost 92% of its rows fails
// the run before anything is tracked or fetched; the next good index
// recovers; --accept-lists takes a shrink an operator confirmed.
func TestShrunkIndexChangesNothing(t *testing.T) {
	ctx := context.Background()
	qs := brusselstest.Generate(24, time.Now())
	h := newHarness(t, qs, nil)
	h.mustRun()
	items, _ := h.cat.Items(ctx, "brussels")
	counts, _ := h.cat.ListCounts(ctx, "brussels")

	h.site.SetFault(brusselstest.TargetIndex, crawlertest.Fault{Kind: crawlertest.Shrunk})
	h.advance(25 * time.Hour)
	h.site.ResetLog()
	r, err := h.run(ctx)
	if !errors.Is(err, ErrImplausibleList) || r.Outcome != catalog.RunFailed {
		t.Fatalf("run %+v, %v; want failed, implausible list", r, err)
	}
	if !strings.Contains(r.Error, "delivered 2 items; it delivered 24") {
		t.Errorf("run error %q; want the counts", r.Error)
	}
	if got := detailRequests(h.site); got != 0 || r.Discovered != 0 {
		t.Errorf("%d detail requests, %d discovered; want none", got, r.Discovered)
	}
	after, _ := h.cat.Items(ctx, "brussels")
	if len(after) != len(items) {
		t.Errorf("tracked %d; want %d", len(after), len(items))
	}
	if c, _ := h.cat.ListCounts(ctx, "brussels"); c[h.site.IndexURL()[len(h.site.URL()):]] != counts[h.site.IndexURL()[len(h.site.URL()):]] {
		t.Errorf("list counts changed: %+v", c)
	}
	// The index comes back whole: the run is ok.
	h.site.ClearFaults()
	if r := h.mustRun(); r.Outcome != catalog.RunOK || r.Discovered != 24 {
		t.Errorf("recovered run %+v", r)
	}
	// An operator confirms the shrink: it is taken, and noted.
	h.site.SetFault(brusselstest.TargetIndex, crawlertest.Fault{Kind: crawlertest.Shrunk})
	h.cfg.AcceptLists = true
	r = h.mustRun()
	if r.Discovered != 2 || !strings.Contains(r.Notes, "--accept-lists") {
		t.Errorf("accepted shrink: %+v", r)
	}
}

// TestUKShortListChangesNothing: a list that delivers a quarter of what
// its totalResults announces fails the run; nothing is tracked.
func TestUKShortListChangesNothing(t *testing.T) {
	ctx := context.Background()
	h := newUKHarness(t, ukparltest.Generate(40, 2021)[:30], func(c *Config) { c.Delay, c.Jitter = 0, 0 })
	h.now = time.Date(2021, 1, 20, 18, 0, 0, 0, time.UTC)
	h.uk.SetFault(ukparltest.TargetList, crawlertest.Fault{Kind: crawlertest.Shrunk})
	r, err := h.run(ctx)
	if !errors.Is(err, ErrImplausibleList) || !strings.Contains(r.Error, "announces") {
		t.Fatalf("run %+v, %v; want an implausible list", r, err)
	}
	if items, _ := h.cat.Items(ctx, "ukparl"); len(items) != 0 || len(h.fetchedIDs()) != 0 {
		t.Errorf("tracked %d, fetched %d; want nothing", len(items), len(h.fetchedIDs()))
	}
	h.uk.ClearFaults()
	if r := h.mustRun(); r.New == 0 || r.Outcome != catalog.RunOK {
		t.Errorf("recovered run %+v", r)
	}
}

// TestUKBlankDetailIsHeldBack: the UK API answers 200 with an empty
// questionText and a null answerText: a known question keeps its texts, a
// question never stored is not stored blank; both are fetched again and
// recover.
func TestUKBlankDetailIsHeldBack(t *testing.T) {
	ctx := context.Background()
	all := ukparltest.Generate(40, 2021)
	day := time.Date(2021, 1, 20, 18, 0, 0, 0, time.UTC)
	view := ukparltest.AsOf(all, day)
	var known, fresh ukparltest.Question
	for _, q := range view {
		if q.Answer != "" && !q.Holding && known.ID == 0 {
			known = q
		}
	}
	h := newUKHarness(t, view, func(c *Config) { c.Delay, c.Jitter = 0, 0 })
	h.now = day
	h.mustRun()
	stored := mustGet(t, h.cat, ukID(known))

	// A new question appears, and the API blanks both questions.
	fresh = all[len(view)]
	fresh.Tabled = day
	h.uk.SetQuestion(fresh)
	h.uk.SetQuestion(ukparltest.Correct(known, day.Add(24*time.Hour), known.Answer+" (corrected)"))
	for _, q := range []ukparltest.Question{known, fresh} {
		h.uk.SetFault(ukparltest.QuestionTarget(q.ID), crawlertest.Fault{Kind: crawlertest.Degraded})
	}
	h.advance(24 * time.Hour)
	r, err := h.run(ctx)
	if !errors.Is(err, ErrSuspect) || r.Suspects != 2 {
		t.Fatalf("run %+v, %v; want 2 suspects", r, err)
	}
	if got := mustGet(t, h.cat, ukID(known)); got.Question != stored.Question || got.Answer != stored.Answer {
		t.Errorf("known question lost its texts: %q / %q", got.Question, got.Answer)
	}
	if _, err := h.cat.Get(ctx, ukID(fresh)); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("the blank first reading was stored: %v", err)
	}
	// Reparse holds both back as the harvest did.
	rep, err := Reparse(ctx, h.src, h.cat, h.dir+"/warc", nil)
	if err != nil || rep.Suspects != 2 {
		t.Errorf("reparse %+v, %v; want both held back", rep, err)
	}
	if _, err := h.cat.Get(ctx, ukID(fresh)); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("reparse stored the blank first reading: %v", err)
	}
	// The API mends: both are fetched again and stored.
	h.uk.ClearFaults()
	h.uk.ResetLog()
	r = h.mustRun()
	if r.Outcome != catalog.RunOK || r.New != 1 || r.Changed != 1 {
		t.Errorf("mended run %+v; want 1 new, 1 changed", r)
	}
	if got := mustGet(t, h.cat, ukID(fresh)); got.Question == "" {
		t.Errorf("fresh question stored without text")
	}
}

// TestUKWithdrawnQuestionsAreListed: the lists ask for withdrawn
// questions, which are stored as withdrawn.
func TestUKWithdrawnQuestionsAreListed(t *testing.T) {
	qs := ukparltest.Generate(12, 2021)
	unanswered := qs[0]
	unanswered.Answered, unanswered.Answer, unanswered.Answering, unanswered.Holding, unanswered.HoldingDate = time.Time{}, "", nil, false, time.Time{}
	qs[0] = ukparltest.Withdraw(unanswered)
	h := newUKHarness(t, qs, func(c *Config) { c.Delay, c.Jitter = 0, 0 })
	h.now = time.Date(2021, 1, 20, 18, 0, 0, 0, time.UTC)
	h.mustRun()
	q, err := h.cat.Get(context.Background(), ukID(qs[0]))
	if err != nil || q.Status != parlq.Withdrawn {
		t.Errorf("withdrawn question: %+v, %v; want stored as withdrawn", q, err)
	}
}

// TestAllLegislaturesSkipMissingIndexes: under --legislature all, the
// legislatures whose index does not exist are noted and the others
// harvested; an index that answered before and is now missing fails the
// run.
func TestAllLegislaturesSkipMissingIndexes(t *testing.T) {
	src, err := parser.Lookup("brussels")
	if err != nil {
		t.Fatal(err)
	}
	qs := brusselstest.Generate(5, time.Now())
	old := brusselstest.Question{Moncode: 120001, Base: 1, Number: 4, Title: "Question écrite concernant les archives régionales",
		Author: "Anne Dubois", Addressee: "Paul Lenoir", Role: "Ministre", Legislature: "19/24", Session: "20/21",
		Received: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), Text: "Où en est le projet ?", State: brusselstest.Pending}
	h := newHarness(t, append(qs, old), func(c *Config) { c.Legislature = "all" })
	h.src = src
	r := h.mustRun()
	if r.New != 6 || r.Outcome != catalog.RunOK {
		t.Errorf("run %+v; want the 6 questions of 19/24 and 24/29", r)
	}
	for _, leg := range []string{"89-95", "14-19"} {
		if !strings.Contains(r.Notes, "dos_qu_legis_"+leg+".json does not exist (404") {
			t.Errorf("notes %q; want the missing %s index named", r.Notes, leg)
		}
	}
	// The 19/24 index, read before, disappears: an alarm.
	h.site.SetFault(brusselstest.IndexOf("19/24"), crawlertest.Fault{Kind: crawlertest.NotFound})
	r, err = h.run(context.Background())
	if err == nil || r.Outcome != catalog.RunFailed || !strings.Contains(r.Error, "answered before") {
		t.Errorf("run %+v, %v; want failed: an index that answered before is gone", r, err)
	}
}

// TestRobotsServerErrorDisallowsEverything: robots.txt answering 500
// means disallow all for the run (RFC 9309): only robots.txt is requested,
// the run fails saying why. colly v2.3.0 would crawl the whole site (see
// transport.RoundTrip): this test catches colly changing how it fetches
// robots.txt under the workaround.
func TestRobotsServerErrorDisallowsEverything(t *testing.T) {
	h := newHarness(t, one(t), nil)
	h.site.SetFault(crawlertest.TargetRobots, crawlertest.Fault{Kind: crawlertest.ServerError, Status: 500})
	r, err := h.run(context.Background())
	if !errors.Is(err, ErrRobotsUnavailable) || r.Outcome != catalog.RunFailed {
		t.Fatalf("run %+v, %v; want failed by robots.txt", r, err)
	}
	if !strings.Contains(r.Notes, "robots.txt of ") || !strings.Contains(r.Notes, "answered 500") {
		t.Errorf("notes %q; want robots.txt's 500 named", r.Notes)
	}
	for _, e := range h.site.Log() {
		if e.Target != crawlertest.TargetRobots {
			t.Errorf("requested %s despite robots.txt answering 500", e.URI)
		}
	}
	// 4xx: there is no robots.txt, everything is allowed, and it is said.
	h.site.SetFault(crawlertest.TargetRobots, crawlertest.Fault{Kind: crawlertest.NotFound})
	r = h.mustRun()
	if r.New != 3 || !strings.Contains(r.Notes, "answered 404: no robots.txt, everything allowed") {
		t.Errorf("run %+v; want the questions fetched and the 404 noted", r)
	}
}

// TestCollyIgnoresRobotsServerError documents the library behaviour the
// crawler works around: colly v2.3.0 fetches a page whose robots.txt
// answered 503. When this test fails, colly honours RFC 9309 itself and
// the workaround in transport.RoundTrip is no longer needed (it stays
// harmless).
func TestCollyIgnoresRobotsServerError(t *testing.T) {
	pages := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		pages++
		w.Write([]byte("page"))
	}))
	defer srv.Close()
	c := &colly.Collector{}
	c.Init()
	c.IgnoreRobotsTxt = false
	if err := c.Visit(srv.URL + "/page"); err != nil {
		t.Fatalf("colly: %v", err)
	}
	if pages != 1 {
		t.Errorf("colly fetched the page %d times under a 503 robots.txt; v2.3.0 fetches it once", pages)
	}
}

// TestRunDeadline: a run that reaches its deadline stops, keeps what it
// stored, and fails saying so; the next run fetches the rest.
func TestRunDeadline(t *testing.T) {
	qs := brusselstest.Generate(10, time.Now())
	h := newHarness(t, qs, func(c *Config) { c.MaxDuration = 2 * time.Second })
	for _, q := range qs {
		h.site.SetFault(brusselstest.Detail(q.Moncode, q.Base), crawlertest.Fault{Kind: crawlertest.Slow, Delay: 400 * time.Millisecond})
	}
	start := time.Now()
	r, err := h.run(context.Background())
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("run took %v; want it stopped near its 2s deadline", took)
	}
	if !errors.Is(err, ErrDeadline) || r.Outcome != catalog.RunFailed || !strings.Contains(r.Error, "--max-duration 2s") {
		t.Fatalf("run %+v, %v; want failed at the deadline", r, err)
	}
	if r.New == 0 || r.New == 10 || r.Skipped == 0 {
		t.Errorf("run %+v; want some questions stored, the rest left", r)
	}
	stored := r.New
	items, _ := h.cat.Items(context.Background(), "brussels")
	for _, it := range items {
		if it.Failures != 0 {
			t.Errorf("%s marked failed by the deadline", it.ID)
		}
	}
	h.site.ClearFaults()
	h.cfg.MaxDuration = time.Minute
	if r := h.mustRun(); r.New != 10-stored {
		t.Errorf("next run %+v; want the %d left", r, 10-stored)
	}
}

// TestRetryAfterBeyondTheDeadlineEndsTheHost: a persistent 429 with
// Retry-After: 3600 in a run with less than an hour left ends the host's
// part at once, marks nothing failed, and says why.
func TestRetryAfterBeyondTheDeadlineEndsTheHost(t *testing.T) {
	qs := brusselstest.Generate(6, time.Now())
	h := newHarness(t, qs, func(c *Config) {
		c.MaxDuration = 30 * time.Minute
		c.MaxRetryAfter = 10 * time.Minute
	})
	h.mustRun()
	h.site.SetFault(crawlertest.TargetAll, crawlertest.Fault{Kind: crawlertest.TooManyRequests, RetryAfter: "3600"})
	h.advance(25 * time.Hour)
	h.site.ResetLog()
	start := time.Now()
	r, err := h.run(context.Background())
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("run took %v; want it to end at once", took)
	}
	if !errors.Is(err, ErrHostWait) || r.Outcome != catalog.RunFailed || !strings.Contains(r.Error, "Retry-After 1h0m0s") {
		t.Fatalf("run %+v, %v; want failed by the host's Retry-After", r, err)
	}
	if n := len(h.site.Log()); n > 2 {
		t.Errorf("%d requests; want the host left alone after its first 429", n)
	}
	items, _ := h.cat.Items(context.Background(), "brussels")
	for _, it := range items {
		if it.Failures != 0 {
			t.Errorf("%s marked failed", it.ID)
		}
	}
}

// olderBrussels reads pages as brussels/1 did: no withdrawn status, table
// cells joined by spaces, one addressee.
type olderBrussels struct{ parlq.Source }

func (olderBrussels) Version() string { return "brussels/1" }

func (s olderBrussels) Parse(u string, body []byte) (*parlq.Question, error) {
	q, err := s.Source.Parse(u, body)
	if err != nil {
		return nil, err
	}
	if q.Status == parlq.Withdrawn {
		q.Status = parlq.Pending
	}
	q.Answer = strings.ReplaceAll(q.Answer, "\t", " ")
	q.Addressees = nil
	return q, nil
}

// TestReparseBringsRecordsToTheNewParser: records a harvest stored with an
// older parser become what the current parser reads, with its version; a
// capture held back as suspect stays held back.
func TestReparseBringsRecordsToTheNewParser(t *testing.T) {
	ctx := context.Background()
	current, err := parser.Lookup("brussels")
	if err != nil {
		t.Fatal(err)
	}
	qs := recentlyAnswered(6)
	qs[1] = brusselstest.Withdraw(qs[1])
	qs[2] = brusselstest.Answer(qs[2], time.Now().AddDate(0, 0, -2), "Répartition :\nCommune\tPrimes\nUccle\t301\nIxelles\t412")
	qs[3].Others = []brusselstest.Addressee{{Name: "Yasmina Haddad", Role: "Secrétaire d'État", Number: 9}}
	h := newHarness(t, qs, nil)
	h.src = olderBrussels{current}
	h.mustRun()
	if q := mustGet(t, h.cat, id(qs[1])); q.Status != parlq.Pending || q.ParserVersion != "brussels/1" {
		t.Fatalf("stored by the older parser: %s %s", q.Status, q.ParserVersion)
	}
	// A worse page is held back by the next run.
	h.site.SetFault(brusselstest.Detail(qs[0].Moncode, qs[0].Base), crawlertest.Fault{Kind: crawlertest.Degraded})
	h.advance(25 * time.Hour)
	if _, err := h.run(ctx); !errors.Is(err, ErrSuspect) {
		t.Fatalf("run: %v; want a suspect", err)
	}

	rep, err := Reparse(ctx, current, h.cat, h.dir+"/warc", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The withdrawal and the table change; the addressees came from the
	// index's listing already.
	if rep.Changed != 2 || rep.Suspects != 1 || rep.SuspectIDs[0] != id(qs[0]) {
		t.Errorf("reparse %+v; want 2 changed, the suspect held back again", rep)
	}
	if q := mustGet(t, h.cat, id(qs[1])); q.Status != parlq.Withdrawn || q.ParserVersion != "brussels/2" || q.Version != 2 {
		t.Errorf("withdrawn after reparse: %s %s v%d", q.Status, q.ParserVersion, q.Version)
	}
	if q := mustGet(t, h.cat, id(qs[2])); !strings.Contains(q.Answer, "Commune\tPrimes\nUccle\t301") {
		t.Errorf("table after reparse: %q", q.Answer)
	}
	if q := mustGet(t, h.cat, id(qs[3])); len(q.Addressees) != 2 {
		t.Errorf("addressees after reparse: %+v", q.Addressees)
	}
	if q := mustGet(t, h.cat, id(qs[0])); q.Answer == "" || q.Version != 1 {
		t.Errorf("the suspect's question after reparse: version %d, answer %q", q.Version, q.Answer)
	}
	// Up to date: a second reparse changes nothing.
	if rep, err := Reparse(ctx, current, h.cat, h.dir+"/warc", nil); err != nil || rep.Changed+rep.New != 0 {
		t.Errorf("second reparse %+v, %v; want nothing to change", rep, err)
	}
	if open, _ := h.cat.Suspects(ctx, "brussels", catalog.SuspectOpen); len(open) != 1 {
		t.Errorf("open suspects %d; want the one", len(open))
	}
}
