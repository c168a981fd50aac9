package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
	"github.com/parlq/parlq/parser/ukparl/ukparltest"
)

// replayJobs harvests the real sources from their stand-ins, re-checking
// every question each run.
func replayJobs(t *testing.T, sites map[string]string) []dataset.Job {
	t.Helper()
	var jobs []dataset.Job
	for _, name := range []string{"brussels", "ukparl"} {
		src, err := parser.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		cfg := crawler.DefaultConfig()
		cfg.BaseURL = sites[name]
		cfg.Delay, cfg.Jitter = 0, 0
		cfg.Backoff, cfg.MaxBackoff = time.Millisecond, 5*time.Millisecond
		cfg.Recheck = crawler.RecheckAll
		cfg.Since, cfg.Until = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)
		jobs = append(jobs, dataset.Job{Source: src, Config: cfg})
	}
	return jobs
}

// questionJSON is what the tests read of GET /api/questions/{id}.
type questionJSON struct {
	Record   parlq.Question `json:"record"`
	Versions []struct {
		Version int              `json:"version"`
		Kind    history.Kind     `json:"kind"`
		Changes []history.Change `json:"changes"`
	} `json:"versions"`
	Revision *history.Revision `json:"answer_revision"`
}

// TestEvidenceFromReplayedSites harvests the UK API and the Brussels site
// from their stand-ins, lets questions change as they do (a holding answer
// replaced by the answer, an answer corrected, a question withdrawn, a
// Brussels question answered and another's answer corrected), harvests
// again, and checks what a journalist sees of it: the kinds and word diffs
// of the versions, the revision marks and export columns, the feeds, and
// the archived captures with their WARC records, readable or not.
func TestEvidenceFromReplayedSites(t *testing.T) {
	ctx := context.Background()
	uq := ukparltest.Generate(60, 2021)
	var holding, answered, unanswered ukparltest.Question
	for _, q := range uq {
		switch {
		case q.Holding && holding.ID == 0:
			holding = q
		case !q.Answered.IsZero() && !q.Holding && q.Corrected.IsZero() && len(q.Grouped) == 0 && answered.ID == 0:
			answered = q
		case q.Answered.IsZero() && !q.Withdrawn && len(q.Grouped) == 0 && unanswered.ID == 0:
			unanswered = q
		}
	}
	if holding.ID == 0 || answered.ID == 0 || unanswered.ID == 0 {
		t.Fatalf("the generated UK questions lack a case: holding %d, answered %d, unanswered %d", holding.ID, answered.ID, unanswered.ID)
	}
	uk := ukparltest.New(ukparltest.Options{Questions: uq})
	defer uk.Close()

	now := time.Now().UTC()
	bq := brusselstest.Generate(12, now)
	var bPending, bAnswered int = -1, -1
	for i, q := range bq {
		switch {
		case q.State == brusselstest.Pending && q.Base == 1 && bPending < 0:
			bPending = i
		case q.State == brusselstest.Answered && q.Base == 1 && bAnswered < 0:
			bAnswered = i
		}
	}
	if bPending < 0 || bAnswered < 0 {
		t.Fatalf("the generated Brussels questions lack a case")
	}
	bq[bAnswered].Title = "Question écrite concernant le taux zorglub des capteurs"
	bq[bAnswered].Answer = "Le taux de capteurs installés est de 1% cette année.\nLe reste suivra."
	br := brusselstest.New(brusselstest.Options{Questions: bq})
	defer br.Close()

	dir := t.TempDir()
	ds, err := dataset.Open(ctx, dir, dataset.Options{Command: "serve", Write: true, Archive: true, Index: true,
		Jobs: replayJobs(t, map[string]string{"brussels": br.URL(), "ukparl": uk.URL()})})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if _, err := ds.Harvest(ctx, nil); err != nil {
		t.Fatalf("first harvest: %v", err)
	}

	// What happens between two harvests.
	final := ukparltest.Answer(holding, holding.HoldingDate.AddDate(0, 0, 9), "The final answer: 12 schools received funding.")
	uk.SetQuestion(final)
	corrected := ukparltest.Correct(answered, answered.Answered.AddDate(0, 0, 3), "The corrected answer: 14 schools received funding.")
	uk.SetQuestion(corrected)
	uk.SetQuestion(ukparltest.Withdraw(unanswered))
	br.SetQuestion(brusselstest.Answer(bq[bPending], now.AddDate(0, 0, -1), "La Région a installé vingt capteurs."))
	fixed := bq[bAnswered]
	fixed.Answer = "Le taux de capteurs installés est de 1,4% cette année.\nLe reste suivra."
	br.SetQuestion(fixed)
	if _, err := ds.Harvest(ctx, nil); err != nil {
		t.Fatalf("second harvest: %v", err)
	}

	ts := httptest.NewServer(New(DefaultConfig(), ds).Handler())
	defer ts.Close()
	ukID := func(q ukparltest.Question) string {
		return parlq.MakeID("ukparl", q.House, strconv.FormatInt(q.ID, 10))
	}
	bID := func(q brusselstest.Question) string { return fmt.Sprintf("brussels/prb/%d", q.Moncode) }
	day := func(t time.Time) string { return t.Format(parlq.DateLayout) }
	seenDay := now.Format(parlq.DateLayout)

	questionAPI := func(id string) questionJSON {
		t.Helper()
		status, _, body := get(t, ts, "/api/questions/"+id)
		if status != 200 {
			t.Fatalf("%s: status %d %s", id, status, body)
		}
		var qr questionJSON
		if err := json.Unmarshal([]byte(body), &qr); err != nil {
			t.Fatal(err)
		}
		return qr
	}
	change := func(qr questionJSON, field string) string {
		for _, c := range qr.Versions[len(qr.Versions)-1].Changes {
			if c.Field == field {
				return c.Text
			}
		}
		return ""
	}
	for _, tc := range []struct {
		name, id string
		kind     history.Kind
		revision *history.Revision
		field    string
		diff     string
	}{
		{"UK holding answer replaced", ukID(holding), history.HoldingReplaced,
			&history.Revision{Kind: history.HoldingReplaced, Date: day(final.Answered), Version: 2},
			"answer", "{+The final answer: 12 schools received funding.+}"},
		{"UK answer corrected", ukID(answered), history.Corrected,
			&history.Revision{Kind: history.Corrected, Date: day(corrected.Corrected), Version: 2},
			"corrected", "{+" + day(corrected.Corrected) + "+}"},
		{"UK withdrawn", ukID(unanswered), history.Withdrawn, nil, "status", "[-pending-]{+withdrawn+}"},
		{"Brussels answered", bID(bq[bPending]), history.Answered, nil, "answer", "{+La Région a installé vingt capteurs.+}"},
		{"Brussels answer corrected", bID(bq[bAnswered]), history.Corrected,
			&history.Revision{Kind: history.Corrected, Date: seenDay, Version: 2},
			"answer", "Le taux de capteurs installés est de [-1%-]{+1,4%+} cette année.\nLe reste suivra."},
	} {
		qr := questionAPI(tc.id)
		if len(qr.Versions) != 2 || qr.Versions[1].Kind != tc.kind {
			var kinds []history.Kind
			for _, v := range qr.Versions {
				kinds = append(kinds, v.Kind)
			}
			t.Errorf("%s: kinds %v; want [new %s]", tc.name, kinds, tc.kind)
			continue
		}
		if got := change(qr, tc.field); !strings.Contains(got, tc.diff) {
			t.Errorf("%s: %s changed as %q; want %q in it", tc.name, tc.field, got, tc.diff)
		}
		if (qr.Revision == nil) != (tc.revision == nil) || qr.Revision != nil && *qr.Revision != *tc.revision {
			t.Errorf("%s: revision %+v; want %+v", tc.name, qr.Revision, tc.revision)
		}
	}
	// The holding answer's text itself is what the answer replaced.
	if got := change(questionAPI(ukID(holding)), "answer"); !strings.HasPrefix(got, "[-") || !strings.Contains(got, "will not be possible to answer") {
		t.Errorf("holding → answer diff %q does not show the holding answer going", got)
	}

	// The question page shows the correction word by word and the mark.
	_, _, body := get(t, ts, questionPath(bID(bq[bAnswered])))
	for _, want := range []string{
		`<span class="revision-label">Answer corrected</span> on <time datetime="` + seenDay + `">`,
		`<del><span class="dm" aria-hidden="true">[-</span><span class="visually-hidden">deleted: </span>1%<span class="dm" aria-hidden="true">-]</span></del><ins><span class="dm" aria-hidden="true">{+</span><span class="visually-hidden">inserted: </span>1,4%<span class="dm" aria-hidden="true">+}</span></ins>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("corrected question page lacks %s", want)
		}
	}
	// The result card is marked.
	_, _, body = get(t, ts, "/?q=zorglub")
	if !strings.Contains(body, `<p class="revision revision-corrected"><span class="revision-label">Answer corrected</span> on <time datetime="`+seenDay+`">`) {
		t.Errorf("result card lacks the correction mark:\n%.3000s", body[strings.Index(body, `<ol class="hits"`):])
	}
	_, _, body = get(t, ts, "/"+query("source", "ukparl", "q", "final answer 12 schools"))
	if !strings.Contains(body, `revision-holding_replaced`) || !strings.Contains(body, `Holding answer replaced by the answer</span> on <time datetime="`+day(final.Answered)+`">`) {
		t.Errorf("result card lacks the replaced-holding-answer mark")
	}

	// The export carries the revisions, the capture date and the archived URL.
	_, _, body = get(t, ts, "/api/export"+query("format", "csv"))
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	if !slices.Equal(header, api.CSVHeader) || !slices.Equal(header[slices.Index(header, "parser_version")+1:][:4], []string{"answer_revision", "answer_revised", "captured_at", "archived_url"}) {
		t.Fatalf("CSV header %v", header)
	}
	col := func(name string) int { return slices.Index(header, name) }
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	for id, want := range map[string][2]string{
		ukID(holding):      {"holding_replaced", day(final.Answered)},
		ukID(answered):     {"corrected", day(corrected.Corrected)},
		bID(bq[bAnswered]): {"corrected", seenDay},
		ukID(unanswered):   {"", ""},
		bID(bq[bPending]):  {"", ""},
	} {
		r := byID[id]
		if r == nil {
			t.Errorf("%s not exported", id)
			continue
		}
		if r[col("answer_revision")] != want[0] || r[col("answer_revised")] != want[1] {
			t.Errorf("%s: revision %q %q; want %q", id, r[col("answer_revision")], r[col("answer_revised")], want)
		}
		if r[col("captured_at")] == "" || r[col("captured_at")] != r[col("fetched_at")] {
			t.Errorf("%s: captured_at %q, fetched_at %q", id, r[col("captured_at")], r[col("fetched_at")])
		}
		if want := ts.URL + "/archive/" + id + "?v=" + r[col("version")]; r[col("archived_url")] != want {
			t.Errorf("%s: archived_url %q; want %q", id, r[col("archived_url")], want)
		}
	}
	_, _, body = get(t, ts, "/api/export"+query("format", "jsonl", "q", "zorglub"))
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(body)), &line); err != nil || line["answer_revision"] != "corrected" ||
		line["answer_revised"] != seenDay || line["archived_url"] == nil || line["captured_at"] == nil || line["id"] != bID(bq[bAnswered]) {
		t.Errorf("JSON Lines record: %v %v", err, line)
	}

	// The feeds say what happened.
	for id, want := range map[string][]string{
		ukID(holding):      {"holding_replaced", "new"},
		ukID(answered):     {"corrected", "new"},
		ukID(unanswered):   {"withdrawn", "new"},
		bID(bq[bAnswered]): {"corrected", "new"},
	} {
		status, _, body := get(t, ts, questionFeedPath(id))
		f := readFeed(t, body)
		var kinds []string
		for _, e := range f.Entries {
			kinds = append(kinds, e.Category[0].Term)
		}
		if status != 200 || !slices.Equal(kinds, want) {
			t.Errorf("feed of %s: %d, kinds %v; want %v", id, status, kinds, want)
		}
		validateAtom(t, "feed-"+strings.ReplaceAll(id, "/", "-"), body)
	}

	// The archived captures: a UK JSON response and a Brussels page, read
	// from the real archive.
	status, hdr, body := get(t, ts, "/archive/"+ukID(answered)+"?v=1")
	if status != 200 {
		t.Fatalf("UK viewer: %d", status)
	}
	for _, re := range []string{
		`Archived by parlq on <time datetime="[^"]+">[^<]+</time> from <code class="url">http://127\.0\.0\.1:\d+/api/writtenquestions/questions/` + strconv.FormatInt(answered.ID, 10),
		`<code>parlq-\d{14}-\d+\.warc\.gz</code> at offset \d+`,
		`<code>&lt;urn:uuid:[0-9a-f-]{36}&gt;</code>`,
		`<code>sha1:[A-Z2-7]{32}</code>`,
		`<pre class="json">{\n  &#34;`,
		`<summary>Every capture of this page \(\d+\)</summary>`,
		`read as version 1 \(this capture\)</strong>`,
		`read as version 2</li>`,
	} {
		if !regexp.MustCompile(re).MatchString(body) {
			t.Errorf("UK viewer lacks %s", re)
		}
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") {
		t.Errorf("viewer CSP %q", csp)
	}
	rid := regexp.MustCompile(`&lt;(urn:uuid:[0-9a-f-]{36})&gt;`).FindStringSubmatch(body)[1]
	status, hdr, body = get(t, ts, "/archive/warc/"+ukID(answered)+"?v=1")
	if status != 200 || hdr.Get("Content-Type") != "application/warc" || !strings.HasPrefix(body, "WARC/1.1\r\n") ||
		!strings.Contains(body, "WARC-Record-ID: <"+rid+">") || !strings.Contains(body, "WARC-Type: response") ||
		!strings.Contains(body, `"id":`) {
		t.Errorf("WARC record: %d %q\n%.600s", status, hdr.Get("Content-Type"), body)
	}

	bPath := "/archive/" + bID(bq[bAnswered]) + "?v=1"
	status, _, body = get(t, ts, bPath)
	if status != 200 || !strings.Contains(body, `<iframe sandbox src="/archive/raw/`+bID(bq[bAnswered])+`?v=1"`) ||
		!strings.Contains(body, "Le taux de capteurs installés est de 1% cette année.") || !strings.Contains(body, "The question section of this capture") {
		t.Errorf("Brussels viewer: %d\n%.4000s", status, body)
	}
	status, hdr, body = get(t, ts, "/archive/raw/"+bID(bq[bAnswered])+"?v=1")
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Security-Policy"), "sandbox;") || !strings.Contains(body, "de 1% cette") {
		t.Errorf("Brussels raw capture: %d %q", status, hdr.Get("Content-Security-Policy"))
	}

	// A damaged record, then a missing WARC file: pages naming the capture.
	qr := questionAPI(bID(bq[bAnswered]))
	cp := qr.Record.Capture
	warcPath := filepath.Join(dir, dataset.WARCDir, cp.File)
	data, err := os.ReadFile(warcPath)
	if err != nil {
		t.Fatal(err)
	}
	spoiled := slices.Clone(data)
	for i := cp.Offset + 40; i < cp.Offset+60 && int(i) < len(spoiled); i++ {
		spoiled[i] ^= 0xff
	}
	if err := os.WriteFile(warcPath, spoiled, 0o644); err != nil {
		t.Fatal(err)
	}
	status, _, body = get(t, ts, "/archive/"+bID(bq[bAnswered]))
	if status != 410 || !strings.Contains(body, "its record cannot be read") || !strings.Contains(body, strings.Trim(cp.RecordID, "<>")) {
		t.Errorf("damaged record: %d\n%.2000s", status, body)
	}
	if status, _, _ := get(t, ts, "/archive/warc/"+bID(bq[bAnswered])); status != 410 {
		t.Errorf("WARC of a damaged record: %d; want 410", status)
	}
	if err := os.WriteFile(warcPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(warcPath, warcPath+".moved"); err != nil {
		t.Fatal(err)
	}
	defer os.Rename(warcPath+".moved", warcPath)
	status, _, body = get(t, ts, "/archive/"+bID(bq[bAnswered]))
	if status != 404 || !strings.Contains(body, "The WARC file "+cp.File+" that holds this capture is missing") {
		t.Errorf("missing WARC file: %d\n%.2000s", status, body)
	}
}
