package catalog

import (
	"context"
	"errors"
	"testing"

	"github.com/parlq/parlq"
)

func TestLastDocument(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	const dump = "https://data.example.test/dump.zip"
	if _, err := c.LastDocument(ctx, dump); !errors.Is(err, ErrNotFound) {
		t.Fatalf("LastDocument of an unknown URL = %v; want ErrNotFound", err)
	}
	for i, cp := range []Capture{
		{RecordID: "<urn:uuid:d1>", Status: 200, NormDigest: "sha256:a", ETag: `"1"`, FetchedAt: at(0)},
		{RecordID: "<urn:uuid:d2>", Status: 200, NormDigest: "sha256:b", ETag: `"2"`, FetchedAt: at(10)},
		{RecordID: "<urn:uuid:d3>", Status: 200, ETag: `"3"`, FetchedAt: at(20)},                             // no digest: not a dump capture
		{RecordID: "<urn:uuid:d4>", Status: 500, NormDigest: "sha256:c", FetchedAt: at(30)},                  // an error
		{RecordID: "<urn:uuid:q1>", Status: 200, NormDigest: "sha256:d", FetchedAt: at(40), QuestionID: "q"}, // a question
	} {
		cp.Source, cp.URL = "assemblee", dump
		if _, err := c.AddCapture(ctx, cp); err != nil {
			t.Fatalf("capture %d: %v", i, err)
		}
	}
	got, err := c.LastDocument(ctx, dump)
	if err != nil || got.RecordID != "<urn:uuid:d2>" || got.ETag != `"2"` || got.NormDigest != "sha256:b" {
		t.Errorf("LastDocument = %+v, %v; want the second capture", got, err)
	}
}

func TestLatestNormDigestsAndMarkFetchedAll(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	a, b, other := pending("assemblee", 1), pending("assemblee", 2), pending("brussels", 3)
	put := func(q *parlq.Question, rec, digest string, n int) {
		t.Helper()
		if _, err := c.AddCapture(ctx, Capture{Source: q.Source, URL: q.URL, QuestionID: q.ID, RecordID: rec,
			Status: 200, NormDigest: digest, FetchedAt: at(n)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Put(ctx, q, parlq.Capture{RecordID: rec, URL: q.URL}, at(n)); err != nil {
			t.Fatal(err)
		}
	}
	put(a, "<urn:uuid:a1>", "sha256:a1", 0)
	put(a, "<urn:uuid:a2>", "sha256:a2", 10)
	put(b, "<urn:uuid:b1>", "sha256:b1", 0)
	put(other, "<urn:uuid:o1>", "sha256:o1", 0)
	// A newer capture of b that was never parsed into a record does not count.
	if _, err := c.AddCapture(ctx, Capture{Source: "assemblee", URL: b.URL, QuestionID: b.ID, RecordID: "<urn:uuid:b2>",
		Status: 200, NormDigest: "sha256:broken", FetchedAt: at(20)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.LatestNormDigests(ctx, "assemblee")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[a.ID] != "sha256:a2" || got[b.ID] != "sha256:b1" {
		t.Errorf("LatestNormDigests = %v; want %s: a2, %s: b1", got, a.ID, b.ID)
	}
	for _, q := range []*parlq.Question{a, b} {
		if one, _ := c.LatestNormDigest(ctx, q.ID); one != got[q.ID] {
			t.Errorf("%s: LatestNormDigest %q, LatestNormDigests %q", q.ID, one, got[q.ID])
		}
	}

	if err := c.MarkFailed(ctx, a.ID, at(30), "boom"); err != nil {
		t.Fatal(err)
	}
	if err := c.MarkFetchedAll(ctx, []string{a.ID, b.ID}, at(40)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []*parlq.Question{a, b} {
		it, err := c.Item(ctx, q.ID)
		if err != nil || !it.LastFetched.Equal(stamp(at(40))) || it.Failures != 0 || it.LastError != "" {
			t.Errorf("%s after MarkFetchedAll: %+v, %v", q.ID, it, err)
		}
	}
	if err := c.MarkFetchedAll(ctx, []string{b.ID, "assemblee/an/unknown"}, at(50)); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkFetchedAll with an unknown id = %v; want ErrNotFound", err)
	}
	if it, _ := c.Item(ctx, b.ID); !it.LastFetched.Equal(stamp(at(40))) {
		t.Errorf("a failed MarkFetchedAll wrote %v", it.LastFetched)
	}
}
