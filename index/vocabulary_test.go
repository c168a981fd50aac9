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
	// A value every filter accepts (an unknown one is refused for closed
	// lists: status, type, language, source, assembly; see TestQueryErrors).
	valid := map[string]string{"source": "ukparl", "assembly": "commons", "status": "pending",
		"type": "written_question", "language": "en", "year": "2024"}
	for _, f := range Filters() {
		v := valid[f]
		if v == "" {
			v = "x"
		}
		if _, err := ix.Search(ctx, Request{Filters: map[string][]string{f: {v}}}); err != nil {
			t.Errorf("filter %s: %v", f, err)
		}
		if _, err := ix.Search(ctx, Request{Query: f + ":" + v}); f != "year" && prefixes[f].kind == kindKeyword && err != nil {
			t.Errorf("query field %s: %v", f, err)
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
		v := valid[f]
		if v == "" {
			v = "x"
		}
		if _, err := ix.Search(ctx, Request{Query: f + ":" + v}); err != nil {
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
	for l := range stemmers {
		if !slices.Contains(langs, l) {
			t.Errorf("language %s has an analyzer but is not offered", l)
		}
	}
	if len(langs) != len(stemmers) {
		t.Errorf("languages %v; want the %d with an analyzer", langs, len(stemmers))
	}
}
