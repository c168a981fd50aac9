package crawler

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// The real Brussels source against generated pages in the site's markup.
func TestBrusselsSourceOnReplaySite(t *testing.T) {
	src, err := parser.Lookup("brussels")
	if err != nil {
		t.Fatal(err)
	}
	qs := brusselstest.Generate(20, time.Now())
	h := newHarness(t, qs, nil)
	h.src = src
	r := h.mustRun()
	if r.New != 20 {
		t.Fatalf("run = %+v; want 20 new", r)
	}
	for _, q := range qs {
		got, err := h.cat.Get(context.Background(), id(q))
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != q.Title || got.Author.Name != q.Author || got.Addressee.Name != q.Addressee {
			t.Errorf("%s: %q by %q to %q; want %q by %q to %q", got.ID, got.Title, got.Author.Name, got.Addressee.Name, q.Title, q.Author, q.Addressee)
		}
		want := map[brusselstest.State]string{brusselstest.Pending: "pending", brusselstest.Unpublished: "pending", brusselstest.Answered: "answered", brusselstest.Lapsed: "lapsed"}[q.State]
		if string(got.Status) != want {
			t.Errorf("%s: status %s; want %s", got.ID, got.Status, want)
		}
	}
}

// The real Brussels source against the saved pages of the live site.
func TestBrusselsSourceOnFixtures(t *testing.T) {
	dir, err := brusselstest.FixturesDir()
	if errors.Is(err, crawlertest.ErrNoFixtures) {
		t.Skip(err)
	}
	qs, err := brusselstest.FixtureQuestions(dir)
	if err != nil {
		t.Fatal(err)
	}
	src, err := parser.Lookup("brussels")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, qs, nil)
	h.src = src
	r := h.mustRun()
	written := 0
	for _, q := range qs {
		if q.TypeCode == brusselstest.TypeWritten {
			written++
		}
	}
	if r.New != written || r.Outcome != catalog.RunOK {
		t.Fatalf("run = %+v; want %d new", r, written)
	}
	// Every page carries a different anti-bot token on the live site; here
	// the bytes are the same, so a forced re-check changes nothing.
	h.cfg.Recheck = RecheckAll
	r = h.mustRun()
	if r.Unchanged != written || r.Changed != 0 {
		t.Errorf("re-check = %+v; want %d unchanged", r, written)
	}
}
