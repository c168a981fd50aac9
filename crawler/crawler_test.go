package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

const testDelay = 5 * time.Millisecond

// harness is a replay site, an archive and a catalog in a temp dir, and a
// clock the test moves.
type harness struct {
	t    testing.TB
	site *brusselstest.Site
	dir  string
	arc  *archive.Writer
	cat  *catalog.Catalog
	cfg  Config
	src  parlq.Source

	mu  sync.Mutex
	now time.Time
}

func newHarness(t testing.TB, qs []brusselstest.Question, mod func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), src: testSource{}, now: time.Now().UTC()}
	h.site = brusselstest.New(brusselstest.Options{Questions: qs})
	t.Cleanup(h.site.Close)
	var err error
	h.arc, err = archive.OpenWriter(archive.DefaultOptions(filepath.Join(h.dir, "warc")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.arc.Close() })
	h.cat, err = catalog.Open(context.Background(), filepath.Join(h.dir, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.cat.Close() })
	h.cfg = DefaultConfig()
	h.cfg.Delay = testDelay
	h.cfg.Jitter = time.Millisecond
	h.cfg.Backoff = time.Millisecond
	h.cfg.MaxBackoff = 5 * time.Millisecond
	h.cfg.MaxRetryAfter = 50 * time.Millisecond
	h.cfg.Timeout = 5 * time.Second
	h.cfg.BaseURL = h.site.URL()
	h.cfg.Now = h.clock
	if mod != nil {
		mod(&h.cfg)
	}
	return h
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

// advance moves the clock on (the next night).
func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = h.now.Add(d)
}

func (h *harness) run(ctx context.Context) (catalog.Run, error) {
	h.t.Helper()
	c, err := New(h.cfg, h.src, h.arc, h.cat)
	if err != nil {
		h.t.Fatal(err)
	}
	return c.Run(ctx)
}

func (h *harness) mustRun() catalog.Run {
	h.t.Helper()
	r, err := h.run(context.Background())
	if err != nil {
		h.t.Fatalf("run: %v (%+v)", err, r)
	}
	return r
}

