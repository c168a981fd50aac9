package stats

import (
	"strconv"
	"strings"
	"time"

	"github.com/parlq/parlq"
)

// A day is a calendar day, counted from 1970-01-01: every figure of this
// package is in calendar days.
type day int32

// noDay marks an unknown date.
const noDay day = -1 << 30

// parseDay reads a record date "YYYY-MM-DD"; an empty or malformed date is
// noDay.
func parseDay(s string) day {
	if len(s) != len(parlq.DateLayout) {
		return noDay
	}
	t, err := time.Parse(parlq.DateLayout, s)
	if err != nil {
		return noDay
	}
	return dayOf(t)
}

// dayOf is the calendar day of t in t's own location.
func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// String formats a day as "YYYY-MM-DD".
func (d day) String() string {
	if d == noDay {
		return ""
	}
	return time.Unix(int64(d)*86400, 0).UTC().Format(parlq.DateLayout)
}

// State is where a question stands on the answer clock.
type State string

// Clock states.
const (
	// StateAnswered: a full answer stopped the clock.
	StateAnswered State = "answered"
	// StateWaiting: still open (pending), holding answers included.
	StateWaiting State = "waiting"
	// StateLapsed and StateWithdrawn left the clock without an answer.
	StateLapsed    State = "lapsed"
	StateWithdrawn State = "withdrawn"
)

// Clock is one question on the answer clock on a given day: how many
// calendar days it took to answer, or has waited, and where it stands
// against its deadline. The statistics are built from the clocks of the
// records, so a search result and the figures never disagree.
type Clock struct {
	State State `json:"state"`
	// Received is the clock's start; Timed is false when it is unknown (or
	// the record's dates contradict each other), and then Days means
	// nothing.
	Received string `json:"received,omitempty"`
	Timed    bool   `json:"timed"`
	// End is the day the clock stopped: the first full answer, or the day
	// the question lapsed or was withdrawn; empty while it waits.
	End string `json:"end,omitempty"`
	// EndKnown is false for a lapsed or withdrawn question whose record
	// dates no act saying so: its clock is then stopped at the last day the
	// record shows it open (reception, or a holding answer).
	EndKnown bool `json:"end_known"`
	// Days from reception to End, or to the reference day while waiting.
	Days int `json:"days"`
	// Due is the deadline (the record's own, else the source's rule);
	// empty when none is known. DueRule names where it came from.
	Due     string `json:"due,omitempty"`
	DueRule string `json:"due_rule,omitempty"`
	// Outcome against the deadline: "on_time", "late", or "" when no
	// deadline is known or it has not been decided yet (open before the
	// deadline; lapsed or withdrawn before it).
	Outcome string `json:"outcome,omitempty"`
	// Overdue is how many days past the deadline the question was answered,
	// or has waited (0 when on time or undecided).
	Overdue int `json:"overdue,omitempty"`
}

// Deadline outcomes.
const (
	OnTime = "on_time"
	Late   = "late"
)

// Rule is a source's deadline for questions whose records carry none: so
// many calendar months and days after the question's reception (or, From
// "published", its publication), as the text cited in Basis sets it.
type Rule struct {
	Months int    `json:"months,omitempty"`
	Days   int    `json:"days,omitempty"`
	From   string `json:"from"`
	Basis  string `json:"basis"`
}

// Rule starting points.
const (
	FromReceived  = "received"
	FromPublished = "published"
)

// due is the deadline the rule gives a question received on recv and
// published on pub; noDay when the day it counts from is unknown.
func (r Rule) due(recv, pub day) day {
	from := recv
	if r.From == FromPublished {
		from = pub
	}
	if from == noDay || r.Months <= 0 && r.Days <= 0 {
		return noDay
	}
	if r.Months > 0 {
		from = addMonths(from, r.Months)
	}
	return from + day(r.Days)
}

// addMonths is the day n months after d: the same day of the month, or
// the last day of the month where it has no such day (two months after
// 31 December is the last day of February), as a period in months is
// counted.
func addMonths(d day, n int) day {
	t := time.Unix(int64(d)*86400, 0).UTC()
	y, m, dd := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return dayOf(first.AddDate(0, 0, min(dd, last)-1))
}

