package ukparl

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/parlq/parlq"
)

// windowKinds are the list filters that find changed questions: newly tabled,
// newly answered (holding answers included) and newly corrected.
var windowKinds = []string{"tabledWhen", "answeredWhen", "correctedWhen"}

// Seeds returns the first list page of every window between opts.Since and
// opts.Until (both dates included). Each calendar month of the range is its
// own window so that paging stays shallow, and each window is asked three
// times: questions tabled, answered and corrected in it. Every request asks
// for withdrawn questions too (includeWithdrawn=true): the API leaves them
// out otherwise, and their record must say withdrawn.
//
// A zero Until means open-ended: the windows start at Since and have no
// end date, in one window per kind (the source has no clock, so it cannot
// know "today"). A zero Since is an error: the crawler always says where a
// run starts (after the last good run, or its first window). Legislature is
// ignored: the API filters by date, not by session.
func (s *Source) Seeds(opts parlq.SeedOptions) ([]string, error) {
	take := s.PageSize
	if take <= 0 {
		take = New().PageSize
	}
	since, until := opts.Since, opts.Until
	if since.IsZero() {
		return nil, errors.New("ukparl seeds: need a start date (Since)")
	}
	from := day(since)
	var windows [][2]string
	if until.IsZero() {
		windows = append(windows, [2]string{from.Format(parlq.DateLayout), ""})
	} else {
		to := day(until)
		if to.Before(from) {
			return nil, fmt.Errorf("ukparl seeds: since %s is after until %s",
				from.Format(parlq.DateLayout), to.Format(parlq.DateLayout))
		}
		for start := from; !start.After(to); {
			end := start.AddDate(0, 1, -start.Day()) // last day of start's month
			if end.After(to) {
				end = to
			}
			windows = append(windows, [2]string{start.Format(parlq.DateLayout), end.Format(parlq.DateLayout)})
			start = end.AddDate(0, 0, 1)
		}
	}
	seeds := make([]string, 0, len(windows)*len(windowKinds))
	for _, w := range windows {
		for _, kind := range windowKinds {
			q := kind + "From=" + w[0]
			if w[1] != "" {
				q += "&" + kind + "To=" + w[1]
			}
			q += "&house=Bicameral&includeWithdrawn=true&expandMember=true&take=" + strconv.Itoa(take) + "&skip=0"
			seeds = append(seeds, baseURL+listPath+"?"+q)
		}
	}
	return seeds, nil
}

// day is t's calendar date at midnight UTC.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
