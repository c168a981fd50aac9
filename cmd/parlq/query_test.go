package main

import (
	"strings"
	"testing"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
)

// TestPrintResultShowsTheReports: the terminal shows what the page shows —
// a corrected query, the concepts, the identifier looked up, the common
// words left out, the people named, labelled facets, the histogram — and
// translated fragments after the record's own.
func TestPrintResultShowsTheReports(t *testing.T) {
	res := &index.Result{
		Total: 2, Sort: "relevance",
		Suggestion: &index.Suggestion{Query: "pollution", Total: 41},
		Concepts:   [][]string{{"smart city", "ville intelligente"}},
		Lookup:     "HL4242",
		Ignored:    []string{"the", "of"},
		People:     []index.PersonMatch{{Name: "Alain Maron", Role: "addressee", Count: 4}, {Name: "Jef Köksal", Role: "author", Count: 1}},
		Facets: map[string][]index.FacetTerm{
			"source": {{Term: "ukparl", Count: 2, Label: "UK Parliament"}},
			"author": {{Term: "Jef Köksal", Count: 1}},
		},
		Histogram: &index.Histogram{
			Year:  []index.Bucket{{Key: "2024", Count: 2}},
			Month: []index.Bucket{{Key: "2024-01", Count: 2}, {Key: "2024-02", Count: 0}, {Key: "2024-03", Count: 1}},
		},
		Hits: []index.Hit{{ID: "bechamber/chamber/1", Record: parlq.Question{ID: "bechamber/chamber/1", Title: "Fietspaden", Status: parlq.Pending,
			Author: parlq.Person{Name: "Jef Köksal"}, Addressee: parlq.Person{Body: "Mobiliteit"}, URL: "https://x.example/1"},
			Highlights: map[string][]index.Fragment{
				"question@fr": {{Text: "pistes cyclables", Marks: [][2]int{{0, 6}}}},
				"question":    {{Text: "fietspad", Marks: [][2]int{{0, 8}}}},
			}}},
	}
	var b strings.Builder
	printResult(&b, res, index.Request{Page: 1, Size: 10})
	out := b.String()
	for _, want := range []string{
		"Did you mean: pollution (41 questions)?",
		"Searched in every language as: smart city · ville intelligente",
		"Looked up as a question's number or address: HL4242",
		"Common words not searched: the, of",
		`Person named: Alain Maron (answered as minister: 4; --minister "Alain Maron" for only those)`,
		`Person named: Jef Köksal (asked: 1; --author "Jef Köksal" for only those)`,
		"source: UK Parliament [ukparl] (2)",
		"author: Jef Köksal (1)",
		"Received per month:",
		"  2024-01 " + strings.Repeat("█", 40) + " 2",
		"  2024-02  0",
		"  2024-03 " + strings.Repeat("█", 20) + " 1",
		"   Jef Köksal → Mobiliteit",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if own, tr := strings.Index(out, "question: «fietspad»"), strings.Index(out, "question@fr: «pistes» cyclables"); own < 0 || tr < own {
		t.Errorf("own-language fragment not before the translation's:\n%s", out)
	}
}
