package main

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

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

// The ten query classes of issue 12, in report order.
const (
	classPhrase    = "phrase"
	classWordFacet = "word + 2 facets + date range"
	classHighlight = "highlight"
	classConcept   = "concept + 3 facets"
	classOneWord   = "one word"
	classSelective = "selective"
	classMinister  = "minister + word + facet"
	classSorted    = "filter + date + 2 facets + sort"
	classDeepPage  = "deep page 200"
	classBroad     = "broad + 2 facets"
)

var classOrder = []string{classPhrase, classWordFacet, classHighlight, classConcept, classOneWord,
	classSelective, classMinister, classSorted, classDeepPage, classBroad}

// typicalClasses are what a person on the search page asks: every class but
// the deep page. The HTTP throughput is measured over them.
var typicalClasses = []string{classPhrase, classWordFacet, classHighlight, classConcept, classOneWord,
	classSelective, classMinister, classSorted, classBroad}

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
func (q Query) Values() url.Values {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	for _, k := range slices.Sorted(mapsKeys(q.Filters)) {
		v[k] = append([]string(nil), q.Filters[k]...)
	}
	if q.Received.From != "" {
		v.Set("received_from", q.Received.From)
	}
	if q.Received.To != "" {
		v.Set("received_to", q.Received.To)
	}
	if len(q.Facets) > 0 {
		v.Set("facets", strings.Join(q.Facets, ","))
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	v.Set("page", strconv.Itoa(q.Page))
	v.Set("size", strconv.Itoa(q.Size))
	v.Set("highlight", strconv.FormatBool(q.Highlight))
	return v
}

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

// Queries returns the 55 benchmark queries of the ten classes. The minister
// names come from the corpus of the seed (its most frequent addressee per
// source), so that the minister class finds questions at every size.
func Queries(seed uint64) []Query {
	var qs []Query
	add := func(class string, q Query) {
		q.Class = class
		if q.Page == 0 {
			q.Page = 1
		}
		if q.Size == 0 {
			q.Size = index.DefaultSize
		}
		qs = append(qs, q)
	}
	// Quoted phrases that name no synonym concept: exact phrases, which stay
	// exact when quotes stop expanding concepts (issue 12). Stop words and a
	// five-word phrase make the candidate sets large.
	for _, p := range []string{"budget régional", "mental health", "the outcomes of",
		"de budgetten voor", "sécurité routière", "dans les dix-neuf communes"} {
		add(classPhrase, Query{Text: strconv.Quote(p)})
	}
	// One word (two of them synonym concepts) + 2 facets + a four-year range.
	for _, w := range []string{"logement", "enseignement", "tourism", "onderwijs", "budget", "climate"} {
		add(classWordFacet, Query{Text: w, Facets: []string{"addressee", "year"},
			Received: index.DateRange{From: "2018-01-01", To: "2021-12-31"}})
	}
	for _, w := range []string{"smart city", "logement social", "verkeersveiligheid", "road safety", "santé mentale", "energierenovatie"} {
		add(classHighlight, Query{Text: w, Highlight: true})
	}
	for _, w := range []string{"smart city", "ville intelligente", "digital transition", "logement social", "public transport", "qualité de l'air"} {
		add(classConcept, Query{Text: w, Facets: []string{"source", "status", "addressee"}})
	}
	for _, w := range []string{"chômage", "tourisme", "policing", "kinderopvang", "homelessness", "agentschap"} {
		add(classOneWord, Query{Text: w})
	}
	// A word narrowed to one member's questions of one year: a few hits out
	// of a broad match (the generated texts repeat their words too much for
	// words alone to be selective).
	people := topPeople(seed)
	for i, c := range []struct{ source, word string }{
		{"brussels", "logement"}, {"flanders", "kinderopvang"}, {"ukparl", "transport"},
		{"wallonia", "chômage"}, {"ukparl", "health"},
	} {
		add(classSelective, Query{Text: c.word, Filters: map[string][]string{
			"author": {people[c.source].author}, "year": {strconv.Itoa(2017 + i)}}})
	}
	// The most frequent minister of each source with a word of its language.
	for _, m := range []struct{ source, word string }{
		{"brussels", "mobilité"}, {"flanders", "onderwijs"}, {"ukparl", "housing"},
		{"wallonia", "emploi"}, {"flanders", "begroting"},
	} {
		add(classMinister, Query{Text: fmt.Sprintf("minister:%q %s", people[m.source].minister, m.word), Facets: []string{"year"}})
	}
	for i, c := range []struct {
		text, source, status string
	}{
		{"", "ukparl", "answered"}, {"", "brussels", "pending"}, {"budget", "flanders", "answered"},
		{"logement", "wallonia", "answered"}, {"transport", "ukparl", "pending"},
	} {
		from := fmt.Sprintf("%d-01-01", 2016+i)
		add(classSorted, Query{Text: c.text, Filters: map[string][]string{"source": {c.source}, "status": {c.status}},
			Received: index.DateRange{From: from, To: fmt.Sprintf("%d-06-30", 2018+i)},
			Facets:   []string{"addressee", "year"}, Sort: "-received"})
	}
	for _, w := range []string{"question", "gouvernement", "regering", "government", "minister"} {
		add(classDeepPage, Query{Text: w, Page: 200})
	}
	for _, w := range []string{"question", "vraag", "government", "région", "indicators"} {
		add(classBroad, Query{Text: w, Facets: []string{"source", "year"}})
	}
	return qs
}

// topPeople returns the most frequent author and addressee of each source
// in the first records of the seed's corpus.
func topPeople(seed uint64) map[string]struct{ author, minister string } {
	g := indextest.NewGenerator(seed)
	authors, mins := map[string]map[string]int{}, map[string]map[string]int{}
	for range 4000 {
		q := g.Next()
		for _, c := range []struct {
			m    map[string]map[string]int
			name string
		}{{authors, q.Author.Name}, {mins, q.Addressee.Name}} {
			if c.m[q.Source] == nil {
				c.m[q.Source] = map[string]int{}
			}
			c.m[q.Source][c.name]++
		}
	}
	top := func(byName map[string]int) string {
		best, n := "", -1
		for _, name := range slices.Sorted(mapsKeys(byName)) {
			if c := byName[name]; c > n {
				best, n = name, c
			}
		}
		return best
	}
	out := map[string]struct{ author, minister string }{}
	for src := range authors {
		out[src] = struct{ author, minister string }{top(authors[src]), top(mins[src])}
	}
	return out
}

// leafOp says how one leaf of an interpreted query matches.
type leafOp int

const (
	// opWord: a plain word, matched stemmed in the field of the record's
	// language (the word analysed in that language) or unstemmed.
	opWord leafOp = iota
	// opExact: unstemmed only (a one-word name of a quoted concept).
	opExact
	// opPhrase: an exact phrase in one unstemmed text field.
	opPhrase
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
// words AND'ed, quoted phrases exact and unstemmed, and runs of plain words
// or a quoted phrase that name a synonym concept (longest first) replaced by
// every name of the concept — one-word names matched as words (unstemmed
// only when quoted), multi-word names as exact phrases. Anything else in
// the text is an error: a query class must stay in this subset.
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
	addConcept := func(names []string, quoted bool) {
		var any []leaf
		for _, n := range names {
			switch {
			case len(normWords(n)) > 1:
				any = append(any, leaf{opPhrase, n})
			case quoted:
				any = append(any, leaf{opExact, n})
			default:
				any = append(any, leaf{opWord, n})
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
			if names := syn.expand(normWords(t.text)); names != nil {
				addConcept(names, true)
			} else {
				in.all = append(in.all, []leaf{{opPhrase, t.text}})
			}
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
			in.all = append(in.all, []leaf{{opWord, t.text}})
			i++
			continue
		}
		addConcept(bestNames, false)
		i = best + 1
	}
	return in, nil
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

// normWords lower-cases s and splits it at anything that is not a letter,
// a digit or a combining mark: the key of a synonym name, as in the index.
func normWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

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
