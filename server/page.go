package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/buildinfo"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticEmbed embed.FS

// pages are the page templates, each parsed with the layout and the
// shared blocks (templates/blocks.html).
var pages = []string{"search", "question", "error", "archive", "stats", "method", "person", "sources"}

// parseTemplates parses the embedded templates; they are part of the
// binary, so a parse error is a bug caught by every test.
func parseTemplates() map[string]*template.Template {
	out := make(map[string]*template.Template, len(pages))
	version := buildinfo.Read().Short()
	for _, p := range pages {
		funcs := template.FuncMap{
			"qpath":   questionPath,
			"feeds":   feedsOf,
			"version": func() string { return version },
		}
		out[p] = template.Must(template.New(p).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/blocks.html", "templates/freshness.html", "templates/"+p+".html"))
	}
	return out
}

func staticFS() fs.FS {
	sub, err := fs.Sub(staticEmbed, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// staticHandler serves the embedded CSS with a cache lifetime.
func staticHandler(fsys fs.FS) http.Handler {
	fh := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fh.ServeHTTP(w, r)
	})
}

// render executes a page template into a buffer first, so a template error
// becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.tmpl[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorView is the data of the error page.
type errorView struct {
	Title   string
	Status  int
	Message string
}

// pageError answers a browser request with the error page.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, _ := statusOf(err)
	s.logFailure(r, status, err)
	s.render(w, r, status, "error", errorView{Title: http.StatusText(status), Status: status, Message: msg})
}

func (s *Server) handlePageNotFound(w http.ResponseWriter, r *http.Request) {
	s.pageError(w, r, errNoRoute)
}

// facetOrder is the facets the search page asks for, in display order, with
// their labels.
var facetOrder = []struct{ name, label string }{
	{"source", "Parliament"},
	{"status", "Status"},
	{"type", "Type"},
	{"legislature", "Legislature"},
	{"year", "Year received"},
	{"addressee", "Minister"},
	{"author", "Author"},
}

// sortOptions are the sort orders offered on the search page.
var sortLabels = map[string]string{
	"":                "Best match",
	"relevance":       "Relevance",
	"-received":       "Newest received",
	"received":        "Oldest received",
	"-answered":       "Newest answered",
	"answered":        "Oldest answered",
	"days_to_answer":  "Fastest answered",
	"-days_to_answer": "Slowest answered",
}

// sortOptions are the index's sorts (index.Sorts), labelled, after the
// default ("").
var sortOptions = func() []struct{ value, label string } {
	out := []struct{ value, label string }{{"", sortLabels[""]}}
	for _, v := range index.Sorts() {
		label := sortLabels[v]
		if label == "" {
			label = v
		}
		out = append(out, struct{ value, label string }{v, label})
	}
	return out
}()

// languageNames names languages in themselves.
var languageNames = map[string]string{"fr": "Français", "nl": "Nederlands", "en": "English", "de": "Deutsch"}

// languages offered in the language filter: those the index stems
// (index.Languages), after "Any".
var languages = func() []struct{ value, label string } {
	out := []struct{ value, label string }{{"", "Any"}}
	for _, l := range index.Languages() {
		name := languageNames[l]
		if name == "" {
			name = l
		}
		out = append(out, struct{ value, label string }{l, name})
	}
	return out
}()

type option struct {
	Value, Label string
	Selected     bool
}

type facetTermView struct {
	ID, Term string
	Count    int
	Checked  bool
}

type facetView struct {
	Name, Label string
	Terms       []facetTermView
}

type activeFilter struct {
	Label, Value, RemoveURL string
}

type hitView struct {
	ID, Link, Title                   string
	Official, Archive                 string
	Addressee, AddresseeRole          string
	Author, AuthorParty               string
	Received, Answered                string
	Status, Legislature, Source, Type string
	Language                          string
	DaysToAnswer                      int
	Fragments                         []template.HTML
	// Revision marks an answer corrected or a holding answer replaced.
	Revision *revisionView
	// AuthorPage and AddresseePage are the person pages of the names.
	AuthorPage, AddresseePage string
	// Clock is the answer-time fact of the record (waiting, overdue).
	Clock *clockView
}

type pageLink struct {
	N       int
	URL     string
	Current bool
}

