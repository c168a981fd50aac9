package index

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// Text analysis. Every analyzer folds case and accents at the token level
// (after tokenizing, so that match offsets stay those of the original
// text): "Mobilité" and "mobilite" are one term, and so are "Köksal" and
// "Koksal". Language analyzers then drop that language's stop words (folded
// too) and stem.

// Analyzer and filter names in the mapping.
const (
	foldFilter       = "parlq_fold"
	exactAnalyzer    = "parlq_exact"
	shingleAnalyzer  = "parlq_shingle"
	shingleFilter    = "parlq_shingle_2_3"
	stemAnalyzerBase = "parlq_" // + language code
	shingleSeparator = " "
)

// stemmers describes the analyzer of each stemmed language: the filters
// before folding, the stop word list, and the filters after stop words.
// Adding a language is one entry here (and a reindex).
var stemmers = map[string]struct {
	before []string
	stop   []byte
	after  []string
}{
	"en": {[]string{en.PossessiveName, lowercase.Name}, en.EnglishStopWords, []string{porter.Name}},
	"fr": {[]string{lowercase.Name, fr.ElisionName}, fr.FrenchStopWords, []string{fr.LightStemmerName}},
	"nl": {[]string{lowercase.Name}, nl.DutchStopWords, []string{nl.SnowballStemmerName}},
	"de": {[]string{lowercase.Name}, de.GermanStopWords, []string{de.NormalizeName, de.LightStemmerName}},
}

// languageList is the stemmed languages in a fixed order, for stable queries
// and layouts.
var languageList = func() []string {
	out := make([]string, 0, len(stemmers))
	for l := range stemmers {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}()

// stopWords holds the folded stop words of every stemmed language. One that
// many records hold is "common" and is not searched unquoted: dropped in
// its language's field and kept in the others, it would make an AND of
// words miss the records of its language ("the outcomes" would need "the"
// in a French or Dutch text).
var stopWords = func() map[string]bool {
	out := map[string]bool{}
	for _, s := range stemmers {
		for w := range foldedStopList(s.stop) {
			out[w] = true
		}
	}
	return out
}()

// stopWordsOf holds each stemmed language's folded stop words.
var stopWordsOf = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for lang, s := range stemmers {
		out[lang] = foldedStopList(s.stop)
	}
	return out
}()

// foldedStopList parses a Snowball stop word list and folds its words.
func foldedStopList(list []byte) map[string]bool {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(list); err != nil {
		panic(fmt.Sprintf("index: stop word list: %v", err)) // Bleve's own lists
	}
	out := map[string]bool{}
	for w := range tm {
		out[fold(strings.ToLower(w))] = true
	}
	return out
}

func init() {
	// The one analysis component Bleve lacks; registered once, like
	// Bleve's own, so that an index's stored mapping can name it.
	registry.RegisterTokenFilter(foldFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldTokens{}, nil
	})
}

// foldTokens is the token filter that folds accents (see fold).
type foldTokens struct{}

func (foldTokens) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		if needsFold(t.Term) {
			t.Term = []byte(fold(string(t.Term)))
		}
	}
	return input
}

func needsFold(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// foldSpecial are letters that do not decompose into a base letter and
// marks.
var foldSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'ø': "o", 'Ø': "O",
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ð': "d", 'Ð': "D", 'þ': "th", 'Þ': "TH", 'ı': "i",
	'’': "'", '‘': "'", 'ʼ': "'", '＇': "'",
}

// fold removes accents and other marks (compatibility decomposition, marks
// dropped, a few letters spelled out: ß → ss, œ → oe): the form every
// analyzer indexes and every query is looked up in. It does not change case.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case foldSpecial[r] != "":
			b.WriteString(foldSpecial[r])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// normWords folds and lower-cases s and splits it into words at anything
// that is not a letter or a digit: the key under which a synonym concept's
// names are found, and the words a query's text is checked with.
func normWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(fold(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// addAnalyzers adds parlq's analyzers to the mapping: one stemmed analyzer
// per language, the unstemmed exact analyzer, and the word shingles.
func addAnalyzers(im *mapping.IndexMappingImpl) error {
	add := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	for _, lang := range languageList {
		s := stemmers[lang]
		mapName, filterName := "parlq_stop_"+lang+"_words", "parlq_stop_"+lang
		var words []any
		for w := range foldedStopList(s.stop) {
			words = append(words, w)
		}
		slices.SortFunc(words, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
		if err := add(mapName, im.AddCustomTokenMap(mapName, map[string]any{"type": tokenmap.Name, "tokens": words})); err != nil {
			return err
		}
		if err := add(filterName, im.AddCustomTokenFilter(filterName, map[string]any{"type": stop.Name, "stop_token_map": mapName})); err != nil {
			return err
		}
		var filters []any
		for _, f := range s.before {
			filters = append(filters, f)
		}
		filters = append(filters, foldFilter, filterName)
		for _, f := range s.after {
			filters = append(filters, f)
		}
		err := im.AddCustomAnalyzer(stemAnalyzerBase+lang, map[string]any{
			"type": custom.Name, "tokenizer": unicodetok.Name, "token_filters": filters,
		})
		if err := add("analyzer "+lang, err); err != nil {
			return err
		}
	}
	err := im.AddCustomAnalyzer(exactAnalyzer, map[string]any{
		"type": custom.Name, "tokenizer": unicodetok.Name, "token_filters": []any{lowercase.Name, foldFilter},
	})
	if err := add("exact analyzer", err); err != nil {
		return err
	}
	err = im.AddCustomTokenFilter(shingleFilter, map[string]any{
		"type": shingle.Name, "min": 2.0, "max": 3.0, "output_original": false,
		"separator": shingleSeparator, "filler": "_",
	})
	if err := add("shingle filter", err); err != nil {
		return err
	}
	err = im.AddCustomAnalyzer(shingleAnalyzer, map[string]any{
		"type": custom.Name, "tokenizer": unicodetok.Name, "token_filters": []any{lowercase.Name, foldFilter, shingleFilter},
	})
	return add("shingle analyzer", err)
}

// Analyzers returns the analyzers the index applies to text: the stemmed
// analyzer of each language with a field of its own (keyed by language
// code), and under "" the unstemmed, folded analyzer of quoted words,
// phrases and people's names. A tool that must match exactly what the
// index matches (the side-by-side benchmark, bench/searchbench) analyses
// records and queries with these.
func Analyzers() (map[string]analysis.Analyzer, error) {
	im := mapping.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, fmt.Errorf("index: analyzers: %w", err)
	}
	out := map[string]analysis.Analyzer{"": im.AnalyzerNamed(exactAnalyzer)}
	for _, lang := range languageList {
		out[lang] = im.AnalyzerNamed(stemAnalyzerBase + lang)
	}
	for name, an := range out {
		if an == nil {
			return nil, fmt.Errorf("index: analyzer %q missing", name)
		}
	}
	return out, nil
}

// NormWords folds case and accents in s and splits it into words at
// anything that is not a letter or a digit, as the index does to find a
// synonym concept's names and to check a query's words.
func NormWords(s string) []string { return normWords(s) }

// IsStopWord reports whether a word (folded, lower case: one of NormWords)
// is a stop word of a language the index stems; unquoted, the index leaves
// it out of a query where many records hold it.
func IsStopWord(w string) bool { return stopWords[w] }
