package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // registers "en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr" // registers "fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl" // registers "nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/parlq/parlq"
)

// The SQL engines match the terms parlq's index matches: the same Bleve
// analyzers (the stemmed analyzer of each language and the unstemmed one,
// Unicode word boundaries in lower case) turn both the records and the
// query words into terms, and the engines then find, rank, count and cut
// snippets with their own machinery. A different stemmer (PostgreSQL's
// Snowball configurations, or none in SQLite, which ships only an English
// Porter stemmer) would find other records, and the hit counts could not be
// checked against each other. This mirrors the index's mapping as of issue
// 12; when the index changes what it matches, change this file with it.

// stemLangs are the languages with stemmed fields in parlq's mapping.
var stemLangs = []string{"en", "fr", "nl"}

// analyzers holds the analyzers of parlq's index mapping.
type analyzers struct {
	lang  map[string]analysis.Analyzer
	exact analysis.Analyzer
}

func newAnalyzers() (*analyzers, error) {
	im := mapping.NewIndexMapping()
	err := im.AddCustomAnalyzer("bench_exact", map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name, "token_filters": []any{lowercase.Name},
	})
	if err != nil {
		return nil, fmt.Errorf("exact analyzer: %w", err)
	}
	a := &analyzers{lang: map[string]analysis.Analyzer{}, exact: im.AnalyzerNamed("bench_exact")}
	for _, l := range stemLangs {
		if a.lang[l] = im.AnalyzerNamed(l); a.lang[l] == nil {
			return nil, fmt.Errorf("no analyzer for language %s", l)
		}
	}
	if a.exact == nil {
		return nil, fmt.Errorf("no exact analyzer")
	}
	return a, nil
}

// term is one analysed token and its 1-based position in its text.
type term struct {
	text string
	pos  int
}

func analyze(an analysis.Analyzer, text string) []term {
	if text == "" {
		return nil
	}
	ts := an.Analyze([]byte(text))
	out := make([]term, len(ts))
	for i, t := range ts {
		out[i] = term{string(t.Term), t.Position}
	}
	return out
}

func terms(an analysis.Analyzer, text string) []string {
	ts := analyze(an, text)
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.text
	}
	return out
}

// textFields are the record's text fields, as in the index.
var textFields = []string{"title", "question", "answer"}

func texts(q *parlq.Question) []string { return []string{q.Title, q.Question, q.Answer} }

// addresseeText is what the index searches for minister:, joined as it joins it.
func addresseeText(q *parlq.Question) string {
	var parts []string
	for _, p := range []string{q.Addressee.Name, q.Addressee.Role, q.Addressee.Body} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "\n")
}

// stemmed returns the stemmed terms of each text field of q in its own
// language, or nil when the index has no stemmed field for it.
func (a *analyzers) stemmed(q *parlq.Question) [][]term {
	an, ok := a.lang[q.Language]
	if !ok {
		return nil
	}
	out := make([][]term, len(textFields))
	for i, t := range texts(q) {
		out[i] = analyze(an, t)
	}
	return out
}

// Positions in a tsvector stop at 16383; fields are laid one after the other
// with a gap, so that no phrase runs from one field into the next.
const (
	tsMaxPos        = 16383
	tsMaxPositions  = 256 // per lexeme
	tsFieldGap      = 64
	tsWeightTitle   = 'A'
	tsWeightDefault = 'D'
)

// tsvector builds the text of a PostgreSQL tsvector holding the terms of
// several fields (the first, the title, with weight A), positions kept.
func tsvector(fields ...[]term) string {
	type occ struct {
		pos    int
		weight byte
	}
	lex := map[string][]occ{}
	offset := 0
	for fi, ts := range fields {
		w := byte(tsWeightDefault)
		if fi == 0 {
			w = tsWeightTitle
		}
		last := 0
		for _, t := range ts {
			p := min(offset+t.pos, tsMaxPos)
			if l := lex[t.text]; len(l) < tsMaxPositions && (len(l) == 0 || l[len(l)-1].pos != p) {
				lex[t.text] = append(l, occ{p, w})
			}
			last = max(last, t.pos)
		}
		offset += last + tsFieldGap
	}
	var b strings.Builder
	for _, k := range slices.Sorted(mapsKeys(lex)) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tsQuote(k))
		b.WriteByte(':')
		for i, o := range lex[k] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(o.pos))
			if o.weight != tsWeightDefault {
				b.WriteByte(o.weight)
			}
		}
	}
	return b.String()
}

// tsQuote quotes a lexeme for tsvector and tsquery input.
func tsQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// target is where and how one leaf of a query matches: all of its terms in
// a group of fields, adjacent and in order when phrase is set. The groups
// are a stemmed language ("en", "fr", "nl": the title, question and answer
// of records in that language), "x" (the unstemmed title, question and
// answer of every record) and "addressee" (the addressee's name, role and
// body, unstemmed).
type target struct {
	group  string
	terms  []string
	phrase bool
}

// targets returns the alternatives a leaf matches as, as parlq's index
// builds them: a plain word in each language's stemmed fields (when the
// language's analyzer leaves a term of it: stop words vanish) or unstemmed;
// phrases and quoted names unstemmed only. A leaf of punctuation only has
// none.
func (a *analyzers) targets(l leaf) []target {
	exact := terms(a.exact, l.text)
	if len(exact) == 0 {
		return nil
	}
	switch l.op {
	case opWord:
		var out []target
		for _, lang := range stemLangs {
			if ts := terms(a.lang[lang], l.text); len(ts) > 0 {
				out = append(out, target{lang, ts, false})
			}
		}
		return append(out, target{"x", exact, false})
	case opExact:
		return []target{{"x", exact, false}}
	case opPhrase:
		return []target{{"x", exact, true}}
	case opNameWord:
		return []target{{"addressee", exact, false}}
	case opNamePhrase:
		return []target{{"addressee", exact, true}}
	}
	panic(fmt.Sprintf("searchbench: unknown leaf op %d", l.op))
}
