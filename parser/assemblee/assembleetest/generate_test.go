package assembleetest_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a := assembleetest.Generate(200, start, 365)
	b := assembleetest.Generate(200, start, 365)
	if len(a) != 200 || !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same arguments differ")
	}
	if c := assembleetest.Generate(200, start.AddDate(0, 0, 1), 365); reflect.DeepEqual(a[:10], c[:10]) {
		t.Error("another start gives the same questions")
	}
	for i, q := range a {
		if q.Number != i+1 || q.Published.Weekday() != time.Tuesday {
			t.Fatalf("question %d: number %d published on a %s", i, q.Number, q.Published.Weekday())
		}
	}
}

// TestGenerateShape: the proportions of a year of a generated legislature,
// read by the parser with the generated references.
func TestGenerateShape(t *testing.T) {
	const n = 2000
	all := assembleetest.Generate(n, start, 365)
	end := start.AddDate(0, 0, 364)
	now := assembleetest.AsOf(all, end)
	src, err := assemblee.New().WithReferences([]parlq.Document{{URL: "amo", Body: assembleetest.Zip(assembleetest.GenerateReferences(all, end), end)}})
	if err != nil {
		t.Fatal(err)
	}
	count := map[parlq.Status]int{}
	var reassigned, renewed, signalled, smart, tables int
	for _, q := range now {
		rec, err := src.Parse("https://www.assemblee-nationale.fr/dyn/opendata/"+q.UID()+".json", q.JSON())
		if err != nil {
			t.Fatalf("%s: %v", q.UID(), err)
		}
		count[rec.Status]++
		for _, a := range rec.Acts {
			switch a.Act {
			case "Question réattribuée":
				reassigned++
			case "Question renouvelée":
				renewed++
			case "Question signalée":
				signalled++
			}
		}
		if bytes.Contains([]byte(rec.Question), []byte("villes intelligentes")) {
			smart++
		}
		if bytes.Contains([]byte(rec.Answer), []byte("\t")) {
			tables++
		}
		if rec.Author.Name == "" || rec.Addressee.Name == "" || rec.Author.Party == "" {
			t.Fatalf("%s: author %+v addressee %+v", q.UID(), rec.Author, rec.Addressee)
		}
	}
	between := func(what string, got, lo, hi int) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %d; want %d to %d", what, got, lo, hi)
		}
	}
	between("questions", len(now), n-100, n)
	between("answered", count[parlq.Answered], n*40/100, n*65/100)
	between("pending", count[parlq.Pending], n*25/100, n*55/100)
	between("lapsed", count[parlq.Lapsed], 1, n*5/100)
	between("withdrawn", count[parlq.Withdrawn], 1, n*3/100)
	between("reattributions (a change of government half way)", reassigned, n*30/100, n)
	between("renewed", renewed, n*2/100, n*10/100)
	between("signalled", signalled, n*1/100, n*6/100)
	between("smart cities", smart, n*9/100, n*11/100)
	between("answers with a table", tables, 1, n*4/100)
}

// TestAsOfAndChangedOn: questions only grow over time, and ChangedOn is
// exactly what differs from the day before.
func TestAsOfAndChangedOn(t *testing.T) {
	all := assembleetest.Generate(300, start, 120)
	prev := map[string][]byte{}
	for _, q := range assembleetest.AsOf(all, start.AddDate(0, 0, -1)) {
		prev[q.UID()] = q.JSON()
	}
	if len(prev) != 0 {
		t.Fatalf("%d questions before the start", len(prev))
	}
	changedDays := 0
	for d := range 120 {
		day := start.AddDate(0, 0, d)
		cur := map[string][]byte{}
		var diff []string
		for _, q := range assembleetest.AsOf(all, day) {
			cur[q.UID()] = q.JSON()
			if !bytes.Equal(prev[q.UID()], cur[q.UID()]) {
				diff = append(diff, q.UID())
			}
		}
		if len(cur) < len(prev) {
			t.Fatalf("day %d: %d questions, %d the day before", d, len(cur), len(prev))
		}
		var got []string
		for _, q := range assembleetest.ChangedOn(all, day) {
			got = append(got, q.UID())
			if !bytes.Equal(q.JSON(), cur[q.UID()]) {
				t.Fatalf("day %d: ChangedOn's %s is not AsOf's", d, q.UID())
			}
		}
		if !reflect.DeepEqual(got, diff) {
			t.Fatalf("day %d (%s): ChangedOn %v; the documents that changed %v", d, day.Weekday(), got, diff)
		}
		if len(diff) > 0 {
			changedDays++
		}
		prev = cur
	}
	if changedDays < 17 {
		t.Errorf("%d days with changes in 120; want at least the Tuesdays", changedDays)
	}
}
