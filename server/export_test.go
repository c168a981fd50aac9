package server

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"github.com/parlq/parlq/api"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/parlq/parlq"
)

func TestExportCSV(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, hdr, body := get(t, ts, "/api/export"+query("format", "csv", "q", "transport", "sort", "received"))
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q; want text/csv", ct)
	}
	if cd := hdr.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition %q; want an attachment .csv", cd)
	}
	if !strings.Contains(body, "\r\n") {
		t.Errorf("rows do not end in CRLF (RFC 4180)")
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if !slices.Equal(rows[0], api.CSVHeader) {
		t.Errorf("header = %v; want %v", rows[0], api.CSVHeader)
	}
	if got := len(rows) - 1; got != bulkCount {
		t.Fatalf("%d rows; want every hit, %d (more than one page)", got, bulkCount)
	}
	col := func(name string) int { return slices.Index(api.CSVHeader, name) }
	first := rows[1]
	if first[col("id")] != "ukparl/commons/5000" {
		t.Errorf("first row id %q; want ukparl/commons/5000 (sorted by received)", first[col("id")])
	}
	if got := first[col("title")]; got != `'=HYPERLINK("http://evil.example","transport")` {
		t.Errorf("formula title exported as %q; want it prefixed with '", got)
	}
	if got := first[col("days_to_answer")]; got != "1" {
		t.Errorf("days_to_answer %q; want 1", got)
	}
	if got := rows[2][col("days_to_answer")]; got != "" {
		t.Errorf("days_to_answer of a pending question %q; want empty", got)
	}
	if got := first[col("author_party")]; got != "Labour" {
		t.Errorf("author_party %q; want Labour", got)
	}
}

func TestExportCSVRecord(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	_, _, body := get(t, ts, "/api/export"+query("q", "minister:maron", "sort", "received"))
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows; want header + 2", len(rows))
	}
	rec := map[string]string{}
	for i, name := range api.CSVHeader {
		rec[name] = rows[2][i]
	}
	want := map[string]string{
		"id": "brussels/prb/1001", "addressee_name": "Alain Maron", "author_name": "Marie Dupont",
		"received": "2024-10-07", "answered": "2024-11-04", "days_to_answer": "28", "status": "answered",
		"acts":     "2024-10-07 — Recevable — p.m.\n2024-11-04 — Réponse — B-12 — 34",
		"question": "Où en est la stratégie ville intelligente de la Région ?\nQuels capteurs sont installés ?",
		"version":  "1", "capture_record_id": "<urn:uuid:00000000-0000-4000-8000-000000000001>",
	}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("%s = %q; want %q", k, rec[k], v)
		}
	}
}

func TestExportJSONL(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, hdr, body := get(t, ts, "/api/export"+query("format", "jsonl", "q", "transport"))
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("status %d, Content-Type %q", status, hdr.Get("Content-Type"))
	}
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(nil, 1<<20)
	ids := map[string]bool{}
	for sc.Scan() {
		var q parlq.Question
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		ids[q.ID] = true
	}
	if len(ids) != bulkCount {
		t.Errorf("%d distinct records; want %d", len(ids), bulkCount)
	}
}

func TestExportEmptyAndBad(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, _, body := get(t, ts, "/api/export"+query("q", "zzznothing"))
	if status != 200 || body != strings.Join(api.CSVHeader, ",")+"\r\n" {
		t.Errorf("empty export = %d %q; want 200 and the header row only", status, body)
	}
	for _, q := range []string{
		query("format", "xml"),
		query("page", "2"),
		query("size", "10"),
		query("facets", "status"),
		query("bogus", "1"),
		query("q", `"open`),
		query("format", "csv", "format", "jsonl"),
	} {
		status, hdr, body := get(t, ts, "/api/export"+q)
		if status != http.StatusBadRequest || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
			t.Errorf("export%s = %d %s; want a 400 JSON error", q, status, body)
		}
	}
}
