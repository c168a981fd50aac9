package index

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// filterQuery is a Bleve query over the columns: the documents whose
// keyword field has one of a set of values (case and accents ignored), or
// whose date lies in a range. It matches without scoring and, as a
// conjunction's most selective part, leads it: its searcher iterates a
// bitmap.
type filterQuery struct {
	cols  *columnCache
	field string
	// values for a keyword field; ranges of day numbers (inclusive) for a
	// date field.
	values []string
	prefix bool // values are prefixes
	ranges [][2]int32
	date   bool
	// param names the request parameter the filter came from, for errors.
	param string
}

func (q *filterQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, _ search.SearcherOptions) (search.Searcher, error) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("filter %s: index reader %T is not a Scorch snapshot", q.field, r)
	}
	return newBitmapSearcher(is, q.cols, []*filterQuery{q})
}

// newBitmapSearcher iterates the documents of a snapshot that pass every
// filter.
func newBitmapSearcher(is *scorch.IndexSnapshot, cols *columnCache, fs []*filterQuery) (*bitmapSearcher, error) {
	s := &bitmapSearcher{cur: -1}
	var off uint64
	for _, ss := range is.Segments() {
		sc := cols.of(ss.Segment())
		var bm *roaring.Bitmap
		for i, f := range fs {
			docs, err := f.docs(sc)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				bm = docs
			} else {
				bm = roaring.And(bm, docs)
			}
		}
		if del := ss.Deleted(); del != nil && !del.IsEmpty() && !bm.IsEmpty() {
			bm = roaring.AndNot(bm, del)
		}
		if !bm.IsEmpty() {
			s.segs = append(s.segs, bitSeg{off: off, n: ss.Segment().Count(), bm: bm})
			s.count += bm.GetCardinality()
		}
		off += ss.Segment().Count()
	}
	return s, nil
}

// docs returns the documents of a segment that pass the filter. The
// bitmap is shared: callers must not change it.
func (q *filterQuery) docs(sc *segColumns) (*roaring.Bitmap, error) {
	if q.date {
		var bms []*roaring.Bitmap
		for _, r := range q.ranges {
			bm, err := q.cols.dayRange(sc, q.field, r[0], r[1])
			if err != nil {
				return nil, err
			}
			bms = append(bms, bm)
		}
		if len(bms) == 1 {
			return bms[0], nil
		}
		return roaring.FastOr(bms...), nil
	}
	c, err := q.cols.keyword(sc, q.field)
	if err != nil {
		return nil, err
	}
	d := q.cols.dicts[q.field]
	var bms []*roaring.Bitmap
	for _, v := range q.values {
		ords := d.lookup(v)
		if q.prefix {
			ords = d.lookupPrefix(v)
		}
		for _, o := range ords {
			if bm := c.docs[o]; bm != nil {
				bms = append(bms, bm)
			}
		}
	}
	switch len(bms) {
	case 0:
		return roaring.New(), nil
	case 1:
		return bms[0], nil
	}
	return roaring.FastOr(bms...), nil
}

// bitSeg is one segment's matching documents.
type bitSeg struct {
	off, n uint64
	bm     *roaring.Bitmap
	it     roaring.IntPeekable
}

// bitmapSearcher iterates the documents of per-segment bitmaps in global
// document order. Its matches score 0: filters narrow, they do not rank.
type bitmapSearcher struct {
	segs  []bitSeg
	cur   int
	count uint64
}

func (s *bitmapSearcher) match(ctx *search.SearchContext, n uint64) *search.DocumentMatch {
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = index.NewIndexInternalID(dm.IndexInternalID, n)
	dm.Score = 0
	return dm
}

func (s *bitmapSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.cur < 0 {
		s.cur = 0
	}
	for s.cur < len(s.segs) {
		sg := &s.segs[s.cur]
		if sg.it == nil {
			sg.it = sg.bm.Iterator()
		}
		if sg.it.HasNext() {
			return s.match(ctx, sg.off+uint64(sg.it.Next())), nil
		}
		s.cur++
	}
	return nil, nil
}

func (s *bitmapSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	n := id.Value()
	i := sort.Search(len(s.segs), func(i int) bool { return s.segs[i].off+s.segs[i].n > n })
	if i < s.cur {
		i = s.cur
	}
	s.cur = i
	if s.cur >= len(s.segs) {
		return nil, nil
	}
	sg := &s.segs[s.cur]
	if sg.it == nil {
		sg.it = sg.bm.Iterator()
	}
	if n > sg.off {
		sg.it.AdvanceIfNeeded(uint32(n - sg.off))
	}
	return s.Next(ctx)
}

func (s *bitmapSearcher) Close() error               { return nil }
func (s *bitmapSearcher) Weight() float64            { return 0 }
func (s *bitmapSearcher) SetQueryNorm(float64)       {}
func (s *bitmapSearcher) Count() uint64              { return s.count }
func (s *bitmapSearcher) Min() int                   { return 0 }
func (s *bitmapSearcher) Size() int                  { return 64 + 48*len(s.segs) }
func (s *bitmapSearcher) DocumentMatchPoolSize() int { return 1 }

// partQuery restricts a text query to some parts of the records (title:,
// question:, answer:): a document matches when a location of the inner
// query's match lies in one of the parts. The inner searcher reads term
// vectors, so this is slower than an unrestricted search.
type partQuery struct {
	inner query.Query
	slots []int
}

func (q *partQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	wantTV := o.IncludeTermVectors
	o.IncludeTermVectors = true
	s, err := q.inner.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	return &partSearcher{Searcher: s, slots: q.slots, keepTV: wantTV}, nil
}

type partSearcher struct {
	search.Searcher
	slots  []int
	keepTV bool
}

func (s *partSearcher) accept(ctx *search.SearchContext, dm *search.DocumentMatch) bool {
	ok := false
	for _, l := range dm.FieldTermLocations {
		if len(l.Location.ArrayPositions) == 0 {
			continue
		}
		pos := int(l.Location.ArrayPositions[0])
		if l.Field != fieldTextOther && strings.HasPrefix(l.Field, fieldTextPrefix) {
			// a language's own field: positions are slots
		} else {
			pos %= partsPerBlock
		}
		if slices.Contains(s.slots, pos) {
			ok = true
			break
		}
	}
	if ok && !s.keepTV {
		dm.FieldTermLocations = dm.FieldTermLocations[:0]
	}
	if !ok {
		ctx.DocumentMatchPool.Put(dm)
	}
	return ok
}

func (s *partSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		dm, err := s.Searcher.Next(ctx)
		if err != nil || dm == nil || s.accept(ctx, dm) {
			return dm, err
		}
	}
}

func (s *partSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	if err != nil || dm == nil || s.accept(ctx, dm) {
		return dm, err
	}
	return s.Next(ctx)
}