func id(q brusselstest.Question) string {
	asm := "prb"
	if q.Base == 2 {
		asm = "arccc"
	}
	return "brussels/" + asm + "/" + itoa(q.Moncode)
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// archived counts the archived responses by status for a target path prefix.
func archived(t testing.TB, dir, pathContains string) map[int]int {
	t.Helper()
	out := map[int]int{}
	err := archive.Walk(context.Background(), filepath.Join(dir, "warc"), func(r *archive.Response) error {
		if strings.Contains(r.URL, pathContains) {
			out[r.Status]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func detailRequests(site *brusselstest.Site) int {
	n := 0
	for _, e := range site.Log() {
		if strings.HasPrefix(string(e.Target), "detail/") {
			n++
		}
	}
	return n
}

func TestFirstRunFetchesEverythingPolitely(t *testing.T) {
	qs := brusselstest.Generate(20, time.Now())
	h := newHarness(t, qs, nil)
	r := h.mustRun()
	if r.New != 20 || r.Failed != 0 || r.Outcome != catalog.RunOK {
		t.Fatalf("run = %+v; want 20 new, ok", r)
	}
	log := h.site.Log()
	if got, want := len(log), 22; got != want {
		t.Errorf("requests = %d; want %d (robots + index + 20)", got, want)
	}
	if r.Requests != len(log) {
		t.Errorf("run.Requests = %d; server saw %d", r.Requests, len(log))
	}
	if log[0].Target != crawlertest.TargetRobots {
		t.Errorf("first request = %s; want robots.txt", log[0].Target)
	}
	for _, e := range log {
		if e.UserAgent != DefaultUserAgent {
			t.Errorf("User-Agent = %q; want %q", e.UserAgent, DefaultUserAgent)
		}
	}
	if got := h.site.MaxInFlight(); got != 1 {
		t.Errorf("max concurrent requests = %d; want 1", got)
	}
	if got := h.site.MinGap(); got < testDelay {
		t.Errorf("shortest gap between requests = %v; want >= %v", got, testDelay)
	}
	for _, q := range qs {
		got, err := h.cat.Get(context.Background(), id(q))
		if err != nil {
			t.Fatalf("get %s: %v", id(q), err)
		}
		if !strings.HasPrefix(got.URL, brusselstest.CanonicalBase) {
			t.Errorf("%s: url %q; want the canonical base", got.ID, got.URL)
		}
		if got.Capture == nil || got.Capture.RecordID == "" {
			t.Errorf("%s: no capture", got.ID)
		}
		if got.Title != q.Title {
			t.Errorf("%s: title %q; want %q", got.ID, got.Title, q.Title)
		}
	}
	items, err := h.cat.Items(context.Background(), "brussels")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if !strings.HasPrefix(it.URL, brusselstest.CanonicalBase+"/") {
			t.Errorf("tracked url %q; want canonical", it.URL)
		}
	}
	if got := archived(t, h.dir, brusselstest.DetailPathPrefix)[200]; got != 20 {
		t.Errorf("archived detail responses = %d; want 20", got)
	}
}

// expectedDue lists the questions a second run one day later must fetch,
// computed from the site's own states and the test source's policy.
func expectedDue(qs []brusselstest.Question, now time.Time) map[string]bool {
	due := map[string]bool{}
	for _, q := range qs {
		switch q.State {
		case brusselstest.Pending, brusselstest.Unpublished:
			if now.Sub(q.Received) < 240*24*time.Hour {
				due[id(q)] = true
			}
		case brusselstest.Answered:
			if now.Sub(q.Answered) < 14*24*time.Hour {
				due[id(q)] = true
			}
		}
	}
	return due
}

func TestSecondRunFetchesOnlyWhatIsDueAndPendingBecomesAnswered(t *testing.T) {
	qs := brusselstest.Generate(60, time.Now())
	h := newHarness(t, qs, nil)
	h.mustRun()

	// A pending question recent enough to be re-checked gets answered.
	var target brusselstest.Question
	for _, q := range qs {
		if q.State == brusselstest.Pending && time.Since(q.Received) < 200*24*time.Hour {
			target = q
			break
		}
	}
	if target.Moncode == 0 {
		t.Fatal("no recent pending question generated")
	}
	h.advance(25 * time.Hour)
	answered := brusselstest.Answer(target, h.clock(), "La réponse est positive.\nLes montants figurent en annexe.")
	h.site.SetQuestion(answered)
	h.site.ResetLog()

	r := h.mustRun()
	want := expectedDue(qs, h.clock())
	if !want[id(target)] {
		t.Fatal("the answered question is not due")
	}
	fetched := map[string]bool{}
	for _, e := range h.site.Log() {
		if strings.HasPrefix(string(e.Target), "detail/") {
			parts := strings.Split(string(e.Target), "/")
			m, b := atoi(parts[1]), atoi(parts[2])
			fetched[id(brusselstest.Question{Moncode: m, Base: b})] = true
			if e.IfNoneMatch == "" {
				t.Errorf("%s: re-check without If-None-Match", e.URI)
			}
		}
	}
	for k := range want {
		if !fetched[k] {
			t.Errorf("%s due but not fetched", k)
		}
	}
	for k := range fetched {
		if !want[k] {
			t.Errorf("%s fetched but not due", k)
		}
	}
	if got, min := len(h.site.Log()), 2+len(want); got != min {
		t.Errorf("second run requests = %d; want the minimum %d (robots + index + %d due)", got, min, len(want))
	}
	if r.Changed != 1 || r.New != 0 || r.NotModified != len(want)-1 {
		t.Errorf("run = %+v; want 1 changed, %d not modified", r, len(want)-1)
	}
	vs, err := h.cat.Versions(context.Background(), id(target))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 {
		t.Fatalf("versions = %d; want 2", len(vs))
	}
	if vs[0].Record.Status != parlq.Pending || vs[1].Record.Status != parlq.Answered {
		t.Errorf("statuses %s → %s; want pending → answered", vs[0].Record.Status, vs[1].Record.Status)
	}

	// A third run the same night changes nothing and adds no version.
	h.site.ResetLog()
	r = h.mustRun()
	if r.Changed != 0 || r.New != 0 {
		t.Errorf("third run = %+v; want nothing new", r)
	}
	if got := len(h.site.Log()); got != 2 {
		t.Errorf("third run requests = %d; want 2 (robots + index)", got)
	}
	vs, _ = h.cat.Versions(context.Background(), id(target))
	if len(vs) != 2 {
		t.Errorf("versions after a third run = %d; want 2", len(vs))
	}
}

func TestRecheckOverride(t *testing.T) {
	qs := brusselstest.Generate(30, time.Now())
	h := newHarness(t, qs, nil)
	h.mustRun()
	h.site.ResetLog()
	h.cfg.Recheck = RecheckAll
	r := h.mustRun()
	if got := detailRequests(h.site); got != 30 {
		t.Errorf("recheck all: detail requests = %d; want 30", got)
	}
	if r.Unchanged != 30 {
		t.Errorf("recheck all: %+v; want 30 unchanged (no conditional GET)", r)
	}
	h.site.ResetLog()
	h.cfg.Recheck = RecheckPending
	h.mustRun()
	pending := 0
	for _, q := range qs {
		if q.State == brusselstest.Pending || q.State == brusselstest.Unpublished {
			pending++
		}
	}
	if got := detailRequests(h.site); got != pending {
		t.Errorf("recheck pending: detail requests = %d; want %d", got, pending)
	}
}

func one(t *testing.T) []brusselstest.Question {
	t.Helper()
	qs := brusselstest.Generate(3, time.Now())
	return qs
}

func TestServerErrorBurstIsRetried(t *testing.T) {
	qs := one(t)
	h := newHarness(t, qs, nil)
	tgt := brusselstest.Detail(qs[1].Moncode, qs[1].Base)
	h.site.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.ServerError, Times: 2})
	r := h.mustRun()
	if r.New != 3 {
		t.Errorf("run = %+v; want 3 new", r)
	}
	if got := h.site.Requests(tgt); got != 3 {
		t.Errorf("requests for %s = %d; want 3 (2 failures, then OK)", tgt, got)
	}
	a := archived(t, h.dir, "moncode="+itoa(qs[1].Moncode))
	if a[503] != 2 || a[200] != 1 {
		t.Errorf("archived statuses = %v; want the two 503s and the 200", a)
	}
}

func TestTooManyRequestsHonoursRetryAfter(t *testing.T) {
	qs := one(t)
	h := newHarness(t, qs, nil)
	tgt := brusselstest.Detail(qs[0].Moncode, qs[0].Base)
	h.site.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.TooManyRequests, Times: 1, RetryAfter: "3600"})
	h.mustRun()
	var starts []time.Time
	var ends []time.Time
	for _, e := range h.site.Log() {
		if e.Target == tgt {
			starts = append(starts, e.Start)
			ends = append(ends, e.End)
		}
	}
	if len(starts) != 2 {
		t.Fatalf("requests for %s = %d; want 2", tgt, len(starts))
	}
	// Retry-After 3600 s is capped at MaxRetryAfter (50 ms).
	if gap := starts[1].Sub(ends[0]); gap < h.cfg.MaxRetryAfter {
		t.Errorf("retry after %v; want >= %v", gap, h.cfg.MaxRetryAfter)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 0 ", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	} {
		got, ok := retryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestGivesUpAndRetriesNextRun(t *testing.T) {
	qs := one(t)
	h := newHarness(t, qs, nil)
	bad := qs[2]
	tgt := brusselstest.Detail(bad.Moncode, bad.Base)
	h.site.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.ServerError, Status: 500})
	r, err := h.run(context.Background())
	if err == nil || !errors.Is(err, ErrRunFailed) {
		t.Fatalf("run error = %v; want ErrRunFailed", err)
	}
	if r.Outcome != catalog.RunFailed || r.Failed != 1 || r.New != 2 {
		t.Errorf("run = %+v; want failed with 1 failure, 2 new", r)
	}
	if got, want := h.site.Requests(tgt), h.cfg.MaxRetries+1; got != want {
		t.Errorf("attempts = %d; want %d", got, want)
	}
	it, err := h.cat.Item(context.Background(), id(bad))
	if err != nil {
		t.Fatal(err)
	}
	if it.Failures != 1 || !strings.Contains(it.LastError, "500") {
		t.Errorf("item failures=%d error=%q; want 1 and the status", it.Failures, it.LastError)
	}
	last, err := h.cat.LastRun(context.Background(), "brussels")
	if err != nil || last.Outcome != catalog.RunFailed {
		t.Errorf("last run = %+v, %v; want failed", last, err)
	}

	h.site.ClearFaults()
	h.site.ResetLog()
	r = h.mustRun()
	if r.New != 1 || h.site.Requests(tgt) != 1 {
		t.Errorf("next run = %+v, %d requests; want the failed question fetched once and stored", r, h.site.Requests(tgt))
	}
}

