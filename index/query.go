package index

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// QueryError is returned for a malformed request: bad query syntax, an
// unknown field prefix, an unknown facet, sort or filter name or value, a
// bad date, a page too deep, a query with nothing to search. Field names
// the request parameter at fault ("q", "sort", "filters.status", …). The
// server maps it to HTTP 400.
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
	minFuzzyLen   = 3
)

// fieldKind says how a field prefix is searched.
type fieldKind int

const (
	kindText    fieldKind = iota // the texts (and, unrestricted, the people)
	kindName                     // a person or subject: the words of a small text field
	kindKeyword                  // a keyword column, whole value
	kindYear                     // the year of reception
	kindNumber                   // the printed number or native id
)

// prefixes maps every field prefix a query may use to what it searches:
// for text, the parts it is restricted to (none: every part, and people).
var prefixes = map[string]struct {
	kind  fieldKind
	field string
	slots []int
}{
	"":            {kind: kindText},
	"title":       {kind: kindText, slots: []int{partTitle, partTitleCopy}},
	"question":    {kind: kindText, slots: []int{partQuestion}},
	"answer":      {kind: kindText, slots: answerSlots()},
	"author":      {kind: kindName, field: fieldAuthorTxt},
	"addressee":   {kind: kindName, field: fieldAddrTxt},
	"minister":    {kind: kindName, field: fieldAddrTxt},
	"subject":     {kind: kindName, field: fieldSubjectTxt},
	"source":      {kind: kindKeyword, field: fieldSource},
	"assembly":    {kind: kindKeyword, field: fieldAssembly},
	"legislature": {kind: kindKeyword, field: fieldLegis},
	"session":     {kind: kindKeyword, field: fieldSession},
	"status":      {kind: kindKeyword, field: fieldStatus},
	"type":        {kind: kindKeyword, field: fieldType},
	"language":    {kind: kindKeyword, field: fieldLanguage},
	"party":       {kind: kindKeyword, field: fieldParty},
	"department":  {kind: kindKeyword, field: fieldDepartment},
	"year":        {kind: kindYear, field: fieldReceived},
	"number":      {kind: kindNumber, field: fieldNumber},
}

