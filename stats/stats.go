// Package stats computes how long ministers take to answer parliamentary
// questions, over any set of records (the hits of a search): counts asked,
// answered, open, lapsed and withdrawn; the median and 90th percentile of
// the days to answer estimated with still-open questions as right-censored
// observations (Kaplan–Meier), beside the naive median of the answered
// questions alone; the share answered by the deadline where one is known;
// and the open backlog. Overall, and grouped by minister, answering body,
// assembly, legislature, the asker's party and year received.
//
// It is pure computation over parlq records: no I/O, no clock (the caller
// gives the reference day). Every figure is in calendar days.
//
//	c := stats.New(stats.Options{Now: time.Now()})
//	for _, q := range records {
//		c.Add(q)
//	}
//	report := c.Report()
package stats

import (
	"cmp"
	"slices"
	"time"

	"github.com/parlq/parlq"
)

// Dimension is a grouping of the records.
type Dimension string

// Dimensions.
const (
	// ByMinister groups by addressee name, per source. A record that names
	// no addressee (UK questions before their answer name the answering
	// minister) is grouped under its answering body.
	ByMinister Dimension = "minister"
	// ByBody groups by answering body (addressee.body), per source.
	ByBody Dimension = "body"
	// ByAssembly groups by parliament and assembly.
	ByAssembly Dimension = "assembly"
	// ByLegislature groups by legislature, per source.
	ByLegislature Dimension = "legislature"
	// ByParty groups by the asker's party, across sources.
	ByParty Dimension = "party"
	// ByYear groups by the year the question was received.
	ByYear Dimension = "year"
)

// dimensions in display order.
var dimensions = []Dimension{ByMinister, ByBody, ByAssembly, ByLegislature, ByParty, ByYear}

var dimensionLabels = map[Dimension]string{
	ByMinister: "Minister", ByBody: "Answering body", ByAssembly: "Assembly",
	ByLegislature: "Legislature", ByParty: "Asker's party", ByYear: "Year received",
}

// Dimensions returns every dimension, in display order.
func Dimensions() []Dimension { return slices.Clone(dimensions) }

// Valid reports whether d is a known dimension.
func (d Dimension) Valid() bool { return slices.Contains(dimensions, d) }

// Label names d for people ("Minister").
func (d Dimension) Label() string { return dimensionLabels[d] }

// DefaultBacklog is the number of oldest open questions kept per minister.
const DefaultBacklog = 5

// Options say what to compute. Now is required.
type Options struct {
	// Now is the reference day (its calendar date): open questions have
	// waited until it.
	Now time.Time
	// By lists the groupings to compute; nil computes every dimension.
	By []Dimension
	// Backlog is the number of oldest open questions listed per minister;
	// 0 means DefaultBacklog, a negative number none.
	Backlog int
	// Rules are the per-source deadline rules for records without a due
	// date; nil means DefaultRules().
	Rules map[string]Rule
}

// Figures are the statistics of one set of questions.
type Figures struct {
	Asked     int `json:"asked"`
	Answered  int `json:"answered"`
	Open      int `json:"open"`
	Lapsed    int `json:"lapsed"`
	Withdrawn int `json:"withdrawn"`
	// Timed is the number of questions in the time figures: those with a
	// reception date, an answer date when answered, and dates in order.
	Timed int `json:"timed"`
	// ExitUnknown counts lapsed and withdrawn questions whose record dates
	// no act saying so (stopped at the last day the record shows them open).
	ExitUnknown int `json:"exit_unknown,omitempty"`
	// Median and P90 are the Kaplan–Meier estimates of the days to answer,
	// open questions counted as censored; nil without timed questions.
	Median *Quantile `json:"median"`
	P90    *Quantile `json:"p90"`
	// NaiveMedian is the median days to answer of the answered questions
	// alone; nil when none was answered.
	NaiveMedian *float64 `json:"naive_median"`
	// Deadline is how questions fared against a known deadline.
	Deadline Deadline `json:"deadline"`
	// OldestWaiting is the longest wait of an open question, in days; nil
	// when no open question has a reception date.
	OldestWaiting *int `json:"oldest_waiting,omitempty"`
}

