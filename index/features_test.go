package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parlq/parlq"
)

// More hand-written records (invented text) for the query features of
// issue 12: a question published in two languages with subjects, two
// answers and a deadline; UK headings with colons and UINs; a minister
// named in another question's text; an accented title.
const (
	c1 = "bechamber/chamber/55-1"
	u5 = "ukparl/lords/1700001"
	u6 = "ukparl/commons/1700002"
	f4 = "flanders/vp/304"
	b6 = "brussels/prb/1006"
)

func featureCorpus() []*parlq.Question {
	qs := corpus()
	c := &parlq.Question{
		ID: c1, Source: "bechamber", Parliament: "Chambre des représentants / Kamer van volksvertegenwoordigers",
		Assembly: "chamber", URL: "https://www.dekamer.example/qrva/55-1", Language: "nl",
		Type: parlq.WrittenQuestion, Number: "55-1", Title: "Fietspaden langs gewestwegen",
		Author:      parlq.Person{Name: "Jef Köksal", Party: "Groen", ID: "m-17"},
		Addressee:   parlq.Person{Role: "Minister van Mobiliteit", Body: "Mobiliteit"},
		Legislature: "55", Session: "2022-2023",
		Received: "2023-02-14", Due: "2023-03-21", Answered: "2023-03-30", Status: parlq.Answered,
		Question: "Hoeveel kilometer fietspad werd aangelegd langs de gewestwegen?",
		Answer:   "Er werd tweeënveertig kilometer fietspad aangelegd.",
		Translations: map[string]parlq.Translation{"fr": {
			Title: "Pistes cyclables le long des routes régionales", AddresseeRole: "Ministre de la Mobilité",
			Question: "Combien de kilomètres de pistes cyclables ont été aménagés le long des routes régionales ?",
			Answer:   "Quarante-deux kilomètres de pistes cyclables ont été aménagés.",
		}},
		Answers: []parlq.Answer{
			{Date: "2023-03-30", Kind: parlq.FinalAnswer, Text: "Er werd tweeënveertig kilometer fietspad aangelegd.",
				Translations: map[string]string{"fr": "Quarante-deux kilomètres de pistes cyclables ont été aménagés."}},
			{Date: "2023-04-20", Kind: parlq.AdditionalAnswer, Text: "Aanvullend: de fietssnelwegen zijn niet meegeteld.",
				Translations: map[string]string{"fr": "En complément : les autoroutes cyclables ne sont pas comptées."}},
		},
		Subjects: []parlq.Subject{
			{Kind: "main", Labels: map[string]string{"fr": "MOBILITÉ DOUCE", "nl": "ZACHTE MOBILITEIT"}},
			{Kind: "descriptor", Labels: map[string]string{"fr": "piste cyclable"}},
		},
	}
	lords := &parlq.Question{
		ID: u5, Source: "ukparl", Parliament: "UK Parliament", Assembly: "lords",
		URL: "https://questions.example.uk/1700001", Language: "en", Type: parlq.WrittenQuestion,
		Number: "HL4242", Title: "Social Rented Housing: Finance",
		Author:    parlq.Person{Name: "Baroness Pickering", Party: "Crossbench", ID: "4001"},
		Addressee: parlq.Person{Name: "Lord Greenway", Body: "Ministry of Housing, Communities and Local Government", ID: "4002"},
		Received:  "2024-03-04", Due: "2024-03-18", Status: parlq.Pending,
		Question: "To ask His Majesty's Government what funding they will provide for social rented homes.",
	}
	commons := &parlq.Question{
		ID: u6, Source: "ukparl", Parliament: "UK Parliament", Assembly: "commons",
		URL: "https://questions.example.uk/1700002", Language: "en", Type: parlq.WrittenQuestion,
		Number: "152088", Title: "Brexit: EU Trade",
		Author:    parlq.Person{Name: "Rachel Trickley", Party: "Labour", ID: "4003"},
		Addressee: parlq.Person{Name: "Kemi Bayliss", Body: "Department for Business and Trade", ID: "4004"},
		Received:  "2024-05-06", Answered: "2024-05-13", Status: parlq.Answered,
		Question: "To ask the Secretary of State what assessment she has made of EU trade barriers since Brexit.",
		Answer:   "The Department monitors trade with the EU closely.",
	}
	mention := &parlq.Question{
		ID: f4, Source: "flanders", Parliament: "Vlaams Parlement", Assembly: "VP",
		URL: "https://www.vlaamsparlement.example/304", Language: "nl", Type: parlq.WrittenQuestion,
		Number: "304", Title: "Overleg met het Brussels Gewest",
		Author:      parlq.Person{Name: "Bart Claes", Party: "N-VA"},
		Addressee:   parlq.Person{Name: "Els Vos", Role: "Vlaams minister van Binnenlands Bestuur"},
		Legislature: "2024-2029", Session: "2024-2025", Received: "2025-02-03", Status: parlq.Pending,
		Question: "Heeft de minister overleg gepleegd met Brussels minister Alain Maron over de luchtkwaliteit?",
	}
	accented := &parlq.Question{
		ID: b6, Source: "brussels", Parliament: "Parlement de la Région de Bruxelles-Capitale", Assembly: "PRB",
		URL: "https://www.parlement.brussels/qrva/1006", Language: "fr", Type: parlq.WrittenQuestion,
		Number: "619", Title: "Question écrite concernant la mobilité des seniors",
		Author:      parlq.Person{Name: "Sophie Lemaître", Party: "Ecolo"},
		Addressee:   parlq.Person{Name: "Alain Maron", Role: "Ministre de l'Environnement et du Climat"},
		Legislature: "24/29", Session: "24/25", Received: "2024-11-12", Status: parlq.Pending,
		Question: "Quelles aides existent pour les déplacements des personnes âgées ?",
	}
	return append(qs, c, lords, commons, mention, accented)
}

