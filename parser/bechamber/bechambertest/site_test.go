package bechambertest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser/bechamber"
)

var asOf = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func get(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func mustGet(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	resp, body, err := get(t, url, hdr)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, body
}

func fixtures(t *testing.T) string {
	t.Helper()
	dir, err := FixturesDir()
	if errors.Is(err, crawlertest.ErrNoFixtures) {
		t.Skipf("real Chamber fixtures absent: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// jsonKeys lists an object's keys in order, for the first object found at
// path (a list of member names; "[0]" enters an array's first element).
func jsonKeys(t *testing.T, body []byte, path ...string) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	var walk func(path []string) []string
	walk = func(path []string) []string {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		switch tok {
		case json.Delim('['):
			if len(path) > 0 && path[0] == "[0]" {
				return walk(path[1:])
			}
		case json.Delim('{'):
			var keys []string
			for dec.More() {
				k, _ := dec.Token()
				if len(path) > 0 && path[0] == k {
					return walk(path[1:])
				}
				keys = append(keys, k.(string))
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
			return keys
		}
		t.Fatalf("unexpected token %v at %v", tok, path)
		return nil
	}
	return walk(path)
}

// TestShapesAreTheRealOnes compares the replay's responses with the saved
// ones: the same members in the same order for a list page and a document,
// and only element names the saved XML documents use.
func TestShapesAreTheRealOnes(t *testing.T) {
	dir := fixtures(t)
	qs := Generate(30, 54, time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC))
	s := New(Options{Questions: qs})
	defer s.Close()

	savedList, err := os.ReadFile(filepath.Join(dir, FixtureList))
	if err != nil {
		t.Fatal(err)
	}
	_, list := mustGet(t, s.ListURL(54), nil)
	for _, path := range [][]string{nil, {"items", "[0]"}} {
		if got, want := jsonKeys(t, list, path...), jsonKeys(t, savedList, path...); !slices.Equal(got, want) {
			t.Errorf("list %v members:\ngot  %v\nwant %v", path, got, want)
		}
	}
	savedDoc, err := os.ReadFile(filepath.Join(dir, FixtureAnswered))
	if err != nil {
		t.Fatal(err)
	}
	var answered Question
	for _, q := range qs {
		if len(q.Answers) == 1 {
			answered = q
			break
		}
	}
	_, doc := mustGet(t, s.DocumentURL(answered), nil)
	for _, path := range [][]string{nil, {"items", "[0]"}} {
		if got, want := jsonKeys(t, doc, path...), jsonKeys(t, savedDoc, path...); !slices.Equal(got, want) {
			t.Errorf("document %v members:\ngot  %v\nwant %v", path, got, want)
		}
	}
	known := map[string]bool{}
	for _, f := range []string{FixtureAnsweredXML, FixtureUnansweredXML} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range elementNames(t, b) {
			known[n] = true
		}
	}
	answered.XML = true
	s.SetQuestion(answered)
	_, x := mustGet(t, s.DocumentURL(answered), nil)
	for _, n := range elementNames(t, x) {
		if !known[n] && n != "br" {
			t.Errorf("the replay's XML has <%s>; the saved documents do not", n)
		}
	}
}

func elementNames(t *testing.T, body []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(body))
	var names []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		if el, ok := tok.(xml.StartElement); ok {
			names = append(names, el.Name.Local)
		}
	}
}

