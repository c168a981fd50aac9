package server

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/internal/buildinfo"
	"github.com/parlq/parlq/textdiff"
)

// TestQuestionPage: the page of a question with two versions shows both,
// what the second changed word by word, a permalink, the citation and the
// feeds; ?v=1 shows the first version as it was.
func TestQuestionPage(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, _, body := get(t, ts, "/q/brussels/prb/1002")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		`<h1 lang="nl">Schriftelijke vraag over de slimme stad</h1>`,
		`Version history`,
		`<th scope="row"><a href="/q/brussels/prb/1002?v=2">2</a> (current)</th>`,
		`<th scope="row"><a href="/q/brussels/prb/1002?v=1">1</a></th>`,
		`<span class="kind kind-answered">Answered</span>`,
		`first version`,
		`<p>De slimme stad vordert.</p>`,
		// The diff of version 2, readable without colour.
		`<h3 id="v2-h">Version 2: Answered`,
		`<dt>Status</dt><dd class="diff" lang="nl"><del><span class="dm" aria-hidden="true">[-</span><span class="visually-hidden">deleted: </span>pending<span class="dm" aria-hidden="true">-]</span></del><ins><span class="dm" aria-hidden="true">{+</span><span class="visually-hidden">inserted: </span>answered<span class="dm" aria-hidden="true">+}</span></ins></dd>`,
		`<dt>Answer</dt><dd class="diff" lang="nl"><ins>`,
		// Permalink, citation and feeds.
		`rel="bookmark">Permalink to version 2</a>`,
		`<h2 id="cite-h">Cite this</h2>`,
		`Jan Peeters (Groen). “Schriftelijke vraag over de slimme stad”. Parlement de la Région de Bruxelles-Capitale (PRB), written question no. 162 to Ans Persoons, legislature 24/29. Received 2024-12-02; answered 2025-01-20. https://www.parlement.brussels/qrva/1002. Version 2, captured by parlq on 2025-01-11 03:00 UTC; archived copy: ` + ts.URL + `/archive/brussels/prb/1002?v=2; permalink: ` + ts.URL + `/q/brussels/prb/1002?v=2.`,
		`@misc{brussels-prb-1002-v2,`,
		`&#34;archive_location&#34;: &#34;` + ts.URL + `/archive/brussels/prb/1002?v=2&#34;`,
		`<link rel="alternate" type="application/atom+xml" title="Updates to this question" href="/feeds/q/brussels/prb/1002">`,
		`<a href="/feeds/minister/Ans%20Persoons" type="application/atom+xml">Questions to Ans Persoons</a>`,
		`<p class="build">parlq `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("question page lacks %s", want)
		}
	}

	// Version 1, as it was: pending, no answer; the history stays whole.
	status, _, body = get(t, ts, "/q/brussels/prb/1002?v=1")
	if status != 200 {
		t.Fatalf("version 1: status %d", status)
	}
	for _, want := range []string{
		`You are reading version 1 of 2`,
		`<span class="status status-pending">Pending</span>`,
		`<p>No answer published.</p>`,
		`<tr aria-current="true"><th scope="row"><a href="/q/brussels/prb/1002?v=1">1</a></th>`,
		`Permalink to version 1`,
		`Version 1, captured by parlq on 2025-01-10 03:00 UTC; archived copy: ` + ts.URL + `/archive/brussels/prb/1002?v=1;`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("version 1 lacks %s", want)
		}
	}
	if strings.Contains(body, "De slimme stad vordert.</p>") {
		t.Errorf("version 1 shows the later answer as its own")
	}

	status, _, body = get(t, ts, "/q/brussels/prb/1001")
	if status != 200 || !strings.Contains(body, `<caption class="visually-hidden" id="acts-cap">Acts of the procedure`) || !strings.Contains(body, "Réponse") {
		t.Errorf("acts table missing (status %d)", status)
	}
	status, _, body = get(t, ts, "/q/brussels/prb/1003")
	if status != 200 {
		t.Fatalf("probe page: status %d", status)
	}
	assertInert(t, "question page", body)
	if !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("the probe's text is not shown escaped")
	}
	for path, want := range map[string]int{
		"/q/brussels/prb/999999":   404,
		"/q/brussels/prb/1002?v=3": 404,
		"/q/brussels/prb/1002?v=0": 400,
		"/q/brussels/prb/1002?x=1": 400,
	} {
		if status, _, _ := get(t, ts, path); status != want {
			t.Errorf("%s: status %d; want %d", path, status, want)
		}
	}
}

