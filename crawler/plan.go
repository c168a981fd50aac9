package crawler

import (
	"cmp"
	"slices"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
)

// Why a question is fetched, in the order they are fetched.
const (
	reasonNew = iota
	reasonUpdated
	reasonDue
	reasonFailed
	notDue
)

// plan returns the tracked questions to fetch now, in fetch order: never
// fetched, updated per the index, due for a re-check, failed last time
// (last, so that a page that keeps failing cannot starve the others of a
// request budget). Ties go by id, so runs are reproducible.
func (r *run) plan(items []catalog.Item, now time.Time) []catalog.Item {
	type entry struct {
		it     catalog.Item
		reason int
	}
	var es []entry
	for _, it := range items {
		if !r.included(it.Type) {
			continue
		}
		if why := reason(it, now, r.src.Recheck(), r.cfg.Recheck); why != notDue {
			es = append(es, entry{it, why})
		}
	}
	slices.SortFunc(es, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.reason, b.reason), cmp.Compare(a.it.ID, b.it.ID))
	})
	out := make([]catalog.Item, len(es))
	for i, e := range es {
		out[i] = e.it
	}
	return out
}

// reason says why a question is to be fetched now, or notDue.
func reason(it catalog.Item, now time.Time, p parlq.RecheckPolicy, override string) int {
	switch {
	case it.LastFetched.IsZero():
		return reasonNew
	case it.Failures > 0:
		return reasonFailed
	case it.Updated != "" && it.Updated > it.LastFetched.UTC().Format(parlq.DateLayout):
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
