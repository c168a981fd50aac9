package server

import (
	"context"
	"crypto/subtle"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/dataset"
	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/buildinfo"
	"github.com/parlq/parlq/internal/i18n"
)

// search runs req against the index and records its latency.
func (s *Server) search(ctx context.Context, req index.Request) (*index.Result, error) {
	start := time.Now()
	res, err := s.ix.Search(ctx, req)
	s.metrics.searchDuration.observe(time.Since(start).Seconds())
	return res, err
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	req, err := api.ParseSearch(r.URL.Query(), s.cfg.MaxResultWindow)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.search(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Add("Link", fmt.Sprintf(`<%s>; rel="alternate"; type="application/atom+xml"`, searchFeedPath(req)))
	writeJSON(w, http.StatusOK, s.labelled(langOf(r), api.NewSearchResponse(res)))
}

// searchBody is the search response of the HTTP API: api.SearchResponse,
// its facet labels in the request's language, and each hit with the names
// of its coded fields in that language (the codes stay as they are).
type searchBody struct {
	api.SearchResponse
	Hits []hitJSON `json:"hits"`
}

type hitJSON struct {
	api.Hit
	// Labels names the record's coded fields in the request's language:
	// status, type, assembly, source (its parliament), language.
	Labels map[string]string `json:"labels"`
}

// labelled puts a search response in l's words (see searchBody).
func (s *Server) labelled(l i18n.Lang, resp api.SearchResponse) searchBody {
	out := searchBody{SearchResponse: resp, Hits: make([]hitJSON, len(resp.Hits))}
	for i, h := range resp.Hits {
		out.Hits[i] = hitJSON{Hit: h, Labels: recordLabels(l, &h.Record)}
	}
	if len(resp.Facets) > 0 {
		out.Facets = make(map[string][]index.FacetTerm, len(resp.Facets))
		for name, terms := range resp.Facets {
			ts := slices.Clone(terms)
			for j := range ts {
				if name == "source" {
					ts[j].Label = l.Source(ts[j].Term, ts[j].Label)
				} else if n := l.Value(name, ts[j].Term); n != "" {
					ts[j].Label = n
				}
			}
			out.Facets[name] = ts
		}
	}
	return out
}

// recordLabels names the coded fields of q in l.
func recordLabels(l i18n.Lang, q *parlq.Question) map[string]string {
	out := map[string]string{}
	for _, f := range []struct{ field, value string }{
		{"status", string(q.Status)}, {"type", string(q.Type)}, {"assembly", q.Assembly}, {"language", q.Language},
	} {
		if n := l.Value(f.field, f.value); n != "" {
			out[f.field] = n
		}
	}
	if n := l.Source(q.Source, q.Parliament); n != "" {
		out["source"] = n
	}
	return out
}

// VersionJSON is one stored version of a question in the API.
type VersionJSON struct {
	Version int            `json:"version"`
	At      time.Time      `json:"at"`
	Changed []string       `json:"changed"`
	Record  parlq.Question `json:"record"`
	// Kind says what the version means: new, answered, holding_answer,
	// holding_replaced, corrected, withdrawn, lapsed or changed.
	Kind history.Kind `json:"kind"`
	// Changes is the word diff of every changed field against the
	// previous version (empty for the first).
	Changes []history.Change `json:"changes"`
}

// QuestionResponse is the body of GET /api/questions/{id}: the current
// record and every stored version, oldest first.
type QuestionResponse struct {
	Record   *parlq.Question `json:"record"`
	Versions []VersionJSON   `json:"versions"`
	// Revision is the latest correction of the answer, or the replacement
	// of a holding answer by the answer, when there was one.
	Revision *history.Revision `json:"answer_revision,omitempty"`
	// Feed is the Atom feed of what happens to the question.
	Feed string `json:"feed"`
	// Citation cites the current version.
	Citation *Citation `json:"citation,omitempty"`
	// Labels names the record's coded fields in the request's language
	// (see hitJSON).
	Labels map[string]string `json:"labels,omitempty"`

	steps []history.Step
}

// question loads a record, its versions read against each other, and its
// latest answer revision.
func (s *Server) question(ctx context.Context, id string) (*QuestionResponse, error) {
	q, err := s.cat.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.cat.Versions(ctx, id)
	if err != nil {
		return nil, err
	}
	steps := history.Steps(vs)
	out := &QuestionResponse{Record: q, Versions: make([]VersionJSON, 0, len(vs)), Feed: questionFeedPath(id), steps: steps}
	for i, v := range vs {
		changed := v.Changed
		if changed == nil {
			changed = []string{}
		}
		changes := steps[i].Changes
		if changes == nil {
			changes = []history.Change{}
		}
		out.Versions = append(out.Versions, VersionJSON{Version: v.Version, At: v.At, Changed: changed, Record: v.Record, Kind: steps[i].Kind, Changes: changes})
	}
	if r, ok := history.Latest(q, history.Revisions(steps)); ok {
		out.Revision = &r
	}
	return out, nil
}

func (s *Server) handleQuestion(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.Query()) > 0 {
		s.writeError(w, r, &index.QueryError{Field: "query", Msg: "this endpoint takes no parameters"})
		return
	}
	out, err := s.question(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	last := out.steps[len(out.steps)-1]
	c := newCitation(out.Record, last.At, baseURL(r), last.Version)
	out.Citation = &c
	out.Labels = recordLabels(langOf(r), out.Record)
	w.Header().Add("Link", fmt.Sprintf(`<%s>; rel="alternate"; type="application/atom+xml"`, out.Feed))
	writeJSON(w, http.StatusOK, out)
}

// healthJSON is what /healthz answers: "status" is "ok", or "degraded"
// when a source's last run failed, captures are held back as suspect, or
// the source is stale under the server's schedule (dataset.Freshness)
// ("reasons" says which and why, "sources" the state of each: ok, suspect,
// failed, never, and "stale"). A degraded server still serves: the answer stays 200,
// for the process is healthy; monitors read "status".
type healthJSON struct {
	Status     string                          `json:"status"`
	Documents  uint64                          `json:"documents"`
	Harvesting bool                            `json:"harvesting"`
	Reasons    []string                        `json:"reasons,omitempty"`
	Sources    map[string]dataset.SourceHealth `json:"sources"`
	Build      buildinfo.Info                  `json:"build"`
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	n, err := s.ix.Count()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sources, err := dataset.ReadHealth(r.Context(), s.cat, s.now(), s.freshness())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := healthJSON{Status: "ok", Documents: n, Harvesting: s.running.Load(), Sources: sources, Build: buildinfo.Read()}
	for _, name := range slices.Sorted(maps.Keys(sources)) {
		if src := sources[name]; src.Degraded() {
			h.Status = "degraded"
			for _, reason := range src.Reasons {
				h.Reasons = append(h.Reasons, name+": "+reason)
			}
		}
	}
	writeJSON(w, http.StatusOK, h)
}

// handleHarvest starts a harvest for an admin: 202 when started, 409 when
// one runs, 403 for a wrong token, 404 when harvests or the token are not
// configured.
func (s *Server) handleHarvest(w http.ResponseWriter, r *http.Request) {
	if s.cfg.AdminToken == "" || !s.store.CanHarvest() {
		s.writeError(w, r, ErrHarvestDisabled)
		return
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) != 1 {
		s.writeError(w, r, ErrForbidden)
		return
	}
	if err := s.StartHarvest("api"); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "harvest started"})
}

// apiRoutes are the API paths and their methods, to tell 405 from 404.
var apiRoutes = map[string]string{"/api/search": "GET", "/api/export": "GET", "/api/stats": "GET", "/api/harvest": "POST"}

func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) {
	if m, ok := apiRoutes[r.URL.Path]; ok || strings.HasPrefix(r.URL.Path, "/api/questions/") {
		if !ok {
			m = "GET"
		}
		w.Header().Set("Allow", m)
		s.writeError(w, r, errMethod)
		return
	}
	s.writeError(w, r, errNoRoute)
}
