package bechamber

import (
	"testing"

	"github.com/parlq/parlq"
)

func TestNumberSeries(t *testing.T) {
	s := New()
	for _, c := range []struct {
		id     string
		series string
		n      int
		ok     bool
	}{
		{"bechamber/chamber/54-2-1389-2016201715581", "legislature 54, minister 2 in order of precedence", 1389, true},
		{"bechamber/chamber/56-18-0007-2024202500012", "legislature 56, minister 18 in order of precedence", 7, true},
		{"bechamber/chamber/54-2-0000-2016201715581", "", 0, false},
		{"bechamber/chamber/54-B117-2-1389-2016201715581", "", 0, false},
		{"brussels/prb/1389", "", 0, false},
		{"", "", 0, false},
	} {
		series, n, ok := s.NumberSeries(&parlq.Question{ID: c.id})
		if series != c.series || n != c.n || ok != c.ok {
			t.Errorf("NumberSeries(%s) = %q, %d, %v; want %q, %d, %v", c.id, series, n, ok, c.series, c.n, c.ok)
		}
	}
	if _, _, ok := s.NumberSeries(nil); ok {
		t.Error("NumberSeries(nil) ok")
	}
}

// TestNumberSeriesOfListAndDocument: a list's item and the document it
// names fall in the same series with the same number.
func TestNumberSeriesOfListAndDocument(t *testing.T) {
	d, ok := parseSdocname("54-B117-2-1389-2016201715581")
	if !ok {
		t.Fatal("sdocname not read")
	}
	printed, _ := parseSdocname("54--2-1389-2016201715581")
	s := New()
	a, na, _ := s.NumberSeries(&parlq.Question{ID: d.recordID()})
	b, nb, _ := s.NumberSeries(&parlq.Question{ID: printed.recordID()})
	if a != b || na != nb || na != 1389 {
		t.Errorf("printed %q %d, unprinted %q %d; want one series, 1389", a, na, b, nb)
	}
}
