package index

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// Boosts: a record whose people match a word ranks above one that only
// mentions it, a full name above both, words typed together rank the
// records holding them as a phrase first, and the record an identifier
// names ranks above everything.
const (
	peopleBoost = 2.0
	namesBoost  = 4.0
	phraseBoost = 2.0
	lookupBoost = 50.0
)

// compiler turns a parsed query into Bleve queries: the one that matches
// and ranks (cheap fields: stemmed words, shingles, people, columns), and
// the one that finds the matches to highlight in the page's hits (fields
// with term locations).
type compiler struct {
	cols  *columnCache
	exact analysis.Analyzer
	// filters are the keyword filters built, checked against the index's
	// values once the index is open for the search.
	filters []*filterQuery
	// verify are the phrases of four words or more that every hit must
	// hold, matched by their shingles: the page's hits are checked against
	// positions.
	verify []*verifyPhrase
	// required is set while compiling a part every hit must match.
	required bool
}

func (c *compiler) words(text string) []string {
	var out []string
	for _, t := range c.exact.Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}

func match(text, field string) query.Query {
	q := query.NewMatchQuery(text)
	q.SetField(field)
	q.SetOperator(query.MatchQueryOperatorAnd)
	return q
}

func term(text, field string) *query.TermQuery {
	q := query.NewTermQuery(text)
	q.SetField(field)
	return q
}

func prefixQ(text, field string) query.Query {
	q := query.NewPrefixQuery(text)
	q.SetField(field)
	return q
}

func fuzzyQ(text, field string, d int) query.Query {
	q := query.NewFuzzyQuery(text)
	q.SetField(field)
	q.SetFuzziness(d)
	return q
}

// boost multiplies the weight of q's matches by b.
func boost(q query.Query, b float64) query.Query {
	if bq, ok := q.(query.BoostableQuery); ok {
		bq.SetBoost(bq.Boost() * b)
	}
	return q
}

func anyOf(qs ...query.Query) query.Query {
	var keep []query.Query
	for _, q := range qs {
		if q != nil {
			keep = append(keep, q)
		}
	}
	switch len(keep) {
	case 0:
		return query.NewMatchNoneQuery()
	case 1:
		return keep[0]
	}
	return &anyQuery{keep}
}

// anyQuery is a disjunction that leaves out, in each index, the parts
// that match nothing there (a word in the field of a language the source
// does not publish): fewer searchers to move at every hit, and none at
// all when one part is left.
type anyQuery struct{ qs []query.Query }

func (q *anyQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	var ss []search.Searcher
	for _, x := range q.qs {
		s, err := x.Searcher(ctx, r, m, o)
		if err != nil {
			for _, s := range ss {
				s.Close()
			}
			return nil, err
		}
		if s.Count() == 0 {
			s.Close()
			continue
		}
		ss = append(ss, s)
	}
	switch len(ss) {
	case 0:
		return searcher.NewMatchNoneSearcher(r)
	case 1:
		return ss[0], nil
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ss, 0, o)
}

// SetBoost multiplies the weight of every part by b.
func (q *anyQuery) SetBoost(b float64) {
	for _, x := range q.qs {
		boost(x, b)
	}
}

// Boost is 1: the parts carry the weights.
func (q *anyQuery) Boost() float64 { return 1 }

// MarshalJSON describes the query (for tests and debugging).
func (q *anyQuery) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"any": q.qs})
}

