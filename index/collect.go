package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// The collector runs a compiled query on each source's snapshot in
// parallel and, in one pass over the matches, keeps the best hits of the
// page (a bounded heap: no record is read but the page's), counts the
// total, the facets and the histogram from the columns, and reads the sort
// keys from them. Hits keep a stable order: the sort key, then the source
// (in name order), then the document's place in its index.

// hitRef is a match: where it is, and what it sorts by. It holds no
// pointer, so that keeping thousands of them costs the collector no write
// barriers.
type hitRef struct {
	doc   uint64
	score float64
	key   int32 // the sorted date or number of days; noDay when missing
	view  int32 // the view's rank
}

// before reports whether a ranks before b under s.
func (s sortSpec) before(a, b *hitRef) bool {
	if s.field == "" {
		if a.score != b.score {
			return a.score > b.score
		}
	} else if a.key != b.key {
		switch {
		case a.key == noDay:
			return false
		case b.key == noDay:
			return true
		case s.desc:
			return a.key > b.key
		default:
			return a.key < b.key
		}
	}
	if a.view != b.view {
		return a.view < b.view
	}
	return a.doc < b.doc
}

func (s sortSpec) compare(a, b hitRef) int {
	switch {
	case s.before(&a, &b):
		return -1
	case s.before(&b, &a):
		return 1
	}
	return 0
}

// worst is a binary heap with the worst kept hit on top.
type worst struct {
	s    sortSpec
	hits []hitRef
}

func (w *worst) worse(i, j int) bool { return w.s.before(&w.hits[j], &w.hits[i]) }

func (w *worst) push(h hitRef) {
	w.hits = append(w.hits, h)
	for i := len(w.hits) - 1; i > 0; {
		parent := (i - 1) / 2
		if !w.worse(i, parent) {
			break
		}
		w.hits[i], w.hits[parent] = w.hits[parent], w.hits[i]
		i = parent
	}
}

// replaceTop puts h in the place of the worst hit.
func (w *worst) replaceTop(h hitRef) {
	w.hits[0] = h
	n := len(w.hits)
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && w.worse(l, m) {
			m = l
		}
		if r < n && w.worse(r, m) {
			m = r
		}
		if m == i {
			return
		}
		w.hits[i], w.hits[m] = w.hits[m], w.hits[i]
		i = m
	}
}

// collector is one search's pass.
type collector struct {
	ix    *Index
	p     *plan
	skip  int
	k     int  // hits to keep per source (skip + size); -1: all of them
	count bool // count facets and the histogram
}

// partial is what one source's pass found.
type partial struct {
	view   *view
	total  uint64
	hits   []hitRef
	counts map[string][]int // keyword facet → count by ordinal
	months []int            // hits by month since histBase
}

// histBase is the first month the histogram counts (January 1900); the
// months array spans two centuries.
const (
	histBaseYear = 1900
	histMonths   = 200 * 12
)

