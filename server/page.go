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
	"github.com/parlq/parlq/internal/i18n"
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

// parseTemplates parses the embedded templates once per interface
// language, each set with its language's functions (t translates, n and
// date write numbers and dates…); they are part of the binary, so a parse
// error is a bug caught by every test.
func parseTemplates() map[i18n.Lang]map[string]*template.Template {
	out := make(map[i18n.Lang]map[string]*template.Template, len(i18n.Langs))
	version := buildinfo.Read().Short()
	for _, l := range i18n.Langs {
		out[l] = make(map[string]*template.Template, len(pages))
		for p, parts := range pages {
			funcs := templateFuncs(l)
			funcs["version"] = func() string { return version }
			files := append([]string{"templates/layout.html", "templates/blocks.html", "templates/freshness.html", "templates/" + p + ".html"}, parts...)
			out[l][p] = template.Must(template.New(p).Funcs(funcs).ParseFS(templateFS, files...))
		}
	}
	return out
}

// templateFuncs are the functions of the templates in l.
func templateFuncs(l i18n.Lang) template.FuncMap {
	return template.FuncMap{
		"qpath": questionPath,
		"feeds": feedsOf,
		// t translates an English message, formatting it with args if any.
		"t": func(msg string, args ...any) string {
			if len(args) == 0 {
				return l.T(msg)
			}
			return l.Tf(msg, args...)
		},
		// n writes a whole number; plural a count with its noun.
		"n":         func(n any) string { return l.Int(toInt(n)) },
		"plural":    func(n any, one, other string) string { return l.N(toInt(n), one, other) },
		"questions": func(n any) string { return l.N(toInt(n), "%s question", "%s questions") },
		"days":      func(n any) string { return l.Days(toInt(n)) },
		// date writes a day YYYY-MM-DD, month a month YYYY-MM.
		"date":  l.Date,
		"month": l.Month,
		// value names a coded value (a status…), or gives it back.
		"value": func(facet, term string) string { return orTerm(l.Value(facet, term), term) },
		// note explains a status ("lapsed") or "holding".
		"note": l.StatusNote,
	}
}