// Deadline counts the questions with a known deadline by outcome.
type Deadline struct {
	// Known questions have a deadline (due, or the source's rule).
	Known int `json:"known"`
	// OnTime were answered on or before it; Late were answered after it, or
	// it passed while they were open (still, or until they lapsed or were
	// withdrawn). Undecided are open before it, or ended without an answer
	// before it.
	OnTime    int `json:"on_time"`
	Late      int `json:"late"`
	Undecided int `json:"undecided"`
	// Overdue are the open questions past their deadline (part of Late).
	Overdue int `json:"overdue"`
	// Share is OnTime / (OnTime + Late), nil when both are zero.
	Share *float64 `json:"share_on_time"`
}

// Group is the figures of one value of a dimension.
type Group struct {
	// Key identifies the group within its dimension.
	Key string `json:"key"`
	// Label names it for people.
	Label string `json:"label"`
	// Source is the source the group lies in, when it lies in one.
	Source string `json:"source,omitempty"`
	// Value is the record value that selects the group with a search
	// filter (minister: the addressee; assembly, legislature, year), empty
	// when no filter selects it exactly.
	Value string `json:"value,omitempty"`
	Figures
}

// Grouping is the groups of one dimension, most questions first.
type Grouping struct {
	Dimension Dimension `json:"dimension"`
	Groups    []Group   `json:"groups"`
}

// OpenQuestion is an unanswered question of the backlog.
type OpenQuestion struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Received string `json:"received,omitempty"`
	// Days waited until the reference day (-1 when the reception date is
	// unknown).
	Days int `json:"days"`
	// Holding is the date of a holding answer, if any.
	Holding string `json:"holding_answered,omitempty"`
	Due     string `json:"due,omitempty"`
	// Overdue is the days past the deadline (0 when not overdue or no
	// deadline is known).
	Overdue int `json:"overdue,omitempty"`
}

// Backlog is the open questions of one minister.
type Backlog struct {
	Group
	// Oldest are the longest-waiting open questions, oldest first.
	Oldest []OpenQuestion `json:"oldest"`
}

// Report is the statistics of a set of records.
type Report struct {
	// Now is the reference day; Unit is always "calendar days".
	Now  string `json:"now"`
	Unit string `json:"unit"`
	// Overall is every record; Curve its Kaplan–Meier curve of the share
	// still unanswered, NaiveCurve the same for the answered alone.
	Overall    Figures    `json:"overall"`
	Curve      []Step     `json:"curve"`
	NaiveCurve []Step     `json:"naive_curve"`
	Groupings  []Grouping `json:"groupings"`
	// Backlog is the open questions per minister, the longest wait first.
	Backlog []Backlog `json:"backlog"`
	// Rules are the per-source deadline rules applied.
	Rules map[string]Rule `json:"rules"`
}

// Unit is the unit of every figure.
const Unit = "calendar days"

// record is what the collector keeps of one entry: its state, its tick on
// the reference day and its groups.
type record struct {
	state    State
	endKnown bool
	tick     tick
	keys     [len(dimensionKeys)]int32 // index into Collector.groups[dim]
	open     int32                     // index into Collector.open, -1 if not open
}

// dimensionKeys fixes the order of keys in a record.
var dimensionKeys = [...]Dimension{ByMinister, ByBody, ByAssembly, ByLegislature, ByParty, ByYear}

// groupKey identifies a group within a dimension without building a
// string per record: the source (when groups are per source), a kind
// ("n" a name, "b" a body) and the value.
type groupKey struct {
	source, kind, value string
}

// groupInfo is a group's identity.
type groupInfo struct {
	key, label, source, value string
}

// Collector accumulates records; create it with New, Add (or AddEntry)
// every record, then call Report. It keeps a few dozen bytes per record.
type Collector struct {
	opts   Options
	today  day
	rules  map[string]Rule
	recs   []record
	index  [len(dimensionKeys)]map[groupKey]int32
	groups [len(dimensionKeys)][]groupInfo
	// open are the open questions' entries, for the backlog.
	open []Entry
}

// New returns an empty collector.
func New(opts Options) *Collector {
	c := &Collector{opts: opts, today: dayOf(opts.Now), rules: opts.Rules}
	if c.rules == nil {
		c.rules = DefaultRules()
	}
	for i := range c.index {
		c.index[i] = map[groupKey]int32{}
	}
	return c
}

// Add counts one record.
func (c *Collector) Add(q *parlq.Question) {
	e := Digest(q)
	c.AddEntry(&e)
}

