package server

import (
	"bufio"
	"fmt"
	"net/http"
	"time"

	"github.com/parlq/parlq/api"
	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/index"
)

// handleExport streams every hit of a query as CSV (RFC 4180, with a header
// row) or JSON Lines (one record per line), in the query's sort order. The
// response starts with the first hit, so a malformed query still gets a 400;
// an error after that aborts the connection, so a truncated export never
// looks complete.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	req, format, err := api.ParseExport(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	bom, err := api.ParseBOM(r.URL.Query(), format == api.CSV)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// The server's write timeout is sized for ordinary requests; an export
	// may stream for as long as its own timeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.ExportTimeout))

	// Which answers were corrected or replaced: one query for the whole
	// export (few questions have any).
	revised, err := history.LoadRevisions(r.Context(), s.cat, nil)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	base := baseURL(r)

	bw := bufio.NewWriterSize(w, 32<<10)
	started := false
	start := func() {
		if started {
			return
		}
		started = true
		h := w.Header()
		h.Set("Content-Type", format.ContentType())
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="parlq-export-%s.%s"`, time.Now().UTC().Format("20060102-150405"), format))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		if bom {
			_, _ = bw.WriteString(api.UTF8BOM)
		}
	}
	enc := api.NewEncoder(format, bw)
	n := 0
	err = s.ix.All(r.Context(), req, func(h index.Hit) error {
		start()
		if err := enc.Encode(&h.Record, api.NewEvidence(&h.Record, revised[h.ID], base)); err != nil {
			return err
		}
		n++
		if n%500 == 0 {
			if err := enc.Flush(); err != nil {
				return err
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			_ = http.NewResponseController(w).Flush()
		}
		return nil
	})
	if err != nil {
		if !started {
			s.writeError(w, r, err)
			return
		}
		s.log.Error("export aborted", "rows", n, "err", err)
		panic(http.ErrAbortHandler)
	}
	start()
	if err := enc.Close(); err == nil {
		err = bw.Flush()
		if err != nil {
			s.log.Debug("export write", "err", err)
		}
	}
	s.log.Debug("export done", "format", format, "rows", n)
}
