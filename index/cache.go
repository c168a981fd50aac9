package index

import (
	"container/list"
	"sync"
)

// facetCache keeps the facets and histogram of recent requests, by what
// they count (query, filters, dates) and the index generation they were
// counted at: paging through a query, or changing its sort, counts once.
type facetCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type facetEntry struct {
	key string
	gen uint64
	v   *counted
}

func newFacetCache(max int) *facetCache {
	return &facetCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *facetCache) get(key string, gen uint64) (*counted, bool) {
	if c == nil || c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.items[key]
	if e == nil {
		return nil, false
	}
	fe := e.Value.(*facetEntry)
	if fe.gen != gen {
		c.ll.Remove(e)
		delete(c.items, key)
		return nil, false
	}
	c.ll.MoveToFront(e)
	return fe.v, true
}

func (c *facetCache) put(key string, gen uint64, v *counted) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.items[key]; e != nil {
		e.Value = &facetEntry{key, gen, v}
		c.ll.MoveToFront(e)
		return
	}
	c.items[key] = c.ll.PushFront(&facetEntry{key, gen, v})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*facetEntry).key)
	}
}
