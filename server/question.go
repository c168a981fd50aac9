package server

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/i18n"
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
	// Text is the language of the title and texts shown: the record's own,
	// or a translation the source published (?text=nl); Texts switch
	// between them. TextTitle and TextRole are in that language.
	Text                string
	Texts               []textLink
	TextTitle, TextRole string
	// StatusLabel names the status, StatusNote explains it (lapsed,
	// withdrawn, a holding answer); HoldingNote explains a holding answer.
	StatusLabel, StatusNote, HoldingNote string
	// Language names the record's language; Parliament its parliament.
	Language, Parliament, Assembly string
}

// textLink is one language of a question's texts, for the switch.
type textLink struct {
	Lang, Name, URL string
	Current         bool
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
	Lang, Name, Title, Role, URL string
}

// revisionView marks a question whose answer was corrected or replaced.
type revisionView struct {
	Kind, Label, Date string
	// Link is the version that carried it, when parlq saw it happen.
	Link string
}

func newRevisionView(l i18n.Lang, id string, r history.Revision) *revisionView {
	v := &revisionView{Kind: string(r.Kind), Label: l.T(r.Kind.Label()), Date: r.Date}
	if r.Version > 0 {
		v.Link = versionPath(id, r.Version) + "#v" + strconv.Itoa(r.Version)
	}
	return v
}

