package index

import (
	"context"
	"errors"
	"fmt"
	"github.com/parlq/parlq/index/indextest"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/parlq/parlq"
)

const (
	b1 = "brussels/prb/1001"
	b2 = "brussels/prb/1002"
	b3 = "brussels/prb/1003"
	b4 = "brussels/prb/1004"
	b5 = "brussels/prb/1005"
	u1 = "ukparl/commons/201"
	u2 = "ukparl/commons/202"
	u3 = "ukparl/lords/203"
	u4 = "ukparl/commons/204"
	f1 = "flanders/vp/301"
	f2 = "flanders/vp/302"
	f3 = "flanders/vp/303"
)

func ids(res *Result) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

func sorted(xs ...string) []string {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs
}

// TestSearch is the data-driven search test: request → expected ids. With
// ordered set, the order matters; otherwise the hits are compared as a set.
func TestSearch(t *testing.T) {
	ix := openCorpus(t)
	all := []string{b1, b2, b3, b4, b5, u1, u2, u3, u4, f1, f2, f3}
	tests := []struct {
		name    string
		req     Request
		want    []string
		ordered bool
	}{
		{"empty query matches all", Request{}, all, false},
		{"word", Request{Query: "capteurs"}, []string{b1}, false},
		{"stemmed french plural", Request{Query: "capteur"}, []string{b1}, false},
		{"stemmed english", Request{Query: "inspections"}, []string{u2}, false},
		{"stemmed dutch", Request{Query: "gemeente"}, []string{f1}, false},
		{"words are AND'ed", Request{Query: "logements recensés"}, []string{b3}, false},
		{"case insensitive", Request{Query: "CAPTEURS"}, []string{b1}, false},
		{"exact phrase", Request{Query: `"logements vides"`}, []string{b3}, false},
		{"exact phrase is unstemmed", Request{Query: `"logement vide"`}, nil, false},
		{"phrase word order", Request{Query: `"vides logements"`}, nil, false},
		{"OR", Request{Query: "capteurs OR studentenkamers"}, []string{b1, f2}, false},
		{"explicit AND", Request{Query: "capteurs AND observatoire"}, nil, false},
		{"NOT", Request{Query: "smart city NOT status:answered"}, []string{b2}, false},
		{"minus", Request{Query: "ville -capteurs"}, nil, false},
		{"plus", Request{Query: "+capteurs +air"}, []string{b1}, false},
		{"only NOT", Request{Query: "NOT source:brussels"}, []string{u1, u2, u3, u4, f1, f2, f3}, false},
		{"parentheses", Request{Query: "(capteurs OR kamers) AND status:answered"}, []string{b1, f2}, false},
		{"minister prefix", Request{Query: "minister:Maron"}, []string{b1, b2, b4}, false},
		{"addressee alias", Request{Query: "addressee:maron"}, []string{b1, b2, b4}, false},
		{"minister role word", Request{Query: "minister:housing"}, []string{u2}, false},
		{"minister full name phrase", Request{Query: `minister:"Nawal Ben Hamou"`}, []string{b3}, false},
		{"author prefix", Request{Query: "author:Dupont"}, []string{b1, b3}, false},
		{"author group", Request{Query: "author:(Dupont OR Peeters)"}, []string{b1, b2, b3, b5}, false},
		{"status prefix", Request{Query: "status:withdrawn"}, []string{u3}, false},
		{"status prefix any case", Request{Query: "status:Lapsed"}, []string{b5}, false},
		{"source prefix", Request{Query: "source:flanders"}, []string{f1, f2, f3}, false},
		{"assembly prefix lower case", Request{Query: "assembly:prb capteurs"}, []string{b1}, false},
		{"assembly prefix", Request{Query: "assembly:lords"}, []string{u3}, false},
		{"legislature prefix", Request{Query: "legislature:19/24"}, []string{b1, b2, b3}, false},
		{"session prefix", Request{Query: "session:2024-25"}, []string{u4}, false},
		{"language prefix", Request{Query: "language:nl"}, []string{b2, b5, f1, f2, f3}, false},
		{"type prefix", Request{Query: "type:written_question source:ukparl"}, []string{u1, u2, u3, u4}, false},
		{"number prefix", Request{Query: "number:1003"}, []string{b3}, false},
		{"year prefix", Request{Query: "year:2023"}, []string{b1, b2, f2}, false},
		{"title prefix", Request{Query: "title:capteurs"}, []string{b1}, false},
		{"title prefix excludes body", Request{Query: "title:recensés"}, nil, false},
		{"question prefix", Request{Query: "question:recensés"}, []string{b3}, false},
		{"answer prefix", Request{Query: "answer:observatoire"}, []string{b3}, false},
		{"answer prefix phrase", Request{Query: `answer:"rented homes"`}, []string{u2}, false},
		{"prefix wildcard", Request{Query: "capt*"}, []string{b1}, false},
		{"punctuation only is ignored", Request{Query: "capteurs ?"}, []string{b1}, false},
		{"colon in a number", Request{Query: "10:30"}, nil, false},

		{"filter status", Request{Filters: map[string][]string{"status": {"pending"}}}, []string{b2, b4, u4, f3}, false},
		{"filter values OR'ed", Request{Filters: map[string][]string{"status": {"lapsed", "withdrawn"}}}, []string{b5, u3}, false},
		{"filters AND'ed", Request{Filters: map[string][]string{"status": {"answered"}, "source": {"ukparl"}}}, []string{u1, u2}, false},
		{"filter values ignore case", Request{Filters: map[string][]string{"status": {"Pending"}}}, []string{b2, b4, u4, f3}, false},
		{"filter assembly in lower case", Request{Filters: map[string][]string{"assembly": {"commons"}, "source": {"UKPARL"}}}, []string{u1, u2, u4}, false},
		{"filter addressee full name", Request{Filters: map[string][]string{"addressee": {"Alain Maron"}}}, []string{b1, b2, b4}, false},
		{"filter addressee partial name matches nothing", Request{Filters: map[string][]string{"addressee": {"Maron"}}}, nil, false},
		{"filter author", Request{Filters: map[string][]string{"author": {"An De Smet"}}}, []string{f1, f3}, false},
		{"filter year", Request{Filters: map[string][]string{"year": {"2024"}}}, []string{b4, u1, f3}, false},
		{"filter with query", Request{Query: "smart city", Filters: map[string][]string{"language": {"en"}}}, []string{u1}, false},
		{"filter legislature and session", Request{Filters: map[string][]string{"legislature": {"19/24"}, "session": {"22/23"}}}, []string{b1, b2}, false},
		{"filter assembly and type", Request{Filters: map[string][]string{"assembly": {"PRB"}, "type": {"written_question"}}}, []string{b1, b2, b3, b4, b5}, false},

		{"received range", Request{Received: DateRange{From: "2023-01-01", To: "2023-12-31"}}, []string{b1, b2, f2}, false},
		{"received range inclusive ends", Request{Received: DateRange{From: "2023-01-10", To: "2023-05-02"}}, []string{b1, b2}, false},
		{"received open end", Request{Received: DateRange{From: "2024-09-10"}}, []string{b4, u4, f3}, false},
		{"received open start", Request{Received: DateRange{To: "2019-03-01"}}, []string{b5}, false},
		{"answered range", Request{Answered: DateRange{From: "2022-01-01", To: "2022-12-31"}}, []string{u2, f1}, false},
		{"date range with query", Request{Query: "smart city", Received: DateRange{From: "2024-01-01"}}, []string{u1}, false},

		{"sort received", Request{Sort: "received", Filters: map[string][]string{"source": {"brussels"}}}, []string{b5, b3, b1, b2, b4}, true},
		{"sort -received", Request{Sort: "-received", Filters: map[string][]string{"source": {"brussels"}}}, []string{b4, b2, b1, b3, b5}, true},
		{"sort answered, unanswered last", Request{Sort: "answered", Filters: map[string][]string{"source": {"brussels"}}}, []string{b3, b1, b2, b4, b5}, true},
		{"sort -answered, unanswered last", Request{Sort: "-answered", Filters: map[string][]string{"source": {"brussels"}}}, []string{b1, b3, b2, b4, b5}, true},
		{"sort days_to_answer", Request{Sort: "days_to_answer", Filters: map[string][]string{"status": {"answered"}}}, []string{b3, u1, f2, f1, u2, b1}, true},
		{"sort -days_to_answer", Request{Sort: "-days_to_answer", Filters: map[string][]string{"status": {"answered"}}}, []string{b1, u2, f1, f2, u1, b3}, true},
		{"relevance ranks title matches first", Request{Query: "digital transition", Filters: map[string][]string{"source": {"ukparl", "flanders"}}}, []string{f1, u4}, false},
	}
	ties := map[string]int{"sort answered, unanswered last": 3, "sort -answered, unanswered last": 3}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			want := tt.want
			if !tt.ordered {
				got, want = sorted(got...), sorted(want...)
			}
			// The last hits of a date sort may tie (records without the
			// date): they are compared as a set.
			if n := ties[tt.name]; n > 0 && len(got) == len(want) {
				got, want = slices.Clone(got), slices.Clone(want)
				slices.Sort(got[len(got)-n:])
				slices.Sort(want[len(want)-n:])
			}
			if !slices.Equal(got, want) {
				t.Errorf("query %q: got %v; want %v", tt.req.Query, got, want)
			}
			if res.Total != uint64(len(tt.want)) {
				t.Errorf("total: got %d; want %d", res.Total, len(tt.want))
			}
		})
	}
}

