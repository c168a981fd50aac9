package brusselstest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser/brussels"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

func fetch(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// TestRecordsReadBack: what the site publishes (a withdrawal, several
// addressees, an answer with a table) is what the real parser reads.
func TestRecordsReadBack(t *testing.T) {
	qs := brusselstest.Generate(12, time.Now())
	qs[0] = brusselstest.Withdraw(qs[0])
	qs[1].Others = []brusselstest.Addressee{{Name: "Yasmina Haddad", Role: "Secrétaire d'État chargée du Logement", Number: 77}}
	qs[2] = brusselstest.Answer(qs[2], time.Now(), "Les montants sont les suivants :\nAnnée\tMontant\n2024\t1.200 €\n2025\t\t\nIls sont provisoires.")
	s := brusselstest.New(brusselstest.Options{Questions: qs})
	defer s.Close()
	src := brussels.New()
	read := func(q brusselstest.Question) *parlq.Question {
		t.Helper()
		u := s.URL() + brusselstest.DetailPath(q.Moncode, q.Base)
		_, body := fetch(t, u)
		rec, err := src.Parse(u, body)
		if err != nil {
			t.Fatalf("%d: %v", q.Moncode, err)
		}
		return rec
	}
	if rec := read(qs[0]); rec.Status != parlq.Withdrawn || rec.Acts[len(rec.Acts)-1].Act != "Retirée par son auteur." {
		t.Errorf("withdrawn: status %s, acts %+v", rec.Status, rec.Acts)
	}
	rec := read(qs[1])
	if len(rec.Addressees) != 2 || rec.Addressees[1] != (parlq.Person{Name: "Yasmina Haddad", Role: "Secrétaire d'État chargée du Logement"}) {
		t.Errorf("several addressees: %+v", rec.Addressees)
	}
	if rec := read(qs[2]); rec.Answer != "Les montants sont les suivants :\nAnnée\tMontant\n2024\t1.200 €\n2025\nIls sont provisoires." {
		t.Errorf("table answer %q", rec.Answer)
	}
	_, index := fetch(t, s.IndexURL())
	d, err := src.Discover(s.IndexURL(), index)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Refs {
		if r.ID == "brussels/prb/300001" && len(r.Listing.Addressees) != 2 {
			t.Errorf("index listing addressees %+v; want both", r.Listing.Addressees)
		}
	}
}

// TestWorsePages: the faults that serve a worse page than the question is,
// as the real parser reads them.
func TestWorsePages(t *testing.T) {
	qs := brusselstest.Generate(24, time.Now())
	var answered brusselstest.Question
	for _, q := range qs {
		if q.State == brusselstest.Answered {
			answered = q
			break
		}
	}
	other := brusselstest.Question{Moncode: 120001, Base: 1, Number: 4, Title: "Question écrite concernant les archives", Author: "Anne Dubois",
		Addressee: "Paul Lenoir", Role: "Ministre", Legislature: "19/24", Session: "20/21", Received: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), Text: "Texte."}
	s := brusselstest.New(brusselstest.Options{Questions: append(qs, other)})
	defer s.Close()
	src := brussels.New()
	tgt := brusselstest.Detail(answered.Moncode, answered.Base)
	u := s.URL() + brusselstest.DetailPath(answered.Moncode, answered.Base)

	s.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.Degraded, Times: 1})
	_, body := fetch(t, u)
	rec, err := src.Parse(u, body)
	if err != nil || rec.Status != parlq.Pending || rec.Question != "" || rec.Answer != "" {
		t.Errorf("degraded page: %+v, %v; want a pending record without texts", rec, err)
	}
	s.SetFault(tgt, crawlertest.Fault{Kind: crawlertest.Cut, Times: 1})
	_, body = fetch(t, u)
	var le *parlq.LayoutError
	if _, err := src.Parse(u, body); !errors.As(err, &le) {
		t.Errorf("cut page: %v; want a layout error", err)
	}
	if _, body = fetch(t, u); len(body) == 0 {
		t.Fatal("no page after the faults")
	}
	if rec, err := src.Parse(u, body); err != nil || rec.Answer == "" {
		t.Errorf("after the faults: %+v, %v", rec, err)
	}

	s.SetFault(brusselstest.TargetIndex, crawlertest.Fault{Kind: crawlertest.Shrunk, Times: 1})
	_, index := fetch(t, s.IndexURL())
	var doc struct{ Data [][]string }
	if err := json.Unmarshal(index, &doc); err != nil || len(doc.Data) != 2 {
		t.Errorf("shrunk index: %d rows, %v; want 2 of 24", len(doc.Data), err)
	}
	// Another legislature's index is served beside the site's own; the
	// others are missing.
	code, body := fetch(t, s.URL()+brusselstest.IndexPath("19/24"))
	if d, err := src.Discover(s.URL()+brusselstest.IndexPath("19/24"), body); code != 200 || err != nil || len(d.Refs) != 1 || d.Refs[0].ID != "brussels/prb/120001" {
		t.Errorf("19/24 index: %d, %v", code, err)
	}
	if code, _ := fetch(t, s.URL()+brusselstest.IndexPath("14/19")); code != http.StatusNotFound {
		t.Errorf("an index the site does not have: %d; want 404", code)
	}
	if _, body := fetch(t, s.IndexURL()); json.Unmarshal(body, &doc) != nil || len(doc.Data) != 24 {
		t.Errorf("24/29 index: %d rows; want 24", len(doc.Data))
	}
}
