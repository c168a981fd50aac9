// Package history reads a question's stored versions the way people who
// watch parliaments use them: what changed from one version to the next,
// word by word (textdiff); what each version means (answered, a holding
// answer, a correction, a withdrawal…); and whether, and when, an answer
// was corrected or a holding answer replaced by the answer.
//
// Everything here is a pure function of the versions the catalog keeps,
// except LoadRevisions, which asks the catalog for the versions that
// changed an answer.
package history

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/textdiff"
)

// Kind says what a version means for the question.
type Kind string

// Version kinds, from the first one found true in this order (after New).
const (
	// New is a question's first version.
	New Kind = "new"
	// Withdrawn: the author withdrew the question.
	Withdrawn Kind = "withdrawn"
	// Lapsed: the question lapsed unanswered.
	Lapsed Kind = "lapsed"
	// HoldingReplaced: the answer replaced a holding answer.
	HoldingReplaced Kind = "holding_replaced"
	// Answered: the question got its answer.
	Answered Kind = "answered"
	// Holding: a holding answer (the department will answer later).
	Holding Kind = "holding_answer"
	// Corrected: a published answer changed.
	Corrected Kind = "corrected"
	// Changed: anything else (a text published, a date, the procedure).
	Changed Kind = "changed"
)

// Label is the kind in words, for pages and feeds.
func (k Kind) Label() string {
	switch k {
	case New:
		return "New question"
	case Withdrawn:
		return "Withdrawn"
	case Lapsed:
		return "Lapsed"
	case HoldingReplaced:
		return "Holding answer replaced by the answer"
	case Answered:
		return "Answered"
	case Holding:
		return "Holding answer"
	case Corrected:
		return "Answer corrected"
	case Changed:
		return "Changed"
	}
	return string(k)
}

// Classify says what cur, the version after prev, means; prev is nil for
// a first version.
func Classify(prev, cur *parlq.Question) Kind {
	switch {
	case prev == nil:
		return New
	case cur.Status == parlq.Withdrawn && prev.Status != parlq.Withdrawn:
		return Withdrawn
	case cur.Status == parlq.Lapsed && prev.Status != parlq.Lapsed:
		return Lapsed
	case cur.Status == parlq.Answered && prev.Status != parlq.Answered:
		if heldBefore(prev) {
			return HoldingReplaced
		}
		return Answered
	case cur.Status == parlq.Pending && cur.HoldingAnswered != "" && (cur.HoldingAnswered != prev.HoldingAnswered || cur.Answer != prev.Answer):
		return Holding
	case cur.Corrected != "" && cur.Corrected != prev.Corrected,
		prev.Answer != "" && cur.Answer != "" && cur.Answer != prev.Answer:
		return Corrected
	}
	return Changed
}

// heldBefore reports whether q had a holding answer and no final one.
func heldBefore(q *parlq.Question) bool {
	return q.Status != parlq.Answered && (q.HoldingAnswered != "" || q.Answer != "")
}

// Change is how one field changed between two versions.
type Change struct {
	// Field is the record's JSON name of the field.
	Field string `json:"field"`
	// Diff is the word diff of the field's text (FieldText) from the
	// previous version to this one.
	Diff []textdiff.Op `json:"diff"`
	// Text is the same diff readable as text: [-deleted-]{+inserted+}.
	Text string `json:"text"`
}

// Diff returns how each of fields changed from prev to cur, in the order
// given; prev nil means every field is new.
func Diff(prev, cur *parlq.Question, fields []string) []Change {
	var before, after map[string]json.RawMessage
	if prev != nil {
		before = fieldsJSON(prev)
	}
	after = fieldsJSON(cur)
	out := make([]Change, 0, len(fields))
	for _, f := range fields {
		ops := textdiff.Words(flatten(before[f]), flatten(after[f]))
		out = append(out, Change{Field: f, Diff: ops, Text: textdiff.Text(ops)})
	}
	return out
}

// FieldText is a field of q as text: a string as it is; a date, number or
// status as written; an object as "key: value" lines; a list as one line
// per item. Fields are named by their JSON names.
func FieldText(q *parlq.Question, field string) string {
	return flatten(fieldsJSON(q)[field])
}

func fieldsJSON(q *parlq.Question) map[string]json.RawMessage {
	b, err := json.Marshal(q)
	if err != nil {
		panic(fmt.Sprintf("history: a record does not marshal: %v", err)) // plain data: cannot happen
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		panic(fmt.Sprintf("history: a record's JSON does not read back: %v", err))
	}
	return m
}

// flatten renders a JSON value as text (see FieldText), keeping the order
// of object keys as the record writes them: an object as "key: value"
// lines, a list as one line per item.
func flatten(raw json.RawMessage) string { return render(raw, "\n", "\n") }

// inline renders a JSON value on one line: an object as "key: value"
// pairs separated by "; ", a list by ", ".
func inline(raw json.RawMessage) string { return render(raw, "; ", ", ") }