// toInt reads the integers templates count with.
func toInt(n any) int {
	switch v := n.(type) {
	case int:
		return v
	case int64:
		return int(v)
	case uint64:
		return int(v)
	case uint:
		return int(v)
	case int32:
		return int(v)
	}
	panic(fmt.Sprintf("toInt: %T is not an integer", n))
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

// pageData is what the layout renders: the interface language, the
// language switch, and the page's own data (View), which the page's
// content template gets.
type pageData struct {
	Lang   i18n.Lang
	Switch []langLink
	View   any
}

// render executes a page template, in the request's language, into a
// buffer first, so a template error becomes a clean 500 instead of half a
// page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	l := langOf(r)
	pd := pageData{Lang: l, Switch: languageSwitch(r, l), View: data}
	if err := s.tmpl[l][page].ExecuteTemplate(&buf, "layout", pd); err != nil {
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

// pageError answers a browser request with the error page, in the
// request's language.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	l := langOf(r)
	status, msg := s.errorText(l, err)
	s.logFailure(r, status, err)
	s.render(w, r, status, "error", errorView{Title: statusText(l, status), Status: status, Message: msg})
}

// statusText names an HTTP status in l ("Not Found", "Introuvable").
func statusText(l i18n.Lang, status int) string {
	return l.T(http.StatusText(status))
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

// facetShown is how many values of a facet show before "N more": the rest
// wait behind a disclosure, so that no list is long to tab or scroll past.
const facetShown = 6

// sortLabels name the sort orders offered on the search page.
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

// pageSizes are the numbers of results per page the page offers (the
// size parameter takes any from 1 to index.MaxSize, as the API does).
var pageSizes = []int{10, 20, 50, index.MaxSize}

type option struct {
	Value, Label string
	Selected     bool
	// Lang is the language of the label, when not the page's.
	Lang string
}

type facetTermView struct {
	// Name is the facet's parameter.
	Name, ID, Term string
	// Label is the term's name for people ("UK Parliament" for ukparl),
	// or the term.
	Label   string
	Count   int
	Checked bool
}

type facetView struct {
	Name, Label string
	// Terms show; More wait behind "N more" (open when one is ticked).
	Terms, More []facetTermView
	MoreOpen    bool
	// Notes explain the statuses listed (lapsed, withdrawn).
	Notes []string
}

type activeFilter struct {
	Label, Value, RemoveURL string
}

// subjectView is a subject descriptor in the language chosen for it.
type subjectView struct{ Lang, Text string }

type hitView struct {
	ID, Link, Title                   string
	Official, Archive                 string
	Addressee, AddresseeRole          string
	Author, AuthorParty               string
	Received, Answered, Due           string
	Status, Legislature, Source, Type string
	// StatusLabel names the status; StatusNote explains it when it needs
	// explaining (lapsed, withdrawn).
	StatusLabel, StatusNote string
	Language                string
	DaysToAnswer            int
	Fragments               []fragmentView
	Subjects                []subjectView
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
	Sizes     []option
	Languages []option
	Dates     map[string]string
	Hidden    []option // filters without a control of their own: Value=name, Label=value
	Facets    []facetView
	Active    []activeFilter
	// ClearURL is the search without any filter.
	ClearURL string
	Error    string
	Heading  string
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
	// Feed is the Atom feed of the search; Feeds the same, titled.
	Feed  string
	Feeds []feedLink
	// Stats is the answer-time statistics of the same search.
	Stats string
	// Freshness is the banner of sources whose harvest failed or is stale.
	Freshness *bannerView
}

// handlePage is the search page: the form, and the results of the query in
// the URL. It works without JavaScript: every control is a plain GET form
// field or link.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	v := r.URL.Query()
	view := searchView{Title: l.T("Search parliamentary questions") + " — parlq", Heading: l.T("Results"), Dates: map[string]string{},
		Harvesting: s.running.Load(), Freshness: s.banner(r.Context(), l)}
	req, err := api.ParsePage(v, s.cfg.PageSize, s.cfg.MaxResultWindow)
	s.fillForm(&view, l, req)
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
			s.fillResults(&view, l, req, res)
			s.fillNotes(&view, l, req, res)
			s.markRevisions(r.Context(), l, res.Hits, view.Hits)
			view.Feed = searchFeedPath(req)
			title := l.T("New questions and answers")
			if view.Query != "" {
				title = l.Tf("New questions and answers matching “%s”", view.Query)
			}
			view.Feeds = []feedLink{{title, view.Feed}}
		}
	}
	if err != nil {
		st, msg := s.errorText(l, err)
		s.logFailure(r, st, err)
		status, view.Error = st, msg
	}
	if req.Query != "" {
		view.Title = req.Query + " — parlq"
	}
	s.render(w, r, status, "search", view)
}

// pageValues are the parameters of the page of req: those that select
// hits, and the page size when it is not the default.
func (s *Server) pageValues(req index.Request) url.Values {
	v := api.Values(req)
	if req.Size != 0 && req.Size != s.cfg.PageSize {
		v.Set("size", strconv.Itoa(req.Size))
	}
	return v
}

