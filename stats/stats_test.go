package stats

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
)

// now is the reference day of the fixed set.
var now = time.Date(2025, 3, 1, 15, 30, 0, 0, time.UTC)

// fixedSet is a small set of records covering every trap of answer-time
// statistics; the expected figures below were computed by hand from it.
//
//	id  minister            received    outcome                         days  censored  due
//	a1  Elke Van den Brandt 2025-01-06  answered 01-08, corrected 02-10    2  no        01-08 (answered on the deadline day: on time)
//	a2  Elke Van den Brandt 2025-01-06  answers: 01-09 answer, 02-15       3  no        —
//	                                    correction; answered = 02-15
//	a3  Elke Van den Brandt 2025-01-10  answered 01-13, grouped with a4    3  no        —
//	a4  Elke Van den Brandt 2025-01-03  answered 01-13, grouped with a3   10  no        —
//	a5  Elke Van den Brandt 2025-01-20  holding 01-21, answered 01-27      7  no        01-25 (late by 2)
//	a6  Elke Van den Brandt 2024-12-20  lapsed: act "Caduc" 12-24          4  yes       12-30 (ended before it: undecided)
//	a7  Elke Van den Brandt 2025-02-24  pending, holding answer 02-26      5  yes       02-27 (overdue by 2: late)
//	a8  Elke Van den Brandt 2024-11-15  withdrawn: act "Retirée…" 11-23    8  yes       —
//	a9  Elke Van den Brandt 2025-02-17  pending                           12  yes       03-09 (not yet due: undecided)
//	b1  Bernard Clerfayt    2025-01-30  pending                           30  yes       02-09 (overdue by 20: late)
//	b2  Bernard Clerfayt    2025-02-09  pending                           20  yes       —
//	b3  Bernard Clerfayt    —           pending, not yet published         —  (untimed)
//	c1  Jane Roe (DfT)      2025-02-03  answered 02-09                     6  no        —
//	c2  — (DfT)             2025-02-20  pending                            9  yes       —
//
// Bernard Clerfayt is the minister with only open questions.
func fixedSet() []*parlq.Question {
	brussels := func(id, minister, party, received string) *parlq.Question {
		return &parlq.Question{
			ID: "brussels/prb/" + id, Source: "brussels", Parliament: "Parlement de la Région de Bruxelles-Capitale",
			Assembly: "PRB", URL: "https://example.org/" + id, Language: "fr", Type: parlq.WrittenQuestion,
			Title: "Question " + id, Author: parlq.Person{Name: "Member " + id, Party: party},
			Addressee: parlq.Person{Name: minister}, Legislature: "24/29", Received: received, Status: parlq.Pending,
		}
	}
	evdb, bc := "Elke Van den Brandt", "Bernard Clerfayt"
	a1 := brussels("a1", evdb, "Groen", "2025-01-06")
	a1.Status, a1.Answered, a1.Corrected, a1.Due = parlq.Answered, "2025-01-08", "2025-02-10", "2025-01-08"
	a2 := brussels("a2", evdb, "Ecolo", "2025-01-06")
	a2.Status, a2.Answered, a2.Corrected = parlq.Answered, "2025-02-15", "2025-02-15"
	a2.Answers = []parlq.Answer{{Date: "2025-01-09", Kind: parlq.FinalAnswer}, {Date: "2025-02-15", Kind: parlq.CorrectedAnswer}}
	a3 := brussels("a3", evdb, "Groen", "2025-01-10")
	a3.Status, a3.Answered, a3.Related = parlq.Answered, "2025-01-13", []string{"brussels/prb/a4"}
	a4 := brussels("a4", evdb, "Ecolo", "2025-01-03")
	a4.Status, a4.Answered, a4.Related = parlq.Answered, "2025-01-13", []string{"brussels/prb/a3"}
	a5 := brussels("a5", evdb, "PS", "2025-01-20")
	a5.Status, a5.HoldingAnswered, a5.Answered, a5.Due = parlq.Answered, "2025-01-21", "2025-01-27", "2025-01-25"
	a6 := brussels("a6", evdb, "PS", "2024-12-20")
	a6.Status, a6.Due = parlq.Lapsed, "2024-12-30"
	a6.Acts = []parlq.Act{{Date: "2024-12-23", Act: "Recevable"}, {Date: "2024-12-24", Act: "Caduc"}}
	a7 := brussels("a7", evdb, "Groen", "2025-02-24")
	a7.HoldingAnswered, a7.Answer, a7.Due = "2025-02-26", "I will reply as soon as possible.", "2025-02-27"
	a8 := brussels("a8", evdb, "MR", "2024-11-15")
	a8.Status, a8.Acts = parlq.Withdrawn, []parlq.Act{{Date: "2024-11-23", Act: "Retirée par son auteur."}}
	a9 := brussels("a9", evdb, "MR", "2025-02-17")
	a9.Due = "2025-03-09"
	b1 := brussels("b1", bc, "DéFI", "2025-01-30")
	b1.Due = "2025-02-09"
	b2 := brussels("b2", bc, "DéFI", "2025-02-09")
	b3 := brussels("b3", bc, "", "")

	uk := func(id, minister, party, received string) *parlq.Question {
		return &parlq.Question{
			ID: "ukparl/commons/" + id, Source: "ukparl", Parliament: "House of Commons", Assembly: "commons",
			URL: "https://example.org/" + id, Language: "en", Type: parlq.WrittenQuestion, Title: "Question " + id,
			Author:      parlq.Person{Name: "Member " + id, Party: party},
			Addressee:   parlq.Person{Name: minister, Body: "Department for Transport"},
			Legislature: "2024", Received: received, Status: parlq.Pending,
		}
	}
	c1 := uk("c1", "Jane Roe", "Labour", "2025-02-03")
	c1.Status, c1.Answered = parlq.Answered, "2025-02-09"
	c2 := uk("c2", "", "Conservative", "2025-02-20")
	return []*parlq.Question{a1, a2, a3, a4, a5, a6, a7, a8, a9, b1, b2, b3, c1, c2}
}

