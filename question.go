// Package parlq holds the domain types of parlq: the parliamentary question
// record that every source produces and every later stage (catalog, index,
// server, export) consumes. Its JSON field names are a public contract.
//
// The pipeline, in one line: a source (parser/<name>) says what to fetch and how
// to read it; the crawler fetches and archives every response to WARC first;
// the parser turns bytes into a Question; the catalog stores a new version only
// when the record changed; the index serves full-text search over the catalog.
package parlq

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Type is the kind of parliamentary question.
type Type string

// Question types. Sources map their own vocabulary onto these.
const (
	WrittenQuestion       Type = "written_question"
	OralQuestion          Type = "oral_question"
	TopicalQuestion       Type = "topical_question"
	Interpellation        Type = "interpellation"
	RequestForExplanation Type = "request_for_explanation"
)

// Valid reports whether t is one of the known types.
func (t Type) Valid() bool {
	switch t {
	case WrittenQuestion, OralQuestion, TopicalQuestion, Interpellation, RequestForExplanation:
		return true
	}
	return false
}

// Status is where a question stands in its procedure.
type Status string

// Question statuses.
const (
	Pending   Status = "pending"
	Answered  Status = "answered"
	Lapsed    Status = "lapsed"
	Withdrawn Status = "withdrawn"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case Pending, Answered, Lapsed, Withdrawn:
		return true
	}
	return false
}

// DateLayout is the layout of every date in a record: "YYYY-MM-DD".
const DateLayout = "2006-01-02"

// Person is an author or an addressee. Party is set for members, Role for
// ministers (the portfolio as printed).
type Person struct {
	Name  string `json:"name"`
	Party string `json:"party,omitempty"`
	Role  string `json:"role,omitempty"`
	// ID is the source's own identifier of the person, when it has one.
	ID string `json:"id,omitempty"`
	// Body is the answering body (department) for an addressee, when the
	// source names one separately from the person (UK).
	Body string `json:"body,omitempty"`
}

// Act is one row of a question's procedure: what happened, when, by whom.
type Act struct {
	Date      string `json:"date,omitempty"`
	Act       string `json:"act"`
	Actor     string `json:"actor,omitempty"`
	Reference string `json:"reference,omitempty"`
	Page      string `json:"page,omitempty"`
	// URL links the reference (a bulletin PDF), when the page gives one.
	URL string `json:"url,omitempty"`
}

// Translation is what a source publishes of a question in another language
// than the record's own: the Brussels index gives Dutch titles and roles,
// the Belgian Chamber every question and answer in French and Dutch.
// Question and Answer follow the record's own: plain text, paragraphs
// separated by "\n"; Answer is the translation of the record's Answer.
// AddresseeRole and AddresseeBody translate the addressee's Role and Body.
type Translation struct {
	Title         string `json:"title,omitempty"`
	AddresseeRole string `json:"addressee_role,omitempty"`
	AddresseeBody string `json:"addressee_body,omitempty"`
	URL           string `json:"url,omitempty"`
	Question      string `json:"question,omitempty"`
	Answer        string `json:"answer,omitempty"`
}

// AnswerKind says what an answer is, in parlq's words; Answer.Label keeps
// the source's own.
type AnswerKind string

// Answer kinds.
const (
	// FinalAnswer is a full (substantive) answer.
	FinalAnswer AnswerKind = "answer"
	// HoldingAnswer says the full answer will follow; the question stays pending.
	HoldingAnswer AnswerKind = "holding"
	// AdditionalAnswer completes an earlier answer.
	AdditionalAnswer AnswerKind = "additional"
	// CorrectedAnswer replaces an earlier answer.
	CorrectedAnswer AnswerKind = "correction"
)

// Valid reports whether k is one of the known kinds.
func (k AnswerKind) Valid() bool {
	switch k {
	case FinalAnswer, HoldingAnswer, AdditionalAnswer, CorrectedAnswer:
		return true
	}
	return false
}

// Answer is one answer a question received, for sources that publish
// several (the Belgian Chamber: up to four). The record's Answer stays the
// latest full answer, so clients that read only it keep working.
type Answer struct {
	Date string     `json:"date,omitempty"`
	Kind AnswerKind `json:"kind"`
	// Label is the kind as the source prints it ("réponse normale").
	Label string `json:"label,omitempty"`
	// Reference and Page locate the answer's publication (a bulletin, a
	// journal issue).
	Reference string `json:"reference,omitempty"`
	Page      string `json:"page,omitempty"`
	// Text is the answer in the record's language; Translations holds it in
	// the other languages the source publishes, by language code.
	Text         string            `json:"text,omitempty"`
	Translations map[string]string `json:"translations,omitempty"`
	// Answerer is who answered, when the source says so per answer.
	Answerer *Person `json:"answerer,omitempty"`
}

