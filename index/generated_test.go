package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index/indextest"
)

// Tests over a generated corpus of 3,000 records (indextest, seed 5):
// counts are checked against the records themselves.

var (
	genOnce   sync.Once
	genQs     []*parlq.Question
	genIxOnce sync.Once
	genIx     *Index
	genDir    string
	genErr    error
)

func generated() []*parlq.Question {
	genOnce.Do(func() {
		g := indextest.NewGenerator(5)
		for range 3000 {
			genQs = append(genQs, g.Next())
		}
	})
	return genQs
}

// openGenerated returns the index of the generated corpus, built once for
// the tests that only read it (TestMain closes it).
func openGenerated(t *testing.T) *Index {
	t.Helper()
	genIxOnce.Do(func() {
		if genDir, genErr = os.MkdirTemp("", "parlq-generated-"); genErr != nil {
			return
		}
		if genIx, genErr = Open(genDir, DefaultOptions()); genErr != nil {
			return
		}
		for src, qs := range bySource(generated()) {
			if _, genErr = genIx.Rebuild(context.Background(), src, yieldAll(qs)); genErr != nil {
				return
			}
		}
	})
	if genErr != nil {
		t.Fatal(genErr)
	}
	return genIx
}

// facetOf returns a record's value for a facet, as the index counts it.
func facetOf(q *parlq.Question, facet string) string {
	switch facet {
	case "source":
		return q.Source
	case "assembly":
		return q.Assembly
	case "legislature":
		return q.Legislature
	case "session":
		return q.Session
	case "status":
		return string(q.Status)
	case "type":
		return string(q.Type)
	case "language":
		return q.Language
	case "author":
		return q.Author.Name
	case "addressee":
		return q.Addressee.Name
	case "party":
		return q.Author.Party
	case "year":
		if len(q.Received) >= 4 {
			return q.Received[:4]
		}
	}
	return ""
}

func TestGeneratedFacetsAndHistogram(t *testing.T) {
	ix := openGenerated(t)
	facets := []string{"source", "assembly", "legislature", "session", "status", "type", "language", "author", "addressee", "party", "year"}
	for _, req := range []Request{
		{},
		{Query: "logement"},
		{Query: "mobiliteit", Filters: map[string][]string{"status": {"answered"}}, Received: DateRange{From: "2018-01-01", To: "2020-06-30"}},
		{Query: `"open data" OR tourism`},
	} {
		t.Run(req.Query, func(t *testing.T) {
			req.Facets, req.FacetSize, req.Histogram = facets, MaxFacetSize, true
			res, err := ix.Search(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			// The hits, every one of them, by All.
			var hits []*parlq.Question
			if err := ix.All(context.Background(), req, func(h Hit) error { hits = append(hits, &h.Record); return nil }); err != nil {
				t.Fatal(err)
			}
			if uint64(len(hits)) != res.Total || len(hits) == 0 {
				t.Fatalf("All gave %d hits; Search says %d", len(hits), res.Total)
			}
			for _, f := range facets {
				want := map[string]int{}
				for _, q := range hits {
					if v := facetOf(q, f); v != "" {
						want[v]++
					}
				}
				got := map[string]int{}
				for _, ft := range res.Facets[f] {
					got[ft.Term] = ft.Count
				}
				if len(want) <= MaxFacetSize && fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("facet %s: got %v; want %v", f, got, want)
				}
			}
			months := map[string]int{}
			for _, q := range hits {
				months[q.Received[:7]]++
			}
			n := 0
			for _, b := range res.Histogram.Month {
				if b.Count != months[b.Key] {
					t.Errorf("month %s: %d; want %d", b.Key, b.Count, months[b.Key])
				}
				n += b.Count
			}
			if n != len(hits) {
				t.Errorf("the histogram counts %d hits; want %d", n, len(hits))
			}
		})
	}
}

