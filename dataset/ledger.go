package dataset

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
)

// Ledger is a source's completeness ledger: per legislature (or, for a
// source without legislatures, per month of tabling), the questions its
// lists name against what the catalog holds, and the gaps in its printed
// numbering where the source declares that it numbers consecutively
// (parlq.Numbered).
type Ledger struct {
	// Caveat is what the publisher says of its own data (parlq.Caveated).
	Caveat string `json:"caveat,omitempty"`
	// Numbered says whether the source numbers consecutively, so that Gaps
	// are computed; without it no gap is ever shown.
	Numbered bool `json:"numbered"`
	// Parts are the legislatures or windows, the newest first; Total adds
	// them up.
	Parts []LedgerPart `json:"parts"`
	Total LedgerPart   `json:"total"`
	// Lists are what each list (a seed and its next pages) announced and
	// delivered the last time it was read and found plausible, the newest
	// first.
	Lists []ListRead `json:"lists,omitempty"`
}

// Kinds of ledger parts.
const (
	// PartLegislature: the questions of one legislature ("24/29", "56").
	PartLegislature = "legislature"
	// PartTabled: the questions tabled in one month ("2026-03"), for a
	// source whose records name no legislature (the UK).
	PartTabled = "tabled"
	// PartUnknown: questions that name neither a legislature nor a date.
	PartUnknown = "unknown"
	// PartAll: a source's whole ledger (Ledger.Total).
	PartAll = "all"
)

// LedgerPart counts the questions of one legislature or window.
type LedgerPart struct {
	Kind string `json:"kind"`
	Key  string `json:"key"`
	// Announced is how many items the part's lists say they hold (the
	// Chamber's "total"), or -1 when they do not say or no list maps to the
	// part. It counts what the list counts (every type it lists).
	Announced int `json:"announced"`
	// Listed counts the questions the lists named (and those stored), of
	// the types harvested.
	Listed int `json:"listed"`
	// Stored counts the questions with a current record.
	Stored int `json:"stored"`
	// Missing counts listed questions without a record: NotFetched of them
	// were never tried (the next run fetches them), the others failed.
	Missing    int `json:"missing"`
	NotFetched int `json:"not_fetched"`
	// Failing counts the questions whose last fetch failed, GivenUp those
	// that failed in so many runs in a row that scheduled runs leave them
	// alone (both include stored questions whose re-check fails).
	Failing int `json:"failing"`
	GivenUp int `json:"given_up"`
	// Suspect counts the questions with a capture held back as suspect.
	Suspect int `json:"suspect"`
	// Gaps are the numbers a consecutively numbered source skipped, per
	// series; GapNumbers adds them up. Absent for sources that do not
	// number consecutively.
	Gaps       []SeriesGaps `json:"gaps,omitempty"`
	GapNumbers int          `json:"gap_numbers"`

	// latest is the latest date received in the part, for ordering.
	latest string
}

// Label names the part for people: "legislature 24/29", "tabled 2026-03".
func (p LedgerPart) Label() string {
	switch p.Kind {
	case PartLegislature:
		return "legislature " + p.Key
	case PartTabled:
		return "tabled in " + p.Key
	case PartAll:
		return "all"
	}
	return "no legislature or date"
}

// SeriesGaps are the numbers missing in one numbering series: the numbers
// between the lowest and the highest seen that no list names and the
// catalog does not hold.
type SeriesGaps struct {
	Series string `json:"series"`
	// First and Last are the lowest and highest numbers seen; Seen how many
	// distinct numbers were.
	First int `json:"first"`
	Last  int `json:"last"`
	Seen  int `json:"seen"`
	// Missing counts the numbers not seen; Ranges lists them, each [from,
	// to] (one number: from == to).
	Missing int      `json:"missing"`
	Ranges  [][2]int `json:"ranges"`
}

// RangesText writes the ranges as "17, 45–47", at most limit of them (0:
// all) and "and N more".
func (g SeriesGaps) RangesText(limit int) string {
	var parts []string
	for i, r := range g.Ranges {
		if limit > 0 && i == limit {
			parts = append(parts, fmt.Sprintf("and %d more", len(g.Ranges)-limit))
			break
		}
		if r[0] == r[1] {
			parts = append(parts, strconv.Itoa(r[0]))
		} else {
			parts = append(parts, fmt.Sprintf("%d–%d", r[0], r[1]))
		}
	}
	return strings.Join(parts, ", ")
}

// ListRead is what one list announced and delivered at its last plausible
// reading.
type ListRead struct {
	URL string `json:"url"`
	// Announced is the count the list gives (-1: it gives none); Delivered
	// the items its pages held, every type.
	Announced int `json:"announced"`
	Delivered int `json:"delivered"`
	// Run is the run that read it, At when.
	Run int64  `json:"run,omitempty"`
	At  string `json:"at"`
}

// partOf is the ledger part of a question: its legislature, else the month
// it was received, else unknown.
func partOf(legislature, received string) (kind, key string) {
	switch {
	case legislature != "":
		return PartLegislature, legislature
	case len(received) >= 7:
		return PartTabled, received[:7]
	}
	return PartUnknown, ""
}

// ledger reads the completeness ledger of src: every question the catalog
// knows, counted per part; what the lists announced, mapped to the parts
// through the source's own seeds (parlq.SeedOptions.Legislature); gaps where
// the source numbers consecutively. giveUp is the crawler's give-up bound.
func (d *Dataset) ledger(ctx context.Context, src parlq.Source, giveUp int) (*Ledger, error) {
	name := src.Name()
	items, err := d.cat.LedgerItems(ctx, name)
	if err != nil {
		return nil, err
	}
	lists, err := d.cat.ListCountsAt(ctx, name)
	if err != nil {
		return nil, err
	}
	return buildLedger(src, items, lists, giveUp), nil
}

