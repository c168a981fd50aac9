package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/i18n"
)

// TestSearchPageReports: the page says what it searched — a corrected
// query, an identifier looked up, common words left out, the people named —
// and draws the histogram, without script.
func TestSearchPageReports(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	cases := []struct {
		name, path string
		want       []string
	}{
		{"did you mean", "/" + query("q", "transprot"), []string{
			`<p class="suggestion" id="did-you-mean">Did you mean <a href="/?q=transport">transport</a>? (230 questions)</p>`,
		}},
		{"identifier", "/" + query("q", "n°161"), []string{
			`id="lookup"`, `<strong>161</strong>`, `<h2 id="results-h">1 question</h2>`, `href="/q/brussels/prb/1001"`,
		}},
		{"common words", "/" + query("q", "the rail transport"), []string{
			`<p class="searched" id="ignored">Common words not searched: <q>the</q>.`,
		}},
		{"people", "/" + query("q", "Maron"), []string{
			`<h3 id="people-h">People named</h3>`,
			`<a href="/?addressee=Alain&#43;Maron&amp;q=Maron">Alain Maron</a> <span class="count">(answered as minister: 2 questions)</span>`,
		}},
		{"labels", "/", []string{
			`<label for="f-source-0">House of Commons <span class="count">(231)</span></label>`,
			`name="source" value="ukparl"`,
			`Parlement de la Région de Bruxelles-Capitale <span class="count">(3)</span>`,
			`<legend>Department</legend>`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := get(t, ts, tc.path)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %s", w)
				}
			}
			assertInert(t, tc.name, body)
		})
	}
}

// TestSearchPageHistogram: the histogram is an SVG of links, one bar per
// period, each to the hits of its period, with the counts in a table too.
func TestSearchPageHistogram(t *testing.T) {
	_, ts := newTestServer(t, DefaultConfig(), nil)
	_, _, body := get(t, ts, "/"+query("q", "transport"))
	if !strings.Contains(body, `<svg class="bars"`) || !strings.Contains(body, "Questions received per month, January 2024 to August 2024") {
		t.Fatalf("no monthly histogram:\n%s", body)
	}
	bars := regexp.MustCompile(`<a href="([^"]*)" aria-label="[^"]*"><rect x="\d+" y="\d+" width="10" height="(\d+)"><title>([^<]*)</title></rect></a>`).FindAllStringSubmatch(body, -1)
	if len(bars) != 8 {
		t.Fatalf("%d bars; want 8 (January to August 2024)", len(bars))
	}
	if bars[0][3] != "January 2024: 31 questions" || bars[0][2] != "60" {
		t.Errorf("first bar: %q height %s; want January 2024: 31 questions, the highest", bars[0][3], bars[0][2])
	}
	if !strings.Contains(bars[0][1], "received_from=2024-01-01&amp;received_to=2024-01-31") {
		t.Errorf("first bar links to %s", bars[0][1])
	}
	status, _, page := get(t, ts, strings.ReplaceAll(bars[1][1], "&amp;", "&"))
	if status != 200 || !strings.Contains(page, `<h2 id="results-h">29 questions</h2>`) {
		t.Errorf("the February bar's link: status %d", status)
	}
	if !strings.Contains(body, `<tr><td><a href=`) || !strings.Contains(body, `<td>31</td></tr>`) {
		t.Errorf("no table of counts")
	}
	_, _, body = get(t, ts, "/")
	if !strings.Contains(body, "Questions received per month, January 2024 to December 2024 (highest: 31)") {
		t.Errorf("landing page histogram is not of 2024's months")
	}
}

