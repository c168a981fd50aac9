package assembleetest_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

func must(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	resp, body, err := crawlertest.Get(url, hdr)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

var start = time.Date(2025, 1, 7, 0, 0, 0, 0, time.UTC)

// newSite serves 60 generated questions as they stood 120 days in, with
// their reference data.
func newSite(t *testing.T) (*assembleetest.Site, []assembleetest.Question) {
	t.Helper()
	all := assembleetest.Generate(60, start, 365)
	on := start.AddDate(0, 0, 120)
	s := assembleetest.New(assembleetest.Options{
		Questions:  assembleetest.AsOf(all, on),
		References: assembleetest.GenerateReferences(all, on),
	})
	t.Cleanup(s.Close)
	return s, all
}

// harvest reads the site the way a harvest will: the references, then the
// dump, then every question inline.
func harvest(t *testing.T, s *assembleetest.Site) (parlq.Source, *parlq.Discovery) {
	t.Helper()
	_, amo := must(t, s.ActorsURL(), nil)
	src, err := assemblee.New().WithReferences([]parlq.Document{{URL: s.ActorsURL(), Body: amo}})
	if err != nil {
		t.Fatal(err)
	}
	_, dump := must(t, s.DumpURL(), nil)
	d, err := src.Discover(s.DumpURL(), dump)
	if err != nil {
		t.Fatal(err)
	}
	return src, d
}

func TestSiteServesALegislature(t *testing.T) {
	s, _ := newSite(t)
	src, d := harvest(t, s)
	qs := s.Questions()
	if len(d.Refs) != len(qs) || len(qs) == 0 {
		t.Fatalf("refs %d; want %d", len(d.Refs), len(qs))
	}
	for _, r := range d.Refs {
		q, err := src.Parse(r.URL, r.Document)
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		if q.Author.Name == "" || q.Author.Party == "" || q.Addressee.Name == "" {
			t.Errorf("%s: author %+v addressee %+v", r.ID, q.Author, q.Addressee)
		}
		// The question's own endpoint serves the same document.
		uid := strings.TrimPrefix(r.ID, "assemblee/an/")
		if want := s.QuestionURL(uid); r.URL != want {
			t.Errorf("ref url %s; want %s", r.URL, want)
		}
		_, body := must(t, r.URL, nil)
		if !bytes.Equal(body, r.Document) {
			t.Errorf("%s: the endpoint and the dump differ", uid)
		}
	}
	if resp, _ := must(t, s.QuestionURL("QANR5L17QE999999"), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown question: %d; want 404", resp.StatusCode)
	}
	if resp, body := must(t, s.URL()+"/robots.txt", nil); resp.StatusCode != 200 || !strings.Contains(string(body), "User-agent") {
		t.Errorf("robots: %d %q", resp.StatusCode, body)
	}
	if got := s.Requests(assembleetest.TargetDump) + s.Requests(assembleetest.TargetActors); got != 2 {
		t.Errorf("dump and actors requests %d; want 2", got)
	}
	if got := s.Requests("question/"); got != len(qs)+1 {
		t.Errorf("question requests %d; want %d", got, len(qs)+1)
	}
}

// TestSiteValidators: the dump answers 304 to its validators until a
// question changes, and a rebuild changes the bytes, not the content.
func TestSiteValidators(t *testing.T) {
	s, _ := newSite(t)
	r1, b1 := must(t, s.DumpURL(), nil)
	etag, lm := r1.Header.Get("ETag"), r1.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("validators %q %q; want both", etag, lm)
	}
	if r, _ := must(t, s.DumpURL(), map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d; want 304", r.StatusCode)
	}
	if r, _ := must(t, s.DumpURL(), map[string]string{"If-Modified-Since": lm}); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %d; want 304", r.StatusCode)
	}

	// A rebuild, as every night: new bytes and validators, same members.
	s.Rebuild()
	r2, b2 := must(t, s.DumpURL(), map[string]string{"If-None-Match": etag})
	if r2.StatusCode != 200 || bytes.Equal(b1, b2) || r2.Header.Get("ETag") == etag {
		t.Errorf("after a rebuild: %d, same bytes %v", r2.StatusCode, bytes.Equal(b1, b2))
	}
	src := assemblee.New()
	n1, _ := src.Normalize(s.DumpURL(), b1)
	n2, _ := src.Normalize(s.DumpURL(), b2)
	if !bytes.Equal(n1, n2) || len(n1) == 0 {
		t.Error("a rebuild changed the dump's content")
	}

	// A question answered between two harvests: the dump changes, with
	// that member only; its own document too.
	var pending assembleetest.Question
	for _, q := range s.Questions() {
		if q.Answered.IsZero() && q.Closure == nil {
			pending = q
			break
		}
	}
	qr, _ := must(t, s.QuestionURL(pending.UID()), nil)
	s.SetQuestion(assembleetest.Answer(pending, start.AddDate(0, 0, 125), "<p>Réponse.</p>"))
	r3, b3 := must(t, s.DumpURL(), map[string]string{"If-None-Match": r2.Header.Get("ETag")})
	if r3.StatusCode != 200 {
		t.Fatalf("after an answer: %d; want 200", r3.StatusCode)
	}
	n3, _ := src.Normalize(s.DumpURL(), b3)
	if diff := changedLines(n2, n3); len(diff) != 1 || !strings.HasPrefix(diff[0], "json/"+pending.UID()+".json\t") {
		t.Errorf("changed members %q; want the answered question's only", diff)
	}
	if r, _ := must(t, s.QuestionURL(pending.UID()), map[string]string{"If-None-Match": qr.Header.Get("ETag")}); r.StatusCode != 200 {
		t.Errorf("the answered question's document: %d; want 200", r.StatusCode)
	}
	lm3, _ := http.ParseTime(r3.Header.Get("Last-Modified"))
	lm2, _ := http.ParseTime(r2.Header.Get("Last-Modified"))
	if !lm3.After(lm2) {
		t.Errorf("Last-Modified %v not after %v", lm3, lm2)
	}
	// Setting the same question again changes nothing.
	again, _ := s.Question(pending.UID())
	s.SetQuestion(again)
	if r, _ := must(t, s.DumpURL(), map[string]string{"If-None-Match": r3.Header.Get("ETag")}); r.StatusCode != http.StatusNotModified {
		t.Errorf("an unchanged question rebuilt the dump: %d", r.StatusCode)
	}
}

