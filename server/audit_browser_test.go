package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The accessibility audit and the layout checks run in headless Chromium:
// a test-only handler serves each page with two scripts added before
// </body>, axe-core (from the npm registry) and auditProbe, which measures
// the layout, runs axe and writes the results as JSON into the top
// document; the test reads them back with --dump-dom. Production pages
// never carry either script. The page is loaded in a frame of the width
// and height measured (/__frame), because headless Chromium will not make
// its window narrower than 500 px: a 390 px phone is a 390 px frame.

// axePath finds axe.min.js: $PARLQ_AXE, else where .ci/run installs it
// (npm install --prefix ~/.cache/parlq/axe axe-core).
func axePath() string {
	if p := os.Getenv("PARLQ_AXE"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".cache", "parlq", "axe", "node_modules", "axe-core", "axe.min.js")
}

// auditProbe measures what a reader sees on load, runs axe, and writes
// {"viewport", "firstHit", "apply", "scrollWidth", "violations"} into
// <pre id="parlq-audit">.
const auditProbe = `
window.addEventListener('load', function () {
  var out = {viewport: [window.innerWidth, window.innerHeight], scrollWidth: document.documentElement.scrollWidth, lang: document.documentElement.lang};
  var hit = document.querySelector('li.hit h3');
  if (hit) { var r = hit.getBoundingClientRect(); out.firstHit = {top: r.top, bottom: r.bottom}; }
  out.wide = [];
  var all = document.body.querySelectorAll('*');
  for (var i = 0; i < all.length && out.wide.length < 6; i++) {
    var e = all[i], b = e.getBoundingClientRect();
    if (b.right > window.innerWidth + 1 && b.width > 0 && !e.closest('.scroll') && e.getClientRects().length && !(e.children.length && Array.prototype.some.call(e.children, function (c) { return c.getBoundingClientRect().right > window.innerWidth + 1; }))) {
      out.wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ' right=' + Math.round(b.right));
    }
  }
  var apply = document.querySelector('.apply-bar button');
  if (apply) { var a = apply.getBoundingClientRect(); out.apply = {top: a.top, bottom: a.bottom, width: a.width}; }
  axe.run(document, {resultTypes: ['violations']}).then(function (res) {
    out.violations = res.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4).map(function (n) { return n.target.join(' ') + ' :: ' + n.failureSummary; })};
    });
    var doc = window.top.document;
    var pre = doc.createElement('pre');
    pre.id = 'parlq-audit';
    pre.textContent = JSON.stringify(out);
    doc.body.appendChild(pre);
  });
});
`

type box struct{ Top, Bottom, Width float64 }

// auditResult is what auditProbe reports.
type auditResult struct {
	Viewport    [2]float64 `json:"viewport"`
	Lang        string     `json:"lang"`
	Wide        []string   `json:"wide"`
	ScrollWidth float64    `json:"scrollWidth"`
	FirstHit    *box       `json:"firstHit"`
	Apply       *box       `json:"apply"`
	Violations  []struct {
		ID, Impact, Help string
		Nodes            []string
	} `json:"violations"`
}

