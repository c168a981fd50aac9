package server

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/history"
)

// parsedPerson and parsedLink are what the tests read of Atom authors
// and links.
type (
	parsedPerson struct {
		Name string `xml:"name"`
	}
	parsedLink struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}
)

// parsedFeed is what the tests read of an Atom feed.
type parsedFeed struct {
	XMLName xml.Name       `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string         `xml:"id"`
	Title   string         `xml:"title"`
	Updated string         `xml:"updated"`
	Authors []parsedPerson `xml:"author"`
	Links   []parsedLink   `xml:"link"`
	Entries []struct {
		ID       string         `xml:"id"`
		Title    string         `xml:"title"`
		Updated  string         `xml:"updated"`
		Authors  []parsedPerson `xml:"author"`
		Links    []parsedLink   `xml:"link"`
		Category []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
		Summary string `xml:"summary"`
		Content *struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

// readFeed parses an Atom feed and checks the two rules of RFC 4287 its
// RELAX NG schema leaves to Schematron: a feed has an author unless every
// entry has one; an entry has an alternate link or content.
func readFeed(t *testing.T, body string) parsedFeed {
	t.Helper()
	var f parsedFeed
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("feed does not parse: %v\n%.500s", err, body)
	}
	for _, e := range f.Entries {
		if len(f.Authors) == 0 && len(e.Authors) == 0 {
			t.Errorf("entry %s has no author, nor has the feed", e.ID)
		}
		alt := false
		for _, l := range e.Links {
			alt = alt || l.Rel == "alternate" || l.Rel == ""
		}
		if !alt && e.Content == nil {
			t.Errorf("entry %s has neither an alternate link nor content", e.ID)
		}
	}
	return f
}

// validateAtom validates a feed against the RELAX NG schema of RFC 4287
// (testdata/atom.rng) with xmllint. Without xmllint the test is skipped
// (apt-get install libxml2-utils), except in CI, where it fails.
func validateAtom(t *testing.T, name, body string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("xmllint is not installed; CI must validate feeds (apt-get install libxml2-utils)")
		}
		t.Skipf("feed validation skipped: xmllint not found (apt-get install libxml2-utils)")
	}
	path := filepath.Join(t.TempDir(), name+".xml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--relaxng", filepath.Join("testdata", "atom.rng"), path).CombinedOutput()
	if err != nil {
		t.Errorf("%s is not a valid Atom feed: %v\n%s\n%.3000s", name, err, out, body)
	}
}

// TestAtomSchemaRejects: the schema and the validation are not vacuous: a
// feed without an id, or with a date that is not one, fails.
func TestAtomSchemaRejects(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skipf("skipped: xmllint not found (apt-get install libxml2-utils)")
	}
	good := `<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id><title>t</title><updated>2025-01-01T00:00:00Z</updated><author><name>a</name></author></feed>`
	for name, doc := range map[string]string{
		"good":    good,
		"no id":   strings.Replace(good, "<id>urn:uuid:1</id>", "", 1),
		"bad day": strings.Replace(good, "2025-01-01T00:00:00Z", "2025-01-01", 1),
		"unknown": strings.Replace(good, "<title>", "<bogus/><title>", 1),
	} {
		path := filepath.Join(t.TempDir(), "f.xml")
		os.WriteFile(path, []byte(doc), 0o644)
		err := exec.Command(xmllint, "--noout", "--relaxng", filepath.Join("testdata", "atom.rng"), path).Run()
		if (err == nil) != (name == "good") {
			t.Errorf("%s: validation error %v", name, err)
		}
	}
}

func TestFeeds(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	fetch := func(path string, hdr map[string]string) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = fmt.Fprint(&b, readAll(t, resp))
		return resp.StatusCode, resp.Header, b.String()
	}

	// One question: every version, newest first, dated by the catalog.
	status, hdr, body := fetch("/feeds/q/brussels/prb/1002", nil)
	if status != 200 || hdr.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("question feed: %d %q", status, hdr.Get("Content-Type"))
	}
	validateAtomLater := []struct{ name, body string }{{"question", body}}
	f := readFeed(t, body)
	if len(f.Entries) != 2 || f.Updated != "2025-01-11T03:00:00Z" {
		t.Fatalf("question feed: %d entries, updated %s", len(f.Entries), f.Updated)
	}
	e2, e1 := f.Entries[0], f.Entries[1]
	if e2.Updated != "2025-01-11T03:00:00Z" || e1.Updated != "2025-01-10T03:00:00Z" ||
		e2.Category[0].Term != string(history.Answered) || e1.Category[0].Term != string(history.New) ||
		e2.Title != "Answered: Schriftelijke vraag over de slimme stad" || e2.Authors[0].Name != "Jan Peeters" {
		t.Errorf("entries %+v", f.Entries)
	}
	if !regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(e2.ID) || e2.ID == e1.ID {
		t.Errorf("entry ids %q %q", e2.ID, e1.ID)
	}
	if !strings.Contains(e2.Content.Text, "<ins>") || !strings.Contains(e2.Content.Text, "De slimme stad vordert.") ||
		!strings.Contains(e2.Summary, "Answered on 2025-01-20") {
		t.Errorf("answered entry: %q / %q", e2.Summary, e2.Content.Text)
	}
	if e2.Links[0].Href != ts.URL+"/q/brussels/prb/1002?v=2" {
		t.Errorf("entry link %q", e2.Links[0].Href)
	}
	if lm := hdr.Get("Last-Modified"); lm != "Sat, 11 Jan 2025 03:00:00 GMT" {
		t.Errorf("Last-Modified %q", lm)
	}

	// Conditional GET.
	etag := hdr.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if status, _, body := fetch("/feeds/q/brussels/prb/1002", map[string]string{"If-None-Match": etag}); status != 304 || body != "" {
		t.Errorf("If-None-Match: %d %q", status, body)
	}
	if status, _, _ := fetch("/feeds/q/brussels/prb/1002", map[string]string{"If-Modified-Since": "Sat, 11 Jan 2025 03:00:00 GMT"}); status != 304 {
		t.Errorf("If-Modified-Since the feed's date: %d; want 304", status)
	}
	if status, _, _ := fetch("/feeds/q/brussels/prb/1002", map[string]string{"If-Modified-Since": "Fri, 10 Jan 2025 12:00:00 GMT"}); status != 200 {
		t.Errorf("If-Modified-Since an older date: %d; want 200", status)
	}
	if status, _, _ := fetch("/feeds/q/brussels/prb/1002", map[string]string{"If-None-Match": `"other"`}); status != 200 {
		t.Errorf("If-None-Match another tag: %d; want 200", status)
	}
	// The same feed later: the same bytes (nothing says "now").
	time.Sleep(1100 * time.Millisecond)
	if _, hdr2, body2 := fetch("/feeds/q/brussels/prb/1002", nil); body2 != body || hdr2.Get("ETag") != etag {
		t.Errorf("the feed changed with time alone")
	}

	// A search: new questions and new answers, with the ids of the
	// question feed.
	status, _, body = fetch("/feeds/search?q=vordert", nil)
	if status != 200 {
		t.Fatalf("search feed: %d %s", status, body)
	}
	validateAtomLater = append(validateAtomLater, struct{ name, body string }{"search", body})
	sf := readFeed(t, body)
	ids := map[string]string{}
	for _, e := range sf.Entries {
		ids[e.ID] = e.Category[0].Term
	}
	if len(sf.Entries) != 2 || ids[e1.ID] != "new" || ids[e2.ID] != "answered" {
		t.Errorf("search feed entries %v; want the question's new (%s) and answered (%s) entries", ids, e1.ID, e2.ID)
	}
	if !strings.Contains(sf.Title, "“vordert”") {
		t.Errorf("search feed title %q", sf.Title)
	}

	// A minister: the questions addressed to them.
	status, _, body = fetch("/feeds/minister/Alain%20Maron", nil)
	if status != 200 {
		t.Fatalf("minister feed: %d", status)
	}
	validateAtomLater = append(validateAtomLater, struct{ name, body string }{"minister", body})
	mf := readFeed(t, body)
	got := map[string]bool{}
	for _, e := range mf.Entries {
		for _, l := range e.Links {
			if l.Rel == "alternate" {
				got[strings.TrimPrefix(l.Href, ts.URL)] = true
			}
		}
	}
	if len(mf.Entries) != 2 || !got["/q/brussels/prb/1001?v=1"] || !got["/q/brussels/prb/1003?v=1"] || mf.Title != "parlq: Questions to Alain Maron" {
		t.Errorf("minister feed %q: %v", mf.Title, got)
	}
	assertInert(t, "minister feed", strings.ReplaceAll(body, "&lt;script&gt;", ""))
	status, _, body = fetch("/feeds/author/Jan%20Peeters", nil)
	if af := readFeed(t, body); status != 200 || len(af.Entries) != 2 {
		t.Errorf("author feed: %d, %d entries", status, len(af.Entries))
	}

	// Nothing matches: a valid empty feed, dated by the catalog's last change.
	status, _, body = fetch("/feeds/search?q=zzzznothing", nil)
	if ef := readFeed(t, body); status != 200 || len(ef.Entries) != 0 || ef.Updated != "2025-01-11T03:00:00Z" {
		t.Errorf("empty feed: %d, %d entries, updated %s", status, len(ef.Entries), ef.Updated)
	}
	validateAtomLater = append(validateAtomLater, struct{ name, body string }{"empty", body})

	for path, want := range map[string]int{
		"/feeds/search?sort=-received": 400,
		"/feeds/search?bogus=1":        400,
		"/feeds/q/brussels/prb/404":    404,
		"/feeds/q/brussels/prb/1002?x": 400,
		"/feeds/minister/x?y=1":        400,
	} {
		if status, _, _ := fetch(path, nil); status != want {
			t.Errorf("%s: status %d; want %d", path, status, want)
		}
	}
	for _, v := range validateAtomLater {
		validateAtom(t, v.name, v.body)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// TestFeedBounded: a feed holds the latest feedSize entries.
func TestFeedBounded(t *testing.T) {
	s, _ := newTestServer(t, DefaultConfig(), nil)
	var entries []feedEntry
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 * feedSize {
		q := &parlq.Question{ID: fmt.Sprintf("ukparl/commons/%d", i), Title: "Q", Type: parlq.WrittenQuestion, Status: parlq.Pending}
		entries = append(entries, feedEntry{step: history.Step{Version: 1, At: t0.Add(time.Duration(i) * time.Hour), Kind: history.New, Record: q}})
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/feeds/search", nil)
	s.serveFeed(rec, req, feedMeta{id: "t", title: "t", self: "/feeds/search", alternate: "/"}, entries)
	f := readFeed(t, rec.Body.String())
	if len(f.Entries) != feedSize || f.Entries[0].Updated != atomTime(t0.Add(time.Duration(3*feedSize-1)*time.Hour)) {
		t.Errorf("%d entries, newest %s; want the newest %d", len(f.Entries), f.Entries[0].Updated, feedSize)
	}
	validateAtom(t, "bounded", rec.Body.String())
}