func answerSlots() []int {
	out := []int{partAnswer}
	for s := partAnswers; s < partTitleCopy; s++ {
		out = append(out, s)
	}
	return out
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
// phrase. A word with a colon is a field prefix only when the name before
// the colon is a known field and a value follows at once (status:answered,
// author:"Jan Peeters"); otherwise it is text ("Housing: Finance", a URL).
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
				name := strings.ToLower(word[:c])
				_, known := prefixes[name]
				attached := c+1 < len(word) || i < len(s) && (s[i] == '"' || s[i] == '(')
				if known && attached {
					toks = append(toks, token{tField, name, start})
					if rest := word[c+1:]; rest != "" {
						toks = append(toks, token{tWord, rest, start + c + 1})
					}
					continue
				}
			}
			if strings.Contains(word, ":") {
				// Text around a colon is words of their own: the analyzers
				// would keep "Housing:Finance" whole.
				off := start
				for _, piece := range strings.Split(word, ":") {
					if piece != "" {
						toks = append(toks, token{tWord, piece, off})
					}
					off += len(piece) + 1
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
	// termNode is one word, prefix (word*), fuzzy word (word~) or quoted
	// phrase in a field.
	termNode struct {
		field  string
		text   string
		phrase bool
		prefix bool
		// fuzzy is the edit distance of a fuzzy word: 1 or 2, 0 for
		// automatic (by length); -1 when the word is not fuzzy.
		fuzzy int
		// pos is the byte offset of the text in the query (-1: none).
		pos int
	}
	// conceptNode is a synonym concept named by unquoted words: any of its
	// names matches, in every language.
	conceptNode struct {
		field string
		names []string
	}
	// lookupNode is an identifier typed alone: a printed number (HL12331,
	// 147084, n°619), a native id or a record's URL. With text set, the
	// token is also searched as text, after the record it names.
	lookupNode struct {
		key  string
		url  bool
		text node
	}
	// namesNode ranks first the records of a person whose name the
	// query's words spell (Elke Van den Brandt), and those whose text
	// holds the words as a phrase (a pasted heading); it never narrows.
	namesNode struct {
		words []string // normalized
		text  string   // the words as typed
	}
	andNode struct {
		must, not []node
		rank      []node // optional: raise the score of the records they match
	}
	orNode struct{ any []node }
	// allNode matches every record (an empty query).
	allNode struct{}
	// emptyNode is a group left with nothing to search: only common words
	// or punctuation. It matches nothing, and is left out of AND and OR.
	emptyNode struct{}
)

func (termNode) isNode()    {}
func (conceptNode) isNode() {}
func (lookupNode) isNode()  {}
func (namesNode) isNode()   {}
func (andNode) isNode()     {}
func (orNode) isNode()      {}
func (allNode) isNode()     {}
func (emptyNode) isNode()   {}

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

// parsed is a query's tree and what a reader should be told about it.
type parsed struct {
	n node
	// ignored are the common words that were not searched.
	ignored []string
	// lookup is the identifier looked up, when the query is one.
	lookup string
}

type parser struct {
	toks    []token
	pos     int
	depth   int
	terms   int
	syn     *Synonyms
	common  func(word string) bool
	ignored []string
	// stops lists the plain words that are stop words of some language,
	// and other counts every other thing to search.
	stops []string
	other int
}

// Identifier lookups: a number with its sign (n°619, no. 619, nr 12), a
// token of letters and digits with at least one digit (HL12331, 147084,
// 2024-0012), a URL.
var (
	numberSign = regexp.MustCompile(`(?i)^(?:n[°º]|no\.?|nr\.?|#)\s*(\p{L}*\p{N}[\p{L}\p{N}./-]*)$`)
	identifier = regexp.MustCompile(`^[\p{L}]*\p{N}[\p{L}\p{N}./-]*$`)
	webAddress = regexp.MustCompile(`^(?i)https?://\S+$`)
)

// parseQuery parses the user syntax: words, "phrases", AND/OR/NOT, +/-,
// parentheses, field prefixes (field:word, field:"phrase", field:(…)),
// prefixes (word*) and fuzzy words (word~, word~1, word~2). Words are
// AND'ed. Unquoted runs of words naming a synonym concept are expanded;
// a quoted phrase means exactly that phrase. Common words (stop words of
// any language) are not searched unquoted; a query left with nothing to
// search is refused, saying why.
//
// common says whether a word is common: a stop word of some language that
// many records hold (see Index.common); nil takes every stop word for one.
func parseQuery(s string, syn *Synonyms, common func(string) bool) (*parsed, error) {
	if common == nil {
		common = func(w string) bool { return stopWords[w] }
	}
	if len(s) > maxQueryBytes {
		return nil, qerr("query is longer than %d bytes", maxQueryBytes)
	}
	if !utf8.ValidString(s) {
		return nil, qerr("query is not valid UTF-8")
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return &parsed{n: allNode{}}, nil
	}
	if m := numberSign.FindStringSubmatch(t); m != nil {
		return &parsed{n: lookupNode{key: lookupKey(m[1])}, lookup: m[1]}, nil
	}
	if webAddress.MatchString(t) {
		return &parsed{n: lookupNode{key: t, url: true, text: textOf(t)}, lookup: t}, nil
	}
	if identifier.MatchString(t) {
		return &parsed{n: lookupNode{key: lookupKey(t), text: textOf(t)}, lookup: t}, nil
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, syn: syn, common: common}
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
	_, empty := n.(emptyNode)
	if empty && len(p.ignored) == 0 {
		return nil, qerr("nothing to search: the query has no letters or digits")
	}
	// A query of one language's stop words alone, some of them common
	// here, would find little but noise: it is refused ("the of and").
	// Not "the war": "war" is only a German stop word.
	if empty || p.other == 0 && len(p.ignored) > 0 && oneLanguage(p.stops) {
		return nil, qerr("nothing to search: %s %s only common words, which are not searched on their own; put them in quotes to search the exact phrase",
			quoteList(p.stops), map[bool]string{true: "is", false: "are"}[len(p.stops) == 1])
	}
	return &parsed{n: n, ignored: p.ignored}, nil
}

// textOf is the text search of an identifier's words, when it has any
// worth searching.
func textOf(s string) node {
	if len(normWords(s)) == 0 {
		return nil
	}
	return termNode{text: s, fuzzy: -1, pos: -1}
}

func quoteList(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = strconv.Quote(w)
	}
	return strings.Join(q, ", ")
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
	var nodes []node
	for {
		if len(nodes) > 0 {
			t := p.next() // the OR
			if k := p.peek().kind; k == tEOF || k == tRParen || k == tOr {
				return nil, qerr("%s at position %d needs a term on its right", t.text, t.pos+1)
			}
		}
		n, err := p.parseAnd(field)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
		if p.peek().kind != tOr {
			break
		}
	}
	nodes = slices.DeleteFunc(nodes, func(n node) bool { _, e := n.(emptyNode); return e })
	switch len(nodes) {
	case 0:
		return emptyNode{}, nil
	case 1:
		return nodes[0], nil
	}
	for _, n := range nodes {
		if _, all := n.(allNode); all {
			return allNode{}, nil
		}
	}
	return orNode{nodes}, nil
}

