package api

import (
	"encoding/json"
	"html"
	"io"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
)

// SearchResponse is the body of GET /api/search and of `parlq search
// --json`: the same shape everywhere.
//
//	{"total": 3, "page": 1, "size": 10, "took_ms": 1.2, "sort": "relevance",
//	 "hits": [{"id": "…", "score": 1.2, "record": {…},
//	           "highlights": {"question": [{"text": "… smart city …", "marks": [[2, 7]], "before": true,
//	                                        "html": "… <mark>smart</mark> city …"}],
//	                          "question@nl": [{…}]}}],
//	 "facets": {"addressee": [{"term": "Alain Maron", "count": 3}],
//	            "source": [{"term": "ukparl", "count": 2, "label": "UK Parliament"}]},
//	 "histogram": {"year": [{"key": "2024", "count": 3}], "month": [{"key": "2024-01", "count": 1}, …]},
//	 "concepts": [["smart city", "ville intelligente", "slimme stad"]],
//	 "ignored": ["the"], "lookup": "HL12331",
//	 "suggestion": {"query": "pollution", "total": 41},
//	 "people": [{"name": "Alain Maron", "role": "addressee", "count": 4}]}
type SearchResponse struct {
	Total uint64 `json:"total"`
	// Approximate says that total is an upper bound (a long quoted
	// phrase found by its pieces; see index.Result).
	Approximate bool                         `json:"approximate,omitempty"`
	Page        int                          `json:"page"`
	Size        int                          `json:"size"`
	TookMS      float64                      `json:"took_ms"`
	Hits        []Hit                        `json:"hits"`
	Facets      map[string][]index.FacetTerm `json:"facets,omitempty"`
	// Histogram counts the hits by year and by month received, when asked
	// for (histogram=true).
	Histogram *index.Histogram `json:"histogram,omitempty"`
	// Sort is the order of the hits: the one asked for, or the default
	// ("relevance" for a query, "-received" without one).
	Sort string `json:"sort,omitempty"`
	// Concepts are the synonym concepts the query named, each as the
	// names searched for it in every language.
	Concepts [][]string `json:"concepts,omitempty"`
	// Ignored are the query's common words, which were not searched.
	Ignored []string `json:"ignored,omitempty"`
	// Lookup is the identifier the query was taken for (a printed number,
	// an id, a URL): the question it names comes first.
	Lookup string `json:"lookup,omitempty"`
	// Suggestion is the query spelt as the index knows its words, when
	// the query found little and it finds more.
	Suggestion *index.Suggestion `json:"suggestion,omitempty"`
	// People are the askers and ministers among the hits whose names the
	// query named, when the author or addressee facet is asked for.
	People []index.PersonMatch `json:"people,omitempty"`
}

// Hit is one matching record.
type Hit struct {
	ID     string         `json:"id"`
	Score  float64        `json:"score"`
	Record parlq.Question `json:"record"`
	// Highlights maps a part of the record to fragments of its text with
	// the matches marked: "title", "question", "answer", "answers[N]" (the
	// N-th of record.answers, when not the latest), with "@lang" for a
	// translation ("question@nl").
	Highlights map[string][]Fragment `json:"highlights,omitempty"`
}

// Fragment is a highlight fragment as the index gives it (text and match
// offsets) and rendered as HTML: the text escaped, each match in
// <mark>…</mark>, an ellipsis where the text was cut.
type Fragment struct {
	index.Fragment
	HTML string `json:"html"`
}

// HTML renders a fragment as escaped HTML with <mark> around the matches.
func HTML(f index.Fragment) string { return f.Render(html.EscapeString, "<mark>", "</mark>") }

// NewSearchResponse builds the response for res, with an empty (not null)
// hit list when nothing matched.
func NewSearchResponse(res *index.Result) SearchResponse {
	out := SearchResponse{
		Total:       res.Total,
		Approximate: res.Approximate,
		Page:        res.Page,
		Size:        res.Size,
		TookMS:      float64(res.Took.Microseconds()) / 1000,
		Hits:        make([]Hit, 0, len(res.Hits)),
		Facets:      res.Facets,
		Histogram:   res.Histogram,
		Sort:        res.Sort,
		Concepts:    res.Concepts,
		Ignored:     res.Ignored,
		Lookup:      res.Lookup,
		Suggestion:  res.Suggestion,
		People:      res.People,
	}
	for _, h := range res.Hits {
		hit := Hit{ID: h.ID, Score: h.Score, Record: h.Record}
		if len(h.Highlights) > 0 {
			hit.Highlights = make(map[string][]Fragment, len(h.Highlights))
			for field, frags := range h.Highlights {
				out := make([]Fragment, len(frags))
				for i, f := range frags {
					out[i] = Fragment{Fragment: f, HTML: HTML(f)}
				}
				hit.Highlights[field] = out
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	return out
}

// Result turns a response read from a server back into the index's result.
func (r SearchResponse) Result() *index.Result {
	res := &index.Result{Total: r.Total, Approximate: r.Approximate, Page: r.Page, Size: r.Size, Facets: r.Facets, Histogram: r.Histogram,
		Sort: r.Sort, Concepts: r.Concepts, Ignored: r.Ignored, Lookup: r.Lookup, Suggestion: r.Suggestion, People: r.People}
	for _, h := range r.Hits {
		hit := index.Hit{ID: h.ID, Score: h.Score, Record: h.Record}
		if len(h.Highlights) > 0 {
			hit.Highlights = map[string][]index.Fragment{}
			for field, frags := range h.Highlights {
				for _, f := range frags {
					hit.Highlights[field] = append(hit.Highlights[field], f.Fragment)
				}
			}
		}
		res.Hits = append(res.Hits, hit)
	}
	return res
}

// WriteSearchJSON writes res as a SearchResponse, indented, to w.
func WriteSearchJSON(w io.Writer, res *index.Result) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(NewSearchResponse(res))
}
