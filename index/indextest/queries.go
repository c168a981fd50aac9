package indextest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Query is one benchmark query as a user asks it: the text typed and what
// is picked beside it. Benchmarks turn it into an index request or the
// parameters of GET /api/search.
type Query struct {
	Class        string
	Text         string
	Filters      map[string][]string
	ReceivedFrom string
	ReceivedTo   string
	Facets       []string
	Sort         string
	Page         int
	Highlight    bool
}

// Classes are the ten query classes of the search benchmarks (issue 12),
// in report order.
var Classes = []string{"phrase", "word+2facets+dates", "highlight", "concept+3facets", "one-word",
	"selective", "minister+word+facet", "filter+dates+2facets+sort", "deep-page-200", "broad+2facets"}

// Typical reports whether a class is what a person on the search page
// asks (every class but the deep page): the HTTP throughput is measured
// over them.
func Typical(class string) bool { return class != "deep-page-200" }

// Queries returns the 55 queries of the ten classes over the corpus of
// seed (the queries of the side-by-side benchmark, bench/searchbench, so
// that the figures compare). The people named are the corpus's most
// frequent author and minister per source among its first 4,000 records.
func Queries(seed uint64) []Query {
	var qs []Query
	add := func(q Query) {
		if q.Page == 0 {
			q.Page = 1
		}
		qs = append(qs, q)
	}
	for _, p := range []string{"budget régional", "mental health", "the outcomes of",
		"de budgetten voor", "sécurité routière", "dans les dix-neuf communes"} {
		add(Query{Class: "phrase", Text: strconv.Quote(p)})
	}
	for _, w := range []string{"logement", "enseignement", "tourism", "onderwijs", "budget", "climate"} {
		add(Query{Class: "word+2facets+dates", Text: w, Facets: []string{"addressee", "year"}, ReceivedFrom: "2018-01-01", ReceivedTo: "2021-12-31"})
	}
	for _, w := range []string{"smart city", "logement social", "verkeersveiligheid", "road safety", "santé mentale", "energierenovatie"} {
		add(Query{Class: "highlight", Text: w, Highlight: true})
	}
	for _, w := range []string{"smart city", "ville intelligente", "digital transition", "logement social", "public transport", "qualité de l'air"} {
		add(Query{Class: "concept+3facets", Text: w, Facets: []string{"source", "status", "addressee"}})
	}
	for _, w := range []string{"chômage", "tourisme", "policing", "kinderopvang", "homelessness", "agentschap"} {
		add(Query{Class: "one-word", Text: w})
	}
	people := topPeople(seed)
	for i, c := range []struct{ source, word string }{
		{"brussels", "logement"}, {"flanders", "kinderopvang"}, {"ukparl", "transport"},
		{"wallonia", "chômage"}, {"ukparl", "health"},
	} {
		add(Query{Class: "selective", Text: c.word, Filters: map[string][]string{
			"author": {people[c.source].author}, "year": {strconv.Itoa(2017 + i)}}})
	}
	for _, m := range []struct{ source, word string }{
		{"brussels", "mobilité"}, {"flanders", "onderwijs"}, {"ukparl", "housing"},
		{"wallonia", "emploi"}, {"flanders", "begroting"},
	} {
		add(Query{Class: "minister+word+facet", Text: fmt.Sprintf("minister:%q %s", people[m.source].minister, m.word), Facets: []string{"year"}})
	}
	for i, c := range []struct{ text, source, status string }{
		{"", "ukparl", "answered"}, {"", "brussels", "pending"}, {"budget", "flanders", "answered"},
		{"logement", "wallonia", "answered"}, {"transport", "ukparl", "pending"},
	} {
		add(Query{Class: "filter+dates+2facets+sort", Text: c.text, Filters: map[string][]string{"source": {c.source}, "status": {c.status}},
			ReceivedFrom: fmt.Sprintf("%d-01-01", 2016+i), ReceivedTo: fmt.Sprintf("%d-06-30", 2018+i),
			Facets: []string{"addressee", "year"}, Sort: "-received"})
	}
	for _, w := range []string{"question", "gouvernement", "regering", "government", "minister"} {
		add(Query{Class: "deep-page-200", Text: w, Page: 200})
	}
	for _, w := range []string{"question", "vraag", "government", "région", "indicators"} {
		add(Query{Class: "broad+2facets", Text: w, Facets: []string{"source", "year"}})
	}
	return qs
}

// topPeople returns the most frequent author and minister of each source
// among the first 4,000 records of the seed's corpus.
func topPeople(seed uint64) map[string]struct{ author, minister string } {
	g := NewGenerator(seed)
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
		for _, name := range slices.Sorted(maps.Keys(byName)) {
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
