package brusselstest

import (
	"encoding/json"
	"errors"
	"github.com/parlq/parlq/crawler/crawlertest"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestIndexLinksEveryQuestion(t *testing.T) {
	qs := Generate(30, time.Now())
	s := New(Options{Questions: qs})
	defer s.Close()
	resp, body, err := crawlertest.Get(s.IndexURL(), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("index: %v %v", resp, err)
	}
	var doc struct{ Data [][]string }
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Data) != 30 {
		t.Fatalf("rows = %d; want 30", len(doc.Data))
	}
	for i, row := range doc.Data {
		q := qs[i]
		if len(row) != 16 || row[15] != "1" || row[4] != "24/29" {
			t.Errorf("row %d = %q; want 16 columns, type 1, legislature 24/29", i, row)
		}
		if want := `<a href="` + DetailPath(q.Moncode, q.Base) + `">fiche</a>`; row[2] != want {
			t.Errorf("row %d link %q; want %q", i, row[2], want)
		}
		if (q.Base == 2) != (row[0] == "ARCCC") {
			t.Errorf("row %d assembly %q for base %d", i, row[0], q.Base)
		}
		resp, _, err := crawlertest.Get(s.URL()+DetailPath(q.Moncode, q.Base), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("detail %d: %v, %v", q.Moncode, resp.Status, err)
		}
	}
}

func TestValidatorsAndStateChange(t *testing.T) {
	qs := Generate(5, time.Now())
	s := New(Options{Questions: qs})
	defer s.Close()
	u := s.URL() + DetailPath(qs[0].Moncode, qs[0].Base)
	r1, b1, err := crawlertest.Get(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	etag, lm := r1.Header.Get("ETag"), r1.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("validators %q %q; want both", etag, lm)
	}
	_, b2, _ := crawlertest.Get(u, nil)
	if string(b1) == string(b2) {
		t.Error("two responses are byte-identical; want a per-request token like the live site")
	}
	if r, _, _ := crawlertest.Get(u, map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d; want 304", r.StatusCode)
	}
	if r, _, _ := crawlertest.Get(u, map[string]string{"If-Modified-Since": lm}); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d; want 304", r.StatusCode)
	}
	s.SetQuestion(Answer(qs[0], time.Now(), "Oui."))
	r3, b3, _ := crawlertest.Get(u, map[string]string{"If-None-Match": etag})
	if r3.StatusCode != 200 || r3.Header.Get("ETag") == etag {
		t.Errorf("after the answer: status %d etag %q; want 200 and a new etag", r3.StatusCode, r3.Header.Get("ETag"))
	}
	if !strings.Contains(string(b3), "R&eacute;ponse") {
		t.Error("answered page has no Réponse row")
	}
	lm3, _ := http.ParseTime(r3.Header.Get("Last-Modified"))
	lm1, _ := http.ParseTime(lm)
	if !lm3.After(lm1) {
		t.Errorf("Last-Modified %v not after %v", lm3, lm1)
	}
	if r, _, _ := crawlertest.Get(u, map[string]string{"If-Modified-Since": lm}); r.StatusCode != 200 {
		t.Errorf("If-Modified-Since before the change: status %d; want 200", r.StatusCode)
	}
	if got := s.Requests(Detail(qs[0].Moncode, qs[0].Base)); got != 6 {
		t.Errorf("logged requests = %d; want 6", got)
	}
}