func changedLines(a, b []byte) []string {
	old := map[string]bool{}
	for _, l := range strings.Split(string(a), "\n") {
		old[l] = true
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if !old[l] {
			out = append(out, l)
		}
	}
	return out
}

// TestSiteChanges: every change a question goes through reaches the
// record read from the dump.
func TestSiteChanges(t *testing.T) {
	s, _ := newSite(t)
	var q assembleetest.Question
	for _, x := range s.Questions() {
		if x.Answered.IsZero() && x.Closure == nil && len(x.Attributions) == 1 {
			q = x
			break
		}
	}
	to := assembleetest.Organ{Ref: "PO995003", Short: "Éducation nationale", Long: "Ministère de l'éducation nationale"}
	day := start.AddDate(0, 0, 130)
	steps := []struct {
		name   string
		change func(assembleetest.Question) assembleetest.Question
		check  func(*parlq.Question) bool
	}{
		{"reassigned", func(x assembleetest.Question) assembleetest.Question { return assembleetest.Reassign(x, to, day, "") },
			func(r *parlq.Question) bool { return r.Acts[len(r.Acts)-1].Act == "Question réattribuée" }},
		{"renewed", func(x assembleetest.Question) assembleetest.Question {
			return assembleetest.Renew(x, day.AddDate(0, 0, 7))
		},
			func(r *parlq.Question) bool { return r.Acts[len(r.Acts)-1].Act == "Question renouvelée" }},
		{"signalled", func(x assembleetest.Question) assembleetest.Question {
			return assembleetest.Signal(x, day.AddDate(0, 0, 14))
		},
			func(r *parlq.Question) bool { return r.Acts[len(r.Acts)-1].Act == "Question signalée" }},
		{"answered", func(x assembleetest.Question) assembleetest.Question {
			return assembleetest.Answer(x, day.AddDate(0, 0, 21), "<p>Réponse du ministère.</p>")
		}, func(r *parlq.Question) bool {
			return r.Status == parlq.Answered && r.Answer == "Réponse du ministère." && r.Answers[0].Answerer.ID == to.Ref
		}},
	}
	for _, st := range steps {
		q = st.change(q)
		s.SetQuestion(q)
		src, d := harvest(t, s)
		var rec *parlq.Question
		for _, r := range d.Refs {
			if r.ID == "assemblee/an/"+q.UID() {
				var err error
				if rec, err = src.Parse(r.URL, r.Document); err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
			}
		}
		if rec == nil || !st.check(rec) {
			t.Errorf("%s: record %+v", st.name, rec)
		}
	}
	// Closed without an answer.
	var other assembleetest.Question
	for _, x := range s.Questions() {
		if x.Answered.IsZero() && x.Closure == nil {
			other = x
			break
		}
	}
	s.SetQuestion(assembleetest.Close(other, assembleetest.WithdrawnCode, assembleetest.WithdrawnLabel, day))
	src, err := assemblee.New().WithReferences(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, body := must(t, s.QuestionURL(other.UID()), nil)
	rec, err := src.Parse(s.QuestionURL(other.UID()), body)
	if err != nil || rec.Status != parlq.Withdrawn {
		t.Errorf("closed: %v %v", rec, err)
	}
	s.RemoveQuestion(other.UID())
	if r, _ := must(t, s.QuestionURL(other.UID()), nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("removed question: %d", r.StatusCode)
	}
}

// TestSiteFaults: every fault kind, on the dump, the references and a
// question.
func TestSiteFaults(t *testing.T) {
	s, _ := newSite(t)
	uid := s.Questions()[0].UID()
	src := assemblee.New()
	for _, c := range []struct {
		target crawlertest.Target
		url    string
		read   func([]byte) error
	}{
		{assembleetest.TargetDump, s.DumpURL(), func(b []byte) error { _, err := src.Discover(s.DumpURL(), b); return err }},
		{assembleetest.TargetActors, s.ActorsURL(), func(b []byte) error {
			_, err := src.WithReferences([]parlq.Document{{URL: s.ActorsURL(), Body: b}})
			return err
		}},
		{assembleetest.QuestionTarget(uid), s.QuestionURL(uid), func(b []byte) error { _, err := src.Parse(s.QuestionURL(uid), b); return err }},
	} {
		s.SetFault(c.target, crawlertest.Fault{Kind: crawlertest.ServerError, Times: 1, RetryAfter: "3"})
		if r, _ := must(t, c.url, nil); r.StatusCode != 503 || r.Header.Get("Retry-After") != "3" {
			t.Errorf("%s 503: %d", c.target, r.StatusCode)
		}
		if r, _ := must(t, c.url, nil); r.StatusCode != 200 {
			t.Errorf("%s after the burst: %d", c.target, r.StatusCode)
		}
		s.SetFault(c.target, crawlertest.Fault{Kind: crawlertest.TooManyRequests, Times: 1})
		if r, _ := must(t, c.url, nil); r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
			t.Errorf("%s 429: %d", c.target, r.StatusCode)
		}
		s.SetFault(c.target, crawlertest.Fault{Kind: crawlertest.NotFound, Times: 1})
		if r, _ := must(t, c.url, nil); r.StatusCode != 404 {
			t.Errorf("%s 404: %d", c.target, r.StatusCode)
		}
		for _, k := range []crawlertest.FaultKind{crawlertest.Reset, crawlertest.Truncate, crawlertest.RedirectLoop} {
			// Every request: the client retries a reset connection once.
			s.SetFault(c.target, crawlertest.Fault{Kind: k})
			if _, _, err := crawlertest.Get(c.url, nil); err == nil {
				t.Errorf("%s fault %d: no client error", c.target, k)
			}
			s.ClearFaults()
		}
		// Content faults: the parser must refuse what comes.
		for _, k := range []crawlertest.FaultKind{crawlertest.Malformed, crawlertest.SoftError, crawlertest.Layout} {
			s.SetFault(c.target, crawlertest.Fault{Kind: k, Times: 1})
			r, b := must(t, c.url, nil)
			if r.StatusCode != 200 {
				t.Errorf("%s fault %d: %d; want 200", c.target, k, r.StatusCode)
			}
			err := c.read(b)
			var le *parlq.LayoutError
			switch {
			case err == nil:
				t.Errorf("%s fault %d: read without error", c.target, k)
			case k == crawlertest.SoftError && c.target != assembleetest.TargetActors && !errors.Is(err, parlq.ErrSoftError):
				t.Errorf("%s soft error: %v; want ErrSoftError", c.target, err)
			case k == crawlertest.Layout && !errors.As(err, &le):
				t.Errorf("%s layout: %v; want a LayoutError", c.target, err)
			}
		}
		s.SetFault(c.target, crawlertest.Fault{Kind: crawlertest.Slow, Delay: 200 * time.Millisecond, Times: 1})
		t0 := time.Now()
		if r, _ := must(t, c.url, nil); r.StatusCode != 200 || time.Since(t0) < 200*time.Millisecond {
			t.Errorf("%s slow: %d after %v", c.target, r.StatusCode, time.Since(t0))
		}
	}
	s.SetFault(crawlertest.TargetAll, crawlertest.Fault{Kind: crawlertest.ServerError})
	if r, _ := must(t, s.DumpURL(), nil); r.StatusCode != 503 {
		t.Errorf("global fault: %d", r.StatusCode)
	}
	s.ClearFaults()
	if r, _ := must(t, s.DumpURL(), nil); r.StatusCode != 200 {
		t.Errorf("after clearing: %d", r.StatusCode)
	}
}

