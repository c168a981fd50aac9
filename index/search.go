package index

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/parlq/parlq"
)

// Paging limits.
const (
	// DefaultSize is the page size when a request gives none.
	DefaultSize = 20
	// MaxSize caps a page; larger sizes are reduced to it.
	MaxSize = 100
	// MaxWindow caps Page*Size for Search; deeper results are read with All
	// (the export), which pages with search_after at constant cost.
	MaxWindow = 10000
	// DefaultFacetSize is the number of terms returned per facet.
	DefaultFacetSize = 10
	// MaxFacetSize caps Request.FacetSize.
	MaxFacetSize = 100
	// allChunk is the page size All reads with.
	allChunk = 500
)

// DateRange bounds a date, inclusively; "YYYY-MM-DD", either end may be empty.
type DateRange struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Request is a search.
type Request struct {
	// Query is free text: words (AND'ed), "phrases" (exact, unstemmed),
	// AND/OR/NOT, +/-, parentheses, word* prefixes, and field prefixes
	// minister: (alias addressee:), author:, status:, source:, legislature:,
	// assembly:, type:, session:, language:, number:, year:, title:,
	// question:, answer:. Empty matches every record.
	Query string
	// Filters restricts hits to records whose keyword field has one of the
	// values (OR within a field, AND across fields). Keys: source, assembly,
	// legislature, session, status, type, language, author, addressee, year.
	Filters map[string][]string
	// Received and Answered bound the reception and answer dates.
	Received, Answered DateRange
	// Facets to count: source, legislature, addressee, author, status, year,
	// assembly, type, language, session.
	Facets []string
	// FacetSize is the number of terms per facet (default DefaultFacetSize).
	FacetSize int
	// Sort is "relevance" (default), "received", "-received", "answered",
	// "-answered", "days_to_answer" or "-days_to_answer". Ties are broken by
	// id, so pages are stable; records without the sorted value come last.
	Sort string
	// Page is 1-based; Size defaults to DefaultSize and is capped at MaxSize.
	Page, Size int
	// Highlight adds fragments of the texts with the matches marked.
	Highlight bool
}

// Result is one page of hits.
type Result struct {
	Total  uint64                 `json:"total"`
	Hits   []Hit                  `json:"hits"`
	Facets map[string][]FacetTerm `json:"facets,omitempty"`
	Page   int                    `json:"page"`
	Size   int                    `json:"size"`
	Took   time.Duration          `json:"took_ns"`
	// Concepts lists the synonym concepts the query named, each as the names
	// that were searched for it (in every language), so that a user can see
	// why a hit in another language matched.
	Concepts [][]string `json:"concepts,omitempty"`
}

// Hit is one matching record.
type Hit struct {
	ID     string         `json:"id"`
	Score  float64        `json:"score"`
	Record parlq.Question `json:"record"`
	// Highlights maps a record field (title, question, answer) to fragments
	// of its text with the matches marked.
	Highlights map[string][]Fragment `json:"highlights,omitempty"`
}

// FacetTerm is one value of a facet and the number of hits that have it.
type FacetTerm struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// filterFields are the keys Request.Filters accepts: the keyword fields
// but the printed number, which is searched with the query (number:).
var filterFields = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range keywordFields {
		m[f] = f != "number"
	}
	return m
}()

// facetFields are the names Request.Facets accepts: every filter.
var facetFields = filterFields

// sortFields maps a sort name to its index field ("" for relevance).
var sortFields = map[string]string{
	"": "", "relevance": "",
	"received": fieldReceived, "answered": fieldAnswered, "days_to_answer": fieldDays,
}

// plan is a validated request, ready to become Bleve requests.
type plan struct {
	q         query.Query
	sort      search.SortOrder
	byScore   bool
	page      int
	size      int
	facets    []string
	facetSize int
	highlight bool
	concepts  [][]string
}

