package server

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/buildinfo"
	"github.com/parlq/parlq/internal/i18n"
)

// Atom feeds (RFC 4287) tell people when something arrives:
//
//	/feeds/search?<search parameters>  new questions matching a search, and new answers to them
//	/feeds/q/{id}                      everything that happens to one question
//	/feeds/author/{name}               new questions by a member, and their answers
//	/feeds/minister/{name}             new questions to a minister, and their answers
//
// An entry is one stored version of a question: its id is derived from the
// question id and the version number (the same event has the same id in
// every feed), its dates are when parlq fetched that version, never the
// time of the request. A feed holds the latest feedSize entries and answers
// conditional requests (ETag, Last-Modified) with 304.

// feedSize bounds the entries of a feed.
const feedSize = 50

// feedMediaType is the media type of an Atom feed.
const feedMediaType = "application/atom+xml"

// feedLink is a feed a page offers, in <link rel="alternate"> and as a
// visible link.
type feedLink struct {
	Title, URL string
}

// feeder is a page view that offers feeds.
type feeder interface{ feedLinks() []feedLink }

// feedsOf returns the feeds a page's data offers (none for other pages).
func feedsOf(data any) []feedLink {
	if f, ok := data.(feeder); ok {
		return f.feedLinks()
	}
	return nil
}

func questionFeedPath(id string) string { return "/feeds/q/" + escapeID(id) }

func personFeedPath(role, name string) string { return "/feeds/" + role + "/" + url.PathEscape(name) }

// searchFeedPath is the feed of a search: its query, filters and dates
// (sort and paging mean nothing to a feed).
func searchFeedPath(req index.Request) string {
	req.Sort = ""
	v := api.Values(req)
	if len(v) == 0 {
		return "/feeds/search"
	}
	return "/feeds/search?" + v.Encode()
}

// questionFeeds are the feeds a question page offers: the question's own,
// and its author's and minister's.
func questionFeeds(l i18n.Lang, q *parlq.Question) []feedLink {
	out := []feedLink{{l.T("Updates to this question"), questionFeedPath(q.ID)}}
	if q.Author.Name != "" {
		out = append(out, feedLink{l.Tf("Questions by %s", q.Author.Name), personFeedPath("author", q.Author.Name)})
	}
	if q.Addressee.Name != "" {
		out = append(out, feedLink{l.Tf("Questions to %s", q.Addressee.Name), personFeedPath("minister", q.Addressee.Name)})
	}
	return out
}

func (v searchView) feedLinks() []feedLink { return v.Feeds }

// feedEntry is one version of a question in a feed.
type feedEntry struct {
	step    history.Step
	changed []string // the fields the version changed
	prev    *parlq.Question
}

// handleQuestionFeed is the feed of one question: every version, newest
// first (new, holding answer, answered, corrected, withdrawn, changed…).
func (s *Server) handleQuestionFeed(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.Query()) > 0 {
		s.writeError(w, r, &index.QueryError{Field: "query", Msg: "a question's feed takes no parameters"})
		return
	}
	id := r.PathValue("id")
	vs, err := s.cat.Versions(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	entries := make([]feedEntry, len(vs))
	for i := range vs {
		e := feedEntry{step: history.Step{Version: vs[i].Version, At: vs[i].At, Record: &vs[i].Record}, changed: vs[i].Changed}
		if i > 0 {
			e.prev = &vs[i-1].Record
		}
		e.step.Kind = history.Classify(e.prev, e.step.Record)
		entries[i] = e
	}
	cur := &vs[len(vs)-1].Record
	f := feedMeta{
		id:        "question:" + id,
		title:     "parlq: " + orID(cur.Title, id),
		subtitle:  "Every change parlq saw to " + describe(cur) + ": answers, holding answers, corrections, withdrawal.",
		self:      r.URL.RequestURI(),
		alternate: questionPath(id),
	}
	s.serveFeed(w, r, f, entries)
}

