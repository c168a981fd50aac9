package dataset

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser"
)

// BenchmarkLedger reads the ledger of a source of 20,000 listed questions
// (a Chamber legislature several times over), numbered per minister, none
// stored yet (the worst case: every listing's JSON is read), as every
// /metrics scrape and /sources page does; and the source's whole status.
func BenchmarkLedger(b *testing.B) {
	ctx := context.Background()
	ds, err := Open(ctx, b.TempDir(), Options{Command: "bench", Write: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ds.Close()
	src, _ := parser.Lookup("bechamber")
	const n = 20000
	refs := make([]parlq.Ref, 0, n)
	for i := range n {
		id := fmt.Sprintf("bechamber/chamber/56-%d-%04d-20252026%05d", i%20, i/20+1+(i/20)/97, i)
		refs = append(refs, parlq.Ref{ID: id, URL: "http://data.dekamer.be/v0/qrva/" + id, Type: parlq.WrittenQuestion,
			Listing: &parlq.Question{ID: id, Number: fmt.Sprint(i/20 + 1), Legislature: "56", Title: "A question on the subject"}})
	}
	if _, err := ds.Catalog().Track(ctx, "bechamber", refs); err != nil {
		b.Fatal(err)
	}
	b.Run("ledger", func(b *testing.B) {
		for b.Loop() {
			l, err := ds.ledger(ctx, src, 5)
			if err != nil {
				b.Fatal(err)
			}
			if l.Total.Listed != n || l.Total.GapNumbers == 0 {
				b.Fatalf("ledger total %+v", l.Total)
			}
		}
	})
	// The whole status of the source, the ledger included, for scale.
	b.Run("status", func(b *testing.B) {
		for b.Loop() {
			if _, err := ds.Status(ctx, []parlq.Source{src}, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