func TestTimeoutsTruncationAndResetsAreRetried(t *testing.T) {
	for _, f := range []crawlertest.Fault{
		{Kind: crawlertest.Slow, Delay: 2 * time.Second, Times: 1},
		{Kind: crawlertest.Truncate, Times: 2},
		{Kind: crawlertest.Reset, Times: 2},
	} {
		t.Run(kindName(f.Kind), func(t *testing.T) {
			qs := one(t)
			h := newHarness(t, qs, func(c *Config) { c.Timeout = 200 * time.Millisecond })
			tgt := brusselstest.Detail(qs[0].Moncode, qs[0].Base)
			h.site.SetFault(tgt, f)
			r := h.mustRun()
			if r.New != 3 {
				t.Errorf("run = %+v; want 3 new", r)
			}
			if got, want := h.site.Requests(tgt), f.Times+1; got != want {
				t.Errorf("requests = %d; want %d", got, want)
			}
			a := archived(t, h.dir, "moncode="+itoa(qs[0].Moncode))
			if a[200] != 1 {
				t.Errorf("archived = %v; want exactly the complete 200 (cut or missing answers are not archived)", a)
			}
		})
	}
}

func kindName(k crawlertest.FaultKind) string {
	return map[crawlertest.FaultKind]string{crawlertest.Slow: "slow", crawlertest.Truncate: "truncate", crawlertest.Reset: "reset"}[k]
}