func fixedReport(t *testing.T, opts Options) *Report {
	t.Helper()
	opts.Now = now
	c := New(opts)
	for _, q := range fixedSet() {
		if err := q.Validate(); err != nil {
			t.Fatalf("fixture %s is not a valid record: %v", q.ID, err)
		}
		c.Add(q)
	}
	return c.Report()
}

func reached(days int) *Quantile      { return &Quantile{Days: days, Reached: true} }
func notReached(beyond int) *Quantile { return &Quantile{Beyond: beyond} }
func ptr(f float64) *float64          { return &f }
func iptr(n int) *int                 { return &n }

// checkFigures compares got with want, field by field.
func checkFigures(t *testing.T, name string, got, want Figures) {
	t.Helper()
	ints := []struct {
		field     string
		got, want int
	}{
		{"asked", got.Asked, want.Asked}, {"answered", got.Answered, want.Answered},
		{"open", got.Open, want.Open}, {"lapsed", got.Lapsed, want.Lapsed},
		{"withdrawn", got.Withdrawn, want.Withdrawn}, {"timed", got.Timed, want.Timed},
		{"exit unknown", got.ExitUnknown, want.ExitUnknown}, {"oldest waiting", waited(got.OldestWaiting), waited(want.OldestWaiting)},
		{"deadline known", got.Deadline.Known, want.Deadline.Known}, {"on time", got.Deadline.OnTime, want.Deadline.OnTime},
		{"late", got.Deadline.Late, want.Deadline.Late}, {"undecided", got.Deadline.Undecided, want.Deadline.Undecided},
		{"overdue", got.Deadline.Overdue, want.Deadline.Overdue},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s: %s = %d; want %d", name, c.field, c.got, c.want)
		}
	}
	quant := func(field string, g, w *Quantile) {
		if (g == nil) != (w == nil) || (g != nil && *g != *w) {
			t.Errorf("%s: %s = %s; want %s", name, field, show(g), show(w))
		}
	}
	quant("median", got.Median, want.Median)
	quant("p90", got.P90, want.P90)
	float := func(field string, g, w *float64) {
		if (g == nil) != (w == nil) || (g != nil && math.Abs(*g-*w) > 1e-9) {
			t.Errorf("%s: %s = %s; want %s", name, field, show(g), show(w))
		}
	}
	float("naive median", got.NaiveMedian, want.NaiveMedian)
	float("share on time", got.Deadline.Share, want.Deadline.Share)
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestOverall checks the figures of the whole fixed set against a hand
// calculation.
//
// Kaplan–Meier over the 13 timed questions (b3 has no reception date), in
// days; E an answer, C a censoring (open, lapsed, withdrawn), answers before
// censorings on the same day; n is the number still open and followed:
//
//	day  E  C   n   S(t) = S(t−) × (1 − E/n)
//	  2  1  0  13   12/13                 = 0.9231
//	  3  2  0  12   12/13 × 10/12 = 10/13 = 0.7692
//	  4  0  1  10   (a6 lapsed)
//	  5  0  1   9   (a7 open, holding answer)
//	  6  1  0   8   10/13 × 7/8 = 70/104  = 0.6731
//	  7  1  0   7   70/104 × 6/7 = 60/104 = 0.5769
//	  8  0  1   6   (a8 withdrawn)
//	  9  0  1   5   (c2 open)
//	 10  1  0   4   60/104 × 3/4 = 45/104 = 0.4327  ← first day ≤ 0.5: median 10
//	 12  0  1   3   (a9 open)
//	 20  0  1   2   (b2 open)
//	 30  0  1   1   (b1 open)
//
// S never falls to 0.1: the 90th percentile is not reached (beyond 30 days).
// The answered alone took 2, 3, 3, 6, 7, 10 days: naive median (3+6)/2 = 4.5,
// less than half the estimate — the bias of leaving open questions out.
//
// Deadlines: a1 on time (answered on the day), a5 late (the holding answer
// did not stop the clock), a7 and b1 late (overdue by 2 and 20), a6 and a9
// undecided: share on time 1 / (1 + 3) = 0.25.
func TestOverall(t *testing.T) {
	rep := fixedReport(t, Options{})
	if rep.Now != "2025-03-01" || rep.Unit != "calendar days" {
		t.Errorf("now %q, unit %q; want 2025-03-01, calendar days", rep.Now, rep.Unit)
	}
	checkFigures(t, "overall", rep.Overall, Figures{
		Asked: 14, Answered: 6, Open: 6, Lapsed: 1, Withdrawn: 1, Timed: 13, OldestWaiting: iptr(30),
		Median: reached(10), P90: notReached(30), NaiveMedian: ptr(4.5),
		Deadline: Deadline{Known: 6, OnTime: 1, Late: 3, Undecided: 2, Overdue: 2, Share: ptr(0.25)},
	})
	wantCurve := []Step{
		{Day: 2, Open: 12.0 / 13, AtRisk: 13, Answered: 1},
		{Day: 3, Open: 10.0 / 13, AtRisk: 12, Answered: 2},
		{Day: 6, Open: 70.0 / 104, AtRisk: 8, Answered: 1},
		{Day: 7, Open: 60.0 / 104, AtRisk: 7, Answered: 1},
		{Day: 10, Open: 45.0 / 104, AtRisk: 4, Answered: 1},
	}
	if len(rep.Curve) != len(wantCurve) {
		t.Fatalf("curve %s; want %d steps", show(rep.Curve), len(wantCurve))
	}
	for i, w := range wantCurve {
		g := rep.Curve[i]
		if g.Day != w.Day || g.AtRisk != w.AtRisk || g.Answered != w.Answered || math.Abs(g.Open-w.Open) > 1e-9 {
			t.Errorf("curve step %d = %+v; want %+v", i, g, w)
		}
	}
	// The answered alone: 2, 3, 3, 6, 7, 10 → after day 3, 3 of 6 remain.
	if len(rep.NaiveCurve) != 5 || rep.NaiveCurve[1].Day != 3 || math.Abs(rep.NaiveCurve[1].Open-0.5) > 1e-9 || rep.NaiveCurve[4].Open != 0 {
		t.Errorf("naive curve %s", show(rep.NaiveCurve))
	}
}

