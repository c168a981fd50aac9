package server

import (
	"encoding/json"
	"github.com/parlq/parlq/api"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/parlq/parlq/index"
)

// searchJSON decodes a /api/search response.
func searchJSON(t *testing.T, body string) api.SearchResponse {
	t.Helper()
	var r api.SearchResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("decode search response: %v\n%s", err, body)
	}
	return r
}

func hitIDs(r api.SearchResponse) []string {
	ids := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		ids[i] = h.ID
	}
	return ids
}

func TestSearchAPI(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	tests := []struct {
		name    string
		query   string
		wantIDs []string // exact set, any order, when not nil
		check   func(t *testing.T, r api.SearchResponse)
	}{
		{
			name:    "one concept in three languages",
			query:   query("q", "smart city"),
			wantIDs: []string{"brussels/prb/1001", "brussels/prb/1002", "brussels/prb/1003", "ukparl/commons/2001"},
		},
		{
			name:    "filter by status",
			query:   query("q", "smart city", "status", "pending"),
			wantIDs: []string{"brussels/prb/1003"},
		},
		{
			name:    "repeated filter is OR",
			query:   query("q", "smart city", "source", "ukparl", "language", "en", "language", "nl"),
			wantIDs: []string{"ukparl/commons/2001"},
		},
		{
			name:    "field prefix",
			query:   query("q", "minister:maron"),
			wantIDs: []string{"brussels/prb/1001", "brussels/prb/1003"},
		},
		{
			name:    "date range",
			query:   query("q", "smart city", "received_from", "2024-09-01", "received_to", "2024-10-31"),
			wantIDs: []string{"brussels/prb/1001", "ukparl/commons/2001"},
		},
		{
			name:  "facets",
			query: query("q", "smart city", "facets", "source,status", "facets", "addressee"),
			check: func(t *testing.T, r api.SearchResponse) {
				got := map[string]int{}
				for _, ft := range r.Facets["source"] {
					got[ft.Term] = ft.Count
				}
				if got["brussels"] != 3 || got["ukparl"] != 1 {
					t.Errorf("source facet = %v; want brussels 3, ukparl 1", r.Facets["source"])
				}
				if len(r.Facets["status"]) == 0 || len(r.Facets["addressee"]) == 0 {
					t.Errorf("facets = %v; want status and addressee too", r.Facets)
				}
			},
		},
		{
			name:  "highlights are marked and escaped",
			query: query("q", "ville intelligente", "source", "brussels"),
			check: func(t *testing.T, r api.SearchResponse) {
				var frags []string
				for _, h := range r.Hits {
					for _, fs := range h.Highlights {
						for _, f := range fs {
							frags = append(frags, f.HTML)
							for _, m := range f.Marks {
								if m[0] < 0 || m[1] > len(f.Text) || m[0] >= m[1] {
									t.Errorf("mark %v outside the fragment text %q", m, f.Text)
								}
							}
						}
					}
				}
				all := strings.Join(frags, "\n")
				if !strings.Contains(all, "<mark>") {
					t.Errorf("no <mark> in highlights: %q", all)
				}
				if strings.Contains(all, "<script") || strings.Contains(all, "<img") {
					t.Errorf("raw markup in highlights: %q", all)
				}
			},
		},
		{
			name:  "sort by received, newest first",
			query: query("q", "smart city", "sort", "-received"),
			check: func(t *testing.T, r api.SearchResponse) {
				want := []string{"brussels/prb/1002", "brussels/prb/1001", "ukparl/commons/2001", "brussels/prb/1003"}
				if got := hitIDs(r); !slices.Equal(got, want) {
					t.Errorf("order = %v; want %v", got, want)
				}
			},
		},
		{
			name:  "size is capped",
			query: query("q", "transport", "size", "1000"),
			check: func(t *testing.T, r api.SearchResponse) {
				if r.Size != index.MaxSize || len(r.Hits) != index.MaxSize {
					t.Errorf("size %d, %d hits; want %d", r.Size, len(r.Hits), index.MaxSize)
				}
				if r.Total != bulkCount {
					t.Errorf("total %d; want %d", r.Total, bulkCount)
				}
			},
		},
		{
			name:  "labels beside codes, years in year order",
			query: query("facets", "source,assembly,type,year"),
			check: func(t *testing.T, r api.SearchResponse) {
				labels := map[string]string{}
				for _, f := range []string{"source", "assembly", "type"} {
					for _, ft := range r.Facets[f] {
						labels[f+"/"+ft.Term] = ft.Label
					}
				}
				for k, want := range map[string]string{"source/ukparl": "House of Commons", "assembly/PRB": "Parlement de la Région de Bruxelles-Capitale",
					"assembly/commons": "House of Commons", "type/written_question": "Written question"} {
					if labels[k] != want {
						t.Errorf("label of %s = %q; want %q", k, labels[k], want)
					}
				}
				if y := r.Facets["year"]; len(y) != 1 || y[0].Term != "2024" || y[0].Count != len(handRecords())+bulkCount {
					t.Errorf("year facet %v", y)
				}
			},
		},
		{
			name:  "histogram when asked",
			query: query("q", "transport", "histogram", "true"),
			check: func(t *testing.T, r api.SearchResponse) {
				if r.Histogram == nil || len(r.Histogram.Year) != 1 || r.Histogram.Year[0].Count != bulkCount || len(r.Histogram.Month) != 8 {
					t.Errorf("histogram %+v", r.Histogram)
				}
				sum := 0
				for _, b := range r.Histogram.Month {
					sum += b.Count
				}
				if sum != bulkCount {
					t.Errorf("months sum to %d; want %d", sum, bulkCount)
				}
			},
		},
		{
			name:  "no histogram unless asked",
			query: query("q", "transport"),
			check: func(t *testing.T, r api.SearchResponse) {
				if r.Histogram != nil {
					t.Errorf("histogram %+v without asking", r.Histogram)
				}
			},
		},
		{
			name:  "did you mean",
			query: query("q", "trasnport"),
			check: func(t *testing.T, r api.SearchResponse) {
				if r.Total != 0 || r.Suggestion == nil || r.Suggestion.Query != "transport" || r.Suggestion.Total != bulkCount {
					t.Errorf("total %d, suggestion %+v; want transport (%d)", r.Total, r.Suggestion, bulkCount)
				}
			},
		},
		{
			name:  "explicit fuzzy",
			query: query("q", "trasnport~ area", "size", "1"),
			check: func(t *testing.T, r api.SearchResponse) {
				if r.Total != bulkCount {
					t.Errorf("total %d; want %d", r.Total, bulkCount)
				}
			},
		},
		{
			name:    "number lookup",
			query:   query("q", "n°162"),
			wantIDs: []string{"brussels/prb/1002"},
			check: func(t *testing.T, r api.SearchResponse) {
				if r.Lookup != "162" {
					t.Errorf("lookup %q", r.Lookup)
				}
			},
		},
		{
			name:  "people named",
			query: query("q", "Maron", "facets", "addressee"),
			check: func(t *testing.T, r api.SearchResponse) {
				if len(r.People) != 1 || r.People[0] != (index.PersonMatch{Name: "Alain Maron", Role: "addressee", Count: 2}) {
					t.Errorf("people %+v", r.People)
				}
			},
		},
		{
			name:  "the default order of the empty query is newest first",
			query: query("size", "3"),
			check: func(t *testing.T, r api.SearchResponse) {
				if r.Sort != "-received" || r.Hits[0].ID != "brussels/prb/1002" {
					t.Errorf("sort %q, first %s; want -received, brussels/prb/1002", r.Sort, r.Hits[0].ID)
				}
			},
		},
		{
			name:  "no hits is an empty list",
			query: query("q", "zzzunknownword"),
			check: func(t *testing.T, r api.SearchResponse) {
				if r.Hits == nil || r.Total != 0 {
					t.Errorf("hits %v total %d; want [] and 0", r.Hits, r.Total)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body := get(t, ts, "/api/search"+tt.query)
			if status != http.StatusOK {
				t.Fatalf("status %d; want 200: %s", status, body)
			}
			if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q; want application/json", ct)
			}
			r := searchJSON(t, body)
			if tt.wantIDs != nil {
				got := hitIDs(r)
				slices.Sort(got)
				want := slices.Sorted(slices.Values(tt.wantIDs))
				if !slices.Equal(got, want) {
					t.Errorf("hits = %v; want %v", got, want)
				}
				if r.Total != uint64(len(want)) {
					t.Errorf("total = %d; want %d", r.Total, len(want))
				}
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestSearchAPIShape(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	_, _, body := get(t, ts, "/api/search"+query("q", "smart city funding", "facets", "addressee"))
	var raw map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total", "hits", "facets", "page", "size"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("response has no %q: %s", k, body)
		}
	}
	hits := raw["hits"].([]any)
	if len(hits) == 0 {
		t.Fatalf("no hits: %s", body)
	}
	hit := hits[0].(map[string]any)
	for _, k := range []string{"id", "score", "record"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit has no %q: %v", k, hit)
		}
	}
	rec := hit["record"].(map[string]any)
	for _, k := range []string{"id", "source", "title", "addressee", "status"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("record has no %q: %v", k, rec)
		}
	}
}

func TestSearchPaging(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	seen := map[string]bool{}
	for page := 1; page <= 3; page++ {
		status, _, body := get(t, ts, "/api/search"+query("q", "transport", "sort", "received", "size", "100", "page", string(rune('0'+page))))
		if status != 200 {
			t.Fatalf("page %d: status %d: %s", page, status, body)
		}
		r := searchJSON(t, body)
		want := min(100, bulkCount-(page-1)*100)
		if len(r.Hits) != want || r.Page != page {
			t.Fatalf("page %d: %d hits, page %d; want %d hits", page, len(r.Hits), r.Page, want)
		}
		for _, h := range r.Hits {
			if seen[h.ID] {
				t.Errorf("page %d repeats %s", page, h.ID)
			}
			seen[h.ID] = true
		}
	}
	if len(seen) != bulkCount {
		t.Errorf("pages gave %d distinct hits; want %d", len(seen), bulkCount)
	}
}

func TestSearchAPIBadRequests(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	tests := []struct {
		name, query, wantField, wantIn string
	}{
		{"unknown parameter", query("q", "x", "foo", "1"), "foo", `unknown parameter "foo"`},
		{"misspelt filter", query("stauts", "pending"), "stauts", "unknown parameter"},
		{"bad query syntax", query("q", `"unclosed phrase`), "q", ""},
		{"unknown filter value", query("status", "bogus"), "filters", `unknown status "bogus" (known: answered, lapsed, pending, withdrawn)`},
		{"unknown value in the query", query("q", "type:bogus"), "q", "unknown type"},
		{"only common words", query("q", "the of and"), "q", "common words"},
		{"only punctuation", query("q", "??"), "q", "no letters or digits"},
		{"bad sort", query("sort", "sideways"), "sort", ""},
		{"bad facet", query("facets", "colour"), "facets", ""},
		{"bad date", query("received_from", "2024-13-45"), "", "date"},
		{"page zero", query("page", "0"), "page", ""},
		{"page not a number", query("page", "two"), "page", ""},
		{"paging too deep", query("page", "500", "size", "100"), "page", "export"},
		{"q twice", query("q", "a", "q", "b"), "q", "once"},
		{"bad highlight", query("highlight", "maybe"), "highlight", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body := get(t, ts, "/api/search"+tt.query)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d; want 400: %s", status, body)
			}
			if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q; want JSON", ct)
			}
			var e struct{ Error, Field string }
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
				t.Fatalf("body %q is not a JSON error (%v)", body, err)
			}
			if tt.wantField != "" && e.Field != tt.wantField {
				t.Errorf("field %q; want %q (error %q)", e.Field, tt.wantField, e.Error)
			}
			if !strings.Contains(e.Error, tt.wantIn) {
				t.Errorf("error %q does not say %q", e.Error, tt.wantIn)
			}
		})
	}
}