// TestSynonyms checks that one query finds the French, Dutch and English
// names of a concept, however it is written.
func TestSynonyms(t *testing.T) {
	ix := openCorpus(t)
	smart := []string{b1, b2, u1}
	digital := []string{b2, u4, f1}
	for q, want := range map[string][]string{
		"smart city": smart,
		// Quotes mean exactly this phrase: no other language.
		`"smart city"`:             {u1},
		"Smart-City":               smart,
		"ville intelligente":       smart,
		`"slimme stad"`:            {b2},
		"smart cities":             smart,
		"title:(smart city)":       {b1, b2, u1},
		"smart city source:ukparl": {u1},
		"digital transition":       digital,
		"transition numérique":     digital,
		"digitalisering":           digital,
		"housing":                  {b3, u2, f2},
		"climate":                  {u3, f3},
		"smart":                    {u1}, // one word of a concept is just a word
		// A concept name with an apostrophe, which the analyzer keeps whole.
		"qualité de l'air":   {b1},
		`"qualité de l'air"`: {b1},
	} {
		res, err := ix.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if got := sorted(ids(res)...); !slices.Equal(got, sorted(want...)) {
			t.Errorf("%q: got %v; want %v", q, got, sorted(want...))
		}
	}
}

func TestSynonymFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "synonyms.txt")
	if err := os.WriteFile(path, []byte("# mine\ncapteurs, kamers\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Synonyms = path
	ix, err := Open(filepath.Join(dir, "index"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(context.Background(), corpus()...); err != nil {
		t.Fatal(err)
	}
	search := func(q string) []string {
		t.Helper()
		res, err := ix.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return sorted(ids(res)...)
	}
	if got, want := search("capteurs"), sorted(b1, f2); !slices.Equal(got, want) {
		t.Errorf("custom concept: got %v; want %v", got, want)
	}
	if got, want := search("slimme stad"), []string{b2}; !slices.Equal(got, want) {
		t.Errorf("defaults must not apply with a custom file: got %v; want %v", got, want)
	}
	// Edit the file: the change applies on reload, without reindexing.
	if err := os.WriteFile(path, []byte("slimme stad, smart city\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ix.ReloadSynonyms(); err != nil {
		t.Fatal(err)
	}
	if got, want := search("slimme stad"), sorted(b2, u1); !slices.Equal(got, want) {
		t.Errorf("after reload: got %v; want %v", got, want)
	}
	// A broken file is an error and keeps the concepts in use.
	if err := os.WriteFile(path, []byte("lonely\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ix.ReloadSynonyms(); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("reload of a bad file: got %v; want an error naming line 1", err)
	}
	if got, want := search("slimme stad"), sorted(b2, u1); !slices.Equal(got, want) {
		t.Errorf("after failed reload: got %v; want %v", got, want)
	}
	opts.Synonyms = filepath.Join(dir, "missing.txt")
	if _, err := Open(filepath.Join(dir, "other"), opts); err == nil {
		t.Error("Open with a missing synonym file: got nil error")
	}
}

func TestDefaultSynonymsParse(t *testing.T) {
	s, err := ParseSynonyms(strings.NewReader(DefaultSynonyms()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Concepts()); n < 10 {
		t.Errorf("default concepts: got %d; want at least 10", n)
	}
	for _, bad := range []string{"one\n", `"smart city", ville intelligente` + "\n", "a, (b)\n"} {
		if _, err := ParseSynonyms(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseSynonyms(%q): got nil error", bad)
		}
	}
}

func TestFacets(t *testing.T) {
	ix := openCorpus(t)
	res, err := ix.Search(context.Background(), Request{
		Facets: []string{"source", "legislature", "addressee", "author", "status", "year", "assembly", "type"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]tc{
		"source":    {{"brussels", 5}, {"ukparl", 4}, {"flanders", 3}},
		"addressee": {{"Alain Maron", 3}, {"Els Vos", 3}, {"Jane Doe", 2}, {"Baroness Field", 1}, {"Elke Van den Brandt", 1}, {"Nawal Ben Hamou", 1}, {"Peter Green", 1}},
		"author":    {{"An De Smet", 2}, {"Jan Peeters", 2}, {"John Smith", 2}, {"Marie Dupont", 2}, {"Alice Brown", 1}, {"Bart Claes", 1}, {"Lord Hill", 1}, {"Luc Martin", 1}},
		"status":    {{"answered", 6}, {"pending", 4}, {"lapsed", 1}, {"withdrawn", 1}},
		// Years are in year order, the latest first.
		"year":     {{"2025", 1}, {"2024", 3}, {"2023", 3}, {"2022", 2}, {"2021", 1}, {"2020", 1}, {"2019", 1}},
		"assembly": {{"PRB", 5}, {"VP", 3}, {"commons", 3}, {"lords", 1}},
		"type":     {{"written_question", 12}},
	}
	for name, terms := range want {
		if got := fmt.Sprint(termCounts(res.Facets[name])); got != fmt.Sprint(terms) {
			t.Errorf("facet %s: got %v; want %v", name, got, terms)
		}
	}
	if got := len(res.Facets["legislature"]); got != 6 {
		t.Errorf("legislature facet: got %d terms; want 6", got)
	}

	// Facets count the hits of the query and filters, not the whole index.
	res, err = ix.Search(context.Background(), Request{Query: "smart city", Facets: []string{"source", "addressee"},
		Received: DateRange{From: "2023-01-01"}, FacetSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(termCounts(res.Facets["addressee"]), termCounts(res.Facets["source"])), "[{Alain Maron 2}] [{brussels 2}]"; got != want {
		t.Errorf("facets of a query: got %s; want %s", got, want)
	}
}

// tc is a facet term and its count.
type tc struct {
	Term  string
	Count int
}

func termCounts(ts []FacetTerm) []tc {
	out := make([]tc, len(ts))
	for i, t := range ts {
		out[i] = tc{t.Term, t.Count}
	}
	return out
}

func TestQueryErrors(t *testing.T) {
	ix := openCorpus(t)
	tests := []struct {
		req   Request
		field string
	}{
		{Request{Query: `"smart city`}, "q"},
		{Request{Query: "status:bogus"}, "q"},
		{Request{Query: "type:question"}, "q"},
		{Request{Query: "year:20x"}, "q"},
		{Request{Query: "the of"}, "q"},
		{Request{Query: "??"}, "q"},
		{Request{Query: "(smart city"}, "q"},
		{Request{Query: "smart city)"}, "q"},
		{Request{Query: "()"}, "q"},
		{Request{Query: "AND smart"}, "q"},
		{Request{Query: "smart OR"}, "q"},
		{Request{Query: "smart AND AND city"}, "q"},
		{Request{Query: "NOT"}, "q"},
		{Request{Query: "a*"}, "q"},
		{Request{Query: `""`}, "q"},
		{Request{Query: strings.Repeat("(", 40) + "x" + strings.Repeat(")", 40)}, "q"},
		{Request{Query: strings.Repeat("word ", 100)}, "q"},
		{Request{Query: strings.Repeat("x", 3000)}, "q"},
		{Request{Query: "caf\xe9"}, "q"},
		{Request{Facets: []string{"colour"}}, "facets"},
		{Request{Sort: "title"}, "sort"},
		{Request{Sort: "-relevance"}, "sort"},
		{Request{Filters: map[string][]string{"colour": {"red"}}}, "filters"},
		{Request{Filters: map[string][]string{"status": {"bogus"}}}, "filters"},
		{Request{Filters: map[string][]string{"type": {"written"}}}, "filters"},
		{Request{Filters: map[string][]string{"language": {"xx"}}}, "filters"},
		{Request{Filters: map[string][]string{"year": {"last"}}}, "filters"},
		{Request{Due: DateRange{From: "soon"}}, "due"},
		{Request{Received: DateRange{From: "2023-13-01"}}, "received"},
		{Request{Answered: DateRange{To: "yesterday"}}, "answered"},
		{Request{Received: DateRange{From: "2024-01-02", To: "2024-01-01"}}, "received"},
		{Request{Page: 501, Size: 20}, "page"},
		{Request{Page: 101, Size: 1000}, "page"}, // size is capped first: 101*100 > 10000
		{Request{Page: -1}, "page"},
		{Request{Size: -5}, "size"},
		{Request{FacetSize: -1}, "facet_size"},
	}
	for _, tt := range tests {
		_, err := ix.Search(context.Background(), tt.req)
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%+v: got error %v; want a *QueryError", tt.req, err)
			continue
		}
		if qe.Field != tt.field {
			t.Errorf("%+v: got field %q; want %q (%v)", tt.req, qe.Field, tt.field, err)
		}
		if err := ix.All(context.Background(), tt.req, func(Hit) error { return nil }); !errors.As(err, &qe) && !strings.HasPrefix(tt.field, "facet") && tt.field != "page" && tt.field != "size" {
			t.Errorf("All(%+v): got %v; want a *QueryError", tt.req, err)
		}
	}
	// Size above the cap is reduced, not refused.
	res, err := ix.Search(context.Background(), Request{Size: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if res.Size != MaxSize {
		t.Errorf("capped size: got %d; want %d", res.Size, MaxSize)
	}
}

// TestHighlightEscaping checks that fragments mark the matches and carry no
// markup but <mark>, with a record whose text holds <script>.
func TestHighlightEscaping(t *testing.T) {
	ix := openCorpus(t)
	res, err := ix.Search(context.Background(), Request{Query: "sécurité", Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != b4 {
		t.Fatalf("got %v; want [%s]", ids(res), b4)
	}
	h := rendered(res.Hits[0].Highlights)
	if len(h["title"]) != 1 || len(h["question"]) != 1 {
		t.Fatalf("highlights: got %q; want one title and one question fragment", h)
	}
	wantTitle := "Question concernant la <mark>sécurité</mark> &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; des sites régionaux"
	if h["title"][0] != wantTitle {
		t.Errorf("title fragment: got %q; want %q", h["title"][0], wantTitle)
	}
	if !strings.Contains(h["question"][0], "&lt;script&gt;document.cookie&lt;/script&gt; &amp; &lt;b&gt;gras&lt;/b&gt;") {
		t.Errorf("question fragment not escaped: %q", h["question"][0])
	}
	// The stored record keeps the text as it was: escaping is for display.
	if !strings.Contains(res.Hits[0].Record.Title, "<script>") {
		t.Errorf("record title altered: %q", res.Hits[0].Record.Title)
	}
	// A query for the probe's own words marks them, still inert.
	res, err = ix.Search(context.Background(), Request{Query: `script alert`, Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("script query: got %v; want [%s]", ids(res), b4)
	}
	assertInert(t, rendered(res.Hits[0].Highlights))
	if got := rendered(res.Hits[0].Highlights)["title"][0]; !strings.Contains(got, "&lt;<mark>script</mark>&gt;<mark>alert</mark>") {
		t.Errorf("probe fragment: got %q", got)
	}
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// rendered renders fragments as HTML, as the page and the API do.
func rendered(h map[string][]Fragment) map[string][]string {
	out := map[string][]string{}
	for field, frags := range h {
		for _, f := range frags {
			out[field] = append(out[field], f.Render(html.EscapeString, "<mark>", "</mark>"))
		}
	}
	return out
}

// assertInert fails if a fragment holds any tag but <mark> and </mark>, or
// a raw '<' or '>' outside them.
func assertInert(t *testing.T, h map[string][]string) {
	t.Helper()
	for field, frags := range h {
		for _, f := range frags {
			for _, tag := range tagRe.FindAllString(f, -1) {
				if tag != "<mark>" && tag != "</mark>" {
					t.Errorf("%s fragment holds markup %q: %q", field, tag, f)
				}
			}
			if rest := tagRe.ReplaceAllString(f, ""); strings.ContainsAny(rest, "<>") {
				t.Errorf("%s fragment holds a raw angle bracket: %q", field, f)
			}
		}
	}
}

func TestHighlightStemmedAndSynonyms(t *testing.T) {
	ix := openCorpus(t)
	res, err := ix.Search(context.Background(), Request{Query: "smart city", Highlight: true, Sort: "received"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		b1: "Question écrite concernant la <mark>ville intelligente</mark> et les capteurs urbains",
		b2: "Schriftelijke vraag over de <mark>slimme stad</mark> en de digitalisering van de diensten",
		u1: "<mark>Smart Cities</mark>: Data Protection",
	}
	for _, h := range res.Hits {
		if got := rendered(h.Highlights)["title"]; len(got) != 1 || got[0] != want[h.ID] {
			t.Errorf("%s title: got %q; want %q", h.ID, got, want[h.ID])
		}
		assertInert(t, rendered(h.Highlights))
	}
	// Without Highlight, no fragments are computed.
	res, err = ix.Search(context.Background(), Request{Query: "smart city"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.Highlights != nil {
			t.Errorf("%s: got highlights %v without asking", h.ID, h.Highlights)
		}
	}
}

func TestHitRecord(t *testing.T) {
	ix := openCorpus(t)
	res, err := ix.Search(context.Background(), Request{Query: "number:1003"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("got %d hits; want 1", len(res.Hits))
	}
	var want *parlq.Question
	for _, q := range corpus() {
		if q.ID == b3 {
			want = q
		}
	}
	if got := res.Hits[0].Record; fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", *want) {
		t.Errorf("record: got %+v; want %+v", got, *want)
	}
}

func TestPutReplacesAndDelete(t *testing.T) {
	ctx := context.Background()
	ix := openCorpus(t)
	q := corpus()[2] // b3
	q.Title = "Question écrite concernant les bureaux vides"
	q.Version = 2
	if err := ix.Put(ctx, q); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 12 {
		t.Errorf("count after replace: got %d; want 12", n)
	}
	res, _ := ix.Search(ctx, Request{Query: "title:bureaux"})
	if got := ids(res); !slices.Equal(got, []string{b3}) || res.Hits[0].Record.Version != 2 {
		t.Errorf("replaced record: got %v", got)
	}
	if err := ix.Delete(ctx, b3, u1, "nosuchsource/x/1", "garbage"); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 10 {
		t.Errorf("count after delete: got %d; want 10", n)
	}
	res, _ = ix.Search(ctx, Request{Query: "smart city"})
	if got, want := sorted(ids(res)...), sorted(b1, b2); !slices.Equal(got, want) {
		t.Errorf("after delete: got %v; want %v", got, want)
	}
}

func TestPutInvalid(t *testing.T) {
	ctx := context.Background()
	ix := openCorpus(t)
	good := corpus()[0]
	for name, q := range map[string]*parlq.Question{
		"nil":         nil,
		"bad source":  {ID: "../etc/1", Source: "../etc"},
		"id mismatch": {ID: "ukparl/commons/1", Source: "brussels"},
		"empty id":    {ID: "", Source: "brussels"},
		"bad date":    {ID: "brussels/prb/9", Source: "brussels", Received: "10/01/2023"},
	} {
		err := ix.Put(ctx, good, q)
		if !errors.Is(err, ErrInvalidRecord) {
			t.Errorf("%s: got %v; want ErrInvalidRecord", name, err)
		}
	}
	if n, _ := ix.Count(); n != 12 {
		t.Errorf("count: got %d; want 12 (nothing written)", n)
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, corpus()...); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: got %v; want ErrLocked", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(ctx, Request{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: got %v; want ErrClosed", err)
	}
	if err := ix.Put(ctx, corpus()[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Put after Close: got %v; want ErrClosed", err)
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := ix.Count(); err != nil || n != 12 {
		t.Errorf("count after reopen: got %d, %v; want 12", n, err)
	}
	if got := sorted(ix.Sources()...); !slices.Equal(got, []string{"brussels", "flanders", "ukparl"}) {
		t.Errorf("sources: got %v", got)
	}
	res, err := ix.Search(ctx, Request{Query: "smart city", Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sorted(ids(res)...), sorted(b1, b2, u1); !slices.Equal(got, want) {
		t.Errorf("search after reopen: got %v; want %v", got, want)
	}
}

func TestEmptyIndex(t *testing.T) {
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), Request{Query: "smart city", Facets: []string{"status"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 || len(res.Hits) != 0 || res.Facets["status"] == nil {
		t.Errorf("empty index: got %+v", res)
	}
	if _, err := ix.Search(context.Background(), Request{Query: `"unterminated`}); err == nil {
		t.Error("bad query on an empty index: got nil error")
	}
	if err := ix.All(context.Background(), Request{}, func(Hit) error { t.Error("hit in an empty index"); return nil }); err != nil {
		t.Error(err)
	}
}

func yieldAll(qs []*parlq.Question) func(func(*parlq.Question) error) error {
	return func(yield func(*parlq.Question) error) error {
		for _, q := range qs {
			if err := yield(q); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestRebuild(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ix.Close() }()
	if err := ix.Put(ctx, corpus()...); err != nil {
		t.Fatal(err)
	}
	var brussels []*parlq.Question
	for _, q := range corpus() {
		if q.Source == "brussels" && q.ID != b4 {
			brussels = append(brussels, q)
		}
	}

	// A failing rebuild keeps the old index.
	boom := errors.New("catalog went away")
	_, err = ix.Rebuild(ctx, "brussels", func(yield func(*parlq.Question) error) error {
		if err := yield(brussels[0]); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("failing rebuild: got %v; want %v", err, boom)
	}
	if n, _ := ix.Count(); n != 12 {
		t.Errorf("count after failed rebuild: got %d; want 12", n)
	}
	// A record of another source is refused.
	_, err = ix.Rebuild(ctx, "brussels", yieldAll(corpus()))
	if !errors.Is(err, ErrInvalidRecord) {
		t.Errorf("rebuild with a foreign record: got %v; want ErrInvalidRecord", err)
	}

	// A rebuild replaces the source's records; writes made meanwhile survive.
	late := corpus()[4] // b5, put while the rebuild runs
	late.Title = "Vraag over de fietsstraten in Brussel"
	n, err := ix.Rebuild(ctx, "brussels", func(yield func(*parlq.Question) error) error {
		for i, q := range brussels {
			if i == 1 {
				if err := ix.Put(ctx, late); err != nil {
					return err
				}
				if err := ix.Delete(ctx, b1); err != nil {
					return err
				}
			}
			if err := yield(q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("rebuilt records: got %d; want 4", n)
	}
	res, err := ix.Search(ctx, Request{Filters: map[string][]string{"source": {"brussels"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(res), sorted(b2, b3, b5); !slices.Equal(sorted(got...), want) {
		t.Errorf("after rebuild: got %v; want %v", got, want)
	}
	res, _ = ix.Search(ctx, Request{Query: "fietsstraten"})
	if got := ids(res); !slices.Equal(got, []string{b5}) {
		t.Errorf("write during rebuild: got %v; want [%s]", got, b5)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".rebuild") || strings.HasPrefix(e.Name(), ".old") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	// Rebuild of a source that had no index creates it.
	extra := &parlq.Question{ID: "wallonia/pw/1", Source: "wallonia", Assembly: "PW", Language: "fr", Title: "Question sur les routes",
		Type: parlq.WrittenQuestion, Status: parlq.Pending}
	if n, err := ix.Rebuild(ctx, "wallonia", yieldAll([]*parlq.Question{extra})); err != nil || n != 1 {
		t.Fatalf("rebuild new source: got %d, %v", n, err)
	}

	// Persisted: a reopened index sees the rebuilt data.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 11 {
		t.Errorf("count after reopen: got %d; want 11 (3 brussels + 4 ukparl + 3 flanders + 1 wallonia)", n)
	}
}

// indexClosed indexes the corpus in a new index at dir and closes it, as a
// process that stopped would leave it.
func indexClosed(t *testing.T, dir string) {
	t.Helper()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(context.Background(), corpus()...); err != nil {
		t.Fatal(err)
	}
}

// TestRecoverInterruptedRebuild simulates crashes during a rebuild's swap.
func TestRecoverInterruptedRebuild(t *testing.T) {
	dir := t.TempDir()
	indexClosed(t, dir)
	// Crash after the old index was set aside, before the new one moved in.
	if err := os.Rename(filepath.Join(dir, "brussels"), filepath.Join(dir, ".old-brussels")); err != nil {
		t.Fatal(err)
	}
	// And an abandoned build.
	if err := os.MkdirAll(filepath.Join(dir, ".rebuild-flanders-123", "index"), 0o755); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != 12 {
		t.Errorf("count after recovery: got %d; want 12", n)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".rebuild") || strings.HasPrefix(e.Name(), ".old") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestUnreadableSourceIndexSetAside: a source index that cannot be opened
// (a process killed while Bleve made it, a damaged disk) is set aside by a
// writer, which opens the others (the source is indexed again from the
// catalog by its caller); a reader refuses, naming the source. A new
// source's index is made beside the live ones and moved in whole.
func TestUnreadableSourceIndexSetAside(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	indexClosed(t, dir)
	brussels := filepath.Join(dir, "brussels")
	if err := os.RemoveAll(brussels); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(brussels, 0o755); err != nil { // killed after the mkdir
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "source brussels") {
		t.Errorf("read-only open of an unreadable source index: %v; want an error naming it", err)
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("writer open beside an unreadable source index: %v", err)
	}
	defer ix.Close()
	if n, err := ix.CountOf("brussels"); err != nil || n != 0 {
		t.Errorf("brussels after being set aside: %d, %v; want 0", n, err)
	}
	if n, _ := ix.CountOf("ukparl"); n == 0 {
		t.Error("the other sources were not opened")
	}
	if _, err := os.Stat(filepath.Join(dir, ".broken-brussels")); err != nil {
		t.Errorf("the unreadable index was not kept aside: %v", err)
	}
	// Indexed again: a new index is made for the source, whole.
	if err := ix.Put(ctx, corpus()...); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.CountOf("brussels"); n == 0 {
		t.Error("brussels not indexed again")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), rebuildPrefix) {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestDeepPaging checks that pages, read one by one, give every hit exactly
// once and in the same order as All, for each sort.
func TestDeepPaging(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(t.TempDir(), Options{BatchSize: 300})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	g := indextest.NewGenerator(7)
	qs := make([]*parlq.Question, 800)
	for i := range qs {
		qs[i] = g.Next()
	}
	if err := ix.Put(ctx, qs...); err != nil {
		t.Fatal(err)
	}
	for _, req := range []Request{
		{Query: "logement OR housing OR huisvesting"},
		{Query: "mobiliteit", Sort: "relevance"},
		{Sort: "received"},
		{Sort: "-answered", Filters: map[string][]string{"source": {"ukparl", "wallonia"}}},
		{Sort: "-days_to_answer", Query: "budget"},
		{Sort: "days_to_answer"},
	} {
		t.Run(req.Query+"/"+req.Sort, func(t *testing.T) {
			var streamed []string
			if err := ix.All(ctx, req, func(h Hit) error {
				streamed = append(streamed, h.ID)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			var paged []string
			var total uint64
			req.Size = 23
			for req.Page = 1; ; req.Page++ {
				res, err := ix.Search(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				total = res.Total
				if len(res.Hits) == 0 {
					break
				}
				paged = append(paged, ids(res)...)
			}
			if uint64(len(paged)) != total || len(streamed) != len(paged) {
				t.Fatalf("got %d paged hits, %d streamed; want total %d", len(paged), len(streamed), total)
			}
			if total < 50 {
				t.Fatalf("only %d hits: the test needs more than a few pages", total)
			}
			seen := map[string]bool{}
			for _, id := range paged {
				if seen[id] {
					t.Fatalf("%s appears twice", id)
				}
				seen[id] = true
			}
			if !slices.Equal(paged, streamed) {
				t.Errorf("pages and All differ in order")
			}
		})
	}
	// All beyond MaxWindow: every record, no page limit.
	n := 0
	if err := ix.All(ctx, Request{Sort: "-received"}, func(Hit) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != len(qs) {
		t.Errorf("All: got %d hits; want %d", n, len(qs))
	}
	// fn's error stops All.
	stop := errors.New("stop")
	n = 0
	err = ix.All(ctx, Request{}, func(Hit) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("All with failing fn: got %v after %d hits; want %v after 1", err, n, stop)
	}
}

// TestConcurrentPutSearch runs writers, searchers and a rebuild together;
// run it with -race.
func TestConcurrentPutSearch(t *testing.T) {
	ctx := context.Background()
	ix := openCorpus(t)
	g := indextest.NewGenerator(11)
	batches := make([][]*parlq.Question, 8)
	// The rebuild of brussels below replaces that source's records, so the
	// writers put records of the other sources.
	for i := range batches {
		for len(batches[i]) < 25 {
			if q := g.Next(); q.Source != "brussels" {
				batches[i] = append(batches[i], q)
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for _, b := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := ix.Put(ctx, b...); err != nil {
				errs <- err
			}
		}()
	}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				res, err := ix.Search(ctx, Request{Query: "smart city", Facets: []string{"source"}, Highlight: true})
				if err != nil {
					errs <- err
					return
				}
				if res.Total < 3 {
					errs <- fmt.Errorf("search during writes: got %d hits; want at least 3", res.Total)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		var bx []*parlq.Question
		for _, q := range corpus() {
			if q.Source == "brussels" {
				bx = append(bx, q)
			}
		}
		if _, err := ix.Rebuild(ctx, "brussels", yieldAll(bx)); err != nil {
			errs <- err
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(12 + 8*25); n != want {
		t.Errorf("count: got %d; want %d", n, want)
	}
}

func TestContextCancelled(t *testing.T) {
	ix := openCorpus(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, Request{Query: "smart"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search: got %v; want context.Canceled", err)
	}
	if err := ix.Put(ctx, corpus()[0]); !errors.Is(err, context.Canceled) {
		t.Errorf("Put: got %v; want context.Canceled", err)
	}
	if _, err := ix.Rebuild(ctx, "brussels", yieldAll(corpus()[:1])); !errors.Is(err, context.Canceled) {
		t.Errorf("Rebuild: got %v; want context.Canceled", err)
	}
	if n, _ := ix.Count(); n != 12 {
		t.Errorf("count: got %d; want 12", n)
	}
}

// TestPutAfterRebuildSurvivesClose guards the rebuilt index's write mode:
// Rebuild builds with unpersisted batches, and records written after it must
// still be on disk once Close returns.
func TestPutAfterRebuildSurvivesClose(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var brussels []*parlq.Question
	for _, q := range corpus() {
		if q.Source == "brussels" {
			brussels = append(brussels, q)
		}
	}
	last := brussels[len(brussels)-1]
	if _, err := ix.Rebuild(ctx, "brussels", yieldAll(brussels[:len(brussels)-1])); err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, last); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, Request{Filters: map[string][]string{"source": {"brussels"}}, Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	if int(res.Total) != len(brussels) {
		t.Errorf("after rebuild, put, close and reopen: %d records; want %d", res.Total, len(brussels))
	}
}

// TestReadOnly: several readers search at once; a writer is refused while
// they have the index open, and readers are refused while a writer has it;
// a reader cannot write.
func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Put(ctx, corpus()...); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrLocked) {
		t.Errorf("reader beside a writer: got %v; want ErrLocked", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	r1, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("first reader: %v", err)
	}
	defer r1.Close()
	r2, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	defer r2.Close()
	for _, r := range []*Index{r1, r2} {
		res, err := r.Search(ctx, Request{Query: "smart city"})
		if err != nil || res.Total != 3 {
			t.Errorf("reader search: %v, %v; want 3 hits", res, err)
		}
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrLocked) {
		t.Errorf("writer beside readers: got %v; want ErrLocked", err)
	}
	if err := r1.Put(ctx, corpus()[0]); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Put on a reader: got %v; want ErrReadOnly", err)
	}
	if _, err := r1.Rebuild(ctx, "brussels", yieldAll(nil)); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Rebuild on a reader: got %v; want ErrReadOnly", err)
	}
}

func TestResultNamesTheConceptsSearched(t *testing.T) {
	ix := openCorpus(t)
	res, err := ix.Search(context.Background(), Request{Query: "ville intelligente OR housing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Concepts) != 2 || res.Concepts[0][0] != "ville intelligente" || !slices.Contains(res.Concepts[0], "slimme stad") ||
		!slices.Contains(res.Concepts[1], "logement") {
		t.Errorf("concepts = %q; want the smart-city names (the query's first) and the housing ones", res.Concepts)
	}
	res, _ = ix.Search(context.Background(), Request{Query: "capteurs"})
	if res.Concepts != nil {
		t.Errorf("a query naming no concept reports %q", res.Concepts)
	}
}

// TestStaleIndexIsNotSearched: an index built by another mapping version
// is refused with ErrStale until it is rebuilt.
func TestStaleIndexIsNotSearched(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, corpus()...); err != nil {
		t.Fatal(err)
	}
	if err := ix.sources["flanders"].SetInternal([]byte(mappingVersionKey), []byte("0")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(ctx, Request{Query: "smart city"}); !errors.Is(err, ErrStale) {
		t.Errorf("search of a stale index: %v; want ErrStale", err)
	}
	ix.Close()
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := ix.Stale(); !slices.Equal(got, []string{"flanders"}) {
		t.Fatalf("stale %v", got)
	}
	var fl []*parlq.Question
	for _, q := range corpus() {
		if q.Source == "flanders" {
			fl = append(fl, q)
		}
	}
	if _, err := ix.Rebuild(ctx, "flanders", yieldAll(fl)); err != nil {
		t.Fatal(err)
	}
	if res, err := ix.Search(ctx, Request{Query: "smart city"}); err != nil || res.Total != 3 {
		t.Errorf("after the rebuild: %v, %v", res, err)
	}
}
