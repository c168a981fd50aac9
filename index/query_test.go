package index

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
)

// show renders a parsed query compactly, for structure tests.
func show(n node) string {
	switch n := n.(type) {
	case allNode:
		return "*"
	case termNode:
		s := n.text
		if n.phrase {
			s = `"` + s + `"`
		}
		if n.prefix {
			s += "*"
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
		return "[" + strings.Join(parts, " ") + "]"
	}
	return "?"
}

func TestParseQuery(t *testing.T) {
	syn, err := ParseSynonyms(strings.NewReader("smart city, ville intelligente\nhousing, logement\n"))
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"":                             "*",
		"   ":                          "*",
		"budget":                       "budget",
		"budget vélo":                  "[budget vélo]",
		"budget AND vélo":              "[budget vélo]",
		"a OR b c":                     "(a OR [b c])",
		"a OR b OR c":                  "(a OR b OR c)",
		"(a OR b) c":                   "[(a OR b) c]",
		"a -b NOT c +d":                "[a d -b -c]",
		"NOT a":                        "[-a]",
		`"a b" c`:                      `["a b" c]`,
		"minister:Maron":               "minister:Maron",
		`author:"Jan Peeters"`:         `author:"Jan Peeters"`,
		"author:(a OR b)":              "(author:a OR author:b)",
		"Status:answered":              "status:answered",
		"capt*":                        "capt*",
		"10:30":                        "10:30",
		"e-mail":                       "e-mail",
		"a - b":                        "[a b]",
		"smart city":                   "{smart city|ville intelligente}",
		"the smart city plan":          "[the {smart city|ville intelligente} plan]",
		`"Smart-City"`:                 "{smart city|ville intelligente}",
		"title:(smart city)":           "title:{smart city|ville intelligente}",
		"smart title:city":             "[smart title:city]",
		"-smart city":                  "[city -smart]",
		"housing":                      "{housing|logement}",
		"logement OR woning":           "({logement|housing} OR woning)",
		"author:housing":               "author:housing",
		"capteurs ?":                   "capteurs",
		"?":                            "*",
		"((a))":                        "a",
		"a AND (b OR NOT c)":           "[a (b OR [-c])]",
		"ville intelligente -capteurs": "[{ville intelligente|smart city} -capteurs]",
	} {
		n, err := parseQuery(in, syn)
		if err != nil {
			t.Errorf("parseQuery(%q): %v", in, err)
			continue
		}
		if got := show(n); got != want {
			t.Errorf("parseQuery(%q): got %s; want %s", in, got, want)
		}
	}
}

func TestParseQueryErrorsName(t *testing.T) {
	for in, want := range map[string]string{
		`"open`:      "unterminated phrase",
		"colour:red": `unknown field "colour"`,
		"(a":         "missing )",
		"a)":         "unbalanced )",
		"OR a":       "missing term before",
		"a OR":       "needs a term on its right",
		"a AND":      "needs a term on its right",
		"AND a":      "needs a term on its left",
		"-":          "", // a lone sign is ignored: empty query
		"NOT":        "needs a term after it",
		"author:":    "needs a value",
		"author: )":  "needs a value",
		"s*":         "too short",
		`""`:         "empty phrase",
		"()":         "empty parentheses",
	} {
		_, err := parseQuery(in, nil)
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
	} {
		f.Add(s)
	}
	syn, err := LoadSynonyms("")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseQuery(s, syn)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("parseQuery(%q): error %v is not a *QueryError", s, err)
			}
			return
		}
		q := toBleve(n)
		if v, ok := q.(query.ValidatableQuery); ok {
			if err := v.Validate(); err != nil {
				t.Fatalf("parseQuery(%q): invalid Bleve query: %v", s, err)
			}
		}
		if _, err := json.Marshal(q); err != nil {
			t.Fatalf("parseQuery(%q): query does not marshal: %v", s, err)
		}
	})
}