func openFeatures(t testing.TB) *Index {
	t.Helper()
	ix, err := Open(t.TempDir(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	qs := featureCorpus()
	for _, q := range qs {
		if err := q.Validate(); err != nil {
			t.Fatalf("corpus record %s: %v", q.ID, err)
		}
	}
	if err := ix.Put(context.Background(), qs...); err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestQueryFeatures is the data-driven test of what researchers type:
// query → hits. With first set, the first hits must be those (in any order
// among them) and the rest follow; otherwise hits compare as a set.
func TestQueryFeatures(t *testing.T) {
	ix := openFeatures(t)
	maron := []string{b1, b2, b4, b6}
	tests := []struct {
		name  string
		req   Request
		first []string // the leading hits, as a set
		rest  []string // the hits after them, as a set
	}{
		// People: free text finds askers, ministers and bodies, their
		// questions before those that only mention them.
		{"minister's name", Request{Query: "Alain Maron"}, maron, []string{f4}},
		{"minister's surname", Request{Query: "Maron"}, maron, []string{f4}},
		{"minister's name, lower case", Request{Query: "alain maron"}, maron, []string{f4}},
		{"asker's name", Request{Query: "Baroness Pickering"}, []string{u5}, nil},
		{"lord answering", Request{Query: "Greenway"}, []string{u5}, nil},
		{"answering body", Request{Query: "Department for Business and Trade"}, []string{u6}, nil},
		{"name with particles", Request{Query: "Elke Van den Brandt"}, []string{b5}, nil},
		{"name and a word", Request{Query: "Maron capteurs"}, []string{b1}, nil},
		// Headings and colons.
		{"UK heading", Request{Query: "Social Rented Housing: Finance"}, []string{u5}, nil},
		{"colon after a word", Request{Query: "Brexit: EU"}, []string{u6}, nil},
		{"unknown field is text", Request{Query: "trade:barriers"}, []string{u6}, nil},
		// Accents and case, both ways, names included.
		{"accent typed", Request{Query: "mobilité seniors"}, []string{b6}, nil},
		{"accent left out", Request{Query: "mobilite seniors"}, []string{b6}, nil},
		{"accented name typed plainly", Request{Query: "author:Koksal"}, []string{c1}, nil},
		{"accented name", Request{Query: "author:Köksal"}, []string{c1}, nil},
		{"name in capitals", Request{Query: "KÖKSAL"}, []string{c1}, nil},
		{"accent in a quoted phrase", Request{Query: `"personnes agees"`}, []string{b6}, nil},
		// Typos, asked for.
		{"fuzzy word", Request{Query: "capteurz~"}, []string{b1}, nil},
		{"fuzzy word, distance 2", Request{Query: "captuerz~2"}, []string{b1}, nil},
		{"fuzzy name", Request{Query: "author:Pickerign~"}, []string{u5}, nil},
		// Identifiers typed alone come first.
		{"UIN", Request{Query: "HL4242"}, []string{u5}, nil},
		{"UIN, lower case", Request{Query: "hl4242"}, []string{u5}, nil},
		{"printed number", Request{Query: "152088"}, []string{u6}, nil},
		{"number with its sign", Request{Query: "n°1003"}, []string{b3}, nil},
		{"number with its sign and a space", Request{Query: "n° 619"}, []string{b6}, nil},
		{"URL", Request{Query: "https://questions.example.uk/1700002"}, []string{u6}, nil},
		// Quotes mean exactly the phrase; unquoted concepts go across
		// languages.
		{"concept", Request{Query: "smart city"}, []string{b1, b2, u1}, nil},
		{"quoted concept is a phrase", Request{Query: `"smart city"`}, []string{u1}, nil},
		{"quoted three words", Request{Query: `"la ville intelligente"`}, []string{b1}, nil},
		{"quoted four words", Request{Query: `"capteurs pour la qualité"`}, []string{b1}, nil},
		{"four words not in that order", Request{Query: `"pour la qualité capteurs"`}, nil, nil},
		// Translations, subjects, answers.
		{"own language", Request{Query: "fietspad"}, []string{c1}, nil},
		{"translated text", Request{Query: "pistes cyclables routes"}, []string{c1}, nil},
		{"translated further answer", Request{Query: "autoroutes cyclables"}, []string{c1}, nil},
		{"further answer", Request{Query: "fietssnelwegen"}, []string{c1}, nil},
		{"subject in another language", Request{Query: "douce"}, []string{c1}, nil},
		{"subject prefix", Request{Query: "subject:cyclable"}, []string{c1}, nil},
		{"subject phrase", Request{Query: `subject:"zachte mobiliteit"`}, []string{c1}, nil},
		{"title prefix, translated title", Request{Query: "title:routes"}, []string{c1}, nil},
		{"answer prefix reaches further answers", Request{Query: "answer:fietssnelwegen"}, []string{c1}, nil},
		{"question prefix misses answers", Request{Query: "question:fietssnelwegen"}, nil, nil},
		// Filters.
		{"department filter", Request{Filters: map[string][]string{"department": {"department for business and trade"}}}, []string{u6}, nil},
		{"department prefix", Request{Query: `department:Mobiliteit`}, []string{c1}, nil},
		{"party filter", Request{Filters: map[string][]string{"party": {"crossbench"}}}, []string{u3, u5}, nil},
		{"party prefix", Request{Query: "party:Groen"}, []string{b2, b5, c1}, nil},
		{"subject filter", Request{Filters: map[string][]string{"subject": {"Mobilite douce"}}}, []string{c1}, nil},
		{"due range", Request{Due: DateRange{From: "2024-01-01"}}, []string{u5}, nil},
		{"year filter", Request{Filters: map[string][]string{"year": {"2025"}}}, []string{u4, f4}, nil},
		{"two years", Request{Filters: map[string][]string{"year": {"2019", "2020"}}}, []string{b5, u3}, nil},
		{"language filter, other language", Request{Filters: map[string][]string{"language": {"NL"}, "source": {"bechamber"}}}, []string{c1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			n := min(len(tt.first), len(got))
			if lead := sorted(got[:n]...); !slices.Equal(lead, sorted(tt.first...)) {
				t.Errorf("%q: leading hits %v; want %v (all: %v)", tt.req.Query, lead, sorted(tt.first...), got)
			}
			if rest := sorted(got[n:]...); !slices.Equal(rest, sorted(tt.rest...)) {
				t.Errorf("%q: following hits %v; want %v", tt.req.Query, rest, sorted(tt.rest...))
			}
			if res.Total != uint64(len(got)) {
				t.Errorf("total %d; want %d", res.Total, len(got))
			}
		})
	}
}

func TestQueryReports(t *testing.T) {
	ix := openFeatures(t)
	ctx := context.Background()
	res, err := ix.Search(ctx, Request{Query: "smart city"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Concepts) != 1 || !slices.Contains(res.Concepts[0], "slimme stad") {
		t.Errorf("concepts of an unquoted concept: %q", res.Concepts)
	}
	if res, _ := ix.Search(ctx, Request{Query: `"smart city"`}); res.Concepts != nil {
		t.Errorf("a quoted phrase reports concepts %q", res.Concepts)
	}
	res, err = ix.Search(ctx, Request{Query: "the Social Rented Housing of"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Ignored, []string{"the", "of"}) || !slices.Equal(ids(res), []string{u5}) {
		t.Errorf("ignored %q, hits %v; want [the of] and [%s]", res.Ignored, ids(res), u5)
	}
	if res, _ := ix.Search(ctx, Request{Query: "n°619"}); res.Lookup != "619" {
		t.Errorf("lookup: %q", res.Lookup)
	}
	if res, _ := ix.Search(ctx, Request{}); res.Sort != "-received" || res.Hits[0].ID != f4 {
		t.Errorf("the empty query: sort %q, first %s; want -received, %s", res.Sort, res.Hits[0].ID, f4)
	}
	if res, _ := ix.Search(ctx, Request{Query: "capteurs"}); res.Sort != "relevance" {
		t.Errorf("a query: sort %q; want relevance", res.Sort)
	}
}

func TestCommonWordsAreNotSearchedOrHighlighted(t *testing.T) {
	ix := openFeatures(t)
	ctx := context.Background()
	_, err := ix.Search(ctx, Request{Query: "the of"})
	var qe *QueryError
	if !errors.As(err, &qe) || !strings.Contains(qe.Msg, "common words") || !strings.Contains(qe.Msg, "quotes") {
		t.Errorf("common words only: got %v; want a QueryError saying so", err)
	}
	for _, q := range []string{"??", "-", "- ?"} {
		if _, err := ix.Search(ctx, Request{Query: q}); !errors.As(err, &qe) || !strings.Contains(qe.Msg, "no letters or digits") {
			t.Errorf("%q: got %v; want a QueryError about punctuation", q, err)
		}
	}
	res, err := ix.Search(ctx, Request{Query: "the EU trade", Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != u6 {
		t.Fatalf("hits %v; want [%s]", ids(res), u6)
	}
	for field, frags := range rendered(res.Hits[0].Highlights) {
		for _, f := range frags {
			if strings.Contains(f, "<mark>the</mark>") || strings.Contains(f, "<mark>The</mark>") {
				t.Errorf("%s: a common word is highlighted: %s", field, f)
			}
		}
	}
	// Quoted, common words are searched: the phrase is what was asked for.
	res, err = ix.Search(ctx, Request{Query: `"with the EU"`, Highlight: true})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("quoted common words: %v, %v", res, err)
	}
	if got := rendered(res.Hits[0].Highlights)["answer"]; len(got) != 1 || !strings.Contains(got[0], "<mark>with the EU</mark>") {
		t.Errorf("quoted phrase highlight: %q", got)
	}
}

func TestTranslationHighlights(t *testing.T) {
	ix := openFeatures(t)
	res, err := ix.Search(context.Background(), Request{Query: "pistes cyclables autoroutes", Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v; want [%s]", ids(res), c1)
	}
	h := rendered(res.Hits[0].Highlights)
	want := map[string]string{
		"title@fr":      "<mark>Pistes cyclables</mark> le long des routes régionales",
		"question@fr":   "<mark>pistes cyclables</mark>",
		"answer@fr":     "<mark>pistes cyclables</mark>",
		"answers[1]@fr": "<mark>autoroutes cyclables</mark>",
	}
	for key, frag := range want {
		if len(h[key]) == 0 || !strings.Contains(h[key][0], frag) {
			t.Errorf("highlight %s: got %q; want it to hold %q", key, h[key], frag)
		}
	}
	for key := range h {
		if _, ok := want[key]; !ok {
			t.Errorf("unexpected highlight %s: %q", key, h[key])
		}
	}
	// The own language's parts keep their plain keys.
	res, _ = ix.Search(context.Background(), Request{Query: "fietspad fietssnelwegen", Highlight: true})
	h = rendered(res.Hits[0].Highlights)
	for _, key := range []string{"title", "question", "answer", "answers[1]"} {
		if len(h[key]) == 0 {
			t.Errorf("no highlight %s in %q", key, h)
		}
	}
}

func TestFacetsLabelsAndHistogram(t *testing.T) {
	ix := openFeatures(t)
	res, err := ix.Search(context.Background(), Request{
		Facets:    []string{"source", "assembly", "department", "party", "subject", "language", "year", "status", "type"},
		Histogram: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantTerms := map[string]string{
		"source":     "brussels:6 ukparl:6 flanders:4 bechamber:1",
		"department": "Department for Business and Trade:1 Ministry of Housing, Communities and Local Government:1 Mobiliteit:1",
		"party":      "Groen:3 Labour:3 CD&V:2 Crossbench:2 N-VA:2 PS:2 Ecolo:1 Liberal Democrats:1 MR:1",
		"subject":    "MOBILITÉ DOUCE:1 piste cyclable:1",
		"language":   "nl:7 en:6 fr:4",
		"year":       "2025:2 2024:6 2023:4 2022:2 2021:1 2020:1 2019:1",
	}
	for f, want := range wantTerms {
		var parts []string
		for _, t := range res.Facets[f] {
			parts = append(parts, fmt.Sprintf("%s:%d", t.Term, t.Count))
		}
		got := strings.Join(parts, " ")
		if f == "language" || f == "party" {
			// Ties in count are in term order; compare as sets.
			g, w := strings.Fields(got), strings.Fields(want)
			slices.Sort(g)
			slices.Sort(w)
			got, want = strings.Join(g, " "), strings.Join(w, " ")
		}
		if got != want {
			t.Errorf("facet %s: got %s; want %s", f, got, want)
		}
	}
	labels := map[string]map[string]string{
		"source":   {"ukparl": "UK Parliament", "bechamber": "Chambre des représentants / Kamer van volksvertegenwoordigers"},
		"assembly": {"commons": "House of Commons", "PRB": "Parlement de la Région de Bruxelles-Capitale", "VP": ""},
		"status":   {"answered": "Answered"},
		"type":     {"written_question": "Written question"},
		"language": {"nl": "Nederlands"},
		"party":    {"Labour": ""},
	}
	for f, want := range labels {
		for _, term := range res.Facets[f] {
			if l, ok := want[term.Term]; ok && term.Label != l {
				t.Errorf("facet %s %s: label %q; want %q", f, term.Term, term.Label, l)
			}
		}
	}

	h := res.Histogram
	if h == nil {
		t.Fatal("no histogram")
	}
	var sum int
	for _, b := range h.Month {
		sum += b.Count
	}
	if first, last := h.Month[0], h.Month[len(h.Month)-1]; first.Key != "2019-03" || last.Key != "2025-02" || sum != 17 {
		t.Errorf("months: first %v, last %v, sum %d; want 2019-03, 2025-02, 17", first, last, sum)
	}
	if len(h.Month) != 6*12+0 {
		t.Errorf("months: %d buckets; want 72 (March 2019 to February 2025, empty ones included)", len(h.Month))
	}
	var years []string
	for _, b := range h.Year {
		years = append(years, fmt.Sprintf("%s:%d", b.Key, b.Count))
	}
	if got := strings.Join(years, " "); got != "2019:1 2020:1 2021:1 2022:2 2023:4 2024:6 2025:2" {
		t.Errorf("years: %s", got)
	}
	for _, b := range h.Month {
		if b.Key == "2024-03" && b.Count != 1 || b.Key == "2024-05" && b.Count != 1 || b.Key == "2019-04" && b.Count != 0 {
			t.Errorf("month %s: %d", b.Key, b.Count)
		}
	}
	// The histogram counts the hits of the query and filters.
	res, _ = ix.Search(context.Background(), Request{Query: "smart city", Histogram: true})
	if got := res.Histogram.Year; len(got) != 2 || got[0] != (Bucket{"2023", 2}) || got[1] != (Bucket{"2024", 1}) {
		t.Errorf("histogram of a query: %v", got)
	}
}

func TestUnknownFilterValuesAreRefused(t *testing.T) {
	ix := openFeatures(t)
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{Filters: map[string][]string{"status": {"bogus"}}}, `unknown status "bogus" (known: answered, lapsed, pending, withdrawn)`},
		{Request{Query: "status:bogus"}, `unknown status "bogus" (known: answered, lapsed, pending, withdrawn)`},
		{Request{Filters: map[string][]string{"type": {"question"}}}, `unknown type "question" (known: interpellation, oral_question, request_for_explanation, topical_question, written_question)`},
		{Request{Filters: map[string][]string{"language": {"it"}}}, `unknown language "it" (known: de, en, fr, nl)`},
		{Request{Query: "year:twenty"}, "year:twenty is not a year"},
	} {
		_, err := ix.Search(context.Background(), tc.req)
		var qe *QueryError
		if !errors.As(err, &qe) || !strings.Contains(qe.Msg, tc.want) {
			t.Errorf("%+v: got %v; want a QueryError containing %q", tc.req, err, tc.want)
		}
	}
	// Known values, in any case and with or without accents, are accepted;
	// so are sources and assemblies not harvested yet.
	for _, f := range []map[string][]string{{"status": {"Answered"}}, {"assembly": {"prb"}}, {"source": {"UKPARL"}},
		{"type": {"WRITTEN_QUESTION"}}, {"source": {"senate"}}, {"assembly": {"senate"}}, {"language": {"de"}}} {
		if _, err := ix.Search(context.Background(), Request{Filters: f}); err != nil {
			t.Errorf("%v: %v", f, err)
		}
	}
}

// TestTitleMatchesRankFirst: a word of the title weighs more than the same
// word in a text, and the title copy that makes it so is highlighted once.
func TestTitleMatchesRankFirst(t *testing.T) {
	ix, err := Open(t.TempDir(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	mk := func(n, title, question string) *parlq.Question {
		return &parlq.Question{ID: "brussels/prb/" + n, Source: "brussels", Assembly: "PRB", URL: "https://x.example/" + n,
			Language: "fr", Type: parlq.WrittenQuestion, Status: parlq.Pending, Title: title, Question: question}
	}
	err = ix.Put(context.Background(),
		mk("1", "Question concernant les horaires", "Le tramway de nuit circule-t-il le dimanche ?"),
		mk("2", "Question concernant le tramway", "Quels sont les horaires de nuit le dimanche ?"),
		mk("3", "Question concernant les bus", "Les bus de nuit circulent-ils le dimanche ?"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Request{Query: "tramway", Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Equal(got, []string{"brussels/prb/2", "brussels/prb/1"}) {
		t.Errorf("hits %v; want the title match first", got)
	}
	if h := rendered(res.Hits[0].Highlights)["title"]; len(h) != 1 || h[0] != "Question concernant le <mark>tramway</mark>" {
		t.Errorf("title highlight %q", h)
	}
}

func TestPeopleNamedByTheQuery(t *testing.T) {
	ix := openFeatures(t)
	res, err := ix.Search(context.Background(), Request{Query: "Maron", Facets: []string{"author", "addressee"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []PersonMatch{{Name: "Alain Maron", Role: "addressee", Count: 4}}; !slices.Equal(res.People, want) {
		t.Errorf("people: got %+v; want %+v", res.People, want)
	}
	res, _ = ix.Search(context.Background(), Request{Query: "Peeters OR Smith", Facets: []string{"author"}})
	if want := []PersonMatch{{"Jan Peeters", "author", 2}, {"John Smith", "author", 2}}; !slices.Equal(res.People, want) {
		t.Errorf("people: got %+v; want %+v", res.People, want)
	}
	// Without the facets, no people.
	if res, _ := ix.Search(context.Background(), Request{Query: "Maron"}); res.People != nil {
		t.Errorf("people without facets: %+v", res.People)
	}
}
