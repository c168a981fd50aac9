package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

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
	// (the export).
	MaxWindow = 10000
	// DefaultFacetSize is the number of terms returned per facet.
	DefaultFacetSize = 10
	// MaxFacetSize caps Request.FacetSize.
	MaxFacetSize = 100
)

// DateRange bounds a date, inclusively; "YYYY-MM-DD", either end may be empty.
type DateRange struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Request is a search.
type Request struct {
	// Query is free text. Words are AND'ed and each is looked up stemmed in
	// every language, and in the names of the asker, the minister and the
	// answering body; a word that is a stop word of some language is not
	// searched. "Quoted phrases" match exactly that phrase (case and
	// accents aside), in any language. AND/OR/NOT, +/-, parentheses, word*
	// (prefix), word~ (fuzzy: one or two letters off; word~1, word~2 say
	// how many) and field prefixes: minister: (alias addressee:), author:,
	// subject:, title:, question:, answer:, and the whole values of
	// status:, source:, assembly:, legislature:, session:, type:,
	// language:, party:, department:, year:, number:. A word with a colon
	// that is not a known field is text ("Housing: Finance"). Unquoted
	// words that name a synonym concept find its names in every language.
	// An identifier typed alone (HL12331, 147084, n°619, a question's URL)
	// finds that question first. Empty matches every record.
	Query string
	// Filters restricts hits to records whose field has one of the values
	// (OR within a field, AND across fields); see Filters for the keys.
	// Values are compared ignoring case and accents; an unknown value of
	// a closed list (status, type, language, source, assembly) is an error.
	Filters map[string][]string
	// Received, Answered and Due bound the reception, answer and deadline
	// dates.
	Received, Answered, Due DateRange
	// Facets to count; see Facets for the names.
	Facets []string
	// FacetSize is the number of terms per facet (default DefaultFacetSize);
	// the year facet has every year.
	FacetSize int
	// Histogram adds the number of hits per month and per year received.
	Histogram bool
	// Sort is "relevance" (the default for a query), "received" (the
	// default without one is "-received", newest first), "-received",
	// "answered", "-answered", "days_to_answer" or "-days_to_answer".
	// Records without the sorted value come last; ties keep a stable order.
	Sort string
	// Page is 1-based; Size defaults to DefaultSize and is capped at MaxSize.
	Page, Size int
	// Highlight adds fragments of the texts with the matches marked.
	Highlight bool
}

// Result is one page of hits.
type Result struct {
	Total uint64 `json:"total"`
	// Approximate says that Total is an upper bound: a quoted phrase of
	// four words or more, found by its three-word pieces in more than
	// a thousand records, whose hits are checked word by word on the
	// page shown only.
	Approximate bool                   `json:"approximate,omitempty"`
	Hits        []Hit                  `json:"hits"`
	Facets      map[string][]FacetTerm `json:"facets,omitempty"`
	// Histogram is the number of hits per year and per month received,
	// when asked for.
	Histogram *Histogram    `json:"histogram,omitempty"`
	Page      int           `json:"page"`
	Size      int           `json:"size"`
	Took      time.Duration `json:"took_ns"`
	// Sort is the order of the hits: the request's, or the default.
	Sort string `json:"sort"`
	// Concepts lists the synonym concepts the query named, each as the names
	// that were searched for it (in every language), so that a user can see
	// why a hit in another language matched.
	Concepts [][]string `json:"concepts,omitempty"`
	// Ignored lists the query's common words (stop words), not searched.
	Ignored []string `json:"ignored,omitempty"`
	// Lookup is the identifier the query was taken for (a printed number,
	// an id, a URL): the record it names comes first.
	Lookup string `json:"lookup,omitempty"`
	// Suggestion is a query with the words spelt as the index knows them,
	// when the query found nothing or very little and it finds more.
	Suggestion *Suggestion `json:"suggestion,omitempty"`
	// People are the askers and ministers among the hits whose names hold
	// a word of the query, when the author or addressee facet is counted.
	People []PersonMatch `json:"people,omitempty"`
}