// fillForm sets the form controls from the request.
func (s *Server) fillForm(view *searchView, l i18n.Lang, req index.Request) {
	view.Query = req.Query
	view.Sorts = append(view.Sorts, option{Value: "", Label: l.T(sortLabels[""]), Selected: req.Sort == ""})
	for _, v := range index.Sorts() {
		label := v
		if sl, ok := sortLabels[v]; ok {
			label = l.T(sl)
		}
		view.Sorts = append(view.Sorts, option{Value: v, Label: label, Selected: v == req.Sort})
	}
	size := req.Size
	if size == 0 {
		size = s.cfg.PageSize
	}
	sizes := slices.Clone(pageSizes)
	for _, n := range []int{s.cfg.PageSize, size} {
		if !slices.Contains(sizes, n) {
			sizes = append(sizes, n)
		}
	}
	slices.Sort(sizes)
	for _, n := range sizes {
		view.Sizes = append(view.Sizes, option{Value: strconv.Itoa(n), Label: l.Int(n), Selected: n == size})
	}
	lang := ""
	if ls := req.Filters["language"]; len(ls) == 1 {
		lang = ls[0]
	}
	view.Languages = append(view.Languages, option{Value: "", Label: l.T("Any"), Selected: lang == ""})
	for _, code := range index.Languages() {
		view.Languages = append(view.Languages, option{Value: code, Label: orTerm(l.Value("language", code), code), Selected: code == lang, Lang: code})
	}
	view.Dates["received_from"] = req.Received.From
	view.Dates["received_to"] = req.Received.To
	view.Dates["answered_from"] = req.Answered.From
	view.Dates["answered_to"] = req.Answered.To

	faceted := func(name string) bool {
		return slices.ContainsFunc(facetOrder, func(f struct{ name, label string }) bool { return f.name == name })
	}
	base := s.pageValues(req)
	clear := url.Values{}
	if req.Query != "" {
		clear.Set("q", req.Query)
	}
	view.ClearURL = "/?" + clear.Encode()
	for _, f := range api.FilterParams {
		for _, val := range req.Filters[f] {
			if !faceted(f) && !(f == "language" && len(req.Filters[f]) == 1) {
				view.Hidden = append(view.Hidden, option{Value: f, Label: val})
			}
			rest := cloneValues(base)
			rest[f] = slices.DeleteFunc(slices.Clone(rest[f]), func(x string) bool { return x == val })
			view.Active = append(view.Active, activeFilter{Label: filterLabelIn(l, f), Value: s.valueLabel(l, f, val), RemoveURL: "/?" + rest.Encode()})
		}
	}
	for _, d := range []struct{ param, label, value string }{
		{"received_from", l.T("Received from"), req.Received.From}, {"received_to", l.T("Received until"), req.Received.To},
		{"answered_from", l.T("Answered from"), req.Answered.From}, {"answered_to", l.T("Answered until"), req.Answered.To},
		{"due_from", l.T("Due from"), req.Due.From}, {"due_to", l.T("Due until"), req.Due.To},
	} {
		if d.value == "" {
			continue
		}
		rest := cloneValues(base)
		rest.Del(d.param)
		view.Active = append(view.Active, activeFilter{Label: d.label, Value: l.Date(d.value), RemoveURL: "/?" + rest.Encode()})
		if strings.HasPrefix(d.param, "due_") {
			view.Hidden = append(view.Hidden, option{Value: d.param, Label: d.value})
		}
	}
}

// valueLabel names a filter's value in l: a coded value (a status), a
// source's parliament; others name themselves.
func (s *Server) valueLabel(l i18n.Lang, facet, term string) string {
	if facet == "source" {
		return l.Source(term, orTerm(s.ix.Label(facet, term), term))
	}
	return orTerm(l.Value(facet, term), orTerm(s.ix.Label(facet, term), term))
}

// fillResults sets the results, facets, paging and export links.
func (s *Server) fillResults(view *searchView, l i18n.Lang, req index.Request, res *index.Result) {
	view.HasResult = true
	view.Total = res.Total
	for _, c := range res.Concepts {
		view.Concepts = append(view.Concepts, strings.Join(c, " · "))
	}
	switch {
	case res.Total == 0:
		view.Heading = l.T("No questions found")
	case res.Approximate:
		view.Heading = l.N(int(res.Total), "At most %s question", "At most %s questions")
	default:
		view.Heading = l.N(int(res.Total), "%s question", "%s questions")
	}
	offset := (req.Page - 1) * req.Size
	view.From = offset + 1
	view.To = offset + len(res.Hits)
	for _, h := range res.Hits {
		view.Hits = append(view.Hits, s.hitView(l, h))
	}
	for _, f := range facetOrder {
		fv := facetView{Name: f.name, Label: l.T(f.label)}
		selected := req.Filters[f.name]
		var terms []facetTermView
		for i, t := range res.Facets[f.name] {
			label := orTerm(t.Label, t.Term)
			if f.name == "source" {
				label = l.Source(t.Term, label)
			} else if n := l.Value(f.name, t.Term); n != "" {
				label = n
			}
			terms = append(terms, facetTermView{Name: f.name, ID: fmt.Sprintf("f-%s-%d", f.name, i), Term: t.Term,
				Label: label, Count: t.Count, Checked: slices.Contains(selected, t.Term)})
		}
		// A selected value the index did not return stays in the form.
		for i, sel := range selected {
			if !slices.ContainsFunc(terms, func(t facetTermView) bool { return t.Term == sel }) {
				terms = append(terms, facetTermView{Name: f.name, ID: fmt.Sprintf("f-%s-s%d", f.name, i), Term: sel,
					Label: s.valueLabel(l, f.name, sel), Checked: true})
			}
		}
		if len(terms) == 0 {
			continue
		}
		for i, t := range terms {
			if i < facetShown || t.Checked {
				fv.Terms = append(fv.Terms, t)
			} else {
				fv.More = append(fv.More, t)
			}
		}
		if len(fv.More) == 1 { // "1 more" hides no more than it takes
			fv.Terms, fv.More = append(fv.Terms, fv.More...), nil
		}
		if f.name == "status" {
			for _, t := range terms {
				if t.Term == string(parlq.Lapsed) || t.Term == string(parlq.Withdrawn) {
					fv.Notes = append(fv.Notes, l.StatusNote(t.Term))
				}
			}
		}
		view.Facets = append(view.Facets, fv)
	}

	base := s.pageValues(req)
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
	exp := api.Values(req)
	if req.Sort == res.Sort && req.Query == "" {
		exp.Del("sort")
	}
	exp.Set("format", "csv")
	// A download from the page is for a spreadsheet: with the byte-order
	// mark that tells Excel the file is UTF-8.
	exp.Set("bom", "true")
	view.ExportCSV = "/api/export?" + exp.Encode()
	exp.Del("bom")
	exp.Set("format", "jsonl")
	view.ExportJSONL = "/api/export?" + exp.Encode()
	view.Stats = statsLink(req)
}

