package index

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// QueryError is returned for a malformed request: bad query syntax, an
// unknown field prefix, an unknown facet, sort or filter name, a bad date, a
// page too deep. Field names the request parameter at fault ("q", "sort",
// "filters.status", …). The server maps it to HTTP 400.
type QueryError struct {
	Field string
	Msg   string
}

func (e *QueryError) Error() string { return fmt.Sprintf("invalid %s: %s", e.Field, e.Msg) }

func qerr(format string, args ...any) *QueryError {
	return &QueryError{Field: "q", Msg: fmt.Sprintf(format, args...)}
}

// Limits on a query, so that no input costs more than a bounded search.
const (
	maxQueryBytes = 2000
	maxQueryTerms = 64
	maxQueryDepth = 16
	minPrefixLen  = 2
	titleBoost    = 1.5
)

// fieldKind says how a field prefix is searched.
type fieldKind int

const (
	kindText    fieldKind = iota // stemmed per-language fields + exact field
	kindName                     // a person: name (and party/role) words
	kindKeyword                  // whole value, as stored
)

// prefixes maps every field prefix a query may use to what it searches.
var prefixes = map[string]struct {
	kind   fieldKind
	fields []string // record text fields, or the one index field
}{
	"":            {kindText, textFields},
	"title":       {kindText, []string{"title"}},
	"question":    {kindText, []string{"question"}},
	"answer":      {kindText, []string{"answer"}},
	"author":      {kindName, []string{fieldAuthorTxt}},
	"addressee":   {kindName, []string{fieldAddrTxt}},
	"minister":    {kindName, []string{fieldAddrTxt}},
	"source":      {kindKeyword, []string{"source"}},
	"assembly":    {kindKeyword, []string{"assembly"}},
	"legislature": {kindKeyword, []string{"legislature"}},
	"session":     {kindKeyword, []string{"session"}},
	"status":      {kindKeyword, []string{"status"}},
	"type":        {kindKeyword, []string{"type"}},
	"language":    {kindKeyword, []string{"language"}},
	"number":      {kindKeyword, []string{"number"}},
	"year":        {kindKeyword, []string{"year"}},
}

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tPhrase
	tField
	tLParen
	tRParen
	tAnd
	tOr
	tNot
	tPlus
	tMinus
)

type token struct {
	kind tokKind
	text string
	pos  int // byte offset in the query, for messages
}

// lex splits a query into tokens. It never fails except on an unterminated
// phrase.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
		case r == '(':
			toks = append(toks, token{tLParen, "(", i})
			i++
		case r == ')':
			toks = append(toks, token{tRParen, ")", i})
			i++
		case r == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, qerr("unterminated phrase starting at position %d: missing closing \"", i+1)
			}
			toks = append(toks, token{tPhrase, s[i+1 : i+1+end], i})
			i += end + 2
		case (r == '+' || r == '-') && i+1 < len(s) && !isSpaceOrParenClose(s[i+1:]):
			k := tPlus
			if r == '-' {
				k = tMinus
			}
			toks = append(toks, token{k, string(r), i})
			i++
		case r == '+' || r == '-':
			i++ // a lone sign means nothing
		default:
			start := i
			for i < len(s) {
				r, w := utf8.DecodeRuneInString(s[i:])
				if unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' {
					break
				}
				i += w
			}
			word := s[start:i]
			if c := strings.IndexByte(word, ':'); c > 0 && isIdent(word[:c]) {
				toks = append(toks, token{tField, strings.ToLower(word[:c]), start})
				if rest := word[c+1:]; rest != "" {
					toks = append(toks, token{tWord, rest, start + c + 1})
				}
				continue
			}
			switch word {
			case "AND", "&&":
				toks = append(toks, token{tAnd, word, start})
			case "OR", "||":
				toks = append(toks, token{tOr, word, start})
			case "NOT":
				toks = append(toks, token{tNot, word, start})
			default:
				toks = append(toks, token{tWord, word, start})
			}
		}
	}
	return append(toks, token{tEOF, "", len(s)}), nil
}

func isSpaceOrParenClose(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r) || r == ')'
}