func TestListPaging(t *testing.T) {
	qs := append(Generate(25, 56, asOf), Generate(3, 55, asOf)...)
	s := New(Options{Questions: qs})
	defer s.Close()
	type page struct {
		Start, Total int
		Items        []struct{ SDOCNAME string }
	}
	read := func(query string) page {
		t.Helper()
		resp, body := mustGet(t, s.URL()+ListPath+"?"+query, nil)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %s %s", query, resp.Status, resp.Header.Get("Content-Type"))
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		query              string
		start, total, size int
	}{
		{"leg=56&start=0", 0, 25, 10}, {"leg=56&start=20", 20, 25, 5}, {"leg=56&start=30", 30, 25, 0},
		{"leg=55", 0, 3, 3}, {"start=10&leg=56", 10, 25, 10}, {"leg=54&start=0", 0, 0, 0},
	} {
		p := read(tc.query)
		if p.Start != tc.start || p.Total != tc.total || len(p.Items) != tc.size {
			t.Errorf("%s: start %d total %d items %d; want %d %d %d", tc.query, p.Start, p.Total, len(p.Items), tc.start, tc.total, tc.size)
		}
	}
	if got := read("leg=56&start=20").Items[4].SDOCNAME; got != qs[24].SDOCNAME() {
		t.Errorf("last item %s; want %s (list order: as added)", got, qs[24].SDOCNAME())
	}
	for _, bad := range []string{"leg=x", "leg=56&start=-1", "start=ten"} {
		if resp, _ := mustGet(t, s.URL()+ListPath+"?"+bad, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d; want 400", bad, resp.StatusCode)
		}
	}
	if s.Pages(56) != 3 || s.Pages(55) != 1 || s.Pages(54) != 1 {
		t.Errorf("pages %d %d %d; want 3 1 1", s.Pages(56), s.Pages(55), s.Pages(54))
	}

	// The source follows the pages to every question of the legislature.
	src := bechamber.New()
	seeds, err := src.Seeds(parlq.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range seeds {
		seeds[i] = s.URL() + strings.TrimPrefix(u, CanonicalBase)
	}
	s.ResetLog()
	var ids []string
	for queue := seeds; len(queue) > 0; queue = queue[1:] {
		_, body := mustGet(t, queue[0], nil)
		d, err := src.Discover(queue[0], body)
		if err != nil {
			t.Fatalf("Discover %s: %v", queue[0], err)
		}
		for _, r := range d.Refs {
			ids = append(ids, r.ID)
		}
		queue = append(queue, d.Next...)
	}
	var want []string
	for _, q := range qs[:25] {
		want = append(want, q.RecordID())
	}
	if !slices.Equal(ids, want) {
		t.Errorf("discovered %v;\nwant %v", ids, want)
	}
	if n := s.Requests(TargetList); n != 3 {
		t.Errorf("list requests %d; want 3", n)
	}
}

func TestDocumentsInBothFormats(t *testing.T) {
	qs := Generate(40, 56, asOf)
	s := New(Options{Questions: qs})
	defer s.Close()
	src := bechamber.New()
	for _, q := range qs {
		u := s.DocumentURL(q)
		respJ, j := mustGet(t, u, map[string]string{"Accept": "*/*"})
		respX, x := mustGet(t, u, map[string]string{"Accept": "application/xml, application/json;q=0.9"})
		if ct := respJ.Header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
			t.Fatalf("%s: content type %q for */*; want JSON", u, ct)
		}
		if ct := respX.Header.Get("Content-Type"); ct != "application/xml;charset=UTF-8" || !bytes.HasPrefix(x, []byte("<?xml")) {
			t.Fatalf("%s: content type %q when XML is preferred", u, ct)
		}
		rj, err := src.Parse(u, j)
		if err != nil {
			t.Fatalf("Parse JSON %s: %v", u, err)
		}
		rx, err := src.Parse(u, x)
		if err != nil {
			t.Fatalf("Parse XML %s: %v", u, err)
		}
		bj, _ := json.Marshal(rj)
		bx, _ := json.Marshal(rx)
		if !bytes.Equal(bj, bx) {
			t.Errorf("%s: JSON and XML records differ:\n%s\n%s", q.Key(), bj, bx)
		}
		nj, _ := src.Normalize(u, j)
		nx, _ := src.Normalize(u, x)
		if !bytes.Equal(nj, nx) {
			t.Errorf("%s: JSON and XML normalize differently", q.Key())
		}
		if rj.ID != q.RecordID() {
			t.Errorf("record %s; want %s", rj.ID, q.RecordID())
		}
	}
	// A question served in XML whatever is asked.
	q := qs[7]
	q.XML = true
	s.SetQuestion(q)
	if resp, body := mustGet(t, s.DocumentURL(q), map[string]string{"Accept": "application/json"}); resp.Header.Get("Content-Type") != xmlType || !bytes.HasPrefix(body, []byte("<?xml")) {
		t.Errorf("forced XML: %s", resp.Header.Get("Content-Type"))
	}
	// An unknown document: 200 and no item, in either format.
	for _, accept := range []string{"", "text/xml"} {
		resp, body := mustGet(t, s.URL()+ListPath+"/56--1-9999-2025202699999", map[string]string{"Accept": accept})
		_, err := src.Parse(s.URL()+ListPath+"/56--1-9999-2025202699999", body)
		if resp.StatusCode != http.StatusOK || !errors.Is(err, parlq.ErrSoftError) {
			t.Errorf("unknown document (Accept %q): %d, %v; want 200 and a soft error", accept, resp.StatusCode, err)
		}
	}
	if n := s.Requests(TargetUnknown); n != 2 {
		t.Errorf("unknown-document requests %d; want 2", n)
	}
	if resp, _ := mustGet(t, s.URL()+"/v1/other", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other path: %d; want 404", resp.StatusCode)
	}
}