// PersonMatch is a person whose name the query named, and how many hits
// they asked (role "author") or were asked (role "addressee").
type PersonMatch struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Count int    `json:"count"`
}

// Hit is one matching record.
type Hit struct {
	ID     string         `json:"id"`
	Score  float64        `json:"score"`
	Record parlq.Question `json:"record"`
	// Highlights maps a part of the record to fragments of its text with
	// the matches marked: "title", "question", "answer", "answers[N]" (the
	// N-th of Record.Answers, when it is not the latest), with "@lang" for
	// a translation ("question@nl").
	Highlights map[string][]Fragment `json:"highlights,omitempty"`
}

// FacetTerm is one value of a facet, the number of hits that have it, and
// the value's name for people (the parliament's name for a source code)
// when the value is a code.
type FacetTerm struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
	Label string `json:"label,omitempty"`
}

// Histogram counts hits by date received.
type Histogram struct {
	// Year and Month hold one bucket per year ("2024") and per month
	// ("2024-03") from the first to the last with hits, empty ones
	// included, in date order.
	Year  []Bucket `json:"year"`
	Month []Bucket `json:"month"`
}

// Bucket is one period of a histogram.
type Bucket struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Suggestion is a corrected query.
type Suggestion struct {
	Query string `json:"query"`
	Total uint64 `json:"total"`
}

// filterFields maps the keys Request.Filters (and Request.Facets) accepts
// to their column.
var filterFields = map[string]string{
	"source": fieldSource, "assembly": fieldAssembly, "legislature": fieldLegis, "session": fieldSession,
	"status": fieldStatus, "type": fieldType, "language": fieldLanguage, "author": fieldAuthor,
	"addressee": fieldAddressee, "department": fieldDepartment, "party": fieldParty,
	"subject": fieldSubject, "year": fieldReceived,
}

// filterOrder is the order the vocabulary lists filters and facets in.
var filterOrder = []string{"source", "assembly", "legislature", "session", "status", "type", "language",
	"author", "addressee", "department", "party", "subject", "year"}

// sortFields maps a sort name to its date column ("" for relevance).
var sortFields = map[string]string{
	"": "", "relevance": "",
	"received": fieldReceived, "answered": fieldAnswered, "days_to_answer": "days",
}

// sortSpec is how hits are ordered.
type sortSpec struct {
	field string // "" relevance, a date field, or "days"
	desc  bool
	name  string
}

// verifyAllBelow: a query with a long phrase and fewer matches of its
// pieces has them all checked, for an exact total.
const verifyAllBelow = 1000

// plan is a validated request, compiled.
type plan struct {
	parsed *parsed
	// q matches and ranks (nil: every record); where are the request's
	// filters and date ranges, which the collector applies (see
	// collector.searcher); hq finds the matches to highlight.
	q, hq     query.Query
	where     []*filterQuery
	filters   []*filterQuery
	verify    []*verifyPhrase
	sort      sortSpec
	page      int
	size      int
	facets    []string
	facetSize int
	histogram bool
	highlight bool
	key       string // the cache key of the facets
}

