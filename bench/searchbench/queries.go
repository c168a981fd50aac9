package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/index/indextest"
)

// Query is one benchmark query as a user of parlq asks it: the text typed
// in the box and what is picked beside it. Every engine answers the same
// query; parlq receives it as an index.Request (or the API's parameters),
// the SQL engines as the interpretation of its text (see interpret).
type Query struct {
	Class     string
	Text      string
	Filters   map[string][]string
	Received  index.DateRange
	Facets    []string
	Sort      string // "" (relevance) or "-received"
	Page      int
	Size      int
	Highlight bool
}

// classOrder are the ten query classes of issue 12, in report order
// (indextest's, shared with the index and server benchmarks).
var classOrder = indextest.Classes

// typicalClasses are what a person on the search page asks: every class but
// the deep page. The HTTP throughput is measured over them.
var typicalClasses = func() []string {
	var out []string
	for _, c := range indextest.Classes {
		if indextest.Typical(c) {
			out = append(out, c)
		}
	}
	return out
}()

// Request is the query as an index request: what the parlq engine runs.
// The redesigned index is measured by changing only this function, if the
// request grows.
func (q Query) Request() index.Request {
	return index.Request{
		Query: q.Text, Filters: q.Filters, Received: q.Received, Facets: q.Facets,
		Sort: q.Sort, Page: q.Page, Size: q.Size, Highlight: q.Highlight,
	}
}

// Values is the query as the parameters of GET /api/search.
func (q Query) Values() url.Values { return api.SearchValues(q.Request()) }

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// String names the query in reports.
func (q Query) String() string {
	var b strings.Builder
	if q.Text == "" {
		b.WriteString("(all)")
	} else {
		b.WriteString(q.Text)
	}
	for _, k := range slices.Sorted(mapsKeys(q.Filters)) {
		fmt.Fprintf(&b, " %s=%s", k, strings.Join(q.Filters[k], "|"))
	}
	if q.Received != (index.DateRange{}) {
		fmt.Fprintf(&b, " received=%s..%s", q.Received.From, q.Received.To)
	}
	if q.Sort != "" {
		fmt.Fprintf(&b, " sort=%s", q.Sort)
	}
	if q.Page > 1 {
		fmt.Fprintf(&b, " page=%d", q.Page)
	}
	return b.String()
}

// Queries returns the 55 benchmark queries of the ten classes:
// indextest's, the queries the index and server benchmarks run too, so
// that the figures compare.
func Queries(seed uint64) []Query {
	var qs []Query
	for _, q := range indextest.Queries(seed) {
		qs = append(qs, Query{
			Class: q.Class, Text: q.Text, Filters: q.Filters, Facets: q.Facets, Sort: q.Sort,
			Received: index.DateRange{From: q.ReceivedFrom, To: q.ReceivedTo},
			Page:     q.Page, Size: index.DefaultSize, Highlight: q.Highlight,
		})
	}
	return qs
}

// leafOp says how one leaf of an interpreted query matches (see targets).
type leafOp int

const (
	// opWord: a plain word, matched stemmed in the field of the record's
	// language, or among people.
	opWord leafOp = iota
	// opConceptWord: a one-word name of a concept, stemmed only.
	opConceptWord
	// opPhrase: a quoted phrase (or word), unstemmed, or among people.
	opPhrase
	// opConceptPhrase: a several-word name of a concept, unstemmed only.
	opConceptPhrase
	// opNameWord and opNamePhrase: in the addressee's name, role and body.
	opNameWord
	opNamePhrase
)

// leaf is one searchable thing in the title, question or answer (or the
// addressee, for the name ops).
type leaf struct {
	op   leafOp
	text string
}

// interpretation is a query's text as parlq's index matches it, in a form
// every engine can render: all of the terms, each any of its leaves.
type interpretation struct {
	all      [][]leaf
	concepts [][]string // the concepts expanded, as parlq reports them
}