// prepare validates a request and builds its query and sort.
func (ix *Index) prepare(req Request, paged bool) (*plan, error) {
	p := &plan{page: req.Page, size: req.Size, highlight: req.Highlight}
	if p.page == 0 {
		p.page = 1
	}
	if p.page < 0 {
		return nil, &QueryError{Field: "page", Msg: "must be 1 or more"}
	}
	if p.size == 0 {
		p.size = DefaultSize
	}
	if p.size < 0 {
		return nil, &QueryError{Field: "size", Msg: "must be 1 or more"}
	}
	p.size = min(p.size, MaxSize)
	if paged && p.page*p.size > MaxWindow {
		return nil, &QueryError{Field: "page", Msg: fmt.Sprintf(
			"too deep: page × size may not exceed %d; narrow the query or use the export for every hit", MaxWindow)}
	}

	n, err := parseQuery(req.Query, ix.Synonyms())
	if err != nil {
		return nil, err
	}
	p.concepts = concepts(n, nil)
	var conj []query.Query
	if _, all := n.(allNode); !all {
		conj = append(conj, toBleve(n))
	}
	filters, err := filterQuery(req)
	if err != nil {
		return nil, err
	}
	conj = append(conj, filters...)
	switch len(conj) {
	case 0:
		p.q = query.NewMatchAllQuery()
	case 1:
		p.q = conj[0]
	default:
		// Filters narrow without scoring.
		b := query.NewBooleanQuery(nil, nil, nil)
		if _, all := n.(allNode); all {
			b.AddMust(query.NewMatchAllQuery())
		} else {
			b.AddMust(conj[0])
			conj = conj[1:]
		}
		b.AddFilter(query.NewConjunctionQuery(conj))
		p.q = b
	}

	name := strings.TrimSpace(req.Sort)
	desc := strings.HasPrefix(name, "-")
	field, ok := sortFields[strings.TrimPrefix(name, "-")]
	if !ok || (desc && field == "") {
		return nil, &QueryError{Field: "sort", Msg: fmt.Sprintf(
			"unknown sort %q (known: relevance, received, -received, answered, -answered, days_to_answer, -days_to_answer)", req.Sort)}
	}
	if field == "" {
		p.byScore = true
		p.sort = search.SortOrder{&search.SortScore{Desc: true}, &search.SortDocID{}}
	} else {
		p.sort = search.SortOrder{
			&search.SortField{Field: field, Desc: desc, Type: search.SortFieldAuto, Missing: search.SortFieldMissingLast},
			&search.SortDocID{},
		}
	}

	seen := map[string]bool{}
	for _, f := range req.Facets {
		if !facetFields[f] {
			return nil, &QueryError{Field: "facets", Msg: fmt.Sprintf(
				"unknown facet %q (known: source, legislature, addressee, author, status, year, assembly, type, language, session)", f)}
		}
		if !seen[f] {
			seen[f] = true
			p.facets = append(p.facets, f)
		}
	}
	p.facetSize = req.FacetSize
	if p.facetSize < 0 {
		return nil, &QueryError{Field: "facet_size", Msg: "must be 1 or more"}
	}
	if p.facetSize == 0 {
		p.facetSize = DefaultFacetSize
	}
	p.facetSize = min(p.facetSize, MaxFacetSize)
	return p, nil
}

// filterQuery turns the structured filters into queries, one per field.
func filterQuery(req Request) ([]query.Query, error) {
	var out []query.Query
	keys := make([]string, 0, len(req.Filters))
	for k := range req.Filters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !filterFields[k] {
			return nil, &QueryError{Field: "filters", Msg: fmt.Sprintf(
				"unknown filter %q (known: source, assembly, legislature, session, status, type, language, author, addressee, year)", k)}
		}
		var any []query.Query
		for _, v := range req.Filters[k] {
			if v == "" {
				continue
			}
			any = append(any, keywordQueries(k, v, false)...)
		}
		switch len(any) {
		case 0:
		case 1:
			out = append(out, any[0])
		default:
			out = append(out, query.NewDisjunctionQuery(any))
		}
	}
	for _, r := range []struct {
		name, field string
		dr          DateRange
	}{{"received", fieldReceived, req.Received}, {"answered", fieldAnswered, req.Answered}} {
		if r.dr.From == "" && r.dr.To == "" {
			continue
		}
		var from, to time.Time
		var err error
		if r.dr.From != "" {
			if from, err = time.Parse(parlq.DateLayout, r.dr.From); err != nil {
				return nil, &QueryError{Field: r.name, Msg: fmt.Sprintf("from %q is not a date YYYY-MM-DD", r.dr.From)}
			}
		}
		if r.dr.To != "" {
			if to, err = time.Parse(parlq.DateLayout, r.dr.To); err != nil {
				return nil, &QueryError{Field: r.name, Msg: fmt.Sprintf("to %q is not a date YYYY-MM-DD", r.dr.To)}
			}
		}
		if !from.IsZero() && !to.IsZero() && to.Before(from) {
			return nil, &QueryError{Field: r.name, Msg: fmt.Sprintf("to %s is before from %s", r.dr.To, r.dr.From)}
		}
		yes := true
		q := bleve.NewDateRangeInclusiveQuery(from, to, &yes, &yes)
		q.SetField(r.field)
		out = append(out, q)
	}
	return out, nil
}