func TestHistogramOfLongSpansIsPerYear(t *testing.T) {
	var months []index.Bucket
	for y := 2019; y <= 2023; y++ {
		for m := 1; m <= 12; m++ {
			months = append(months, index.Bucket{Key: fmt.Sprintf("%d-%02d", y, m), Count: y - 2018})
		}
	}
	h := &index.Histogram{Month: months, Year: []index.Bucket{{Key: "2019", Count: 12}, {Key: "2020", Count: 24}, {Key: "2021", Count: 36}, {Key: "2022", Count: 48}, {Key: "2023", Count: 60}}}
	hv := histogramOf(i18n.EN, h, url.Values{"q": {"x"}, "page": {"3"}})
	if hv.Interval != "year" || len(hv.Bars) != 5 || hv.First != "2019" || hv.Last != "2023" || hv.Max != 60 {
		t.Fatalf("histogram %+v", hv)
	}
	if b := hv.Bars[0]; b.H != 12 || b.Y != 48 || b.URL != "/?q=x&received_from=2019-01-01&received_to=2019-12-31" {
		t.Errorf("first bar %+v", b)
	}
	if b := hv.Bars[4]; b.H != histHeight || b.X != 4*(barWidth+barGap) {
		t.Errorf("last bar %+v", b)
	}
	if hv.Width != 5*barWidth+4*barGap {
		t.Errorf("width %d", hv.Width)
	}
	if histogramOf(i18n.EN, &index.Histogram{}, nil) != nil || histogramOf(i18n.EN, nil, nil) != nil {
		t.Error("a histogram without hits is drawn")
	}
}

// translatedRecord is a question published in two languages, with a
// subject, a further answer and a deadline (invented text).
func translatedRecord() *parlq.Question {
	return &parlq.Question{
		ID: "bechamber/chamber/55-7", Source: "bechamber", Parliament: "Chambre des représentants / Kamer van volksvertegenwoordigers",
		Assembly: "chamber", URL: "https://www.dekamer.example/qrva/55-7", Language: "nl", Type: parlq.WrittenQuestion,
		Number: "55-7", Title: "Fietspaden langs gewestwegen", Author: parlq.Person{Name: "Jef Köksal", Party: "Groen"},
		Addressee: parlq.Person{Role: "Minister van Mobiliteit", Body: "Mobiliteit"},
		Received:  "2023-02-14", Due: "2023-03-21", Answered: "2023-03-30", Status: parlq.Answered,
		Question: "Hoeveel kilometer fietspad werd aangelegd?", Answer: "Er werd veertig kilometer aangelegd.",
		Translations: map[string]parlq.Translation{"fr": {Title: "Pistes cyclables le long des routes régionales",
			Question: "Combien de kilomètres de pistes cyclables ont été aménagés ?", Answer: "Quarante kilomètres ont été aménagés."}},
		Answers: []parlq.Answer{
			{Kind: parlq.FinalAnswer, Text: "Er werd veertig kilometer aangelegd."},
			{Kind: parlq.AdditionalAnswer, Text: "Aanvullend: fietssnelwegen niet meegeteld.", Translations: map[string]string{"fr": "Les autoroutes cyclables ne sont pas comptées."}},
		},
		Subjects: []parlq.Subject{{Kind: "main", Labels: map[string]string{"fr": "MOBILITÉ DOUCE", "nl": "ZACHTE MOBILITEIT"}}},
	}
}

// TestSearchPageTranslations: fragments of translated texts are shown in
// their language, named; subjects and the deadline are shown.
func TestSearchPageTranslations(t *testing.T) {
	ix, err := index.Open(filepath.Join(t.TempDir(), "index"), index.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(context.Background(), translatedRecord()); err != nil {
		t.Fatal(err)
	}
	s := New(DefaultConfig(), &testStore{ix: ix, cat: testFixture(t).cat})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	_, _, body := get(t, ts, "/"+query("q", "pistes cyclables autoroutes"))
	for _, want := range []string{
		`<h2 id="results-h">1 question</h2>`,
		`<p lang="fr"><span class="part">Title in Français:</span> <mark>Pistes cyclables</mark> le long des routes régionales</p>`,
		`<p lang="fr"><span class="part">Question in Français:</span>`,
		`<dt>Due</dt><dd><time datetime="2023-03-21">21 March 2023</time></dd>`,
		`<dt>Subjects</dt><dd><span lang="fr">MOBILITÉ DOUCE</span></dd>`,
		`<dd>Chambre des représentants / Kamer van volksvertegenwoordigers</dd>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	_, _, body = get(t, ts, "/"+query("q", "fietssnelwegen"))
	if !strings.Contains(body, `<p lang="nl"><span class="part">Further answer:</span> Aanvullend: <mark>fietssnelwegen</mark> niet meegeteld.</p>`) {
		t.Errorf("page lacks the further answer's fragment")
	}
}
