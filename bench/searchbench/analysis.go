package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
)

// The SQL engines match the terms parlq's index matches: the index's own
// analyzers (index.Analyzers: the stemmed analyzer of each language and the
// unstemmed one, Unicode word boundaries, case and accents folded) turn both
// the records and the query words into terms, and the engines then find,
// rank, count and cut snippets with their own machinery. A different
// stemmer (PostgreSQL's Snowball configurations, or none in SQLite, which
// ships only an English Porter stemmer) would find other records, and the
// hit counts could not be checked against each other. What the index
// searches each kind of query text in is mirrored by targets below; when
// the index changes what it matches, change targets with it.

// stemLangs are the languages of the generated corpus, each with a stemmed
// field in parlq's mapping (the index also has German, which no generated
// record is in: a word's German form would match nothing).
var stemLangs = []string{"en", "fr", "nl"}

// analyzers holds the analyzers of parlq's index mapping.
type analyzers struct {
	lang  map[string]analysis.Analyzer
	exact analysis.Analyzer
}

func newAnalyzers() (*analyzers, error) {
	all, err := index.Analyzers()
	if err != nil {
		return nil, err
	}
	a := &analyzers{lang: map[string]analysis.Analyzer{}, exact: all[""]}
	for _, l := range stemLangs {
		if a.lang[l] = all[l]; a.lang[l] == nil {
			return nil, fmt.Errorf("no analyzer for language %s", l)
		}
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

// addresseeText is what the index searches for minister: and for a
// quoted phrase among people (the addressee's name, role and body).
func addresseeText(q *parlq.Question) string {
	return joinLines(q.Addressee.Name, q.Addressee.Role, q.Addressee.Body)
}

// peopleText is what the index searches a plain or quoted word in among
// people: the asker's name, the addressee's name and body.
func peopleText(q *parlq.Question) string {
	return joinLines(q.Author.Name, q.Addressee.Name, q.Addressee.Body)
}

// authorText is what the index searches a quoted phrase in among the
// asker's details: their name and party.
func authorText(q *parlq.Question) string { return joinLines(q.Author.Name, q.Author.Party) }

func joinLines(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "\n")
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
// answer of every record), "people" (the asker's name, the addressee's name
// and body), "author" (the asker's name and party) and "addressee" (the
// addressee's name, role and body), all unstemmed.
type target struct {
	group  string
	terms  []string
	phrase bool
}

// targets returns the alternatives a leaf matches as, as parlq's index
// compiles them (index/compile.go): a plain word in each language's
// stemmed field (when the language's analyzer leaves a term of it: stop
// words vanish) or among people; a one-word name of a concept stemmed
// only; a quoted word unstemmed, or among people; a quoted phrase of
// several words unstemmed, or as the words of a name, role or party; a several-word name
// of a concept unstemmed only. A leaf of punctuation only has none.
func (a *analyzers) targets(l leaf) []target {
	exact := terms(a.exact, l.text)
	if len(exact) == 0 {
		return nil
	}
	stemmed := func() []target {
		var out []target
		for _, lang := range stemLangs {
			if ts := terms(a.lang[lang], l.text); len(ts) > 0 {
				out = append(out, target{lang, ts, false})
			}
		}
		return out
	}
	switch l.op {
	case opWord:
		return append(stemmed(), target{"people", exact, false})
	case opConceptWord:
		return stemmed()
	case opPhrase:
		if len(exact) == 1 {
			return []target{{"x", exact, false}, {"people", exact, false}}
		}
		return []target{{"x", exact, true}, {"author", exact, true}, {"addressee", exact, true}}
	case opConceptPhrase:
		return []target{{"x", exact, len(exact) > 1}}
	case opNameWord:
		return []target{{"addressee", exact, false}}
	case opNamePhrase:
		return []target{{"addressee", exact, len(exact) > 1}}
	}
	panic(fmt.Sprintf("searchbench: unknown leaf op %d", l.op))
}