// TestByMinister checks the minister grouping.
//
// Elke Van den Brandt, 9 timed questions: answers on days 2, 3, 3, 7, 10;
// censored on 4 (lapsed), 5 (open), 8 (withdrawn), 12 (open):
//
//	day  E  C  n   S(t)
//	  2  1  0  9   8/9
//	  3  2  0  8   8/9 × 6/8 = 6/9
//	  4  0  1  6
//	  5  0  1  5
//	  7  1  0  4   6/9 × 3/4 = 1/2  ← exactly one half: median 7
//	  8  0  1  3
//	 10  1  0  2   1/2 × 1/2 = 1/4
//	 12  0  1  1
//
// 90th percentile not reached (beyond 12); naive median of 2, 3, 3, 7, 10 is 3.
//
// Bernard Clerfayt has only open questions: no median (not reached, beyond
// his longest wait of 30 days), no naive median, and b3 (no reception date)
// counted but not timed.
//
// Jane Roe answered c1 in 6 days; c2, not yet given a minister, is grouped
// under its department.
func TestByMinister(t *testing.T) {
	rep := fixedReport(t, Options{By: []Dimension{ByMinister}})
	if len(rep.Groupings) != 1 || rep.Groupings[0].Dimension != ByMinister {
		t.Fatalf("groupings %s; want minister only", show(rep.Groupings))
	}
	groups := map[string]Group{}
	for _, g := range rep.Groupings[0].Groups {
		groups[g.Label] = g
	}
	want := map[string]Figures{
		"Elke Van den Brandt": {
			Asked: 9, Answered: 5, Open: 2, Lapsed: 1, Withdrawn: 1, Timed: 9, OldestWaiting: iptr(12),
			Median: reached(7), P90: notReached(12), NaiveMedian: ptr(3),
			Deadline: Deadline{Known: 5, OnTime: 1, Late: 2, Undecided: 2, Overdue: 1, Share: ptr(1.0 / 3)},
		},
		"Bernard Clerfayt": {
			Asked: 3, Open: 3, Timed: 2, OldestWaiting: iptr(30), Median: notReached(30), P90: notReached(30),
			Deadline: Deadline{Known: 1, Late: 1, Overdue: 1, Share: ptr(0)},
		},
		"Jane Roe": {Asked: 1, Answered: 1, Timed: 1, Median: reached(6), P90: reached(6), NaiveMedian: ptr(6)},
		"Department for Transport (no minister named)": {
			Asked: 1, Open: 1, Timed: 1, OldestWaiting: iptr(9), Median: notReached(9), P90: notReached(9),
		},
	}
	if len(groups) != len(want) {
		t.Errorf("groups %s; want %d", show(rep.Groupings[0].Groups), len(want))
	}
	for label, w := range want {
		g, ok := groups[label]
		if !ok {
			t.Errorf("no group %q", label)
			continue
		}
		checkFigures(t, label, g.Figures, w)
	}
	if g := groups["Elke Van den Brandt"]; g.Source != "brussels" || g.Value != "Elke Van den Brandt" {
		t.Errorf("minister group source %q value %q; want brussels and the name (a search filter selects it)", g.Source, g.Value)
	}
	if g := groups["Department for Transport (no minister named)"]; g.Value != "" {
		t.Errorf("department group value %q; want none (no addressee filter selects it)", g.Value)
	}
	// Most questions first.
	if first := rep.Groupings[0].Groups[0].Label; first != "Elke Van den Brandt" {
		t.Errorf("first group %q; want the one with most questions", first)
	}
}

