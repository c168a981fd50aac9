package catalog

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestAddCaptureIdempotent(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	cp := Capture{Source: "brussels", URL: "https://example.test/q/1", QuestionID: "brussels/prb/1",
		RecordID: "<urn:uuid:1>", File: "a.warc.gz", Offset: 42, PayloadDigest: "sha1:P", NormDigest: "sha1:N",
		Status: 200, ETag: `"v1"`, LastModified: "Sat, 01 Mar 2025 10:00:00 GMT", FetchedAt: t0}
	id1, err := c.AddCapture(ctx, cp)
	if err != nil {
		t.Fatalf("AddCapture: %v", err)
	}
	cp.File = "b.warc.gz"
	id2, err := c.AddCapture(ctx, cp)
	if err != nil || id2 != id1 {
		t.Fatalf("AddCapture again = %d, %v; want %d", id2, err, id1)
	}
	got, err := c.CaptureByRecordID(ctx, cp.RecordID)
	if err != nil {
		t.Fatal(err)
	}
	want := cp
	want.ID, want.File, want.FetchedAt = id1, "a.warc.gz", stamp(t0)
	if *got != want {
		t.Errorf("CaptureByRecordID = %+v; want %+v", *got, want)
	}
	for name, bad := range map[string]Capture{
		"no record id": {Source: "brussels", URL: "u", FetchedAt: t0},
		"no url":       {Source: "brussels", RecordID: "r", FetchedAt: t0},
		"no time":      {Source: "brussels", URL: "u", RecordID: "r"},
		"unknown run":  {Source: "brussels", URL: "u", RecordID: "r", FetchedAt: t0, RunID: 99},
	} {
		if _, err := c.AddCapture(ctx, bad); err == nil {
			t.Errorf("AddCapture %s succeeded; want an error", name)
		}
	}
}

func TestValidators(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	q := pending("brussels", 1)
	url := q.URL
	if e, lm, err := c.Validators(ctx, url); e != "" || lm != "" || err != nil {
		t.Errorf("Validators of an unknown URL = %q, %q, %v; want empty", e, lm, err)
	}
	for i, step := range []struct {
		cp  Capture
		put bool // parsed and stored (Put), not just archived
	}{
		{Capture{Status: 200, ETag: `"old"`, LastModified: "Fri, 28 Feb 2025 10:00:00 GMT", FetchedAt: at(0)}, true},
		{Capture{Status: 200, ETag: `"new"`, LastModified: "Sat, 01 Mar 2025 10:00:00 GMT", FetchedAt: at(10)}, true},
		{Capture{Status: 503, ETag: `"error"`, FetchedAt: at(20)}, false},
		// Archived but never stored (the process died before Put, or the
		// parse failed): its validators would hide the page's content.
		{Capture{Status: 200, ETag: `"unparsed"`, FetchedAt: at(30)}, false},
		// Recorded late, fetched early.
		{Capture{Status: 200, ETag: `"older"`, FetchedAt: at(-10)}, false},
	} {
		cp := step.cp
		pc := capture(q, i)
		cp.Source, cp.URL, cp.QuestionID, cp.RecordID = "brussels", url, q.ID, pc.RecordID
		if _, err := c.AddCapture(ctx, cp); err != nil {
			t.Fatal(err)
		}
		if step.put {
			mustPut(t, c, q, pc, cp.FetchedAt)
		}
	}
	e, lm, err := c.Validators(ctx, url)
	if e != `"new"` || lm != "Sat, 01 Mar 2025 10:00:00 GMT" || err != nil {
		t.Errorf("Validators = %q, %q, %v; want the newest stored 200's", e, lm, err)
	}
}

func TestCapturesInFetchOrder(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	runID, err := c.StartRun(ctx, "brussels", t0)
	if err != nil {
		t.Fatal(err)
	}
	// More than a batch, recorded out of fetch order, with list pages and
	// another source among them.
	n := captureBatch + 44
	for i := range n {
		minute := (i * 7) % n // a permutation of 0..n-1
		cp := Capture{Source: "brussels", URL: fmt.Sprintf("https://example.test/q/%d", minute),
			QuestionID: fmt.Sprintf("brussels/prb/%d", minute), RecordID: fmt.Sprintf("<urn:uuid:q%d>", i),
			Status: 200, FetchedAt: at(minute), RunID: runID}
		if _, err := c.AddCapture(ctx, cp); err != nil {
			t.Fatal(err)
		}
	}
	for i, cp := range []Capture{
		{Source: "brussels", URL: "https://example.test/index", RecordID: "<urn:uuid:index>", Status: 200, FetchedAt: at(3)},
		{Source: "ukparl", URL: "https://example.test/uk/1", QuestionID: "ukparl/commons/1", RecordID: "<urn:uuid:uk>", Status: 200, FetchedAt: at(3)},
	} {
		if _, err := c.AddCapture(ctx, cp); err != nil {
			t.Fatalf("capture %d: %v", i, err)
		}
	}
	var prev Capture
	seen := 0
	err = c.Captures(ctx, "brussels", func(cp Capture) error {
		if cp.QuestionID == "" || cp.Source != "brussels" {
			t.Errorf("Captures gave %+v; want brussels question captures only", cp)
		}
		if seen > 0 && cp.FetchedAt.Before(prev.FetchedAt) {
			t.Errorf("capture %s fetched %v after %s fetched %v", cp.RecordID, cp.FetchedAt, prev.RecordID, prev.FetchedAt)
		}
		if cp.RunID != runID {
			t.Errorf("capture %s run = %d; want %d", cp.RecordID, cp.RunID, runID)
		}
		prev = cp
		seen++
		return nil
	})
	if err != nil || seen != n {
		t.Errorf("Captures = %v after %d; want nil after %d", err, seen, n)
	}
	all := 0
	c.Captures(ctx, "", func(Capture) error { all++; return nil })
	if all != n+1 {
		t.Errorf("Captures(\"\") visited %d; want %d", all, n+1)
	}
	stop := errors.New("stop")
	if err := c.Captures(ctx, "", func(Capture) error { return stop }); err != stop {
		t.Errorf("Captures with a failing fn = %v; want its error", err)
	}
}
