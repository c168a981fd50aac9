package server

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

var screenshots = flag.String("screenshots", "", "directory to keep the browser test's screenshots in (to look at the page)")

// shotPath is where the screenshot name goes: in -screenshots (created if
// needed) when it is set, else in the test's temporary directory.
func shotPath(t *testing.T, name string) string {
	t.Helper()
	if *screenshots == "" {
		return filepath.Join(t.TempDir(), name)
	}
	if err := os.MkdirAll(*screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(*screenshots, name)
}

// chromium runs headless Chromium with extra arguments and returns stdout.
func chromium(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, chromiumPath, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

// TestBrowser loads the search page in headless Chromium, as a user would
// with a query in the URL (no JavaScript needed), and checks what the
// browser built: highlighted results, facets, and a <script> probe that
// stayed text, and the banner of a source whose last run failed; then the
// page of a question with two versions: the word diff of the second, its
// citation and its feeds; then the answer-time statistics (the chart), a
// person page, and the sources page and its ledger.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (apt-get install chromium)", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	_, ts := newTestServer(t, DefaultConfig(), nil)

	pages := []struct{ name, path, title string }{
		{"search", "/" + query("q", "ville intelligente"), "ville intelligente — parlq"},
		{"question", "/q/brussels/prb/1003", "Sonde &lt;script&gt;"},
		{"versions", "/q/brussels/prb/1002", "Schriftelijke vraag over de slimme stad"},
		{"stats", "/stats?by=minister", "Answer times — parlq"},
		{"person", "/people/brussels/Alain%20Maron", "Alain Maron — parlq"},
		{"sources", "/sources", "Sources: completeness and freshness"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			dom := chromium(t, "--dump-dom", ts.URL+p.path)
			if !strings.Contains(dom, "</main>") {
				t.Fatalf("the browser did not render the page:\n%.2000s", dom)
			}
			// Had the probe run, the title would be exactly "pwned" and
			// <body> would carry a data-pwned attribute.
			title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(dom)
			if title == nil || !strings.HasPrefix(title[1], p.title) {
				t.Errorf("document title %q; want it to start with %q: the probe ran", title, p.title)
			}
			if regexp.MustCompile(`<body[^>]*data-pwned`).MatchString(dom) {
				t.Errorf("<body> got the probe's attribute: the probe ran")
			}
			// The one script is the site's own file.
			if strings.Contains(strings.Replace(dom, `<script src="/static/app.js" defer=""></script>`, "", 1), "<script") || strings.Contains(dom, "<img") {
				t.Errorf("the DOM holds a <script> or <img> element from scraped text")
			}
			if p.name != "versions" && p.name != "sources" && !strings.Contains(dom, "&lt;script&gt;document.title") {
				t.Errorf("the probe's text is not shown as text")
			}
			if p.name == "versions" {
				for _, want := range []string{
					`<h3 id="v2-h">Version 2: Answered`,
					`<del><span class="dm" aria-hidden="true">[-</span><span class="visually-hidden">deleted: </span>pending<span class="dm" aria-hidden="true">-]</span></del>`,
					`<ins><span class="dm" aria-hidden="true">{+</span><span class="visually-hidden">inserted: </span>De slimme stad vordert.`,
					`<pre class="citation" aria-labelledby="cite-text-h">Jan Peeters (Groen).`,
					`<summary>BibTeX</summary>`,
					`<link rel="alternate" type="application/atom+xml" title="Updates to this question" href="/feeds/q/brussels/prb/1002">`,
				} {
					if !strings.Contains(dom, want) {
						t.Errorf("the question with two versions lacks %s", want)
					}
				}
			}
			if p.name == "sources" {
				for _, want := range []string{
					`<h2 id="source-brussels-h">Parlement de la Région de Bruxelles-Capitale <span class="name">(brussels)</span></h2>`,
					`State: <strong>failed</strong>`,
					`<caption>Completeness of brussels</caption>`,
					`<tr><th scope="row">legislature 24/29</th><td>not said</td><td>3</td><td>3</td><td>0</td>`,
					`<span class="reason">index page unreadable</span>`,
				} {
					if !strings.Contains(dom, want) {
						t.Errorf("the sources page lacks %s", want)
					}
				}
			}
			if p.name == "search" {
				if !strings.Contains(dom, `<section class="freshness" role="status"`) || !strings.Contains(dom, "<strong>brussels</strong>") {
					t.Errorf("the search page lacks the banner of brussels' failed run")
				}
				if n := strings.Count(dom, "<mark>"); n == 0 {
					t.Errorf("no highlighted match in the results")
				}
				if !strings.Contains(dom, `<fieldset class="facet" id="facet-source">`) || !strings.Contains(dom, `name="addressee" value="Alain Maron"`) {
					t.Errorf("facets are missing")
				}
				if !strings.Contains(dom, `<h2 id="results-h">4 questions</h2>`) {
					t.Errorf("result count missing: want 4 questions (fr, nl, en and the probe)")
				}
			}

			if p.name == "stats" {
				// The chart is inline SVG the browser built, and the table
				// groups by minister with a link to the person's page.
				if !strings.Contains(dom, `<svg viewBox="0 0 560 240" role="img"`) || !strings.Contains(dom, `class="km"`) {
					t.Errorf("the survival chart is missing")
				}
				if !strings.Contains(dom, `href="/people/brussels/Alain%20Maron"`) {
					t.Errorf("the minister table does not link the person page")
				}
			}
			if p.name == "person" && !strings.Contains(dom, "Questions put to Alain Maron: 2") {
				t.Errorf("the person page does not count the questions put to Alain Maron")
			}

			shot := shotPath(t, p.name+".png")
			chromium(t, "--hide-scrollbars", "--window-size=1280,1600", "--screenshot="+shot, ts.URL+p.path)
			if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
				t.Errorf("screenshot %s missing or blank: %v", shot, err)
			}
		})
	}
}

