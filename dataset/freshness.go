package dataset

import (
	"fmt"
	"math"
	"time"
)

// Schedule says when scheduled harvests start: the next start after a time
// (a robfig/cron Schedule; a zero time: none within reach).
type Schedule interface {
	Next(time.Time) time.Time
}

// Freshness is the policy that judges whether a source's data is stale.
//
// A source is stale when two scheduled harvests have come and gone since
// its last complete harvest (a run that read every list: ok, or suspect),
// the second given Margin to finish. With the last complete harvest ending
// at L, the source is stale from Next(Next(L)) + Margin on: one missed or
// failed night is tolerated (the failure is shown as such), two are not.
// A nightly schedule thus allows about two days plus the margin; an
// "@every 6h" schedule twelve hours plus the margin. A source that never
// had a complete harvest counts from the start of its first run. Without a
// schedule nothing is judged stale.
type Freshness struct {
	// Schedule is when harvests start; nil: no schedule is known.
	Schedule Schedule
	// Spec is the schedule as written ("0 3 * * *"), for messages.
	Spec string
	// Margin is how long a scheduled run may take (the run deadline,
	// --max-duration).
	Margin time.Duration
}

// FreshnessStatus says how recent a source's data is.
type FreshnessStatus struct {
	// LastHarvest is the last run that read every list and handled every
	// page it planned (ok, or suspect); nil: none.
	LastHarvest *RunStatus `json:"last_harvest,omitempty"`
	// AgeSeconds is the time from the end of LastHarvest to the status'
	// time; -1 without one.
	AgeSeconds float64 `json:"age_seconds"`
	// LastFailure is the last run that failed or was interrupted, with its
	// reason; nil: none.
	LastFailure *RunStatus `json:"last_failure,omitempty"`
	// FirstRun is when the source was first harvested.
	FirstRun time.Time `json:"first_run,omitzero"`
	// Schedule is the schedule the source was judged against ("" none);
	// OverdueAt is when it becomes stale without a new complete harvest.
	Schedule  string    `json:"schedule,omitempty"`
	OverdueAt time.Time `json:"overdue_at,omitzero"`
	// Stale says OverdueAt has passed.
	Stale bool `json:"stale"`
}

// age sets AgeSeconds at now.
func (f *FreshnessStatus) age(now time.Time) {
	f.AgeSeconds = -1
	if f.LastHarvest != nil && !f.LastHarvest.Finished.IsZero() {
		f.AgeSeconds = math.Max(0, now.Sub(f.LastHarvest.Finished).Seconds())
	}
}

// judge applies fr at now: it sets Schedule, OverdueAt and Stale, and
// returns the reason when stale.
func (f *FreshnessStatus) judge(now time.Time, fr Freshness) string {
	f.Schedule, f.OverdueAt, f.Stale = "", time.Time{}, false
	if fr.Schedule == nil {
		return ""
	}
	f.Schedule = fr.Spec
	since := f.FirstRun
	if f.LastHarvest != nil {
		since = f.LastHarvest.Finished
		if since.IsZero() {
			since = f.LastHarvest.Started
		}
	}
	if since.IsZero() {
		return "" // never harvested: the health says so
	}
	first := fr.Schedule.Next(since)
	if first.IsZero() {
		return ""
	}
	second := fr.Schedule.Next(first)
	if second.IsZero() {
		return ""
	}
	f.OverdueAt = second.Add(fr.Margin)
	if !now.After(f.OverdueAt) {
		return ""
	}
	f.Stale = true
	what := "no complete harvest since " + stamp(since)
	if f.LastHarvest == nil {
		what = "no complete harvest since the first run on " + stamp(since)
	}
	return fmt.Sprintf("stale: %s (%s ago); the schedule %q started harvests at %s and %s, and the second had until %s to finish",
		what, Ago(now.Sub(since)), fr.Spec, stamp(first), stamp(second), stamp(f.OverdueAt))
}

// stamp writes a time for a reason.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// Ago writes a duration for people: "3 days 4 h", "5 h 12 min", "40 s".
func Ago(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days %d h", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%d h %d min", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return fmt.Sprintf("%d s", d/time.Second)
}

// ApplyFreshness judges every source of s at now under fr: a stale source
// is marked so, degraded, with the reason.
func (s *Status) ApplyFreshness(now time.Time, fr Freshness) {
	for _, src := range s.Sources {
		src.Freshness.age(now)
		if reason := src.Freshness.judge(now, fr); reason != "" {
			src.Stale = true
			src.Reasons = append(src.Reasons, reason)
		}
	}
}