// keywordQueries matches a keyword field against v as given, in lower case
// and in upper case: stored values keep the source's case ("PRB", "commons",
// "answered"), and users should not have to know it.
func keywordQueries(field, v string, isPrefix bool) []query.Query {
	var qs []query.Query
	seen := map[string]bool{}
	for _, c := range []string{v, strings.ToLower(v), strings.ToUpper(v)} {
		if seen[c] {
			continue
		}
		seen[c] = true
		if isPrefix {
			qs = append(qs, prefix(c, field))
			continue
		}
		t := query.NewTermQuery(c)
		t.SetField(field)
		qs = append(qs, t)
	}
	return qs
}

// bleveRequest builds the Bleve request for a plan.
func (p *plan) bleveRequest(size, from int) *bleve.SearchRequest {
	r := bleve.NewSearchRequestOptions(p.q, size, from, false)
	r.SortByCustom(p.sort)
	r.Fields = []string{recordField}
	r.IncludeLocations = p.highlight
	if !p.byScore && !p.highlight {
		r.Score = "none"
	}
	return r
}

// Search runs a request and returns one page of hits, with facets and
// highlights if asked. A malformed request returns a *QueryError.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := ix.prepare(req, true)
	if err != nil {
		return nil, err
	}
	res := &Result{Hits: []Hit{}, Page: p.page, Size: p.size, Concepts: p.concepts}
	if len(p.facets) > 0 {
		res.Facets = map[string][]FacetTerm{}
		for _, f := range p.facets {
			res.Facets[f] = []FacetTerm{}
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	if len(ix.sources) == 0 {
		res.Took = time.Since(start)
		return res, nil
	}
	br := p.bleveRequest(p.size, (p.page-1)*p.size)
	for _, f := range p.facets {
		br.AddFacet(f, bleve.NewFacetRequest(f, p.facetSize))
	}
	sr, err := ix.alias.SearchInContext(ctx, br)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	res.Total = sr.Total
	for _, dm := range sr.Hits {
		h, err := p.hit(dm)
		if err != nil {
			return nil, err
		}
		res.Hits = append(res.Hits, h)
	}
	for name, fr := range sr.Facets {
		terms := res.Facets[name]
		if fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				terms = append(terms, FacetTerm{Term: t.Term, Count: t.Count})
			}
		}
		slices.SortStableFunc(terms, func(a, b FacetTerm) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Term, b.Term)
		})
		res.Facets[name] = terms
	}
	res.Took = time.Since(start)
	return res, nil
}

// hit decodes one Bleve hit.
func (p *plan) hit(dm *search.DocumentMatch) (Hit, error) {
	h := Hit{ID: dm.ID, Score: dm.Score}
	raw, _ := dm.Fields[recordField].(string)
	if raw == "" {
		return h, fmt.Errorf("search: hit %s has no stored record; rebuild the index", dm.ID)
	}
	if err := json.Unmarshal([]byte(raw), &h.Record); err != nil {
		return h, fmt.Errorf("search: hit %s: decode record: %w", dm.ID, err)
	}
	if p.highlight {
		h.Highlights = highlight(&h.Record, dm.Locations)
	}
	return h, nil
}

// All calls fn with every hit of a request, in the request's sort, ignoring
// Page, Size and Facets. It reads in chunks with search_after, so the cost
// per hit stays constant however deep it goes; records written meanwhile
// may or may not be seen. It stops at fn's first error and returns it.
func (ix *Index) All(ctx context.Context, req Request, fn func(Hit) error) error {
	p, err := ix.prepare(Request{
		Query: req.Query, Filters: req.Filters, Received: req.Received,
		Answered: req.Answered, Sort: req.Sort, Highlight: req.Highlight,
	}, false)
	if err != nil {
		return err
	}
	var after []string
	for {
		hits, err := ix.chunk(ctx, p, after)
		if err != nil {
			return err
		}
		for _, dm := range hits {
			h, err := p.hit(dm)
			if err != nil {
				return err
			}
			if err := fn(h); err != nil {
				return err
			}
		}
		if len(hits) < allChunk {
			return nil
		}
		last := hits[len(hits)-1]
		after = slices.Clone(last.Sort)
		if p.byScore {
			after[0] = strconv.FormatFloat(last.Score, 'g', -1, 64)
		}
	}
}

// chunk reads the next allChunk hits after the given sort keys.
func (ix *Index) chunk(ctx context.Context, p *plan, after []string) ([]*search.DocumentMatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	if len(ix.sources) == 0 {
		return nil, nil
	}
	br := p.bleveRequest(allChunk, 0)
	br.SearchAfter = after
	sr, err := ix.alias.SearchInContext(ctx, br)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return sr.Hits, nil
}