func isIdent(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return false
		}
	}
	return s != ""
}

// node is the parsed query, before it becomes a Bleve query.
type node interface{ isNode() }

type (
	// termNode is one word, prefix (word*) or quoted phrase in a field.
	termNode struct {
		field  string
		text   string
		phrase bool
		prefix bool
	}
	// conceptNode is a synonym concept: any of its names matches.
	conceptNode struct {
		field  string
		names  []string
		quoted bool
	}
	andNode struct {
		must, not []node
	}
	orNode struct{ any []node }
	// allNode matches every record (an empty query or group).
	allNode struct{}
)

// concepts appends the names of every concept node in n, once each.
func concepts(n node, out [][]string) [][]string {
	switch n := n.(type) {
	case conceptNode:
		for _, c := range out {
			if slices.Equal(c, n.names) {
				return out
			}
		}
		return append(out, n.names)
	case andNode:
		for _, c := range append(append([]node(nil), n.must...), n.not...) {
			out = concepts(c, out)
		}
	case orNode:
		for _, c := range n.any {
			out = concepts(c, out)
		}
	}
	return out
}

func (termNode) isNode()    {}
func (conceptNode) isNode() {}
func (andNode) isNode()     {}
func (orNode) isNode()      {}
func (allNode) isNode()     {}

type parser struct {
	toks  []token
	pos   int
	depth int
	terms int
	syn   *Synonyms
}

// parseQuery parses the user syntax: words, "phrases", AND/OR/NOT, +/-,
// parentheses and field prefixes (field:word, field:"phrase", field:(…)).
// Words are AND'ed by default. Synonym concepts are expanded here.
func parseQuery(s string, syn *Synonyms) (node, error) {
	if len(s) > maxQueryBytes {
		return nil, qerr("query is longer than %d bytes", maxQueryBytes)
	}
	if !utf8.ValidString(s) {
		return nil, qerr("query is not valid UTF-8")
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, syn: syn}
	if p.peek().kind == tEOF {
		return allNode{}, nil
	}
	n, err := p.parseOr("")
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, qerr("unbalanced ) at position %d", t.pos+1)
		}
		return nil, qerr("unexpected %q at position %d", t.text, t.pos+1)
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) parseOr(field string) (node, error) {
	first, err := p.parseAnd(field)
	if err != nil {
		return nil, err
	}
	nodes := []node{first}
	for p.peek().kind == tOr {
		t := p.next()
		if k := p.peek().kind; k == tEOF || k == tRParen || k == tOr {
			return nil, qerr("%s at position %d needs a term on its right", t.text, t.pos+1)
		}
		n, err := p.parseAnd(field)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 1 {
		return first, nil
	}
	return orNode{nodes}, nil
}

// clause is one operand of an AND list with its modifier.
type clause struct {
	n   node
	not bool
	// plain is set for an unmodified word or phrase in a text field, a
	// candidate for synonym matching.
	plain bool
}

func (p *parser) parseAnd(field string) (node, error) {
	var cs []clause
	for {
		t := p.peek()
		switch t.kind {
		case tEOF, tRParen, tOr:
			if len(cs) == 0 {
				if t.kind == tEOF {
					return nil, qerr("missing term at the end of the query")
				}
				return nil, qerr("missing term before %q at position %d", t.text, t.pos+1)
			}
			return p.buildAnd(cs), nil
		case tAnd:
			p.next()
			if len(cs) == 0 {
				return nil, qerr("%s at position %d needs a term on its left", t.text, t.pos+1)
			}
			if k := p.peek().kind; k == tEOF || k == tRParen || k == tOr || k == tAnd {
				return nil, qerr("%s at position %d needs a term on its right", t.text, t.pos+1)
			}
			continue
		}
		c, err := p.parseClause(field)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
}

func (p *parser) parseClause(field string) (clause, error) {
	not := false
	modified := false
	switch t := p.peek(); t.kind {
	case tNot, tMinus:
		p.next()
		not, modified = true, true
	case tPlus:
		p.next()
		modified = true
	}
	if modified {
		if k := p.peek().kind; k == tEOF || k == tRParen || k == tOr || k == tAnd || k == tNot || k == tPlus || k == tMinus {
			t := p.toks[p.pos-1]
			return clause{}, qerr("%s at position %d needs a term after it", t.text, t.pos+1)
		}
	}
	n, err := p.parsePrimary(field)
	if err != nil {
		return clause{}, err
	}
	c := clause{n: n, not: not}
	if tn, ok := n.(termNode); ok && !modified && !tn.prefix && prefixes[tn.field].kind == kindText {
		c.plain = true
	}
	return c, nil
}

func (p *parser) parsePrimary(field string) (node, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		p.depth++
		if p.depth > maxQueryDepth {
			return nil, qerr("parentheses nested deeper than %d", maxQueryDepth)
		}
		if p.peek().kind == tRParen {
			return nil, qerr("empty parentheses at position %d", t.pos+1)
		}
		n, err := p.parseOr(field)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, qerr("missing ) for the ( at position %d", t.pos+1)
		}
		p.depth--
		return n, nil
	case tField:
		if _, ok := prefixes[t.text]; !ok || t.text == "" {
			return nil, qerr("unknown field %q at position %d (known: %s; quote the text to search it literally)", t.text, t.pos+1, knownPrefixes)
		}
		switch p.peek().kind {
		case tWord, tPhrase, tLParen:
		default:
			return nil, qerr("%s: at position %d needs a value", t.text, t.pos+1)
		}
		return p.parsePrimary(t.text)
	case tPhrase:
		if err := p.count(); err != nil {
			return nil, err
		}
		if strings.TrimSpace(t.text) == "" {
			return nil, qerr("empty phrase at position %d", t.pos+1)
		}
		return termNode{field: field, text: t.text, phrase: true}, nil
	case tWord:
		if err := p.count(); err != nil {
			return nil, err
		}
		n := termNode{field: field, text: t.text}
		if strings.HasSuffix(t.text, "*") {
			n.text = strings.TrimRight(t.text, "*")
			n.prefix = true
			if utf8.RuneCountInString(n.text) < minPrefixLen {
				return nil, qerr("prefix %q at position %d is too short: give at least %d characters before *", t.text, t.pos+1, minPrefixLen)
			}
		}
		return n, nil
	case tEOF:
		return nil, qerr("missing term at the end of the query")
	default:
		return nil, qerr("unexpected %q at position %d", t.text, t.pos+1)
	}
}