func TestRedirectLoopIsAnError(t *testing.T) {
	qs := one(t)
	h := newHarness(t, qs, nil)
	tgt := brusselstest.Detail(qs[0].Moncode, qs[0].Base)
	h.site.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.RedirectLoop})
	r, err := h.run(context.Background())
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("run error = %v; want ErrTooManyRedirects", err)
	}
	if r.Failed != 1 || r.New != 2 {
		t.Errorf("run = %+v; want 1 failed, 2 new", r)
	}
	if got := h.site.Requests(tgt); got != h.cfg.MaxRedirects {
		t.Errorf("requests in the loop = %d; want %d", got, h.cfg.MaxRedirects)
	}
}

func TestSoftErrorIsAFailureNotARecord(t *testing.T) {
	qs := one(t)
	h := newHarness(t, qs, nil)
	bad := qs[1]
	h.site.SetFault(brusselstest.Detail(bad.Moncode, bad.Base), crawlertest.Fault{Kind: crawlertest.SoftError})
	r, err := h.run(context.Background())
	if !errors.Is(err, parlq.ErrSoftError) {
		t.Fatalf("run error = %v; want ErrSoftError", err)
	}
	if r.Outcome != catalog.RunFailed || r.Failed != 1 {
		t.Errorf("run = %+v; want failed, 1 failure", r)
	}
	if _, err := h.cat.Get(context.Background(), id(bad)); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("get soft-error question: %v; want ErrNotFound", err)
	}
	if !strings.Contains(r.Error, "moncode="+itoa(bad.Moncode)) {
		t.Errorf("run error %q does not name the URL", r.Error)
	}
	// The failed page sends no validators next time.
	h.site.ClearFaults()
	h.site.ResetLog()
	h.mustRun()
	for _, e := range h.site.Log() {
		if e.Target == brusselstest.Detail(bad.Moncode, bad.Base) && (e.IfNoneMatch != "" || e.IfModifiedSince != "") {
			t.Errorf("refetch of a failed page was conditional: %+v", e)
		}
	}
	if _, err := h.cat.Get(context.Background(), id(bad)); err != nil {
		t.Errorf("after recovery: %v", err)
	}
}

func TestChangedLayoutStopsTheRun(t *testing.T) {
	qs := brusselstest.Generate(30, time.Now())
	h := newHarness(t, qs, func(c *Config) { c.MaxConsecutiveFailures = 5 })
	for _, q := range qs {
		h.site.SetFault(brusselstest.Detail(q.Moncode, q.Base), crawlertest.Fault{Kind: crawlertest.Layout})
	}
	r, err := h.run(context.Background())
	var le *parlq.LayoutError
	if !errors.As(err, &le) {
		t.Fatalf("run error = %v; want a *parlq.LayoutError", err)
	}
	if got := detailRequests(h.site); got != 5 {
		t.Errorf("detail requests = %d; want 5 (stop after 5 failures in a row)", got)
	}
	if r.Failed != 5 || r.Skipped != 25 || r.Outcome != catalog.RunFailed {
		t.Errorf("run = %+v; want 5 failed, 25 skipped, failed", r)
	}
}