// hitView prepares one result for the template; fragments are sanitised.
func (s *Server) hitView(l i18n.Lang, h index.Hit) hitView {
	q := &h.Record
	hv := hitView{
		ID: h.ID, Link: questionPath(h.ID), Title: q.Title, Official: safeURL(q.URL),
		Addressee: q.Addressee.Name, AddresseeRole: q.Addressee.Role,
		Author: q.Author.Name, AuthorParty: q.Author.Party,
		Received: q.Received, Answered: q.Answered, Due: q.Due, Status: string(q.Status),
		StatusLabel: orTerm(l.Value("status", string(q.Status)), string(q.Status)),
		Legislature: q.Legislature, Source: q.Source, Type: typeLabelIn(l, q.Type), Language: q.Language,
		DaysToAnswer: q.DaysToAnswer(), Clock: s.clockOf(q),
	}
	if q.Status == parlq.Lapsed || q.Status == parlq.Withdrawn {
		hv.StatusNote = l.StatusNote(string(q.Status))
	}
	if q.Author.Name != "" {
		hv.AuthorPage = personPath(q.Source, q.Author.Name)
	}
	if q.Addressee.Name != "" {
		hv.AddresseePage = personPath(q.Source, q.Addressee.Name)
	}
	hv.Subjects = subjectViews(l, q.Subjects)
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
		hv.Source = l.Source(q.Source, q.Parliament)
		if name := orTerm(l.Value("assembly", q.Assembly), q.Assembly); name != "" && name != hv.Source && name != q.Parliament {
			hv.Source += " — " + name
		}
	}
	if q.Capture != nil {
		hv.Archive = archivePath(h.ID, 0)
	}
	hv.Fragments = fragmentViews(l, q, h.Highlights)
	return hv
}

// subjectViews are a record's subjects, each in the interface language
// when the source gives that label, else in another.
func subjectViews(l i18n.Lang, subs []parlq.Subject) []subjectView {
	var out []subjectView
	for _, sub := range subs {
		for _, lang := range []string{string(l), "en", "fr", "nl"} {
			if t := sub.Labels[lang]; t != "" {
				out = append(out, subjectView{Lang: lang, Text: t})
				break
			}
		}
	}
	return out
}

// maxFragments is the number of fragments a hit shows.
const maxFragments = 3

// fragmentViews orders a hit's fragments for the page: the question and
// the answers in the record's language first, then the title and texts in
// other languages (the title in the record's language is the heading).
func fragmentViews(l i18n.Lang, q *parlq.Question, hl map[string][]index.Fragment) []fragmentView {
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
			name = partLabel(l, part, lang)
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
func partLabel(l i18n.Lang, part, lang string) string {
	name := map[string]string{"title": "Title", "question": "Question", "answer": "Answer"}[part]
	if strings.HasPrefix(part, "answers[") {
		name = "Further answer"
	}
	if lang == "" {
		return l.T(name)
	}
	return l.Tf(name+" in %s", l.LanguageName(lang))
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

// filterLabelIn names a filter parameter in l.
func filterLabelIn(l i18n.Lang, name string) string {
	for _, f := range facetOrder {
		if f.name == name {
			return l.T(f.label)
		}
	}
	if name == "language" {
		return l.T("Language")
	}
	return l.T(filterLabel(name))
}

// typeLabelIn names a question type in l ("Written question").
func typeLabelIn(l i18n.Lang, t parlq.Type) string {
	return orTerm(l.Value("type", string(t)), typeLabel(t))
}
