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
// stayed text.
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
			if strings.Contains(dom, "<script") || strings.Contains(dom, "<img") {
				t.Errorf("the DOM holds a <script> or <img> element from scraped text")
			}
			if !strings.Contains(dom, "&lt;script&gt;document.title") {
				t.Errorf("the probe's text is not shown as text")
			}
			if p.name == "search" {
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

			shot := filepath.Join(t.TempDir(), p.name+".png")
			if *screenshots != "" {
				if err := os.MkdirAll(*screenshots, 0o755); err != nil {
					t.Fatal(err)
				}
				shot = filepath.Join(*screenshots, p.name+".png")
			}
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
	bars := regexp.MustCompile(`<a href="(/\?[^"]*received_from=2024-0[1-8]-01[^"]*)"><rect `).FindAllStringSubmatch(dom, -1)
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
