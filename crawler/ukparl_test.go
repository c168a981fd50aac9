package crawler

import (
	"context"
	"io/fs"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
	"github.com/parlq/parlq/parser/ukparl/ukparltest"
)

// ukHarness is a harness whose source is ukparl, served by a UK replay.
type ukHarness struct {
	*harness
	uk *ukparltest.Site
}

func newUKHarness(t testing.TB, qs []ukparltest.Question, mod func(*Config)) *ukHarness {
	t.Helper()
	h := newHarness(t, nil, mod)
	uk := ukparltest.New(ukparltest.Options{Questions: qs})
	t.Cleanup(uk.Close)
	src, err := parser.Lookup("ukparl")
	if err != nil {
		t.Fatal(err)
	}
	h.src = src
	h.cfg.BaseURL = uk.URL()
	return &ukHarness{harness: h, uk: uk}
}

func ukID(q ukparltest.Question) string {
	return parlq.MakeID("ukparl", q.House, strconv.FormatInt(q.ID, 10))
}

// fetchedIDs are the questions whose detail endpoint was requested.
func (h *ukHarness) fetchedIDs() []string {
	var out []string
	for _, e := range h.uk.Log() {
		if rest, ok := strings.CutPrefix(string(e.Target), "question/"); ok {
			n, _ := strconv.ParseInt(rest, 10, 64)
			q, _ := h.uk.Question(n)
			out = append(out, ukID(q))
		}
	}
	slices.Sort(out)
	return out
}

// listQueries are the list requests' windows (the query without paging).
func (h *ukHarness) listQueries() []string {
	var out []string
	for _, e := range h.uk.Log() {
		if e.Target != ukparltest.TargetList {
			continue
		}
		u, _ := url.Parse(e.URI)
		if u.Query().Get("skip") != "0" {
			continue
		}
		var keep []string
		for _, p := range strings.Split(u.RawQuery, "&") {
			if strings.Contains(p, "When") {
				keep = append(keep, p)
			}
		}
		out = append(out, strings.Join(keep, "&"))
	}
	return out
}

