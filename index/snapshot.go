package index

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/parlq/parlq"
)

// view is one source's index as it was when a search began: a Scorch
// snapshot, its segments with their document-number offsets, and their
// columns. A view stays readable after the index is closed or replaced
// (Scorch counts the snapshot's references), until release.
type view struct {
	source string
	rank   int // the source's place in name order: the last tie-break
	r      index.IndexReader
	segs   []segView
}

type segView struct {
	ss   *scorch.SegmentSnapshot
	off  uint64
	cols *segColumns
}

// views opens a view of every source, in source name order. The caller
// releases them.
func (ix *Index) views() ([]*view, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	names := make([]string, 0, len(ix.sources))
	for n := range ix.sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range ix.stale {
		if ix.sources[name] != nil {
			return nil, fmt.Errorf("search %s: %w", name, ErrStale)
		}
	}
	var out []*view
	for i, name := range names {
		v, err := ix.openView(name, i)
		if err != nil {
			release(out)
			return nil, err
		}
		out = append(out, v)
	}
	ix.cols.sweep()
	return out, nil
}

func (ix *Index) openView(name string, rank int) (*view, error) {
	adv, err := ix.sources[name].Advanced()
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", name, err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", name, err)
	}
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, fmt.Errorf("source %s: index reader %T is not a Scorch snapshot", name, r)
	}
	v := &view{source: name, rank: rank, r: r}
	var off uint64
	for _, ss := range is.Segments() {
		v.segs = append(v.segs, segView{ss: ss, off: off, cols: ix.cols.of(ss.Segment())})
		off += ss.Segment().Count()
	}
	return v, nil
}

func release(vs []*view) {
	for _, v := range vs {
		v.r.Close()
	}
}

// seg returns the index of the segment holding global document n, trying
// hint (the last answer) first: hits come in document order.
func (v *view) seg(n uint64, hint int) int {
	if hint >= 0 && hint < len(v.segs) && n >= v.segs[hint].off && (hint+1 == len(v.segs) || n < v.segs[hint+1].off) {
		return hint
	}
	return sort.Search(len(v.segs), func(i int) bool { return v.segs[i].off > n }) - 1
}

// record reads the stored record of global document n.
func (v *view) record(n uint64) (*parlq.Question, string, error) {
	si := v.seg(n, -1)
	if si < 0 {
		return nil, "", fmt.Errorf("search: document %d of %s is in no segment", n, v.source)
	}
	var raw []byte
	var id string
	err := v.segs[si].ss.VisitDocument(n-v.segs[si].off, func(field string, _ byte, value []byte, _ []uint64) bool {
		switch field {
		case recordField:
			raw = append([]byte(nil), value...)
		case "_id":
			id = string(value)
		}
		return true
	})
	if err != nil {
		return nil, id, fmt.Errorf("search: read %s: %w", id, err)
	}
	if len(raw) == 0 {
		return nil, id, fmt.Errorf("search: hit %s has no stored record; rebuild the index", id)
	}
	var q parlq.Question
	if err := json.Unmarshal(raw, &q); err != nil {
		return nil, id, fmt.Errorf("search: hit %s: decode record: %w", id, err)
	}
	return &q, id, nil
}