// prepare validates a request and compiles it for the views it will run
// on. paged says whether Page and Size apply (not for All).
func (ix *Index) prepare(req Request, paged bool, vs []*view) (*plan, error) {
	p := &plan{page: req.Page, size: req.Size, highlight: req.Highlight, histogram: req.Histogram}
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

	var err error
	if p.parsed, err = parseQuery(req.Query, ix.Synonyms(), ix.common(vs)); err != nil {
		return nil, err
	}
	c := &compiler{cols: ix.cols, exact: ix.exact, required: true}
	text, err := c.match(p.parsed.n)
	if err != nil {
		return nil, err
	}
	if p.highlight {
		p.hq = c.highlight(p.parsed.n)
	}
	if p.where, err = c.requestFilters(req); err != nil {
		return nil, err
	}
	p.filters, p.verify = c.filters, c.verify
	_, all := p.parsed.n.(allNode)
	if !all {
		p.q = text
	}

	if p.sort, err = sortOf(req.Sort, all); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, f := range req.Facets {
		if _, ok := filterFields[f]; !ok {
			return nil, &QueryError{Field: "facets", Msg: fmt.Sprintf("unknown facet %q (known: %s)", f, strings.Join(Facets(), ", "))}
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
	p.key = facetKey(req, p)
	if err := ix.checkFilters(vs, p.filters); err != nil {
		return nil, err
	}
	return p, nil
}

// Common words: a stop word of some language is common when at least this
// share of the records holds it.
const commonShare = 0.05

// common returns the test of common words for the views: stop words that
// many records hold ("the", "de"), not those that are words of another
// language too and rare here ("war", a German stop word).
func (ix *Index) common(vs []*view) func(string) bool {
	var docs uint64
	for _, v := range vs {
		if n, err := v.r.DocCount(); err == nil {
			docs += n
		}
	}
	least := max(2, uint64(commonShare*float64(docs)))
	return func(w string) bool {
		if !stopWords[w] {
			return false
		}
		var n uint64
		for _, v := range vs {
			if c, err := v.r.TermFieldReader(context.Background(), []byte(w), fieldExact, false, false, false); err == nil {
				n += c.Count()
				c.Close()
			}
		}
		return n >= least
	}
}

// sortOf reads a sort name; the empty query sorts newest first by default.
func sortOf(name string, all bool) (sortSpec, error) {
	name = strings.TrimSpace(name)
	desc := strings.HasPrefix(name, "-")
	field, ok := sortFields[strings.TrimPrefix(name, "-")]
	if !ok || desc && field == "" {
		return sortSpec{}, &QueryError{Field: "sort", Msg: fmt.Sprintf("unknown sort %q (known: %s)", name, strings.Join(Sorts(), ", "))}
	}
	if field == "" && all {
		return sortSpec{field: fieldReceived, desc: true, name: "-received"}, nil
	}
	if field == "" {
		return sortSpec{name: "relevance"}, nil
	}
	return sortSpec{field: field, desc: desc, name: name}, nil
}

// requestFilters turns the structured filters and date ranges into filter
// queries, one per field.
func (c *compiler) requestFilters(req Request) ([]*filterQuery, error) {
	var out []*filterQuery
	keys := make([]string, 0, len(req.Filters))
	for k := range req.Filters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		field, ok := filterFields[k]
		if !ok {
			return nil, &QueryError{Field: "filters", Msg: fmt.Sprintf("unknown filter %q (known: %s)", k, strings.Join(Filters(), ", "))}
		}
		var vals []string
		for _, v := range req.Filters[k] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			continue
		}
		if k == "year" {
			f := &filterQuery{cols: c.cols, field: fieldReceived, date: true}
			for _, v := range vals {
				y, err := yearRange(v)
				if err != nil {
					return nil, &QueryError{Field: "filters", Msg: fmt.Sprintf("year %q is not a year (give four digits, e.g. 2024)", v)}
				}
				f.ranges = append(f.ranges, y)
			}
			out = append(out, f)
			continue
		}
		f := &filterQuery{cols: c.cols, field: field, values: vals, param: "filters"}
		c.filters = append(c.filters, f)
		out = append(out, f)
	}
	for _, r := range []struct {
		name, field string
		dr          DateRange
	}{{"received", fieldReceived, req.Received}, {"answered", fieldAnswered, req.Answered}, {"due", fieldDue, req.Due}} {
		if r.dr.From == "" && r.dr.To == "" {
			continue
		}
		from, to := int32(noDay+1), int32(1<<30)
		var ok bool
		if r.dr.From != "" {
			if from, ok = dayNumber(r.dr.From); !ok {
				return nil, &QueryError{Field: r.name, Msg: fmt.Sprintf("from %q is not a date YYYY-MM-DD", r.dr.From)}
			}
		}
		if r.dr.To != "" {
			if to, ok = dayNumber(r.dr.To); !ok {
				return nil, &QueryError{Field: r.name, Msg: fmt.Sprintf("to %q is not a date YYYY-MM-DD", r.dr.To)}
			}
		}
		if to < from {
			return nil, &QueryError{Field: r.name, Msg: fmt.Sprintf("to %s is before from %s", r.dr.To, r.dr.From)}
		}
		out = append(out, &filterQuery{cols: c.cols, field: r.field, date: true, ranges: [][2]int32{{from, to}}})
	}
	return out, nil
}

