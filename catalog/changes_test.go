package catalog

import (
	"context"
	"testing"

	"github.com/parlq/parlq"
)

func TestTransitionsLastStoredCapturesOf(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	if last, err := c.LastStored(ctx); err != nil || !last.IsZero() {
		t.Fatalf("LastStored of an empty catalog = %v, %v; want the zero time", last, err)
	}
	// q1: answered (answer appears), then corrected (answer changes).
	q1 := pending("brussels", 1)
	put := func(q *parlq.Question, rid string, n int) {
		t.Helper()
		if _, err := c.AddCapture(ctx, Capture{Source: q.Source, URL: q.URL, QuestionID: q.ID, RecordID: rid, Status: 200, FetchedAt: at(n)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Put(ctx, q, parlq.Capture{RecordID: rid, URL: q.URL}, at(n)); err != nil {
			t.Fatal(err)
		}
	}
	put(q1, "<urn:uuid:1>", 0)
	a := *q1
	a.Status, a.Answered, a.Answer = parlq.Answered, "2025-02-01", "Le taux est de 1%."
	put(&a, "<urn:uuid:2>", 10)
	// The same page again: a confirmation, no version.
	if _, err := c.AddCapture(ctx, Capture{Source: a.Source, URL: a.URL, QuestionID: a.ID, RecordID: "<urn:uuid:3>", Status: 200, FetchedAt: at(15)}); err != nil {
		t.Fatal(err)
	}
	if err := c.Confirm(ctx, a.ID, "<urn:uuid:3>", at(15)); err != nil {
		t.Fatal(err)
	}
	b := a
	b.Answer = "Le taux est de 1,4%."
	put(&b, "<urn:uuid:4>", 20)
	// q2: only answered.
	q2 := pending("brussels", 2)
	put(q2, "<urn:uuid:5>", 1)
	a2 := *q2
	a2.Status, a2.Answered, a2.Answer = parlq.Answered, "2025-02-02", "Réponse."
	put(&a2, "<urn:uuid:6>", 30)

	all, err := c.Transitions(ctx, "answer", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("%d answer transitions; want 3: %+v", len(all), all)
	}
	if all[0].QuestionID != q1.ID || all[0].Before.Version != 1 || all[0].After.Version != 2 ||
		all[1].Before.Record.Answer != "Le taux est de 1%." || all[1].After.Record.Answer != "Le taux est de 1,4%." ||
		!all[1].After.At.Equal(stamp(at(20))) || all[2].QuestionID != q2.ID {
		t.Errorf("transitions %+v", all)
	}
	some, err := c.Transitions(ctx, "answer", []string{q2.ID, "brussels/prb/none"})
	if err != nil || len(some) != 1 || some[0].QuestionID != q2.ID {
		t.Errorf("transitions of q2: %+v, %v", some, err)
	}
	if none, err := c.Transitions(ctx, "answer", []string{}); err != nil || len(none) != 0 {
		t.Errorf("transitions of no question: %+v, %v", none, err)
	}
	// "answered" is another field: "answer" must not match it by prefix.
	if ts, err := c.Transitions(ctx, "answere", nil); err != nil || len(ts) != 0 {
		t.Errorf("a field name prefix matched: %+v, %v", ts, err)
	}

	if last, err := c.LastStored(ctx); err != nil || !last.Equal(stamp(at(30))) {
		t.Errorf("LastStored = %v, %v; want %v", last, err, at(30))
	}

	caps, err := c.CapturesOf(ctx, q1.URL)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, cp := range caps {
		got = append(got, cp.Version)
	}
	if len(caps) != 4 || caps[0].RecordID != "<urn:uuid:1>" || caps[2].RecordID != "<urn:uuid:3>" ||
		got[0] != 1 || got[1] != 2 || got[2] != 2 || got[3] != 3 {
		t.Errorf("captures of q1: %d, versions %v", len(caps), got)
	}
}
