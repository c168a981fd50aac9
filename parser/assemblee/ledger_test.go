package assemblee

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
		{"assemblee/an/QANR5L17QE5268", "legislature 17, written questions", 5268, true},
		{"assemblee/an/QANR5L16QG12", "legislature 16, questions to the government", 12, true},
		{"assemblee/an/QANR5L17QE0", "", 0, false},
		{"assemblee/an/QANR5L17XX12", "", 0, false},
		{"bechamber/chamber/54-2-1389-2016201715581", "", 0, false},
	} {
		series, n, ok := s.NumberSeries(&parlq.Question{ID: c.id})
		if series != c.series || n != c.n || ok != c.ok {
			t.Errorf("NumberSeries(%s) = %q, %d, %v; want %q, %d, %v", c.id, series, n, ok, c.series, c.n, c.ok)
		}
	}
}
