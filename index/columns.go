package index

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/parlq/parlq"
)

// Columns are the keyword and date fields of every document kept in memory,
// one array per field and Bleve segment, read by document number: facets,
// the date histogram and date sorts cost one array read per hit, and
// filters are bitmaps of documents. They are built from the segments' own
// term dictionaries and postings the first time a search needs them, and
// kept for as long as the segment lives (segments are immutable; a merge
// makes a new one). At a million records all of them take about 80 MB.

// noDay marks a document without the date.
const noDay = math.MinInt32

// dict is the dictionary of one keyword field across all segments and
// sources: term ↔ ordinal. Ordinal 0 is "no value". It only grows.
type dict struct {
	mu     sync.RWMutex
	ords   map[string]uint32
	terms  []string
	folded map[string][]uint32 // lower-cased, folded term → ordinals
}

func newDict() *dict {
	return &dict{ords: map[string]uint32{}, terms: []string{""}, folded: map[string][]uint32{}}
}

func (d *dict) ordinal(term string) uint32 {
	d.mu.RLock()
	o, ok := d.ords[term]
	d.mu.RUnlock()
	if ok {
		return o
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if o, ok := d.ords[term]; ok {
		return o
	}
	o = uint32(len(d.terms))
	d.terms = append(d.terms, term)
	d.ords[term] = o
	k := foldKey(term)
	d.folded[k] = append(d.folded[k], o)
	return o
}

func (d *dict) term(o uint32) string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if int(o) < len(d.terms) {
		return d.terms[o]
	}
	return ""
}

func (d *dict) size() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.terms)
}

// lookup returns the ordinals of the terms equal to v, ignoring case and
// accents.
func (d *dict) lookup(v string) []uint32 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return slices.Clone(d.folded[foldKey(v)])
}

// lookupPrefix returns the ordinals of the terms that start with v,
// ignoring case and accents.
func (d *dict) lookupPrefix(v string) []uint32 {
	k := foldKey(v)
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []uint32
	for f, ords := range d.folded {
		if strings.HasPrefix(f, k) {
			out = append(out, ords...)
		}
	}
	return out
}

