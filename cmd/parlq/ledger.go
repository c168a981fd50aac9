package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/parlq/parlq/dataset"
)

// printFreshness writes when a source was last harvested completely, when
// it last failed and why (unless that is the last run, printed already),
// and when it becomes stale.
func printFreshness(w io.Writer, s *dataset.SourceStatus, now time.Time) {
	f := s.Freshness
	if h := f.LastHarvest; h != nil {
		fmt.Fprintf(w, "  last complete harvest: %s (%s ago)\n", h.Finished.Local().Format("2006-01-02 15:04"), dataset.Ago(now.Sub(h.Finished)))
	} else {
		fmt.Fprintln(w, "  last complete harvest: never")
	}
	if f.LastFailure != nil && (s.LastRun == nil || !s.LastRun.Started.Equal(f.LastFailure.Started)) {
		fmt.Fprintf(w, "  last failure: %s (%s): %s\n", f.LastFailure.Started.Local().Format("2006-01-02 15:04"),
			f.LastFailure.Outcome, f.LastFailure.Error)
	}
	if !f.OverdueAt.IsZero() && !f.Stale {
		fmt.Fprintf(w, "  stale from %s without a complete harvest (schedule %q)\n", f.OverdueAt.Local().Format("2006-01-02 15:04"), f.Schedule)
	}
}

// maxGapRanges bounds the ranges a series prints (--json has them all).
const maxGapRanges = 20

// printLedger writes a source's completeness ledger as a table.
func printLedger(w io.Writer, l *dataset.Ledger) {
	if l == nil || len(l.Parts) == 0 {
		return
	}
	fmt.Fprintln(w, "  completeness:")
	if l.Caveat != "" {
		fmt.Fprintf(w, "    (%s)\n", l.Caveat)
	}
	rows := [][]string{{"part", "announced", "listed", "stored", "missing", "not fetched", "failing", "given up", "suspect", "gaps"}}
	row := func(p dataset.LedgerPart) []string {
		announced, gaps := "-", "-"
		if p.Announced >= 0 {
			announced = strconv.Itoa(p.Announced)
		}
		if l.Numbered {
			gaps = strconv.Itoa(p.GapNumbers)
		}
		return []string{p.Label(), announced, strconv.Itoa(p.Listed), strconv.Itoa(p.Stored), strconv.Itoa(p.Missing),
			strconv.Itoa(p.NotFetched), strconv.Itoa(p.Failing), strconv.Itoa(p.GivenUp), strconv.Itoa(p.Suspect), gaps}
	}
	for _, p := range l.Parts {
		rows = append(rows, row(p))
	}
	if len(l.Parts) > 1 {
		rows = append(rows, row(l.Total))
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		fmt.Fprint(w, "    ")
		for i, c := range r {
			pad := widths[i] - len([]rune(c))
			if i == 0 {
				fmt.Fprintf(w, "%s%*s", c, pad, "")
			} else {
				fmt.Fprintf(w, "  %*s%s", pad, "", c)
			}
		}
		fmt.Fprintln(w)
	}
	if !l.Numbered {
		fmt.Fprintln(w, "    (gaps: the source does not number its questions consecutively in a way its records tell)")
	}
	for _, p := range l.Parts {
		for _, g := range p.Gaps {
			fmt.Fprintf(w, "    gaps in %s: %d missing between %d and %d: %s\n", g.Series, g.Missing, g.First, g.Last, g.RangesText(maxGapRanges))
		}
	}
	for _, li := range l.Lists {
		announced := "no count"
		if li.Announced >= 0 {
			announced = strconv.Itoa(li.Announced) + " announced"
		}
		fmt.Fprintf(w, "    list %s: %s, %d delivered (%s)\n", li.URL, announced, li.Delivered, li.At)
	}
}