// auditServer serves h, plus /__audit/<path>: the page at <path> with axe
// and the probe added, and the two scripts under /__test/.
func auditServer(t *testing.T, h http.Handler, axe []byte) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	// Every page may be framed by the harness pages of the same server.
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&frameableWriter{ResponseWriter: w}, r)
	}))
	mux.HandleFunc("GET /__tick", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, tickHarness)
	})
	mux.HandleFunc("GET /__test/axe.min.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(axe)
	})
	mux.HandleFunc("GET /__test/probe.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(auditProbe))
	})
	mux.HandleFunc("GET /__frame", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>frame</title><style>body{margin:0;background:#ddd}iframe{border:0;display:block;background:#fff}</style></head>`+
			`<body><iframe title="page" width="%s" height="%s" src="%s"></iframe></body></html>`,
			html.EscapeString(q.Get("w")), html.EscapeString(q.Get("h")), html.EscapeString(q.Get("src")))
	})
	// /__audit/<path> is the page with the audit's scripts; /__page/<path>
	// the page as it is (to take its picture in the frame).
	frameable := func(w http.ResponseWriter, r *http.Request) {
		audited := strings.HasPrefix(r.URL.Path, "/__audit/")
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/__audit"), "/__page")
		r2.RequestURI = r2.URL.RequestURI()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r2)
		body := rec.Body.Bytes()
		if audited {
			body = bytes.Replace(body, []byte("</body>"),
				[]byte(`<script src="/__test/axe.min.js"></script><script src="/__test/probe.js"></script></body>`), 1)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		// Framed by /__frame on the same server, for its width.
		w.Header().Del("X-Frame-Options")
		w.Header().Set("Content-Security-Policy", strings.Replace(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'", "frame-ancestors 'self'", 1))
		w.WriteHeader(rec.Code)
		w.Write(body)
	}
	mux.HandleFunc("GET /__audit/", frameable)
	mux.HandleFunc("GET /__page/", frameable)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// frameableWriter lets the harness frame a page: it drops the headers
// that forbid framing before they are written.
type frameableWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *frameableWriter) WriteHeader(code int) {
	w.wrote = true
	w.Header().Del("X-Frame-Options")
	w.Header().Set("Content-Security-Policy", strings.Replace(w.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'", "frame-ancestors 'self'", 1))
	w.ResponseWriter.WriteHeader(code)
}

func (w *frameableWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// tickHarness loads the search page in a frame, ticks the first status
// box as a reader would (a click), and when the page has reloaded reports
// its address, whether the box is ticked and where the focus is, in
// <pre id="parlq-tick">.
const tickHarness = `<!doctype html><html><head><title>tick</title></head><body>
<iframe title="page" width="1000" height="700" src="/?q=transport"></iframe>
<script>
var frame = document.querySelector('iframe'), loads = 0, picked = null;
frame.addEventListener('load', function () {
  loads++;
  var doc = frame.contentDocument;
  if (loads === 1) {
    var box = doc.querySelector('fieldset#facet-status input[type="checkbox"]');
    picked = {name: box.name, value: box.value};
    box.click();
    return;
  }
  setTimeout(function () {
    var a = doc.activeElement, box = doc.querySelector('fieldset#facet-status input[value="' + picked.value + '"]');
    var pre = document.createElement('pre');
    pre.id = 'parlq-tick';
    pre.textContent = JSON.stringify({loads: loads, search: frame.contentWindow.location.search, picked: picked,
      checked: !!(box && box.checked), focus: a ? (a.name || '') + '=' + (a.value || '') : ''});
    document.body.appendChild(pre);
  }, 100);
});
</script></body></html>`

// framed is the address of the harness that shows src in a frame of
// width × height.
func framed(ts *httptest.Server, src string, width, height int) string {
	return ts.URL + "/__frame?" + url.Values{"w": {strconv.Itoa(width)}, "h": {strconv.Itoa(height)}, "src": {src}}.Encode()
}

// audit loads path in Chromium in a frame of a width and height, in a
// language, and returns the probe's report.
func audit(t *testing.T, ts *httptest.Server, path string, width, height int, lang string) auditResult {
	t.Helper()
	dom := chromium(t, fmt.Sprintf("--window-size=%d,%d", max(width, 500), height+20), "--accept-lang="+lang, "--hide-scrollbars",
		"--virtual-time-budget=60000", "--dump-dom", framed(ts, "/__audit"+path, width, height))
	m := regexp.MustCompile(`<pre id="parlq-audit">([^<]*)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("%s: the audit did not report:\n%.1500s", path, dom)
	}
	var res auditResult
	js := strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'").Replace(m[1])
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatalf("%s: audit report: %v\n%s", path, err, js)
	}
	return res
}

// TestBrowserAudit runs the accessibility audit (axe-core) on the search
// page, a question page and the statistics page in each language, on a
// desktop (1280 px) and on a phone (390 px), and checks the layout: on a
// phone the first result starts within the first screen and nothing is
// wider than the screen; on a desktop the Apply button of the filters is
// visible on load. Serious and critical violations fail the test; the
// others are logged. Screenshots of the search page at both widths in each
// language go to -screenshots.
func TestBrowserAudit(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (apt-get install chromium)", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if raceEnabled {
		t.Skip("accessibility audit skipped under the race detector: it tests the pages, not concurrency, and runs without it")
	}
	axe, err := os.ReadFile(axePath())
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is not installed (%v); CI must run the audit (npm install --prefix ~/.cache/parlq/axe axe-core)", err)
		}
		t.Skipf("accessibility audit skipped: axe-core not found (%v); npm install --prefix ~/.cache/parlq/axe axe-core, or set PARLQ_AXE", err)
	}
	s, _ := newTestServer(t, DefaultConfig(), nil)
	ts := auditServer(t, s.Handler(), axe)
	bilingual := auditServer(t, newBilingualHandler(t), axe)

	type run struct {
		name, path, lang string
		width            int
		ts               *httptest.Server
	}
	// The search page in every language at both widths; the other pages
	// in one language each per width (their structure is the same in
	// every language), to keep the suite quick. With -screenshots, every
	// page is also pictured in every language at both widths.
	var runs []run
	for _, lang := range []string{"fr", "nl", "en"} {
		for _, w := range []int{1280, 390} {
			runs = append(runs, run{"search", "/", lang, w, ts})
		}
	}
	runs = append(runs,
		run{"query", "/" + query("q", "ville intelligente", "status", "answered"), "fr", 1280, ts},
		run{"question", "/q/brussels/prb/1002", "nl", 1280, ts},
		run{"question", "/q/brussels/prb/1002", "fr", 390, ts},
		run{"chamber", "/q/bechamber/chamber/55-7?text=fr", "en", 1280, bilingual},
		run{"stats", "/stats", "fr", 1280, ts},
		run{"stats", "/stats", "nl", 390, ts},
		run{"stats", "/stats", "en", 390, ts},
		run{"error", "/" + query("q", `"ville`), "nl", 1280, ts},
	)
	var mu sync.Mutex
	sem := make(chan struct{}, 2) // two browsers at a time on two cores
	for _, r := range runs {
		p, lang, width := r, r.lang, r.width
		t.Run(fmt.Sprintf("%s/%s/%d", lang, p.name, width), func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			height := 800
			if width == 390 {
				height = 844
			}
			res := audit(t, p.ts, p.path, width, height, lang)
			if res.Viewport[0] != float64(width) || res.Lang != lang {
				t.Fatalf("viewport %v in %q; want %d wide, in %s", res.Viewport, res.Lang, width, lang)
			}
			for _, v := range res.Violations {
				msg := fmt.Sprintf("%s (%s): %s\n  %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("accessibility: %s", msg)
				} else {
					mu.Lock()
					t.Logf("accessibility (%s, not failing): %s", v.Impact, msg)
					mu.Unlock()
				}
			}
			if res.ScrollWidth > float64(width) {
				t.Errorf("the page is %v px wide in a %d px window: it scrolls sideways; too wide: %v", res.ScrollWidth, width, res.Wide)
			}
			if p.name == "search" || p.name == "query" {
				if res.FirstHit == nil {
					t.Fatalf("no result on the page")
				}
				if width == 390 && res.FirstHit.Bottom > res.Viewport[1] {
					t.Errorf("on a phone the first result's title ends %v px down, below the first screen (%v px)", res.FirstHit.Bottom, res.Viewport[1])
				}
				if width == 1280 && (res.Apply == nil || res.Apply.Width == 0 || res.Apply.Bottom > res.Viewport[1] || res.Apply.Top < 0) {
					t.Errorf("on a desktop the Apply button is not visible on load: %+v in a %v px screen", res.Apply, res.Viewport[1])
				}
			}
			if *screenshots != "" && p.name != "query" && p.name != "error" {
				for _, l := range []string{"fr", "nl", "en"} {
					shot := shotPath(t, fmt.Sprintf("%s-%s-%d.png", p.name, l, width))
					chromium(t, fmt.Sprintf("--window-size=%d,%d", max(width, 500), height), "--accept-lang="+l, "--hide-scrollbars", "--screenshot="+shot, framed(p.ts, "/__page"+p.path, width, height))
					if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
						t.Errorf("screenshot %s missing or blank: %v", shot, err)
					}
				}
			}
		})
	}
}

// TestBrowserFacetAppliesAtOnce: with JavaScript, ticking a facet applies
// it at once (no Apply needed), and the focus is back on the box after the
// page reloads, so that a keyboard user keeps their place.
func TestBrowserFacetAppliesAtOnce(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (apt-get install chromium)", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	s, _ := newTestServer(t, DefaultConfig(), nil)
	ts := auditServer(t, s.Handler(), nil)
	dom := chromium(t, "--window-size=1100,800", "--virtual-time-budget=20000", "--dump-dom", ts.URL+"/__tick")
	m := regexp.MustCompile(`<pre id="parlq-tick">([^<]*)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the page did not reload after the box was ticked:\n%.1500s", dom)
	}
	var res struct {
		Loads   int
		Search  string
		Picked  struct{ Name, Value string }
		Checked bool
		Focus   string
	}
	js := strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'").Replace(m[1])
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatalf("report: %v\n%s", err, js)
	}
	want := res.Picked.Name + "=" + res.Picked.Value
	if res.Loads != 2 || !strings.Contains(res.Search, want) || !strings.Contains(res.Search, "q=transport") || !res.Checked || res.Focus != want {
		t.Errorf("after ticking %s: %+v; want one reload to an address with it and the query, the box ticked and focused", want, res)
	}
}