// Describe says the rule in words: "2 months after publication".
func (r Rule) Describe() string {
	var parts []string
	if r.Months > 0 {
		parts = append(parts, plural(r.Months, "month"))
	}
	if r.Days > 0 {
		parts = append(parts, plural(r.Days, "calendar day"))
	}
	from := "reception"
	if r.From == FromPublished {
		from = "publication"
	}
	return strings.Join(parts, " and ") + " after " + from
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// DefaultRules are the per-source deadline rules parlq applies, each citing
// the text that sets it. The UK and the Belgian Chamber give each
// question's deadline in the record (due). The Assemblée nationale's rules
// of procedure set one for every written question: two months from its
// publication in the Journal officiel. For the Brussels Parliament no text
// of its rules of procedure setting a deadline for written questions could
// be read and cited, so no deadline is assumed there (see the README).
func DefaultRules() map[string]Rule {
	return map[string]Rule{
		"assemblee": {Months: 2, From: FromPublished, Basis: "Règlement de l'Assemblée nationale, article 135, alinéa 6 (as reformed in 2019): " +
			"ministers' answers are published within two months of the question's publication in the Journal officiel"},
	}
}

// Entry is a record reduced to what the statistics need: its dates, state
// and grouping fields, a few dozen bytes instead of the whole record. Digest
// makes one; Collector.AddEntry counts it. A caller may keep the entries of
// a whole corpus and count any subset of them cheaply.
type Entry struct {
	// ID and Source of the record; Title only while it is pending (the
	// backlog lists it), to keep entries small.
	ID, Source, Title string
	// The grouping fields, as the record has them: its parliament,
	// assembly, legislature, asker's party, addressee name and body.
	Parliament, Assembly, Legislature, Party, Minister, Body string

	state    State
	recv     day // reception: the clock's start
	end      day // first full answer, or the exit of a lapsed or withdrawn question
	endKnown bool
	holding  day
	due      day    // the record's own deadline
	pub      day    // publication, where a rule counts from it
	year     string // of reception, "" when unknown
}

// Digest reduces q to an entry. The clock starts on the day the question
// was received. It stops at the first full answer: the earliest answer of
// kind "answer" in Answers, else Answered. A holding answer does not stop it
// (the question stays pending), a correction or an additional answer does
// not restart it. Lapsed and withdrawn questions stop it without an answer
// on the date of the act that says so (see exitDay).
func Digest(q *parlq.Question) Entry {
	e := Entry{
		ID: q.ID, Source: q.Source,
		Parliament: q.Parliament, Assembly: q.Assembly, Legislature: q.Legislature,
		Party: q.Author.Party, Minister: q.Addressee.Name, Body: q.Addressee.Body,
		recv: parseDay(q.Received), end: noDay, holding: parseDay(q.HoldingAnswered), due: parseDay(q.Due),
		pub: parseDay(q.Published),
	}
	if e.recv != noDay {
		e.year = q.Received[:4]
	}
	switch q.Status {
	case parlq.Answered:
		e.state = StateAnswered
		e.end = answerDay(q)
		e.endKnown = e.end != noDay
	case parlq.Lapsed, parlq.Withdrawn:
		e.state = StateLapsed
		if q.Status == parlq.Withdrawn {
			e.state = StateWithdrawn
		}
		e.end, e.endKnown = exitDay(q, e.recv)
	default:
		e.state = StateWaiting
		e.Title = q.Title
	}
	return e
}

// ClockOf puts q on the answer clock on day now (its calendar date), with
// the deadline rules given (nil: none); see Digest.
func ClockOf(q *parlq.Question, now time.Time, rules map[string]Rule) Clock {
	e := Digest(q)
	return e.Clock(now, rules)
}

// Clock puts the entry on the answer clock on day now (its calendar date),
// with the deadline rules given (nil: none).
func (e *Entry) Clock(now time.Time, rules map[string]Rule) Clock {
	return e.clockAt(dayOf(now), rules)
}

func (e *Entry) clockAt(today day, rules map[string]Rule) Clock {
	t := e.tick(today, rules)
	c := Clock{State: e.state, Received: e.recv.String(), Timed: t.timed, EndKnown: e.endKnown, Overdue: int(t.overdue)}
	if e.state != StateWaiting && e.end != noDay {
		c.End = e.end.String()
	}
	if t.timed {
		c.Days = int(t.days)
	}
	if t.due != noDay {
		c.Due, c.DueRule = t.due.String(), "record"
		if e.due == noDay {
			c.DueRule = rules[e.Source].Basis
		}
	}
	switch t.outcome {
	case onTime:
		c.Outcome = OnTime
	case late:
		c.Outcome = Late
	}
	return c
}

// Deadline outcomes, as a tick holds them.
const (
	undecided uint8 = iota
	onTime
	late
)

// tick is an entry's clock on one day without the strings of Clock: what
// the collector keeps per record.
type tick struct {
	timed   bool
	outcome uint8
	days    int32 // days to answer, or waited (when timed)
	overdue int32
	due     day // noDay when no deadline is known
}

func (e *Entry) tick(today day, rules map[string]Rule) tick {
	t := tick{timed: e.recv != noDay, due: e.due}
	stop := e.end
	if e.state == StateWaiting {
		stop = today
	}
	if t.timed {
		if stop == noDay || stop < e.recv {
			// An answer without a date or dated before the question, or a
			// question received after today: no figure.
			t.timed = false
		} else {
			t.days = int32(stop - e.recv)
		}
	}
	if t.due == noDay {
		if r, ok := rules[e.Source]; ok {
			t.due = r.due(e.recv, e.pub)
		}
	}
	if t.due == noDay {
		return t
	}
	switch e.state {
	case StateAnswered:
		if e.end != noDay {
			t.outcome, t.overdue = judge(e.end, t.due)
		}
	case StateWaiting:
		if today > t.due {
			t.outcome, t.overdue = late, int32(today-t.due)
		}
	default:
		// The deadline passed while the question was still open.
		if e.end != noDay && e.end > t.due {
			t.outcome, t.overdue = late, int32(e.end-t.due)
		}
	}
	return t
}

// judge says whether an answer on day end met deadline due: one given on
// the deadline day is on time.
func judge(end, due day) (uint8, int32) {
	if end <= due {
		return onTime, 0
	}
	return late, int32(end - due)
}

// answerDay is the day of the first full answer: the earliest answer of
// kind "answer" in Answers, else Answered. Corrections and additional
// answers never move it; neither does a holding answer.
func answerDay(q *parlq.Question) day {
	first := noDay
	for _, a := range q.Answers {
		if a.Kind != parlq.FinalAnswer {
			continue
		}
		if d := parseDay(a.Date); d != noDay && (first == noDay || d < first) {
			first = d
		}
	}
	if first != noDay {
		return first
	}
	return parseDay(q.Answered)
}

// exitWords name, in the sources' languages, the acts that end a question
// without an answer (matched in lower case, as parts of the act's text):
// Brussels "Caduc"/"Caduque", "vervallen", "Retirée par son auteur.",
// UK "Withdrawn".
var exitWords = map[parlq.Status][]string{
	parlq.Lapsed:    {"caduc", "verval", "lapse"},
	parlq.Withdrawn: {"retir", "withdraw", "ingetrokken", "intrek"},
}

// exitDay is the day a lapsed or withdrawn question left the clock: the
// earliest dated act whose text says it lapsed (or was withdrawn). When the
// record dates no such act, the question is stopped at the last day the
// record proves it open — its holding answer, else its reception — and
// known is false.
func exitDay(q *parlq.Question, recv day) (d day, known bool) {
	words := exitWords[q.Status]
	d = noDay
	for _, a := range q.Acts {
		act := strings.ToLower(a.Act)
		for _, w := range words {
			if strings.Contains(act, w) {
				if ad := parseDay(a.Date); ad != noDay && (d == noDay || ad < d) {
					d = ad
				}
				break
			}
		}
	}
	if d != noDay {
		return d, true
	}
	d = recv
	if h := parseDay(q.HoldingAnswered); h != noDay && h > d {
		d = h
	}
	return d, false
}