func TestRobotsDisallow(t *testing.T) {
	t.Run("details", func(t *testing.T) {
		qs := one(t)
		h := newHarness(t, qs, nil)
		h.site.SetRobots("User-agent: *\nDisallow: /weblex-quest-det/\n")
		r, err := h.run(context.Background())
		if !errors.Is(err, ErrRobots) {
			t.Fatalf("run error = %v; want ErrRobots", err)
		}
		if got := detailRequests(h.site); got != 0 {
			t.Errorf("detail requests = %d; want 0", got)
		}
		if r.Failed != 3 {
			t.Errorf("run = %+v; want 3 failed", r)
		}
	})
	t.Run("parlq", func(t *testing.T) {
		h := newHarness(t, one(t), nil)
		h.site.SetRobots("User-agent: parlq\nDisallow: /\n\nUser-agent: *\nDisallow:\n")
		if _, err := h.run(context.Background()); !errors.Is(err, ErrRobots) {
			t.Fatalf("run error = %v; want ErrRobots", err)
		}
		for _, e := range h.site.Log() {
			if e.Target != crawlertest.TargetRobots {
				t.Errorf("fetched %s despite robots.txt", e.URI)
			}
		}
	})
}

func TestCollyEnvironmentIsIgnored(t *testing.T) {
	t.Setenv("COLLY_USER_AGENT", "not-parlq")
	t.Setenv("COLLY_IGNORE_ROBOTSTXT", "yes")
	t.Setenv("COLLY_MAX_BODY_SIZE", "10")
	h := newHarness(t, one(t), nil)
	h.site.SetRobots("User-agent: *\nDisallow: /weblex-quest-det/\n")
	h.run(context.Background())
	for _, e := range h.site.Log() {
		if e.UserAgent != DefaultUserAgent {
			t.Errorf("User-Agent = %q; want %q", e.UserAgent, DefaultUserAgent)
		}
	}
	if got := detailRequests(h.site); got != 0 {
		t.Errorf("COLLY_IGNORE_ROBOTSTXT took effect: %d detail requests", got)
	}
}

func TestZeroRefsIsAFailedRun(t *testing.T) {
	h := newHarness(t, nil, nil)
	r, err := h.run(context.Background())
	if !errors.Is(err, ErrRunFailed) || !strings.Contains(err.Error(), "discovered no questions") {
		t.Fatalf("run error = %v; want a failed run that discovered nothing", err)
	}
	if r.Outcome != catalog.RunFailed {
		t.Errorf("outcome = %q; want failed", r.Outcome)
	}
	last, err := h.cat.LastRun(context.Background(), "brussels")
	if err != nil || last.Outcome != catalog.RunFailed {
		t.Errorf("recorded run = %+v, %v; want failed", last, err)
	}
}

func TestIndexFailureFailsTheRun(t *testing.T) {
	h := newHarness(t, one(t), nil)
	h.site.SetFault(brusselstest.TargetIndex, crawlertest.Fault{Kind: crawlertest.NotFound})
	if _, err := h.run(context.Background()); err == nil || !strings.Contains(err.Error(), "status 404") {
		t.Fatalf("run error = %v; want the index's 404", err)
	}
	if got := detailRequests(h.site); got != 0 {
		t.Errorf("detail requests = %d; want 0", got)
	}
}

func TestMaxRequestsBoundsARun(t *testing.T) {
	qs := brusselstest.Generate(12, time.Now())
	h := newHarness(t, qs, func(c *Config) { c.MaxRequests = 5 })
	r := h.mustRun()
	if got := detailRequests(h.site); got != 5 {
		t.Errorf("detail requests = %d; want 5", got)
	}
	if r.New != 5 || r.Skipped != 7 || r.Outcome != catalog.RunOK {
		t.Errorf("run = %+v; want 5 new, 7 skipped, ok", r)
	}
	h.site.ResetLog()
	r = h.mustRun()
	if r.New != 5 {
		t.Errorf("second run = %+v; want the next 5 new", r)
	}
}