func TestPrefersXML(t *testing.T) {
	for accept, want := range map[string]bool{
		"": false, "*/*": false, "application/json": false, "application/xml": true, "text/xml": true,
		"application/json, application/xml": false, "application/xml;q=0.5, application/json": false,
		"application/xml, application/json;q=0.9": true, "text/*": true, "garbage;;": false,
	} {
		if got := prefersXML(accept); got != want {
			t.Errorf("prefersXML(%q) = %v; want %v", accept, got, want)
		}
	}
}

func TestValidators(t *testing.T) {
	qs := Generate(5, 56, asOf)
	s := New(Options{Questions: qs})
	defer s.Close()
	u := s.DocumentURL(qs[0])
	resp, _ := mustGet(t, u, nil)
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("no validators: %v", resp.Header)
	}
	if r, body := mustGet(t, u, map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match: %d; want 304", r.StatusCode)
	}
	if r, _ := mustGet(t, u, map[string]string{"If-Modified-Since": lm}); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %d; want 304", r.StatusCode)
	}
	list := s.ListURL(56)
	lr, _ := mustGet(t, list, nil)
	if r, _ := mustGet(t, list, map[string]string{"If-None-Match": lr.Header.Get("ETag")}); r.StatusCode != http.StatusNotModified {
		t.Errorf("list If-None-Match: %d; want 304", r.StatusCode)
	}
	// Answered and retitled: a new ETag and a later Last-Modified, for the
	// document and its list page.
	changed := Answered(qs[0], "Réponse.", "Antwoord.")
	changed.TitleF += " (bis)"
	s.SetQuestion(changed)
	r, _ := mustGet(t, u, map[string]string{"If-None-Match": etag})
	if r.StatusCode != http.StatusOK || r.Header.Get("ETag") == etag {
		t.Errorf("after a change: %d, ETag %s; want 200 and a new ETag", r.StatusCode, r.Header.Get("ETag"))
	}
	t1, _ := http.ParseTime(lm)
	t2, _ := http.ParseTime(r.Header.Get("Last-Modified"))
	if !t2.After(t1) {
		t.Errorf("Last-Modified %v then %v; want later", t1, t2)
	}
	if r, _ := mustGet(t, list, map[string]string{"If-None-Match": lr.Header.Get("ETag")}); r.StatusCode != http.StatusOK {
		t.Errorf("list after a change: %d; want 200", r.StatusCode)
	}
	n := New(Options{Questions: qs, NoValidators: true})
	defer n.Close()
	if r, _ := mustGet(t, n.DocumentURL(qs[1]), nil); r.Header.Get("ETag") != "" || r.Header.Get("Last-Modified") != "" {
		t.Errorf("NoValidators: %v", r.Header)
	}
}