func (c *collector) run(ctx context.Context, vs []*view) ([]*partial, error) {
	out := make([]*partial, len(vs))
	errs := make([]error, len(vs))
	var wg sync.WaitGroup
	for i, v := range vs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = c.view(ctx, v)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// segState is what the pass reads of the segment it is in.
type segState struct {
	end  uint64
	off  uint64
	cols []*column // by facet
	days []int32   // histogram: received
	a, b []int32   // the sorted date(s)
}

func (c *collector) view(ctx context.Context, v *view) (*partial, error) {
	p := c.p
	pt := &partial{view: v}
	var kw []string // keyword facets counted here
	if c.count {
		pt.counts = map[string][]int{}
		for _, f := range p.facets {
			if f != "source" && f != "year" {
				kw = append(kw, filterFields[f])
			}
		}
		if p.histogram || slices.Contains(p.facets, "year") {
			pt.months = make([]int, histMonths)
		}
	}
	// Columns first, so that the pass takes no lock.
	states := make([]segState, len(v.segs))
	for i, s := range v.segs {
		st := &states[i]
		st.off = s.off
		st.end = s.off + s.cols.n
		for _, f := range kw {
			col, err := c.ix.cols.keyword(s.cols, f)
			if err != nil {
				return nil, err
			}
			st.cols = append(st.cols, col)
		}
		var err error
		if pt.months != nil {
			if st.days, err = c.ix.cols.days(s.cols, fieldReceived); err != nil {
				return nil, err
			}
		}
		switch p.sort.field {
		case "":
		case "days":
			if st.a, err = c.ix.cols.days(s.cols, fieldReceived); err == nil {
				st.b, err = c.ix.cols.days(s.cols, fieldAnswered)
			}
		default:
			st.a, err = c.ix.cols.days(s.cols, p.sort.field)
		}
		if err != nil {
			return nil, err
		}
	}
	for i, f := range kw {
		pt.counts[kw[i]] = make([]int, c.ix.cols.dicts[f].size())
	}

	s, post, err := c.searcher(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", v.source, err)
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: v.r}
	w := &worst{s: p.sort}
	si := -1
	var st *segState
	for seen := 0; ; seen++ {
		if seen%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", v.source, err)
		}
		if dm == nil {
			break
		}
		n := dm.IndexInternalID.Value()
		h := hitRef{view: int32(v.rank), doc: n, score: dm.Score, key: noDay}
		sctx.DocumentMatchPool.Put(dm)
		if st == nil || n >= st.end || n < st.off {
			si = v.seg(n, si)
			if si < 0 {
				return nil, fmt.Errorf("search %s: document %d is in no segment", v.source, n)
			}
			st = &states[si]
		}
		local := n - st.off
		if !passes(post, si, local) {
			continue
		}
		pt.total++
		for i, col := range st.cols {
			counts := pt.counts[kw[i]]
			col.each(local, func(o uint32) {
				if int(o) >= len(counts) {
					counts = append(counts, make([]int, int(o)+1-len(counts))...)
					pt.counts[kw[i]] = counts
				}
				counts[o]++
			})
		}
		if st.days != nil {
			if d := st.days[local]; d != noDay {
				y, m := civil(d)
				if i := (y-histBaseYear)*12 + m - 1; i >= 0 && i < histMonths {
					pt.months[i]++
				}
			}
		}
		if st.a != nil {
			h.key = st.a[local]
			if st.b != nil {
				if b := st.b[local]; h.key != noDay && b != noDay {
					h.key = b - h.key
				} else {
					h.key = noDay
				}
			}
		}
		switch {
		case c.k < 0:
			w.hits = append(w.hits, h)
		case c.k == 0:
		case len(w.hits) < c.k:
			w.push(h)
		case p.sort.before(&h, &w.hits[0]):
			w.replaceTop(h)
		}
	}
	slices.SortFunc(w.hits, p.sort.compare)
	pt.hits = w.hits
	return pt, nil
}

// leadShare: a filter that keeps fewer records than this share of the
// query's matches leads the search (the query's searcher jumps from one
// of its records to the next); a broader one is checked at each match.
const leadShare = 0.25

