package dataset

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler"
)

// Status is the read-model of a data directory: what "parlq status" prints,
// /healthz answers and /metrics exports.
type Status struct {
	Data string `json:"data"`
	// Writer is the process writing the directory, if any.
	Writer *Holder `json:"writer,omitempty"`
	// Documents is the number of records in the index (-1: index not open).
	Documents int64                    `json:"documents"`
	Sources   map[string]*SourceStatus `json:"sources"`
}

// SourceStatus is one source's part of Status.
type SourceStatus struct {
	Name       string `json:"-"`
	Parliament string `json:"-"`
	// Health and Reasons say whether the source is ok (see SourceHealth).
	SourceHealth
	Records  int            `json:"records"`
	ByStatus map[string]int `json:"by_status"`
	// Indexed is the number of the source's records in the index (-1: the
	// index is not open).
	Indexed     int64      `json:"indexed"`
	LastRun     *RunStatus `json:"last_run,omitempty"`
	LastGoodRun *RunStatus `json:"last_good_run,omitempty"`
	Tracked     int        `json:"tracked"`
	Due         int        `json:"due"`
	Failures    []Failure  `json:"failures,omitempty"`
	// Suspects are the captures held back because their records would
	// have been worse than the stored ones, waiting for the source to mend
	// or an operator to accept them (parlq accept ID).
	Suspects []Suspect `json:"suspects,omitempty"`
	// Changes counts the status changes of the last 7 days, by
	// "from→to" ("pending→answered": 12).
	Changes map[string]int `json:"status_changes_7d"`
	// Runs totals every recorded run (for counters).
	Runs RunTotals `json:"runs"`
	// Freshness says how recent the data is: the last complete harvest and
	// its age, the last failure and its reason, and (after
	// Status.ApplyFreshness) whether the source is stale.
	Freshness FreshnessStatus `json:"freshness"`
	// Ledger is what the lists name against what the catalog holds.
	Ledger *Ledger `json:"ledger"`
}

// RunTotals add up the recorded runs of a source.
type RunTotals struct {
	ByOutcome map[string]int `json:"by_outcome"`
	// Items counts questions by outcome: new, changed, unchanged,
	// not_modified, failed, skipped.
	Items    map[string]int `json:"items"`
	Requests int            `json:"requests"`
}

// ItemOutcomes names the per-run item counters, in order.
var ItemOutcomes = []string{"new", "changed", "unchanged", "not_modified", "failed", "skipped", "suspect"}

// RunStatus is one harvest run.
type RunStatus struct {
	Outcome     string    `json:"outcome"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished,omitzero"`
	Requests    int       `json:"requests"`
	Discovered  int       `json:"discovered"`
	New         int       `json:"new"`
	Changed     int       `json:"changed"`
	Unchanged   int       `json:"unchanged"`
	NotModified int       `json:"not_modified"`
	Failed      int       `json:"failed"`
	Skipped     int       `json:"skipped"`
	Suspects    int       `json:"suspects"`
	Error       string    `json:"error,omitempty"`
	// Notes are what the run met that is no error.
	Notes []string `json:"notes,omitempty"`
}

// Suspect is a capture held back as worse than the stored record.
type Suspect struct {
	ID  string `json:"id"`
	URL string `json:"url"`
	// Fields would have lost information; Losses say how.
	Fields    []string     `json:"fields"`
	Losses    []parlq.Loss `json:"losses"`
	FetchedAt time.Time    `json:"fetched_at"`
	// Run is the run that held it back (0: reparse).
	Run int64 `json:"run,omitempty"`
}

// Failure is a question that failed in its last runs.
type Failure struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	Failures int    `json:"failures"`
	Error    string `json:"error"`
	// GivenUp: scheduled runs leave the question alone (a run with
	// RecheckAll tries it again).
	GivenUp bool `json:"given_up"`
}

// SinceLastGoodRun is the time from the end of the last ok run to now, or
// +Inf seconds when there was none.
func (s *SourceStatus) SinceLastGoodRun(now time.Time) float64 {
	if s.LastGoodRun == nil || s.LastGoodRun.Finished.IsZero() {
		return math.Inf(1)
	}
	return now.Sub(s.LastGoodRun.Finished).Seconds()
}

func newRunStatus(r *catalog.Run) *RunStatus {
	if r == nil {
		return nil
	}
	rs := &RunStatus{Outcome: r.Outcome, Started: r.Started, Finished: r.Finished, Requests: r.Requests,
		Discovered: r.Discovered, New: r.New, Changed: r.Changed, Unchanged: r.Unchanged,
		NotModified: r.NotModified, Failed: r.Failed, Skipped: r.Skipped, Suspects: r.Suspects, Error: r.Error}
	if r.Notes != "" {
		rs.Notes = strings.Split(r.Notes, "\n")
	}
	return rs
}

