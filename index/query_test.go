package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
)

// show renders a parsed query compactly, for structure tests.
func show(n node) string {
	switch n := n.(type) {
	case allNode:
		return "*"
	case emptyNode:
		return "∅"
	case lookupNode:
		s := "#" + n.key
		if n.text != nil {
			s += "|" + show(n.text)
		}
		return s
	case namesNode:
		return "~name(" + strings.Join(n.words, " ") + ")"
	case termNode:
		s := n.text
		if n.phrase {
			s = `"` + s + `"`
		}
		if n.prefix {
			s += "*"
		}
		if n.fuzzy >= 0 {
			s += "~" + fmt.Sprint(n.fuzzy)
		}
		if n.field != "" {
			s = n.field + ":" + s
		}
		return s
	case conceptNode:
		s := "{" + strings.Join(n.names, "|") + "}"
		if n.field != "" {
			s = n.field + ":" + s
		}
		return s
	case orNode:
		parts := make([]string, len(n.any))
		for i, c := range n.any {
			parts[i] = show(c)
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	case andNode:
		var parts []string
		for _, c := range n.must {
			parts = append(parts, show(c))
		}
		for _, c := range n.not {
			parts = append(parts, "-"+show(c))
		}
		for _, c := range n.rank {
			parts = append(parts, show(c))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return "?"
}

// testCommon takes a few stop words for common, as a corpus would.
func testCommon(w string) bool {
	return slices.Contains([]string{"the", "of", "and", "le", "la", "de", "van", "den"}, w)
}

func TestParseQuery(t *testing.T) {
	syn, err := ParseSynonyms(strings.NewReader("smart city, ville intelligente\nhousing, logement\n"))
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"":                              "*",
		"   ":                           "*",
		"budget":                        "budget",
		"budget vélo":                   "[budget vélo ~name(budget velo)]",
		"budget AND vélo":               "[budget vélo ~name(budget velo)]",
		"budget OR velo tram":           "(budget OR [velo tram ~name(velo tram)])",
		"budget OR velo OR tram":        "(budget OR velo OR tram)",
		"(budget OR velo) tram":         "[(budget OR velo) tram]",
		"budget -velo NOT tram +metro":  "[budget metro -velo -tram]",
		"NOT budget":                    "[-budget]",
		`"open data" tram`:              `["open data" tram]`,
		"minister:Maron":                "minister:Maron",
		`author:"Jan Peeters"`:          `author:"Jan Peeters"`,
		"author:(Dupont OR Peeters)":    "(author:Dupont OR author:Peeters)",
		"Status:answered":               "status:answered",
		"capt*":                         "capt*",
		"pollutoin~":                    "pollutoin~0",
		"pollutoin~2":                   "pollutoin~2",
		"author:Koksal~1":               "author:Koksal~1",
		"10:30":                         "[10 30 ~name(10 30)]",
		"e-mail":                        "e-mail",
		"war crimes":                    "[war crimes ~name(war crimes)]",
		"the war":                       "[war ~name(the war)]",
		"budget - velo":                 "[budget velo ~name(budget velo)]",
		"smart city":                    "[{smart city|ville intelligente} ~name(smart city)]",
		"the smart city plan":           "[{smart city|ville intelligente} plan ~name(the smart city plan)]",
		`"Smart-City"`:                  `"Smart-City"`,
		`"smart city"`:                  `"smart city"`,
		"title:(smart city)":            "title:{smart city|ville intelligente}",
		"smart title:city":              "[smart title:city]",
		"-smart city":                   "[city -smart]",
		"housing":                       "{housing|logement}",
		"logement OR woning":            "({logement|housing} OR woning)",
		"author:housing":                "author:housing",
		"capteurs ?":                    "capteurs",
		"((budget))":                    "budget",
		"budget AND (velo OR NOT tram)": "[budget (velo OR [-tram])]",
		"ville intelligente -capteurs":  "[{ville intelligente|smart city} -capteurs ~name(ville intelligente)]",
		// Colons that are not field prefixes are text.
		"Housing: Finance":     "[{housing|logement} Finance ~name(housing finance)]",
		"Brexit: EU":           "[Brexit EU ~name(brexit eu)]",
		"status: answered":     "[status answered ~name(status answered)]",
		"colour:red":           "[colour red ~name(colour red)]",
		"author:":              "author",
		"http://example.org/x": "#http://example.org/x|http://example.org/x",
		// Identifiers typed alone.
		"HL12331":  "#hl12331|HL12331",
		" 147084 ": "#147084|147084",
		"n°619":    "#619",
		"n° 619":   "#619",
		"No. 12-3": "#12-3",
		// Common words are not searched; names keep them.
		"the budget":          "[budget ~name(the budget)]",
		"Elke Van den Brandt": "[Elke Brandt ~name(elke van den brandt)]",
		"budget (the OR of)":  "budget",
	} {
		pq, err := parseQuery(in, syn, testCommon)
		if err != nil {
			t.Errorf("parseQuery(%q): %v", in, err)
			continue
		}
		if got := show(pq.n); got != want {
			t.Errorf("parseQuery(%q): got %s; want %s", in, got, want)
		}
	}
}

func TestParseQueryReports(t *testing.T) {
	pq, err := parseQuery("the budget of Brussels", nil, testCommon)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pq.ignored, []string{"the", "of"}) {
		t.Errorf("ignored: got %q; want [the of]", pq.ignored)
	}
	if pq, _ := parseQuery("n°619", nil, testCommon); pq.lookup != "619" {
		t.Errorf("lookup: got %q; want 619", pq.lookup)
	}
}

func TestParseQueryErrorsName(t *testing.T) {
	for in, want := range map[string]string{
		`"open`:       "unterminated phrase",
		"(budget":     "missing )",
		"budget)":     "unbalanced )",
		"OR budget":   "missing term before",
		"budget OR":   "needs a term on its right",
		"budget AND":  "needs a term on its right",
		"AND budget":  "needs a term on its left",
		"-":           "no letters or digits",
		"??":          "no letters or digits",
		"- ? !":       "no letters or digits",
		"NOT":         "needs a term after it",
		"author: )":   "unbalanced )",
		"s*":          "too short",
		`""`:          "empty phrase",
		"()":          "empty parentheses",
		"the of and":  `"the", "of", "and" are only common words`,
		"le la de":    "only common words",
		"(the OR of)": "only common words",
		"word~3":      "1 or 2",
		"ab~":         "at least 3 letters",
		"author:ab~":  "at least 3 letters",
		"smart~ city": "", // fuzzy and plain words mix
	} {
		_, err := parseQuery(in, nil, testCommon)
		if want == "" {
			if err != nil {
				t.Errorf("parseQuery(%q): got %v; want no error", in, err)
			}
			continue
		}
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Field != "q" || !strings.Contains(qe.Msg, want) {
			t.Errorf("parseQuery(%q): got %v; want a QueryError containing %q", in, err, want)
		}
	}
}

// FuzzParseQuery checks that no input makes the parser panic, that every
// failure is a *QueryError, and that every query it accepts becomes a valid
// Bleve query.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "smart city", `"smart city" OR minister:Maron`, "a AND (b OR NOT c) -d +e",
		`author:("Jan Peeters" OR Dupont)`, "capt* status:answered", "((((x))))", `"unterminated`,
		"foo:bar", "10:30 e-mail l'air", "NOT NOT a", "a OR OR b", ")(", "title:question:x",
		"ville intelligente -\"slimme stad\"", "\xff\xfe", "année:2024", "+ - + -",
		"Housing: Finance", "HL12331", "n°619", "pollutoin~2", "the of and", "year:20x", "https://x.org/a?b=c",
	} {
		f.Add(s)
	}
	syn, err := LoadSynonyms("")
	if err != nil {
		f.Fatal(err)
	}
	im, err := newMapping(defaultMappingOptions())
	if err != nil {
		f.Fatal(err)
	}
	exact := im.AnalyzerNamed(exactAnalyzer)
	f.Fuzz(func(t *testing.T, s string) {
		pq, err := parseQuery(s, syn, nil)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("parseQuery(%q): error %v is not a *QueryError", s, err)
			}
			return
		}
		c := &compiler{cols: newColumnCache(), exact: exact}
		q, err := c.match(pq.n)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("compile %q: error %v is not a *QueryError", s, err)
			}
			return
		}
		if v, ok := q.(query.ValidatableQuery); ok {
			if err := v.Validate(); err != nil {
				t.Fatalf("parseQuery(%q): invalid Bleve query: %v", s, err)
			}
		}
		if hq := c.highlight(pq.n); hq != nil {
			if _, err := json.Marshal(hq); err != nil {
				t.Fatalf("parseQuery(%q): highlight query does not marshal: %v", s, err)
			}
		}
	})
}
