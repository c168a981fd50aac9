package server

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/internal/i18n"
)

// The sources page, the freshness banner of the search page, and the
// ledger's gauges: what researchers are not seeing, and since when.

// now is the server's clock (Config.Now, else the wall clock).
func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// freshness is the policy sources are judged stale under: the server's
// harvest schedule and its margin (dataset.Freshness). Without a schedule
// nothing is stale.
func (s *Server) freshness() dataset.Freshness {
	if s.cfg.Schedule == "" {
		return dataset.Freshness{}
	}
	sched, err := cron.ParseStandard(s.cfg.Schedule)
	if err != nil {
		return dataset.Freshness{} // Validate reports it
	}
	if s.cfg.Location != nil {
		sched = inLocation{sched, s.cfg.Location}
	}
	return dataset.Freshness{Schedule: sched, Spec: s.cfg.Schedule, Margin: s.cfg.StaleMargin}
}

// inLocation reads a schedule in the scheduler's time zone, as the cron
// runner does.
type inLocation struct {
	cron.Schedule
	loc *time.Location
}

func (s inLocation) Next(t time.Time) time.Time { return s.Schedule.Next(t.In(s.loc)) }

// bannerView is the freshness banner: the sources whose last harvest
// failed or that are stale.
type bannerView struct {
	Sources []bannerSource
}

// bannerSource says, in short, what is wrong with one source.
type bannerSource struct {
	Name string
	// Failed is the failed last run: when, and why (cut to maxBannerError).
	Failed, FailedError string
	// Stale says since when no harvest was complete, and how long ago.
	Stale string
}

// maxBannerError bounds the failure message the banner writes (the
// sources page has it whole).
const maxBannerError = 240

// banner reads the banner of the search page: nil when every source is
// fresh and its last run did not fail. A catalog that cannot be read gives
// no banner (the page says what it can; /healthz says why).
func (s *Server) banner(ctx context.Context, l i18n.Lang) *bannerView {
	now := s.now()
	states, err := dataset.ReadStates(ctx, s.cat, now, s.freshness())
	if err != nil {
		s.log.Error("freshness banner", "err", err)
		return nil
	}
	var b bannerView
	for _, name := range slices.Sorted(maps.Keys(states)) {
		st := states[name]
		if st.Health != dataset.HealthFailed && !st.Stale {
			continue
		}
		bs := bannerSource{Name: name}
		if f := st.Freshness.LastFailure; st.Health == dataset.HealthFailed && f != nil {
			bs.Failed = l.Stamp(f.Started)
			bs.FailedError = f.Error
			if r := []rune(bs.FailedError); len(r) > maxBannerError {
				bs.FailedError = string(r[:maxBannerError]) + "…"
			}
		}
		if st.Stale {
			bs.Stale = l.T("never completely harvested")
			if h := st.Freshness.LastHarvest; h != nil {
				bs.Stale = l.Tf("last complete harvest %s, %s ago", l.Stamp(h.Finished), l.Ago(now.Sub(h.Finished)))
			}
		}
		b.Sources = append(b.Sources, bs)
	}
	if len(b.Sources) == 0 {
		return nil
	}
	return &b
}

// sourcesView is the data of the sources page.
type sourcesView struct {
	Title    string
	Now      string
	Schedule string
	Margin   string
	Sources  []sourceView
}

type sourceView struct {
	Name, Parliament string
	Health           string
	Stale            bool
	Reasons          []string
	Records          int
	LastHarvest      string // "2026-11-04 03:00 UTC (1 day 2 h ago)"
	LastFailure      string
	LastFailureError string
	OverdueAt        string
	Caveat           string
	Numbered         bool
	Parts            []partView
	Total            partView
	Gaps             []gapView
	Lists            []dataset.ListRead
}

type partView struct {
	Label                                                          string
	Announced                                                      string
	Listed, Stored, Missing, NotFetched, Failing, GivenUp, Suspect int
	Gaps                                                           string
}

type gapView struct {
	Series, Ranges       string
	First, Last, Missing int
}

// maxGapRanges bounds the ranges the page writes per series (parlq status
// --json has them all).
const maxGapRanges = 40

// handleSources is the sources page: per source, its health and freshness,
// and its completeness ledger.
func (s *Server) handleSources(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	st, err := s.store.Status(r.Context(), nil, now)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	fr := s.freshness()
	st.ApplyFreshness(now, fr)
	v := sourcesView{Title: "Sources: completeness and freshness — parlq", Now: stampUTC(now), Schedule: fr.Spec}
	if fr.Schedule != nil {
		v.Margin = hours(fr.Margin)
	}
	for _, name := range slices.Sorted(maps.Keys(st.Sources)) {
		v.Sources = append(v.Sources, newSourceView(st.Sources[name], now))
	}
	s.render(w, r, http.StatusOK, "sources", v)
}

