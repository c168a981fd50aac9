package catalog

import (
	"context"
	"sync"
	"testing"

	"github.com/parlq/parlq"
)

// TestConcurrentUse runs crawler-like workers and server-like readers on one
// *Catalog at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	const workers, perWorker = 4, 15
	var refs []parlq.Ref
	for i := range workers * perWorker {
		q := pending("brussels", i)
		refs = append(refs, parlq.Ref{ID: q.ID, URL: q.URL, Type: q.Type})
	}
	if _, err := c.Track(ctx, "brussels", refs); err != nil {
		t.Fatal(err)
	}
	runID, err := c.StartRun(ctx, "brussels", t0)
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range workers {
		wg.Go(func() {
			for k := range perWorker {
				i := w*perWorker + k
				q := pending("brussels", i)
				cp := capture(q, 1)
				if _, err := c.AddCapture(ctx, Capture{Source: "brussels", URL: q.URL, QuestionID: q.ID,
					RecordID: cp.RecordID, Status: 200, FetchedAt: at(i), RunID: runID}); err != nil {
					errs <- err
					return
				}
				if _, err := c.Put(ctx, q, cp, at(i)); err != nil {
					errs <- err
					return
				}
				a := answered(pending("brussels", i))
				if _, err := c.Put(ctx, a, capture(a, 2), at(i+1000)); err != nil {
					errs <- err
					return
				}
				if err := c.MarkFetched(ctx, q.ID, at(i+1000)); err != nil {
					errs <- err
					return
				}
				// A worker sharing the re-track of an index page.
				if _, err := c.Track(ctx, "brussels", refs[i:i+1]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range 3 {
		wg.Go(func() {
			for range 8 {
				if _, err := c.Stats(ctx, "brussels"); err != nil {
					errs <- err
					return
				}
				if _, err := c.Items(ctx, "brussels"); err != nil {
					errs <- err
					return
				}
				if err := c.Each(ctx, "", func(q *parlq.Question) error {
					_, err := c.Versions(ctx, q.ID)
					return err
				}); err != nil {
					errs <- err
					return
				}
				if _, _, err := c.Validators(ctx, "https://example.test/questions/160001"); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := c.Stats(ctx, "brussels")
	if err != nil || st.Records != workers*perWorker || st.ByStatus["answered"] != workers*perWorker {
		t.Errorf("Stats = %+v, %v; want %d answered", st, err, workers*perWorker)
	}
	if n := count(t, c, "versions", "1"); n != 2*workers*perWorker {
		t.Errorf("versions = %d; want %d", n, 2*workers*perWorker)
	}
	if n := count(t, c, "events", "1"); n != workers*perWorker {
		t.Errorf("events = %d; want %d", n, workers*perWorker)
	}
	if n := count(t, c, "tracking", "1"); n != workers*perWorker {
		t.Errorf("tracking rows = %d; want %d", n, workers*perWorker)
	}
}
