package index

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
)

//go:embed synonyms.txt
var defaultSynonyms string

// DefaultSynonyms returns the synonym file shipped with parlq, a starting
// point for a user's own file.
func DefaultSynonyms() string { return defaultSynonyms }

// Synonyms are cross-lingual concepts: each concept is a set of names
// (words or phrases) that a query for any one of them also finds.
//
// Expansion happens when a query is parsed, not in Bleve's synonym index:
// Bleve (v2.5+) keeps a synonym only when its analyzer turns it into exactly
// one token (document/field_synonym.go, analyzeSynonymTerm), so multi-word
// concepts such as "smart city" / "ville intelligente" / "slimme stad" would be
// dropped silently. Query-time expansion also means an edited file takes
// effect without reindexing.
type Synonyms struct {
	concepts [][]string       // names as written, per concept
	byKey    map[string][]int // normalized name → concept indexes
	maxWords int              // longest name, in words
}

// ParseSynonyms reads a synonym file: one concept per line, names separated
// by commas, "#" comments and blank lines ignored.
func ParseSynonyms(r io.Reader) (*Synonyms, error) {
	s := &Synonyms{byKey: map[string][]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		var names []string
		seen := map[string]bool{}
		for _, n := range strings.Split(text, ",") {
			n = strings.Join(strings.Fields(n), " ")
			key := strings.Join(normWords(n), " ")
			if key == "" || seen[key] {
				continue
			}
			if strings.ContainsAny(n, `"()`) {
				return nil, fmt.Errorf("synonyms line %d: %q: quotes and parentheses are not allowed", line, n)
			}
			seen[key] = true
			names = append(names, n)
		}
		if len(names) < 2 {
			return nil, fmt.Errorf("synonyms line %d: a concept needs at least two names separated by commas", line)
		}
		ci := len(s.concepts)
		s.concepts = append(s.concepts, names)
		for _, n := range names {
			words := normWords(n)
			key := strings.Join(words, " ")
			s.byKey[key] = append(s.byKey[key], ci)
			s.maxWords = max(s.maxWords, len(words))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read synonyms: %w", err)
	}
	return s, nil
}

// LoadSynonyms reads the synonym file at path; "" loads the defaults.
func LoadSynonyms(path string) (*Synonyms, error) {
	if path == "" {
		return ParseSynonyms(strings.NewReader(defaultSynonyms))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("synonyms: %w", err)
	}
	defer f.Close()
	s, err := ParseSynonyms(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Concepts returns the concepts, each as the names written in the file.
func (s *Synonyms) Concepts() [][]string {
	out := make([][]string, len(s.concepts))
	for i, c := range s.concepts {
		out[i] = append([]string(nil), c...)
	}
	return out
}

// expand returns every name equivalent to the normalized words, as written
// in the file (one of them is the name the words spell), or nil when they
// name no concept. The names are searched as written: their normalized form
// is only a key, and would not match text the analyzer keeps whole, such as
// "l'air".
func (s *Synonyms) expand(words []string) []string {
	if s == nil || len(words) == 0 {
		return nil
	}
	key := strings.Join(words, " ")
	cis := s.byKey[key]
	if len(cis) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	// The name the words spell comes first.
	for _, ci := range cis {
		for _, n := range s.concepts[ci] {
			if !seen[key] && strings.Join(normWords(n), " ") == key {
				seen[key] = true
				out = append(out, n)
			}
		}
	}
	for _, ci := range cis {
		for _, n := range s.concepts[ci] {
			k := strings.Join(normWords(n), " ")
			if !seen[k] {
				seen[k] = true
				out = append(out, n)
			}
		}
	}
	return out
}