func ukDate(s string) time.Time {
	t, err := time.Parse(parlq.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// inWindow says whether the list windows [from, to] show q.
func inWindow(q ukparltest.Question, from, to time.Time) bool {
	in := func(d time.Time) bool { return !d.IsZero() && !d.Before(from) && !d.After(to) }
	return in(q.Tabled) || in(q.Answered) || in(q.Corrected)
}

// ukState is what a list tells of a question's progress.
func ukState(q ukparltest.Question) string {
	return strings.Join([]string{q.Answered.String(), q.HoldingDate.String(), q.Corrected.String(),
		strconv.FormatBool(q.Holding), strconv.FormatBool(q.Withdrawn)}, "|")
}

// TestUKNightlyWindows harvests a generated year night after night: a
// first run without Since covers FirstWindow; the next ones reach back to
// the last good run minus Overlap and fetch exactly the questions that are
// new or whose list entry shows a change — including changes dated before
// the last fetch, and changes made later on the day of the last fetch.
func TestUKNightlyWindows(t *testing.T) {
	all := ukparltest.Generate(1500, 2021)
	day1 := time.Date(2021, 3, 15, 18, 0, 0, 0, time.UTC)
	h := newUKHarness(t, ukparltest.AsOf(all, day1), func(c *Config) { c.Delay, c.Jitter = 0, 0 })
	h.now = day1

	r := h.mustRun()
	if got, want := h.listQueries(), []string{
		"tabledWhenFrom=2021-02-13&tabledWhenTo=2021-02-28",
		"answeredWhenFrom=2021-02-13&answeredWhenTo=2021-02-28",
		"correctedWhenFrom=2021-02-13&correctedWhenTo=2021-02-28",
		"tabledWhenFrom=2021-03-01&tabledWhenTo=2021-03-15",
		"answeredWhenFrom=2021-03-01&answeredWhenTo=2021-03-15",
		"correctedWhenFrom=2021-03-01&correctedWhenTo=2021-03-15",
	}; !slices.Equal(got, want) {
		t.Errorf("first run windows:\n%s\nwant (30 days up to today):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	seen := map[string]ukparltest.Question{}
	var want []string
	for _, q := range h.uk.Questions() {
		if inWindow(q, ukDate("2021-02-13"), ukDate("2021-03-15")) {
			seen[ukID(q)] = q
			want = append(want, ukID(q))
		}
	}
	slices.Sort(want)
	if got := h.fetchedIDs(); !slices.Equal(got, want) || r.New != len(want) {
		t.Fatalf("first run fetched %d (%d new); want the %d questions of the windows", len(got), r.New, len(want))
	}

	// The next nights: the windows start three days before the last run.
	for night := 1; night <= 3; night++ {
		h.advance(24 * time.Hour)
		now := h.clock()
		view := ukparltest.AsOf(all, now)
		for _, q := range view {
			h.uk.SetQuestion(q)
		}
		h.uk.ResetLog()
		r := h.mustRun()
		from := ukDate(now.Add(-24*time.Hour - 3*24*time.Hour).Format(parlq.DateLayout))
		to := ukDate(now.Format(parlq.DateLayout))
		var want []string
		for _, q := range view {
			if !inWindow(q, from, to) {
				continue
			}
			old, known := seen[ukID(q)]
			if !known || ukState(old) != ukState(q) {
				want = append(want, ukID(q))
			}
			seen[ukID(q)] = q
		}
		slices.Sort(want)
		t.Logf("night %d: %d list requests, %d questions fetched (%d new, %d changed)", night, h.uk.Requests(ukparltest.TargetList), len(want), r.New, r.Changed)
		if got := h.fetchedIDs(); !slices.Equal(got, want) {
			t.Errorf("night %d fetched %v; want %v (new or changed in %s..%s)", night, got, want, from.Format(parlq.DateLayout), to.Format(parlq.DateLayout))
		}
		if r.New+r.Changed != len(want) {
			t.Errorf("night %d: %d new + %d changed; want %d", night, r.New, r.Changed, len(want))
		}
		if q := h.listQueries(); len(q) != 3 || !strings.HasPrefix(q[0], "tabledWhenFrom="+from.Format(parlq.DateLayout)) {
			t.Errorf("night %d windows %v; want three from %s", night, q, from.Format(parlq.DateLayout))
		}
	}

	// A change on the day of the last fetch, after it: the list tells it
	// (its Updated is not after the fetch day), so one fetch, one change.
	now := h.clock()
	var pending, old ukparltest.Question
	for _, q := range h.uk.Questions() {
		if q.Answered.IsZero() && !q.Withdrawn && now.Sub(q.Tabled) < 5*24*time.Hour && pending.ID == 0 {
			pending = q
		}
		if q.Answered.IsZero() && !q.Withdrawn && q.Tabled.Before(now.AddDate(0, 0, -6)) && q.Tabled.After(now.AddDate(0, 0, -12)) && old.ID == 0 {
			old = q
		}
	}
	if pending.ID == 0 || old.ID == 0 {
		t.Fatal("no pending question to answer")
	}
	h.advance(2 * time.Hour)
	h.uk.SetQuestion(ukparltest.Answer(pending, now, "Answered the same day."))
	h.uk.ResetLog()
	r = h.mustRun()
	if got := h.fetchedIDs(); !slices.Equal(got, []string{ukID(pending)}) || r.Changed != 1 {
		t.Errorf("same-day change: fetched %v, %d changed; want only %s, 1 changed", got, r.Changed, ukID(pending))
	}
	// And a run with nothing new fetches no question.
	h.advance(time.Hour)
	h.uk.ResetLog()
	if r := h.mustRun(); len(h.fetchedIDs()) != 0 || r.Unchanged+r.Changed+r.New != 0 {
		t.Errorf("quiet run fetched %v (%+v); want none", h.fetchedIDs(), r)
	}

	// An answer dated two days ago, published only now, to a question
	// tabled before the windows: the answered window shows it; its date is
	// before the last fetch, the list's status is not.
	h.advance(24 * time.Hour)
	h.uk.SetQuestion(ukparltest.Answer(old, h.clock().AddDate(0, 0, -2), "A late answer."))
	h.uk.ResetLog()
	r = h.mustRun()
	if got := h.fetchedIDs(); !slices.Contains(got, ukID(old)) {
		t.Errorf("late answer: fetched %v; want %s among them", got, ukID(old))
	}
	q, err := h.cat.Get(context.Background(), ukID(old))
	if err != nil || q.Status != parlq.Answered || q.Answer != "A late answer." {
		t.Errorf("late answer stored as %+v, %v", q, err)
	}
}

// TestUKSeedDefaults checks the windows of runs without Since: after a
// failed first run the next still covers the first window; an explicit
// Until before the last run gives a first window too.
func TestUKSeedDefaults(t *testing.T) {
	day := time.Date(2021, 6, 10, 9, 0, 0, 0, time.UTC)
	h := newUKHarness(t, ukparltest.Generate(50, 2021)[:0], nil)
	h.now = day
	run := &run{Crawler: &Crawler{cfg: h.cfg, src: h.src, cat: h.cat}, src: h.src}
	opts, err := run.seedOptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !opts.Until.Equal(day) || !opts.Since.Equal(day.Add(-30*24*time.Hour)) {
		t.Errorf("first run: since %v until %v; want 30 days up to now", opts.Since, opts.Until)
	}
	id, err := h.cat.StartRun(context.Background(), "ukparl", day.Add(-48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.cat.FinishRun(context.Background(), catalog.Run{ID: id, Source: "ukparl", Started: day.Add(-48 * time.Hour),
		Finished: day.Add(-47 * time.Hour), Outcome: catalog.RunOK}); err != nil {
		t.Fatal(err)
	}
	opts, _ = run.seedOptions(context.Background())
	if want := day.Add(-48*time.Hour - 3*24*time.Hour); !opts.Since.Equal(want) {
		t.Errorf("after a good run: since %v; want %v", opts.Since, want)
	}
	run.cfg.Until = ukDate("2021-01-31")
	opts, _ = run.seedOptions(context.Background())
	if !opts.Since.Equal(ukDate("2021-01-01")) {
		t.Errorf("until before the last run: since %v; want 30 days before until", opts.Since)
	}
	// Windows the API reports as empty (totalResults 0 on well-formed
	// lists) are a quiet night: an ok run that says so, not an alarm.
	r, err := h.run(context.Background())
	if err != nil || r.Outcome != catalog.RunOK || !strings.Contains(r.Notes, "quiet window") {
		t.Errorf("an empty window: %+v, %v; want an ok run noting a quiet window", r, err)
	}
}

// TestUKPoliteness: one request at a time to the API host, robots.txt
// asked once and obeyed, paging followed.
func TestUKPoliteness(t *testing.T) {
	qs := ukparltest.Generate(250, 2021)
	h := newUKHarness(t, qs, nil)
	h.cfg.Since, h.cfg.Until = ukDate("2021-01-01"), ukDate("2021-12-31")
	r := h.mustRun()
	if r.New != len(qs) {
		t.Fatalf("run = %+v; want %d new", r, len(qs))
	}
	if n := h.uk.Requests(crawlertest.TargetRobots); n != 1 {
		t.Errorf("robots.txt requested %d times; want 1", n)
	}
	if h.uk.MaxInFlight() != 1 {
		t.Errorf("max in flight %d; want 1", h.uk.MaxInFlight())
	}
	for _, e := range h.uk.Log() {
		if e.UserAgent != DefaultUserAgent {
			t.Fatalf("user agent %q", e.UserAgent)
		}
	}
	// Robots.txt forbidding the API fails the run before any question.
	h2 := newUKHarness(t, qs, nil)
	h2.cfg.Since, h2.cfg.Until = ukDate("2021-01-01"), ukDate("2021-01-31")
	h2.uk.SetRobots("User-agent: *\nDisallow: /api/\n")
	if _, err := h2.run(context.Background()); err == nil {
		t.Error("run disallowed by robots.txt succeeded")
	}
	if n := h2.uk.Requests(ukparltest.TargetList) + h2.uk.Requests("question/"); n != 0 {
		t.Errorf("%d API requests despite robots.txt", n)
	}
}

// dirSize is the bytes on disk of the files under dir.
func dirSize(tb testing.TB, dir string) int64 {
	tb.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// indexSize builds a fresh index of one source's records, the way parlq
// reindex does, and returns its size on disk.
func indexSize(b *testing.B, source string, each func(yield func(*parlq.Question) error) error) (int64, int) {
	b.Helper()
	dir := b.TempDir()
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		b.Fatal(err)
	}
	n, err := ix.Rebuild(context.Background(), source, each)
	if err != nil {
		b.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		b.Fatal(err)
	}
	return dirSize(b, dir), n
}

// ukYear is the size of the replayed year of BenchmarkHarvestUKYear.
const ukYear = 20000

// BenchmarkHarvestUKYear is a first harvest of a replayed year of 20,000
// UK questions generated in the real items' shape (go test -bench
// HarvestUKYear -benchtime 1x ./crawler/), with the delay at 0: fetch,
// archive, parse, store. It reports the requests sent against the minimum
// (robots.txt, every list page of the monthly windows, one detail per
// question), records/s, and the index size per 1,000 questions next to
// that of 20,000 generated Brussels questions fetched and parsed the same
// way.
func BenchmarkHarvestUKYear(b *testing.B) {
	qs := ukparltest.Generate(ukYear, 2021)
	uk := ukparltest.New(ukparltest.Options{Questions: qs})
	defer uk.Close()
	src, err := parser.Lookup("ukparl")
	if err != nil {
		b.Fatal(err)
	}
	since, until := ukDate("2021-01-01"), ukDate("2021-12-31")
	seeds, err := src.Seeds(parlq.SeedOptions{Since: since, Until: until})
	if err != nil {
		b.Fatal(err)
	}
	minimum := 1 + len(qs)
	for _, s := range seeds {
		u, _ := url.Parse(s)
		total, take, err := uk.Match(u.RawQuery)
		if err != nil {
			b.Fatal(err)
		}
		minimum += max(1, (total+take-1)/take)
	}

	var h *ukHarness
	var elapsed time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		h = &ukHarness{harness: newHarness(b, nil, noDelay), uk: uk}
		h.src, h.cfg.BaseURL = src, uk.URL()
		h.cfg.Since, h.cfg.Until = since, until
		uk.ResetLog()
		b.StartTimer()
		start := time.Now()
		if r := h.mustRun(); r.New != len(qs) {
			b.Fatalf("run = %+v; want %d new", r, len(qs))
		}
		elapsed += time.Since(start)
	}
	b.StopTimer()
	requests := len(uk.Log())
	b.ReportMetric(float64(requests), "requests")
	b.ReportMetric(float64(minimum), "min-requests")
	b.ReportMetric(float64(b.N*len(qs))/elapsed.Seconds(), "records/s")

	ukBytes, n := indexSize(b, "ukparl", func(yield func(*parlq.Question) error) error {
		return h.cat.Each(context.Background(), "ukparl", yield)
	})
	if n != len(qs) {
		b.Fatalf("indexed %d UK records; want %d", n, len(qs))
	}
	b.ReportMetric(float64(ukBytes)/float64(n)*1000/(1<<20), "ukparl-index-MiB/1k")

	// Brussels: the same number of generated pages, fetched from the
	// replay, parsed as the crawler does, indexed the same way.
	bq := brusselstest.Generate(ukYear, time.Now())
	site := brusselstest.New(brusselstest.Options{Questions: bq})
	defer site.Close()
	bBytes, bn := indexSize(b, "brussels", fetchParsed(b, "brussels", site.URL(), brusselstest.CanonicalBase, brusselsPaths(bq)))
	b.ReportMetric(float64(bBytes)/float64(bn)*1000/(1<<20), "brussels-index-MiB/1k")
}
