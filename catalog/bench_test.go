package catalog

import (
	"context"
	"fmt"
	"testing"

	"github.com/parlq/parlq"
)

// BenchmarkPut stores realistic records (about 5 KB of question and answer
// text, acts, people): a new question, the same content again, and a change
// (pending <-> answered) per operation. Each Put is one durable transaction.
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	sample := answered(pending("brussels", 1))
	b.Logf("record text: %d bytes", len(sample.Question)+len(sample.Answer))

	b.Run("new", func(b *testing.B) {
		c, _ := openTest(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			q := answered(pending("brussels", i))
			if _, err := c.Put(ctx, q, capture(q, 1), at(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		c, _ := openTest(b)
		q := answered(pending("brussels", 1))
		mustPut(b, c, q, capture(q, 0), at(0))
		b.ReportAllocs()
		i := 1
		for b.Loop() {
			q := answered(pending("brussels", 1))
			if res, err := c.Put(ctx, q, capture(q, i), at(i)); err != nil || res.Outcome != Unchanged {
				b.Fatal(res, err)
			}
			i++
		}
	})
	b.Run("changed", func(b *testing.B) {
		c, _ := openTest(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			q := pending("brussels", 1)
			if i%2 == 1 {
				q = answered(q)
			}
			if _, err := c.Put(ctx, q, capture(q, i), at(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkTrack records an index of 10,000 refs with listings: first when
// they are all new, then when they are all known (the nightly case).
func BenchmarkTrack(b *testing.B) {
	ctx := context.Background()
	refs := func(prefix string) []parlq.Ref {
		rs := make([]parlq.Ref, 10000)
		for i := range rs {
			native := fmt.Sprintf("%s%d", prefix, 160000+i)
			rs[i] = parlq.Ref{
				ID: parlq.MakeID("brussels", "PRB", native), URL: "https://example.test/questions/" + native,
				Type: parlq.WrittenQuestion, Received: "2025-01-15", Updated: "2025-02-27",
				Listing: &parlq.Question{Title: "Question écrite concernant les capteurs de qualité de l'air " + native,
					Author:       parlq.Person{Name: "Élise Martin"},
					Addressee:    parlq.Person{Name: "Jean Dupont", Role: "Ministre chargé de l'Environnement"},
					Translations: map[string]parlq.Translation{"nl": {Title: "Schriftelijke vraag over luchtkwaliteitssensoren"}}},
			}
		}
		return rs
	}
	b.Run("new", func(b *testing.B) {
		c, _ := openTest(b)
		i := 0
		for b.Loop() {
			rs := refs(fmt.Sprintf("r%d-", i))
			if n, err := c.Track(ctx, "brussels", rs); err != nil || n != len(rs) {
				b.Fatal(n, err)
			}
			i++
		}
	})
	b.Run("known", func(b *testing.B) {
		c, _ := openTest(b)
		rs := refs("")
		if _, err := c.Track(ctx, "brussels", rs); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if n, err := c.Track(ctx, "brussels", rs); err != nil || n != 0 {
				b.Fatal(n, err)
			}
		}
	})
}

// BenchmarkPutChecked is BenchmarkPut through the guard a harvest uses:
// a new question checked against its listing, an answer added (changed,
// allowed), and a reading that drops the answer (held back as suspect).
func BenchmarkPutChecked(b *testing.B) {
	ctx := context.Background()
	b.Run("new", func(b *testing.B) {
		c, _ := openTest(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			q := answered(pending("brussels", i))
			listing := pending("brussels", i)
			if _, err := c.PutChecked(ctx, q, capture(q, 1), at(i), Check{Listing: listing}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("changed", func(b *testing.B) {
		c, _ := openTest(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			q := answered(pending("brussels", i/2))
			if i%2 == 0 {
				q = pending("brussels", i/2)
			}
			if res, err := c.PutChecked(ctx, q, capture(q, i), at(i), Check{}); err != nil || res.Outcome == Suspect {
				b.Fatal(res, err)
			}
			i++
		}
	})
	b.Run("suspect", func(b *testing.B) {
		c, _ := openTest(b)
		q := answered(pending("brussels", 1))
		mustPut(b, c, q, capture(q, 0), at(0))
		b.ReportAllocs()
		i := 1
		for b.Loop() {
			worse := pending("brussels", 1)
			cp := capture(worse, i)
			if _, err := c.AddCapture(ctx, Capture{Source: "brussels", URL: worse.URL, QuestionID: worse.ID,
				RecordID: cp.RecordID, Status: 200, FetchedAt: at(i)}); err != nil {
				b.Fatal(err)
			}
			if res, err := c.PutChecked(ctx, worse, cp, at(i), Check{}); err != nil || res.Outcome != Suspect {
				b.Fatal(res, err)
			}
			i++
		}
	})
}