func newSourceView(ss *dataset.SourceStatus, now time.Time) sourceView {
	sv := sourceView{Name: ss.Name, Parliament: ss.Parliament, Health: ss.Health, Stale: ss.Stale,
		Reasons: ss.Reasons, Records: ss.Records}
	f := ss.Freshness
	if f.LastHarvest != nil {
		at := f.LastHarvest.Finished
		sv.LastHarvest = stampUTC(at) + " (" + dataset.Ago(now.Sub(at)) + " ago)"
	}
	if f.LastFailure != nil {
		sv.LastFailure = stampUTC(f.LastFailure.Started) + " (" + f.LastFailure.Outcome + ")"
		sv.LastFailureError = f.LastFailure.Error
	}
	if !f.OverdueAt.IsZero() {
		sv.OverdueAt = stampUTC(f.OverdueAt)
	}
	if l := ss.Ledger; l != nil {
		sv.Caveat, sv.Numbered, sv.Lists = l.Caveat, l.Numbered, l.Lists
		for _, p := range l.Parts {
			sv.Parts = append(sv.Parts, newPartView(p, l.Numbered))
			for _, g := range p.Gaps {
				sv.Gaps = append(sv.Gaps, gapView{Series: g.Series, Ranges: g.RangesText(maxGapRanges),
					First: g.First, Last: g.Last, Missing: g.Missing})
			}
		}
		sv.Total = newPartView(l.Total, l.Numbered)
	}
	return sv
}

func newPartView(p dataset.LedgerPart, numbered bool) partView {
	pv := partView{Label: p.Label(), Announced: "not said", Listed: p.Listed, Stored: p.Stored, Missing: p.Missing,
		NotFetched: p.NotFetched, Failing: p.Failing, GivenUp: p.GivenUp, Suspect: p.Suspect, Gaps: "not numbered consecutively"}
	if p.Announced >= 0 {
		pv.Announced = strconv.Itoa(p.Announced)
	}
	if numbered {
		pv.Gaps = strconv.Itoa(p.GapNumbers)
	}
	return pv
}

// hours writes a margin: "6 h", "90 min".
func hours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d h", d/time.Hour)
	}
	return fmt.Sprintf("%d min", d/time.Minute)
}

// stampUTC writes a time for the pages.
func stampUTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// ledgerGauges are the ledger's gauges, per source and part: name, help,
// and the count.
var ledgerGauges = []struct {
	name, help string
	value      func(dataset.LedgerPart) int
}{
	{"parlq_ledger_listed", "Questions the lists named (or stored), by source and legislature or month of tabling (kind, part).", func(p dataset.LedgerPart) int { return p.Listed }},
	{"parlq_ledger_stored", "Questions with a stored record, by source and part.", func(p dataset.LedgerPart) int { return p.Stored }},
	{"parlq_ledger_missing", "Questions the lists named that have no stored record (never fetched, failing or given up), by source and part.", func(p dataset.LedgerPart) int { return p.Missing }},
	{"parlq_ledger_failing", "Questions whose last fetch failed and that are still tried, by source and part.", func(p dataset.LedgerPart) int { return p.Failing }},
	{"parlq_ledger_given_up", "Questions that failed in so many runs in a row that scheduled runs leave them alone, by source and part.", func(p dataset.LedgerPart) int { return p.GivenUp }},
	{"parlq_ledger_suspect", "Questions with a capture held back as suspect, by source and part.", func(p dataset.LedgerPart) int { return p.Suspect }},
}

// writeLedgerMetrics writes the ledger's gauges and the staleness of each
// source (st judged by ApplyFreshness).
func writeLedgerMetrics(w *bufio.Writer, st *dataset.Status, sources []string, header func(name, typ, help string)) {
	parts := func(fn func(src string, p dataset.LedgerPart)) {
		for _, src := range sources {
			if l := st.Sources[src].Ledger; l != nil {
				for _, p := range l.Parts {
					fn(src, p)
				}
			}
		}
	}
	labels := func(src string, p dataset.LedgerPart) string {
		return fmt.Sprintf("source=%s,kind=%s,part=%s", label(src), label(p.Kind), label(p.Key))
	}
	header("parlq_ledger_announced", "gauge", "Items the lists of a legislature say they hold (only where they say), by source and part.")
	parts(func(src string, p dataset.LedgerPart) {
		if p.Announced >= 0 {
			fmt.Fprintf(w, "parlq_ledger_announced{%s} %d\n", labels(src, p), p.Announced)
		}
	})
	for _, g := range ledgerGauges {
		header(g.name, "gauge", g.help)
		parts(func(src string, p dataset.LedgerPart) {
			fmt.Fprintf(w, "%s{%s} %d\n", g.name, labels(src, p), g.value(p))
		})
	}
	header("parlq_ledger_numbering_gaps", "gauge", "Numbers a consecutively numbering source skipped between the lowest and highest seen (only for such sources), by source and part.")
	parts(func(src string, p dataset.LedgerPart) {
		if st.Sources[src].Ledger.Numbered {
			fmt.Fprintf(w, "parlq_ledger_numbering_gaps{%s} %d\n", labels(src, p), p.GapNumbers)
		}
	})
	header("parlq_source_stale", "gauge", "1 when a source was not completely harvested within two scheduled harvests and the margin (0 without a schedule).")
	for _, src := range sources {
		v := 0
		if st.Sources[src].Stale {
			v = 1
		}
		fmt.Fprintf(w, "parlq_source_stale{source=%s} %d\n", label(src), v)
	}
	header("parlq_seconds_since_last_complete_harvest", "gauge", "Seconds since the last harvest run of a source that read every list (ok or suspect) ended (+Inf: never).")
	for _, src := range sources {
		age := st.Sources[src].Freshness.AgeSeconds
		if age < 0 {
			fmt.Fprintf(w, "parlq_seconds_since_last_complete_harvest{source=%s} +Inf\n", label(src))
			continue
		}
		fmt.Fprintf(w, "parlq_seconds_since_last_complete_harvest{source=%s} %s\n", label(src), float(age))
	}
}
