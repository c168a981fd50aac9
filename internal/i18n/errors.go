package i18n

import (
	"fmt"
	"regexp"
)

// The index and the API refuse a query with an English message
// (index.QueryError: a field and a message). QueryError translates the
// messages they give by their shape: each pattern below reads one kind of
// message, and its English format, with %[N]s for the N-th part read, is
// the key the catalogs translate. Values quoted from the request stay as
// they were typed. A message no pattern reads keeps its English detail,
// after a translated headline, so that nothing is lost.

type errorPattern struct {
	re     *regexp.Regexp
	format string
}

// quoted is a Go-quoted string as %q writes it.
const quoted = `("(?:[^"\\]|\\.)*")`

var errorPatterns = func() []errorPattern {
	raw := []struct{ re, format string }{
		{`^must be 1 or more$`, "must be 1 or more"},
		{`^too deep: page × size may not exceed (\d+); .*$`, "too deep: the page and the number of results per page go past result %[1]s; narrow the query, or download every result"},
		{`^page (\d+) of size (\d+) goes past result (\d+), .*$`, "page %[1]s of %[2]s results goes past result %[3]s, the deepest this server pages; narrow the query, or download every result"},
		{`^unknown facet ` + quoted + ` \(known: (.*)\)$`, "unknown facet %[1]s (known: %[2]s)"},
		{`^unknown sort ` + quoted + ` \(known: (.*)\)$`, "unknown sort order %[1]s (known: %[2]s)"},
		{`^unknown filter ` + quoted + ` \(known: (.*)\)$`, "unknown filter %[1]s (known: %[2]s)"},
		{`^unknown grouping ` + quoted + ` \(known: (.*)\)$`, "unknown grouping %[1]s (known: %[2]s)"},
		{`^unknown (\w+) ` + quoted + ` \(known: (.*)\)$`, "unknown %[1]s %[2]s (known: %[3]s)"},
		{`^year ` + quoted + ` is not a year .*$`, "%[1]s is not a year: give four digits, such as 2024"},
		{`^year:(\S*) is not a year .*$`, "year:%[1]s is not a year: give four digits, such as year:2024"},
		{`^(from|to) ` + quoted + ` is not a date YYYY-MM-DD$`, "%[2]s is not a date YYYY-MM-DD"},
		{`^to (\S+) is before from (\S+)$`, "the end date %[1]s is before the start date %[2]s"},
		{`^unterminated phrase starting at position (\d+): missing closing "$`, "the phrase opened at position %[1]s has no closing quotation mark"},
		{`^query is longer than (\d+) bytes$`, "the query is longer than %[1]s bytes"},
		{`^query is not valid UTF-8$`, "the query is not valid text (UTF-8)"},
		{`^unbalanced \) at position (\d+)$`, "the ) at position %[1]s closes nothing"},
		{`^unexpected ` + quoted + ` at position (\d+)$`, "unexpected %[1]s at position %[2]s"},
		{`^nothing to search: the query has no letters or digits$`, "nothing to search: the query has no letters or digits"},
		{`^nothing to search: (.*) (?:is|are) only common words, .*$`, "nothing to search: %[1]s only common words, which are not searched on their own; put them in quotes to search the exact phrase"},
		{`^(\S+) at position (\d+) needs a term on its right$`, "%[1]s at position %[2]s needs a word on its right"},
		{`^(\S+) at position (\d+) needs a term on its left$`, "%[1]s at position %[2]s needs a word on its left"},
		{`^(\S+) at position (\d+) needs a term after it$`, "%[1]s at position %[2]s needs a word after it"},
		{`^missing term at the end of the query$`, "a word is missing at the end of the query"},
		{`^missing term before ` + quoted + ` at position (\d+)$`, "a word is missing before %[1]s at position %[2]s"},
		{`^parentheses nested deeper than (\d+)$`, "parentheses nested deeper than %[1]s"},
		{`^empty parentheses at position (\d+)$`, "empty parentheses at position %[1]s"},
		{`^missing \) for the \( at position (\d+)$`, "the ( at position %[1]s is never closed"},
		{`^(\S+): at position (\d+) needs a value$`, "%[1]s: at position %[2]s needs a value"},
		{`^empty phrase at position (\d+)$`, "empty quotation marks at position %[1]s"},
		{`^prefix ` + quoted + ` at position (\d+) is too short: give at least (\d+) characters before \*$`, "the prefix %[1]s at position %[2]s is too short: give at least %[3]s characters before *"},
		{`^fuzzy word ` + quoted + ` at position (\d+): the distance after ~ is 1 or 2$`, "%[1]s at position %[2]s: the number after ~ is 1 or 2"},
		{`^fuzzy word ` + quoted + ` at position (\d+): give one word of at least (\d+) letters before ~$`, "%[1]s at position %[2]s: give one word of at least %[3]s letters before ~"},
		{`^more than (\d+) terms$`, "the query has more than %[1]s words"},
		{`^format given more than once$`, "format given more than once"},
		{`^format ` + quoted + ` is not (\w+) or (\w+)$`, "format %[1]s is not %[2]s or %[3]s"},
		{`^unknown parameter ` + quoted + `; known: (.*)$`, "unknown parameter %[1]s; known: %[2]s"},
		{`^unknown parameter ` + quoted + `; an export streams every hit, without paging$`, "unknown parameter %[1]s: an export has every result, without pages"},
		{`^unknown parameter ` + quoted + `; exports carry records only$`, "unknown parameter %[1]s: an export has the records only"},
		{`^unknown parameter ` + quoted + `; statistics are computed over every hit, without paging$`, "unknown parameter %[1]s: the figures count every result, without pages"},
		{`^unknown parameter ` + quoted + `; this page takes only v \(a version number\) and text \(a language of the texts\)$`, "unknown parameter %[1]s; this page takes only v (a version number) and text (a language of the texts)"},
		{`^unknown parameter ` + quoted + `; the page chooses them \(the API takes them\)$`, "unknown parameter %[1]s: the page chooses it (the API takes it)"},
		{`^text ` + quoted + ` is not a language this question is published in$`, "%[1]s is not a language this question is published in"},
		{`^bom applies to CSV only$`, "bom applies to CSV only"},
		{`^parameter ` + quoted + ` given (\d+) times; give it once$`, "the parameter %[1]s is given %[2]s times; give it once"},
		{`^(\w+) ` + quoted + ` is not true or false$`, "%[1]s %[2]s is not true or false"},
		{`^(\w+) ` + quoted + ` is not a whole number from 1$`, "%[1]s %[2]s is not a whole number from 1"},
		{`^version ` + quoted + ` is not one whole number from 1$`, "the version %[1]s is not one whole number from 1"},
		{`^the page has no format; .*$`, "this page has no format; download the figures from the links on the page"},
		{`^this page takes no parameters$`, "this page takes no parameters"},
		{`^give v or capture, not both$`, "give v or capture, not both"},
	}
	out := make([]errorPattern, len(raw))
	for i, p := range raw {
		out[i] = errorPattern{regexp.MustCompile(p.re), p.format}
	}
	return out
}()

