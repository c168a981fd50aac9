package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
)

// SearchResponse is the body of GET /api/search and of `parlq search
// --json`: the same shape everywhere.
//
//	{"total": 3, "page": 1, "size": 10, "took_ms": 1.2,
//	 "hits": [{"id": "…", "score": 1.2, "record": {…}, "highlights": {"question": ["… <mark>smart</mark> city …"]}}],
//	 "facets": {"addressee": [{"term": "Alain Maron", "count": 3}]}}
//
// Highlight fragments are HTML: text escaped, matches in <mark>…</mark>
// (re-sanitised by NewSearchResponse, so they are safe to insert as HTML).
type SearchResponse struct {
	Total  uint64                       `json:"total"`
	Page   int                          `json:"page"`
	Size   int                          `json:"size"`
	TookMS float64                      `json:"took_ms"`
	Hits   []index.Hit                  `json:"hits"`
	Facets map[string][]index.FacetTerm `json:"facets,omitempty"`
	// Concepts are the synonym concepts the query named, each as the
	// names searched for it in every language.
	Concepts [][]string `json:"concepts,omitempty"`
}

// NewSearchResponse builds the response for res, with sanitised highlights
// and an empty (not null) hit list when nothing matched.
func NewSearchResponse(res *index.Result) SearchResponse {
	out := SearchResponse{
		Total:    res.Total,
		Page:     res.Page,
		Size:     res.Size,
		TookMS:   float64(res.Took.Microseconds()) / 1000,
		Hits:     make([]index.Hit, 0, len(res.Hits)),
		Facets:   res.Facets,
		Concepts: res.Concepts,
	}
	for _, h := range res.Hits {
		if len(h.Highlights) > 0 {
			hl := make(map[string][]string, len(h.Highlights))
			for field, frags := range h.Highlights {
				clean := make([]string, len(frags))
				for i, f := range frags {
					clean[i] = string(SanitizeHighlight(f))
				}
				hl[field] = clean
			}
			h.Highlights = hl
		}
		out.Hits = append(out.Hits, h)
	}
	return out
}

// WriteSearchJSON writes res as a SearchResponse, indented, to w.
func WriteSearchJSON(w io.Writer, res *index.Result) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(NewSearchResponse(res))
}

// search runs req against the index and records its latency.
func (s *Server) search(ctx context.Context, req index.Request) (*index.Result, error) {
	start := time.Now()
	res, err := s.ix.Search(ctx, req)
	s.metrics.searchDuration.observe(time.Since(start).Seconds())
	return res, err
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	req, err := ParseQuery(r.URL.Query(), s.cfg.MaxResultWindow)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.search(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NewSearchResponse(res))
}

// VersionJSON is one stored version of a question in the API.
type VersionJSON struct {
	Version int            `json:"version"`
	At      time.Time      `json:"at"`
	Changed []string       `json:"changed"`
	Record  parlq.Question `json:"record"`
}

// QuestionResponse is the body of GET /api/questions/{id}: the current
// record and every stored version, oldest first.
type QuestionResponse struct {
	Record   *parlq.Question `json:"record"`
	Versions []VersionJSON   `json:"versions"`
}

// question loads a record and its versions.
func (s *Server) question(ctx context.Context, id string) (*QuestionResponse, error) {
	q, err := s.cat.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.cat.Versions(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &QuestionResponse{Record: q, Versions: make([]VersionJSON, 0, len(vs))}
	for _, v := range vs {
		changed := v.Changed
		if changed == nil {
			changed = []string{}
		}
		out.Versions = append(out.Versions, VersionJSON{Version: v.Version, At: v.At, Changed: changed, Record: v.Record})
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
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	n, err := s.ix.Count()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "documents": n, "harvesting": s.running.Load()})
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
var apiRoutes = map[string]string{"/api/search": "GET", "/api/export": "GET", "/api/harvest": "POST"}

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