// render renders a JSON value with its members separated by objSep and
// its items by listSep; nested values go inline.
func render(raw json.RawMessage, objSep, listSep string) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		if objSep != "\n" {
			s = strings.ReplaceAll(s, "\n", " ")
		}
		return s
	case '{':
		var parts []string
		for _, m := range members(raw) {
			parts = append(parts, m.key+": "+inline(m.value))
		}
		return strings.Join(parts, objSep)
	case '[':
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = inline(it)
		}
		return strings.Join(parts, listSep)
	}
	return string(raw)
}

// member is one key and value of a JSON object.
type member struct {
	key   string
	value json.RawMessage
}

// members returns an object's keys and raw values in document order.
func members(raw json.RawMessage) []member {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		out = append(out, member{key, v})
	}
	return out
}

// Step is one stored version read against the one before it.
type Step struct {
	Version int
	// At is when the page of this version was fetched.
	At     time.Time
	Kind   Kind
	Record *parlq.Question
	// Changes are the fields that changed from the previous version, in
	// record order; empty for the first version.
	Changes []Change
}

// Steps reads versions (oldest first, as the catalog returns them).
func Steps(vs []catalog.Version) []Step {
	out := make([]Step, len(vs))
	var prev *parlq.Question
	for i := range vs {
		cur := &vs[i].Record
		out[i] = Step{Version: vs[i].Version, At: vs[i].At, Kind: Classify(prev, cur), Record: cur}
		if prev != nil {
			out[i].Changes = Diff(prev, cur, vs[i].Changed)
		}
		prev = cur
	}
	return out
}

// Revision says that a question's answer was corrected, or its holding
// answer replaced by the answer.
type Revision struct {
	// Kind is Corrected or HoldingReplaced.
	Kind Kind `json:"kind"`
	// Date is the day of the revision, "YYYY-MM-DD": the source's own date
	// (a correction date, the answer date) when it gives one, else the day
	// parlq first saw the revised answer.
	Date string `json:"date"`
	// Version is the version that carried the revision; 0 when only the
	// record tells (parlq first saw the question already revised).
	Version int `json:"version,omitempty"`
}

// revisionOf is the revision cur, fetched at at, makes of prev's answer,
// if any: a published answer that changed, or a holding answer the answer
// replaced.
func revisionOf(prev, cur *parlq.Question, version int, at time.Time) (Revision, bool) {
	if prev.Answer == "" || cur.Answer == "" || prev.Answer == cur.Answer && prev.Corrected == cur.Corrected {
		return Revision{}, false
	}
	seen := at.UTC().Format(parlq.DateLayout)
	if heldBefore(prev) {
		if cur.Status != parlq.Answered {
			return Revision{}, false // a holding answer rewritten is still a holding answer
		}
		return Revision{Kind: HoldingReplaced, Date: or(cur.Answered, seen), Version: version}, true
	}
	date := seen
	if cur.Corrected != "" && cur.Corrected != prev.Corrected {
		date = cur.Corrected
	}
	return Revision{Kind: Corrected, Date: date, Version: version}, true
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Revisions lists every revision of the answer in steps, oldest first.
func Revisions(steps []Step) []Revision {
	var out []Revision
	for i := 1; i < len(steps); i++ {
		if r, ok := revisionOf(steps[i-1].Record, steps[i].Record, steps[i].Version, steps[i].At); ok {
			out = append(out, r)
		}
	}
	return out
}

// FromRecord is the revision a record tells of by itself, when parlq has
// not seen it happen: a correction date, a corrected answer among its
// answers, or a holding answer before its answer.
func FromRecord(q *parlq.Question) (Revision, bool) {
	if q.Corrected != "" {
		return Revision{Kind: Corrected, Date: q.Corrected}, true
	}
	for i := len(q.Answers) - 1; i >= 0; i-- {
		if q.Answers[i].Kind == parlq.CorrectedAnswer {
			return Revision{Kind: Corrected, Date: q.Answers[i].Date}, true
		}
	}
	if q.Status == parlq.Answered && q.HoldingAnswered != "" {
		return Revision{Kind: HoldingReplaced, Date: q.Answered}, true
	}
	return Revision{}, false
}

// Latest is q's latest answer revision: the last one parlq saw among
// seen (from Revisions or LoadRevisions), else the one the record tells of.
func Latest(q *parlq.Question, seen []Revision) (Revision, bool) {
	if len(seen) > 0 {
		return seen[len(seen)-1], true
	}
	return FromRecord(q)
}

// LoadRevisions returns the answer revisions parlq saw of the questions ids
// (nil: every question), oldest first, by question id: one query for any
// number of questions, for result pages and exports.
func LoadRevisions(ctx context.Context, cat *catalog.Catalog, ids []string) (map[string][]Revision, error) {
	ts, err := cat.Transitions(ctx, "answer", ids)
	if err != nil {
		return nil, err
	}
	out := map[string][]Revision{}
	for _, t := range ts {
		if r, ok := revisionOf(&t.Before.Record, &t.After.Record, t.After.Version, t.After.At); ok {
			out[t.QuestionID] = append(out[t.QuestionID], r)
		}
	}
	return out, nil
}
