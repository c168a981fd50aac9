package server

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/textdiff"
)

// questionView is the data of a question page: one version of a question
// (the latest, or the one ?v=N asks for), its history with what each
// version changed, and how to cite it.
type questionView struct {
	Title string
	// Q is the version shown; Shown its number and Latest the newest's.
	Q             *parlq.Question
	Shown, Latest int
	Official      string
	Archive       string
	Type          string
	Days          int
	QuestionP     []string
	AnswerP       []string
	Versions      []versionView
	Translations  []translationView
	Revision      *revisionView
	// Permalink is the absolute address of the version shown.
	Permalink string
	Cite      citationView
	Feeds     []feedLink
	// Captured is when the version shown was fetched, as text.
	Captured string
	// AuthorPage and AddresseePage are the person pages of the names;
	// Clock is the answer-time fact of the latest version.
	AuthorPage, AddresseePage string
	Clock                     *clockView
}

func (v questionView) feedLinks() []feedLink { return v.Feeds }

type versionView struct {
	Version int
	At      string // "2025-01-10 03:00 UTC"
	AtISO   string
	Kind    string // history.Kind
	Label   string
	Changes []changeView
	Archive string
	Link    string // the page of this version
	Latest  bool
	Shown   bool
}

// changeView is one field's change, rendered.
type changeView struct {
	Field, Label string
	HTML         template.HTML
}

type translationView struct {
	Lang, Title, Role, URL string
}

// revisionView marks a question whose answer was corrected or replaced.
type revisionView struct {
	Kind, Label, Date string
	// Link is the version that carried it, when parlq saw it happen.
	Link string
}

func newRevisionView(id string, r history.Revision) *revisionView {
	v := &revisionView{Kind: string(r.Kind), Label: r.Kind.Label(), Date: r.Date}
	if r.Version > 0 {
		v.Link = versionPath(id, r.Version) + "#v" + strconv.Itoa(r.Version)
	}
	return v
}

// markRevisions marks the result cards whose answer was corrected or
// whose holding answer was replaced, with one catalog query for the page.
func (s *Server) markRevisions(ctx context.Context, hits []index.Hit, views []hitView) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	seen, err := history.LoadRevisions(ctx, s.cat, ids)
	if err != nil {
		// The results matter more than the marks: show them without.
		s.log.Warn("answer revisions of a result page", "err", err)
	}
	for i := range hits {
		if r, ok := history.Latest(&hits[i].Record, seen[hits[i].ID]); ok {
			views[i].Revision = newRevisionView(hits[i].ID, r)
		}
	}
}

// versionPath is the page of one version of a question.
func versionPath(id string, version int) string {
	return questionPath(id) + "?v=" + strconv.Itoa(version)
}