// Status reads the status of sources (nil: every source the catalog knows
// or the dataset harvests) at now.
func (d *Dataset) Status(ctx context.Context, sources []parlq.Source, now time.Time) (*Status, error) {
	if sources == nil {
		var err error
		if sources, err = d.knownSources(ctx); err != nil {
			return nil, err
		}
	}
	out := &Status{Data: d.dir, Writer: CurrentHolder(d.dir), Documents: -1, Sources: map[string]*SourceStatus{}}
	if d.ix != nil {
		n, err := d.ix.Count()
		if err != nil {
			return nil, err
		}
		out.Documents = int64(n)
	}
	giveUp := crawler.DefaultConfig().GiveUpAfter
	for _, j := range d.opts.Jobs {
		giveUp = j.Config.GiveUpAfter
	}
	for _, src := range sources {
		s, err := d.sourceStatus(ctx, src, now, giveUp)
		if err != nil {
			return nil, err
		}
		out.Sources[src.Name()] = s
	}
	return out, nil
}

func (d *Dataset) sourceStatus(ctx context.Context, src parlq.Source, now time.Time, giveUp int) (*SourceStatus, error) {
	name := src.Name()
	s := &SourceStatus{Name: name, Parliament: src.Parliament(), ByStatus: map[string]int{}, Indexed: -1,
		Changes: map[string]int{}, Runs: RunTotals{ByOutcome: map[string]int{}, Items: map[string]int{}}}
	stats, err := d.cat.Stats(ctx, name)
	if err != nil {
		return nil, err
	}
	s.Records = stats.Records
	for _, k := range []parlq.Status{parlq.Answered, parlq.Pending, parlq.Lapsed} {
		s.ByStatus[string(k)] = 0
	}
	for k, n := range stats.ByStatus {
		s.ByStatus[k] = n
	}
	if d.ix != nil {
		n, err := d.ix.CountOf(name)
		if err != nil {
			return nil, err
		}
		s.Indexed = int64(n)
	}
	for _, pick := range []struct {
		get func(context.Context, string) (*catalog.Run, error)
		dst **RunStatus
	}{{d.cat.LastRun, &s.LastRun}, {d.cat.LastGoodRun, &s.LastGoodRun}} {
		r, err := pick.get(ctx, name)
		if err != nil && !errors.Is(err, catalog.ErrNotFound) {
			return nil, err
		}
		*pick.dst = newRunStatus(r)
	}
	runs, err := d.cat.Runs(ctx, name, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		s.Runs.ByOutcome[r.Outcome]++
		s.Runs.Requests += r.Requests
		for i, n := range []int{r.New, r.Changed, r.Unchanged, r.NotModified, r.Failed, r.Skipped, r.Suspects} {
			s.Runs.Items[ItemOutcomes[i]] += n
		}
	}
	items, err := d.cat.Items(ctx, name)
	if err != nil {
		return nil, err
	}
	s.Tracked = len(items)
	s.Due = len(crawler.Due(items, src.Recheck(), now, crawler.RecheckDue, giveUp, nil))
	events, err := d.cat.Events(ctx, name, now.AddDate(0, 0, -7))
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		if e.Kind == "status" && e.From != "" {
			s.Changes[e.From+"→"+e.To]++
		}
	}
	fails, err := d.cat.Failures(ctx, name)
	if err != nil {
		return nil, err
	}
	for _, it := range fails {
		s.Failures = append(s.Failures, Failure{ID: it.ID, URL: it.URL, Failures: it.Failures, Error: it.LastError,
			GivenUp: giveUp > 0 && it.Failures >= giveUp})
	}
	open, err := d.cat.Suspects(ctx, name, catalog.SuspectOpen)
	if err != nil {
		return nil, err
	}
	for _, sp := range open {
		s.Suspects = append(s.Suspects, Suspect{ID: sp.QuestionID, URL: sp.URL, Fields: sp.Fields, Losses: sp.Losses,
			FetchedAt: sp.FetchedAt, Run: sp.RunID})
	}
	last, err := d.cat.LastFinishedRun(ctx, name)
	if err != nil && !errors.Is(err, catalog.ErrNotFound) {
		return nil, err
	}
	s.SourceHealth = health(last, open)
	if s.Freshness, err = readFreshness(ctx, d.cat, name, now); err != nil {
		return nil, err
	}
	if s.Ledger, err = d.ledger(ctx, src, giveUp); err != nil {
		return nil, err
	}
	return s, nil
}

// readFreshness reads the runs a source's freshness is judged from, and
// its age at now.
func readFreshness(ctx context.Context, cat *catalog.Catalog, name string, now time.Time) (FreshnessStatus, error) {
	var f FreshnessStatus
	for _, pick := range []struct {
		get func(context.Context, string) (*catalog.Run, error)
		set func(*catalog.Run)
	}{
		{cat.LastHarvestedRun, func(r *catalog.Run) { f.LastHarvest = newRunStatus(r) }},
		{cat.LastFailedRun, func(r *catalog.Run) { f.LastFailure = newRunStatus(r) }},
		{cat.FirstRun, func(r *catalog.Run) { f.FirstRun = r.Started }},
	} {
		r, err := pick.get(ctx, name)
		if errors.Is(err, catalog.ErrNotFound) {
			continue
		}
		if err != nil {
			return f, err
		}
		pick.set(r)
	}
	f.age(now)
	return f, nil
}

