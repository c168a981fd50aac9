package index

import (
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches words as a phrase of a field: a cheap query finds
// the candidates (shingle lookups, or a conjunction of the words), and the
// words' positions are then read at each candidate only. Bleve's own
// phrase searcher is not used: it walks every document holding all the
// words, even when a conjunction would have skipped most of them.
type phraseQuery struct {
	field  string
	words  []string
	driver query.Query
	// slots restricts matches to some parts (nil: any part).
	slots []int
}

// newPhrase returns the phrase query of words in field, driven by driver
// (nil: the conjunction of the words).
func newPhrase(field string, words []string, driver query.Query, slots []int) query.Query {
	if driver == nil {
		qs := make([]query.Query, len(words))
		for i, w := range words {
			qs[i] = term(w, field)
		}
		driver = allOf(qs...)
	}
	return &phraseQuery{field: field, words: words, driver: driver, slots: slots}
}

func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	do := o
	do.IncludeTermVectors = false
	d, err := q.driver.Searcher(ctx, r, m, do)
	if err != nil {
		return nil, err
	}
	s := &phraseSearcher{Searcher: d, q: q, locations: o.IncludeTermVectors}
	for _, w := range q.words {
		tr, err := r.TermFieldReader(ctx, []byte(w), q.field, false, false, true)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.readers = append(s.readers, tr)
		s.docs = append(s.docs, nil)
	}
	return s, nil
}

type phraseSearcher struct {
	search.Searcher
	q         *phraseQuery
	readers   []index.TermFieldReader
	docs      []*index.TermFieldDoc // each reader's current document
	locations bool
}

// at returns word i's postings at document id, or nil.
func (s *phraseSearcher) at(i int, id index.IndexInternalID) (*index.TermFieldDoc, error) {
	if cur := s.docs[i]; cur != nil && cur.ID.Compare(id) >= 0 {
		if cur.ID.Equals(id) {
			return cur, nil
		}
		return nil, nil
	}
	d, err := s.readers[i].Advance(id, nil)
	if err != nil || d == nil {
		s.docs[i] = nil
		if d == nil && err == nil {
			// The reader is past its last document: no later id matches.
			s.docs[i] = &index.TermFieldDoc{ID: index.NewIndexInternalID(nil, ^uint64(0))}
		}
		return nil, err
	}
	s.docs[i] = d
	if d.ID.Equals(id) {
		return d, nil
	}
	return nil, nil
}

type wordAt struct {
	array uint64
	pos   uint64
}

// check reports whether the phrase occurs in the document, and adds the
// occurrences' locations to dm when asked for.
func (s *phraseSearcher) check(dm *search.DocumentMatch) (bool, error) {
	docs := make([]*index.TermFieldDoc, len(s.readers))
	for i := range s.readers {
		d, err := s.at(i, dm.IndexInternalID)
		if err != nil || d == nil {
			return false, err
		}
		docs[i] = d
	}
	later := make([]map[wordAt]*index.TermFieldVector, len(docs))
	for i := 1; i < len(docs); i++ {
		later[i] = map[wordAt]*index.TermFieldVector{}
		for _, v := range docs[i].Vectors {
			later[i][wordAt{arrayPos(v.ArrayPositions), v.Pos}] = v
		}
	}
	found := false
	for _, v := range docs[0].Vectors {
		a := arrayPos(v.ArrayPositions)
		if s.q.slots != nil && !slices.Contains(s.q.slots, slotOf(s.q.field, a)) {
			continue
		}
		match := []*index.TermFieldVector{v}
		for i := 1; i < len(docs); i++ {
			w := later[i][wordAt{a, v.Pos + uint64(i)}]
			if w == nil {
				match = nil
				break
			}
			match = append(match, w)
		}
		if match == nil {
			continue
		}
		found = true
		if !s.locations {
			break
		}
		for i, w := range match {
			dm.FieldTermLocations = append(dm.FieldTermLocations, search.FieldTermLocation{
				Field: s.q.field, Term: s.q.words[i],
				Location: search.Location{Pos: w.Pos, Start: w.Start, End: w.End, ArrayPositions: slices.Clone(w.ArrayPositions)},
			})
		}
	}
	return found, nil
}

func arrayPos(ap []uint64) uint64 {
	if len(ap) == 0 {
		return 0
	}
	return ap[0]
}

// slotOf is the part an array position of field holds.
func slotOf(field string, pos uint64) int {
	if field != fieldTextOther && len(field) > len(fieldTextPrefix) && field[:len(fieldTextPrefix)] == fieldTextPrefix {
		return int(pos)
	}
	return int(pos % partsPerBlock)
}

func (s *phraseSearcher) next(ctx *search.SearchContext, dm *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for dm != nil && err == nil {
		ok, cerr := s.check(dm)
		if cerr != nil {
			return nil, cerr
		}
		if ok {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
		dm, err = s.Searcher.Next(ctx)
	}
	return dm, err
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	return s.next(ctx, dm, err)
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	return s.next(ctx, dm, err)
}

func (s *phraseSearcher) Close() error {
	err := s.Searcher.Close()
	for _, r := range s.readers {
		if cerr := r.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// verifyHits checks the hits, in order, against the plan's long phrases
// (matched by their shingles) and returns the first size that hold them
// (size < 0: all), and how many of those examined did not.
func (ix *Index) verifyHits(ctx context.Context, vs []*view, p *plan, hits []hitRef, size int) ([]hitRef, uint64, error) {
	ok := make([]bool, len(hits))
	for i := range ok {
		ok[i] = true
	}
	for rank, idx := range byView(hits) {
		v := vs[rank]
		for _, vp := range p.verify {
			pass, err := ix.verifyView(ctx, v, vp, hits, idx)
			if err != nil {
				return nil, 0, err
			}
			for j, i := range idx {
				ok[i] = ok[i] && pass[j]
			}
		}
	}
	var out []hitRef
	var dropped uint64
	for i, h := range hits {
		if size >= 0 && len(out) == size {
			break
		}
		if ok[i] {
			out = append(out, h)
		} else {
			dropped++
		}
	}
	return out, dropped, nil
}

// verifyView checks the hits idx (in document order) of one view against
// one phrase.
func (ix *Index) verifyView(ctx context.Context, v *view, vp *verifyPhrase, hits []hitRef, idx []int) ([]bool, error) {
	pq := &phraseQuery{field: fieldExact, words: vp.words, driver: query.NewMatchNoneQuery()}
	s, err := pq.Searcher(ctx, v.r, ix.im, search.SearcherOptions{})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	ps := s.(*phraseSearcher)
	var alt search.Searcher
	if vp.alt != nil {
		if alt, err = vp.alt.Searcher(ctx, v.r, ix.im, search.SearcherOptions{Score: "none"}); err != nil {
			return nil, err
		}
		defer alt.Close()
	}
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(4, 0), IndexReader: v.r}
	var altAt *search.DocumentMatch
	pass := make([]bool, len(idx))
	for j, i := range idx {
		id := index.NewIndexInternalID(nil, hits[i].doc)
		if pass[j], err = ps.check(&search.DocumentMatch{IndexInternalID: id}); err != nil {
			return nil, err
		}
		if pass[j] || alt == nil {
			continue
		}
		if altAt == nil || altAt.IndexInternalID.Compare(id) < 0 {
			if altAt, err = alt.Advance(sctx, id); err != nil {
				return nil, err
			}
		}
		pass[j] = altAt != nil && altAt.IndexInternalID.Equals(id)
	}
	return pass, nil
}