func TestOtherTypesSkippedUnlessIncluded(t *testing.T) {
	qs := one(t)
	oral := brusselstest.Question{Moncode: 9001, Base: 1, TypeCode: brusselstest.TypeOral, Title: "Question orale concernant les trams",
		Author: "A B", Addressee: "C D", Role: "Ministre", Received: time.Now().AddDate(0, 0, -3), State: brusselstest.Pending}
	h := newHarness(t, append(qs, oral), nil)
	r := h.mustRun()
	if got := h.site.Requests(brusselstest.Detail(9001, 1)); got != 0 {
		t.Errorf("oral question fetched %d times; want 0", got)
	}
	if r.Discovered != 3 {
		t.Errorf("discovered = %d; want 3 written questions", r.Discovered)
	}
	h.cfg.IncludeTypes = []parlq.Type{parlq.OralQuestion}
	h.mustRun()
	if got := h.site.Requests(brusselstest.Detail(9001, 1)); got != 1 {
		t.Errorf("included oral question fetched %d times; want 1", got)
	}
}

func TestInterruptedRunAndResume(t *testing.T) {
	qs := brusselstest.Generate(10, time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := newHarness(t, qs, func(c *Config) {
		c.Progress = func(p Progress) {
			if p.Phase == "fetch" && p.Done == 4 {
				cancel()
			}
		}
	})
	r, err := h.run(ctx)
	if !errors.Is(err, context.Canceled) || r.Outcome != catalog.RunInterrupted {
		t.Fatalf("run = %+v, %v; want interrupted", r, err)
	}
	if r.New != 4 {
		t.Errorf("stored before the interruption = %d; want 4", r.New)
	}
	h.cfg.Progress = nil
	h.site.ResetLog()
	r = h.mustRun()
	if r.New != 6 || detailRequests(h.site) != 6 {
		t.Errorf("resumed run = %+v (%d detail requests); want the 6 others", r, detailRequests(h.site))
	}
}

func TestBodySizeLimit(t *testing.T) {
	h := newHarness(t, one(t), func(c *Config) { c.MaxBodySize = 1000 })
	_, err := h.run(context.Background())
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("run error = %v; want ErrTooLarge", err)
	}
}

func TestCharsetIsDecodedAndArchivedRaw(t *testing.T) {
	qs := one(t)
	site := brusselstest.New(brusselstest.Options{Questions: qs})
	resp, err := http.Get(site.URL() + brusselstest.DetailPath(qs[0].Moncode, qs[0].Base))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	site.Close()
	// The title in windows-1252 bytes, "é" = 0xE9.
	latin := strings.Replace(string(body), "<h3>Question &eacute;crite", "<h3>Question \xe9crite", 1)
	if latin == string(body) {
		t.Fatal("template title not found")
	}
	header := qs[0]
	header.Page, header.ContentType = []byte(latin), "text/html; charset=windows-1252"
	meta := qs[1]
	meta.Page = []byte(strings.Replace(strings.Replace(latin, "?moncode="+itoa(qs[0].Moncode), "?moncode="+itoa(qs[1].Moncode), -1),
		`<meta charset="UTF-8">`, `<meta charset="windows-1252">`, 1))
	meta.ContentType = "text/html"
	h := newHarness(t, []brusselstest.Question{header, meta}, nil)
	h.mustRun()
	for _, q := range []brusselstest.Question{header, meta} {
		got, err := h.cat.Get(context.Background(), id(q))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.Title, "Question écrite") {
			t.Errorf("%s: title %q; want it decoded to UTF-8", got.ID, got.Title)
		}
	}
	found := false
	archive.Walk(context.Background(), filepath.Join(h.dir, "warc"), func(r *archive.Response) error {
		if strings.Contains(string(r.Body), "<h3>Question \xe9crite") {
			found = true
		}
		return nil
	})
	if !found {
		t.Error("the archive does not hold the raw windows-1252 bytes")
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, ct, body, want string
	}{
		{"utf-8 header", "text/html; charset=utf-8", "caf\u00e9", "caf\u00e9"},
		{"latin1 header", "text/html; charset=ISO-8859-1", "caf\xe9", "caf\u00e9"},
		{"meta", "text/html", "<meta charset=windows-1252><p>\x92", "<meta charset=windows-1252><p>\u2019"},
		{"no label, valid utf-8", "text/html", "<p>caf\u00e9", "<p>caf\u00e9"},
		{"no label, not utf-8", "text/html", "<p>caf\xe9", "<p>caf\u00e9"},
		{"json", "application/json", `{"a":"caf\u00e9"}`, `{"a":"caf\u00e9"}`},
	} {
		got, err := decode([]byte(tc.body), tc.ct)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: decode = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := decode([]byte("x"), "text/html; charset=klingon"); err == nil {
		t.Error("unknown charset: no error")
	}
}

