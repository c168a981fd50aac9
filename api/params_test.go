package api

import (
	"reflect"
	"testing"

	"github.com/parlq/parlq/index"
)

// TestSearchValuesRoundTrip: ParseSearch reads back every part of a
// request that SearchValues writes.
func TestSearchValuesRoundTrip(t *testing.T) {
	req := index.Request{Query: "smart city", Filters: map[string][]string{"source": {"brussels", "ukparl"}, "status": {"answered"}},
		Received: index.DateRange{From: "2020-01-01", To: "2021-06-30"}, Answered: index.DateRange{From: "2020-02-01"},
		Facets: []string{"addressee", "year"}, Histogram: true, Sort: "-received", Page: 3, Size: 50, Highlight: true}
	got, err := ParseSearch(SearchValues(req), index.MaxWindow)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, req)
	}
}