func (p *parser) count() error {
	p.terms++
	if p.terms > maxQueryTerms {
		return qerr("more than %d terms", maxQueryTerms)
	}
	return nil
}

// buildAnd groups synonym concepts among plain words and phrases, then
// splits the clauses into required and excluded ones.
func (p *parser) buildAnd(cs []clause) node {
	cs = p.concepts(cs)
	var a andNode
	for _, c := range cs {
		if tn, ok := c.n.(termNode); ok && prefixes[tn.field].kind != kindKeyword && len(normWords(tn.text)) == 0 {
			continue // punctuation only: nothing to search
		}
		if c.not {
			a.not = append(a.not, c.n)
		} else {
			a.must = append(a.must, c.n)
		}
	}
	if len(a.not) == 0 {
		switch len(a.must) {
		case 0:
			return allNode{}
		case 1:
			return a.must[0]
		}
	}
	return a
}

// concepts replaces runs of plain words (longest first) and single phrases
// that name a synonym concept with a conceptNode.
func (p *parser) concepts(cs []clause) []clause {
	if p.syn == nil || len(p.syn.byKey) == 0 {
		return cs
	}
	out := make([]clause, 0, len(cs))
	for i := 0; i < len(cs); {
		tn, ok := cs[i].n.(termNode)
		if !cs[i].plain || !ok {
			out = append(out, cs[i])
			i++
			continue
		}
		if tn.phrase {
			if names := p.syn.expand(normWords(tn.text)); names != nil {
				out = append(out, clause{n: conceptNode{field: tn.field, names: names, quoted: true}})
			} else {
				out = append(out, cs[i])
			}
			i++
			continue
		}
		// Longest run of plain words from i in the same field naming a concept.
		var words []string
		best, bestNames := -1, []string(nil)
		for j := i; j < len(cs); j++ {
			tj, ok := cs[j].n.(termNode)
			if !cs[j].plain || !ok || tj.phrase || tj.field != tn.field {
				break
			}
			words = append(words, normWords(tj.text)...)
			if len(words) > p.syn.maxWords {
				break
			}
			if names := p.syn.expand(words); names != nil {
				best, bestNames = j, names
			}
		}
		if best < 0 {
			out = append(out, cs[i])
			i++
			continue
		}
		out = append(out, clause{n: conceptNode{field: tn.field, names: bestNames}})
		i = best + 1
	}
	return out
}