// searcher returns the searcher of the plan on a view, and the filters to
// check at each of its matches (by segment, then filter). Without a query,
// the filters' bitmaps are intersected and iterated; with one, filters
// much narrower than the query join it in a conjunction, and the others
// are checked against their bitmap at each match, cheaper than a
// conjunction's jumps.
func (c *collector) searcher(ctx context.Context, v *view) (search.Searcher, [][]*roaring.Bitmap, error) {
	p := c.p
	opts := search.SearcherOptions{}
	if p.sort.field != "" {
		opts.Score = "none"
	}
	is, ok := v.r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil, fmt.Errorf("index reader %T is not a Scorch snapshot", v.r)
	}
	if p.q == nil {
		if len(p.where) == 0 {
			s, err := searcher.NewMatchAllSearcher(ctx, v.r, 1, opts)
			return s, nil, err
		}
		s, err := newBitmapSearcher(is, c.ix.cols, p.where)
		return s, nil, err
	}
	s, err := p.q.Searcher(ctx, v.r, c.ix.im, opts)
	if err != nil || len(p.where) == 0 {
		return s, nil, err
	}
	var lead, check []*filterQuery
	for _, f := range p.where {
		bs, err := newBitmapSearcher(is, c.ix.cols, []*filterQuery{f})
		if err != nil {
			s.Close()
			return nil, nil, err
		}
		if float64(bs.Count()) < leadShare*float64(s.Count()) {
			lead = append(lead, f)
		} else {
			check = append(check, f)
		}
	}
	if len(lead) > 0 {
		bs, err := newBitmapSearcher(is, c.ix.cols, lead)
		if err == nil {
			s, err = searcher.NewConjunctionSearcher(ctx, v.r, []search.Searcher{s, bs}, opts)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if len(check) == 0 {
		return s, nil, nil
	}
	post := make([][]*roaring.Bitmap, len(v.segs))
	for i, sg := range v.segs {
		for _, f := range check {
			bm, err := f.docs(sg.cols)
			if err != nil {
				s.Close()
				return nil, nil, err
			}
			post[i] = append(post[i], bm)
		}
	}
	return s, post, nil
}

// passes reports whether document local of segment si passes the filters
// checked at each match.
func passes(post [][]*roaring.Bitmap, si int, local uint64) bool {
	if post == nil {
		return true
	}
	for _, bm := range post[si] {
		if !bm.Contains(uint32(local)) {
			return false
		}
	}
	return true
}

// mergeHits merges the sources' ordered hits and returns size of them from
// skip (size < 0: all).
func mergeHits(parts []*partial, s sortSpec, skip, size int) []hitRef {
	next := make([]int, len(parts))
	var out []hitRef
	for n := 0; size < 0 || n < skip+size; n++ {
		best := -1
		for i, pt := range parts {
			if next[i] < len(pt.hits) && (best < 0 || s.before(&pt.hits[next[i]], &parts[best].hits[next[best]])) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		if n >= skip {
			out = append(out, parts[best].hits[next[best]])
		}
		next[best]++
	}
	return out
}

// counted is what a request's facets and histogram came to; it is cached.
type counted struct {
	facets    map[string][]FacetTerm
	histogram *Histogram
	people    []PersonMatch
}

// maxPeople bounds Result.People.
const maxPeople = 5

// facetResult sums the sources' counts into facets and the histogram.
func (ix *Index) facetResult(vs []*view, parts []*partial, p *plan) *counted {
	out := &counted{facets: map[string][]FacetTerm{}}
	var months []int
	for _, pt := range parts {
		if pt.months == nil {
			continue
		}
		if months == nil {
			months = make([]int, histMonths)
		}
		for i, n := range pt.months {
			months[i] += n
		}
	}
	for _, f := range p.facets {
		var terms []FacetTerm
		switch f {
		case "source":
			for _, pt := range parts {
				if pt.total > 0 {
					terms = append(terms, FacetTerm{Term: pt.view.source, Count: int(pt.total)})
				}
			}
			terms = topTerms(terms, p.facetSize)
		case "year":
			byYear := map[int]int{}
			for i, n := range months {
				if n > 0 {
					byYear[histBaseYear+i/12] += n
				}
			}
			for y, n := range byYear {
				terms = append(terms, FacetTerm{Term: strconv.Itoa(y), Count: n})
			}
			slices.SortFunc(terms, func(a, b FacetTerm) int { return -cmp.Compare(a.Term, b.Term) })
		default:
			field := filterFields[f]
			d := ix.cols.dicts[field]
			byTerm := map[string]int{}
			for _, pt := range parts {
				for o, n := range pt.counts[field] {
					if n > 0 && o > 0 {
						byTerm[d.term(uint32(o))] += n
					}
				}
			}
			for t, n := range byTerm {
				terms = append(terms, FacetTerm{Term: t, Count: n})
			}
			if f == "author" || f == "addressee" {
				out.people = append(out.people, named(terms, f, p.parsed.n)...)
			}
			terms = topTerms(terms, p.facetSize)
		}
		for i := range terms {
			terms[i].Label = ix.label(f, terms[i].Term)
		}
		if terms == nil {
			terms = []FacetTerm{}
		}
		out.facets[f] = terms
	}
	if p.histogram {
		out.histogram = histogram(months)
	}
	slices.SortStableFunc(out.people, func(a, b PersonMatch) int { return b.Count - a.Count })
	if len(out.people) > maxPeople {
		out.people = out.people[:maxPeople]
	}
	return out
}

// named returns the people of a facet whose name holds one of the query's
// plain words (of three letters or more).
func named(terms []FacetTerm, role string, n node) []PersonMatch {
	words := map[string]bool{}
	for _, tn := range plainWords(n) {
		if tn.field != "" {
			continue
		}
		for _, w := range normWords(tn.text) {
			if len([]rune(w)) >= 3 {
				words[w] = true
			}
		}
	}
	if len(words) == 0 {
		return nil
	}
	var out []PersonMatch
	for _, t := range terms {
		for _, w := range normWords(t.Term) {
			if words[w] {
				out = append(out, PersonMatch{Name: t.Term, Role: role, Count: t.Count})
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b PersonMatch) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}

// topTerms sorts terms by count, then term, and keeps n.
func topTerms(terms []FacetTerm, n int) []FacetTerm {
	slices.SortFunc(terms, func(a, b FacetTerm) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return cmp.Compare(a.Term, b.Term)
	})
	if len(terms) > n {
		terms = terms[:n]
	}
	return terms
}

// histogram turns month counts into year and month buckets from the first
// month with hits to the last.
func histogram(months []int) *Histogram {
	h := &Histogram{Year: []Bucket{}, Month: []Bucket{}}
	first, last := -1, -1
	for i, n := range months {
		if n > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return h
	}
	for i := first; i <= last; i++ {
		y, m := histBaseYear+i/12, i%12+1
		h.Month = append(h.Month, Bucket{Key: fmt.Sprintf("%04d-%02d", y, m), Count: months[i]})
		key := strconv.Itoa(y)
		if len(h.Year) == 0 || h.Year[len(h.Year)-1].Key != key {
			h.Year = append(h.Year, Bucket{Key: key})
		}
		h.Year[len(h.Year)-1].Count += months[i]
	}
	return h
}

// highlightHits finds, for the page's hits only, where the query matched
// their texts, and cuts the fragments.
func (ix *Index) highlightHits(ctx context.Context, vs []*view, p *plan, page []hitRef, hits []Hit) error {
	for rank, idx := range byView(page) {
		v := vs[rank]
		s, err := p.hq.Searcher(ctx, v.r, ix.im, search.SearcherOptions{IncludeTermVectors: true})
		if err != nil {
			return fmt.Errorf("highlight: %w", err)
		}
		sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: v.r}
		var cur *search.DocumentMatch
		for _, i := range idx {
			doc := page[i].doc
			if cur == nil || cur.IndexInternalID.Value() < doc {
				if cur != nil {
					sctx.DocumentMatchPool.Put(cur)
				}
				if cur, err = s.Advance(sctx, index.NewIndexInternalID(nil, doc)); err != nil {
					s.Close()
					return fmt.Errorf("highlight: %w", err)
				}
				if cur == nil {
					break
				}
			}
			if cur.IndexInternalID.Value() == doc {
				hits[i].Highlights = highlight(&hits[i].Record, cur.FieldTermLocations)
			}
		}
		s.Close()
	}
	return nil
}

// byView groups the indexes of hits by view, each group in document
// order (the order searchers advance in).
func byView(hits []hitRef) map[int32][]int {
	out := map[int32][]int{}
	for i, h := range hits {
		out[h.view] = append(out[h.view], i)
	}
	for _, idx := range out {
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(hits[a].doc, hits[b].doc) })
	}
	return out
}