// TestChangesBetweenHarvests follows a question through the helpers: an
// answer received, printed (its document renamed), replaced.
func TestChangesBetweenHarvests(t *testing.T) {
	q := Generate(1, 56, asOf)[0]
	q.Status, q.Bulletin, q.Answers = Transmitted, "", nil
	s := New(Options{Questions: []Question{q}})
	defer s.Close()
	src := bechamber.New()
	parse := func(u string) *parlq.Question {
		t.Helper()
		_, body := mustGet(t, u, nil)
		r, err := src.Parse(u, body)
		if err != nil {
			t.Fatalf("Parse %s: %v", u, err)
		}
		return r
	}
	first := parse(s.DocumentURL(q))
	if first.Status != parlq.Pending || first.Answer != "" {
		t.Fatalf("before: %s %q", first.Status, first.Answer)
	}
	q = Answered(q, "Première réponse.", "Eerste antwoord.")
	s.SetQuestion(q)
	second := parse(s.DocumentURL(q))
	want := map[string]string{"F": "Première réponse.", "N": "Eerste antwoord."}[q.Lang]
	if second.Status != parlq.Answered || second.Answer != want || second.Answered != "" || second.ID != first.ID {
		t.Errorf("answered: %s %q %q %s", second.Status, second.Answer, second.Answered, second.ID)
	}
	old := s.DocumentURL(q)
	q = Publish(q, "B099", asOf)
	s.SetQuestion(q)
	if _, body := mustGet(t, old, nil); !bytes.Contains(body, []byte(`"items":[]`)) {
		t.Errorf("the old name still answers: %s", body)
	}
	third := parse(s.DocumentURL(q))
	if third.ID != first.ID || third.Answered != "2026-03-02" || third.Answers[0].Reference != "B099" || !strings.Contains(third.URL, "-B099-") {
		t.Errorf("printed: %s %s %+v %s", third.ID, third.Answered, third.Answers, third.URL)
	}
	q = Replace(q, 1, "Réponse remplacée.", "Vervangen antwoord.")
	s.SetQuestion(q)
	if fourth := parse(s.DocumentURL(q)); !strings.Contains(fourth.Answer, "Vervangen") && !strings.Contains(fourth.Answer, "remplacée") {
		t.Errorf("replaced: %q", fourth.Answer)
	}
	q = AddAnswer(q, Answer{Kind: Corrected, Bulletin: "B101", Date: asOf.AddDate(0, 0, 14), TextF: []string{"Rectifié."}, TextN: []string{"Verbeterd."}})
	s.SetQuestion(q)
	if fifth := parse(s.DocumentURL(q)); fifth.Corrected != "2026-03-16" || len(fifth.Answers) != 2 {
		t.Errorf("corrected: %q %d answers", fifth.Corrected, len(fifth.Answers))
	}
	s.SetQuestion(WithStatus(q, Canceled))
	if got, _ := s.Question(q.Key()); got.Status != Canceled {
		t.Errorf("status %q", got.Status)
	}
	if unanswered := Publish(Question{Status: Transmitted}, "B001", asOf); unanswered.Status != PrintedUnanswered {
		t.Errorf("printed without an answer: %q", unanswered.Status)
	}
}

var sdocname = regexp.MustCompile(`^\d{2}-(B\d{3})?-\d{1,2}-\d{4}-\d{13}$`)

func TestGenerateShape(t *testing.T) {
	qs := Generate(3000, 56, asOf)
	if len(qs) != 3000 {
		t.Fatalf("%d questions", len(qs))
	}
	again := Generate(3000, 56, asOf)
	for i := range qs[:100] {
		a, _ := json.Marshal(qs[i])
		b, _ := json.Marshal(again[i])
		if !bytes.Equal(a, b) {
			t.Fatal("Generate is not deterministic")
		}
	}
	keys := map[string]bool{}
	docnames := map[string]int{}
	var dutch, answered, printedUnanswered, transmitted, cancelled, additional, corrected, smart, printed, glued int
	for _, q := range qs {
		if keys[q.Key()] || !sdocname.MatchString(q.SDOCNAME()) {
			t.Fatalf("key %s twice, or name %s", q.Key(), q.SDOCNAME())
		}
		keys[q.Key()] = true
		docnames[q.DocName]++
		if q.Received.Before(legislatureStart(56)) || !q.Received.Before(asOf) || q.Due.Sub(q.Received) != 35*24*time.Hour {
			t.Fatalf("%s received %s due %s", q.Key(), q.Received, q.Due)
		}
		if q.MemberID == "" || !strings.HasSuffix(q.aut(), "("+q.MemberID+")") {
			t.Fatalf("legislature 56 without a member number: %q", q.aut())
		}
		if q.Lang == "N" {
			dutch++
		}
		switch q.Status {
		case AnswerReceived:
			answered++
		case PrintedUnanswered:
			printedUnanswered++
		case Transmitted:
			transmitted++
		case Canceled:
			cancelled++
		}
		for _, a := range q.Answers {
			switch a.Kind {
			case Additional:
				additional++
			case Corrected:
				corrected++
			}
		}
		if q.Bulletin != "" {
			printed++
		}
		if strings.Contains(q.TitleF, "ville intelligente") {
			smart++
		}
		if regexp.MustCompile(`[a-z)][.?][A-Z0-9]`).MatchString(q.TextF[0]) {
			glued++
		}
	}
	twoMinisters := 0
	for _, n := range docnames {
		if n > 1 {
			twoMinisters++
		}
	}
	pct := func(n int) float64 { return float64(n) * 100 / float64(len(qs)) }
	for _, c := range []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"asked in Dutch", pct(dutch), 55, 65},
		{"answered", pct(answered), 70, 88},
		{"printed without an answer", pct(printedUnanswered), 8, 25},
		{"transmitted", pct(transmitted), 0.5, 6},
		{"cancelled", pct(cancelled), 0.3, 2},
		{"additional answers", pct(additional), 1.5, 5},
		{"corrected answers", pct(corrected), 0.2, 2},
		{"printed", pct(printed), 80, 98},
		{"smart city", pct(smart), 9, 12},
		{"glued texts", pct(glued), 40, 60},
		{"put to two ministers", pct(twoMinisters), 2, 6},
	} {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %.2f%%; want %.1f–%.1f%%", c.name, c.got, c.lo, c.hi)
		}
	}
	if qs := Generate(10, 55, asOf); qs[0].MemberID != "" || qs[0].Received.Year() != 2019 {
		t.Errorf("legislature 55: %+v", qs[0])
	}
}