// toBleve turns a parsed query into a Bleve query.
func toBleve(n node) query.Query {
	switch n := n.(type) {
	case allNode:
		return query.NewMatchAllQuery()
	case termNode:
		return termQuery(n)
	case conceptNode:
		// A one-word name is a term search, cheaper than a phrase search.
		spec := prefixes[n.field]
		var qs []query.Query
		for _, name := range n.names {
			oneWord := len(normWords(name)) == 1
			for _, f := range spec.fields {
				// A multi-word name is a phrase: it is matched in the
				// unstemmed field only (every record's text is there, whatever
				// its language), as inflected forms are names of their own in
				// the synonym file. One-word names also match stemmed.
				if !n.quoted && oneWord {
					for _, lang := range languageList {
						qs = append(qs, boosted(match(name, f+"_"+lang), f))
					}
				}
				if oneWord {
					qs = append(qs, boosted(match(name, f+exactSuffix), f))
				} else {
					qs = append(qs, boosted(matchPhrase(name, f+exactSuffix), f))
				}
			}
		}
		return query.NewDisjunctionQuery(qs)
	case orNode:
		qs := make([]query.Query, len(n.any))
		for i, c := range n.any {
			qs[i] = toBleve(c)
		}
		return query.NewDisjunctionQuery(qs)
	case andNode:
		b := query.NewBooleanQuery(nil, nil, nil)
		if len(n.must) == 0 {
			b.AddMust(query.NewMatchAllQuery())
		}
		for _, c := range n.must {
			b.AddMust(toBleve(c))
		}
		for _, c := range n.not {
			b.AddMustNot(toBleve(c))
		}
		return b
	}
	panic(fmt.Sprintf("index: unknown query node %T", n))
}

func termQuery(n termNode) query.Query {
	spec := prefixes[n.field]
	var qs []query.Query
	switch spec.kind {
	case kindText:
		for _, f := range spec.fields {
			switch {
			case n.prefix:
				qs = append(qs, boosted(prefix(strings.ToLower(n.text), f+exactSuffix), f))
			case n.phrase:
				qs = append(qs, boosted(matchPhrase(n.text, f+exactSuffix), f))
			default:
				for _, lang := range languageList {
					qs = append(qs, boosted(match(n.text, f+"_"+lang), f))
				}
				qs = append(qs, boosted(match(n.text, f+exactSuffix), f))
			}
		}
	case kindName:
		f := spec.fields[0]
		switch {
		case n.prefix:
			qs = append(qs, prefix(strings.ToLower(n.text), f))
		case n.phrase:
			qs = append(qs, matchPhrase(n.text, f))
		default:
			qs = append(qs, match(n.text, f))
		}
	case kindKeyword:
		qs = append(qs, keywordQueries(spec.fields[0], n.text, n.prefix)...)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

func match(text, field string) *query.MatchQuery {
	q := query.NewMatchQuery(text)
	q.SetField(field)
	q.SetOperator(query.MatchQueryOperatorAnd)
	return q
}

func matchPhrase(text, field string) *query.MatchPhraseQuery {
	q := query.NewMatchPhraseQuery(text)
	q.SetField(field)
	return q
}

func prefix(text, field string) *query.PrefixQuery {
	q := query.NewPrefixQuery(text)
	q.SetField(field)
	return q
}

// boosted gives title matches more weight than body matches.
func boosted[Q interface {
	query.Query
	SetBoost(float64)
}](q Q, recordField string) Q {
	if recordField == "title" {
		q.SetBoost(titleBoost)
	}
	return q
}