func TestFaults(t *testing.T) {
	qs := Generate(2, time.Now())
	s := New(Options{Questions: qs})
	defer s.Close()
	tgt := Detail(qs[0].Moncode, qs[0].Base)
	u := s.URL() + DetailPath(qs[0].Moncode, qs[0].Base)

	s.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.ServerError, Times: 2, RetryAfter: "7"})
	for i := 0; i < 2; i++ {
		r, _, _ := crawlertest.Get(u, nil)
		if r.StatusCode != 503 || r.Header.Get("Retry-After") != "7" {
			t.Errorf("burst %d: %d %q; want 503 with Retry-After", i, r.StatusCode, r.Header.Get("Retry-After"))
		}
	}
	if r, _, _ := crawlertest.Get(u, nil); r.StatusCode != 200 {
		t.Errorf("after the burst: %d; want 200", r.StatusCode)
	}

	s.SetFault(crawlertest.TargetAll, crawlertest.Fault{Kind: crawlertest.TooManyRequests})
	if r, _, _ := crawlertest.Get(s.IndexURL(), nil); r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
		t.Errorf("global 429: %d; want 429 with Retry-After", r.StatusCode)
	}
	s.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.NotFound})
	if r, _, _ := crawlertest.Get(u, nil); r.StatusCode != 404 {
		t.Errorf("target fault over global: %d; want 404", r.StatusCode)
	}
	s.ClearFaults()

	for _, k := range []crawlertest.FaultKind{crawlertest.Reset, crawlertest.Truncate, crawlertest.RedirectLoop} {
		s.SetFault(tgt, crawlertest.Fault{Kind: k})
		if _, _, err := crawlertest.Get(u, nil); err == nil {
			t.Errorf("fault %d: no client error", k)
		}
		s.ClearFaults()
	}

	s.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.Slow, Delay: 300 * time.Millisecond, Times: 1})
	start := time.Now()
	if r, _, _ := crawlertest.Get(u, nil); r.StatusCode != 200 || time.Since(start) < 300*time.Millisecond {
		t.Errorf("slow: %d after %v", r.StatusCode, time.Since(start))
	}

	for _, k := range []crawlertest.FaultKind{crawlertest.SoftError, crawlertest.Layout} {
		s.SetFault(tgt, crawlertest.Fault{Kind: k, Times: 1})
		r, b, _ := crawlertest.Get(u, nil)
		if r.StatusCode != 200 || strings.Contains(string(b), "<h3>") == (k == crawlertest.SoftError) {
			t.Errorf("fault %d: status %d", k, r.StatusCode)
		}
		if k == crawlertest.Layout && strings.Contains(string(b), `id="weblex-quest-det-fr"`) {
			t.Error("changed layout still has the known section")
		}
	}
}

func TestRobotsAndLog(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.SetRobots("User-agent: *\nDisallow: /\n")
	_, b, _ := crawlertest.Get(s.URL()+"/robots.txt", map[string]string{"User-Agent": "parlq-test"})
	if string(b) != "User-agent: *\nDisallow: /\n" {
		t.Errorf("robots.txt = %q", b)
	}
	log := s.Log()
	if len(log) != 1 || log[0].Target != crawlertest.TargetRobots || log[0].UserAgent != "parlq-test" || log[0].InFlight != 1 {
		t.Errorf("log = %+v", log)
	}
	if s.MaxInFlight() != 1 {
		t.Errorf("max in flight = %d; want 1", s.MaxInFlight())
	}
	s.ResetLog()
	if len(s.Log()) != 0 || s.MinGap() != 0 {
		t.Error("log not reset")
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	a, b := Generate(200, at), Generate(200, at)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Generate differs between calls")
	}
	states := map[State]int{}
	seen := map[[2]int]bool{}
	for _, q := range a {
		states[q.State]++
		k := [2]int{q.Moncode, q.Base}
		if seen[k] {
			t.Errorf("duplicate question %v", k)
		}
		seen[k] = true
		if q.Received.After(at) || (q.State == Answered && (q.Answered.Before(q.Received) || q.Answered.After(at))) {
			t.Errorf("%d: received %v answered %v", q.Moncode, q.Received, q.Answered)
		}
	}
	for _, st := range []State{Pending, Answered, Lapsed} {
		if states[st] == 0 {
			t.Errorf("no %s question among 200", st)
		}
	}
}

func TestFixtureQuestions(t *testing.T) {
	dir, err := crawlertest.FixturesDir("brussels")
	if errors.Is(err, crawlertest.ErrNoFixtures) {
		t.Skip(err)
	}
	qs, err := FixtureQuestions(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Questions: qs})
	defer s.Close()
	for _, q := range qs {
		_, b, err := crawlertest.Get(s.URL()+DetailPath(q.Moncode, q.Base), nil)
		if err != nil || string(b) != string(q.Page) {
			t.Errorf("%d: not served verbatim (%v)", q.Moncode, err)
		}
		if q.Received.IsZero() {
			t.Errorf("%d: no reception date read", q.Moncode)
		}
	}
}