// TestSiteFixtures serves the real question and the real reference data,
// read in place.
func TestSiteFixtures(t *testing.T) {
	dir, err := assembleetest.FixturesDir()
	if err != nil {
		t.Skipf("real Assemblée files not found: %v", err)
	}
	q, err := assembleetest.FixtureQuestion(dir)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := assembleetest.FixtureReferences(dir, assembleetest.Snapshot2025)
	if err != nil {
		t.Fatal(err)
	}
	s := assembleetest.New(assembleetest.Options{Questions: []assembleetest.Question{q}, References: refs})
	defer s.Close()
	src, d := harvest(t, s)
	if len(d.Refs) != 1 || !bytes.Equal(d.Refs[0].Document, q.Raw) {
		t.Fatalf("refs %+v", d.Refs)
	}
	rec, err := src.Parse(d.Refs[0].URL, d.Refs[0].Document)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Author.Name != "Olivia Grégoire" || rec.Author.Party != "Ensemble pour la République" {
		t.Errorf("author %+v", rec.Author)
	}
	// A malformed member beside it: the real question is still read.
	s.SetQuestion(assembleetest.Question{Number: 5269, Raw: []byte(`{"question": {"uid": "QANR5L17QE5269", "type"`)})
	_, d = harvest(t, s)
	ok, bad := 0, 0
	for _, r := range d.Refs {
		if _, err := src.Parse(r.URL, r.Document); err != nil {
			bad++
		} else {
			ok++
		}
	}
	if ok != 1 || bad != 1 {
		t.Errorf("read %d, failed %d; want 1 and 1", ok, bad)
	}
}

// TestJSONShape: a generated document is written as the AN writes: one
// line of ASCII, ", " and ": " separators, no trailing newline.
func TestJSONShape(t *testing.T) {
	q := assembleetest.Generate(3, start, 30)[0]
	b := q.JSON()
	for _, c := range b {
		if c >= 0x80 || c == '\n' {
			t.Fatalf("byte %q in %s", c, b)
		}
	}
	if !bytes.HasPrefix(b, []byte(`{"question": {"@xmlns": "http://schemas.assemblee-nationale.fr/referentiel", "@xmlns:xsi": `)) {
		t.Errorf("shape: %.120s", b)
	}
	if !bytes.Contains(b, []byte(`\u00e8me R\u00e9publique`)) {
		t.Error("accents are not \\u escapes")
	}
}
