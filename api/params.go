// Package api is parlq's search wire format, shared by the HTTP API, the
// search page, the CLI and exports: the query parameters of a search
// (ParseSearch, ParseExport, ParsePage, Values), the JSON response
// (SearchResponse), and the CSV and JSON Lines encodings of records
// (NewEncoder). The vocabulary of filters, facets and sorts comes from the
// index (index.Filters…), so the three faces offer the same names.
package api

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/parlq/parlq/index"
)

// FilterParams are the query parameters that filter on a keyword field;
// each may be repeated (status=pending&status=answered means either).
var FilterParams = index.Filters()

// dateParams are the date-range parameters, "YYYY-MM-DD", bounds included.
var dateParams = []string{"received_from", "received_to", "answered_from", "answered_to", "due_from", "due_to"}

// queryKind says which parameters an endpoint takes besides the query,
// filters, date ranges and sort that every search endpoint takes.
type queryKind int

// DefaultExportSize is the chunk an export reads the index with.
const DefaultExportSize = index.MaxSize

const (
	kindSearch queryKind = iota // page, size, facets, highlight
	kindExport                  // format
	kindPage                    // page (the HTML page picks size and facets)
	kindStats                   // by, format (statistics read every hit)
)

// allowed reports whether name is a parameter of kind k.
func (k queryKind) allowed(name string) bool {
	if name == "q" || name == "sort" || slices.Contains(FilterParams, name) || slices.Contains(dateParams, name) {
		return true
	}
	switch k {
	case kindSearch:
		return name == "page" || name == "size" || name == "facets" || name == "highlight" || name == "histogram"
	case kindExport:
		return name == "format" || name == "bom"
	case kindPage:
		return name == "page" || name == "size"
	case kindStats:
		return name == "by" || name == "format" || name == "bom"
	}
	return false
}

// ParseSearch turns the query string of GET /api/search into an index
// request: q, repeated filter parameters (see FilterParams),
// received_from/received_to/answered_from/answered_to/due_from/due_to,
// facets (comma separated or repeated), sort, page (from 1), size (capped
// at index.MaxSize), highlight (true by default) and histogram (false by
// default). Empty values count as absent. An unknown parameter, a bad
// number or paging past maxWindow hits is an *index.QueryError. The CLI
// reads its flags through it too.
func ParseSearch(v url.Values, maxWindow int) (index.Request, error) {
	return parseQuery(v, kindSearch, index.DefaultSize, maxWindow)
}

// ParseExport reads the parameters of GET /api/export: those of a search
// that select hits, and format; it returns the request and the format
// (Format, default CSV).
func ParseExport(v url.Values) (index.Request, Format, error) {
	formats := nonEmpty(v["format"])
	format := CSV
	if len(formats) > 1 {
		return index.Request{}, "", &index.QueryError{Field: "format", Msg: "format given more than once"}
	}
	if len(formats) == 1 {
		format = Format(formats[0])
		if !format.Valid() {
			return index.Request{}, "", &index.QueryError{Field: "format", Msg: fmt.Sprintf("format %q is not csv or jsonl", formats[0])}
		}
	}
	req, err := parseQuery(v, kindExport, DefaultExportSize, 0)
	if err == nil {
		_, err = ParseBOM(v, format == CSV)
	}
	return req, format, err
}

// ParseBOM reads the bom parameter of a CSV download (export, statistics):
// true starts the file with the UTF-8 byte-order mark (UTF8BOM) that
// spreadsheets such as Excel need to read it as UTF-8 (without it, they
// guess the local code page and break accents). False by default; the
// search and statistics pages link their downloads with bom=true. It is
// refused for a format that is not CSV.
func ParseBOM(v url.Values, csv bool) (bool, error) {
	vals := nonEmpty(v["bom"])
	switch {
	case len(vals) == 0:
		return false, nil
	case len(vals) > 1:
		return false, &index.QueryError{Field: "bom", Msg: fmt.Sprintf("parameter %q given %d times; give it once", "bom", len(vals))}
	}
	b, err := strconv.ParseBool(vals[0])
	if err != nil {
		return false, &index.QueryError{Field: "bom", Msg: fmt.Sprintf("bom %q is not true or false", vals[0])}
	}
	if b && !csv {
		return false, &index.QueryError{Field: "bom", Msg: "bom applies to CSV only"}
	}
	return b, nil
}

// ParsePage reads the parameters of the HTML search page: those of a
// search but facets and highlight, which the page chooses; size is
// pageSize when not given, and capped at index.MaxSize as in the API.
func ParsePage(v url.Values, pageSize, maxWindow int) (index.Request, error) {
	return parseQuery(v, kindPage, pageSize, maxWindow)
}