// interpret reads the query syntax the benchmark uses (plain words, quoted
// phrases, minister:"…" / minister:word) the way index.Search reads it:
// words AND'ed, a quoted phrase exactly that phrase, and runs of plain
// words that name a synonym concept (longest first) replaced by every name
// of the concept — one-word names matched stemmed, several-word names as
// exact phrases. What only ranks (names the words spell, the words as a
// phrase) does not change the hits and is left out. Anything else in the
// text is an error — a common word unquoted, a word with a digit (looked
// up as an identifier), other syntax: a query class must stay in this
// subset.
func interpret(text string, syn *synonyms) (interpretation, error) {
	type tok struct {
		text   string
		phrase bool
		field  string
	}
	var toks []tok
	for s := strings.TrimSpace(text); s != ""; s = strings.TrimSpace(s) {
		field := ""
		if strings.HasPrefix(s, "minister:") {
			field, s = "addressee", strings.TrimPrefix(s, "minister:")
		}
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return interpretation{}, fmt.Errorf("query %q: unterminated phrase", text)
			}
			toks = append(toks, tok{s[1 : 1+end], true, field})
			s = s[end+2:]
			continue
		}
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			end = len(s)
		}
		w := s[:end]
		if strings.ContainsAny(w, `():*"`) || strings.HasPrefix(w, "+") || strings.HasPrefix(w, "-") ||
			slices.Contains([]string{"AND", "OR", "NOT", "&&", "||"}, w) {
			return interpretation{}, fmt.Errorf("query %q: %q is outside the syntax the benchmark interprets", text, w)
		}
		toks = append(toks, tok{w, false, field})
		s = s[end:]
	}
	var in interpretation
	addConcept := func(names []string) {
		var any []leaf
		for _, n := range names {
			if len(normWords(n)) > 1 {
				any = append(any, leaf{opConceptPhrase, n})
			} else {
				any = append(any, leaf{opConceptWord, n})
			}
		}
		in.all = append(in.all, any)
		for _, c := range in.concepts {
			if slices.Equal(c, names) {
				return
			}
		}
		in.concepts = append(in.concepts, names)
	}
	for i := 0; i < len(toks); {
		t := toks[i]
		if len(normWords(t.text)) == 0 {
			i++ // punctuation only: nothing to search
			continue
		}
		if t.field != "" {
			op := opNameWord
			if t.phrase {
				op = opNamePhrase
			}
			in.all = append(in.all, []leaf{{op, t.text}})
			i++
			continue
		}
		if t.phrase {
			in.all = append(in.all, []leaf{{opPhrase, t.text}})
			i++
			continue
		}
		var words []string
		best, bestNames := -1, []string(nil)
		for j := i; j < len(toks) && !toks[j].phrase && toks[j].field == ""; j++ {
			words = append(words, normWords(toks[j].text)...)
			if len(words) > syn.maxWords {
				break
			}
			if names := syn.expand(words); names != nil {
				best, bestNames = j, names
			}
		}
		if best < 0 {
			if err := plainWord(t.text); err != nil {
				return interpretation{}, fmt.Errorf("query %q: %w", text, err)
			}
			in.all = append(in.all, []leaf{{opWord, t.text}})
			i++
			continue
		}
		addConcept(bestNames)
		i = best + 1
	}
	return in, nil
}

// plainWord refuses a plain word the index would not search as one: a
// common word (left out, or the query refused) or one with a digit (looked
// up as an identifier first).
func plainWord(w string) error {
	if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
		return fmt.Errorf("%q has a digit: the index looks it up as an identifier, which the benchmark does not interpret", w)
	}
	for _, n := range normWords(w) {
		if index.IsStopWord(n) {
			return fmt.Errorf("%q is a common word, which the index leaves out; the benchmark does not interpret it", w)
		}
	}
	return nil
}

// synonyms finds the concepts of index.Synonyms by their normalized names,
// as the index does when it parses a query.
type synonyms struct {
	concepts [][]string
	byKey    map[string][]int
	maxWords int
}

func newSynonyms(s *index.Synonyms) *synonyms {
	out := &synonyms{concepts: s.Concepts(), byKey: map[string][]int{}}
	for ci, names := range out.concepts {
		for _, n := range names {
			w := normWords(n)
			key := strings.Join(w, " ")
			out.byKey[key] = append(out.byKey[key], ci)
			out.maxWords = max(out.maxWords, len(w))
		}
	}
	return out
}

// expand returns every name of the concepts the words name, the name they
// spell first, each normalized name once; nil when they name none.
func (s *synonyms) expand(words []string) []string {
	key := strings.Join(words, " ")
	cis := s.byKey[key]
	if len(cis) == 0 {
		return nil
	}
	seen := map[string]bool{key: true}
	var out []string
	for _, ci := range cis {
		for _, n := range s.concepts[ci] {
			if strings.Join(normWords(n), " ") == key {
				out = append(out, n)
				break
			}
		}
		if len(out) > 0 {
			break
		}
	}
	for _, ci := range cis {
		for _, n := range s.concepts[ci] {
			if k := strings.Join(normWords(n), " "); !seen[k] {
				seen[k] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// normWords folds and lower-cases s and splits it into words: the key of
// a synonym name, as in the index.
func normWords(s string) []string { return index.NormWords(s) }

// checkConcepts fails when parlq expanded other concepts than interpret
// did: the SQL engines would then search something else, and the benchmark
// must be brought in line with the index before its figures mean anything.
func checkConcepts(q *prepared, got [][]string) error {
	norm := func(cs [][]string) []string {
		var out []string
		for _, c := range cs {
			c = slices.Clone(c)
			slices.Sort(c)
			out = append(out, strings.Join(c, "|"))
		}
		slices.Sort(out)
		return out
	}
	if a, b := norm(q.in.concepts), norm(got); !slices.Equal(a, b) {
		return fmt.Errorf("query %q: parlq expanded the concepts %q, the benchmark's interpretation %q; bring interpret in line with the index", q.Text, b, a)
	}
	return nil
}