// all returns every term, sorted, ignoring case duplicates.
func (d *dict) all() []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	seen := map[string]bool{}
	var out []string
	for _, t := range d.terms[1:] {
		if k := foldKey(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// foldKey is the form keyword values are compared in.
func foldKey(s string) string { return strings.ToLower(fold(strings.TrimSpace(s))) }

// column is one keyword field of one segment.
type column struct {
	// ords maps a document to its ordinal (0: none), for single-valued
	// fields; offs/vals hold multi-valued ones (the values of document n
	// are vals[offs[n]:offs[n+1]]).
	ords       []uint32
	offs, vals []uint32
	// docs maps an ordinal to its documents.
	docs map[uint32]*roaring.Bitmap
}

// each calls fn with every ordinal of document n.
func (c *column) each(n uint64, fn func(uint32)) {
	if c.ords != nil {
		if o := c.ords[n]; o != 0 {
			fn(o)
		}
		return
	}
	for _, o := range c.vals[c.offs[n]:c.offs[n+1]] {
		fn(o)
	}
}

// segColumns are the columns of one segment, built field by field on first
// use.
type segColumns struct {
	seg  segment.Segment
	n    uint64
	mu   sync.Mutex
	kw   map[string]*lazy[*column]
	day  map[string]*lazy[[]int32]
	used int64 // the cache's clock at last use
	// ranges caches the bitmaps of date ranges asked for.
	rangeMu sync.Mutex
	ranges  map[dayRange]*roaring.Bitmap
}

type lazy[T any] struct {
	once sync.Once
	v    T
	err  error
}

type dayRange struct {
	field    string
	from, to int32
}

// columnCache holds the columns of every live segment, and the dictionaries.
type columnCache struct {
	mu    sync.Mutex
	segs  map[segment.Segment]*segColumns
	clock int64
	dicts map[string]*dict
}

func newColumnCache() *columnCache {
	c := &columnCache{segs: map[segment.Segment]*segColumns{}, dicts: map[string]*dict{}}
	for _, f := range keywordFields {
		c.dicts[f] = newDict()
	}
	return c
}

// of returns the columns of a segment.
func (c *columnCache) of(seg segment.Segment) *segColumns {
	c.mu.Lock()
	defer c.mu.Unlock()
	sc := c.segs[seg]
	if sc == nil {
		sc = &segColumns{seg: seg, n: seg.Count(), kw: map[string]*lazy[*column]{}, day: map[string]*lazy[[]int32]{}, ranges: map[dayRange]*roaring.Bitmap{}}
		c.segs[seg] = sc
	}
	sc.used = c.clock
	return sc
}

// sweep forgets the columns of segments that the last few acquisitions of
// every source's snapshot did not see: merged away, or of a replaced index.
func (c *columnCache) sweep() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	for seg, sc := range c.segs {
		if c.clock-sc.used > 16 {
			delete(c.segs, seg)
		}
	}
}

// keyword returns the column of a keyword field.
func (c *columnCache) keyword(sc *segColumns, field string) (*column, error) {
	sc.mu.Lock()
	l := sc.kw[field]
	if l == nil {
		l = &lazy[*column]{}
		sc.kw[field] = l
	}
	sc.mu.Unlock()
	l.once.Do(func() { l.v, l.err = buildColumn(sc, field, c.dicts[field]) })
	return l.v, l.err
}

// days returns the column of a date field: days since 1970-01-01, noDay
// where the document has no date.
func (c *columnCache) days(sc *segColumns, field string) ([]int32, error) {
	sc.mu.Lock()
	l := sc.day[field]
	if l == nil {
		l = &lazy[[]int32]{}
		sc.day[field] = l
	}
	sc.mu.Unlock()
	l.once.Do(func() { l.v, l.err = buildDays(sc, field) })
	return l.v, l.err
}

// dayRange returns the documents whose date lies in [from, to].
func (c *columnCache) dayRange(sc *segColumns, field string, from, to int32) (*roaring.Bitmap, error) {
	key := dayRange{field, from, to}
	sc.rangeMu.Lock()
	bm := sc.ranges[key]
	sc.rangeMu.Unlock()
	if bm != nil {
		return bm, nil
	}
	days, err := c.days(sc, field)
	if err != nil {
		return nil, err
	}
	bm = roaring.New()
	for n, d := range days {
		if d != noDay && d >= from && d <= to {
			bm.Add(uint32(n))
		}
	}
	bm.RunOptimize()
	sc.rangeMu.Lock()
	if len(sc.ranges) >= 64 {
		clear(sc.ranges)
	}
	sc.ranges[key] = bm
	sc.rangeMu.Unlock()
	return bm, nil
}

// eachTerm calls fn with every term of field in the segment and its
// documents.
func eachTerm(seg segment.Segment, field string, fn func(term string, docs *roaring.Bitmap)) error {
	d, err := seg.Dictionary(field)
	if err != nil {
		return fmt.Errorf("column %s: %w", field, err)
	}
	if d == nil {
		return nil
	}
	it := d.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	for {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("column %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		pl, err = d.PostingsList([]byte(e.Term), nil, pl)
		if err != nil {
			return fmt.Errorf("column %s: %w", field, err)
		}
		bm := roaring.New()
		if o, ok := pl.(interface{ OrInto(*roaring.Bitmap) }); ok {
			o.OrInto(bm)
		} else {
			pi = pl.Iterator(false, false, false, pi)
			for p, err := pi.Next(); p != nil || err != nil; p, err = pi.Next() {
				if err != nil {
					return fmt.Errorf("column %s: %w", field, err)
				}
				bm.Add(uint32(p.Number()))
			}
		}
		fn(e.Term, bm)
	}
}

func buildColumn(sc *segColumns, field string, d *dict) (*column, error) {
	if d == nil {
		return nil, fmt.Errorf("column %s: not a keyword field", field)
	}
	c := &column{docs: map[uint32]*roaring.Bitmap{}}
	multi := field == fieldSubject
	var lists [][]uint32
	if multi {
		lists = make([][]uint32, sc.n)
	} else {
		c.ords = make([]uint32, sc.n)
	}
	err := eachTerm(sc.seg, field, func(term string, docs *roaring.Bitmap) {
		o := d.ordinal(term)
		c.docs[o] = docs
		it := docs.Iterator()
		for it.HasNext() {
			n := it.Next()
			if uint64(n) >= sc.n {
				continue
			}
			if multi {
				lists[n] = append(lists[n], o)
			} else {
				c.ords[n] = o
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if multi {
		c.offs = make([]uint32, sc.n+1)
		for n, l := range lists {
			c.offs[n+1] = c.offs[n] + uint32(len(l))
			c.vals = append(c.vals, l...)
		}
	}
	return c, nil
}

func buildDays(sc *segColumns, field string) ([]int32, error) {
	days := make([]int32, sc.n)
	for i := range days {
		days[i] = noDay
	}
	err := eachTerm(sc.seg, field, func(term string, docs *roaring.Bitmap) {
		d, ok := dayNumber(term)
		if !ok {
			return
		}
		it := docs.Iterator()
		for it.HasNext() {
			if n := it.Next(); uint64(n) < sc.n {
				days[n] = d
			}
		}
	})
	return days, err
}

// dayNumber reads "YYYY-MM-DD" as days since 1970-01-01.
func dayNumber(s string) (int32, bool) {
	t, err := time.Parse(parlq.DateLayout, s)
	if err != nil {
		return 0, false
	}
	return int32(t.Unix() / 86400), true
}

// civil returns the year and month (1–12) of a day number (the algorithm
// of H. Hinnant's "chrono-compatible low-level date algorithms").
func civil(day int32) (year, month int) {
	z := int(day) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m
}
