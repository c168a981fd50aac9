package api

import (
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/parlq/parlq/index"
)

func TestHTMLEscapesAndMarks(t *testing.T) {
	for _, tc := range []struct {
		f    index.Fragment
		want string
	}{
		{index.Fragment{Text: "a smart city"}, "a smart city"},
		{index.Fragment{Text: "a smart city", Marks: [][2]int{{2, 7}}}, "a <mark>smart</mark> city"},
		{index.Fragment{Text: "<script>x</script> ville", Marks: [][2]int{{19, 24}}, Before: true, After: true},
			"… &lt;script&gt;x&lt;/script&gt; <mark>ville</mark> …"},
		{index.Fragment{Text: "<b>", Marks: [][2]int{{0, 3}}}, "<mark>&lt;b&gt;</mark>"},
		// Marks that do not fit the text are ignored, never cut the text.
		{index.Fragment{Text: "abc", Marks: [][2]int{{2, 9}, {1, 1}}}, "abc"},
	} {
		if got := HTML(tc.f); got != tc.want {
			t.Errorf("HTML(%+v) = %q; want %q", tc.f, got, tc.want)
		}
	}
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// FuzzHTML: whatever the text and the marks, the HTML holds no markup but
// balanced <mark> pairs, and the text comes out whole.
func FuzzHTML(f *testing.F) {
	f.Add("<script>alert(1)</script> ville intelligente", 26, 31)
	f.Add("l'État & co", 0, 3)
	f.Fuzz(func(t *testing.T, text string, s, e int) {
		frag := index.Fragment{Text: text, Marks: [][2]int{{s, e}}}
		out := HTML(frag)
		depth := 0
		for _, tag := range tagRe.FindAllString(out, -1) {
			switch tag {
			case "<mark>":
				depth++
			case "</mark>":
				depth--
			default:
				t.Fatalf("HTML(%q) = %q: markup %q", text, out, tag)
			}
			if depth < 0 || depth > 1 {
				t.Fatalf("HTML(%q) = %q: unbalanced marks", text, out)
			}
		}
		if rest := tagRe.ReplaceAllString(out, ""); strings.ContainsAny(rest, "<>") {
			t.Fatalf("HTML(%q) = %q: raw angle bracket", text, out)
		}
		if plain := frag.Render(func(s string) string { return s }, "", ""); plain != text {
			t.Fatalf("Render lost text: %q from %q", plain, text)
		}
	})
}

func TestParseExport(t *testing.T) {
	req, f, err := ParseExport(url.Values{"q": {"mobilité"}, "status": {"answered"}})
	if err != nil || f != CSV || req.Query != "mobilité" || req.Highlight || !reflect.DeepEqual(req.Filters["status"], []string{"answered"}) {
		t.Errorf("ParseExport = %+v %q %v", req, f, err)
	}
	if _, f, err := ParseExport(url.Values{"format": {"jsonl"}}); err != nil || f != JSONL {
		t.Errorf("jsonl: %q %v", f, err)
	}
	for _, v := range []url.Values{{"format": {"xlsx"}}, {"format": {"csv", "jsonl"}}, {"page": {"2"}}, {"facets": {"status"}}} {
		if _, _, err := ParseExport(v); err == nil {
			t.Errorf("ParseExport(%v): no error", v)
		}
	}
}

func TestValuesRoundTrip(t *testing.T) {
	v := url.Values{"q": {"smart city"}, "status": {"answered", "pending"}, "received_from": {"2024-01-01"}, "sort": {"-received"}}
	req, err := ParseSearch(v, index.MaxWindow)
	if err != nil {
		t.Fatal(err)
	}
	if got := Values(req); !reflect.DeepEqual(got, v) {
		t.Errorf("Values(ParseSearch(%v)) = %v", v, got)
	}
}

func TestParseSearchHistogramAndDue(t *testing.T) {
	req, err := ParseSearch(url.Values{"histogram": {"true"}, "due_from": {"2024-01-01"}, "due_to": {"2024-12-31"}}, index.MaxWindow)
	if err != nil {
		t.Fatal(err)
	}
	if !req.Histogram || req.Due != (index.DateRange{From: "2024-01-01", To: "2024-12-31"}) {
		t.Errorf("ParseSearch = %+v", req)
	}
	if _, err := ParseSearch(url.Values{"histogram": {"monthly"}}, index.MaxWindow); err == nil {
		t.Error("histogram=monthly accepted")
	}
	if _, _, err := ParseExport(url.Values{"histogram": {"true"}}); err == nil || !strings.Contains(err.Error(), "exports carry records only") {
		t.Errorf("export with histogram: %v", err)
	}
	v := url.Values{"due_from": {"2024-01-01"}, "q": {"x"}}
	req, _ = ParseSearch(v, index.MaxWindow)
	if got := Values(req); !reflect.DeepEqual(got, v) {
		t.Errorf("Values = %v; want %v", got, v)
	}
}

func TestSearchResponseCarriesTheReports(t *testing.T) {
	res := &index.Result{Total: 0, Sort: "relevance", Ignored: []string{"the"}, Lookup: "HL1",
		Suggestion: &index.Suggestion{Query: "pollution", Total: 3},
		Histogram:  &index.Histogram{Year: []index.Bucket{{Key: "2024", Count: 1}}, Month: []index.Bucket{{Key: "2024-01", Count: 1}}},
		Facets:     map[string][]index.FacetTerm{"source": {{Term: "ukparl", Count: 1, Label: "UK Parliament"}}}}
	var b strings.Builder
	if err := WriteSearchJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"sort": "relevance"`, `"ignored": [`, `"lookup": "HL1"`, `"suggestion": {`, `"query": "pollution"`,
		`"histogram": {`, `"key": "2024-01"`, `"label": "UK Parliament"`, `"hits": []`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("response lacks %s:\n%s", want, b.String())
		}
	}
	var back SearchResponse
	if err := json.Unmarshal([]byte(b.String()), &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Result(); !reflect.DeepEqual(got.Suggestion, res.Suggestion) || !reflect.DeepEqual(got.Histogram, res.Histogram) || got.Lookup != "HL1" {
		t.Errorf("Result() = %+v", got)
	}
}
