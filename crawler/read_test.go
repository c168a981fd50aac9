package crawler

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// countingSource counts Parse calls of the source it wraps.
type countingSource struct {
	parlq.Source
	parses *atomic.Int32
}

func (s countingSource) Parse(url string, body []byte) (*parlq.Question, error) {
	s.parses.Add(1)
	return s.Source.Parse(url, body)
}

// TestUnchangedPageIsNotReadAgain: a site that answers every re-check with
// 200 (no validators, as a page with a per-request token does) costs no
// parse and no new version while the page's digest is the stored one; the
// one page that changed is read and stored.
func TestUnchangedPageIsNotReadAgain(t *testing.T) {
	brussels, err := parser.Lookup("brussels")
	if err != nil {
		t.Fatal(err)
	}
	qs := brusselstest.Generate(8, time.Now())
	h := newHarness(t, nil, nil)
	h.site.Close()
	h.site = brusselstest.New(brusselstest.Options{Questions: qs, NoValidators: true})
	h.cfg.BaseURL = h.site.URL()
	var parses atomic.Int32
	h.src = countingSource{Source: brussels, parses: &parses}

	first := h.mustRun()
	if first.New != 8 || parses.Load() != 8 {
		t.Fatalf("first run %+v, %d parses; want 8 new, 8 parses", first, parses.Load())
	}
	parses.Store(0)
	h.advance(24 * time.Hour)
	h.cfg.Recheck = RecheckPending
	second := h.mustRun()
	pending := 0
	for _, q := range qs {
		if q.State == brusselstest.Pending || q.State == brusselstest.Unpublished {
			pending++
		}
	}
	if pending == 0 {
		t.Fatal("the generated questions have none pending")
	}
	if second.Unchanged != pending || second.New+second.Changed != 0 || parses.Load() != 0 {
		t.Errorf("second run %+v, %d parses; want %d unchanged and no parse", second, parses.Load(), pending)
	}

	// One pending question is answered: only it is read again.
	var target brusselstest.Question
	for _, q := range qs {
		if q.State == brusselstest.Pending {
			target = q
			break
		}
	}
	h.site.SetQuestion(brusselstest.Answer(target, time.Now(), "Voici la réponse."))
	parses.Store(0)
	h.advance(24 * time.Hour)
	third := h.mustRun()
	if third.Changed != 1 || parses.Load() != 1 {
		t.Errorf("third run %+v, %d parses; want 1 changed, 1 parse", third, parses.Load())
	}
	got, err := h.cat.Get(context.Background(), id(target))
	if err != nil || got.Status != parlq.Answered || got.Version != 2 {
		t.Errorf("answered question: %+v %v; want version 2, answered", got, err)
	}
}

// TestErrorsNameTheFetchedURL: a page fetched from a mirror (--base-url)
// that cannot be read is reported at the mirror's URL, which is the one an
// operator can open.
func TestErrorsNameTheFetchedURL(t *testing.T) {
	brussels, err := parser.Lookup("brussels")
	if err != nil {
		t.Fatal(err)
	}
	qs := brusselstest.Generate(2, time.Now())
	h := newHarness(t, qs, nil)
	h.src = brussels
	h.site.SetFault(brusselstest.Detail(qs[0].Moncode, qs[0].Base), crawlertest.Fault{Kind: crawlertest.Layout})
	h.site.SetFault(brusselstest.Detail(qs[1].Moncode, qs[1].Base), crawlertest.Fault{Kind: crawlertest.NotFound})
	_, err = h.run(context.Background())
	var le *parlq.LayoutError
	if !errors.As(err, &le) || !strings.HasPrefix(le.URL, h.site.URL()) {
		t.Fatalf("run error %v; want a layout error at %s", err, h.site.URL())
	}
	fails, ferr := h.cat.Failures(context.Background(), "brussels")
	if ferr != nil || len(fails) != 2 {
		t.Fatalf("failures: %v %v", fails, ferr)
	}
	for _, f := range fails {
		if !strings.Contains(f.LastError, h.site.URL()) || strings.Contains(f.LastError, brusselstest.CanonicalBase) {
			t.Errorf("%s failed with %q; want the fetched URL only", f.ID, f.LastError)
		}
	}
	if strings.Count(err.Error(), "harvest") > 1 {
		t.Errorf("run error says harvest twice: %v", err)
	}
}