// TestGeneratedParse reads every generated document: its record is what
// the question says.
func TestGeneratedParse(t *testing.T) {
	qs := Generate(300, 56, asOf)
	s := New(Options{Questions: qs})
	defer s.Close()
	src := bechamber.New()
	statuses := map[parlq.Status]int{}
	for _, q := range qs {
		u := s.DocumentURL(q)
		_, body := mustGet(t, u, nil)
		rec, err := src.Parse(u, body)
		if err != nil {
			t.Fatalf("Parse %s: %v", q.Key(), err)
		}
		statuses[rec.Status]++
		lang := map[string]string{"F": "fr", "N": "nl"}[q.Lang]
		if rec.ID != q.RecordID() || rec.Language != lang || rec.Author.ID != q.MemberID || rec.Author.Name != q.Author ||
			rec.Due != q.Due.Format(parlq.DateLayout) || len(rec.Answers) != len(q.Answers) {
			t.Errorf("%s: record %+v", q.Key(), rec)
		}
		if strings.Contains(rec.Question, ".1.") || strings.Contains(rec.Question, ").") && !strings.Contains(rec.Question, "). ") {
			t.Errorf("%s: glued question %q", q.Key(), rec.Question)
		}
	}
	if statuses[parlq.Answered] == 0 || statuses[parlq.Pending] == 0 {
		t.Errorf("statuses %v; want answered and pending", statuses)
	}
}

