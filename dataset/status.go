package dataset

import (
	"context"
	"errors"
	"math"
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
	Name       string         `json:"-"`
	Parliament string         `json:"-"`
	Records    int            `json:"records"`
	ByStatus   map[string]int `json:"by_status"`
	// Indexed is the number of the source's records in the index (-1: the
	// index is not open).
	Indexed     int64      `json:"indexed"`
	LastRun     *RunStatus `json:"last_run,omitempty"`
	LastGoodRun *RunStatus `json:"last_good_run,omitempty"`
	Tracked     int        `json:"tracked"`
	Due         int        `json:"due"`
	Failures    []Failure  `json:"failures,omitempty"`
	// Changes counts the status changes of the last 7 days, by
	// "from→to" ("pending→answered": 12).
	Changes map[string]int `json:"status_changes_7d"`
	// Runs totals every recorded run (for counters).
	Runs RunTotals `json:"runs"`
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
var ItemOutcomes = []string{"new", "changed", "unchanged", "not_modified", "failed", "skipped"}

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
	Error       string    `json:"error,omitempty"`
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
	return &RunStatus{Outcome: r.Outcome, Started: r.Started, Finished: r.Finished, Requests: r.Requests,
		Discovered: r.Discovered, New: r.New, Changed: r.Changed, Unchanged: r.Unchanged,
		NotModified: r.NotModified, Failed: r.Failed, Skipped: r.Skipped, Error: r.Error}
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
		for i, n := range []int{r.New, r.Changed, r.Unchanged, r.NotModified, r.Failed, r.Skipped} {
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
	return s, nil
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