// handleQuestionPage shows one question: every field of the version asked
// for (?v=N, default the latest), its acts, its version history with a word
// diff of every changed field, and a citation of the version shown.
func (s *Server) handleQuestionPage(w http.ResponseWriter, r *http.Request) {
	shown, err := versionParam(r, "this page takes only v (a version number)")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	id := r.PathValue("id")
	qr, err := s.question(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	steps := qr.steps
	latest := steps[len(steps)-1].Version
	if shown == 0 {
		shown = latest
	}
	i := slices.IndexFunc(steps, func(st history.Step) bool { return st.Version == shown })
	if i < 0 {
		s.pageError(w, r, fmt.Errorf("version %d of %s: %w", shown, id, catalog.ErrNotFound))
		return
	}
	q := steps[i].Record
	if shown == latest {
		q = qr.Record // the current row: the latest version as the catalog serves it
	}
	base := baseURL(r)
	view := questionView{
		Title: q.Title, Q: q, Shown: shown, Latest: latest,
		Official: safeURL(q.URL), Type: typeLabel(q.Type), Days: q.DaysToAnswer(),
		QuestionP: paragraphs(q.Question), AnswerP: paragraphs(q.Answer),
		Permalink: base + versionPath(id, shown),
		Feeds:     questionFeeds(q),
	}
	if view.Title == "" {
		view.Title = q.ID
	}
	if shown != latest {
		view.Title = fmt.Sprintf("%s (version %d of %d)", view.Title, shown, latest)
	} else {
		view.Clock = s.clockOf(q)
	}
	if q.Author.Name != "" {
		view.AuthorPage = personPath(q.Source, q.Author.Name)
	}
	if q.Addressee.Name != "" {
		view.AddresseePage = personPath(q.Source, q.Addressee.Name)
	}
	if q.Capture != nil {
		view.Archive = archivePath(q.ID, shown)
	}
	if !steps[i].At.IsZero() {
		view.Captured = steps[i].At.UTC().Format("2006-01-02 15:04 UTC")
	}
	// A revision parlq saw marks the versions from the one that carried it;
	// one only the record tells of, the current version.
	if r := qr.Revision; r != nil && (r.Version > 0 && r.Version <= shown || r.Version == 0 && shown == latest) {
		view.Revision = newRevisionView(id, *r)
	}
	view.Cite = newCitation(q, steps[i].At, base, shown).view()
	for j := len(steps) - 1; j >= 0; j-- {
		view.Versions = append(view.Versions, newVersionView(id, steps[j], latest, shown))
	}
	langs := make([]string, 0, len(q.Translations))
	for l := range q.Translations {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		t := q.Translations[l]
		view.Translations = append(view.Translations, translationView{Lang: l, Title: t.Title, Role: t.AddresseeRole, URL: safeURL(t.URL)})
	}
	s.render(w, r, http.StatusOK, "question", view)
}

// versionParam reads the only parameter a page of one question takes: v, a
// version number (0 when absent).
func versionParam(r *http.Request, refusal string) (int, error) {
	v := r.URL.Query()
	for name := range v {
		if name != "v" {
			return 0, &index.QueryError{Field: name, Msg: fmt.Sprintf("unknown parameter %q; %s", name, refusal)}
		}
	}
	vs := v.Get("v")
	if vs == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(vs)
	if err != nil || n < 1 || len(v["v"]) > 1 {
		return 0, &index.QueryError{Field: "v", Msg: fmt.Sprintf("version %q is not one whole number from 1", vs)}
	}
	return n, nil
}

func newVersionView(id string, st history.Step, latest, shown int) versionView {
	vv := versionView{
		Version: st.Version, Kind: string(st.Kind), Label: st.Kind.Label(),
		Link: versionPath(id, st.Version), Latest: st.Version == latest, Shown: st.Version == shown,
	}
	if !st.At.IsZero() {
		vv.At = st.At.UTC().Format("2006-01-02 15:04 UTC")
		vv.AtISO = st.At.UTC().Format(time.RFC3339)
	}
	if st.Record.Capture != nil {
		vv.Archive = archivePath(id, st.Version)
	}
	for _, c := range st.Changes {
		vv.Changes = append(vv.Changes, changeView{Field: c.Field, Label: fieldLabel(c.Field), HTML: diffHTML(c.Diff)})
	}
	return vv
}

// fieldLabels name the record's fields on pages; others are capitalised.
var fieldLabels = map[string]string{
	"addressee": "Minister", "answered": "Answer date", "received": "Date received",
	"published": "Date published", "holding_answered": "Holding answer date", "corrected": "Correction date",
	"acts": "Procedure", "due": "Answer due",
}

func fieldLabel(f string) string {
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	return filterLabel(strings.ReplaceAll(f, "_", " "))
}

// diffContext is how many words of unchanged text a rendered diff keeps on
// each side of a change; longer unchanged stretches are elided.
const diffContext = 12

// diffHTML renders a word diff for a page: deletions in <del>, insertions
// in <ins>, each also marked with visible brackets ([-…-] and {+…+}) and
// words for screen readers, so that it reads without colour; long
// unchanged stretches are cut to their ends.
func diffHTML(ops []textdiff.Op) template.HTML {
	var b strings.Builder
	for i, op := range ops {
		text := op.Text
		switch op.Kind {
		case textdiff.Equal:
			b.WriteString(template.HTMLEscapeString(elide(text, i > 0, i < len(ops)-1)))
		case textdiff.Delete:
			b.WriteString(`<del><span class="dm" aria-hidden="true">[-</span><span class="visually-hidden">deleted: </span>`)
			b.WriteString(template.HTMLEscapeString(text))
			b.WriteString(`<span class="dm" aria-hidden="true">-]</span></del>`)
		case textdiff.Insert:
			b.WriteString(`<ins><span class="dm" aria-hidden="true">{+</span><span class="visually-hidden">inserted: </span>`)
			b.WriteString(template.HTMLEscapeString(text))
			b.WriteString(`<span class="dm" aria-hidden="true">+}</span></ins>`)
		}
	}
	return template.HTML(b.String())
}

// elide shortens unchanged text to diffContext words after a change
// (before: there is a change before it) and before one (after).
func elide(text string, before, after bool) string {
	words := strings.Fields(text)
	keep := 0
	if before {
		keep += diffContext
	}
	if after {
		keep += diffContext
	}
	if len(words) <= keep+4 {
		return text
	}
	head, tail := "", ""
	if before {
		head = cutWords(text, diffContext, false)
	}
	if after {
		tail = cutWords(text, diffContext, true)
	}
	return fmt.Sprintf("%s … [%d words unchanged] … %s", head, len(words)-keep, tail)
}

// cutWords returns the first n words of s, with the white space before
// them (fromEnd: the last n, with the white space after them).
func cutWords(s string, n int, fromEnd bool) string {
	if fromEnd {
		end := len(s)
		for k := 0; k < n; k++ {
			j := strings.LastIndexAny(strings.TrimRight(s[:end], " \t\n"), " \t\n")
			if j < 0 {
				return s
			}
			end = j
		}
		return s[end:]
	}
	start := 0
	for k := 0; k < n; k++ {
		rest := strings.TrimLeft(s[start:], " \t\n")
		start = len(s) - len(rest)
		j := strings.IndexAny(s[start:], " \t\n")
		if j < 0 {
			return s
		}
		start += j
	}
	return s[:start]
}

// paragraphs splits plain text on newlines, dropping blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// baseURL is the scheme and host the request came to, for the absolute
// links of citations and feeds (a proxy that terminates TLS says so with
// X-Forwarded-Proto).
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
