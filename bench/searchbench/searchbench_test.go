package main

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/index"
)

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	orig := slices.Clone(ds)
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0.001, time.Millisecond}} {
		if got := percentile(ds, c.p); got != c.want {
			t.Errorf("percentile(1..100 ms, %v) = %v; want %v", c.p, got, c.want)
		}
	}
	if !slices.Equal(ds, orig) {
		t.Error("percentile reordered its input")
	}
	if got := percentile([]time.Duration{7}, 0.99); got != 7 {
		t.Errorf("percentile of one value = %v; want 7", got)
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile of nothing = %v; want 0", got)
	}
	// Nearest rank: p50 of four values is the second.
	if got := percentile([]time.Duration{4, 1, 3, 2}, 0.5); got != 2 {
		t.Errorf("p50 of 1..4 = %v; want 2", got)
	}
}

// TestQueries checks the query classes: ten classes of at least five
// queries, each a valid index request that the API's parameters carry
// unchanged, and each within the syntax the SQL engines interpret.
func TestQueries(t *testing.T) {
	qs, err := prepareQueries(1)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 55 {
		t.Errorf("%d queries; want 55", len(qs))
	}
	perClass := map[string]int{}
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, q := range qs {
		perClass[q.Class]++
		if !slices.Contains(classOrder, q.Class) {
			t.Errorf("%s: unknown class %q", q, q.Class)
		}
		if _, err := ix.Search(context.Background(), q.Request()); err != nil {
			t.Errorf("%s: invalid request: %v", q, err)
		}
		got, err := api.ParseSearch(q.Values(), index.MaxWindow)
		if err != nil {
			t.Errorf("%s: API parameters %s refused: %v", q, q.Values().Encode(), err)
		} else if want := q.Request(); !reflect.DeepEqual(normReq(got), normReq(want)) {
			t.Errorf("%s: over the API %+v; want %+v", q, got, want)
		}
		if q.Text != "" && len(q.in.all) == 0 {
			t.Errorf("%s: interpreted as nothing to search", q)
		}
	}
	for _, c := range classOrder {
		if perClass[c] < 5 {
			t.Errorf("class %q has %d queries; want at least 5", c, perClass[c])
		}
	}
	for _, c := range typicalClasses {
		if !slices.Contains(classOrder, c) {
			t.Errorf("typical class %q is not a class", c)
		}
	}
}

// normReq makes empty and nil slices and maps compare equal.
func normReq(r index.Request) index.Request {
	if len(r.Filters) == 0 {
		r.Filters = nil
	}
	if len(r.Facets) == 0 {
		r.Facets = nil
	}
	return r
}

func TestInterpret(t *testing.T) {
	syn, err := index.ParseSynonyms(strings.NewReader("smart city, ville intelligente, slimme stad\nhousing, logement\n"))
	if err != nil {
		t.Fatal(err)
	}
	ss := newSynonyms(syn)
	for _, c := range []struct {
		text string
		want [][]leaf
	}{
		{"budget", [][]leaf{{{opWord, "budget"}}}},
		{`"budget régional"`, [][]leaf{{{opPhrase, "budget régional"}}}},
		{"smart city budget", [][]leaf{
			{{opConceptPhrase, "smart city"}, {opConceptPhrase, "ville intelligente"}, {opConceptPhrase, "slimme stad"}},
			{{opWord, "budget"}}}},
		// The names as the synonym file writes them.
		{"budget Smart-City", [][]leaf{{{opWord, "budget"}},
			{{opConceptPhrase, "smart city"}, {opConceptPhrase, "ville intelligente"}, {opConceptPhrase, "slimme stad"}}}},
		{"logement", [][]leaf{{{opConceptWord, "logement"}, {opConceptWord, "housing"}}}},
		// Quotes mean exactly this: no concept.
		{`"logement"`, [][]leaf{{{opPhrase, "logement"}}}},
		{`"smart city"`, [][]leaf{{{opPhrase, "smart city"}}}},
		{`minister:"Jan Peeters" logement ?`, [][]leaf{{{opNamePhrase, "Jan Peeters"}}, {{opConceptWord, "logement"}, {opConceptWord, "housing"}}}},
		{"minister:Peeters", [][]leaf{{{opNameWord, "Peeters"}}}},
		{"", nil},
	} {
		in, err := interpret(c.text, ss)
		if err != nil {
			t.Errorf("interpret(%q): %v", c.text, err)
			continue
		}
		if !reflect.DeepEqual(in.all, c.want) {
			t.Errorf("interpret(%q) = %v; want %v", c.text, in.all, c.want)
		}
	}
	for _, bad := range []string{"a OR b", "-budget", "title:budget", "budg*", "(a b)", `"open`, "the budget", "HL1234", "budget 2024"} {
		if _, err := interpret(bad, ss); err == nil {
			t.Errorf("interpret(%q) accepted syntax the engines do not render", bad)
		}
	}
}