// handleSearchFeed is the feed of a search: the newest questions that
// match it (by date received) and the newest answers among them.
func (s *Server) handleSearchFeed(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	for _, name := range []string{"sort", "format", "bom"} {
		if v.Has(name) {
			s.writeError(w, r, &index.QueryError{Field: name, Msg: fmt.Sprintf("a feed takes the query, filters and dates of a search, not %q", name)})
			return
		}
	}
	req, _, err := api.ParseExport(v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	title := "new questions and answers"
	if req.Query != "" {
		title += " matching “" + req.Query + "”"
	}
	if filters := describeFilters(req); filters != "" {
		title += " (" + filters + ")"
	}
	f := feedMeta{
		id:        "search:" + api.Values(req).Encode(),
		title:     "parlq: " + title,
		subtitle:  "Questions newly received that match this search, and new answers to them.",
		self:      r.URL.RequestURI(),
		alternate: "/?" + api.Values(req).Encode(),
	}
	s.searchFeed(w, r, f, req)
}

// handlePersonFeed is the feed of a member (role "author") or a minister
// (role "minister"), by the name the records give: a search feed filtered
// on that name.
func (s *Server) handlePersonFeed(role string) http.HandlerFunc {
	field, what := "author", "Questions by "
	if role == "minister" {
		field, what = "addressee", "Questions to "
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.Query()) > 0 {
			s.writeError(w, r, &index.QueryError{Field: "query", Msg: "a person's feed takes no parameters"})
			return
		}
		name := r.PathValue("name")
		req := index.Request{Filters: map[string][]string{field: {name}}}
		f := feedMeta{
			id:        role + ":" + name,
			title:     "parlq: " + what + name,
			subtitle:  what + name + " as parlq received them, and their answers.",
			self:      r.URL.RequestURI(),
			alternate: "/?" + api.Values(req).Encode(),
		}
		s.searchFeed(w, r, f, req)
	}
}

// searchFeed serves the feed of the questions req matches: for the newest
// received, their first version; for the newest answered, the version
// that brought the answer.
func (s *Server) searchFeed(w http.ResponseWriter, r *http.Request, f feedMeta, req index.Request) {
	entries, err := s.searchEntries(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.serveFeed(w, r, f, entries)
}

func (s *Server) searchEntries(ctx context.Context, req index.Request) ([]feedEntry, error) {
	seen := map[string]bool{}
	var out []feedEntry
	for _, order := range []string{"-received", "-answered"} {
		q := req
		q.Sort, q.Page, q.Size, q.Highlight, q.Facets = order, 1, feedSize, false, nil
		if order == "-answered" {
			q.Filters = cloneFilters(req.Filters)
			q.Filters["status"] = []string{string(parlq.Answered)}
			if len(req.Filters["status"]) > 0 && !slices.Contains(req.Filters["status"], string(parlq.Answered)) {
				continue // the search excludes answered questions
			}
		}
		res, err := s.search(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			vs, err := s.cat.Versions(ctx, h.ID)
			if errors.Is(err, catalog.ErrNotFound) {
				continue // indexed, not (yet) in the catalog
			}
			if err != nil {
				return nil, err
			}
			i := 0
			if order == "-answered" {
				i = slices.IndexFunc(vs, func(v catalog.Version) bool { return v.Record.Status == parlq.Answered })
				if i < 0 {
					continue
				}
			}
			key := fmt.Sprintf("%s#%d", h.ID, vs[i].Version)
			if seen[key] {
				continue
			}
			seen[key] = true
			e := feedEntry{step: history.Step{Version: vs[i].Version, At: vs[i].At, Record: &vs[i].Record}, changed: vs[i].Changed}
			if i > 0 {
				e.prev = &vs[i-1].Record
			}
			e.step.Kind = history.Classify(e.prev, e.step.Record)
			out = append(out, e)
		}
	}
	return out, nil
}

func cloneFilters(f map[string][]string) map[string][]string {
	out := make(map[string][]string, len(f)+1)
	for k, v := range f {
		out[k] = slices.Clone(v)
	}
	return out
}

// describeFilters is a search's filters and dates in words.
func describeFilters(req index.Request) string {
	var parts []string
	for _, f := range api.FilterParams {
		if vals := req.Filters[f]; len(vals) > 0 {
			parts = append(parts, filterLabel(f)+": "+strings.Join(vals, " or "))
		}
	}
	for _, d := range []struct{ label, from, to string }{
		{"received", req.Received.From, req.Received.To}, {"answered", req.Answered.From, req.Answered.To},
	} {
		if d.from != "" || d.to != "" {
			parts = append(parts, fmt.Sprintf("%s %s–%s", d.label, d.from, d.to))
		}
	}
	return strings.Join(parts, "; ")
}

func orID(title, id string) string {
	if title == "" {
		return id
	}
	return title
}

// describe is a question in a few words: "written question no. 161 to
// Alain Maron (PRB)".
func describe(q *parlq.Question) string {
	d := typeLabel(q.Type)
	if q.Number != "" {
		d += " no. " + q.Number
	}
	if q.Addressee.Name != "" {
		d += " to " + q.Addressee.Name
	}
	if q.Assembly != "" {
		d += " (" + q.Assembly + ")"
	}
	return d
}

// feedMeta is what a feed says of itself; paths are relative to the server.
type feedMeta struct {
	id, title, subtitle string
	self, alternate     string
}

// serveFeed renders entries (newest first, at most feedSize) as an Atom
// feed and serves it with validators: a client that has this very feed
// (If-None-Match) or one as new (If-Modified-Since) gets 304.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, f feedMeta, entries []feedEntry) {
	slices.SortStableFunc(entries, func(a, b feedEntry) int {
		if c := b.step.At.Compare(a.step.At); c != 0 {
			return c
		}
		if c := strings.Compare(a.step.Record.ID, b.step.Record.ID); c != 0 {
			return c
		}
		return b.step.Version - a.step.Version
	})
	if len(entries) > feedSize {
		entries = entries[:feedSize]
	}
	updated := time.Unix(0, 0).UTC()
	if len(entries) > 0 {
		updated = entries[0].step.At
	} else if last, err := s.cat.LastStored(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	} else if !last.IsZero() {
		updated = last // nothing matches: the feed is as new as the data it was computed from
	}
	body, err := renderFeed(baseURL(r), f, entries, updated)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", feedMediaType+"; charset=utf-8")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", updated.Truncate(time.Second), bytes.NewReader(body))
}