// TestQuestionAPIChanges: the API gives, per version, what it means and
// the word diff of every changed field, and cites the current version.
func TestQuestionAPIChanges(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, hdr, body := get(t, ts, "/api/questions/brussels/prb/1002")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	if l := hdr.Get("Link"); l != `</feeds/q/brussels/prb/1002>; rel="alternate"; type="application/atom+xml"` {
		t.Errorf("Link %q", l)
	}
	var qr struct {
		Versions []struct {
			Version int              `json:"version"`
			Kind    history.Kind     `json:"kind"`
			Changed []string         `json:"changed"`
			Changes []history.Change `json:"changes"`
		} `json:"versions"`
		Feed     string    `json:"feed"`
		Citation *Citation `json:"citation"`
	}
	if err := json.Unmarshal([]byte(body), &qr); err != nil {
		t.Fatal(err)
	}
	if len(qr.Versions) != 2 || qr.Versions[0].Kind != history.New || qr.Versions[1].Kind != history.Answered {
		t.Fatalf("versions %+v", qr.Versions)
	}
	if len(qr.Versions[0].Changes) != 0 || len(qr.Versions[1].Changes) != len(qr.Versions[1].Changed) {
		t.Errorf("changes %d and %d for changed %v", len(qr.Versions[0].Changes), len(qr.Versions[1].Changes), qr.Versions[1].Changed)
	}
	byField := map[string]history.Change{}
	for _, c := range qr.Versions[1].Changes {
		byField[c.Field] = c
	}
	st := byField["status"]
	if st.Text != "[-pending-]{+answered+}" || len(st.Diff) != 2 || st.Diff[0] != (textdiff.Op{Kind: textdiff.Delete, Text: "pending"}) {
		t.Errorf("status change %+v", st)
	}
	if a := byField["answer"]; a.Text != "{+De slimme stad vordert.+}" || textdiff.New(a.Diff) != "De slimme stad vordert." {
		t.Errorf("answer change %+v", a)
	}
	if qr.Feed != "/feeds/q/brussels/prb/1002" || qr.Citation == nil || !strings.Contains(qr.Citation.Text, "Version 2, captured by parlq on 2025-01-11 03:00 UTC") {
		t.Errorf("feed %q, citation %+v", qr.Feed, qr.Citation)
	}
	var csl map[string]any
	if qr.Citation != nil {
		if err := json.Unmarshal(qr.Citation.CSL, &csl); err != nil || csl["number"] != "162" || csl["type"] != "document" {
			t.Errorf("CSL %s: %v", qr.Citation.CSL, err)
		}
	}
}

// TestSearchCardFeedLink: the search page links the search's feed.
func TestSearchCardFeedLink(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	_, hdr, body := get(t, ts, "/"+query("q", "slimme stad", "sort", "-received"))
	for _, want := range []string{
		`<link rel="alternate" type="application/atom+xml" title="New questions and answers matching “slimme stad”" href="/feeds/search?q=slimme&#43;stad">`,
		`<a href="/feeds/search?q=slimme&#43;stad" type="application/atom+xml">Atom feed</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	_, hdr, _ = get(t, ts, "/api/search"+query("q", "slimme stad", "status", "answered"))
	if l := hdr.Get("Link"); !regexp.MustCompile(`^</feeds/search\?q=slimme\+stad&status=answered>; rel="alternate"`).MatchString(l) {
		t.Errorf("search API Link %q", l)
	}
}

// TestHealthzBuild: /healthz says which parlq runs, as the footer does.
func TestHealthzBuild(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	_, _, body := get(t, ts, "/healthz")
	var h struct {
		Status string         `json:"status"`
		Build  buildinfo.Info `json:"build"`
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil || h.Status == "" || h.Build.Version == "" || h.Build.Go == "" {
		t.Errorf("healthz %s: %v", body, err)
	}
	_, _, page := get(t, ts, "/")
	if !strings.Contains(page, `<p class="build">parlq `+h.Build.Short()+`</p>`) {
		t.Errorf("the footer does not give the version %q", h.Build.Short())
	}
}
