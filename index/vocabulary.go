package index

import "slices"

// The search vocabulary: the names a request may use, derived from the
// mapping, so that the API, the page and the CLI offer exactly what the
// index can do.

// Filters returns the keys Request.Filters accepts, in a stable order.
func Filters() []string { return slices.Clone(filterOrder) }

// Facets returns the names Request.Facets accepts, in a stable order: every
// filter.
func Facets() []string { return slices.Clone(filterOrder) }

// Sorts returns the values Request.Sort accepts: "relevance" and every
// sortable field, ascending and descending ("-received").
func Sorts() []string {
	out := []string{"relevance"}
	var names []string
	for name, field := range sortFields {
		if field != "" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		out = append(out, n, "-"+n)
	}
	return out
}

// Languages returns the record languages the index stems (each has its own
// analyzer); records in other languages are searchable word for word only.
func Languages() []string { return slices.Clone(languageList) }

// QueryFields returns the field prefixes the query language knows
// ("minister:" is an alias of "addressee:").
func QueryFields() []string {
	out := make([]string, 0, len(prefixes))
	for p := range prefixes {
		if p != "" {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