func TestQuestionAPI(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, _, body := get(t, ts, "/api/questions/brussels/prb/1002")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var r QuestionResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if r.Record == nil || r.Record.ID != "brussels/prb/1002" || r.Record.Version != 2 || r.Record.Status != "answered" {
		t.Fatalf("record = %+v; want brussels/prb/1002 version 2, answered", r.Record)
	}
	if len(r.Versions) != 2 {
		t.Fatalf("%d versions; want 2", len(r.Versions))
	}
	if v := r.Versions[0]; v.Version != 1 || v.Record.Status != "pending" {
		t.Errorf("version 1 = %d %s; want 1 pending", v.Version, v.Record.Status)
	}
	if v := r.Versions[1]; v.Version != 2 || !slices.Contains(v.Changed, "status") || !slices.Contains(v.Changed, "answer") {
		t.Errorf("version 2 changed %v; want status and answer among them", v.Changed)
	}

	for _, path := range []string{"/api/questions/brussels/prb/404404", "/api/questions/nope"} {
		status, hdr, body := get(t, ts, path)
		if status != http.StatusNotFound || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || !strings.Contains(body, `"error"`) {
			t.Errorf("GET %s = %d %q %s; want 404 JSON error", path, status, hdr.Get("Content-Type"), body)
		}
	}
	if status, _, body := get(t, ts, "/api/questions/brussels/prb/1001?x=1"); status != 400 {
		t.Errorf("question with a parameter: status %d; want 400: %s", status, body)
	}
}