type searchView struct {
	Title     string
	Query     string
	Sorts     []option
	Languages []option
	Dates     map[string]string
	Hidden    []option // filters without a control of their own: Value=name, Label=value
	Facets    []facetView
	Active    []activeFilter
	Error     string
	Heading   string
	// Harvesting is set while a harvest started by this server runs.
	Harvesting  bool
	HasResult   bool
	Total       uint64
	Concepts    []string // "smart city = ville intelligente = slimme stad"
	From, To    int
	Hits        []hitView
	Prev        string
	Next        string
	Pages       []pageLink
	ExportCSV   string
	ExportJSONL string
	// Feed is the Atom feed of the search.
	Feed string
	// Stats is the answer-time statistics of the same search.
	Stats string
	// Freshness is the banner of sources whose harvest failed or is stale.
	Freshness *bannerView
}

// handlePage is the search page: the form, and the results of the query in
// the URL. It works without JavaScript: every control is a plain GET form
// field or link.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	view := searchView{Title: "Search parliamentary questions", Heading: "Results", Dates: map[string]string{}, Harvesting: s.running.Load(),
		Freshness: s.banner(r.Context())}
	req, err := api.ParsePage(v, s.cfg.PageSize, s.cfg.MaxResultWindow)
	s.fillForm(&view, req)
	if err != nil && view.Query == "" {
		// A bad parameter must not cost the user the query they typed.
		view.Query = v.Get("q")
	}
	status := http.StatusOK
	if err == nil {
		if req.Query == "" && req.Sort == "" {
			req.Sort = "-received"
		}
		req.Highlight = true
		for _, f := range facetOrder {
			req.Facets = append(req.Facets, f.name)
		}
		var res *index.Result
		res, err = s.search(r.Context(), req)
		if err == nil {
			s.fillResults(&view, req, res)
			s.markRevisions(r.Context(), res.Hits, view.Hits)
			view.Feed = searchFeedPath(req)
		}
	}
	if err != nil {
		st, msg, _ := statusOf(err)
		s.logFailure(r, st, err)
		status, view.Error = st, msg
	}
	if req.Query != "" {
		view.Title = req.Query + " — parlq"
	}
	s.render(w, r, status, "search", view)
}

// fillForm sets the form controls from the request.
func (s *Server) fillForm(view *searchView, req index.Request) {
	view.Query = req.Query
	for _, o := range sortOptions {
		view.Sorts = append(view.Sorts, option{Value: o.value, Label: o.label, Selected: o.value == req.Sort})
	}
	lang := ""
	if l := req.Filters["language"]; len(l) == 1 {
		lang = l[0]
	}
	for _, o := range languages {
		view.Languages = append(view.Languages, option{Value: o.value, Label: o.label, Selected: o.value == lang})
	}
	view.Dates["received_from"] = req.Received.From
	view.Dates["received_to"] = req.Received.To
	view.Dates["answered_from"] = req.Answered.From
	view.Dates["answered_to"] = req.Answered.To

	faceted := func(name string) bool {
		return slices.ContainsFunc(facetOrder, func(f struct{ name, label string }) bool { return f.name == name })
	}
	base := api.Values(req)
	for _, f := range api.FilterParams {
		for _, val := range req.Filters[f] {
			if !faceted(f) && !(f == "language" && len(req.Filters[f]) == 1) {
				view.Hidden = append(view.Hidden, option{Value: f, Label: val})
			}
			rest := cloneValues(base)
			rest[f] = slices.DeleteFunc(slices.Clone(rest[f]), func(x string) bool { return x == val })
			view.Active = append(view.Active, activeFilter{Label: filterLabel(f), Value: val, RemoveURL: "/?" + rest.Encode()})
		}
	}
}