// AddEntry counts one digested record.
func (c *Collector) AddEntry(e *Entry) {
	r := record{state: e.state, endKnown: e.endKnown, tick: e.tick(c.today, c.rules), open: -1}
	for i, dim := range dimensionKeys {
		r.keys[i] = c.group(i, dim, e)
	}
	if e.state == StateWaiting {
		r.open = int32(len(c.open))
		c.open = append(c.open, *e)
	}
	c.recs = append(c.recs, r)
}

// openQuestion describes an open question of the backlog.
func (c *Collector) openQuestion(r *record) OpenQuestion {
	e := &c.open[r.open]
	oq := OpenQuestion{ID: e.ID, Title: e.Title, Received: e.recv.String(), Days: -1,
		Holding: e.holding.String(), Due: r.tick.due.String(), Overdue: int(r.tick.overdue)}
	if r.tick.timed {
		oq.Days = int(r.tick.days)
	}
	return oq
}

// group returns the index of e's group in dimension i, adding it when new.
func (c *Collector) group(i int, d Dimension, e *Entry) int32 {
	k := keyOf(d, e)
	if n, ok := c.index[i][k]; ok {
		return n
	}
	n := int32(len(c.groups[i]))
	c.index[i][k] = n
	c.groups[i] = append(c.groups[i], infoOf(d, k, e))
	return n
}

// keyOf is the group of e in dimension d.
func keyOf(d Dimension, e *Entry) groupKey {
	switch d {
	case ByMinister:
		switch {
		case e.Minister != "":
			return groupKey{e.Source, "n", e.Minister}
		case e.Body != "":
			return groupKey{e.Source, "b", e.Body}
		}
		return groupKey{source: e.Source}
	case ByBody:
		return groupKey{source: e.Source, value: e.Body}
	case ByAssembly:
		return groupKey{source: e.Source, value: e.Assembly}
	case ByLegislature:
		return groupKey{source: e.Source, value: e.Legislature}
	case ByParty:
		return groupKey{value: e.Party}
	case ByYear:
		return groupKey{value: e.year}
	}
	return groupKey{}
}

// infoOf names the group k of dimension d, whose first member is e.
func infoOf(d Dimension, k groupKey, e *Entry) groupInfo {
	g := groupInfo{key: k.source + "/" + k.kind + "/" + k.value, source: k.source}
	switch d {
	case ByMinister:
		switch k.kind {
		case "n":
			g.label, g.value = k.value, k.value
		case "b":
			g.label = k.value + " (no minister named)"
		default:
			g.label = "(no minister named)"
		}
	case ByBody:
		g.label = orElse(k.value, "(no body named)")
	case ByAssembly:
		g.label, g.value = e.Assembly, e.Assembly
		if e.Parliament != "" && e.Parliament != e.Assembly {
			g.label = e.Parliament + " (" + e.Assembly + ")"
		}
	case ByLegislature:
		g.label, g.value = k.source+" "+orElse(k.value, "(no legislature)"), k.value
	case ByParty:
		g.label = orElse(k.value, "(no party)")
	case ByYear:
		g.label, g.value = orElse(k.value, "(date unknown)"), k.value
	}
	return g
}

// Report computes the statistics of the records added so far.
func (c *Collector) Report() *Report {
	rep := &Report{Now: c.today.String(), Unit: Unit, Rules: c.rules, Groupings: []Grouping{}, Backlog: []Backlog{}}
	all := make([]int32, len(c.recs))
	for i := range all {
		all[i] = int32(i)
	}
	overall, curve, o := c.figures(all)
	rep.Overall, rep.Curve, rep.NaiveCurve = overall, nonNil(curve), nonNil(naiveCurveOf(o))

	by := c.opts.By
	if by == nil {
		by = dimensions
	}
	members := func(i int) [][]int32 {
		m := make([][]int32, len(c.groups[i]))
		for n, r := range c.recs {
			m[r.keys[i]] = append(m[r.keys[i]], int32(n))
		}
		return m
	}
	for _, dim := range by {
		i := slices.Index(dimensionKeys[:], dim)
		if i < 0 {
			continue
		}
		g := Grouping{Dimension: dim, Groups: []Group{}}
		for n, recs := range members(i) {
			info := c.groups[i][n]
			f, _, _ := c.figures(recs)
			g.Groups = append(g.Groups, Group{Key: info.key, Label: info.label, Source: info.source, Value: info.value, Figures: f})
		}
		slices.SortStableFunc(g.Groups, func(a, b Group) int {
			if a.Asked != b.Asked {
				return b.Asked - a.Asked
			}
			return cmp.Compare(a.Label, b.Label)
		})
		rep.Groupings = append(rep.Groupings, g)
	}
	rep.Backlog = c.backlog(members(0))
	return rep
}

