package catalog

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/parlq/parlq"
)

func TestRuns(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	id1, err := c.StartRun(ctx, "brussels", at(0))
	if err != nil {
		t.Fatalf("StartRun: %v", err)
	}
	last, err := c.LastRun(ctx, "brussels")
	if err != nil || last.ID != id1 || last.Outcome != RunRunning || !last.Finished.IsZero() {
		t.Fatalf("LastRun = %+v, %v; want run %d running", last, err, id1)
	}
	if _, err := c.LastGoodRun(ctx, "brussels"); !errors.Is(err, ErrNotFound) {
		t.Errorf("LastGoodRun while running = %v; want ErrNotFound", err)
	}
	done := Run{ID: id1, Finished: at(30), Outcome: RunOK, Requests: 12, Discovered: 10, New: 3, Changed: 2,
		Unchanged: 4, NotModified: 1, Failed: 0, Skipped: 5}
	if err := c.FinishRun(ctx, done); err != nil {
		t.Fatalf("FinishRun: %v", err)
	}
	good, err := c.LastGoodRun(ctx, "brussels")
	want := done
	want.Source, want.Started, want.Finished = "brussels", stamp(at(0)), stamp(at(30))
	if err != nil || !reflect.DeepEqual(*good, want) {
		t.Errorf("LastGoodRun = %+v, %v; want %+v", good, err, want)
	}
	if err := c.FinishRun(ctx, Run{ID: id1, Outcome: "great"}); err == nil {
		t.Error("FinishRun with an unknown outcome succeeded; want an error")
	}

	failed, _ := c.StartRun(ctx, "brussels", at(60))
	if err := c.FinishRun(ctx, Run{ID: failed, Finished: at(61), Outcome: RunFailed, Error: "discovered nothing"}); err != nil {
		t.Fatal(err)
	}
	// A run left running by a killed process.
	killed, _ := c.StartRun(ctx, "brussels", at(120))
	other, _ := c.StartRun(ctx, "ukparl", at(130))
	c.Close()

	c, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer c.Close()
	last, err = c.LastRun(ctx, "brussels")
	if err != nil || last.ID != killed || last.Outcome != RunInterrupted || last.Error == "" {
		t.Errorf("LastRun after reopen = %+v, %v; want run %d interrupted with an explanation", last, err, killed)
	}
	if good, _ := c.LastGoodRun(ctx, "brussels"); good == nil || good.ID != id1 {
		t.Errorf("LastGoodRun after reopen = %+v; want run %d", good, id1)
	}
	runs, err := c.Runs(ctx, "brussels", 2)
	if err != nil || len(runs) != 2 || runs[0].ID != killed || runs[1].ID != failed || runs[1].Error != "discovered nothing" {
		t.Errorf("Runs(brussels, 2) = %+v, %v; want runs %d, %d", runs, err, killed, failed)
	}
	all, _ := c.Runs(ctx, "", 0)
	if len(all) != 4 || all[0].ID != other || all[0].Outcome != RunInterrupted {
		t.Errorf("Runs(\"\", 0) = %+v; want 4 runs, the ukparl one first and interrupted", all)
	}
}

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	q := pending("brussels", 1)
	mustPut(t, c, q, capture(q, 1), at(0))
	running, err := c.StartRun(ctx, "brussels", at(0))
	if err != nil {
		t.Fatal(err)
	}

	// A reader beside the running harvest sees its data and leaves its run alone.
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer ro.Close()
	if got, err := ro.Get(ctx, q.ID); err != nil || got.Version != 1 {
		t.Errorf("read-only Get = %+v, %v; want version 1", got, err)
	}
	if r, _ := ro.LastRun(ctx, "brussels"); r == nil || r.ID != running || r.Outcome != RunRunning {
		t.Errorf("read-only LastRun = %+v; want run %d still running", r, running)
	}
	if _, err := ro.Put(ctx, pending("brussels", 2), parlq.Capture{}, at(1)); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only Put = %v; want ErrReadOnly", err)
	}
	if _, err := ro.Track(ctx, "brussels", nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only Track = %v; want ErrReadOnly", err)
	}
	// The writer's later commits are visible to the reader.
	mustPut(t, c, answered(pending("brussels", 1)), capture(q, 2), at(10))
	if got, _ := ro.Get(ctx, q.ID); got == nil || got.Version != 2 {
		t.Errorf("read-only Get after a write = %+v; want version 2", got)
	}
	if err := ro.Close(); err != nil {
		t.Errorf("read-only Close: %v", err)
	}

	if _, err := OpenReadOnly(ctx, path+".missing"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("OpenReadOnly of a missing file = %v; want an error naming it", err)
	}
}
