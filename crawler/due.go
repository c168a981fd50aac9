package crawler

import (
	"slices"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
)

// Due returns the tracked questions of the given types (nil: written
// questions only) that a run at now would fetch under policy p, the re-check
// override ("", "pending", "all") and the give-up bound (Config.GiveUpAfter):
// new, updated, due, or failed. `parlq status` reports their number.
func Due(items []catalog.Item, p parlq.RecheckPolicy, now time.Time, override string, giveUpAfter int, types []parlq.Type) []catalog.Item {
	if types == nil {
		types = []parlq.Type{parlq.WrittenQuestion}
	}
	var out []catalog.Item
	for _, it := range items {
		if slices.Contains(types, it.Type) && !gaveUp(it, giveUpAfter, override) && reason(it, now, p, override) != notDue {
			out = append(out, it)
		}
	}
	return out
}