// TestOtherDimensions checks the body, assembly, legislature, party and year
// groupings.
//
// Department for Transport: c1 answered on day 6, c2 open on day 9 — at day
// 6, n = 2 and S = 1/2: median 6; 90th percentile beyond 9.
// Groen: a1 (2), a3 (3) answered, a7 open on 5 — S = 2/3 after day 2, 1/3
// after day 3: median 3; naive median (2+3)/2 = 2.5.
func TestOtherDimensions(t *testing.T) {
	rep := fixedReport(t, Options{})
	if len(rep.Groupings) != len(Dimensions()) {
		t.Fatalf("%d groupings; want every dimension", len(rep.Groupings))
	}
	find := func(d Dimension, label string) Group {
		t.Helper()
		for _, g := range rep.Groupings {
			if g.Dimension != d {
				continue
			}
			for _, gr := range g.Groups {
				if gr.Label == label {
					return gr
				}
			}
			t.Fatalf("%s: no group %q in %s", d, label, show(g.Groups))
		}
		t.Fatalf("no grouping %s", d)
		return Group{}
	}
	checkFigures(t, "body DfT", find(ByBody, "Department for Transport").Figures, Figures{
		Asked: 2, Answered: 1, Open: 1, Timed: 2, OldestWaiting: iptr(9), Median: reached(6), P90: notReached(9), NaiveMedian: ptr(6),
	})
	if g := find(ByBody, "(no body named)"); g.Asked != 12 || g.Source != "brussels" {
		t.Errorf("Brussels without body: %d asked, source %q; want 12, brussels", g.Asked, g.Source)
	}
	checkFigures(t, "party Groen", find(ByParty, "Groen").Figures, Figures{
		Asked: 3, Answered: 2, Open: 1, Timed: 3, OldestWaiting: iptr(5), Median: reached(3), P90: notReached(5), NaiveMedian: ptr(2.5),
		Deadline: Deadline{Known: 2, OnTime: 1, Late: 1, Overdue: 1, Share: ptr(0.5)},
	})
	if g := find(ByParty, "(no party)"); g.Asked != 1 {
		t.Errorf("no party: %d asked; want 1 (b3)", g.Asked)
	}
	for _, c := range []struct {
		d            Dimension
		label, value string
		asked        int
	}{
		{ByYear, "2025", "2025", 11}, {ByYear, "2024", "2024", 2}, {ByYear, "(date unknown)", "", 1},
		{ByAssembly, "Parlement de la Région de Bruxelles-Capitale (PRB)", "PRB", 12},
		{ByAssembly, "House of Commons (commons)", "commons", 2},
		{ByLegislature, "brussels 24/29", "24/29", 12}, {ByLegislature, "ukparl 2024", "2024", 2},
	} {
		if g := find(c.d, c.label); g.Asked != c.asked || g.Value != c.value {
			t.Errorf("%s %q: %d asked, value %q; want %d, %q", c.d, c.label, g.Asked, g.Value, c.asked, c.value)
		}
	}
}