func TestRender(t *testing.T) {
	an, err := newAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	lite := &sqliteEngine{an: an}
	pg := &postgresEngine{an: an}
	for _, c := range []struct {
		l          leaf
		fts        []string
		tsv        []colQuery
		ftsNothing bool
	}{
		// A quoted phrase: unstemmed and folded, in the texts or a person's
		// details.
		{l: leaf{opPhrase, "Qualité de l'air"},
			fts: []string{`{title_x question_x answer_x} : "qualite de l'air"`, `{author_x} : "qualite de l'air"`, `{addressee_x} : "qualite de l'air"`},
			tsv: []colQuery{{"tsv_x", `'qualite' <-> 'de' <-> 'l''air'`}, {"tsv_author", `'qualite' <-> 'de' <-> 'l''air'`}, {"tsv_addr", `'qualite' <-> 'de' <-> 'l''air'`}}},
		{l: leaf{opPhrase, "Köksal"},
			fts: []string{`{title_x question_x answer_x} : ("koksal")`, `{people_x} : ("koksal")`},
			tsv: []colQuery{{"tsv_x", `'koksal'`}, {"tsv_people", `'koksal'`}}},
		// A concept's names: phrases unstemmed, words stemmed, no people.
		{l: leaf{opConceptPhrase, "Qualité de l'air"},
			fts: []string{`{title_x question_x answer_x} : "qualite de l'air"`},
			tsv: []colQuery{{"tsv_x", `'qualite' <-> 'de' <-> 'l''air'`}}},
		{l: leaf{opConceptWord, "logements"},
			fts: []string{`{title_en question_en answer_en} : ("logement")`, `{title_fr question_fr answer_fr} : ("loge")`,
				`{title_nl question_nl answer_nl} : ("logement")`},
			tsv: []colQuery{{"tsv_en", `'logement'`}, {"tsv_fr", `'loge'`}, {"tsv_nl", `'logement'`}}},
		// A plain word: each language's stemmer (Bleve's) for its own
		// columns, or among people.
		{l: leaf{opWord, "logements"},
			fts: []string{`{title_en question_en answer_en} : ("logement")`, `{title_fr question_fr answer_fr} : ("loge")`,
				`{title_nl question_nl answer_nl} : ("logement")`, `{people_x} : ("logements")`},
			tsv: []colQuery{{"tsv_en", `'logement'`}, {"tsv_fr", `'loge'`}, {"tsv_nl", `'logement'`}, {"tsv_people", `'logements'`}}},
		// A stop word of one language is left out of its field.
		{l: leaf{opWord, "the"},
			fts: []string{`{title_fr question_fr answer_fr} : ("the")`, `{title_nl question_nl answer_nl} : ("the")`, `{people_x} : ("the")`},
			tsv: []colQuery{{"tsv_fr", `'the'`}, {"tsv_nl", `'the'`}, {"tsv_people", `'the'`}}},
		{l: leaf{opNamePhrase, "Jan Peeters"},
			fts: []string{`{addressee_x} : "jan peeters"`},
			tsv: []colQuery{{"tsv_addr", `'jan' <-> 'peeters'`}}},
		{l: leaf{opWord, "?"}, ftsNothing: true},
	} {
		if got := lite.leaf(c.l); !slices.Equal(got, c.fts) {
			t.Errorf("FTS5 of %v = %q; want %q", c.l, got, c.fts)
		}
		if got := pg.leaf(c.l); !slices.Equal(got, c.tsv) {
			t.Errorf("tsquery of %v = %q; want %q", c.l, got, c.tsv)
		}
	}
	if _, ok := lite.match(interpretation{all: [][]leaf{{{opWord, "?"}}}}); ok {
		t.Error("a term that can match nothing rendered as a match")
	}
}

func TestTSVector(t *testing.T) {
	got := tsvector([]term{{"a", 1}, {"b", 2}}, nil, []term{{"a", 1}, {"it's", 3}})
	// The title's terms weigh A; each field starts tsFieldGap after the
	// last position of the one before (2+64, then 66+0+64).
	want := `'a':1A,131 'b':2A 'it''s':133`
	if got != want {
		t.Errorf("tsvector = %s; want %s", got, want)
	}
}