// markRevisions marks the result cards whose answer was corrected or
// whose holding answer was replaced, with one catalog query for the page.
func (s *Server) markRevisions(ctx context.Context, l i18n.Lang, hits []index.Hit, views []hitView) {
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
			views[i].Revision = newRevisionView(l, hits[i].ID, r)
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
	l := langOf(r)
	shown, text, err := questionParams(r)
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
	if text != "" && text != q.Language {
		if _, ok := q.Translations[text]; !ok {
			s.pageError(w, r, &index.QueryError{Field: "text", Msg: fmt.Sprintf("text %q is not a language this question is published in", text)})
			return
		}
	}
	base := baseURL(r)
	view := questionView{
		Title: q.Title, Q: q, Shown: shown, Latest: latest,
		Official: safeURL(q.URL), Type: typeLabelIn(l, q.Type), Days: q.DaysToAnswer(),
		QuestionP: paragraphs(q.Question), AnswerP: paragraphs(q.Answer),
		Permalink: base + versionPath(id, shown),
		Feeds:     questionFeeds(l, q),
		Text:      q.Language, TextTitle: q.Title, TextRole: q.Addressee.Role,
		StatusLabel: orTerm(l.Value("status", string(q.Status)), string(q.Status)),
		Language:    orTerm(l.Value("language", q.Language), q.Language),
		Parliament:  l.Source(q.Source, q.Parliament),
		Assembly:    orTerm(l.Value("assembly", q.Assembly), q.Assembly),
	}
	if q.Status == parlq.Lapsed || q.Status == parlq.Withdrawn {
		view.StatusNote = l.StatusNote(string(q.Status))
	}
	if q.HoldingAnswered != "" {
		view.HoldingNote = l.StatusNote("holding")
	}
	if t, ok := q.Translations[text]; ok && text != q.Language {
		view.Text, view.TextTitle, view.TextRole = text, orTerm(t.Title, q.Title), t.AddresseeRole
		view.QuestionP, view.AnswerP = paragraphs(t.Question), paragraphs(t.Answer)
	}
	view.Texts = textLinks(r, q, view.Text)
	if view.Title == "" {
		view.Title = q.ID
	}
	if view.TextTitle == "" {
		view.TextTitle = q.ID
	}
	if shown != latest {
		view.Title = l.Tf("%s (version %s of %s)", view.Title, l.Int(shown), l.Int(latest))
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
		view.Captured = l.Stamp(steps[i].At)
	}
	// A revision parlq saw marks the versions from the one that carried it;
	// one only the record tells of, the current version.
	if r := qr.Revision; r != nil && (r.Version > 0 && r.Version <= shown || r.Version == 0 && shown == latest) {
		view.Revision = newRevisionView(l, id, *r)
	}
	view.Cite = newCitation(q, steps[i].At, base, shown).view()
	for j := len(steps) - 1; j >= 0; j-- {
		view.Versions = append(view.Versions, newVersionView(l, id, steps[j], latest, shown))
	}
	langs := make([]string, 0, len(q.Translations))
	for lang := range q.Translations {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	for _, lang := range langs {
		t := q.Translations[lang]
		view.Translations = append(view.Translations, translationView{Lang: lang, Name: orTerm(l.Value("language", lang), lang),
			Title: t.Title, Role: t.AddresseeRole, URL: safeURL(t.URL)})
	}
	s.render(w, r, http.StatusOK, "question", view)
}

// questionParams reads the parameters of a question's page: v, a version
// number (0 when absent), and text, the language of the texts to show.
func questionParams(r *http.Request) (version int, text string, err error) {
	v := r.URL.Query()
	text = strings.TrimSpace(v.Get("text"))
	if len(v["text"]) > 1 {
		return 0, "", &index.QueryError{Field: "text", Msg: fmt.Sprintf("parameter %q given %d times; give it once", "text", len(v["text"]))}
	}
	v.Del("text")
	r2 := *r
	u := *r.URL
	u.RawQuery = v.Encode()
	r2.URL = &u
	version, err = versionParam(&r2, "this page takes only v (a version number) and text (a language of the texts)")
	return version, text, err
}

// textLinks switch the texts of a question between the languages it is
// published in, when there are several with a text of their own.
func textLinks(r *http.Request, q *parlq.Question, current string) []textLink {
	langs := []string{q.Language}
	for lang, t := range q.Translations {
		if lang != q.Language && (t.Question != "" || t.Answer != "") {
			langs = append(langs, lang)
		}
	}
	if len(langs) < 2 {
		return nil
	}
	slices.Sort(langs[1:])
	out := make([]textLink, 0, len(langs))
	for _, lang := range langs {
		v := r.URL.Query()
		v.Del("text")
		if lang != q.Language {
			v.Set("text", lang)
		}
		u := url.URL{Path: r.URL.Path, RawQuery: v.Encode()}
		out = append(out, textLink{Lang: lang, Name: orTerm(index.ValueName("language", lang), lang), URL: u.RequestURI() + "#texts", Current: lang == current})
	}
	return out
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

func newVersionView(l i18n.Lang, id string, st history.Step, latest, shown int) versionView {
	vv := versionView{
		Version: st.Version, Kind: string(st.Kind), Label: l.T(st.Kind.Label()),
		Link: versionPath(id, st.Version), Latest: st.Version == latest, Shown: st.Version == shown,
	}
	if !st.At.IsZero() {
		vv.At = l.Stamp(st.At)
		vv.AtISO = st.At.UTC().Format(time.RFC3339)
	}
	if st.Record.Capture != nil {
		vv.Archive = archivePath(id, st.Version)
	}
	for _, c := range st.Changes {
		vv.Changes = append(vv.Changes, changeView{Field: c.Field, Label: fieldLabel(l, c.Field), HTML: diffHTML(l, c.Diff)})
	}
	return vv
}

// fieldLabels name the record's fields on pages; others are capitalised.
var fieldLabels = map[string]string{
	"addressee": "Minister", "answered": "Answer date", "received": "Date received",
	"published": "Date published", "holding_answered": "Holding answer date", "corrected": "Correction date",
	"acts": "Procedure", "due": "Answer due",
}

func fieldLabel(l i18n.Lang, f string) string {
	if label, ok := fieldLabels[f]; ok {
		return l.T(label)
	}
	return l.T(filterLabel(strings.ReplaceAll(f, "_", " ")))
}

// diffContext is how many words of unchanged text a rendered diff keeps on
// each side of a change; longer unchanged stretches are elided.
const diffContext = 12

// diffHTML renders a word diff for a page: deletions in <del>, insertions
// in <ins>, each also marked with visible brackets ([-…-] and {+…+}) and
// words for screen readers, so that it reads without colour; long
// unchanged stretches are cut to their ends.
func diffHTML(l i18n.Lang, ops []textdiff.Op) template.HTML {
	var b strings.Builder
	for i, op := range ops {
		text := op.Text
		switch op.Kind {
		case textdiff.Equal:
			b.WriteString(template.HTMLEscapeString(elide(l, text, i > 0, i < len(ops)-1)))
		case textdiff.Delete:
			b.WriteString(`<del><span class="dm" aria-hidden="true">[-</span><span class="visually-hidden">` + l.T("deleted:") + ` </span>`)
			b.WriteString(template.HTMLEscapeString(text))
			b.WriteString(`<span class="dm" aria-hidden="true">-]</span></del>`)
		case textdiff.Insert:
			b.WriteString(`<ins><span class="dm" aria-hidden="true">{+</span><span class="visually-hidden">` + l.T("inserted:") + ` </span>`)
			b.WriteString(template.HTMLEscapeString(text))
			b.WriteString(`<span class="dm" aria-hidden="true">+}</span></ins>`)
		}
	}
	return template.HTML(b.String())
}

// elide shortens unchanged text to diffContext words after a change
// (before: there is a change before it) and before one (after).
func elide(l i18n.Lang, text string, before, after bool) string {
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
	return head + " … [" + l.N(len(words)-keep, "%s word unchanged", "%s words unchanged") + "] … " + tail
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