// TestBacklog checks the open questions per minister: the longest wait
// first, with days waiting and days overdue.
func TestBacklog(t *testing.T) {
	rep := fixedReport(t, Options{})
	var got []string
	for _, b := range rep.Backlog {
		got = append(got, b.Label)
	}
	want := []string{"Bernard Clerfayt", "Elke Van den Brandt", "Department for Transport (no minister named)"}
	if show(got) != show(want) {
		t.Fatalf("backlog ministers %v; want %v (longest wait first; Jane Roe has none open)", got, want)
	}
	b := rep.Backlog[0]
	wantOpen := []OpenQuestion{
		{ID: "brussels/prb/b1", Title: "Question b1", Received: "2025-01-30", Days: 30, Due: "2025-02-09", Overdue: 20},
		{ID: "brussels/prb/b2", Title: "Question b2", Received: "2025-02-09", Days: 20},
		{ID: "brussels/prb/b3", Title: "Question b3", Days: -1},
	}
	if show(b.Oldest) != show(wantOpen) || b.Open != 3 {
		t.Errorf("Clerfayt backlog %s (open %d); want %s", show(b.Oldest), b.Open, show(wantOpen))
	}
	e := rep.Backlog[1].Oldest
	if len(e) != 2 || e[0].ID != "brussels/prb/a9" || e[0].Days != 12 || e[0].Overdue != 0 ||
		e[1].ID != "brussels/prb/a7" || e[1].Days != 5 || e[1].Overdue != 2 || e[1].Holding != "2025-02-26" {
		t.Errorf("Van den Brandt backlog %s; want a9 (12 days, not yet due), a7 (5 days, holding answer, overdue by 2)", show(e))
	}
	// The backlog is cut to the size asked for.
	rep = fixedReport(t, Options{Backlog: 1})
	if n := len(rep.Backlog[0].Oldest); n != 1 || rep.Backlog[0].Open != 3 {
		t.Errorf("backlog of 1: %d listed, %d open; want 1 of 3", n, rep.Backlog[0].Open)
	}
	if rep = fixedReport(t, Options{Backlog: -1}); len(rep.Backlog) != 0 {
		t.Errorf("no backlog asked: got %d ministers", len(rep.Backlog))
	}
}

