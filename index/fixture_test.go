package index

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/crawler"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser/brussels"
	"github.com/parlq/parlq/parser/ukparl"
)

// The real saved pages and responses (../shared/fixtures, read in place),
// parsed by the parsers as a harvest would, make an index of real records:
// about 580 UK questions with their headings, members, departments and
// UINs, and the Brussels questions with their numbers, accented names and
// ministers. The tests below derive their queries from the records
// themselves, so that no text of the fixtures is copied here.

var (
	realOnce sync.Once
	realQs   []*parlq.Question
	realErr  error
)

// realRecords returns the records read from the fixtures, or skips.
func realRecords(t *testing.T) []*parlq.Question {
	t.Helper()
	realOnce.Do(func() { realQs, realErr = readRealRecords() })
	if realErr != nil {
		t.Skipf("real fixtures not read: %v", realErr)
	}
	return realQs
}

func readRealRecords() ([]*parlq.Question, error) {
	bdir, err := crawlertest.FixturesDir("brussels")
	if err != nil {
		return nil, err
	}
	udir, err := crawlertest.FixturesDir("uk")
	if err != nil {
		return nil, err
	}
	byID := map[string]*parlq.Question{}
	read := func(src parlq.Source, url string, body []byte, ctype string) error {
		rd, err := crawler.Read(src, url, body, ctype, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", url, err)
		}
		byID[rd.Record.ID] = rd.Record
		return nil
	}
	for moncode, file := range map[string]string{
		"166342": "166342.html", "167067": "167067.html", "167852": "question_source.html",
		"168854": "source_test.html", "170290": "170290.html", "170291": "170291.html", "170644": "170644.html",
	} {
		body, err := os.ReadFile(filepath.Join(bdir, file))
		if err != nil {
			return nil, err
		}
		url := "https://www.parlement.brussels/weblex-quest-det/?moncode=" + moncode + "&base=1"
		if err := read(brussels.New(), url, body, "text/html"); err != nil {
			return nil, err
		}
	}
	for _, file := range []string{"clquestions_fetch_questions_get.body.json", "clquestions_fetch_questions_body_get.body.json",
		"clquestions_fetch_answers_body_get.body.json", "clquestions_fetch_questions_member_get.body.json",
		"clquestions_fetch_answers_member_get.body.json"} {
		body, err := os.ReadFile(filepath.Join(udir, file))
		if err != nil {
			return nil, err
		}
		var list struct {
			Results []struct {
				Value json.RawMessage `json:"value"`
			} `json:"results"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, it := range list.Results {
			var v struct {
				ID int64 `json:"id"`
			}
			if err := json.Unmarshal(it.Value, &v); err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			url := "https://questions-statements-api.parliament.uk/api/writtenquestions/questions/" + strconv.FormatInt(v.ID, 10) + "?expandMember=true"
			if err := read(ukparl.New(), url, it.Value, "application/json"); err != nil {
				return nil, err
			}
		}
	}
	out := make([]*parlq.Question, 0, len(byID))
	for _, q := range byID {
		out = append(out, q)
	}
	slices.SortFunc(out, func(a, b *parlq.Question) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func openReal(t *testing.T) (*Index, []*parlq.Question) {
	t.Helper()
	qs := realRecords(t)
	ix, err := Open(t.TempDir(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	for src, group := range bySource(qs) {
		if _, err := ix.Rebuild(context.Background(), src, yieldAll(group)); err != nil {
			t.Fatal(err)
		}
	}
	return ix, qs
}

func find(t *testing.T, ix *Index, req Request) *Result {
	t.Helper()
	if req.Size == 0 {
		req.Size = MaxSize
	}
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("%+v: %v", req, err)
	}
	return res
}

func TestRealRecords(t *testing.T) {
	ix, qs := openReal(t)
	if len(qs) < 500 {
		t.Fatalf("%d real records; want the fixtures' 580 or so", len(qs))
	}

	t.Run("a number typed alone finds its question first", func(t *testing.T) {
		for _, q := range qs {
			if q.Number == "" {
				continue
			}
			res := find(t, ix, Request{Query: q.Number})
			if res.Lookup == "" || len(res.Hits) == 0 || lookupKey(res.Hits[0].Record.Number) != lookupKey(q.Number) {
				t.Errorf("%q: lookup %q, first %v; want %s's number first", q.Number, res.Lookup, firstID(res), q.ID)
				continue
			}
			// Questions sharing the number (in other assemblies) lead
			// together; the question is among them.
			found := false
			for _, h := range res.Hits {
				if lookupKey(h.Record.Number) != lookupKey(q.Number) {
					break
				}
				found = found || h.ID == q.ID
			}
			if !found {
				t.Errorf("%q: %s is not among the leading hits", q.Number, q.ID)
			}
			if q.Source == "brussels" {
				if res := find(t, ix, Request{Query: "n°" + q.Number}); !slices.Contains(ids(res), q.ID) || lookupKey(res.Hits[0].Record.Number) != q.Number {
					t.Errorf("n°%s: %v", q.Number, ids(res))
				}
			}
		}
	})

	t.Run("a member's name puts their questions first", func(t *testing.T) {
		byName := map[string][]string{}
		for _, q := range qs {
			for _, name := range []string{q.Author.Name, q.Addressee.Name} {
				if name != "" && !slices.Contains(byName[name], q.ID) {
					byName[name] = append(byName[name], q.ID)
				}
			}
		}
		names := slices.Sorted(mapsKeys(byName))
		checked := 0
		for _, name := range names {
			if len(byName[name]) < 2 || len(normWords(name)) < 2 {
				continue
			}
			checked++
			res := find(t, ix, Request{Query: name})
			got := ids(res)
			n := len(byName[name])
			if len(got) < n || !slices.Equal(sorted(got[:n]...), sorted(byName[name]...)) {
				t.Errorf("%q: first %d hits %v; want their questions %v", name, n, got[:min(n, len(got))], sorted(byName[name]...))
			}
		}
		if checked < 20 {
			t.Errorf("only %d names asked or answered twice: the fixtures hold more", checked)
		}
	})

	t.Run("a pasted heading finds its questions", func(t *testing.T) {
		checked := 0
		for _, q := range qs {
			if !strings.Contains(q.Title, ": ") {
				continue
			}
			checked++
			res := find(t, ix, Request{Query: q.Title})
			if !slices.Contains(ids(res), q.ID) {
				t.Errorf("heading %q: %s not found", q.Title, q.ID)
				continue
			}
			// The first hit's title holds the heading (it may be longer:
			// "Breast Cancer: Health Services" for "Cancer: Health Services").
			if !holdsPhrase(res.Hits[0].Record.Title, q.Title) {
				t.Errorf("heading %q: first hit is titled %q", q.Title, res.Hits[0].Record.Title)
			}
		}
		if checked < 100 {
			t.Errorf("only %d headings with a colon", checked)
		}
	})

	t.Run("names match with or without their accents", func(t *testing.T) {
		checked := 0
		seen := map[string]bool{}
		for _, q := range qs {
			for _, p := range []struct{ field, name string }{{"author", q.Author.Name}, {"minister", q.Addressee.Name}} {
				plain := fold(p.name)
				if plain == p.name || seen[p.name] {
					continue
				}
				seen[p.name] = true
				checked++
				accented := find(t, ix, Request{Query: fmt.Sprintf("%s:%q", p.field, p.name)})
				folded := find(t, ix, Request{Query: fmt.Sprintf("%s:%q", p.field, strings.ToUpper(plain))})
				if accented.Total == 0 || !slices.Equal(sorted(ids(accented)...), sorted(ids(folded)...)) {
					t.Errorf("%s %q: %v; folded and in capitals %v", p.field, p.name, ids(accented), ids(folded))
				}
			}
		}
		if checked == 0 {
			t.Error("no accented name in the fixtures")
		}
	})

	t.Run("facets and the histogram count every record", func(t *testing.T) {
		res := find(t, ix, Request{Facets: []string{"department", "party", "status", "year", "source", "assembly"}, FacetSize: MaxFacetSize, Histogram: true})
		want := map[string]map[string]int{}
		months := map[string]int{}
		for _, q := range qs {
			for f, v := range map[string]string{"department": q.Addressee.Body, "party": q.Author.Party, "status": string(q.Status),
				"source": q.Source, "assembly": q.Assembly} {
				if v != "" {
					if want[f] == nil {
						want[f] = map[string]int{}
					}
					want[f][v]++
				}
			}
			if q.Received != "" {
				if want["year"] == nil {
					want["year"] = map[string]int{}
				}
				want["year"][q.Received[:4]]++
				months[q.Received[:7]]++
			}
		}
		for f, counts := range want {
			got := map[string]int{}
			for _, t := range res.Facets[f] {
				got[t.Term] = t.Count
			}
			if len(counts) <= MaxFacetSize && fmt.Sprint(got) != fmt.Sprint(counts) {
				t.Errorf("facet %s: got %v; want %v", f, got, counts)
			}
		}
		for i := 1; i < len(res.Facets["year"]); i++ {
			if res.Facets["year"][i-1].Term <= res.Facets["year"][i].Term {
				t.Errorf("years not in descending order: %v", res.Facets["year"])
			}
		}
		for _, b := range res.Histogram.Month {
			if b.Count != months[b.Key] {
				t.Errorf("month %s: %d; want %d", b.Key, b.Count, months[b.Key])
			}
		}
		if dep := res.Facets["department"]; len(dep) > 0 {
			f := find(t, ix, Request{Filters: map[string][]string{"department": {strings.ToUpper(dep[0].Term)}}})
			if int(f.Total) != dep[0].Count {
				t.Errorf("filter department %q: %d; want %d", dep[0].Term, f.Total, dep[0].Count)
			}
		}
		if res.Facets["source"][0].Label == "" || res.Facets["assembly"][0].Label == "" {
			t.Errorf("unlabelled: %v %v", res.Facets["source"], res.Facets["assembly"])
		}
	})
}

// holdsPhrase reports whether text holds the words of phrase in a row
// (case, accents and punctuation aside).
func holdsPhrase(text, phrase string) bool {
	return strings.Contains(" "+strings.Join(normWords(text), " ")+" ", " "+strings.Join(normWords(phrase), " ")+" ")
}

func firstID(res *Result) string {
	if len(res.Hits) == 0 {
		return ""
	}
	return res.Hits[0].ID
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