// Subject is one subject descriptor of a question (a thesaurus term, a
// heading), with its label in each language the source gives it in.
type Subject struct {
	// Kind is the source's vocabulary: "main", "descriptor", "free",
	// "heading", "analysis"…
	Kind string `json:"kind,omitempty"`
	// Labels by language code: {"fr": "Ville intelligente", "nl": "Slimme stad"}.
	Labels map[string]string `json:"labels"`
}

// Label returns the subject's label in lang, or else in the first of the
// fallbacks it has, or else any label (the smallest language code).
func (s Subject) Label(lang string, fallbacks ...string) string {
	for _, l := range append([]string{lang}, fallbacks...) {
		if v := s.Labels[l]; v != "" {
			return v
		}
	}
	best := ""
	for l, v := range s.Labels {
		if v != "" && (best == "" || l < best) {
			best = l
		}
	}
	return s.Labels[best]
}

// Attachment is a file published with a question or its answer.
type Attachment struct {
	Title string `json:"title,omitempty"`
	URL   string `json:"url"`
	Type  string `json:"type,omitempty"`
}

// Capture points at the archived response a version was parsed from.
type Capture struct {
	// RecordID is the WARC-Record-ID of the response record.
	RecordID string `json:"record_id"`
	// PayloadDigest is the WARC-Payload-Digest ("sha1:BASE32").
	PayloadDigest string `json:"payload_digest,omitempty"`
	// File and Offset locate the record in data/warc/.
	File   string `json:"file,omitempty"`
	Offset int64  `json:"offset,omitempty"`
	// URL is the target URI as fetched.
	URL string `json:"url,omitempty"`
}

// Question is one parliamentary question with everything its page tells.
// Dates are "YYYY-MM-DD" strings; an unknown date is empty (absent in JSON).
type Question struct {
	ID         string `json:"id"`
	Source     string `json:"source"`
	Parliament string `json:"parliament"`
	Assembly   string `json:"assembly"`
	URL        string `json:"url"`
	Language   string `json:"language"`
	Type       Type   `json:"type"`
	Number     string `json:"number,omitempty"`
	Title      string `json:"title"`

	Author    Person `json:"author"`
	Addressee Person `json:"addressee"`
	// Addressees lists every addressee, in the source's order, when the
	// question is put to more than one (a Brussels request for explanation
	// to two ministers); Addressee is the one the page names first. Absent
	// for a question with one addressee.
	Addressees []Person `json:"addressees,omitempty"`

	Legislature string `json:"legislature,omitempty"`
	Session     string `json:"session,omitempty"`

	Received  string `json:"received,omitempty"`
	Published string `json:"published,omitempty"`
	Answered  string `json:"answered,omitempty"`
	// Due is the answer deadline, where the source gives one (the UK date
	// for answer, the Belgian Chamber's délai).
	Due string `json:"due,omitempty"`

	Status   Status `json:"status"`
	Question string `json:"question,omitempty"`
	Answer   string `json:"answer,omitempty"`
	Acts     []Act  `json:"acts,omitempty"`

	// HoldingAnswered is the date of a holding answer (UK): the department
	// said it will answer later. Such a question is still pending.
	HoldingAnswered string `json:"holding_answered,omitempty"`
	// Corrected is the date the answer was last corrected.
	Corrected string `json:"corrected,omitempty"`
	// Related lists the questions the source groups with this one: record
	// ids, or, for a question the catalog does not hold (yet), a readable
	// reference made by RelatedRef ("ukparl/commons/number:40613@2026-03-09")
	// that the catalog turns into the id once that question is stored.
	Related      []string               `json:"related,omitempty"`
	Attachments  []Attachment           `json:"attachments,omitempty"`
	Translations map[string]Translation `json:"translations,omitempty"`
	// Answers lists every answer, oldest first, for sources that publish
	// several; Answer is the latest full one.
	Answers []Answer `json:"answers,omitempty"`
	// Subjects are the source's subject descriptors.
	Subjects []Subject `json:"subjects,omitempty"`

	// Set by the catalog, not by parsers.
	Version       int       `json:"version,omitempty"`
	FetchedAt     time.Time `json:"fetched_at,omitzero"`
	Capture       *Capture  `json:"capture,omitempty"`
	ParserVersion string    `json:"parser_version,omitempty"`
}