// clause is one operand of an AND list with its modifier.
type clause struct {
	n   node
	not bool
	// plain is set for an unmodified, unquoted word in a text field: a
	// candidate for synonym matching, a common word, part of a name.
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
			return p.buildAnd(cs, field), nil
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
	if tn, ok := n.(termNode); ok && !modified && !tn.phrase && !tn.prefix && tn.fuzzy < 0 && prefixes[tn.field].kind == kindText {
		c.plain = true
	}
	p.note(c)
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
		return termNode{field: field, text: t.text, phrase: true, fuzzy: -1, pos: t.pos + 1}, nil
	case tWord:
		if err := p.count(); err != nil {
			return nil, err
		}
		return wordNode(field, t)
	case tEOF:
		return nil, qerr("missing term at the end of the query")
	default:
		return nil, qerr("unexpected %q at position %d", t.text, t.pos+1)
	}
}

// fuzzySuffix is a fuzzy word's mark: word~, word~1, word~2.
var fuzzySuffix = regexp.MustCompile(`~(\d*)$`)

// wordNode reads a word token: a prefix (word*), a fuzzy word (word~N) or a
// plain word.
func wordNode(field string, t token) (node, error) {
	n := termNode{field: field, text: t.text, fuzzy: -1, pos: t.pos}
	switch {
	case strings.HasSuffix(t.text, "*"):
		n.text = strings.TrimRight(t.text, "*")
		n.prefix = true
		if utf8.RuneCountInString(n.text) < minPrefixLen {
			return nil, qerr("prefix %q at position %d is too short: give at least %d characters before *", t.text, t.pos+1, minPrefixLen)
		}
	case fuzzySuffix.MatchString(t.text) && len(t.text) > 1:
		m := fuzzySuffix.FindStringSubmatch(t.text)
		n.text = strings.TrimSuffix(t.text, m[0])
		n.fuzzy = 0
		if m[1] != "" {
			d, err := strconv.Atoi(m[1])
			if err != nil || d < 1 || d > 2 {
				return nil, qerr("fuzzy word %q at position %d: the distance after ~ is 1 or 2", t.text, t.pos+1)
			}
			n.fuzzy = d
		}
		if len(normWords(n.text)) != 1 || utf8.RuneCountInString(n.text) < minFuzzyLen {
			return nil, qerr("fuzzy word %q at position %d: give one word of at least %d letters before ~", t.text, t.pos+1, minFuzzyLen)
		}
	}
	return n, nil
}

