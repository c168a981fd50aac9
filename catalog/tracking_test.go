package catalog

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/parlq/parlq"
)

func ref(n int, updated string) parlq.Ref {
	id := parlq.MakeID("brussels", "PRB", fmt.Sprint(n))
	return parlq.Ref{ID: id, URL: fmt.Sprintf("https://example.test/q/%d", n), Type: parlq.WrittenQuestion,
		Received: "2025-01-10", Updated: updated}
}

func TestTrack(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	refs := []parlq.Ref{ref(1, "2025-01-10"), ref(2, "2025-01-10"), ref(3, ""), ref(3, "")}
	n, err := c.Track(ctx, "brussels", refs)
	if err != nil || n != 3 {
		t.Fatalf("Track = %d, %v; want 3 new", n, err)
	}
	if err := c.MarkFetched(ctx, refs[0].ID, at(0)); err != nil {
		t.Fatal(err)
	}

	// The next index: 1 answered (newer date, a listing, a moved URL), 2 with
	// an older date, 4 new.
	r1 := ref(1, "2025-02-27")
	r1.URL = "https://example.test/q/1?lang=fr"
	r1.Listing = &parlq.Question{Title: "Question sur les capteurs", Translations: map[string]parlq.Translation{"nl": {Title: "Vraag over sensoren"}}}
	r2 := ref(2, "2024-12-31")
	r2.Received = ""
	n, err = c.Track(ctx, "brussels", []parlq.Ref{r1, r2, ref(4, "")})
	if err != nil || n != 1 {
		t.Fatalf("second Track = %d, %v; want 1 new", n, err)
	}
	items, err := c.Items(ctx, "brussels")
	if err != nil {
		t.Fatalf("Items: %v", err)
	}
	if len(items) != 4 {
		t.Fatalf("got %d items; want 4", len(items))
	}
	i1 := items[0]
	if i1.URL != r1.URL || i1.Updated != "2025-02-27" || i1.Listing == nil || i1.Listing.Translations["nl"].Title != "Vraag over sensoren" ||
		!i1.LastFetched.Equal(stamp(at(0))) || i1.Status != "" {
		t.Errorf("item 1 = %+v; want the new URL, date and listing, and its fetch kept", i1)
	}
	if i2 := items[1]; i2.Updated != "2025-01-10" || i2.Received != "2025-01-10" {
		t.Errorf("item 2 updated, received = %q, %q; want the later date kept and the reception date kept", i2.Updated, i2.Received)
	}
	if i3 := items[2]; i3.Updated != "" || i3.Listing != nil || i3.Type != parlq.WrittenQuestion {
		t.Errorf("item 3 = %+v; want no update date, no listing", i3)
	}
	// A listing is kept when a later index does not repeat it.
	if _, err := c.Track(ctx, "brussels", []parlq.Ref{ref(1, "")}); err != nil {
		t.Fatal(err)
	}
	if it, _ := c.Item(ctx, r1.ID); it.Listing == nil || it.Updated != "2025-02-27" {
		t.Errorf("item 1 after a bare ref = %+v; want listing and date kept", it)
	}
}

func TestTrackRefusesForeignRefs(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	bad := parlq.Ref{ID: "ukparl/commons/1", URL: "https://example.test/uk/1"}
	if n, err := c.Track(ctx, "brussels", []parlq.Ref{ref(1, ""), bad}); err == nil {
		t.Fatalf("Track with a foreign ref = %d; want an error", n)
	}
	if n := count(t, c, "tracking", "1"); n != 0 {
		t.Errorf("tracking rows after a refused Track = %d; want 0", n)
	}
	if _, err := c.Track(ctx, "brussels", []parlq.Ref{{ID: "brussels/prb/1"}}); err == nil {
		t.Error("Track of a ref without URL succeeded; want an error")
	}
}

func TestFailures(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	if _, err := c.Track(ctx, "brussels", []parlq.Ref{ref(1, ""), ref(2, "")}); err != nil {
		t.Fatal(err)
	}
	id := ref(1, "").ID
	for i, msg := range []string{"HTTP 503", "unknown layout"} {
		if err := c.MarkFailed(ctx, id, at(i), msg); err != nil {
			t.Fatal(err)
		}
	}
	fs, err := c.Failures(ctx, "brussels")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].ID != id || fs[0].Failures != 2 || fs[0].LastError != "unknown layout" || !fs[0].LastFailed.Equal(stamp(at(1))) {
		t.Fatalf("Failures = %+v; want %s with 2 failures, the last error and time", fs, id)
	}
	if err := c.MarkFetched(ctx, id, at(2)); err != nil {
		t.Fatal(err)
	}
	if fs, _ := c.Failures(ctx, ""); len(fs) != 0 {
		t.Errorf("Failures after a good fetch = %+v; want none", fs)
	}
	// A successful Put clears failures too.
	if err := c.MarkFailed(ctx, id, at(3), "timeout"); err != nil {
		t.Fatal(err)
	}
	q := pending("brussels", 1)
	q.ID = id
	mustPut(t, c, q, parlq.Capture{}, at(4))
	it, _ := c.Item(ctx, id)
	if it.Failures != 0 || it.LastError != "" || it.Status != parlq.Pending || it.URL != ref(1, "").URL {
		t.Errorf("item after Put = %+v; want no failures, pending, the tracked URL kept", it)
	}
}

func TestPutTracksUnknownQuestion(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	q := pending("brussels", 9)
	mustPut(t, c, q, capture(q, 1), at(0))
	it, err := c.Item(ctx, q.ID)
	if err != nil {
		t.Fatalf("Item after Put of an untracked question: %v", err)
	}
	want := Item{ID: q.ID, Source: "brussels", URL: q.URL, Type: parlq.WrittenQuestion, Received: "2025-01-15",
		Status: parlq.Pending, LastFetched: stamp(at(0)), LastChanged: stamp(at(0))}
	if !reflect.DeepEqual(*it, want) {
		t.Errorf("Item = %+v; want %+v", *it, want)
	}
}