// translateDetail translates one message of the index or the API; ok is
// false when no pattern reads it.
func (l Lang) translateDetail(msg string) (string, bool) {
	for _, p := range errorPatterns {
		m := p.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, g := range m[1:] {
			args[i] = g
		}
		return fmt.Sprintf(l.T(p.format), args...), true
	}
	return "", false
}

// QueryError writes a refused query (index.QueryError's field and
// message) in l. English keeps the message exactly ("invalid q: …").
// Otherwise the headline names the query or the parameter and the detail
// is translated when its shape is known; an unknown detail is kept in
// English, and translated reports false.
func (l Lang) QueryError(field, msg string) (text string, translated bool) {
	if l == EN || l == "" {
		return fmt.Sprintf("invalid %s: %s", field, msg), true
	}
	head := l.Tf("The parameter %s is not valid", field)
	switch field {
	case "q":
		head = l.T("The query could not be read")
	case "query":
		head = l.T("This address is not valid")
	}
	detail, ok := l.translateDetail(msg)
	if !ok {
		return head + ": " + msg, false
	}
	return head + l.T(": ") + detail, true
}

// ErrorPatterns returns the English formats of the error messages
// QueryError translates, for the catalog tests.
func ErrorPatterns() []string {
	out := make([]string, len(errorPatterns))
	for i, p := range errorPatterns {
		out[i] = p.format
	}
	return out
}
