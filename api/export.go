package api

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/history"
	"github.com/parlq/parlq/index"
)

// Format is an export format.
type Format string

// Export formats.
const (
	// CSV is RFC 4180 with a header row (CSVHeader), CRLF line ends.
	CSV Format = "csv"
	// JSONL is JSON Lines: one whole record per line.
	JSONL Format = "jsonl"
)

// UTF8BOM is the byte-order mark that starts a CSV meant for a
// spreadsheet (ParseBOM): Excel reads a CSV as UTF-8 only when it has one.
const UTF8BOM = "\ufeff"

// Valid reports whether f is a known format.
func (f Format) Valid() bool { return f == CSV || f == JSONL }

// ContentType is the media type of an export in f.
func (f Format) ContentType() string {
	if f == JSONL {
		return "application/x-ndjson; charset=utf-8"
	}
	return "text/csv; charset=utf-8; header=present"
}

// CSVHeader is the header row of a CSV export: the record's JSON field
// names, with author and addressee flattened (author_name, author_party…),
// days_to_answer computed, and capture reduced to its WARC record id; then
// the Evidence of the record. The columns after parser_version were added
// later, at the end so that a reader by position keeps working:
// answer_revision… archived_url are the Evidence; assembly_name names the
// assembly ("House of Commons" for commons), subjects holds one subject per
// line (its labels, "fr: … | nl: …"), translations one language per line
// ("nl: title"), answers one answer per line ("date — kind — first words").
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
	"answer_revision", "answer_revised", "captured_at", "archived_url",
	"assembly_name", "due", "author_id", "addressee_id", "subjects", "translations", "answers",
}

// Evidence is what an export adds to a record to use it as evidence: whether
// its answer was corrected or replaced, and when; when the version exported
// was captured, and where its archived copy is. JSON Lines adds the same
// names to each record, when set.
type Evidence struct {
	// AnswerRevision is "corrected" (a published answer changed) or
	// "holding_replaced" (the answer replaced a holding answer), or empty.
	AnswerRevision string `json:"answer_revision,omitempty"`
	// AnswerRevised is the day of that revision, "YYYY-MM-DD".
	AnswerRevised string `json:"answer_revised,omitempty"`
	// CapturedAt is when the archived response the record was read from was
	// fetched (its WARC-Date); zero when the record has no capture.
	CapturedAt time.Time `json:"captured_at,omitzero"`
	// ArchivedURL is the address of that archived copy (absolute when the
	// exporter knows the server's address, else a path on the server).
	ArchivedURL string `json:"archived_url,omitempty"`
}

// CSVRow flattens q and its evidence into the columns of CSVHeader,
// guarded against formula injection (see SafeCell).
func CSVRow(q *parlq.Question, ev Evidence) []string {
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
	fetched := formatTime(q.FetchedAt)
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
		ev.AnswerRevision, ev.AnswerRevised, formatTime(ev.CapturedAt), ev.ArchivedURL,
		index.ValueName("assembly", q.Assembly), q.Due, q.Author.ID, q.Addressee.ID,
		subjectLines(q.Subjects), translationLines(q.Translations), answerLines(q.Answers),
	}
	for i, c := range row {
		row[i] = SafeCell(c)
	}
	return row
}

// formatTime is a time in a CSV cell: RFC 3339 in UTC, empty for zero.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// subjectLines writes one subject per line: its labels by language.
func subjectLines(ss []parlq.Subject) string {
	lines := make([]string, len(ss))
	for i, s := range ss {
		var parts []string
		for _, l := range slices.Sorted(maps.Keys(s.Labels)) {
			parts = append(parts, l+": "+s.Labels[l])
		}
		lines[i] = strings.Join(parts, " | ")
	}
	return strings.Join(lines, "\n")
}

// translationLines writes one translated title per line, by language.
func translationLines(ts map[string]parlq.Translation) string {
	var lines []string
	for _, l := range slices.Sorted(maps.Keys(ts)) {
		if t := ts[l].Title; t != "" {
			lines = append(lines, l+": "+t)
		}
	}
	return strings.Join(lines, "\n")
}

// answerLines writes one answer per line: its date, kind and first words
// (the texts are in answer, and whole in JSON Lines).
func answerLines(as []parlq.Answer) string {
	lines := make([]string, len(as))
	for i, a := range as {
		var parts []string
		for _, p := range []string{a.Date, string(a.Kind), firstWords(a.Text, 80)} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		lines[i] = strings.Join(parts, " — ")
	}
	return strings.Join(lines, "\n")
}

// firstWords cuts text to at most n bytes at a word boundary, with an
// ellipsis, on one line.
func firstWords(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= n {
		return text
	}
	cut := strings.LastIndexByte(text[:n], ' ')
	if cut <= 0 {
		cut = n
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
	}
	return text[:cut] + " …"
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

// Encoder writes records in one export format.
type Encoder interface {
	// Encode writes one record with its evidence.
	Encode(q *parlq.Question, ev Evidence) error
	// Flush writes what is buffered to the underlying writer.
	Flush() error
	// Close writes what an export still needs (the CSV header of an empty
	// export) and flushes; it does not close the underlying writer.
	Close() error
}

// NewEncoder returns an encoder of records in f to w.
func NewEncoder(f Format, w io.Writer) Encoder {
	if f == JSONL {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return jsonlEncoder{enc}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	return &csvEncoder{w: cw}
}

type csvEncoder struct {
	w      *csv.Writer
	header bool
}

func (e *csvEncoder) writeHeader() error {
	if e.header {
		return nil
	}
	e.header = true
	return e.w.Write(CSVHeader)
}

func (e *csvEncoder) Encode(q *parlq.Question, ev Evidence) error {
	if err := e.writeHeader(); err != nil {
		return err
	}
	return e.w.Write(CSVRow(q, ev))
}

func (e *csvEncoder) Flush() error { e.w.Flush(); return e.w.Error() }

func (e *csvEncoder) Close() error {
	if err := e.writeHeader(); err != nil {
		return err
	}
	return e.Flush()
}

type jsonlEncoder struct{ enc *json.Encoder }

// jsonlRecord is a record with its evidence beside its own fields.
type jsonlRecord struct {
	*parlq.Question
	Evidence
}

func (e jsonlEncoder) Encode(q *parlq.Question, ev Evidence) error {
	return e.enc.Encode(jsonlRecord{q, ev})
}
func (e jsonlEncoder) Flush() error { return nil }
func (e jsonlEncoder) Close() error { return nil }

// NewEvidence is the evidence of q as a server at base (scheme://host, or
// "" for a path on the server) shows it: its latest answer revision among
// seen (the revisions parlq saw, history.LoadRevisions) or, failing that,
// the one its record tells of; its capture and archived copy.
func NewEvidence(q *parlq.Question, seen []history.Revision, base string) Evidence {
	var ev Evidence
	if r, ok := history.Latest(q, seen); ok {
		ev.AnswerRevision, ev.AnswerRevised = string(r.Kind), r.Date
	}
	if q.Capture != nil {
		ev.CapturedAt = q.FetchedAt
		ev.ArchivedURL = base + ArchivePath(q.ID, q.Version)
	}
	return ev
}

// ArchivePath is the path, on a parlq server, of the viewer of the archived
// copy of a record's version (0: of its current version).
func ArchivePath(id string, version int) string {
	p := "/archive/" + EscapeID(id)
	if version > 0 {
		p += "?v=" + strconv.Itoa(version)
	}
	return p
}

// EscapeID escapes each path segment of a record id; the slashes between
// them stay.
func EscapeID(id string) string {
	parts := strings.Split(id, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