// Source states, from the best to the worst.
const (
	// HealthNever: the source was never harvested.
	HealthNever = "never"
	// HealthOK: its last run ended ok, and nothing is held back.
	HealthOK = "ok"
	// HealthSuspect: captures are held back as worse than the stored
	// records (the last run may have ended ok since).
	HealthSuspect = "suspect"
	// HealthFailed: its last finished run failed or was interrupted.
	HealthFailed = "failed"
)

// SourceHealth is a source's state for an operator, and why.
type SourceHealth struct {
	Health string `json:"health"`
	// Stale says the source was not harvested as often as its schedule
	// allows (see Freshness); set by Status.ApplyFreshness and ReadHealth.
	Stale   bool     `json:"stale,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
}

// Degraded says whether the state needs an operator's eye.
func (h SourceHealth) Degraded() bool {
	return h.Health == HealthSuspect || h.Health == HealthFailed || h.Stale
}

// maxNamed bounds the suspect questions a reason names.
const maxNamed = 5

// health is a source's state from its last finished run and its open
// suspects: failed when the run failed or was interrupted, else suspect
// when captures are held back, else ok (never without a run).
func health(last *catalog.Run, open []catalog.SuspectCapture) SourceHealth {
	var h SourceHealth
	switch {
	case last != nil && (last.Outcome == catalog.RunFailed || last.Outcome == catalog.RunInterrupted):
		h.Health = HealthFailed
		h.Reasons = append(h.Reasons, fmt.Sprintf("the last run (%s) %s: %s",
			last.Started.UTC().Format("2006-01-02 15:04 UTC"), last.Outcome, last.Error))
	case len(open) > 0:
		h.Health = HealthSuspect
	case last == nil:
		h.Health = HealthNever
	default:
		h.Health = HealthOK
	}
	if len(open) > 0 {
		var named []string
		for i, sp := range open {
			if i == maxNamed {
				named = append(named, fmt.Sprintf("and %d more", len(open)-maxNamed))
				break
			}
			named = append(named, fmt.Sprintf("%s (%s)", sp.QuestionID, strings.Join(sp.Fields, ", ")))
		}
		h.Reasons = append(h.Reasons, fmt.Sprintf("%d captures held back as worse than the stored records: %s",
			len(open), strings.Join(named, "; ")))
	}
	return h
}

// ReadHealth reads the state of every source the catalog knows at now,
// judged stale or not under fr: what /healthz answers, cheaper than a
// Status (no tracking rows are read).
func ReadHealth(ctx context.Context, cat *catalog.Catalog, now time.Time, fr Freshness) (map[string]SourceHealth, error) {
	states, err := ReadStates(ctx, cat, now, fr)
	if err != nil {
		return nil, err
	}
	out := make(map[string]SourceHealth, len(states))
	for name, st := range states {
		out[name] = st.SourceHealth
	}
	return out, nil
}

// SourceState is a source's health and freshness, without its counts.
type SourceState struct {
	SourceHealth
	Freshness FreshnessStatus `json:"freshness"`
}

// ReadStates reads the health and freshness of every source the catalog
// knows at now, judged under fr: what /healthz and the search page's
// banner read, cheaper than a Status.
func ReadStates(ctx context.Context, cat *catalog.Catalog, now time.Time, fr Freshness) (map[string]SourceState, error) {
	names, err := cat.Sources(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]SourceState{}
	for _, name := range names {
		last, err := cat.LastFinishedRun(ctx, name)
		if err != nil && !errors.Is(err, catalog.ErrNotFound) {
			return nil, err
		}
		open, err := cat.Suspects(ctx, name, catalog.SuspectOpen)
		if err != nil {
			return nil, err
		}
		st := SourceState{SourceHealth: health(last, open)}
		if st.Freshness, err = readFreshness(ctx, cat, name, now); err != nil {
			return nil, err
		}
		if reason := st.Freshness.judge(now, fr); reason != "" {
			st.Stale = true
			st.Reasons = append(st.Reasons, reason)
		}
		out[name] = st
	}
	return out, nil
}

// knownSources are the sources the dataset harvests or the catalog holds
// records of, in the registry's order; sources unknown to this version of
// parlq are left out.
func (d *Dataset) knownSources(ctx context.Context) ([]parlq.Source, error) {
	names, err := d.cat.Sources(ctx)
	if err != nil {
		return nil, err
	}
	for _, j := range d.opts.Jobs {
		names = append(names, j.Source.Name())
	}
	var out []parlq.Source
	for _, src := range registry() {
		for _, n := range names {
			if n == src.Name() {
				out = append(out, src)
				break
			}
		}
	}
	return out, nil
}