func TestAPIRoutes(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	if status, _, body := get(t, ts, "/api/nothing"); status != 404 || !strings.Contains(body, `"error"`) {
		t.Errorf("unknown endpoint = %d %s; want 404 JSON", status, body)
	}
	resp, err := ts.Client().Post(ts.URL+"/api/search", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" {
		t.Errorf("POST /api/search = %d Allow %q; want 405 Allow GET", resp.StatusCode, resp.Header.Get("Allow"))
	}
	// The fixture's last Brussels run failed: the server is degraded.
	status, _, body := get(t, ts, "/healthz")
	if status != 200 || !strings.Contains(body, `"status":"degraded"`) || !strings.Contains(body, `"documents":`) ||
		!strings.Contains(body, `"harvesting":false`) || !strings.Contains(body, "index page unreadable") {
		t.Errorf("healthz = %d %s", status, body)
	}
}

func TestSearchAPINamesConcepts(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	status, _, body := get(t, ts, "/api/search"+query("q", "smart city"))
	var r api.SearchResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil || status != 200 {
		t.Fatalf("status %d, %v", status, err)
	}
	if len(r.Concepts) != 1 || r.Concepts[0][0] != "smart city" || !slices.Contains(r.Concepts[0], "ville intelligente") {
		t.Errorf("concepts = %q; want the smart-city names", r.Concepts)
	}
}