// TestClock checks one record's clock for every trap.
func TestClock(t *testing.T) {
	byID := map[string]*parlq.Question{}
	for _, q := range fixedSet() {
		byID[q.ID[len(q.ID)-2:]] = q
	}
	for _, c := range []struct {
		id   string
		want Clock
	}{
		{"a1", Clock{State: StateAnswered, Received: "2025-01-06", Timed: true, End: "2025-01-08", EndKnown: true, Days: 2, Due: "2025-01-08", DueRule: "record", Outcome: OnTime}},
		{"a2", Clock{State: StateAnswered, Received: "2025-01-06", Timed: true, End: "2025-01-09", EndKnown: true, Days: 3}},
		{"a4", Clock{State: StateAnswered, Received: "2025-01-03", Timed: true, End: "2025-01-13", EndKnown: true, Days: 10}},
		{"a5", Clock{State: StateAnswered, Received: "2025-01-20", Timed: true, End: "2025-01-27", EndKnown: true, Days: 7, Due: "2025-01-25", DueRule: "record", Outcome: Late, Overdue: 2}},
		{"a6", Clock{State: StateLapsed, Received: "2024-12-20", Timed: true, End: "2024-12-24", EndKnown: true, Days: 4, Due: "2024-12-30", DueRule: "record"}},
		{"a7", Clock{State: StateWaiting, Received: "2025-02-24", Timed: true, Days: 5, Due: "2025-02-27", DueRule: "record", Outcome: Late, Overdue: 2}},
		{"a8", Clock{State: StateWithdrawn, Received: "2024-11-15", Timed: true, End: "2024-11-23", EndKnown: true, Days: 8}},
		{"a9", Clock{State: StateWaiting, Received: "2025-02-17", Timed: true, Days: 12, Due: "2025-03-09", DueRule: "record"}},
		{"b3", Clock{State: StateWaiting}},
	} {
		if got := ClockOf(byID[c.id], now, nil); got != c.want {
			t.Errorf("%s: clock %+v\nwant %+v", c.id, got, c.want)
		}
	}
}

