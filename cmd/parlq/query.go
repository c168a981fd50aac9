package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/index"
)

// queryFlags are the filters search and export share; they become the same
// URL parameters as GET /api/search, read by the server's own parser.
type queryFlags struct {
	values map[string]*multiFlag
	facets string
	sort   string
}

// filterUsage explains the filter flags; every filter of the search
// vocabulary (api.FilterParams) is a flag, named like the API parameter
// but addressee, which is --minister.
var filterUsage = map[string]string{
	"source":      "only this source (repeatable)",
	"assembly":    "only this assembly, e.g. PRB, commons (repeatable)",
	"legislature": "only this legislature, e.g. 24/29 (repeatable)",
	"session":     "only this session (repeatable)",
	"status":      "only this status: pending, answered, lapsed, withdrawn (repeatable)",
	"type":        "only this question type (repeatable)",
	"language":    "only this language (repeatable)",
	"author":      "only questions by this member (repeatable)",
	"addressee":   "only questions to this minister (repeatable)",
	"department":  "only questions to this answering body (repeatable)",
	"party":       "only questions by members of this party (repeatable)",
	"subject":     "only questions with this subject (repeatable)",
	"year":        "only questions received in this year (repeatable)",
}

// queryFlagNames maps a flag to the API parameter it sets.
var queryFlagNames = func() []struct{ flag, param, usage string } {
	var out []struct{ flag, param, usage string }
	for _, p := range api.FilterParams {
		name := p
		if p == "addressee" {
			name = "minister"
		}
		usage := filterUsage[p]
		if usage == "" {
			usage = "only records with this " + p + " (repeatable)"
		}
		out = append(out, struct{ flag, param, usage string }{name, p, usage})
	}
	for _, d := range []struct{ flag, param, usage string }{
		{"received-from", "received_from", "received on or after `YYYY-MM-DD`"},
		{"received-to", "received_to", "received on or before `YYYY-MM-DD`"},
		{"answered-from", "answered_from", "answered on or after `YYYY-MM-DD`"},
		{"answered-to", "answered_to", "answered on or before `YYYY-MM-DD`"},
		{"due-from", "due_from", "due for answer on or after `YYYY-MM-DD`"},
		{"due-to", "due_to", "due for answer on or before `YYYY-MM-DD`"},
	} {
		out = append(out, d)
	}
	return out
}()

func (q *queryFlags) register(fs *flag.FlagSet, facets bool) {
	q.values = map[string]*multiFlag{}
	for _, f := range queryFlagNames {
		m := &multiFlag{}
		q.values[f.param] = m
		fs.Var(m, f.flag, f.usage)
	}
	fs.StringVar(&q.sort, "sort", "", "order: "+strings.Join(index.Sorts(), ", ")+" (default relevance)")
	if facets {
		fs.StringVar(&q.facets, "facets", "", "comma list of facets to count: "+strings.Join(index.Facets(), ", "))
	}
}

// params returns the API parameters for a query text and the flags.
func (q *queryFlags) params(text string) url.Values {
	v := url.Values{}
	if text != "" {
		v.Set("q", text)
	}
	for name, m := range q.values {
		for _, s := range *m {
			v.Add(name, s)
		}
	}
	if q.sort != "" {
		v.Set("sort", q.sort)
	}
	if q.facets != "" {
		v.Set("facets", q.facets)
	}
	return v
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// queryTarget is where a query goes: the local index, or the server that
// holds the data directory.
type queryTarget struct {
	ds     *dataset.Dataset // the local data directory, with ix its index
	ix     *index.Index
	cat    *catalog.Catalog
	server string // base URL
	client *http.Client
}

// openQueryTarget opens the index read-only, or, when a server holds the
// data directory (or --server says so), queries that server instead.
func openQueryTarget(ctx context.Context, env *Env, data, serverURL string) (*queryTarget, func(), error) {
	dir := resolveDataDir(env, data)
	if serverURL == "" {
		if h := dataset.CurrentHolder(dir); h != nil && h.Addr != "" {
			serverURL = "http://" + h.Addr
		}
	}
	if serverURL != "" {
		// No client-wide timeout: an export streams for as long as the
		// server allows. A server that does not answer at all is caught by
		// the header timeout; the command's context ends the rest.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ResponseHeaderTimeout = 2 * time.Minute
		return &queryTarget{server: strings.TrimRight(serverURL, "/"), client: &http.Client{Transport: tr}}, func() {}, nil
	}
	ds, err := openDataset(ctx, dir, dataset.Options{Command: "search", Index: true, Logger: newLogger(env, true)})
	if err != nil {
		return nil, nil, err
	}
	return &queryTarget{ds: ds, ix: ds.Index(), cat: ds.Catalog()}, func() { ds.Close() }, nil
}

// get sends an API request to the server and returns the body of a 200.
func (t *queryTarget) get(ctx context.Context, path string, v url.Values) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.server+path+"?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		var e struct {
			Error string `json:"error"`
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("server: %s", e.Error)
		}
		return nil, fmt.Errorf("server: %s", resp.Status)
	}
	return resp.Body, nil
}

