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
// shared blocks (templates/blocks.html, freshness.html) and the files of
// its parts.
var pages = map[string][]string{
	"search":   {"templates/search_parts.html"},
	"question": nil,
	"error":    nil,
	"archive":  nil,
	"stats":    nil,
	"method":   nil,
	"person":   nil,
	"sources":  nil,
}

// parseTemplates parses the embedded templates; they are part of the
// binary, so a parse error is a bug caught by every test.
func parseTemplates() map[string]*template.Template {
	out := make(map[string]*template.Template, len(pages))
	version := buildinfo.Read().Short()
	for p, parts := range pages {
		funcs := template.FuncMap{
			"qpath":     questionPath,
			"feeds":     feedsOf,
			"questions": questions,
			"version":   func() string { return version },
		}
		files := append([]string{"templates/layout.html", "templates/blocks.html", "templates/freshness.html", "templates/" + p + ".html"}, parts...)
		out[p] = template.Must(template.New(p).Funcs(funcs).ParseFS(templateFS, files...))
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
	{"assembly", "Assembly"},
	{"status", "Status"},
	{"type", "Type"},
	{"legislature", "Legislature"},
	{"year", "Year received"},
	{"addressee", "Minister"},
	{"department", "Department"},
	{"author", "Author"},
	{"party", "Party"},
	{"subject", "Subject"},
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

// languages offered in the language filter: those the index stems
// (index.Languages), after "Any".
var languages = func() []struct{ value, label string } {
	out := []struct{ value, label string }{{"", "Any"}}
	for _, l := range index.Languages() {
		name := orTerm(index.ValueName("language", l), l)
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
	// Label is the term's name for people ("UK Parliament" for ukparl),
	// or the term.
	Label   string
	Count   int
	Checked bool
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
	Received, Answered, Due           string
	Status, Legislature, Source, Type string
	Language                          string
	DaysToAnswer                      int
	Fragments                         []fragmentView
	Subjects                          []string
	// Revision marks an answer corrected or a holding answer replaced.
	Revision *revisionView
	// AuthorPage and AddresseePage are the person pages of the names.
	AuthorPage, AddresseePage string
	// Clock is the answer-time fact of the record (waiting, overdue).
	Clock *clockView
}

// fragmentView is a highlighted fragment, in its language, with the name
// of the part it comes from when it is not the question or the answer in
// the record's language ("Answer in Nederlands").
type fragmentView struct {
	HTML template.HTML
	Lang string
	Part string
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
	Notes       notesView
	Histogram   *histogramView
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
		req.Highlight, req.Histogram = true, true
		for _, f := range facetOrder {
			req.Facets = append(req.Facets, f.name)
		}
		var res *index.Result
		res, err = s.search(r.Context(), req)
		if err == nil {
			s.fillResults(&view, req, res)
			s.fillNotes(&view, req, res)
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
	if res.Approximate {
		view.Heading = "At most " + view.Heading
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
			fv.Terms = append(fv.Terms, facetTermView{ID: fmt.Sprintf("f-%s-%d", f.name, i), Term: t.Term,
				Label: orTerm(t.Label, t.Term), Count: t.Count, Checked: slices.Contains(selected, t.Term)})
		}
		// A selected value the index did not return stays in the form.
		for i, sel := range selected {
			if !slices.ContainsFunc(fv.Terms, func(t facetTermView) bool { return t.Term == sel }) {
				fv.Terms = append(fv.Terms, facetTermView{ID: fmt.Sprintf("f-%s-s%d", f.name, i), Term: sel,
					Label: orTerm(s.ix.Label(f.name, sel), sel), Checked: true})
			}
		}
		if len(fv.Terms) > 0 {
			view.Facets = append(view.Facets, fv)
		}
	}

	base := api.Values(req)
	if req.Sort == res.Sort && req.Query == "" {
		base.Del("sort") // the default; keep links short
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
		Received: q.Received, Answered: q.Answered, Due: q.Due, Status: string(q.Status),
		Legislature: q.Legislature, Source: q.Source, Type: typeLabel(q.Type), Language: q.Language,
		DaysToAnswer: q.DaysToAnswer(), Clock: s.clockOf(q),
	}
	if q.Author.Name != "" {
		hv.AuthorPage = personPath(q.Source, q.Author.Name)
	}
	if q.Addressee.Name != "" {
		hv.AddresseePage = personPath(q.Source, q.Addressee.Name)
	}
	for _, sub := range q.Subjects {
		if l := sub.Label("en", "fr", "nl"); l != "" {
			hv.Subjects = append(hv.Subjects, l)
		}
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
		if name := orTerm(index.ValueName("assembly", q.Assembly), q.Assembly); name != "" && name != q.Parliament {
			hv.Source += " — " + name
		}
	}
	if q.Capture != nil {
		hv.Archive = archivePath(h.ID, 0)
	}
	hv.Fragments = fragmentViews(q, h.Highlights)
	return hv
}

// maxFragments is the number of fragments a hit shows.
const maxFragments = 3

// fragmentViews orders a hit's fragments for the page: the question and
// the answers in the record's language first, then the title and texts in
// other languages (the title in the record's language is the heading).
func fragmentViews(q *parlq.Question, hl map[string][]index.Fragment) []fragmentView {
	keys := make([]string, 0, len(hl))
	for k := range hl {
		keys = append(keys, k)
	}
	rank := func(k string) (int, string) {
		part, lang, translated := strings.Cut(k, "@")
		r := map[string]int{"title": 0, "question": 1, "answer": 2}[strings.SplitN(part, "[", 2)[0]]
		if strings.HasPrefix(part, "answers[") {
			r = 3
		}
		if translated {
			r += 10
		}
		return r, lang + k
	}
	slices.SortFunc(keys, func(a, b string) int {
		ra, ka := rank(a)
		rb, kb := rank(b)
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(ka, kb)
	})
	var out []fragmentView
	for _, k := range keys {
		part, lang, translated := strings.Cut(k, "@")
		if part == "title" && !translated {
			continue
		}
		name := ""
		if translated || strings.HasPrefix(part, "answers[") {
			name = partLabel(part, lang)
		}
		if !translated {
			lang = q.Language
		}
		for _, f := range hl[k] {
			out = append(out, fragmentView{HTML: template.HTML(api.HTML(f)), Lang: lang, Part: name})
		}
	}
	if len(out) > maxFragments {
		out = out[:maxFragments]
	}
	return out
}

// partLabel names a highlighted part for the page: "Title in Français",
// "Further answer", "Answer in Nederlands".
func partLabel(part, lang string) string {
	name := map[string]string{"title": "Title", "question": "Question", "answer": "Answer"}[part]
	if strings.HasPrefix(part, "answers[") {
		name = "Further answer"
	}
	if lang != "" {
		name += " in " + orTerm(index.ValueName("language", lang), lang)
	}
	return name
}

func orTerm(label, term string) string {
	if label != "" {
		return label
	}
	return term
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