// figures computes the figures of the records at idx; it returns their
// Kaplan–Meier curve and their timed observations, sorted, too.
func (c *Collector) figures(idx []int32) (Figures, []Step, []obs) {
	var f Figures
	o := make([]obs, 0, len(idx))
	longest, oldest := 0, -1
	for _, n := range idx {
		r := &c.recs[n]
		f.Asked++
		switch r.state {
		case StateAnswered:
			f.Answered++
		case StateWaiting:
			f.Open++
			if r.tick.timed {
				oldest = max(oldest, int(r.tick.days))
			}
		case StateLapsed:
			f.Lapsed++
		case StateWithdrawn:
			f.Withdrawn++
		}
		if (r.state == StateLapsed || r.state == StateWithdrawn) && !r.endKnown {
			f.ExitUnknown++
		}
		if r.tick.timed {
			o = append(o, newObs(r.tick.days, r.state == StateAnswered))
			longest = max(longest, int(r.tick.days))
		}
		if r.tick.due != noDay {
			f.Deadline.Known++
			switch r.tick.outcome {
			case onTime:
				f.Deadline.OnTime++
			case late:
				f.Deadline.Late++
				if r.state == StateWaiting {
					f.Deadline.Overdue++
				}
			default:
				f.Deadline.Undecided++
			}
		}
	}
	if oldest >= 0 {
		f.OldestWaiting = &oldest
	}
	f.Timed = len(o)
	if d := f.Deadline.OnTime + f.Deadline.Late; d > 0 {
		s := float64(f.Deadline.OnTime) / float64(d)
		f.Deadline.Share = &s
	}
	steps := kaplanMeier(o)
	f.NaiveMedian = naiveMedian(o)
	f.Median = quantile(steps, 0.5, longest, len(o))
	f.P90 = quantile(steps, 0.9, longest, len(o))
	return f, steps, o
}

// backlog lists the open questions per minister (members: the records of
// each minister group), the minister with the longest wait first.
func (c *Collector) backlog(members [][]int32) []Backlog {
	limit := c.opts.Backlog
	if limit == 0 {
		limit = DefaultBacklog
	}
	out := []Backlog{}
	if limit < 0 {
		return out
	}
	for n, recs := range members {
		var open []*record
		for _, r := range recs {
			if c.recs[r].open >= 0 {
				open = append(open, &c.recs[r])
			}
		}
		if len(open) == 0 {
			continue
		}
		// Longest wait first; an unknown reception date last.
		wait := func(r *record) int32 {
			if !r.tick.timed {
				return -1
			}
			return r.tick.days
		}
		slices.SortStableFunc(open, func(a, b *record) int {
			if wa, wb := wait(a), wait(b); wa != wb {
				return cmp.Compare(wb, wa)
			}
			return cmp.Compare(c.open[a.open].ID, c.open[b.open].ID)
		})
		oldest := make([]OpenQuestion, min(limit, len(open)))
		for i := range oldest {
			oldest[i] = c.openQuestion(open[i])
		}
		info := c.groups[0][n]
		f, _, _ := c.figures(recs)
		out = append(out, Backlog{
			Group:  Group{Key: info.key, Label: info.label, Source: info.source, Value: info.value, Figures: f},
			Oldest: oldest,
		})
	}
	slices.SortStableFunc(out, func(a, b Backlog) int {
		if a, b := waited(a.OldestWaiting), waited(b.OldestWaiting); a != b {
			return b - a
		}
		if a.Open != b.Open {
			return b.Open - a.Open
		}
		return cmp.Compare(a.Label, b.Label)
	})
	return out
}

// orElse is v, or fallback when v is empty.
func orElse(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

// waited is a longest wait, -1 when unknown.
func waited(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

func nonNil(s []Step) []Step {
	if s == nil {
		return []Step{}
	}
	return s
}