// TestStatement checks the SQL both engines send for a query with filters,
// a date range, facets and a sort.
func TestStatement(t *testing.T) {
	q := &prepared{Query: Query{Filters: map[string][]string{"status": {"answered"}, "source": {"ukparl", "flanders"}},
		Received: index.DateRange{From: "2018-01-01", To: "2019-12-31"}, Facets: []string{"addressee", "year"},
		Sort: "-received", Page: 3, Size: 20}}
	a := &sqlArgs{numbered: true}
	stmt, err := searchSQL{from: "FROM docs d", score: "0", scoreOrder: "DESC", dateCast: "::date"}.statement(q, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"d.source IN ($1, $2)", "d.status IN ($3)", "d.received >= $4::date", "d.received <= $5::date",
		"ORDER BY received DESC, qid LIMIT 20 OFFSET 40", "SELECT 2, v, n FROM (SELECT addressee AS v", "SELECT 3, v, n FROM (SELECT year AS v"} {
		if !strings.Contains(stmt, want) {
			t.Errorf("statement lacks %q:\n%s", want, stmt)
		}
	}
	if want := []any{"flanders", "ukparl"}; !reflect.DeepEqual(a.args[:2], []any{"ukparl", "flanders"}) {
		t.Errorf("args %v; want the filter values as given, %v sorted by field", a.args, want)
	}
	q.Sort = "days_to_answer"
	if _, err := (searchSQL{}).statement(q, &sqlArgs{}); err == nil {
		t.Error("a sort the SQL does not render was accepted")
	}
}

// TestParlqAndSQLiteAgree runs every query on a small corpus in parlq's
// index and in SQLite FTS5: the hit counts must be equal, and parlq must
// expand the concepts the benchmark's interpretation expands.
func TestParlqAndSQLiteAgree(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	an, err := newAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	c := corpus{seed: 1, docs: 600}
	p, err := newParlq(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	s, err := newSQLite(dir, an)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for _, e := range []engine{p, s} {
		if err := e.build(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	qs, err := prepareQueries(c.seed)
	if err != nil {
		t.Fatal(err)
	}
	some := 0
	for _, q := range qs {
		rp, err := p.search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := s.search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if rp.total != rs.total {
			t.Errorf("%s: parlq finds %d, SQLite %d", q, rp.total, rs.total)
		}
		if wantPage := min(max(rp.total-(q.Page-1)*q.Size, 0), q.Size); len(rs.ids) != wantPage || len(rp.ids) != wantPage {
			t.Errorf("%s: pages of %d (parlq) and %d (SQLite) hits; want %d", q, len(rp.ids), len(rs.ids), wantPage)
		}
		if d := facetDiff(rp.facets, rs.facets); d != "" {
			t.Errorf("%s: facets differ: %s", q, d)
		}
		if q.Highlight && rs.total > 0 && rs.snippets == 0 {
			t.Errorf("%s: SQLite returned no highlighted snippet", q)
		}
		if rp.total > 0 {
			some++
		}
	}
	if some < len(qs)/2 {
		t.Errorf("only %d of %d queries find anything in %d documents", some, len(qs), c.docs)
	}
}

// TestWriteDataDir: the serve data directory holds every record of the
// corpus in the catalog and the index, whatever the batch boundaries.
func TestWriteDataDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := corpus{seed: 3, docs: dataBatch + 7}
	if testing.Short() {
		t.Skip("short: writes a data directory of 2,007 records")
	}
	if err := writeDataDir(ctx, dir, c); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(ctx, dir, dataset.Options{Command: "test", Index: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	n, err := ds.Index().Count()
	if err != nil || n != uint64(c.docs) {
		t.Errorf("index holds %d records (%v); want %d", n, err, c.docs)
	}
	stored := 0
	if err := ds.Catalog().Each(ctx, "", func(*parlq.Question) error { stored++; return nil }); err != nil {
		t.Fatal(err)
	}
	if stored != c.docs {
		t.Errorf("catalog holds %d records; want %d", stored, c.docs)
	}
}

func TestStatCPU(t *testing.T) {
	got, err := statCPU("4242 (parlq (serve) x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 150 25 0 0 20 0 12 0 100 2000000 5000 18446744073709551615")
	if err != nil || got != 1750*time.Millisecond {
		t.Errorf("statCPU = %v, %v; want 1.75 s (175 ticks)", got, err)
	}
	if _, err := statCPU("garbage"); err == nil {
		t.Error("a malformed stat line was read")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	if d, err := processCPU(os.Getpid()); err != nil || d <= 0 {
		t.Errorf("processCPU(self) = %v, %v", d, err)
	}
}
