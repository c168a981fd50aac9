package catalog

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
)

// TestLedgerItems: a question listed only (with what its listing tells), one
// listed and stored (the record's values win), one failing; the failed and
// first runs.
func TestLedgerItems(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	if _, err := c.LastFailedRun(ctx, "bechamber"); !errors.Is(err, ErrNotFound) {
		t.Errorf("last failed run of nothing: %v; want ErrNotFound", err)
	}
	refs := []parlq.Ref{
		{ID: "bechamber/chamber/56-1-0001-2025202600001", URL: "http://x/1", Type: parlq.WrittenQuestion, Received: "2025-10-01",
			Listing: &parlq.Question{Number: "1", Legislature: "56"}},
		{ID: "bechamber/chamber/56-1-0002-2025202600002", URL: "http://x/2", Type: parlq.WrittenQuestion,
			Listing: &parlq.Question{Number: "2", Legislature: "56"}},
	}
	if _, err := c.Track(ctx, "bechamber", refs); err != nil {
		t.Fatal(err)
	}
	q := &parlq.Question{ID: refs[0].ID, Source: "bechamber", Assembly: "chamber", URL: "http://x/1", Language: "fr",
		Type: parlq.WrittenQuestion, Number: "1", Legislature: "55", Received: "2025-10-02", Title: "T", Status: parlq.Pending}
	at := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	if _, err := c.Put(ctx, q, parlq.Capture{RecordID: "<urn:uuid:1>"}, at); err != nil {
		t.Fatal(err)
	}
	if err := c.MarkFailed(ctx, refs[1].ID, at, "status 404"); err != nil {
		t.Fatal(err)
	}
	items, err := c.LedgerItems(ctx, "bechamber")
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(items, func(a, b LedgerItem) int { return strings.Compare(a.ID, b.ID) })
	want := []LedgerItem{
		{ID: refs[0].ID, Type: parlq.WrittenQuestion, Number: "1", Legislature: "55", Received: "2025-10-02", Stored: true, Status: parlq.Pending},
		{ID: refs[1].ID, Type: parlq.WrittenQuestion, Number: "2", Legislature: "56", Failures: 1, LastError: "status 404"},
	}
	if !slices.Equal(items, want) {
		t.Errorf("ledger items\n got %+v\nwant %+v", items, want)
	}
	if other, err := c.LedgerItems(ctx, "ukparl"); err != nil || len(other) != 0 {
		t.Errorf("another source: %+v, %v", other, err)
	}

	for i, outcome := range []string{RunFailed, RunOK, RunInterrupted, RunOK} {
		id, err := c.StartRun(ctx, "bechamber", at.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.FinishRun(ctx, Run{ID: id, Outcome: outcome, Finished: at.Add(time.Duration(i)*time.Hour + time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := c.LastFailedRun(ctx, "bechamber"); err != nil || r.Outcome != RunInterrupted || !r.Started.Equal(at.Add(2*time.Hour)) {
		t.Errorf("last failed run %+v, %v; want the interrupted third", r, err)
	}
	if r, err := c.FirstRun(ctx, "bechamber"); err != nil || !r.Started.Equal(at) || r.Outcome != RunFailed {
		t.Errorf("first run %+v, %v", r, err)
	}
}