// parseQuery reads the parameters of kind k; defSize is the page size when
// none is given.
func parseQuery(v url.Values, k queryKind, defSize, maxWindow int) (index.Request, error) {
	req := index.Request{Page: 1, Size: defSize, Highlight: k == kindSearch || k == kindPage}
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !k.allowed(name) {
			return req, &index.QueryError{Field: name, Msg: fmt.Sprintf("unknown parameter %q%s", name, hint(name, k))}
		}
	}
	single := func(name string) (string, error) {
		vals := nonEmpty(v[name])
		if len(vals) > 1 {
			return "", &index.QueryError{Field: name, Msg: fmt.Sprintf("parameter %q given %d times; give it once", name, len(vals))}
		}
		if len(vals) == 0 {
			return "", nil
		}
		return vals[0], nil
	}
	var err error
	if req.Query, err = single("q"); err != nil {
		return req, err
	}
	if req.Sort, err = single("sort"); err != nil {
		return req, err
	}
	for _, f := range FilterParams {
		if vals := nonEmpty(v[f]); len(vals) > 0 {
			if req.Filters == nil {
				req.Filters = map[string][]string{}
			}
			req.Filters[f] = vals
		}
	}
	dates := []*string{&req.Received.From, &req.Received.To, &req.Answered.From, &req.Answered.To, &req.Due.From, &req.Due.To}
	for i, name := range dateParams {
		if *dates[i], err = single(name); err != nil {
			return req, err
		}
	}
	for _, f := range nonEmpty(v["facets"]) {
		for _, name := range strings.Split(f, ",") {
			if name = strings.TrimSpace(name); name != "" && !slices.Contains(req.Facets, name) {
				req.Facets = append(req.Facets, name)
			}
		}
	}
	for _, b := range []struct {
		name string
		v    *bool
	}{{"highlight", &req.Highlight}, {"histogram", &req.Histogram}} {
		s, err := single(b.name)
		if err != nil {
			return req, err
		}
		if s == "" {
			continue
		}
		v, perr := strconv.ParseBool(s)
		if perr != nil {
			return req, &index.QueryError{Field: b.name, Msg: fmt.Sprintf("%s %q is not true or false", b.name, s)}
		}
		*b.v = v
	}
	if req.Page, err = intParam(single, "page", 1); err != nil {
		return req, err
	}
	if req.Size, err = intParam(single, "size", defSize); err != nil {
		return req, err
	}
	if req.Size > index.MaxSize {
		req.Size = index.MaxSize
	}
	if k != kindExport && k != kindStats && req.Page > maxWindow/req.Size { // page*size > maxWindow, without overflow
		return req, &index.QueryError{Field: "page", Msg: fmt.Sprintf("page %d of size %d goes past result %d, the deepest this server pages; narrow the query or use /api/export for every hit", req.Page, req.Size, maxWindow)}
	}
	return req, nil
}

// intParam reads a positive integer parameter.
func intParam(single func(string) (string, error), name string, def int) (int, error) {
	s, err := single(name)
	if err != nil || s == "" {
		return def, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, &index.QueryError{Field: name, Msg: fmt.Sprintf("%s %q is not a whole number from 1", name, s)}
	}
	return n, nil
}

// hint tells why a known-elsewhere parameter is refused.
func hint(name string, k queryKind) string {
	switch {
	case k == kindExport && (name == "page" || name == "size"):
		return "; an export streams every hit, without paging"
	case k == kindExport && (name == "facets" || name == "highlight" || name == "histogram"):
		return "; exports carry records only"
	case k == kindPage && (name == "facets" || name == "highlight" || name == "histogram"):
		return "; the page chooses them (the API takes them)"
	case k == kindStats && (name == "page" || name == "size" || name == "facets" || name == "highlight"):
		return "; statistics are computed over every hit, without paging"
	}
	return "; known: q, sort, " + strings.Join(FilterParams, ", ") + ", " + strings.Join(dateParams, ", ") + map[queryKind]string{
		kindSearch: ", facets, page, size, highlight, histogram",
		kindExport: ", format, bom",
		kindPage:   ", page, size",
		kindStats:  ", by, format, bom",
	}[k]
}

// nonEmpty drops empty and blank values (an HTML form sends empty fields).
func nonEmpty(vals []string) []string {
	var out []string
	for _, s := range vals {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Values is the inverse of the parsers for the query, filters, dates and
// sort of req: the parameters that select hits.
func Values(req index.Request) url.Values {
	v := url.Values{}
	if req.Query != "" {
		v.Set("q", req.Query)
	}
	for _, f := range FilterParams {
		for _, val := range req.Filters[f] {
			v.Add(f, val)
		}
	}
	dates := []string{req.Received.From, req.Received.To, req.Answered.From, req.Answered.To, req.Due.From, req.Due.To}
	for i, name := range dateParams {
		if dates[i] != "" {
			v.Set(name, dates[i])
		}
	}
	if req.Sort != "" {
		v.Set("sort", req.Sort)
	}
	return v
}

// SearchValues are the parameters of GET /api/search that ParseSearch
// reads back into req: Values, and the facets, page, size, highlight and
// histogram of the request (what a link to a page of results leaves out).
func SearchValues(req index.Request) url.Values {
	v := Values(req)
	if len(req.Facets) > 0 {
		v.Set("facets", strings.Join(req.Facets, ","))
	}
	if req.Page > 0 {
		v.Set("page", strconv.Itoa(req.Page))
	}
	if req.Size > 0 {
		v.Set("size", strconv.Itoa(req.Size))
	}
	v.Set("highlight", strconv.FormatBool(req.Highlight))
	if req.Histogram {
		v.Set("histogram", "true")
	}
	return v
}
