package history

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/textdiff"
)

func base() parlq.Question {
	return parlq.Question{
		ID: "ukparl/commons/7", Source: "ukparl", Parliament: "House of Commons", Assembly: "commons",
		URL: "https://example.test/7", Language: "en", Type: parlq.WrittenQuestion, Title: "School buses",
		Author: parlq.Person{Name: "A Member", Party: "Labour"}, Addressee: parlq.Person{Name: "A Minister", Body: "Department for Education"},
		Received: "2025-01-06", Status: parlq.Pending, Question: "How many school buses run?",
	}
}

func TestClassify(t *testing.T) {
	pending := base()
	holding := pending
	holding.HoldingAnswered, holding.Answer = "2025-01-10", "The Department will answer shortly."
	answered := pending
	answered.Status, answered.Answered, answered.Answer = parlq.Answered, "2025-01-12", "Twelve buses run, 1% of the fleet."
	final := holding
	final.Status, final.Answered, final.Answer = parlq.Answered, "2025-01-20", "Twelve buses run."
	corrected := answered
	corrected.Answer, corrected.Corrected = "Twelve buses run, 1,4% of the fleet.", "2025-01-25"
	silent := answered
	silent.Answer = "Thirteen buses run, 1% of the fleet."
	withdrawn := pending
	withdrawn.Status = parlq.Withdrawn
	lapsed := pending
	lapsed.Status = parlq.Lapsed
	retitled := pending
	retitled.Title = "School buses in the county"
	for _, tc := range []struct {
		name      string
		prev, cur *parlq.Question
		want      Kind
	}{
		{"first", nil, &pending, New},
		{"answered", &pending, &answered, Answered},
		{"holding", &pending, &holding, Holding},
		{"holding replaced", &holding, &final, HoldingReplaced},
		{"corrected with a date", &answered, &corrected, Corrected},
		{"answer changed silently", &answered, &silent, Corrected},
		{"withdrawn", &pending, &withdrawn, Withdrawn},
		{"lapsed", &pending, &lapsed, Lapsed},
		{"title", &pending, &retitled, Changed},
	} {
		if got := Classify(tc.prev, tc.cur); got != tc.want {
			t.Errorf("%s: Classify = %s; want %s", tc.name, got, tc.want)
		}
	}
}

func TestFieldTextAndDiff(t *testing.T) {
	q := base()
	q.Acts = []parlq.Act{{Date: "2025-01-06", Act: "Tabled"}, {Date: "2025-01-12", Act: "Answered", Actor: "A Minister"}}
	for field, want := range map[string]string{
		"title":     "School buses",
		"status":    "pending",
		"answered":  "",
		"addressee": "name: A Minister\nbody: Department for Education",
		"acts":      "date: 2025-01-06; act: Tabled\ndate: 2025-01-12; act: Answered; actor: A Minister",
		"nosuch":    "",
	} {
		if got := FieldText(&q, field); got != want {
			t.Errorf("FieldText(%s) = %q; want %q", field, got, want)
		}
	}
	cur := q
	cur.Status, cur.Answered, cur.Answer = parlq.Answered, "2025-01-12", "Twelve buses run."
	ch := Diff(&q, &cur, []string{"status", "answered", "answer"})
	want := []Change{
		{Field: "status", Diff: []textdiff.Op{{Kind: textdiff.Delete, Text: "pending"}, {Kind: textdiff.Insert, Text: "answered"}}, Text: "[-pending-]{+answered+}"},
		{Field: "answered", Diff: []textdiff.Op{{Kind: textdiff.Insert, Text: "2025-01-12"}}, Text: "{+2025-01-12+}"},
		{Field: "answer", Diff: []textdiff.Op{{Kind: textdiff.Insert, Text: "Twelve buses run."}}, Text: "{+Twelve buses run.+}"},
	}
	if !reflect.DeepEqual(ch, want) {
		t.Errorf("Diff = %+v\nwant %+v", ch, want)
	}
}

func TestRevisions(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	t0 := time.Date(2025, 1, 6, 3, 0, 0, 0, time.UTC)
	put := func(q parlq.Question, day int) {
		t.Helper()
		if _, err := cat.Put(ctx, &q, parlq.Capture{}, t0.AddDate(0, 0, day)); err != nil {
			t.Fatal(err)
		}
	}
	// A holding answer, replaced, then corrected without a date.
	q := base()
	put(q, 0)
	q.HoldingAnswered, q.Answer = "2025-01-10", "The Department will answer shortly."
	put(q, 4)
	q.Status, q.Answered, q.Answer = parlq.Answered, "2025-01-20", "Twelve buses run."
	put(q, 14)
	q.Answer = "Thirteen buses run."
	put(q, 30)
	// Another question, answered once: no revision.
	p := base()
	p.ID = "ukparl/commons/8"
	put(p, 0)
	p.Status, p.Answered, p.Answer = parlq.Answered, "2025-01-08", "Yes."
	put(p, 2)

	vs, err := cat.Versions(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	steps := Steps(vs)
	var kinds []Kind
	for _, s := range steps {
		kinds = append(kinds, s.Kind)
	}
	if want := []Kind{New, Holding, HoldingReplaced, Corrected}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds %v; want %v", kinds, want)
	}
	if len(steps[0].Changes) != 0 || len(steps[3].Changes) != 1 || steps[3].Changes[0].Text != "[-Twelve-]{+Thirteen+} buses run." {
		t.Errorf("changes of the correction: %+v", steps[3].Changes)
	}
	want := []Revision{{Kind: HoldingReplaced, Date: "2025-01-20", Version: 3}, {Kind: Corrected, Date: "2025-02-05", Version: 4}}
	if got := Revisions(steps); !reflect.DeepEqual(got, want) {
		t.Errorf("Revisions = %+v; want %+v", got, want)
	}
	loaded, err := LoadRevisions(ctx, cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(loaded, map[string][]Revision{q.ID: want}) {
		t.Errorf("LoadRevisions = %+v", loaded)
	}
	if r, ok := Latest(&q, loaded[q.ID]); !ok || r != want[1] {
		t.Errorf("Latest = %+v, %v", r, ok)
	}
	if _, ok := Latest(&p, loaded[p.ID]); ok {
		t.Errorf("a question answered once has a revision")
	}
	// What the record tells when parlq did not see it happen.
	uk := base()
	uk.Status, uk.Answered, uk.Answer, uk.HoldingAnswered = parlq.Answered, "2025-01-20", "Twelve.", "2025-01-10"
	if r, ok := FromRecord(&uk); !ok || r != (Revision{Kind: HoldingReplaced, Date: "2025-01-20"}) {
		t.Errorf("FromRecord(holding then answer) = %+v, %v", r, ok)
	}
	uk.Corrected = "2025-01-22"
	if r, ok := FromRecord(&uk); !ok || r != (Revision{Kind: Corrected, Date: "2025-01-22"}) {
		t.Errorf("FromRecord(corrected) = %+v, %v", r, ok)
	}
}