// buildLedger counts items into parts (see Dataset.ledger).
func buildLedger(src parlq.Source, items []catalog.LedgerItem, lists []catalog.ListCount, giveUp int) *Ledger {
	l := &Ledger{Total: LedgerPart{Kind: PartAll, Announced: -1}}
	if c, ok := src.(parlq.Caveated); ok {
		l.Caveat = c.Caveat()
	}
	numbered, _ := src.(parlq.Numbered)
	l.Numbered = numbered != nil
	type partKey struct{ kind, key string }
	parts := map[partKey]*LedgerPart{}
	// numbers[part][series] are the numbers seen.
	numbers := map[partKey]map[string]map[int]bool{}
	for _, it := range items {
		kind, key := partOf(it.Legislature, it.Received)
		pk := partKey{kind, key}
		p := parts[pk]
		if p == nil {
			p = &LedgerPart{Kind: kind, Key: key, Announced: -1}
			parts[pk] = p
		}
		p.latest = max(p.latest, it.Received)
		p.Listed++
		givenUp := giveUp > 0 && it.Failures >= giveUp
		switch {
		case givenUp:
			p.GivenUp++
		case it.Failures > 0:
			p.Failing++
		}
		if it.Stored {
			p.Stored++
		} else {
			p.Missing++
			if it.Failures == 0 {
				p.NotFetched++
			}
		}
		if it.Suspect {
			p.Suspect++
		}
		if numbered != nil {
			q := &parlq.Question{ID: it.ID, Source: src.Name(), Type: it.Type, Number: it.Number,
				Legislature: it.Legislature, Received: it.Received}
			if series, n, ok := numbered.NumberSeries(q); ok {
				if numbers[pk] == nil {
					numbers[pk] = map[string]map[int]bool{}
				}
				if numbers[pk][series] == nil {
					numbers[pk][series] = map[int]bool{}
				}
				numbers[pk][series][n] = true
			}
		}
	}
	byURL := map[string]catalog.ListCount{}
	var newest int64
	for _, lc := range lists {
		byURL[lc.URL] = lc
		newest = max(newest, lc.RunID)
	}
	// Shown: the lists the newest run read, and those a part counts from
	// (date-windowed sources leave a list per window behind them).
	shown := map[string]bool{}
	for _, lc := range lists {
		shown[lc.URL] = lc.RunID == newest
	}
	for pk, p := range parts {
		if pk.kind == PartLegislature {
			var urls []string
			p.Announced, urls = announced(src, pk.key, byURL)
			for _, u := range urls {
				shown[u] = true
			}
		}
		for series, seen := range numbers[pk] {
			if g := gapsOf(series, seen); g.Missing > 0 {
				p.Gaps = append(p.Gaps, g)
				p.GapNumbers += g.Missing
			}
		}
		slices.SortFunc(p.Gaps, func(a, b SeriesGaps) int { return strings.Compare(a.Series, b.Series) })
		l.Parts = append(l.Parts, *p)
	}
	for _, lc := range lists {
		if shown[lc.URL] {
			l.Lists = append(l.Lists, ListRead{URL: lc.URL, Announced: lc.Announced, Delivered: lc.Items, Run: lc.RunID,
				At: lc.At.UTC().Format("2006-01-02 15:04 UTC")})
		}
	}
	kindOrder := map[string]int{PartLegislature: 0, PartTabled: 1, PartUnknown: 2}
	slices.SortFunc(l.Parts, func(a, b LedgerPart) int {
		return cmp.Or(cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]), strings.Compare(b.latest, a.latest),
			strings.Compare(b.Key, a.Key))
	})
	t := &l.Total
	known := true
	for _, p := range l.Parts {
		t.Listed += p.Listed
		t.Stored += p.Stored
		t.Missing += p.Missing
		t.NotFetched += p.NotFetched
		t.Failing += p.Failing
		t.GivenUp += p.GivenUp
		t.Suspect += p.Suspect
		t.GapNumbers += p.GapNumbers
		if p.Announced < 0 {
			known = false
		} else if known {
			t.Announced = max(t.Announced, 0) + p.Announced
		}
	}
	if !known || len(l.Parts) == 0 {
		t.Announced = -1
	}
	return l
}

// announced is what the lists of a legislature say they hold: the sum of
// the counts the source's seeds for that legislature announced at their last
// reading, or -1 when one gives none, was never read, or the source has no
// seeds per legislature. urls are the lists read of those seeds.
func announced(src parlq.Source, legislature string, lists map[string]catalog.ListCount) (n int, urls []string) {
	seeds, err := src.Seeds(parlq.SeedOptions{Legislature: legislature})
	if err != nil || len(seeds) == 0 {
		return -1, nil
	}
	for _, u := range seeds {
		lc, ok := lists[u]
		if !ok {
			return -1, urls
		}
		urls = append(urls, u)
		if lc.Announced < 0 {
			n = -1
		} else if n >= 0 {
			n += lc.Announced
		}
	}
	return n, urls
}

// gapsOf finds the numbers missing between the lowest and highest seen.
func gapsOf(series string, seen map[int]bool) SeriesGaps {
	nums := make([]int, 0, len(seen))
	for n := range seen {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	g := SeriesGaps{Series: series, First: nums[0], Last: nums[len(nums)-1], Seen: len(nums), Ranges: [][2]int{}}
	for i := 1; i < len(nums); i++ {
		if nums[i] > nums[i-1]+1 {
			g.Ranges = append(g.Ranges, [2]int{nums[i-1] + 1, nums[i] - 1})
			g.Missing += nums[i] - nums[i-1] - 1
		}
	}
	return g
}
