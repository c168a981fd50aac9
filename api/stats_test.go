package api

import (
	"encoding/csv"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/stats"
)

func TestParseStats(t *testing.T) {
	v := url.Values{
		"q": {"smart city"}, "addressee": {"Elke Van den Brandt"}, "received_from": {"2024-01-01"},
		"by": {"minister,party", "minister", "year"}, "format": {"csv"}, "sort": {"-received"},
	}
	req, p, err := ParseStats(v)
	if err != nil {
		t.Fatal(err)
	}
	if req.Query != "smart city" || req.Filters["addressee"][0] != "Elke Van den Brandt" || req.Received.From != "2024-01-01" {
		t.Errorf("request %+v", req)
	}
	if req.Highlight {
		t.Errorf("statistics asked for highlights: every hit would carry term locations")
	}
	if want := []stats.Dimension{"minister", "party", "year"}; !reflect.DeepEqual(p.By, want) || p.Format != StatsCSV {
		t.Errorf("params %+v; want by %v, csv", p, want)
	}
	// The inverse gives the same request back.
	back := StatsValues(req, p)
	if back.Get("sort") != "" || back.Get("by") != "minister,party,year" || back.Get("format") != "" {
		t.Errorf("StatsValues = %v", back)
	}
	req2, p2, err := ParseStats(back)
	if err != nil || req2.Query != req.Query || !reflect.DeepEqual(req2.Filters, req.Filters) || !reflect.DeepEqual(p2.By, p.By) {
		t.Errorf("round trip: %+v %+v %v", req2, p2, err)
	}

	_, p, err = ParseStats(url.Values{})
	if err != nil || p.By != nil || p.Format != StatsJSON {
		t.Errorf("defaults: %+v, %v; want every grouping, json", p, err)
	}

	for _, c := range []struct {
		v     url.Values
		field string
	}{
		{url.Values{"by": {"department"}}, "by"},
		{url.Values{"format": {"jsonl"}}, "format"},
		{url.Values{"format": {"csv", "json"}}, "format"},
		{url.Values{"page": {"2"}}, "page"},
		{url.Values{"size": {"10"}}, "size"},
		{url.Values{"nope": {"1"}}, "nope"},
	} {
		_, _, err := ParseStats(c.v)
		var qe *index.QueryError
		if !errors.As(err, &qe) || qe.Field != c.field {
			t.Errorf("ParseStats(%v) = %v; want a query error on %q", c.v, err, c.field)
		}
	}
	if _, _, err := ParseStats(url.Values{"page": {"2"}}); err == nil || !strings.Contains(err.Error(), "every hit") {
		t.Errorf("page: %v; want a hint that statistics read every hit", err)
	}
}

func TestWriteStatsCSV(t *testing.T) {
	c := stats.New(stats.Options{Now: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), By: []stats.Dimension{stats.ByMinister}})
	for _, q := range []*parlq.Question{
		{ID: "b/p/1", Source: "b", Assembly: "P", Addressee: parlq.Person{Name: "=Minister"}, Received: "2025-02-01", Answered: "2025-02-11", Status: parlq.Answered},
		{ID: "b/p/2", Source: "b", Assembly: "P", Addressee: parlq.Person{Name: "=Minister"}, Received: "2025-02-01", Answered: "2025-02-04", Status: parlq.Answered, Due: "2025-02-05"},
		{ID: "b/p/3", Source: "b", Assembly: "P", Addressee: parlq.Person{Name: "Other"}, Received: "2025-02-19", Status: parlq.Pending, Due: "2025-02-20"},
	} {
		c.Add(q)
	}
	var b strings.Builder
	if err := WriteStatsCSV(&b, c.Report()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\r\n") {
		t.Errorf("CSV lines do not end with CRLF")
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[0], StatsCSVHeader) || len(rows) != 4 {
		t.Fatalf("rows %q", rows)
	}
	cell := func(row []string, name string) string {
		for i, h := range StatsCSVHeader {
			if h == name {
				return row[i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	// All: answers on days 3 and 10, one open for 10 days (censored): S =
	// 2/3 after day 3, 2/3 × 1/2 = 1/3 after day 10 → median 10; p90 not
	// reached, beyond 10. Naive median (3+10)/2 = 6.5. Deadlines: b/p/2 on
	// time, b/p/3 overdue by 9 → share 0.5.
	all := rows[1]
	for name, want := range map[string]string{
		"as_of": "2025-03-01", "dimension": "all", "group": "all", "asked": "3", "answered": "2", "open": "1",
		"km_median_days": "10", "km_median_beyond": "", "km_p90_days": "", "km_p90_beyond": "10",
		"naive_median_days": "6.5", "deadline_known": "2", "on_time": "1", "late": "1", "overdue": "1",
		"share_on_time": "0.5", "oldest_waiting_days": "10",
	} {
		if got := cell(all, name); got != want {
			t.Errorf("all: %s = %q; want %q", name, got, want)
		}
	}
	// A group named like a formula is defused.
	if got := cell(rows[2], "group"); got != "'=Minister" {
		t.Errorf("group cell %q; want the formula defused", got)
	}
	if got := cell(rows[2], "value"); got != "'=Minister" || cell(rows[2], "source") != "b" {
		t.Errorf("value cell %q", got)
	}
	// Other: one open question, no answer: no naive median, shares of none.
	other := rows[3]
	if cell(other, "naive_median_days") != "" || cell(other, "km_median_beyond") != "10" || cell(other, "share_on_time") != "0" {
		t.Errorf("other row %q", other)
	}
}