// TestBrowserSearchReports loads, in headless Chromium without script, the
// page's reports on a query: the corrected query, the people named, the
// labelled facets and the histogram, an SVG whose bars are links.
func TestBrowserSearchReports(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (apt-get install chromium)", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	_, ts := newTestServer(t, DefaultConfig(), nil)
	dom := chromium(t, "--dump-dom", ts.URL+"/"+query("q", "trasnport"))
	for _, want := range []string{`id="did-you-mean"`, `>transport</a>? (230 questions)`} {
		if !strings.Contains(dom, want) {
			t.Errorf("typo page lacks %s", want)
		}
	}
	dom = chromium(t, "--dump-dom", ts.URL+"/"+query("q", "Maron"))
	for _, want := range []string{`<h3 id="people-h">People named</h3>`, `>Alain Maron</a>`} {
		if !strings.Contains(dom, want) {
			t.Errorf("people page lacks %s", want)
		}
	}
	dom = chromium(t, "--dump-dom", ts.URL+"/"+query("q", "transport"))
	bars := regexp.MustCompile(`<a href="(/\?[^"]*received_from=2024-0[1-8]-01[^"]*)" aria-label="[^"]*"><rect `).FindAllStringSubmatch(dom, -1)
	if len(bars) != 8 || !strings.Contains(dom, `<svg class="bars"`) {
		t.Fatalf("the histogram has %d bar links; want 8:\n%.3000s", len(bars), dom)
	}
	for _, want := range []string{`House of Commons <span class="count">`, `<legend>Assembly</legend>`, `<summary>Questions per month</summary>`} {
		if !strings.Contains(dom, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	shot := filepath.Join(t.TempDir(), "reports.png")
	if *screenshots != "" {
		shot = filepath.Join(*screenshots, "reports.png")
	}
	chromium(t, "--hide-scrollbars", "--window-size=1280,1600", "--screenshot="+shot, ts.URL+"/"+query("q", "Maron"))
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Errorf("screenshot %s missing or blank: %v", shot, err)
	}
}
