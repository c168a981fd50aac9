package server

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
)

// CSVHeader is the header row of a CSV export: the record's JSON field
// names, with author and addressee flattened (author_name, author_party…),
// days_to_answer computed, and capture reduced to its WARC record id.
//
// acts holds one line per act, "date — act — actor — reference — page"
// with empty parts left out; related and attachments hold one id or URL per
// line. JSON Lines keeps every structure as it is.
var CSVHeader = []string{
	"id", "source", "parliament", "assembly", "url", "language", "type", "number", "title",
	"author_name", "author_party", "addressee_name", "addressee_role", "addressee_body",
	"legislature", "session", "received", "published", "answered", "days_to_answer",
	"holding_answered", "corrected", "status", "question", "answer", "acts",
	"related", "attachments", "version", "fetched_at", "capture_record_id", "parser_version",
}

// CSVRow flattens q into the columns of CSVHeader, guarded against formula
// injection (see SafeCell).
func CSVRow(q *parlq.Question) []string {
	acts := make([]string, len(q.Acts))
	for i, a := range q.Acts {
		var parts []string
		for _, p := range []string{a.Date, a.Act, a.Actor, a.Reference, a.Page} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		acts[i] = strings.Join(parts, " — ")
	}
	atts := make([]string, len(q.Attachments))
	for i, a := range q.Attachments {
		atts[i] = a.URL
	}
	days := ""
	if d := q.DaysToAnswer(); d >= 0 {
		days = strconv.Itoa(d)
	}
	version := ""
	if q.Version > 0 {
		version = strconv.Itoa(q.Version)
	}
	fetched := ""
	if !q.FetchedAt.IsZero() {
		fetched = q.FetchedAt.UTC().Format(time.RFC3339)
	}
	capture := ""
	if q.Capture != nil {
		capture = q.Capture.RecordID
	}
	row := []string{
		q.ID, q.Source, q.Parliament, q.Assembly, q.URL, q.Language, string(q.Type), q.Number, q.Title,
		q.Author.Name, q.Author.Party, q.Addressee.Name, q.Addressee.Role, q.Addressee.Body,
		q.Legislature, q.Session, q.Received, q.Published, q.Answered, days,
		q.HoldingAnswered, q.Corrected, string(q.Status), q.Question, q.Answer, strings.Join(acts, "\n"),
		strings.Join(q.Related, "\n"), strings.Join(atts, "\n"), version, fetched, capture, q.ParserVersion,
	}
	for i, c := range row {
		row[i] = SafeCell(c)
	}
	return row
}

// SafeCell defuses a cell a spreadsheet would run as a formula: one that
// starts with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe (the OWASP advice for CSV injection).
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportFormats are the formats of GET /api/export.
var exportFormats = map[string]struct{ contentType, ext string }{
	"csv":   {"text/csv; charset=utf-8; header=present", "csv"},
	"jsonl": {"application/x-ndjson; charset=utf-8", "jsonl"},
}

// handleExport streams every hit of a query as CSV (RFC 4180, with a header
// row) or JSON Lines (one record per line), in the query's sort order. The
// response starts with the first hit, so a malformed query still gets a 400;
// an error after that aborts the connection, so a truncated export never
// looks complete.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	formats := nonEmpty(v["format"])
	format := "csv"
	if len(formats) > 1 {
		s.writeError(w, r, &index.QueryError{Field: "format", Msg: "format given more than once"})
		return
	}
	if len(formats) == 1 {
		format = formats[0]
	}
	fm, ok := exportFormats[format]
	if !ok {
		s.writeError(w, r, &index.QueryError{Field: "format", Msg: fmt.Sprintf("format %q is not csv or jsonl", format)})
		return
	}
	req, err := parseQuery(v, kindExport, index.MaxSize, s.cfg.MaxResultWindow)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// The server's write timeout is sized for ordinary requests; an export
	// may stream for as long as its own timeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.ExportTimeout))

	bw := bufio.NewWriterSize(w, 32<<10)
	started := false
	start := func() {
		if started {
			return
		}
		started = true
		h := w.Header()
		h.Set("Content-Type", fm.contentType)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="parlq-export-%s.%s"`, time.Now().UTC().Format("20060102-150405"), fm.ext))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}
	var enc rowEncoder
	if format == "csv" {
		enc = newCSVEncoder(bw)
	} else {
		enc = newJSONLEncoder(bw)
	}
	n := 0
	err = s.ix.All(r.Context(), req, func(h index.Hit) error {
		start()
		if err := enc.encode(&h.Record); err != nil {
			return err
		}
		n++
		if n%500 == 0 {
			if err := enc.flush(); err != nil {
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
	if err := enc.finish(); err == nil {
		err = bw.Flush()
		if err != nil {
			s.log.Debug("export write", "err", err)
		}
	}
	s.log.Debug("export done", "format", format, "rows", n)
}

// rowEncoder writes records in one export format.
type rowEncoder interface {
	encode(q *parlq.Question) error
	flush() error
	// finish writes what an empty export still needs (the CSV header).
	finish() error
}

type csvEncoder struct {
	w      *csv.Writer
	header bool
}

func newCSVEncoder(w io.Writer) *csvEncoder {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	return &csvEncoder{w: cw}
}

func (e *csvEncoder) writeHeader() error {
	if e.header {
		return nil
	}
	e.header = true
	return e.w.Write(CSVHeader)
}

func (e *csvEncoder) encode(q *parlq.Question) error {
	if err := e.writeHeader(); err != nil {
		return err
	}
	return e.w.Write(CSVRow(q))
}

func (e *csvEncoder) flush() error { e.w.Flush(); return e.w.Error() }

func (e *csvEncoder) finish() error {
	if err := e.writeHeader(); err != nil {
		return err
	}
	return e.flush()
}

type jsonlEncoder struct{ enc *json.Encoder }

func newJSONLEncoder(w io.Writer) *jsonlEncoder { return &jsonlEncoder{enc: json.NewEncoder(w)} }

func (e *jsonlEncoder) encode(q *parlq.Question) error { return e.enc.Encode(q) }
func (e *jsonlEncoder) flush() error                   { return nil }
func (e *jsonlEncoder) finish() error                  { return nil }