// MakeID builds a record id "source/assembly/native" with the assembly in
// lower case, the form that stays stable forever.
func MakeID(source, assembly, native string) string {
	return source + "/" + strings.ToLower(assembly) + "/" + native
}

// relatedMarker starts the last part of a RelatedRef.
const relatedMarker = "number:"

// RelatedRef names a related question by what its source prints of it when
// the source does not give its id: the number and, when known, the date it
// was received ("YYYY-MM-DD"), as "source/assembly/number:N@YYYY-MM-DD"
// (assembly in lower case, as in ids). It reads as a citation and never
// collides with an id.
func RelatedRef(source, assembly, number, received string) string {
	ref := MakeID(source, assembly, relatedMarker+number)
	if received != "" {
		ref += "@" + received
	}
	return ref
}

// ParseRelatedRef reads a reference RelatedRef made; ok is false for an id
// or anything else.
func ParseRelatedRef(s string) (source, assembly, number, received string, ok bool) {
	source, rest, ok1 := strings.Cut(s, "/")
	assembly, rest, ok2 := strings.Cut(rest, "/")
	rest, found := strings.CutPrefix(rest, relatedMarker)
	if !ok1 || !ok2 || !found || source == "" || assembly == "" {
		return "", "", "", "", false
	}
	number, received, _ = strings.Cut(rest, "@")
	if number == "" || strings.Contains(number, "/") {
		return "", "", "", "", false
	}
	return source, assembly, number, received, true
}

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid question")

// Validate checks that the required fields are present, dates are real
// dates, and the status agrees with the answer. It returns all problems found,
// joined, each wrapping ErrInvalid.
func (q *Question) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
	}
	for _, f := range []struct{ name, v string }{
		{"id", q.ID}, {"source", q.Source}, {"assembly", q.Assembly},
		{"url", q.URL}, {"language", q.Language}, {"title", q.Title},
	} {
		if strings.TrimSpace(f.v) == "" {
			bad("%s is empty", f.name)
		}
	}
	if q.ID != "" && q.Source != "" && !strings.HasPrefix(q.ID, q.Source+"/") {
		bad("id %q does not start with source %q", q.ID, q.Source)
	}
	if !q.Type.Valid() {
		bad("unknown type %q", q.Type)
	}
	if !q.Status.Valid() {
		bad("unknown status %q", q.Status)
	}
	dates := []struct{ name, v string }{
		{"received", q.Received}, {"published", q.Published}, {"answered", q.Answered},
		{"holding_answered", q.HoldingAnswered}, {"corrected", q.Corrected}, {"due", q.Due},
	}
	for i, a := range q.Answers {
		dates = append(dates, struct{ name, v string }{fmt.Sprintf("answers[%d].date", i), a.Date})
		if !a.Kind.Valid() {
			bad("answers[%d]: unknown kind %q", i, a.Kind)
		}
	}
	for i, a := range q.Addressees {
		if strings.TrimSpace(a.Name) == "" && strings.TrimSpace(a.Role) == "" {
			bad("addressees[%d] is empty", i)
		}
	}
	for i, s := range q.Subjects {
		if len(s.Labels) == 0 {
			bad("subjects[%d] has no label", i)
		}
	}
	for i, a := range q.Acts {
		dates = append(dates, struct{ name, v string }{fmt.Sprintf("acts[%d].date", i), a.Date})
		if strings.TrimSpace(a.Act) == "" {
			bad("acts[%d].act is empty", i)
		}
	}
	for _, d := range dates {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(DateLayout, d.v); err != nil {
			bad("%s %q is not a date YYYY-MM-DD", d.name, d.v)
		}
	}
	switch q.Status {
	case Answered:
		if q.Answer == "" && q.Answered == "" {
			bad("status answered without an answer or an answer date")
		}
	case Lapsed, Withdrawn:
		if q.Answer != "" {
			bad("status %s with an answer", q.Status)
		}
	case Pending:
		if q.Answer != "" && q.HoldingAnswered == "" {
			bad("status pending with an answer")
		}
	}
	return errors.Join(errs...)
}

// DaysToAnswer is the number of days from reception to answer, or -1 when
// either date is unknown.
func (q *Question) DaysToAnswer() int {
	if q.Received == "" || q.Answered == "" {
		return -1
	}
	r, err1 := time.Parse(DateLayout, q.Received)
	a, err2 := time.Parse(DateLayout, q.Answered)
	if err1 != nil || err2 != nil {
		return -1
	}
	return int(a.Sub(r).Hours() / 24)
}