func (p *parser) count() error {
	p.terms++
	if p.terms > maxQueryTerms {
		return qerr("more than %d terms", maxQueryTerms)
	}
	return nil
}

// buildAnd groups synonym concepts among plain words, notes the runs of
// plain words that may spell a person's name, drops common words and
// punctuation, then splits the clauses into required and excluded ones.
func (p *parser) buildAnd(cs []clause, field string) node {
	var a andNode
	if field == "" {
		a.rank = p.names(cs)
	}
	cs = p.concepts(cs)
	for _, c := range cs {
		switch n := c.n.(type) {
		case emptyNode:
			continue
		case allNode:
			if !c.not {
				continue
			}
		case termNode:
			if prefixes[n.field].kind != kindKeyword && len(normWords(n.text)) == 0 {
				continue // punctuation only: nothing to search
			}
			if c.plain && p.isCommon(n.text) {
				p.ignore(n.text)
				continue
			}
		}
		if c.not {
			a.not = append(a.not, c.n)
		} else {
			a.must = append(a.must, c.n)
		}
	}
	if len(a.must) == 0 && len(a.not) == 0 {
		return emptyNode{}
	}
	if len(a.not) == 0 && len(a.rank) == 0 && len(a.must) == 1 {
		return a.must[0]
	}
	return a
}

// note counts what a clause gives to search: stop words, or other things.
func (p *parser) note(c clause) {
	tn, ok := c.n.(termNode)
	switch {
	case !ok:
		p.other++
	case len(normWords(tn.text)) == 0 && prefixes[tn.field].kind != kindKeyword:
		// punctuation: nothing
	case c.plain && allStop(tn.text):
		if !slices.Contains(p.stops, tn.text) {
			p.stops = append(p.stops, tn.text)
		}
	default:
		p.other++
	}
}

// oneLanguage reports whether the words are all stop words of one
// language.
func oneLanguage(words []string) bool {
	for _, list := range stopWordsOf {
		all := true
		for _, t := range words {
			for _, w := range normWords(t) {
				all = all && list[w]
			}
		}
		if all {
			return true
		}
	}
	return false
}

func allStop(text string) bool {
	for _, w := range normWords(text) {
		if !stopWords[w] {
			return false
		}
	}
	return true
}

// isCommon reports whether every word of a query token is common.
func (p *parser) isCommon(text string) bool {
	ws := normWords(text)
	for _, w := range ws {
		if !p.common(w) {
			return false
		}
	}
	return len(ws) > 0
}

func (p *parser) ignore(w string) {
	if !slices.Contains(p.ignored, w) {
		p.ignored = append(p.ignored, w)
	}
}

// names returns a namesNode for each run of two plain words or more: the
// people whose name they spell rank first.
func (p *parser) names(cs []clause) []node {
	var out []node
	var run, texts []string
	flush := func() {
		if len(texts) >= 2 && len(run) >= 2 {
			n := namesNode{words: run, text: strings.Join(texts, " ")}
			if p.syn != nil && p.syn.expand(run) != nil {
				n.text = "" // a concept's names are searched as phrases already
			}
			out = append(out, n)
		}
		run, texts = nil, nil
	}
	for _, c := range cs {
		tn, ok := c.n.(termNode)
		if !ok || !c.plain || tn.field != "" {
			flush()
			continue
		}
		if ws := normWords(tn.text); len(ws) > 0 {
			run = append(run, ws...)
			texts = append(texts, tn.text)
		}
	}
	flush()
	return out
}

// concepts replaces the longest runs of plain words that name a synonym
// concept with a conceptNode.
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
		var words []string
		best, bestNames := -1, []string(nil)
		for j := i; j < len(cs); j++ {
			tj, ok := cs[j].n.(termNode)
			if !cs[j].plain || !ok || tj.field != tn.field {
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
