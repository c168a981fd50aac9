package index

import (
	"context"
	"strings"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"
)

// "Did you mean": when a query finds nothing or very little, each of its
// plain words that the index hardly knows is replaced by the most frequent
// word of the index's own vocabulary (the texts' words, unstemmed, and the
// people's names) one or two letters away, and the corrected query is
// offered when it finds more.
const (
	// suggestBelow: a query with fewer hits gets a suggestion.
	suggestBelow = 5
	// rareBelow: a word in fewer records is a candidate for correction.
	rareBelow = 3
)

func (ix *Index) suggest(ctx context.Context, vs []*view, p *plan, req Request, res *Result) error {
	if res.Total >= suggestBelow || p.parsed.lookup != "" {
		return nil
	}
	type fix struct {
		pos  int
		old  string
		repl string
	}
	var fixes []fix
	for _, tn := range plainWords(p.parsed.n) {
		ws := normWords(tn.text)
		if len(ws) != 1 || tn.pos < 0 || utf8.RuneCountInString(ws[0]) < 4 {
			continue
		}
		w := ws[0]
		if ix.docFreq(vs, w) >= rareBelow {
			continue
		}
		best, bestDist, bestN := "", 3, 0
		for cand, n := range ix.neighbours(vs, w) {
			d := editDistance(w, cand)
			if d == 0 || d > 2 {
				continue
			}
			if d < bestDist || d == bestDist && (n > bestN || n == bestN && cand < best) {
				best, bestDist, bestN = cand, d, n
			}
		}
		if best != "" && bestN >= rareBelow {
			fixes = append(fixes, fix{tn.pos, tn.text, likeCase(tn.text, best)})
		}
	}
	if len(fixes) == 0 {
		return nil
	}
	q := req.Query
	for i := len(fixes) - 1; i >= 0; i-- { // right to left: positions hold
		f := fixes[i]
		if f.pos+len(f.old) <= len(q) && q[f.pos:f.pos+len(f.old)] == f.old {
			q = q[:f.pos] + f.repl + q[f.pos+len(f.old):]
		}
	}
	if q == req.Query {
		return nil
	}
	sreq := req
	sreq.Query, sreq.Facets, sreq.Histogram, sreq.Highlight, sreq.Page = q, nil, false, false, 1
	sp, err := ix.prepare(sreq, true, vs)
	if err != nil {
		return nil // the correction does not parse: no suggestion
	}
	col := &collector{ix: ix, p: sp, k: 0}
	parts, err := col.run(ctx, vs)
	if err != nil {
		return err
	}
	var total uint64
	for _, pt := range parts {
		total += pt.total
	}
	if total > res.Total {
		res.Suggestion = &Suggestion{Query: q, Total: total}
	}
	return nil
}

// likeCase writes word in the case the user typed: capitals,
// a capital first, or lower case.
func likeCase(typed, word string) string {
	switch {
	case typed == strings.ToUpper(typed) && typed != strings.ToLower(typed):
		return strings.ToUpper(word)
	case len(typed) > 0 && strings.ToUpper(typed[:1]) == typed[:1] && strings.ToLower(typed[:1]) != typed[:1]:
		r, n := utf8.DecodeRuneInString(word)
		return strings.ToUpper(string(r)) + word[n:]
	}
	return word
}

// plainWords returns the query's words that a typo may hide in: unquoted,
// neither prefixes nor fuzzy, in the texts or the people fields.
func plainWords(n node) []termNode {
	var out []termNode
	eachPositive(n, func(n node) {
		if tn, ok := n.(termNode); ok {
			k := prefixes[tn.field].kind
			if !tn.phrase && !tn.prefix && tn.fuzzy < 0 && (k == kindText || k == kindName) {
				out = append(out, tn)
			}
		}
	})
	return out
}

// vocabulary is where suggestions come from: the texts' words, unstemmed,
// and the people's names.
var vocabulary = []string{fieldExact, fieldPeople}

// docFreq is the number of records holding word in the vocabulary fields
// (a record may count twice).
func (ix *Index) docFreq(vs []*view, word string) int {
	n := 0
	for _, v := range vs {
		for _, f := range vocabulary {
			if c, err := v.r.TermFieldReader(context.Background(), []byte(word), f, false, false, false); err == nil {
				n += int(c.Count())
				c.Close()
			}
		}
	}
	return n
}

// neighbours returns the vocabulary's words one or two edits from word,
// with the number of records holding each.
func (ix *Index) neighbours(vs []*view, word string) map[string]int {
	dist := 1
	if utf8.RuneCountInString(word) >= 6 {
		dist = 2
	}
	out := map[string]int{}
	for _, v := range vs {
		for _, f := range vocabulary {
			fr, ok := v.r.(index.IndexReaderFuzzy)
			if !ok {
				continue
			}
			d, err := fr.FieldDictFuzzy(f, word, dist, "")
			if err != nil {
				continue
			}
			for e, err := d.Next(); err == nil && e != nil && len(out) < maxNeighbours; e, err = d.Next() {
				if !strings.ContainsAny(e.Term, " ") {
					out[e.Term] = 0
				}
			}
			d.Close()
		}
	}
	// A fuzzy dictionary does not count documents.
	for w := range out {
		out[w] = ix.docFreq(vs, w)
	}
	return out
}

// maxNeighbours bounds the words a correction is chosen from.
const maxNeighbours = 200

// editDistance is the Damerau–Levenshtein distance of a and b (optimal
// string alignment): a swap of two letters is one edit, as typists make it.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