func runSearch(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "search", "[flags] QUERY")
	var qf queryFlags
	qf.register(fs, true)
	data := dataFlag(fs)
	srv := fs.String("server", "", "query this parlq server (`URL`) instead of the data directory")
	asJSON := fs.Bool("json", false, "print the result as JSON, the shape of GET /api/search")
	page := fs.Int("page", 1, "result page")
	size := fs.Int("size", 10, "results per page (at most 100)")
	hist := fs.Bool("histogram", false, "count the hits per year and month received (always shown in text)")
	if err := parseFlags(fs, reorder(fs, args)); err != nil {
		return err
	}
	v := qf.params(strings.Join(fs.Args(), " "))
	v.Set("page", fmt.Sprint(*page))
	v.Set("size", fmt.Sprint(*size))
	if !*asJSON && qf.facets == "" {
		v.Set("facets", "source,status,addressee,author,department")
	}
	if *hist || !*asJSON {
		v.Set("histogram", "true")
	}
	req, err := api.ParseSearch(v, index.MaxWindow)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	t, closeFn, err := openQueryTarget(ctx, env, *data, *srv)
	if err != nil {
		return err
	}
	defer closeFn()
	var res *index.Result
	if t.ix != nil {
		if res, err = t.ix.Search(ctx, req); err != nil {
			return queryErr(err)
		}
	} else {
		body, err := t.get(ctx, "/api/search", v)
		if err != nil {
			return err
		}
		defer body.Close()
		if *asJSON {
			// The server's own bytes, indented like a local search's.
			raw, err := io.ReadAll(body)
			if err != nil {
				return fmt.Errorf("server: %w", err)
			}
			var buf bytes.Buffer
			if err := json.Indent(&buf, raw, "", "  "); err != nil {
				return fmt.Errorf("server: %w", err)
			}
			buf.WriteByte('\n')
			_, err = env.Stdout.Write(buf.Bytes())
			return err
		}
		var sr api.SearchResponse
		if err := json.NewDecoder(body).Decode(&sr); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		res = sr.Result()
	}
	if *asJSON {
		return api.WriteSearchJSON(env.Stdout, res)
	}
	printResult(env.Stdout, res, req)
	return nil
}

// queryErr makes a malformed query a usage error.
func queryErr(err error) error {
	var qe *index.QueryError
	if errors.As(err, &qe) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return err
}

// printResult writes a result for a person at a terminal.
func printResult(w io.Writer, res *index.Result, req index.Request) {
	first := (req.Page-1)*req.Size + 1
	printNotes(w, res)
	if res.Total == 0 {
		fmt.Fprintln(w, "No question matches.")
		return
	}
	last := first + len(res.Hits) - 1
	about := ""
	if res.Approximate {
		about = "at most "
	}
	fmt.Fprintf(w, "%s%d questions match; %d–%d:\n\n", about, res.Total, first, last)
	for i, h := range res.Hits {
		q := h.Record
		fmt.Fprintf(w, "%d. %s\n", first+i, q.Title)
		line := []string{q.ID, string(q.Status)}
		if q.Received != "" {
			line = append(line, "received "+q.Received)
		}
		if q.Answered != "" {
			line = append(line, "answered "+q.Answered)
		}
		fmt.Fprintf(w, "   %s\n", strings.Join(line, " · "))
		who := q.Author.Name
		if q.Addressee.Name != "" || q.Addressee.Body != "" {
			to := q.Addressee.Name
			if to == "" {
				to = q.Addressee.Body
			}
			who += " → " + to
		}
		fmt.Fprintf(w, "   %s\n", who)
		for _, field := range highlightOrder(h.Highlights) {
			frag := h.Highlights[field][0]
			text := frag.Render(func(s string) string { return s }, "«", "»")
			fmt.Fprintf(w, "   %s: %s\n", field, strings.Join(strings.Fields(text), " "))
		}
		fmt.Fprintf(w, "   %s\n\n", q.URL)
	}
	for _, name := range index.Facets() {
		terms := res.Facets[name]
		if len(terms) == 0 {
			continue
		}
		var parts []string
		for _, t := range terms {
			if t.Label != "" && t.Label != t.Term {
				parts = append(parts, fmt.Sprintf("%s [%s] (%d)", t.Label, t.Term, t.Count))
			} else {
				parts = append(parts, fmt.Sprintf("%s (%d)", t.Term, t.Count))
			}
		}
		fmt.Fprintf(w, "%s: %s\n", name, strings.Join(parts, ", "))
	}
	printHistogram(w, res.Histogram)
}