func TestReason(t *testing.T) {
	now := time.Date(2026, 10, 1, 3, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	p := testSource{}.Recheck()
	fetched := now.Add(-23 * time.Hour) // last night, a bit less than a day ago
	for _, tc := range []struct {
		name     string
		it       catalog.Item
		override string
		want     int
	}{
		{"never fetched", catalog.Item{}, "", reasonNew},
		{"failed", catalog.Item{LastFetched: fetched, Failures: 2, Status: parlq.Answered}, "", reasonFailed},
		{"updated by the index", catalog.Item{LastFetched: now.Add(-3 * day), Updated: now.Format(parlq.DateLayout), Status: parlq.Lapsed}, "", reasonUpdated},
		{"pending, recent, last night", catalog.Item{LastFetched: fetched, Status: parlq.Pending, Received: "2026-09-01"}, "", reasonDue},
		{"pending, recent, an hour ago", catalog.Item{LastFetched: now.Add(-time.Hour), Status: parlq.Pending, Received: "2026-09-01"}, "", notDue},
		{"pending, old, 2 days", catalog.Item{LastFetched: now.Add(-2 * day), Status: parlq.Pending, Received: "2025-09-01"}, "", notDue},
		{"pending, old, 7 days", catalog.Item{LastFetched: now.Add(-7 * day), Status: parlq.Pending, Received: "2025-09-01"}, "", reasonDue},
		{"pending, old, override", catalog.Item{LastFetched: now.Add(-time.Hour), Status: parlq.Pending, Received: "2025-09-01"}, RecheckPending, reasonDue},
		{"answered recently", catalog.Item{LastFetched: fetched, Status: parlq.Answered, Answered: "2026-09-25"}, "", reasonDue},
		{"answered long ago", catalog.Item{LastFetched: fetched, Status: parlq.Answered, Answered: "2026-08-01"}, "", notDue},
		{"answered long ago, all", catalog.Item{LastFetched: fetched, Status: parlq.Answered, Answered: "2026-08-01"}, RecheckAll, reasonDue},
		{"lapsed", catalog.Item{LastFetched: now.Add(-100 * day), Status: parlq.Lapsed}, RecheckPending, notDue},
		{"fetched, never parsed", catalog.Item{LastFetched: fetched}, "", reasonDue},
		{"held back as suspect an hour ago", catalog.Item{LastFetched: now.Add(-time.Hour), Status: parlq.Answered, Answered: "2026-08-01", Suspect: true}, "", reasonSuspect},
		{"withdrawn", catalog.Item{LastFetched: now.Add(-100 * day), Status: parlq.Withdrawn}, RecheckPending, notDue},
	} {
		if got := reason(tc.it, now, p, tc.override); got != tc.want {
			t.Errorf("%s: reason = %d; want %d", tc.name, got, tc.want)
		}
	}
}

func TestReparseReproducesTheCatalog(t *testing.T) {
	qs := brusselstest.Generate(25, time.Now())
	h := newHarness(t, qs, nil)
	h.site.SetFault(brusselstest.Detail(qs[3].Moncode, qs[3].Base), crawlertest.Fault{Kind: crawlertest.SoftError, Times: 1})
	h.run(context.Background())
	h.advance(25 * time.Hour)
	for _, q := range qs {
		if q.State == brusselstest.Pending && time.Since(q.Received) < 200*24*time.Hour {
			h.site.SetQuestion(brusselstest.Answer(q, h.clock(), "Réponse."))
		}
	}
	h.mustRun()

	// Into the same catalog: nothing changes.
	rep, err := Reparse(context.Background(), h.src, h.cat, filepath.Join(h.dir, "warc"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.New != 0 || rep.Changed != 0 || rep.Unreadable != 1 {
		t.Errorf("reparse into the same catalog = %+v; want nothing new, 1 unreadable (the soft error)", rep)
	}

	// Into an empty catalog: the same records and versions.
	fresh, err := catalog.Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	var changes int
	rep, err = Reparse(context.Background(), h.src, fresh, filepath.Join(h.dir, "warc"), func(*parlq.Question, catalog.PutResult) { changes++ })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lists != 2 || rep.New != 25 || changes != rep.New+rep.Changed {
		t.Errorf("reparse into a fresh catalog = %+v (%d callbacks); want 2 lists, 25 new", rep, changes)
	}
	for _, q := range qs {
		want, err := h.cat.Versions(context.Background(), id(q))
		if err != nil {
			t.Fatal(err)
		}
		got, err := fresh.Versions(context.Background(), id(q))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d versions; want %d", id(q), len(got), len(want))
			continue
		}
		for i := range got {
			if !sameRecord(got[i].Record, want[i].Record) {
				t.Errorf("%s v%d differs:\n got %+v\nwant %+v", id(q), i+1, got[i].Record, want[i].Record)
			}
		}
		item, err := fresh.Item(context.Background(), id(q))
		if err != nil || item.Listing == nil {
			t.Errorf("%s: tracking row %+v, %v; want it with its listing", id(q), item, err)
		}
	}
}

func sameRecord(a, b parlq.Question) bool {
	a.FetchedAt, b.FetchedAt = a.FetchedAt.UTC(), b.FetchedAt.UTC()
	ja, jb := mustJSON(a), mustJSON(b)
	return ja == jb
}

// TestGivesUpOnAQuestionThatKeepsFailing: a page that fails run after run
// (removed from the site) fails GiveUpAfter runs, then scheduled runs leave
// it alone and end ok; RecheckAll tries it again.
func TestGivesUpOnAQuestionThatKeepsFailing(t *testing.T) {
	qs := brusselstest.Generate(10, time.Now())
	h := newHarness(t, qs, func(c *Config) { c.GiveUpAfter = 3; c.MaxRetries = 0 })
	h.mustRun()
	// A pending question: the schedule re-checks it every night.
	i := slices.IndexFunc(qs, func(q brusselstest.Question) bool {
		return q.State == brusselstest.Pending || q.State == brusselstest.Unpublished
	})
	if i < 0 {
		t.Fatal("no pending question generated")
	}
	gone := qs[i]
	tgt := brusselstest.Detail(gone.Moncode, gone.Base)
	h.site.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.NotFound})
	for i := 0; i < 3; i++ {
		h.advance(24 * time.Hour)
		if r, err := h.run(context.Background()); !errors.Is(err, ErrRunFailed) || r.Failed != 1 {
			t.Fatalf("night %d: run %+v, %v; want failed with 1 failure", i+1, r, err)
		}
	}
	h.site.ResetLog()
	h.advance(24 * time.Hour)
	if r := h.mustRun(); r.Failed != 0 {
		t.Errorf("after giving up: run %+v; want ok without failures", r)
	}
	if n := h.site.Requests(tgt); n != 0 {
		t.Errorf("after giving up: %d requests for the dead page; want 0", n)
	}
	items, err := h.cat.Items(context.Background(), "brussels")
	if err != nil {
		t.Fatal(err)
	}
	if due := Due(items, h.src.Recheck(), h.clock(), RecheckDue, 3, nil); slices.ContainsFunc(due, func(it catalog.Item) bool { return it.ID == id(gone) }) {
		t.Errorf("Due still lists the given-up question")
	}
	h.cfg.Recheck = RecheckAll
	if _, err := h.run(context.Background()); !errors.Is(err, ErrRunFailed) || h.site.Requests(tgt) != 1 {
		t.Errorf("--recheck all: %v, %d requests; want the dead page tried once and the run failed", err, h.site.Requests(tgt))
	}
}

// brokenSource is a parser that lost the ability to read detail pages.
type brokenSource struct{ testSource }

func (brokenSource) Parse(u string, _ []byte) (*parlq.Question, error) {
	return nil, &parlq.LayoutError{URL: u, Missing: []string{"question section"}}
}

// TestReparseReportsARegressedParser: pages stored as records that the
// current parser cannot read make reparse fail, and change nothing stored.
func TestReparseReportsARegressedParser(t *testing.T) {
	qs := brusselstest.Generate(6, time.Now())
	h := newHarness(t, qs, nil)
	h.mustRun()
	rep, err := Reparse(context.Background(), brokenSource{}, h.cat, filepath.Join(h.dir, "warc"), nil)
	if !errors.Is(err, ErrRegressed) || rep.Regressed != len(qs) {
		t.Errorf("reparse with a broken parser: %v, %+v; want ErrRegressed for %d pages", err, rep, len(qs))
	}
	for _, q := range qs {
		if got, err := h.cat.Get(context.Background(), id(q)); err != nil || got.Version != 1 {
			t.Errorf("%s after the failed reparse: %v, %v; want its version 1 kept", id(q), got, err)
		}
	}
}
