package crawler

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
)

// Why a question is fetched, in the order they are fetched.
const (
	// reasonInline: its list delivered its document (inline.go); read
	// without a request.
	reasonInline = iota
	reasonNew
	reasonUpdated
	reasonSuspect
	reasonDue
	reasonFailed
	notDue
)

// plan returns the tracked questions to fetch now, in fetch order: those
// whose list delivered their document inline (read, not fetched), never
// fetched, updated per the index (or behind what this run's lists tell),
// held back as suspect last time (every run fetches them again, until the
// page mends or an operator accepts it), due for a re-check, failed last
// time (last, so that a page that keeps
// failing cannot starve the others of a request budget). Ties go by id, so
// runs are reproducible.
func (r *run) plan(items []catalog.Item, now time.Time, behind map[string]bool) []catalog.Item {
	type entry struct {
		it     catalog.Item
		reason int
	}
	var es []entry
	givenUp := 0
	for _, it := range items {
		if !r.included(it.Type) {
			continue
		}
		if gaveUp(it, r.cfg.GiveUpAfter, r.cfg.Recheck) {
			givenUp++
			continue
		}
		why := reason(it, now, r.src.Recheck(), r.cfg.Recheck)
		if behind[it.ID] && why > reasonUpdated {
			why = reasonUpdated
		}
		if e := r.bulk.entry(it.ID); e != nil {
			why = inlineReason(e, why)
		}
		if why != notDue {
			es = append(es, entry{it, why})
		}
	}
	if givenUp > 0 {
		r.log.Warn("questions left alone after failing in successive runs; see parlq status, and --recheck all to try them again",
			"count", givenUp, "runs", r.cfg.GiveUpAfter)
	}
	slices.SortFunc(es, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.reason, b.reason), cmp.Compare(a.it.ID, b.it.ID))
	})
	out := make([]catalog.Item, len(es))
	for i, e := range es {
		out[i] = e.it
		if e.reason == reasonInline {
			r.bulk.left++
		}
	}
	return out
}

// gaveUp says whether a question has failed in so many runs in a row that
// scheduled runs leave it alone (see Config.GiveUpAfter).
func gaveUp(it catalog.Item, after int, override string) bool {
	return after > 0 && it.Failures >= after && override != RecheckAll
}

// behind returns the ids of stored questions whose record is behind what
// this run's lists tell of them: the listing's status, answer, holding
// answer or correction date differs from the stored record's.
//
// The rule "Updated after the last fetch day" misses two changes that the
// lists of a date-windowed source (UK) do show: one made on the day of the
// last fetch, after it, and one dated before the last fetch that reached the
// list later (an answer published days after the date it carries). Comparing
// the list's own fields catches both without re-fetching every listed
// question: only records the list contradicts are fetched again. Sources
// whose listings tell none of these fields (Brussels) are unaffected.
func (r *run) behind(ctx context.Context, items []catalog.Item, refs []parlq.Ref) (map[string]bool, error) {
	listed := make(map[string]bool, len(refs))
	for _, ref := range refs {
		if l := ref.Listing; l != nil && (l.Status != "" || l.Answered != "" || l.HoldingAnswered != "" || l.Corrected != "") {
			listed[ref.ID] = true
		}
	}
	out := map[string]bool{}
	for _, it := range items {
		// New and failed questions are fetched anyway.
		if !listed[it.ID] || it.LastFetched.IsZero() || it.Failures > 0 || it.Status == "" || it.Listing == nil {
			continue
		}
		l := it.Listing
		// Cheap first: the tracking row holds the record's status and
		// answer date.
		if differs(l.Status, it.Status) || differs(l.Answered, it.Answered) {
			out[it.ID] = true
			continue
		}
		if l.HoldingAnswered == "" && l.Corrected == "" {
			continue
		}
		q, err := r.cat.Get(ctx, it.ID)
		if errors.Is(err, catalog.ErrNotFound) {
			out[it.ID] = true
			continue
		}
		if err != nil {
			return nil, err
		}
		if differs(l.HoldingAnswered, q.HoldingAnswered) || differs(l.Corrected, q.Corrected) {
			out[it.ID] = true
		}
	}
	return out, nil
}

// moved returns the fetched questions whose document the list now gives at
// another URL than the one they were fetched from (the Belgian Chamber
// moves a question's document when it is printed): they are fetched again
// now, not at their next scheduled re-check.
func moved(before []catalog.Item, refs []parlq.Ref) map[string]bool {
	was := make(map[string]string, len(before))
	for _, it := range before {
		if !it.LastFetched.IsZero() && it.Status != "" {
			was[it.ID] = it.URL
		}
	}
	out := map[string]bool{}
	for _, ref := range refs {
		if u, ok := was[ref.ID]; ok && ref.URL != "" && ref.URL != u {
			out[ref.ID] = true
		}
	}
	return out
}

// differs says whether a list tells a value (non-empty) other than the
// record's.
func differs[S ~string](listed, stored S) bool { return listed != "" && listed != stored }

// reason says why a question is to be fetched now, or notDue.
func reason(it catalog.Item, now time.Time, p parlq.RecheckPolicy, override string) int {
	switch {
	case it.LastFetched.IsZero():
		return reasonNew
	case it.Failures > 0:
		return reasonFailed
	case it.Suspect:
		return reasonSuspect
	case it.Updated != "" && it.Updated > it.LastFetched.UTC().Format(parlq.DateLayout):
		// Strictly after: with "on or after", every question changed on
		// the day of its fetch would be fetched again by every run until
		// the next day. A change on that day, after the fetch, is caught
		// by comparing the list with the record (run.behind).
		return reasonUpdated
	case override == RecheckAll:
		return reasonDue
	}
	since := now.Sub(it.LastFetched)
	every := func(d time.Duration) bool { return d > 0 && since >= d-d/8 }
	switch it.Status {
	case "":
		// Fetched but never parsed into a record.
		return reasonDue
	case parlq.Pending:
		if override == RecheckPending {
			return reasonDue
		}
		received, ok := date(it.Received)
		if !ok || now.Sub(received) < p.PendingFor {
			if every(p.PendingEvery) {
				return reasonDue
			}
			return notDue
		}
		if every(p.PendingSlowEvery) {
			return reasonDue
		}
	case parlq.Answered:
		answered, ok := date(it.Answered)
		if !ok {
			answered = it.LastChanged
		}
		if now.Sub(answered) < p.AnsweredFor && every(p.AnsweredEvery) {
			return reasonDue
		}
	}
	// Lapsed and withdrawn questions are settled.
	return notDue
}

func date(s string) (time.Time, bool) {
	t, err := time.Parse(parlq.DateLayout, s)
	return t, err == nil
}