// The Atom document, as encoding/xml writes it.
type atomFeed struct {
	XMLName   xml.Name      `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Subtitle  atomText      `xml:"subtitle"`
	Updated   string        `xml:"updated"`
	Links     []atomLink    `xml:"link"`
	Author    atomPerson    `xml:"author"`
	Generator atomGenerator `xml:"generator"`
	Entries   []atomEntry   `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Title string `xml:"title,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomGenerator struct {
	URI     string `xml:"uri,attr"`
	Version string `xml:"version,attr"`
	Name    string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

type atomEntry struct {
	ID        string         `xml:"id"`
	Title     atomText       `xml:"title"`
	Updated   string         `xml:"updated"`
	Published string         `xml:"published"`
	Authors   []atomPerson   `xml:"author"`
	Links     []atomLink     `xml:"link"`
	Category  []atomCategory `xml:"category"`
	Summary   atomText       `xml:"summary"`
	Content   atomText       `xml:"content"`
}

// atomTime is an Atom date: RFC 3339 in UTC, to the second.
func atomTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

func renderFeed(base string, f feedMeta, entries []feedEntry, updated time.Time) ([]byte, error) {
	doc := atomFeed{
		ID:       uuidURN("feed:" + f.id),
		Title:    atomText{Type: "text", Text: f.title},
		Subtitle: atomText{Type: "text", Text: f.subtitle},
		Updated:  atomTime(updated),
		Links: []atomLink{
			{Rel: "self", Type: feedMediaType, Href: base + f.self},
			{Rel: "alternate", Type: "text/html", Href: base + f.alternate},
		},
		Author:    atomPerson{Name: "parlq", URI: base + "/"},
		Generator: atomGenerator{URI: "https://github.com/parlq/parlq", Version: buildinfo.Read().Version, Name: "parlq"},
	}
	for _, e := range entries {
		doc.Entries = append(doc.Entries, atomEntryOf(base, e))
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	buf.WriteString("\n")
	return buf.Bytes(), nil
}

func atomEntryOf(base string, e feedEntry) atomEntry {
	q, v := e.step.Record, e.step.Version
	at := atomTime(e.step.At)
	entry := atomEntry{
		ID:        entryID(q.ID, v),
		Title:     atomText{Type: "text", Text: e.step.Kind.Label() + ": " + orID(q.Title, q.ID)},
		Updated:   at,
		Published: at,
		Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: base + versionPath(q.ID, v)}},
		Category:  []atomCategory{{Term: string(e.step.Kind), Label: e.step.Kind.Label()}},
		Summary:   atomText{Type: "text", Text: entrySummary(e)},
		Content:   atomText{Type: "html", Text: string(entryContent(base, e))},
	}
	if q.Author.Name != "" {
		entry.Authors = []atomPerson{{Name: q.Author.Name}}
	}
	if u := safeURL(q.URL); u != "" {
		entry.Links = append(entry.Links, atomLink{Rel: "related", Type: "text/html", Href: u, Title: "Official page"})
	}
	if q.Capture != nil {
		entry.Links = append(entry.Links, atomLink{Rel: "via", Href: base + archivePath(q.ID, v), Title: "Archived copy of this version"})
	}
	return entry
}

// entrySummary says what happened in a sentence.
func entrySummary(e feedEntry) string {
	q := e.step.Record
	var sb strings.Builder
	sb.WriteString(upperFirst(describe(q)))
	if q.Parliament != "" {
		sb.WriteString(", " + q.Parliament)
	}
	sb.WriteString(". ")
	switch e.step.Kind {
	case history.New:
		fmt.Fprintf(&sb, "Received %s; status %s.", orDash(q.Received), q.Status)
	case history.Answered, history.HoldingReplaced:
		fmt.Fprintf(&sb, "Answered on %s.", orDash(q.Answered))
	case history.Holding:
		fmt.Fprintf(&sb, "Holding answer on %s: the answer will follow.", orDash(q.HoldingAnswered))
	case history.Corrected:
		d := q.Corrected
		if d == "" {
			d = e.step.At.UTC().Format(parlq.DateLayout) + " (seen by parlq)"
		}
		fmt.Fprintf(&sb, "Answer corrected on %s.", d)
	case history.Withdrawn:
		sb.WriteString("Withdrawn by its author.")
	case history.Lapsed:
		sb.WriteString("Lapsed without an answer.")
	default:
		fmt.Fprintf(&sb, "Changed: %s.", strings.Join(e.changed, ", "))
	}
	return sb.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// entryContent is an entry's HTML: the question of a new one, else the
// word diff of every changed field, and the archived copy.
func entryContent(base string, e feedEntry) template.HTML {
	q := e.step.Record
	var b strings.Builder
	if e.prev == nil {
		for _, p := range paragraphs(q.Question) {
			b.WriteString("<p>" + template.HTMLEscapeString(p) + "</p>")
		}
		if q.Answer != "" {
			b.WriteString("<h3>Answer</h3>")
			for _, p := range paragraphs(q.Answer) {
				b.WriteString("<p>" + template.HTMLEscapeString(p) + "</p>")
			}
		}
	} else {
		b.WriteString("<dl>")
		for _, c := range history.Diff(e.prev, q, e.changed) {
			b.WriteString("<dt>" + template.HTMLEscapeString(fieldLabel(i18n.EN, c.Field)) + "</dt>")
			b.WriteString(`<dd style="white-space: pre-wrap">` + string(diffHTML(i18n.EN, c.Diff)) + "</dd>")
		}
		b.WriteString("</dl>")
	}
	if q.Capture != nil {
		fmt.Fprintf(&b, `<p><a href="%s">Archived copy of version %d</a> (captured %s).</p>`,
			template.HTMLEscapeString(base+archivePath(q.ID, e.step.Version)), e.step.Version, e.step.At.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return template.HTML(b.String())
}

// entryID is the id of the entry for a version of a question: a name-based
// UUID (RFC 9562 version 5) of the question id and version, the same
// wherever the version appears.
func entryID(questionID string, version int) string {
	return uuidURN(fmt.Sprintf("version:%s#%d", questionID, version))
}

// uuidNamespace is parlq's namespace for name-based UUIDs: the version 5
// UUID of parlq's project URL in the URL namespace of RFC 9562.
var uuidNamespace = uuidV5([16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}, "https://github.com/parlq/parlq")

// uuidURN is "urn:uuid:…" of the version 5 UUID of name in parlq's namespace.
func uuidURN(name string) string {
	u := uuidV5(uuidNamespace, name)
	h := hex.EncodeToString(u[:])
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// uuidV5 is the name-based (SHA-1) UUID of name in namespace ns.
func uuidV5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}