// fillResults sets the results, facets, paging and export links.
func (s *Server) fillResults(view *searchView, req index.Request, res *index.Result) {
	view.HasResult = true
	view.Total = res.Total
	for _, c := range res.Concepts {
		view.Concepts = append(view.Concepts, strings.Join(c, " · "))
	}
	switch res.Total {
	case 0:
		view.Heading = "No questions found"
	case 1:
		view.Heading = "1 question"
	default:
		view.Heading = fmt.Sprintf("%d questions", res.Total)
	}
	offset := (req.Page - 1) * req.Size
	view.From = offset + 1
	view.To = offset + len(res.Hits)
	for _, h := range res.Hits {
		view.Hits = append(view.Hits, s.hitView(h))
	}
	for _, f := range facetOrder {
		fv := facetView{Name: f.name, Label: f.label}
		selected := req.Filters[f.name]
		for i, t := range res.Facets[f.name] {
			fv.Terms = append(fv.Terms, facetTermView{ID: fmt.Sprintf("f-%s-%d", f.name, i), Term: t.Term, Count: t.Count, Checked: slices.Contains(selected, t.Term)})
		}
		// A selected value the index did not return stays in the form.
		for i, sel := range selected {
			if !slices.ContainsFunc(fv.Terms, func(t facetTermView) bool { return t.Term == sel }) {
				fv.Terms = append(fv.Terms, facetTermView{ID: fmt.Sprintf("f-%s-s%d", f.name, i), Term: sel, Checked: true})
			}
		}
		if len(fv.Terms) > 0 {
			view.Facets = append(view.Facets, fv)
		}
	}

	base := api.Values(req)
	if req.Sort == "-received" && req.Query == "" {
		base.Del("sort") // the page's default; keep links short
	}
	pageURL := func(p int) string {
		v := cloneValues(base)
		if p > 1 {
			v.Set("page", strconv.Itoa(p))
		}
		return "/?" + v.Encode()
	}
	last := int((res.Total + uint64(req.Size) - 1) / uint64(req.Size))
	if maxPage := s.cfg.MaxResultWindow / req.Size; last > maxPage {
		last = maxPage
	}
	if req.Page > 1 {
		view.Prev = pageURL(req.Page - 1)
	}
	if req.Page < last {
		view.Next = pageURL(req.Page + 1)
	}
	for p := max(1, req.Page-3); p <= min(last, req.Page+3); p++ {
		view.Pages = append(view.Pages, pageLink{N: p, URL: pageURL(p), Current: p == req.Page})
	}
	exp := cloneValues(base)
	exp.Set("format", "csv")
	view.ExportCSV = "/api/export?" + exp.Encode()
	exp.Set("format", "jsonl")
	view.ExportJSONL = "/api/export?" + exp.Encode()
	view.Stats = statsLink(req)
}

// hitView prepares one result for the template; fragments are sanitised.
func (s *Server) hitView(h index.Hit) hitView {
	q := &h.Record
	hv := hitView{
		ID: h.ID, Link: questionPath(h.ID), Title: q.Title, Official: safeURL(q.URL),
		Addressee: q.Addressee.Name, AddresseeRole: q.Addressee.Role,
		Author: q.Author.Name, AuthorParty: q.Author.Party,
		Received: q.Received, Answered: q.Answered, Status: string(q.Status),
		Legislature: q.Legislature, Source: q.Source, Type: typeLabel(q.Type), Language: q.Language,
		DaysToAnswer: q.DaysToAnswer(), Clock: s.clockOf(q),
	}
	if q.Author.Name != "" {
		hv.AuthorPage = personPath(q.Source, q.Author.Name)
	}
	if q.Addressee.Name != "" {
		hv.AddresseePage = personPath(q.Source, q.Addressee.Name)
	}
	if hv.Title == "" {
		hv.Title = h.ID
	}
	// A department answers when no minister is named yet (UK): show it.
	switch {
	case hv.Addressee == "":
		hv.Addressee = q.Addressee.Body
	case hv.AddresseeRole == "":
		hv.AddresseeRole = q.Addressee.Body
	}
	if q.Parliament != "" {
		hv.Source = q.Parliament
		if q.Assembly != "" {
			hv.Source += " — " + q.Assembly
		}
	}
	if q.Capture != nil {
		hv.Archive = archivePath(h.ID, 0)
	}
	// The title is shown whole as the heading; fragments come from the texts.
	for _, field := range []string{"question", "answer"} {
		for _, f := range h.Highlights[field] {
			hv.Fragments = append(hv.Fragments, template.HTML(api.HTML(f)))
		}
	}
	if len(hv.Fragments) > 3 {
		hv.Fragments = hv.Fragments[:3]
	}
	return hv
}

// questionPath is the page of one question; ids keep their slashes.
func questionPath(id string) string { return "/q/" + escapeID(id) }

// archivePath is the archived copy of a record (version 0: the current one).
func archivePath(id string, version int) string { return api.ArchivePath(id, version) }

// escapeID escapes each path segment of an id.
func escapeID(id string) string { return api.EscapeID(id) }

// safeURL keeps only http(s) links to official pages.
func safeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = slices.Clone(vals)
	}
	return out
}

func filterLabel(name string) string {
	for _, f := range facetOrder {
		if f.name == name {
			return f.label
		}
	}
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

func typeLabel(t parlq.Type) string {
	return strings.ReplaceAll(string(t), "_", " ")
}