func allOf(qs ...query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

// stemmedFields are the fields a plain word is looked up in, one per
// language.
var stemmedFields = func() []string {
	var out []string
	for _, l := range languageList {
		out = append(out, fieldTextPrefix+l)
	}
	return append(out, fieldTextOther)
}()

func inStemmed(text string) query.Query {
	qs := make([]query.Query, len(stemmedFields))
	for i, f := range stemmedFields {
		qs[i] = match(text, f)
	}
	return anyOf(qs...)
}

// shingles looks words up as shingles of a shingle field: two or three
// words are one term; more are all their three-word shingles, required
// (a record holding each piece of a phrase, but not the phrase, is rare;
// the page's hits are checked against positions, see plan.verify).
func shingles(words []string, field string) query.Query {
	if len(words) <= 3 {
		return term(strings.Join(words, shingleSeparator), field)
	}
	var qs []query.Query
	for i := 0; i+3 <= len(words); i++ {
		qs = append(qs, term(strings.Join(words[i:i+3], shingleSeparator), field))
	}
	return allOf(qs...)
}

// names looks words up as a name (or words of a role) of the asker or the
// addressee.
func names(words []string) query.Query {
	return anyOf(shingles(words, fieldAuthorShing), shingles(words, fieldAddrShing))
}

// shingleOf is the shingle field of a person field.
var shingleOf = map[string]string{fieldAuthorTxt: fieldAuthorShing, fieldAddrTxt: fieldAddrShing}

// exactPhrase matches words as a phrase of the record texts: one word is a
// term, two or three a shingle, more their shingles (with the page's hits
// checked, when every hit must hold the phrase). Restricted to some parts
// (slots), positions are always read.
func (c *compiler) exactPhrase(words []string, slots []int) query.Query {
	switch {
	case len(words) == 0:
		return query.NewMatchNoneQuery()
	case len(words) == 1 && slots != nil:
		return &partQuery{inner: term(words[0], fieldExact), slots: slots}
	case len(words) == 1:
		return term(words[0], fieldExact)
	case len(words) <= 3 && slots == nil:
		return shingles(words, fieldShingle)
	case slots != nil:
		return newPhrase(fieldExact, words, shingles(words, fieldShingle), slots)
	}
	if c.required {
		c.verify = append(c.verify, &verifyPhrase{words: words})
	}
	return shingles(words, fieldShingle)
}

// verifyPhrase is a phrase of four words or more that every hit must hold,
// in its texts or, when alt is set, as alt matches (a person's name).
type verifyPhrase struct {
	words []string
	alt   query.Query
}

func fuzziness(text string, d int) int {
	if d > 0 {
		return d
	}
	if utf8.RuneCountInString(text) <= 5 {
		return 1
	}
	return 2
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// optional compiles what follows as a part a hit need not match; the
// function returned restores the state.
func (c *compiler) optional() func() {
	r := c.required
	c.required = false
	return func() { c.required = r }
}

// match compiles the query that matches and ranks.
func (c *compiler) match(n node) (query.Query, error) {
	switch n := n.(type) {
	case allNode:
		return query.NewMatchAllQuery(), nil
	case emptyNode:
		return query.NewMatchNoneQuery(), nil
	case termNode:
		return c.term(n)
	case conceptNode:
		spec := prefixes[n.field]
		var qs []query.Query
		for _, name := range n.names {
			words := c.words(name)
			if len(words) == 1 {
				qs = append(qs, inStemmed(name))
			} else {
				qs = append(qs, c.exactPhrase(words, spec.slots))
			}
		}
		q := anyOf(qs...)
		if spec.slots != nil && len(qs) > 0 {
			q = &partQuery{inner: q, slots: spec.slots}
		}
		return q, nil
	case lookupNode:
		defer c.optional()()
		qs := []query.Query{
			boost(term(n.key, fieldNumber), lookupBoost),
			boost(term(n.key, fieldNative), lookupBoost),
		}
		if n.url {
			qs = []query.Query{boost(term(n.key, fieldURL), lookupBoost)}
		}
		if n.text != nil {
			tq, err := c.match(n.text)
			if err != nil {
				return nil, err
			}
			qs = append(qs, tq)
		}
		return anyOf(qs...), nil
	case namesNode:
		q := boost(names(n.words), namesBoost)
		if words := c.words(n.text); len(words) >= 2 {
			q = anyOf(q, boost(shingles(words, fieldShingle), phraseBoost))
		}
		return q, nil
	case orNode:
		defer c.optional()()
		qs := make([]query.Query, len(n.any))
		for i, x := range n.any {
			q, err := c.match(x)
			if err != nil {
				return nil, err
			}
			qs[i] = q
		}
		return anyOf(qs...), nil
	case andNode:
		var must, not, rank []query.Query
		required := c.required
		defer func() { c.required = required }()
		for _, list := range []struct {
			in  []node
			out *[]query.Query
		}{{n.must, &must}, {n.not, &not}, {n.rank, &rank}} {
			c.required = required && list.out == &must
			for _, x := range list.in {
				q, err := c.match(x)
				if err != nil {
					return nil, err
				}
				*list.out = append(*list.out, q)
			}
		}
		if len(must) == 0 {
			must = []query.Query{query.NewMatchAllQuery()}
		}
		if len(not) == 0 && len(rank) == 0 {
			return allOf(must...), nil
		}
		return query.NewBooleanQuery(must, rank, not), nil
	}
	return nil, fmt.Errorf("index: unknown query node %T", n)
}

// term compiles one word, prefix, fuzzy word or phrase in its field.
func (c *compiler) term(n termNode) (query.Query, error) {
	spec := prefixes[n.field]
	key := strings.ToLower(fold(n.text))
	switch spec.kind {
	case kindText:
		people := spec.slots == nil
		var q, pq query.Query
		switch {
		case n.phrase:
			words := c.words(n.text)
			nv := len(c.verify)
			q = c.exactPhrase(words, spec.slots)
			if people && len(words) > 0 {
				if len(words) == 1 {
					pq = term(words[0], fieldPeople)
				} else {
					pq = names(words)
				}
				if len(c.verify) > nv {
					c.verify[nv].alt = pq
				}
			}
		case n.prefix:
			q = prefixQ(key, fieldExact)
			if people {
				pq = prefixQ(key, fieldPeople)
			}
		case n.fuzzy >= 0:
			d := fuzziness(n.text, n.fuzzy)
			q = fuzzyQ(key, fieldExact, d)
			if people {
				pq = fuzzyQ(key, fieldPeople, d)
			}
		default:
			q = inStemmed(n.text)
			if people {
				pq = match(n.text, fieldPeople)
				if hasDigit(n.text) {
					lk := lookupKey(n.text)
					q = anyOf(q, boost(term(lk, fieldNumber), lookupBoost), boost(term(lk, fieldNative), lookupBoost))
				}
			}
		}
		if !people {
			if n.phrase {
				return q, nil
			}
			return &partQuery{inner: q, slots: spec.slots}, nil
		}
		if pq != nil {
			q = anyOf(q, boost(pq, peopleBoost))
		}
		return q, nil
	case kindName:
		switch {
		case n.phrase:
			words := c.words(n.text)
			switch {
			case len(words) == 0:
				return query.NewMatchNoneQuery(), nil
			case len(words) == 1:
				return term(words[0], spec.field), nil
			case shingleOf[spec.field] != "":
				return shingles(words, shingleOf[spec.field]), nil
			}
			return newPhrase(spec.field, words, nil, nil), nil
		case n.prefix:
			return prefixQ(key, spec.field), nil
		case n.fuzzy >= 0:
			return fuzzyQ(key, spec.field, fuzziness(n.text, n.fuzzy)), nil
		}
		return match(n.text, spec.field), nil
	case kindKeyword:
		f := &filterQuery{cols: c.cols, field: spec.field, values: []string{n.text}, prefix: n.prefix, param: "q"}
		c.filters = append(c.filters, f)
		return f, nil
	case kindYear:
		y, err := yearRange(n.text)
		if err != nil || n.prefix {
			return nil, qerr("year:%s is not a year (give four digits, e.g. year:2024)", n.text)
		}
		return &filterQuery{cols: c.cols, field: fieldReceived, date: true, ranges: [][2]int32{y}}, nil
	case kindNumber:
		lk := lookupKey(n.text)
		if n.prefix {
			return anyOf(prefixQ(lk, fieldNumber), prefixQ(lk, fieldNative)), nil
		}
		return anyOf(term(lk, fieldNumber), term(lk, fieldNative)), nil
	}
	return nil, fmt.Errorf("index: unknown field kind of %q", n.field)
}

// yearRange returns the first and last day of a year, as day numbers.
func yearRange(s string) ([2]int32, error) {
	t, err := time.Parse("2006", strings.TrimSpace(s))
	if err != nil {
		return [2]int32{}, err
	}
	from := int32(t.Unix() / 86400)
	to := int32(t.AddDate(1, 0, -1).Unix() / 86400)
	return [2]int32{from, to}, nil
}

// eachPositive calls fn with every word, phrase and concept a hit may
// match by: the required and alternative ones, not the excluded ones.
func eachPositive(n node, fn func(node)) {
	switch n := n.(type) {
	case termNode, conceptNode:
		fn(n)
	case lookupNode:
		if n.text != nil {
			eachPositive(n.text, fn)
		}
	case andNode:
		for _, x := range n.must {
			eachPositive(x, fn)
		}
	case orNode:
		for _, x := range n.any {
			eachPositive(x, fn)
		}
	}
}

// highlightPhrase finds where words occur as a phrase, with the locations
// of each word.
func highlightPhrase(words []string) query.Query {
	if len(words) == 1 {
		return term(words[0], fieldExact)
	}
	return newPhrase(fieldExact, words, shingles(words, fieldShingle), nil)
}

// highlight compiles the query whose term locations mark a hit's text: the
// positive words, phrases and concepts of the query (none of its
// exclusions, people or filters), in the fields that keep locations.
func (c *compiler) highlight(n node) query.Query {
	var leaves []query.Query
	eachPositive(n, func(n node) {
		switch n := n.(type) {
		case termNode:
			if prefixes[n.field].kind != kindText {
				return
			}
			key := strings.ToLower(fold(n.text))
			switch {
			case n.phrase:
				if words := c.words(n.text); len(words) > 0 {
					leaves = append(leaves, highlightPhrase(words))
				}
			case n.prefix:
				leaves = append(leaves, prefixQ(key, fieldExact))
			case n.fuzzy >= 0:
				leaves = append(leaves, fuzzyQ(key, fieldExact, fuzziness(n.text, n.fuzzy)))
			default:
				leaves = append(leaves, inStemmed(n.text))
			}
		case conceptNode:
			for _, name := range n.names {
				if words := c.words(name); len(words) == 1 {
					leaves = append(leaves, inStemmed(name))
				} else if len(words) > 1 {
					leaves = append(leaves, highlightPhrase(words))
				}
			}
		}
	})
	if len(leaves) == 0 {
		return nil
	}
	return anyOf(leaves...)
}