func TestFaults(t *testing.T) {
	qs := Generate(20, 56, asOf)
	s := New(Options{Questions: qs})
	defer s.Close()
	src := bechamber.New()
	doc, list := s.DocumentURL(qs[0]), s.ListURL(56)
	target := DocumentTarget(qs[0])
	var le *parlq.LayoutError

	s.SetFault(target, crawlertest.Fault{Kind: crawlertest.Malformed, Times: 1})
	_, body := mustGet(t, doc, nil)
	if _, err := src.Parse(doc, body); !errors.Is(err, bechamber.ErrMalformed) {
		t.Errorf("malformed document: %v; want ErrMalformed", err)
	}
	if _, body := mustGet(t, doc, nil); !json.Valid(body) {
		t.Error("the fault outlived its Times")
	}
	s.SetFault(target, crawlertest.Fault{Kind: crawlertest.SoftError})
	_, body = mustGet(t, doc, nil)
	if _, err := src.Parse(doc, body); !errors.Is(err, parlq.ErrSoftError) {
		t.Errorf("soft error: %v; want ErrSoftError (the unknown-document answer)", err)
	}
	s.SetFault(target, crawlertest.Fault{Kind: crawlertest.Layout})
	_, body = mustGet(t, doc, nil)
	if _, err := src.Parse(doc, body); !errors.As(err, &le) {
		t.Errorf("changed layout: %v; want a LayoutError", err)
	}
	xq := qs[1]
	xq.XML = true
	s.SetQuestion(xq)
	s.SetFault(DocumentTarget(xq), crawlertest.Fault{Kind: crawlertest.Layout})
	_, body = mustGet(t, s.DocumentURL(xq), nil)
	if _, err := src.Parse(doc, body); !errors.As(err, &le) {
		t.Errorf("changed XML layout: %v; want a LayoutError", err)
	}
	s.SetFault(DocumentTarget(xq), crawlertest.Fault{Kind: crawlertest.Malformed})
	_, body = mustGet(t, s.DocumentURL(xq), nil)
	if _, err := src.Parse(doc, body); !errors.Is(err, bechamber.ErrMalformed) {
		t.Errorf("malformed XML: %v; want ErrMalformed", err)
	}
	s.SetFault(target, crawlertest.Fault{Kind: crawlertest.Truncate})
	if _, _, err := get(t, doc, nil); err == nil {
		t.Error("truncated body read without error")
	}
	s.SetFault(target, crawlertest.Fault{Kind: crawlertest.Reset})
	if _, _, err := get(t, doc, nil); err == nil {
		t.Error("reset connection: no error")
	}
	s.SetFault(target, crawlertest.Fault{Kind: crawlertest.RedirectLoop})
	if r, _ := mustGet(t, doc, nil); r.StatusCode != http.StatusFound || !strings.HasSuffix(r.Header.Get("Location"), qs[0].SDOCNAME()) {
		t.Errorf("redirect loop: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	s.SetFault(target, crawlertest.Fault{Kind: crawlertest.NotFound})
	if r, _ := mustGet(t, doc, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("not found: %d", r.StatusCode)
	}
	s.SetFault(target, crawlertest.Fault{Kind: crawlertest.Slow, Delay: 50 * time.Millisecond})
	start := time.Now()
	if r, _ := mustGet(t, doc, nil); r.StatusCode != http.StatusOK || time.Since(start) < 50*time.Millisecond {
		t.Errorf("slow: %d after %v", r.StatusCode, time.Since(start))
	}

	for _, f := range []struct {
		kind  crawlertest.FaultKind
		check func(error) bool
	}{
		{crawlertest.Malformed, func(err error) bool { return errors.Is(err, bechamber.ErrMalformed) }},
		{crawlertest.SoftError, func(err error) bool { return errors.Is(err, parlq.ErrSoftError) }},
		{crawlertest.Layout, func(err error) bool { return errors.As(err, &le) }},
	} {
		s.SetFault(TargetList, crawlertest.Fault{Kind: f.kind, Times: 1})
		_, body := mustGet(t, list, nil)
		if _, err := src.Discover(list, body); !f.check(err) {
			t.Errorf("list fault %d: Discover error %v", f.kind, err)
		}
	}
	s.SetFault(crawlertest.TargetAll, crawlertest.Fault{Kind: crawlertest.TooManyRequests, RetryAfter: "7"})
	s.SetFault(TargetList, crawlertest.Fault{Kind: crawlertest.ServerError, Status: 502, RetryAfter: "3"})
	if r, _ := mustGet(t, list, nil); r.StatusCode != 502 || r.Header.Get("Retry-After") != "3" {
		t.Errorf("server error: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r, _ := mustGet(t, s.DocumentURL(qs[5]), nil); r.StatusCode != 429 || r.Header.Get("Retry-After") != "7" {
		t.Errorf("global fault: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	s.ClearFaults()
	if r, body := mustGet(t, s.URL()+"/robots.txt", nil); r.StatusCode != 200 || string(body) != crawlertest.DefaultRobots {
		t.Errorf("robots.txt: %d %q", r.StatusCode, body)
	}
	if n := s.Requests(crawlertest.Target("question/")); n < 12 {
		t.Errorf("document requests %d; want them logged", n)
	}
	if s.MaxInFlight() != 1 {
		t.Errorf("max in flight %d; want 1", s.MaxInFlight())
	}
}

// TestServesTheSavedDocuments replays the real saved documents verbatim.
func TestServesTheSavedDocuments(t *testing.T) {
	dir := fixtures(t)
	qs, err := FixtureQuestions(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Questions: qs})
	defer s.Close()
	src := bechamber.New()
	_, list := mustGet(t, s.ListURL(54), nil)
	d, err := src.Discover(s.ListURL(54), list)
	if err != nil || len(d.Refs) != 3 {
		t.Fatalf("Discover: %v, %v", d, err)
	}
	for i, r := range d.Refs {
		resp, body := mustGet(t, r.URL, nil)
		saved, err := os.ReadFile(filepath.Join(dir, fixtureDocs[i]))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, saved) {
			t.Errorf("%s: not the saved bytes", r.URL)
		}
		if xmlDoc := strings.HasSuffix(fixtureDocs[i], ".xml"); xmlDoc != (resp.Header.Get("Content-Type") == xmlType) {
			t.Errorf("%s: content type %s", r.URL, resp.Header.Get("Content-Type"))
		}
		q, err := src.Parse(r.URL, body)
		if err != nil || q.ID != r.ID {
			t.Errorf("Parse %s: %v, %v; want %s", r.URL, q, err, r.ID)
		}
		parlq.MergeListing(q, r.Listing)
		if err := q.Validate(); err != nil {
			t.Errorf("%s completed from its listing: %v", r.ID, err)
		}
	}
}
