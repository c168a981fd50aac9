package index

import (
	"context"
	"slices"
	"testing"
)

// TestVocabularyIsWhatTheIndexAccepts: every name the vocabulary offers is
// accepted by Search, and a name it does not offer is refused.
func TestVocabularyIsWhatTheIndexAccepts(t *testing.T) {
	ix := openCorpus(t)
	ctx := context.Background()
	for _, f := range Filters() {
		if _, err := ix.Search(ctx, Request{Filters: map[string][]string{f: {"x"}}}); err != nil {
			t.Errorf("filter %s: %v", f, err)
		}
	}
	for _, f := range Facets() {
		if _, err := ix.Search(ctx, Request{Facets: []string{f}}); err != nil {
			t.Errorf("facet %s: %v", f, err)
		}
	}
	for _, s := range Sorts() {
		if _, err := ix.Search(ctx, Request{Sort: s}); err != nil {
			t.Errorf("sort %s: %v", s, err)
		}
	}
	for _, f := range QueryFields() {
		if _, err := ix.Search(ctx, Request{Query: f + ":x"}); err != nil {
			t.Errorf("query field %s: %v", f, err)
		}
	}
	if _, err := ix.Search(ctx, Request{Filters: map[string][]string{"number": {"1"}}}); err == nil {
		t.Error("filter on number accepted; the vocabulary does not offer it")
	}
	if _, err := ix.Search(ctx, Request{Sort: "title"}); err == nil {
		t.Error("sort by title accepted; the vocabulary does not offer it")
	}
	// The languages are exactly those the mapping stems.
	langs := Languages()
	for l := range languages {
		if !slices.Contains(langs, l) {
			t.Errorf("language %s has an analyzer but is not offered", l)
		}
	}
	if len(langs) != len(languages) {
		t.Errorf("languages %v; want the %d with an analyzer", langs, len(languages))
	}
}
