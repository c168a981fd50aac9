package server

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/stats"
)

// Person pages live at /people/<source>/<name>: a person is known by the
// name the source prints, within one source, because that is what the
// index selects questions by (the author and addressee filters). The URL
// is stable as long as the source prints the name the same way.

// recentCount is the number of latest questions a person page lists per role.
const recentCount = 10

// personQuestion is one question in a person's list.
type personQuestion struct {
	Link, Title, Lang, Received, Status, StatusLabel string
	// Other is the other side: the minister asked, or the member asking.
	Other, OtherLink string
	Clock            *clockView
}

// personRole is what a person did in one role: asked questions, or was
// asked them.
type personRole struct {
	ID, Heading, Figure string
	Figures             figuresView
	Recent              []personQuestion
	Oldest              []openView
	Search, Stats       string
}

type personView struct {
	Title, Name, Source, Parliament string
	Parties, Roles                  []string
	Now                             string
	Sections                        []personRole
	// Feeds are the Atom feeds of the person's questions.
	Feeds []feedLink
}

func (v personView) feedLinks() []feedLink { return v.Feeds }

// handlePerson is the page of one asker or minister: the questions they
// asked and were asked, with the answer-time figures of each.
func (s *Server) handlePerson(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.Query()) > 0 {
		s.pageError(w, r, &index.QueryError{Field: "query", Msg: "this page takes no parameters"})
		return
	}
	l := langOf(r)
	source, name := r.PathValue("source"), r.PathValue("name")
	view := personView{Title: name + " — parlq", Name: name, Source: source}
	parties, roles := map[string]bool{}, map[string]bool{}
	for _, role := range []struct {
		filter, id, heading, figure string
	}{
		{"addressee", "asked", l.Tf("Questions put to %s", name), l.Tf("How long %s took to answer", name)},
		{"author", "asking", l.Tf("Questions asked by %s", name), l.Tf("How long %s waited for answers", name)},
	} {
		feed := feedLink{l.Tf("Questions by %s", name), personFeedPath("author", name)}
		if role.filter == "addressee" {
			feed = feedLink{l.Tf("Questions to %s", name), personFeedPath("minister", name)}
		}
		filters := map[string][]string{role.filter: {name}, "source": {source}}
		rep, _, err := s.collectStats(r.Context(), index.Request{Filters: filters}, []stats.Dimension{})
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		if rep.Overall.Asked == 0 {
			continue
		}
		res, err := s.search(r.Context(), index.Request{Filters: filters, Sort: "-received", Size: recentCount})
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		pr := personRole{ID: role.id, Heading: role.heading, Figure: role.figure, Figures: newFiguresView(l, rep.Overall)}
		for _, h := range res.Hits {
			q := &h.Record
			if view.Parliament == "" {
				view.Parliament = l.Source(q.Source, q.Parliament)
			}
			pq := personQuestion{Link: questionPath(q.ID), Title: q.Title, Lang: q.Language, Received: q.Received, Status: string(q.Status),
				StatusLabel: orTerm(l.Value("status", string(q.Status)), string(q.Status)), Clock: s.clockOf(q)}
			if pq.Title == "" {
				pq.Title = q.ID
			}
			if role.filter == "author" {
				if q.Author.Party != "" {
					parties[q.Author.Party] = true
				}
				if pq.Other = q.Addressee.Name; pq.Other != "" {
					pq.OtherLink = personPath(q.Source, q.Addressee.Name)
				} else {
					pq.Other = q.Addressee.Body
				}
			} else {
				if q.Addressee.Role != "" {
					roles[q.Addressee.Role] = true
				}
				if q.Addressee.Party != "" {
					parties[q.Addressee.Party] = true
				}
				if pq.Other = q.Author.Name; pq.Other != "" {
					pq.OtherLink = personPath(q.Source, q.Author.Name)
				}
			}
			pr.Recent = append(pr.Recent, pq)
		}
		var open []stats.OpenQuestion
		for _, b := range rep.Backlog {
			open = append(open, b.Oldest...)
		}
		slices.SortStableFunc(open, func(a, b stats.OpenQuestion) int { return b.Days - a.Days })
		pr.Oldest = openViews(open[:min(stats.DefaultBacklog, len(open))])
		v := url.Values{role.filter: {name}, "source": {source}}
		pr.Search = "/?" + v.Encode()
		pr.Stats = "/stats?" + v.Encode()
		view.Sections = append(view.Sections, pr)
		view.Feeds = append(view.Feeds, feed)
	}
	if len(view.Sections) == 0 {
		s.pageError(w, r, fmt.Errorf("no question by or to %q in source %q: %w", name, source, catalog.ErrNotFound))
		return
	}
	view.Parties = slices.Sorted(maps.Keys(parties))
	view.Roles = slices.Sorted(maps.Keys(roles))
	view.Now = s.now().Format(parlq.DateLayout)
	s.render(w, r, http.StatusOK, "person", view)
}
