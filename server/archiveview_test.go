package server

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
)

// warcStore is a testStore that also hands out WARC records.
type warcStore struct {
	*testStore
	record func(c parlq.Capture) ([]byte, error)
}

func (s *warcStore) ReadRecord(_ context.Context, c parlq.Capture) ([]byte, error) {
	return s.record(c)
}

// archivedPage reads a page of the project's testdata.
func archivedPage(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestArchiveViewer: the viewer of an HTML capture (a Brussels page of
// the testdata) and of a JSON capture (a UK detail response), the
// sandboxed raw response, the WARC record, and the pages for captures the
// archive cannot read.
func TestArchiveViewer(t *testing.T) {
	f := testFixture(t)
	htmlPage := archivedPage(t, "brussels", "older-answered-seed-619.html")
	jsonDoc := archivedPage(t, "ukparl", "detail", "commons-answered.json")
	fetched := time.Date(2025, 1, 10, 3, 0, 0, 0, time.UTC)
	store := &warcStore{testStore: &testStore{ds: f.ds, ix: f.ix, cat: f.cat, archive: func(ctx context.Context, c parlq.Capture) (*archive.Response, error) {
		rec := archive.Record{RecordID: c.RecordID, PayloadDigest: "sha1:TESTDIGEST", URL: "https://www.parlement.brussels/weblex-quest-det/?moncode=139204&base=1",
			Time: fetched, Status: 200, MIME: "text/html", File: "parlq-20250110030000-00001.warc.gz", Offset: 4096, Length: 100}
		switch c.RecordID {
		case "<urn:uuid:00000000-0000-4000-8000-000000000001>": // brussels/prb/1001
			return &archive.Response{Record: rec, Header: http.Header{"Content-Type": {"text/html; charset=UTF-8"}}, Body: htmlPage}, nil
		case "<urn:uuid:00000000-0000-4000-8000-000000000003>": // ukparl/commons/2001
			rec.MIME, rec.URL = "application/json", "https://questions-statements-api.parliament.uk/api/writtenquestions/questions/2001"
			return &archive.Response{Record: rec, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Body: jsonDoc}, nil
		case "<urn:uuid:00000000-0000-4000-8000-000000000004>": // brussels/prb/1003: damaged
			return nil, fmt.Errorf("read response: %w", &archive.FormatError{File: "parlq-20250110030000-00001.warc.gz", Offset: 777, Err: fmt.Errorf("payload digest mismatch")})
		case "<urn:uuid:00000000-0000-4000-8000-000000000002>": // brussels/prb/1002 v1: its file is gone
			return nil, fmt.Errorf("read response: open /data/warc/x.warc.gz: %w", fs.ErrNotExist)
		}
		return &archive.Response{Record: rec, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>archived " + c.RecordID + "</p>")}, nil
	}}}
	store.record = func(c parlq.Capture) ([]byte, error) {
		if _, err := store.archive(context.Background(), c); err != nil {
			return nil, err
		}
		return []byte("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: " + c.RecordID + "\r\n\r\n"), nil
	}
	ts := httptest.NewServer(New(DefaultConfig(), store).Handler())
	defer ts.Close()

	// An HTML capture: the banner, the readable question section, the
	// faithful page in a sandboxed frame.
	status, hdr, body := get(t, ts, "/archive/brussels/prb/1001")
	if status != 200 {
		t.Fatalf("viewer: %d %s", status, body)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("viewer CSP %q", csp)
	}
	for _, want := range []string{
		`Archived by parlq on <time datetime="2025-01-10T03:00:00Z">2025-01-10 03:00:00 UTC</time> from <code class="url">https://www.parlement.brussels/weblex-quest-det/?moncode=139204&amp;base=1</code>, HTTP status 200.`,
		`<code>parlq-20250110030000-00001.warc.gz</code> at offset 4096`,
		`<code>&lt;urn:uuid:00000000-0000-4000-8000-000000000001&gt;</code>`,
		`<code>sha1:TESTDIGEST</code>`,
		`<a href="https://www.parlement.brussels/qrva/1001" rel="external noopener noreferrer">The live page</a>`,
		`<a href="/archive/warc/brussels/prb/1001?v=1" type="application/warc" download>The WARC record</a>`,
		`<iframe sandbox src="/archive/raw/brussels/prb/1001?v=1"`,
		`The question section of this capture, as Parlement de la Région de Bruxelles-Capitale published it`,
		`Il y a quelque temps, je vous ai interrogé sur le renforcement`,
		`Cette réflexion est inclue dans la mise en œuvre`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("HTML viewer lacks %s", want)
		}
	}
	readable := body[strings.Index(body, `<div class="archived-text">`):strings.Index(body, `<section class="faithful"`)]
	if strings.Contains(readable, "<script") || strings.Contains(readable, "<img") || strings.Contains(readable, "style=") || strings.Contains(readable, "<svg") {
		t.Errorf("the readable copy keeps active or styled markup:\n%.2000s", readable)
	}
	for _, chrome := range []string{"Emplois", "Travaux parlementaires", "Agenda"} {
		if strings.Contains(readable, chrome) {
			t.Errorf("the readable copy holds the site's menu (%q)", chrome)
		}
	}

	// With -screenshots, a picture of the viewer in Chromium, to look at.
	if *screenshots != "" {
		if _, err := os.Stat(chromiumPath); err == nil {
			chromium(t, "--hide-scrollbars", "--window-size=1400,1400", "--screenshot="+shotPath(t, "archive-viewer.png"), ts.URL+"/archive/brussels/prb/1001")
		}
	}

	// The raw capture: the page as archived, sandboxed, framable only by
	// the viewer.
	status, hdr, body = get(t, ts, "/archive/raw/brussels/prb/1001?v=1")
	if status != 200 || body != string(htmlPage) {
		t.Errorf("raw capture: %d, %d bytes of %d", status, len(body), len(htmlPage))
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("raw capture CSP %q", csp)
	}
	if xfo := hdr.Get("X-Frame-Options"); xfo != "SAMEORIGIN" {
		t.Errorf("raw capture X-Frame-Options %q", xfo)
	}

	// The WARC record, for WARC tools.
	status, hdr, body = get(t, ts, "/archive/warc/brussels/prb/1001")
	if status != 200 || hdr.Get("Content-Type") != "application/warc" || !strings.HasPrefix(body, "WARC/1.1\r\n") ||
		!strings.Contains(hdr.Get("Content-Disposition"), `filename=brussels-prb-1001-00000000-0000-4000-8000-000000000001.warc`) {
		t.Errorf("WARC record: %d %q %q %.40q", status, hdr.Get("Content-Type"), hdr.Get("Content-Disposition"), body)
	}

	// A JSON capture: pretty-printed.
	status, _, body = get(t, ts, "/archive/ukparl/commons/2001")
	if status != 200 {
		t.Fatalf("JSON viewer: %d", status)
	}
	for _, want := range []string{`<pre class="json">{`, "\n  &#34;value&#34;: {\n    &#34;id&#34;: 9000101,", `application/json`} {
		if !strings.Contains(body, want) {
			t.Errorf("JSON viewer lacks %q", want)
		}
	}
	if strings.Contains(body, "<iframe") {
		t.Errorf("a JSON capture is framed")
	}

	// Captures the archive cannot read: a page naming them, never a 500.
	status, _, body = get(t, ts, "/archive/brussels/prb/1003")
	if status != http.StatusGone || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "00000000-0000-4000-8000-000000000004") ||
		!strings.Contains(body, "payload digest mismatch") || strings.Contains(body, "<iframe") {
		t.Errorf("damaged record: %d\n%.3000s", status, body)
	}
	status, _, body = get(t, ts, "/archive/brussels/prb/1002?v=1")
	if status != http.StatusNotFound || !strings.Contains(body, "is missing from the archive") || !strings.Contains(body, "00000000-0000-4000-8000-000000000002") || strings.Contains(body, "/data/warc") {
		t.Errorf("missing file: %d\n%.3000s", status, body)
	}
	for _, p := range []string{"/archive/raw/brussels/prb/1003", "/archive/warc/brussels/prb/1002?v=1"} {
		if status, _, _ := get(t, ts, p); status != http.StatusGone && status != http.StatusNotFound {
			t.Errorf("%s: status %d; want 410 or 404", p, status)
		}
	}
	for path, want := range map[string]int{
		"/archive/brussels/prb/1002?v=7":                      404,
		"/archive/brussels/prb/1002?v=x":                      400,
		"/archive/brussels/prb/1002?x=1":                      400,
		"/archive/brussels/prb/1002?v=1&capture=x":            400,
		"/archive/brussels/prb/1002?capture=%3Curn:uuid:x%3E": 404,
		"/archive/brussels/prb/404404":                        404,
		"/archive/raw/brussels/prb/404404":                    404,
	} {
		if status, _, _ := get(t, ts, path); status != want {
			t.Errorf("%s: status %d; want %d", path, status, want)
		}
	}
	// Pages link the viewer.
	_, _, body = get(t, ts, "/q/brussels/prb/1002")
	if !strings.Contains(body, `href="/archive/brussels/prb/1002?v=1"`) || !strings.Contains(body, `href="/archive/brussels/prb/1002?v=2"`) {
		t.Errorf("question page lacks archive links")
	}
	_, _, body = get(t, ts, "/?q=slimme")
	if !strings.Contains(body, `href="/archive/brussels/prb/1002"`) {
		t.Errorf("search page lacks archive links")
	}
}
