package stats

import (
	"slices"
)

// obs is one question on the clock for the estimator, as one sortable
// number: its days from reception times two, plus one when it was censored
// (still open, lapsed, withdrawn) rather than answered. Sorting obs sorts
// by days, answers before censorings on the same day.
type obs int64

func newObs(days int32, answered bool) obs {
	o := obs(days) * 2
	if !answered {
		o++
	}
	return o
}

func (o obs) days() int32    { return int32(o / 2) }
func (o obs) answered() bool { return o%2 == 0 }

// Step is one step of a survival curve: on Day, Open is the estimated share
// of questions still unanswered after the answers of that day; AtRisk
// questions were still open and followed on that day, Answered of them got
// their answer on it.
type Step struct {
	Day      int     `json:"day"`
	Open     float64 `json:"open"`
	AtRisk   int     `json:"at_risk"`
	Answered int     `json:"answered"`
}

// Quantile is a quantile of the days to answer. Reached is false when the
// estimated share unanswered never falls to the quantile: then Beyond is
// the longest time observed, and the quantile lies past it.
type Quantile struct {
	Days    int  `json:"days,omitempty"`
	Reached bool `json:"reached"`
	Beyond  int  `json:"beyond,omitempty"`
}

// eps absorbs rounding in products such as 2/3 × 3/4, which should be 1/2.
const eps = 1e-9

// kaplanMeier is the product-limit estimate of the share still unanswered,
// one step per day on which an answer came: S(t) = Π over answer days
// t_i ≤ t of (1 − d_i / n_i), with d_i the answers on day t_i and n_i the
// questions still open and followed then. On a day with both answers and
// censorings, the answers come first (the censored were at risk that day).
// It sorts o.
func kaplanMeier(o []obs) []Step {
	slices.Sort(o)
	var steps []Step
	n, s := len(o), 1.0
	for i := 0; i < len(o); {
		t := o[i].days()
		d, c := 0, 0
		for ; i < len(o) && o[i].days() == t; i++ {
			if o[i].answered() {
				d++
			} else {
				c++
			}
		}
		if d > 0 {
			s *= 1 - float64(d)/float64(n)
			steps = append(steps, Step{Day: int(t), Open: s, AtRisk: n, Answered: d})
		}
		n -= d + c
	}
	return steps
}

// quantile reads the p-quantile of the days to answer off a curve: the
// first day on which the share still unanswered is at most 1 − p. longest
// is the longest time observed, reported when the curve never gets there.
// No observation at all gives nil.
func quantile(steps []Step, p float64, longest int, n int) *Quantile {
	if n == 0 {
		return nil
	}
	for _, st := range steps {
		if st.Open <= 1-p+eps {
			return &Quantile{Days: st.Day, Reached: true}
		}
	}
	return &Quantile{Beyond: longest}
}

// naiveMedian is the median of the days to answer of the answered
// questions alone (the mean of the two middle values for an even count),
// nil when none was answered: the figure that leaves still-open questions
// out, shown beside the estimate so that the difference is visible. o must
// be sorted (kaplanMeier sorts it).
func naiveMedian(o []obs) *float64 {
	d := answeredDays(o)
	if len(d) == 0 {
		return nil
	}
	m := float64(d[len(d)/2])
	if len(d)%2 == 0 {
		m = (float64(d[len(d)/2-1]) + m) / 2
	}
	return &m
}

// answeredDays are the days to answer of the answered among sorted o.
func answeredDays(o []obs) []int32 {
	var d []int32
	for _, x := range o {
		if x.answered() {
			d = append(d, x.days())
		}
	}
	return d
}

// naiveCurveOf is the share of answered questions not yet answered after
// each day (one minus their empirical distribution): the curve that
// ignores open questions, drawn beside the estimate. o must be sorted.
func naiveCurveOf(o []obs) []Step {
	d := answeredDays(o)
	var steps []Step
	for i := 0; i < len(d); {
		t, j := d[i], i
		for j < len(d) && d[j] == t {
			j++
		}
		steps = append(steps, Step{Day: int(t), Open: float64(len(d)-j) / float64(len(d)), AtRisk: len(d) - i, Answered: j - i})
		i = j
	}
	return steps
}