func TestGeneratedSuggestions(t *testing.T) {
	ix := openGenerated(t)
	for typo, want := range map[string]string{
		"logment":                "logement",
		"toursim":                "tourism",
		"enseignment":            "enseignement",
		"kinderopvnag":           "kinderopvang",
		"homelesness housing":    "homelessness housing",
		"minister:Janssesn":      "minister:Janssens",
		"TOURSIM":                "TOURISM",
		"policing homelesnesses": "",
	} {
		res, err := ix.Search(context.Background(), Request{Query: typo})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if res.Suggestion != nil {
			got = res.Suggestion.Query
			if res.Suggestion.Total <= res.Total {
				t.Errorf("%q: the suggestion finds %d, no more than %d", typo, res.Suggestion.Total, res.Total)
			}
		}
		if got != want {
			t.Errorf("%q: suggestion %q; want %q", typo, got, want)
		}
	}
	// A query that finds enough gets none.
	if res, _ := ix.Search(context.Background(), Request{Query: "logement"}); res.Suggestion != nil {
		t.Errorf("suggestion for a query with %d hits: %+v", res.Total, res.Suggestion)
	}
}

func TestGeneratedCommonWords(t *testing.T) {
	ix := openGenerated(t)
	for _, q := range []string{"the of and", "le la de", "de het een"} {
		_, err := ix.Search(context.Background(), Request{Query: q})
		var qe *QueryError
		if !errors.As(err, &qe) || !strings.Contains(qe.Msg, "common words") {
			t.Errorf("%q: got %v; want a QueryError about common words", q, err)
		}
	}
	// With other words, common words are left out of the search and said.
	res, err := ix.Search(context.Background(), Request{Query: "the outcomes of the budget"})
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := ix.Search(context.Background(), Request{Query: "outcomes budget"})
	if res.Total != plain.Total || !slices.Equal(res.Ignored, []string{"the", "of"}) {
		t.Errorf("total %d (plain %d), ignored %q", res.Total, plain.Total, res.Ignored)
	}
}

// TestGeneratedLongPhrasesAreExact: a phrase of four words or more is
// matched by its three-word pieces; the hits shown and the export hold
// the phrase word for word.
func TestGeneratedLongPhrasesAreExact(t *testing.T) {
	ix := openGenerated(t)
	for _, p := range []string{"dans les dix-neuf communes", "according to the latest figures", "in overleg met de sector"} {
		req := Request{Query: fmt.Sprintf("%q", p), Size: MaxSize}
		res, err := ix.Search(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Fatalf("%q: no hits", p)
		}
		for _, h := range res.Hits {
			if !holdsPhrase(h.Record.Title+"\n"+h.Record.Question+"\n"+h.Record.Answer, p) {
				t.Errorf("%q: %s does not hold the phrase", p, h.ID)
			}
		}
		n := 0
		err = ix.All(context.Background(), req, func(h Hit) error {
			n++
			if !holdsPhrase(h.Record.Question+"\n"+h.Record.Answer, p) {
				return fmt.Errorf("%s does not hold %q", h.ID, p)
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
		want := 0
		for _, q := range generated() {
			if holdsPhrase(q.Title, p) || holdsPhrase(q.Question, p) || holdsPhrase(q.Answer, p) {
				want++
			}
		}
		if n != want {
			t.Errorf("%q: All gave %d hits; %d records hold the phrase", p, n, want)
		}
		// Under a thousand pieces' matches, every one is checked.
		if res.Total <= verifyAllBelow && (res.Total != uint64(want) || res.Approximate) {
			t.Errorf("%q: total %d (approximate %v); %d records hold the phrase", p, res.Total, res.Approximate, want)
		}
	}
}

// TestFacetsFollowWrites: cached facets are of one index generation.
func TestFacetsFollowWrites(t *testing.T) {
	ix := openCorpus(t)
	req := Request{Facets: []string{"status"}, Histogram: true}
	before, _ := ix.Search(context.Background(), req)
	q := corpus()[1] // b2, pending
	q.Status, q.Answered, q.Answer = parlq.Answered, "2023-06-01", "Antwoord."
	if err := ix.Put(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	after, _ := ix.Search(context.Background(), req)
	count := func(r *Result, term string) int {
		for _, ft := range r.Facets["status"] {
			if ft.Term == term {
				return ft.Count
			}
		}
		return 0
	}
	if count(after, "answered") != count(before, "answered")+1 || count(after, "pending") != count(before, "pending")-1 {
		t.Errorf("status facet before %v, after %v", before.Facets["status"], after.Facets["status"])
	}
}