// TestClockEdges checks dates that contradict each other, an unknown exit
// date, and a lapse after the deadline.
func TestClockEdges(t *testing.T) {
	base := func() *parlq.Question {
		return &parlq.Question{ID: "x/y/1", Source: "x", Received: "2025-02-10", Status: parlq.Pending}
	}
	// An answer dated before the question: not timed.
	q := base()
	q.Status, q.Answered = parlq.Answered, "2025-02-01"
	if c := ClockOf(q, now, nil); c.Timed {
		t.Errorf("answer before reception: timed %+v", c)
	}
	// Answered without a date: counted, not timed.
	q = base()
	q.Status, q.Answer = parlq.Answered, "text"
	if c := ClockOf(q, now, nil); c.Timed || c.State != StateAnswered {
		t.Errorf("answer without date: %+v", c)
	}
	// Received after the reference day: not timed.
	q = base()
	q.Received = "2025-03-05"
	if c := ClockOf(q, now, nil); c.Timed {
		t.Errorf("received after now: timed %+v", c)
	}
	// Withdrawn with an undated act (UK): stopped at the holding answer, the
	// last day the record shows it open; the deadline had passed by then.
	q = base()
	q.Status, q.HoldingAnswered, q.Due = parlq.Withdrawn, "2025-02-20", "2025-02-15"
	q.Acts = []parlq.Act{{Date: "2025-02-10", Act: "Tabled"}, {Date: "2025-02-15", Act: "Due for answer"}, {Act: "Withdrawn"}}
	want := Clock{State: StateWithdrawn, Received: "2025-02-10", Timed: true, End: "2025-02-20", Days: 10, Due: "2025-02-15", DueRule: "record", Outcome: Late, Overdue: 5}
	if c := ClockOf(q, now, nil); c != want {
		t.Errorf("withdrawn, undated: %+v\nwant %+v", c, want)
	}
	// Lapsed with no act at all: stopped on its reception day.
	q = base()
	q.Status = parlq.Lapsed
	if c := ClockOf(q, now, nil); !c.Timed || c.Days != 0 || c.EndKnown {
		t.Errorf("lapsed, no act: %+v; want timed, 0 days, end unknown", c)
	}
	col := New(Options{Now: now})
	col.Add(q)
	if f := col.Report().Overall; f.ExitUnknown != 1 || f.Lapsed != 1 {
		t.Errorf("exit unknown %d, lapsed %d; want 1, 1", f.ExitUnknown, f.Lapsed)
	}
}

// TestRules checks that a source's deadline rule applies where the record
// has no due date, and never overrides one it has.
func TestRules(t *testing.T) {
	rules := map[string]Rule{"brussels": {Days: 10, Basis: "a rule of the test"}}
	set := fixedSet()
	a4, a1 := set[3], set[0]
	// a4: received 01-03, answered 01-13: 10 days, on the rule's deadline.
	c := ClockOf(a4, now, rules)
	if c.Due != "2025-01-13" || c.DueRule != "a rule of the test" || c.Outcome != OnTime {
		t.Errorf("a4 under the rule: %+v; want due 2025-01-13 by the rule, on time", c)
	}
	// a1 has its own due date: the rule does not replace it.
	if c := ClockOf(a1, now, rules); c.Due != "2025-01-08" || c.DueRule != "record" {
		t.Errorf("a1 under the rule: %+v; want its own due date", c)
	}
	// The UK has no rule: c1 stays without a deadline.
	if c := ClockOf(set[12], now, rules); c.Due != "" {
		t.Errorf("c1 got a deadline %q from another source's rule", c.Due)
	}
	rep := fixedReport(t, Options{Rules: rules, By: []Dimension{}})
	// Every Brussels record with a reception date now has a deadline: 11.
	// On time: a1 (own), a2 (3 ≤ 10), a3 (3), a4 (10 = 10); late: a5 (own,
	// 2 late), a7 (own), b1 (own), b2 (20 days open > 10); a8 was withdrawn
	// on day 8 before the rule's day 10 and a6 lapsed before its own due,
	// a9 is not yet due: undecided.
	want := Deadline{Known: 11, OnTime: 4, Late: 4, Undecided: 3, Overdue: 3, Share: ptr(0.5)}
	if got := rep.Overall.Deadline; show(got) != show(want) {
		t.Errorf("deadline under the rule %s; want %s", show(got), show(want))
	}
	if len(rep.Groupings) != 0 {
		t.Errorf("no grouping asked: got %d", len(rep.Groupings))
	}
}

