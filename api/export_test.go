package api

import (
	"strings"
	"testing"

	"github.com/parlq/parlq"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+33 2": "'+33 2", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"plain": "plain", "": "", "2024-01-01": "2024-01-01", "a=b": "a=b",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestCSVRowLabelsAndNewFields(t *testing.T) {
	q := &parlq.Question{
		ID: "ukparl/commons/1", Source: "ukparl", Parliament: "UK Parliament", Assembly: "commons",
		Due: "2024-03-18", Author: parlq.Person{Name: "A", ID: "41"}, Addressee: parlq.Person{Body: "Department for Transport", ID: "42"},
		Subjects:     []parlq.Subject{{Labels: map[string]string{"nl": "Mobiliteit", "fr": "Mobilité"}}, {Labels: map[string]string{"fr": "Vélo"}}},
		Translations: map[string]parlq.Translation{"fr": {Title: "Pistes cyclables"}, "nl": {AddresseeRole: "Minister"}},
		Answers: []parlq.Answer{
			{Date: "2024-03-20", Kind: parlq.FinalAnswer, Text: strings.Repeat("word ", 30)},
			{Kind: parlq.AdditionalAnswer, Text: "More."},
		},
	}
	row := CSVRow(q, Evidence{})
	if len(row) != len(CSVHeader) {
		t.Fatalf("row has %d cells, header %d", len(row), len(CSVHeader))
	}
	cell := map[string]string{}
	for i, h := range CSVHeader {
		cell[h] = row[i]
	}
	for col, want := range map[string]string{
		"assembly_name": "House of Commons",
		"due":           "2024-03-18",
		"author_id":     "41",
		"addressee_id":  "42",
		"subjects":      "fr: Mobilité | nl: Mobiliteit\nfr: Vélo",
		"translations":  "fr: Pistes cyclables",
		"answers":       "2024-03-20 — answer — " + strings.TrimSpace(strings.Repeat("word ", 16)) + " …\nadditional — More.",
	} {
		if cell[col] != want {
			t.Errorf("%s: got %q; want %q", col, cell[col], want)
		}
	}
	if CSVHeader[31] != "parser_version" {
		t.Errorf("the original columns moved: column 31 is %q", CSVHeader[31])
	}
}
