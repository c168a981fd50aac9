package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// assertInert checks that no part of the probe reached the page as markup:
// its text may appear only escaped.
func assertInert(t *testing.T, where, body string) {
	t.Helper()
	for _, raw := range []string{"<script>document", "<img src=x", "onerror=\"document"} {
		if strings.Contains(body, raw) {
			t.Errorf("%s: raw probe markup %q in the page", where, raw)
		}
	}
	// The one script is the site's own file (static/app.js).
	if strings.Contains(strings.Replace(body, `<script src="/static/app.js" defer></script>`, "", 1), "<script") {
		t.Errorf("%s: the page has a <script> element besides static/app.js", where)
	}
}

func TestSearchPage(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, hdr, body := get(t, ts, "/"+query("q", "ville intelligente", "source", "brussels"))
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	if ct := hdr.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") {
		t.Errorf("Content-Security-Policy %q; want default-src 'none' and scripts from the site's own files only", csp)
	}
	for _, want := range []string{
		`<a class="skip" href="#main">`,
		`<main id="main"`,
		`role="search"`,
		`<label for="q">`,
		`value="ville intelligente"`,
		`<mark>`,
		`<h2 id="results-h">3 questions</h2>`,
		`href="/q/brussels/prb/1001"`,
		`href="https://www.parlement.brussels/qrva/1001"`,
		`Alain Maron`,
		`Marie Dupont`,
		`<time datetime="2024-10-07">`,
		`(28 days)`,
		`<fieldset class="facet" id="facet-status">`,
		`<input type="checkbox" id="f-source-0" name="source" value="brussels" checked>`,
		`href="/api/export?bom=true&amp;format=csv&amp;q=ville&#43;intelligente&amp;source=brussels"`,
		`<select id="sort" name="sort">`,
		`&lt;script&gt;document.title=`,
		`lang="fr"><a href="/q/brussels/prb/1001">`,
		`Searched in every language as: ville intelligente · smart city · slimme stad`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	assertInert(t, "search page", body)
}

func TestSearchPageLanding(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, _, body := get(t, ts, "/")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	total := len(handRecords()) + bulkCount
	if !strings.Contains(body, fmt.Sprintf("%d questions", total)) {
		t.Errorf("landing page does not count every question (%d)", total)
	}
	// Newest first: the Dutch question (received 2024-12-02) leads the list.
	first := strings.Index(body, `href="/q/`)
	if first < 0 || !strings.HasPrefix(body[first:], `href="/q/brussels/prb/1002"`) {
		t.Errorf("first hit is not the newest question")
	}
	if !strings.Contains(body, `rel="next"`) || !strings.Contains(body, `aria-current="page"`) {
		t.Errorf("no pagination")
	}
	status, _, body = get(t, ts, "/?page=2")
	if status != 200 || !strings.Contains(body, `rel="prev"`) || !strings.Contains(body, `<ol class="hits" start="21">`) {
		t.Errorf("page 2: status %d, no prev link or wrong start", status)
	}
	assertInert(t, "landing", body)

	// A filter without a control of its own stays in the form, and can be removed.
	_, _, body = get(t, ts, "/"+query("session", "24/25", "status", "pending"))
	for _, want := range []string{
		`<input type="hidden" name="session" value="24/25">`,
		`<h2 id="results-h">1 question</h2>`,
		`<a href="/?session=24%2F25" class="remove">remove<span class="visually-hidden"> filter Status: Pending</span></a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("filtered page lacks %s", want)
		}
	}
}

func TestSearchPageErrors(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	for _, q := range []string{query("bogus", "1"), query("q", `"open`), query("size", "0")} {
		status, hdr, body := get(t, ts, "/"+q)
		if status != http.StatusBadRequest || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
			t.Errorf("/%s: status %d %q; want a 400 page", q, status, hdr.Get("Content-Type"))
		}
		if !strings.Contains(body, `role="alert"`) || !strings.Contains(body, `<input id="q"`) {
			t.Errorf("/%s: the page shows no error or no form", q)
		}
	}
	// A bad parameter keeps the typed query in the box.
	_, _, body := get(t, ts, "/?q=ville+intelligente&bogus=1")
	if !strings.Contains(body, `value="ville intelligente"`) {
		t.Errorf("the error page lost the query")
	}
	status, _, body := get(t, ts, "/no/such/page")
	if status != 404 || !strings.Contains(body, "404") {
		t.Errorf("unknown page: %d", status)
	}
}

func TestStatic(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, hdr, body := get(t, ts, "/static/style.css")
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/css") || !strings.Contains(body, ":focus-visible") {
		t.Errorf("style.css: %d %q", status, hdr.Get("Content-Type"))
	}
}

// TestSearchPageNamesParliamentAndDepartment: a hit shows the parliament's
// name and its assembly's (when the assembly has a name of its own), and
// the answering department of a UK question.
func TestSearchPageNamesParliamentAndDepartment(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	_, _, body := get(t, ts, "/"+query("q", "smart city", "source", "ukparl"))
	for _, want := range []string{
		`<dd>House of Commons</dd>`,
		`Secretary of State for Science</a> <span class="role" lang="en">(Department for Science)</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("UK hit lacks %s", want)
		}
	}
	_, _, body = get(t, ts, "/"+query("q", "ville intelligente", "source", "brussels"))
	if !strings.Contains(body, `<dd>Parlement de la Région de Bruxelles-Capitale</dd>`) {
		t.Errorf("Brussels hit does not name its parliament")
	}
}