// TestEmpty checks the report of no record.
func TestEmpty(t *testing.T) {
	rep := New(Options{Now: now}).Report()
	if rep.Overall.Asked != 0 || rep.Overall.Median != nil || rep.Overall.NaiveMedian != nil || rep.Overall.Deadline.Share != nil {
		t.Errorf("empty report %s", show(rep.Overall))
	}
}

// TestJSONRoundTrip checks that a report read back from JSON is the same
// report (the CLI reads a server's), empty or not.
func TestJSONRoundTrip(t *testing.T) {
	for _, rep := range []*Report{New(Options{Now: now}).Report(), fixedReport(t, Options{})} {
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		var back Report
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if show(back) != string(b) {
			t.Errorf("the JSON does not round-trip:\n%s\n%s", b, show(back))
		}
	}
}

// TestAssembleeRule: the Assemblée nationale's questions are due two
// months after their publication in the Journal officiel (not their
// reception), a day the month lacks giving its last day; without a
// publication date no deadline is known.
func TestAssembleeRule(t *testing.T) {
	rules := DefaultRules()
	r, ok := rules["assemblee"]
	if !ok || r.From != FromPublished || r.Months != 2 || !strings.Contains(r.Basis, "article 135") {
		t.Fatalf("the Assemblée's rule %+v; want two months after publication, citing article 135", r)
	}
	if got := r.Describe(); got != "2 months after publication" {
		t.Errorf("Describe() = %q", got)
	}
	q := func(received, published, answered string) *parlq.Question {
		s := parlq.Pending
		if answered != "" {
			s = parlq.Answered
		}
		return &parlq.Question{ID: "assemblee/AN/QANR5L17QE1", Source: "assemblee", Received: received,
			Published: published, Answered: answered, Status: s}
	}
	day := func(s string) time.Time { d, _ := time.Parse(parlq.DateLayout, s); return d }
	for _, c := range []struct {
		name         string
		q            *parlq.Question
		at           string
		due, outcome string
		overdue      int
	}{
		{"answered on the deadline day", q("2025-01-07", "2025-01-14", "2025-03-14"), "2025-06-01", "2025-03-14", OnTime, 0},
		{"answered late", q("2025-01-07", "2025-01-14", "2025-03-20"), "2025-06-01", "2025-03-14", Late, 6},
		{"open past the deadline", q("2025-01-07", "2025-01-14", ""), "2025-04-01", "2025-03-14", Late, 18},
		{"open before it", q("2025-01-07", "2025-01-14", ""), "2025-02-01", "2025-03-14", "", 0},
		{"a month end", q("2024-12-20", "2024-12-31", ""), "2025-02-01", "2025-02-28", "", 0},
		{"a leap year", q("2023-12-20", "2023-12-30", ""), "2024-02-01", "2024-02-29", "", 0},
		{"no publication date", q("2025-01-07", "", ""), "2025-06-01", "", "", 0},
	} {
		got := ClockOf(c.q, day(c.at), rules)
		if got.Due != c.due || got.Outcome != c.outcome || got.Overdue != c.overdue {
			t.Errorf("%s: due %q, outcome %q, overdue %d; want %q, %q, %d", c.name, got.Due, got.Outcome, got.Overdue, c.due, c.outcome, c.overdue)
		}
		if c.due != "" && got.DueRule != r.Basis {
			t.Errorf("%s: due rule %q; want the Assemblée's", c.name, got.DueRule)
		}
	}
	// A record's own due date stands over the rule.
	own := q("2025-01-07", "2025-01-14", "")
	own.Due = "2025-02-01"
	if got := ClockOf(own, day("2025-06-01"), rules); got.Due != "2025-02-01" || got.DueRule != "record" {
		t.Errorf("own due date: %+v", got)
	}
}