// facetKey identifies what a request's facets and histogram count: its
// query, filters and dates (not its page, sort or highlights).
func facetKey(req Request, p *plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q|%v|%v|%v|%v|%d|%v|", req.Query, req.Received, req.Answered, req.Due, p.facets, p.facetSize, p.histogram)
	keys := make([]string, 0, len(req.Filters))
	for k := range req.Filters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q;", k, req.Filters[k])
	}
	return b.String()
}

// Search runs a request and returns one page of hits, with facets, the
// histogram and highlights if asked. A malformed request returns a
// *QueryError.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vs, err := ix.views()
	if err != nil {
		return nil, err
	}
	defer release(vs)
	p, err := ix.prepare(req, true, vs)
	if err != nil {
		return nil, err
	}
	res, err := ix.search(ctx, vs, p)
	if err != nil {
		return nil, err
	}
	if err := ix.suggest(ctx, vs, p, req, res); err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// search runs a plan on open views.
func (ix *Index) search(ctx context.Context, vs []*view, p *plan) (*Result, error) {
	res := &Result{Hits: []Hit{}, Page: p.page, Size: p.size, Sort: p.sort.name,
		Concepts: concepts(p.parsed.n, nil), Ignored: p.parsed.ignored, Lookup: p.parsed.lookup}
	counted, cached := ix.facetCache.get(p.key, ix.generation())
	want := len(p.facets) > 0 || p.histogram
	// Long phrases are matched by their pieces: a few more hits are kept,
	// for those of the page that do not hold the phrase.
	extra := 0
	if len(p.verify) > 0 {
		extra = p.size + 10
	}
	col := &collector{ix: ix, p: p, skip: (p.page - 1) * p.size, k: p.page*p.size + extra, count: want && !cached}
	parts, err := col.run(ctx, vs)
	if err != nil {
		return nil, err
	}
	for _, pt := range parts {
		res.Total += pt.total
	}
	page := mergeHits(parts, p.sort, col.skip, p.size+extra)
	switch {
	case len(p.verify) == 0:
	case res.Total <= verifyAllBelow:
		// Few enough to check them all: the total is exact.
		all := &collector{ix: ix, p: p, k: -1}
		parts, err := all.run(ctx, vs)
		if err != nil {
			return nil, err
		}
		hits, _, err := ix.verifyHits(ctx, vs, p, mergeHits(parts, p.sort, 0, -1), -1)
		if err != nil {
			return nil, err
		}
		res.Total = uint64(len(hits))
		page = hits[min(col.skip, len(hits)):min(col.skip+p.size, len(hits))]
	default:
		var dropped uint64
		if page, dropped, err = ix.verifyHits(ctx, vs, p, page, p.size); err != nil {
			return nil, err
		}
		res.Total -= min(dropped, res.Total)
		res.Approximate = true
	}
	for _, h := range page {
		hit, err := ix.hit(vs, h)
		if err != nil {
			return nil, err
		}
		res.Hits = append(res.Hits, hit)
	}
	if p.highlight && p.hq != nil {
		if err := ix.highlightHits(ctx, vs, p, page, res.Hits); err != nil {
			return nil, err
		}
	}
	if want {
		if !cached {
			counted = ix.facetResult(vs, parts, p)
			ix.facetCache.put(p.key, ix.generation(), counted)
		}
		res.Facets, res.Histogram, res.People = counted.facets, counted.histogram, counted.people
	}
	return res, nil
}