// printNotes says what the query was taken for: a corrected query, the
// concepts, the identifier looked up, the common words left out, the
// people named.
func printNotes(w io.Writer, res *index.Result) {
	if s := res.Suggestion; s != nil {
		fmt.Fprintf(w, "Did you mean: %s (%d questions)?\n", s.Query, s.Total)
	}
	for _, c := range res.Concepts {
		fmt.Fprintf(w, "Searched in every language as: %s\n", strings.Join(c, " · "))
	}
	if res.Lookup != "" {
		fmt.Fprintf(w, "Looked up as a question's number or address: %s (that question first)\n", res.Lookup)
	}
	if len(res.Ignored) > 0 {
		fmt.Fprintf(w, "Common words not searched: %s (quote them to search a phrase)\n", strings.Join(res.Ignored, ", "))
	}
	for _, p := range res.People {
		role := map[string]string{"author": "asked", "addressee": "answered as minister"}[p.Role]
		fmt.Fprintf(w, "Person named: %s (%s: %d; --%s %q for only those)\n", p.Name, role, p.Count,
			map[string]string{"author": "author", "addressee": "minister"}[p.Role], p.Name)
	}
}

// highlightOrder lists a hit's highlighted parts: the record's own
// language first (title, question, answer, further answers), then the
// translations.
func highlightOrder(hl map[string][]index.Fragment) []string {
	var keys []string
	for k, frags := range hl {
		if len(frags) > 0 {
			keys = append(keys, k)
		}
	}
	rank := map[string]int{"title": 0, "question": 1, "answer": 2}
	slices.SortFunc(keys, func(a, b string) int {
		pa, la, _ := strings.Cut(a, "@")
		pb, lb, _ := strings.Cut(b, "@")
		if la != lb {
			return strings.Compare(la, lb)
		}
		ra, oka := rank[pa]
		rb, okb := rank[pb]
		if !oka {
			ra = 3
		}
		if !okb {
			rb = 3
		}
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(pa, pb)
	})
	return keys
}

// printHistogram draws the hits per year (per month over three years at
// most) as bars of text.
func printHistogram(w io.Writer, h *index.Histogram) {
	if h == nil || len(h.Year) == 0 {
		return
	}
	buckets, per := h.Year, "year"
	if len(h.Month) <= 36 {
		buckets, per = h.Month, "month"
	}
	most := 0
	for _, b := range buckets {
		most = max(most, b.Count)
	}
	fmt.Fprintf(w, "\nReceived per %s:\n", per)
	for _, b := range buckets {
		bar := 0
		if most > 0 {
			bar = (b.Count*40 + most - 1) / most
		}
		fmt.Fprintf(w, "  %-7s %s %d\n", b.Key, strings.Repeat("█", bar), b.Count)
	}
}

// reorder moves flags after positional arguments to the front, so that
// "parlq search smart city --json" works like "parlq search --json smart city".
func reorder(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" || (fs.Lookup(name) == nil && name != "h" && name != "help") {
			// Not a flag: query text, including a NOT term such as -word.
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		if strings.Contains(a, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	return append(flags, rest...)
}

func runExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "export", "[flags] [QUERY]")
	var qf queryFlags
	qf.register(fs, false)
	data := dataFlag(fs)
	srv := fs.String("server", "", "export from this parlq server (`URL`) instead of the data directory")
	format := fs.String("format", "csv", "csv or jsonl")
	out := fs.String("o", "", "write to this `file` instead of standard output")
	if err := parseFlags(fs, reorder(fs, args)); err != nil {
		return err
	}
	v := qf.params(strings.Join(fs.Args(), " "))
	v.Set("format", *format)
	req, fm, err := api.ParseExport(v)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	t, closeFn, err := openQueryTarget(ctx, env, *data, *srv)
	if err != nil {
		return err
	}
	defer closeFn()
	w := env.Stdout
	var f *os.File
	if *out != "" {
		// Write next to the target and rename at the end: a failed export
		// never leaves a half file under the name asked for.
		if f, err = os.CreateTemp(dirOf(*out), ".parlq-export-*"); err != nil {
			return err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		w = f
	}
	if t.ix == nil {
		body, err := t.get(ctx, "/api/export", v)
		if err != nil {
			return err
		}
		defer body.Close()
		if _, err := io.Copy(w, body); err != nil {
			return err
		}
	} else if err := exportLocal(ctx, t.ix, t.cat, req, fm, w); err != nil {
		return err
	}
	if f != nil {
		if err := f.Sync(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		if err := os.Chmod(f.Name(), 0o644); err != nil {
			return err
		}
		return os.Rename(f.Name(), *out)
	}
	return nil
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i+1]
	}
	return "."
}

// exportLocal streams every hit of req from the index in format f, with
// the answer revisions the catalog saw; archived copies are named by their
// path on a parlq server over the same directory.
func exportLocal(ctx context.Context, ix *index.Index, cat *catalog.Catalog, req index.Request, f api.Format, w io.Writer) error {
	revised, err := history.LoadRevisions(ctx, cat, nil)
	if err != nil {
		return err
	}
	enc := api.NewEncoder(f, w)
	err = ix.All(ctx, req, func(h index.Hit) error { return enc.Encode(&h.Record, api.NewEvidence(&h.Record, revised[h.ID], "")) })
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	return queryErr(err)
}