// hit reads the record of a page hit.
func (ix *Index) hit(vs []*view, h hitRef) (Hit, error) {
	q, id, err := vs[h.view].record(h.doc)
	if err != nil {
		return Hit{}, err
	}
	if id == "" {
		id = q.ID
	}
	return Hit{ID: id, Score: h.score, Record: *q}, nil
}

// All calls fn with every hit of a request, in the request's sort, ignoring
// Page, Size, Facets and Histogram. It searches once and reads the records
// from the same snapshot of the index, so the cost per hit stays constant
// however deep it goes; records written meanwhile are not seen. It stops at
// fn's first error and returns it.
func (ix *Index) All(ctx context.Context, req Request, fn func(Hit) error) error {
	vs, err := ix.views()
	if err != nil {
		return err
	}
	defer release(vs)
	p, err := ix.prepare(Request{
		Query: req.Query, Filters: req.Filters, Received: req.Received,
		Answered: req.Answered, Due: req.Due, Sort: req.Sort, Highlight: req.Highlight,
	}, false, vs)
	if err != nil {
		return err
	}
	col := &collector{ix: ix, p: p, k: -1}
	parts, err := col.run(ctx, vs)
	if err != nil {
		return err
	}
	hits := mergeHits(parts, p.sort, 0, -1)
	if len(p.verify) > 0 {
		if hits, _, err = ix.verifyHits(ctx, vs, p, hits, -1); err != nil {
			return err
		}
	}
	const chunk = 100
	for i := 0; i < len(hits); i += chunk {
		page := hits[i:min(i+chunk, len(hits))]
		out := make([]Hit, len(page))
		for j, h := range page {
			if err := ctx.Err(); err != nil {
				return err
			}
			if out[j], err = ix.hit(vs, h); err != nil {
				return err
			}
		}
		if p.highlight && p.hq != nil {
			if err := ix.highlightHits(ctx, vs, p, page, out); err != nil {
				return err
			}
		}
		for _, h := range out {
			if err := fn(h); err != nil {
				return err
			}
		}
	}
	return nil
}

// closedValues are the values a closed-list filter accepts whatever the
// index holds.
var closedValues = map[string][]string{
	fieldStatus: {string(parlq.Pending), string(parlq.Answered), string(parlq.Lapsed), string(parlq.Withdrawn)},
	fieldType: {string(parlq.WrittenQuestion), string(parlq.OralQuestion), string(parlq.TopicalQuestion),
		string(parlq.Interpellation), string(parlq.RequestForExplanation)},
}

// checkFilters refuses a value of a closed list: a status or type parlq
// does not know, a language that is neither stemmed nor in any record.
// Sources and assemblies are open: one not harvested yet is no mistake.
func (ix *Index) checkFilters(vs []*view, fs []*filterQuery) error {
	for _, f := range fs {
		if f.prefix {
			continue
		}
		var known []string
		switch f.field {
		case fieldStatus, fieldType:
			known = closedValues[f.field]
		case fieldLanguage:
			for _, v := range vs {
				for _, s := range v.segs {
					if _, err := ix.cols.keyword(s.cols, f.field); err != nil {
						return err
					}
				}
			}
			known = append(ix.cols.dicts[f.field].all(), languageList...)
		default:
			continue
		}
		for _, v := range f.values {
			if !slices.ContainsFunc(known, func(k string) bool { return foldKey(k) == foldKey(v) }) {
				name := f.field
				slices.Sort(known)
				list := strings.Join(slices.Compact(known), ", ")
				if f.param == "q" {
					return qerr("unknown %s %q (known: %s)", name, v, list)
				}
				return &QueryError{Field: "filters", Msg: fmt.Sprintf("unknown %s %q (known: %s)", name, v, list)}
			}
		}
	}
	return nil
}
