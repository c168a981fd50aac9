// Package ukparltest is a stand-in for the UK Parliament written-questions
// API on loopback, beside the parser it feeds: the list endpoint with the
// filters parlq's ukparl source uses, the detail endpoint, robots.txt, a
// request log and switchable faults (crawlertest.Host). Questions are loaded
// from the real list responses in the shared fixtures (LoadList) or
// generated in their shape (Generate).
package ukparltest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/parlq/parlq/crawler/crawlertest"
)

// Addresses of the real API.
const (
	// CanonicalBase is the live API's base URL.
	CanonicalBase = "https://questions-statements-api.parliament.uk"
	// ListPath is the list endpoint; a question is ListPath + "/" + id.
	ListPath = "/api/writtenquestions/questions"
)

// Targets of the API's own paths, for faults and the log (with
// crawlertest.TargetRobots, TargetOther and TargetAll).
const (
	// TargetList is any request to the list endpoint.
	TargetList crawlertest.Target = "list"
)

// QuestionTarget is the target of a question's detail endpoint.
func QuestionTarget(id int64) crawlertest.Target {
	return crawlertest.Target("question/" + strconv.FormatInt(id, 10))
}

// List truncation of the real API: questionText is cut at 255 characters,
// answerText at 255 characters followed by "...".
const (
	ukQuestionCut = 255
	ukAnswerCut   = 255
)

// DefaultTake is the page size of a list request without take.
const DefaultTake = 20

// Member is a member of either House as the API describes it with
// expandMember=true. A member without a Name is given by id only.
type Member struct {
	ID                int
	ListAs, Name      string
	Party             string
	PartyColour       string
	PartyAbbreviation string
	MemberFrom        string
	// Thumbnail is the photo's URL; empty means the members API's own.
	Thumbnail string
}

// Grouped is a question grouped with another for answer.
type Grouped struct {
	UIN    string
	Tabled time.Time
}

// Attachment is a file published with an answer.
type Attachment struct {
	URL, Title, FileType string
	Size                 int
}

// Question is one written question as the API has it. Dates are days
// (UTC midnight); a zero date is null in the API.
type Question struct {
	// ID is the API's key, also the detail endpoint's path segment.
	ID int64
	// House is "Commons" or "Lords".
	House             string
	UIN               string
	Tabled, ForAnswer time.Time
	Heading           string
	// Text is the complete question text (the list cuts it).
	Text              string
	Asking            Member
	MemberHasInterest bool
	BodyID            int
	Body              string
	NamedDay          bool
	Withdrawn         bool
	// Answering is the minister who answered (or gave the holding answer).
	Answering *Member
	// Answered is dateAnswered: the answer's date, or the holding answer's
	// while Holding.
	Answered time.Time
	// Answer is the complete answer as plain text, paragraphs separated by
	// "\n"; the detail endpoint serves it as HTML, the list as cut text.
	Answer      string
	Holding     bool
	HoldingDate time.Time
	// Corrected is the date the answer was corrected, by Correcting.
	Corrected   time.Time
	Correcting  *Member
	Grouped     []Grouped
	Attachments []Attachment
}

// hasAnswer says whether the API shows an answer (final or holding).
func (q *Question) hasAnswer() bool { return !q.Answered.IsZero() || q.Answer != "" }

// Options configure a Site.
type Options struct {
	Questions []Question
	// Robots is the robots.txt body, default DefaultRobots.
	Robots string
}

// Site is a running replay of the UK written-questions API. Its methods
// are safe for concurrent use.
type Site struct {
	*crawlertest.Host

	mu sync.Mutex

	qs     map[int64]*Question
	order  []int64 // insertion order
	sorted []int64 // list order; nil when a question changed
}

// New starts a UK API replay on loopback. Close it when done.
func New(opts Options) *Site {
	s := &Site{qs: map[int64]*Question{}}
	for _, q := range opts.Questions {
		s.setLocked(q)
	}
	// The host serves from here on: its handler reads s.Host under s.mu,
	// so that the assignment happens before any request is handled.
	s.mu.Lock()
	s.Host = crawlertest.NewHost(opts.Robots, s.serve)
	s.mu.Unlock()
	return s
}

// SetQuestion adds a question or replaces the one with its ID (see
// Answer, Hold, Correct, Withdraw for the changes between harvests).
func (s *Site) SetQuestion(q Question) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLocked(q)
}

func (s *Site) setLocked(q Question) {
	if _, ok := s.qs[q.ID]; !ok {
		s.order = append(s.order, q.ID)
	}
	s.qs[q.ID] = &q
	s.sorted = nil
}

// Question returns a question as the site has it.
func (s *Site) Question(id int64) (Question, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.qs[id]
	if !ok {
		return Question{}, false
	}
	return *q, true
}

// Questions returns every question, in the order they were added.
func (s *Site) Questions() []Question {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Question, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, *s.qs[id])
	}
	return out
}

// Match returns how many questions a list request with this query string
// (e.g. "tabledWhenFrom=2021-02-01&tabledWhenTo=2021-02-01&house=Bicameral")
// matches, and its take: what a test needs to know the pages a window has.
func (s *Site) Match(rawQuery string) (total, take int, err error) {
	f, err := parseUKFilter(rawQuery)
	if err != nil {
		return 0, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.order {
		if f.match(s.qs[id]) {
			total++
		}
	}
	return total, f.take, nil
}

// ukFilter is a parsed list request.
type ukFilter struct {
	from, to   [3]time.Time // tabled, answered, corrected; zero: open
	house      string       // "" for both
	status     string       // "", "answered", "unanswered"
	expand     bool
	withdrawn  bool // includeWithdrawn: the API leaves withdrawn questions out otherwise
	skip, take int
}

// ukFilterDates are the date filters, in ukFilter.from/to order.
var ukFilterDates = []string{"tabledwhen", "answeredwhen", "correctedwhen"}

// parseUKFilter reads a list query string. Parameter names are matched
// without regard to case, as the real API does; unknown ones are ignored.
// Withdrawn questions are listed only with includeWithdrawn=true, as the
// real API does.
func parseUKFilter(rawQuery string) (ukFilter, error) {
	f := ukFilter{take: DefaultTake}
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err := errors.Join(err1, err2); err != nil {
			return f, fmt.Errorf("query %q: %w", part, err)
		}
		key = strings.ToLower(key)
		switch key {
		case "house":
			switch strings.ToLower(val) {
			case "", "bicameral":
				f.house = ""
			case "commons":
				f.house = "Commons"
			case "lords":
				f.house = "Lords"
			default:
				return f, fmt.Errorf("house: %q is not Bicameral, Commons or Lords", val)
			}
		case "questionstatus":
			switch strings.ToLower(val) {
			case "", "allquestions":
				f.status = ""
			case "answeredonly":
				f.status = "answered"
			case "notanswered":
				f.status = "unanswered"
			default:
				return f, fmt.Errorf("questionStatus: %q is not AllQuestions, AnsweredOnly or NotAnswered", val)
			}
		case "expandmember", "includewithdrawn":
			b, err := strconv.ParseBool(val)
			if err != nil {
				return f, fmt.Errorf("%s: %q is not a boolean", k, val)
			}
			if key == "expandmember" {
				f.expand = b
			} else {
				f.withdrawn = b
			}
		case "skip", "take":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || (key == "take" && n == 0) {
				return f, fmt.Errorf("%s: %q is not a valid count", key, val)
			}
			if key == "skip" {
				f.skip = n
			} else {
				f.take = n
			}
		default:
			for i, name := range ukFilterDates {
				var dst *time.Time
				switch key {
				case name + "from":
					dst = &f.from[i]
				case name + "to":
					dst = &f.to[i]
				default:
					continue
				}
				d, err := parseUKDate(val)
				if err != nil {
					return f, fmt.Errorf("%s: %w", k, err)
				}
				*dst = d
			}
		}
	}
	return f, nil
}

// parseUKDate reads "2006-01-02" or "2006-01-02T15:04:05" as a day.
func parseUKDate(v string) (time.Time, error) {
	if len(v) > 10 && v[10] == 'T' {
		v = v[:10]
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date", v)
	}
	return t, nil
}

// match says whether a question passes the filters (paging aside).
func (f *ukFilter) match(q *Question) bool {
	if f.house != "" && q.House != f.house {
		return false
	}
	if q.Withdrawn && !f.withdrawn {
		return false
	}
	answered := !q.Answered.IsZero() && !q.Holding
	switch f.status {
	case "answered":
		if !answered {
			return false
		}
	case "unanswered":
		if answered {
			return false
		}
	}
	for i, d := range []time.Time{q.Tabled, q.Answered, q.Corrected} {
		if f.from[i].IsZero() && f.to[i].IsZero() {
			continue
		}
		if d.IsZero() || (!f.from[i].IsZero() && d.Before(f.from[i])) || (!f.to[i].IsZero() && d.After(f.to[i])) {
			return false
		}
	}
	return true
}

// listOrder returns the ids in list order: latest tabled first, then in the
// order the questions were added.
func (s *Site) listOrder() []int64 {
	if s.sorted == nil {
		s.sorted = slices.Clone(s.order)
		slices.SortStableFunc(s.sorted, func(a, b int64) int {
			return s.qs[b].Tabled.Compare(s.qs[a].Tabled)
		})
	}
	return s.sorted
}

// list renders a list response.
func (s *Site) list(rawQuery string) (int, []byte) {
	return s.listPage(rawQuery, false)
}

// listPage renders a list response; shrunk keeps the total but delivers
// only a quarter of the page's results (the Shrunk fault).
func (s *Site) listPage(rawQuery string, shrunk bool) (int, []byte) {
	f, err := parseUKFilter(rawQuery)
	if err != nil {
		return http.StatusBadRequest, ukProblem(http.StatusBadRequest, "One or more validation errors occurred.", err.Error())
	}
	s.mu.Lock()
	var page []Question
	total := 0
	for _, id := range s.listOrder() {
		q := s.qs[id]
		if !f.match(q) {
			continue
		}
		if total >= f.skip && total < f.skip+f.take {
			page = append(page, *q)
		}
		total++
	}
	s.mu.Unlock()
	type result struct {
		Value *ukValue `json:"value"`
		Links []ukLink `json:"links"`
	}
	out := struct {
		TotalResults int      `json:"totalResults"`
		Results      []result `json:"results"`
	}{TotalResults: total, Results: make([]result, 0, len(page))}
	if shrunk {
		page = page[:len(page)/4]
	}
	for i := range page {
		out.Results = append(out.Results, result{Value: page[i].value(f.expand, false), Links: page[i].listLinks()})
	}
	return http.StatusOK, ukJSON(out)
}

// detail renders a question's detail response.
func (s *Site) detail(id int64, rawQuery string) (int, []byte) {
	return s.detailOf(id, rawQuery, false)
}

// detailOf renders a question's detail response; degraded blanks its texts
// (questionText "", answerText and the answer flags null: the Degraded
// fault, a 200 that would lose the question's text and answer).
func (s *Site) detailOf(id int64, rawQuery string, degraded bool) (int, []byte) {
	expand := false
	for _, part := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		if strings.EqualFold(k, "expandMember") {
			expand, _ = strconv.ParseBool(v)
		}
	}
	s.mu.Lock()
	q, ok := s.qs[id]
	var c Question
	if ok {
		c = *q
	}
	s.mu.Unlock()
	if !ok {
		return http.StatusNotFound, ukProblem(http.StatusNotFound, "Not Found", fmt.Sprintf("no written question with id %d", id))
	}
	v := c.value(expand, true)
	if degraded {
		v.QuestionText, v.AnswerText, v.AnswerIsHolding, v.AnswerIsCorrection = "", nil, nil, nil
	}
	return http.StatusOK, ukJSON(struct {
		Value *ukValue `json:"value"`
		Links []ukLink `json:"links"`
	}{v, c.links()})
}

// target names what a request asks for; id is set for a question.
func (s *Site) target(path string) (crawlertest.Target, int64) {
	switch {
	case path == "/robots.txt":
		return crawlertest.TargetRobots, 0
	case strings.EqualFold(strings.TrimRight(path, "/"), ListPath):
		return TargetList, 0
	case len(path) > len(ListPath)+1 && strings.EqualFold(path[:len(ListPath)+1], ListPath+"/"):
		rest := path[len(ListPath)+1:]
		if day, uin, ok := strings.Cut(rest, "/"); ok {
			// /{date}/{uin}, the other address of a question.
			if id := s.byDateUIN(day, uin); id != 0 {
				return QuestionTarget(id), id
			}
			return crawlertest.TargetOther, 0
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			return crawlertest.TargetOther, 0
		}
		return QuestionTarget(id), id
	}
	return crawlertest.TargetOther, 0
}

// byDateUIN returns the id of the question tabled on day with uin, or 0.
func (s *Site) byDateUIN(day, uin string) int64 {
	d, err := parseUKDate(day)
	if err != nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.order {
		if q := s.qs[id]; q.Tabled.Equal(d) && strings.EqualFold(q.UIN, uin) {
			return id
		}
	}
	return 0
}

func (s *Site) serve(rw http.ResponseWriter, r *http.Request) {
	var (
		t  crawlertest.Target
		id int64
	)
	s.mu.Lock()
	host := s.Host
	s.mu.Unlock()
	ex := host.Begin(rw, r, func() crawlertest.Target {
		t, id = s.target(r.URL.Path)
		return t
	})
	defer ex.Done()
	w, f, robots := ex.W, ex.Fault, ex.Robots

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeUKJSON(w, http.StatusMethodNotAllowed, ukProblem(http.StatusMethodNotAllowed, "Method Not Allowed", ""))
		return
	}
	ct := "application/json; charset=utf-8"
	var code int
	var body []byte
	switch {
	case t == crawlertest.TargetRobots:
		ct, code, body = "text/plain; charset=utf-8", http.StatusOK, []byte(robots)
	case t == TargetList:
		code, body = s.list(r.URL.RawQuery)
	case id != 0:
		code, body = s.detail(id, r.URL.RawQuery)
	default:
		code, body = http.StatusNotFound, ukProblem(http.StatusNotFound, "Not Found", "")
	}
	if f != nil {
		sp := spoil(body)
		switch {
		case t == TargetList:
			_, sp.Shrunk = s.listPage(r.URL.RawQuery, true)
		case id != 0 && code == http.StatusOK:
			_, sp.Degraded = s.detailOf(id, r.URL.RawQuery, true)
			sp.CutAt = midText(body)
		}
		if host.Misbehave(w, r, f, sp) {
			return
		}
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

// spoil is what a fault spoils: the API's answer body, its error document
// served with 200, and the answer wrapped in an unknown envelope.
func spoil(body []byte) crawlertest.Spoil {
	return crawlertest.Spoil{
		ContentType: "application/json; charset=utf-8",
		Body:        body,
		SoftError:   ukProblem(http.StatusInternalServerError, "An error occurred while processing your request.", ""),
		Layout:      append(append([]byte(`{"data":`), bytes.TrimSpace(body)...), '}'),
		NotFound:    ukProblem(http.StatusNotFound, "Not Found", ""),
	}
}

// midText is an offset in the middle of a detail body's answer text, or of
// its question text when it has no answer: where the Cut fault cuts.
func midText(body []byte) int {
	for _, key := range []string{`"answerText":"`, `"questionText":"`} {
		if i := bytes.Index(body, []byte(key)); i >= 0 {
			start := i + len(key)
			if end := bytes.Index(body[start:], []byte(`","`)); end > 1 {
				return start + end/2
			}
		}
	}
	return len(body) / 2
}

func writeUKJSON(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

// ukProblem is the API's error body (RFC 7807 problem details).
func ukProblem(code int, title, detail string) []byte {
	p := map[string]any{"type": "https://tools.ietf.org/html/rfc7231", "title": title, "status": code}
	if detail != "" {
		p["detail"] = detail
	}
	return ukJSON(p)
}

func ukJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // the replay's own types always encode
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// The API's JSON shapes, members in the API's order.
type (
	ukValue struct {
		ID                    int64          `json:"id"`
		AskingMemberID        *int           `json:"askingMemberId"`
		AskingMember          *ukMemberJSON  `json:"askingMember"`
		House                 string         `json:"house"`
		MemberHasInterest     bool           `json:"memberHasInterest"`
		DateTabled            *string        `json:"dateTabled"`
		DateForAnswer         *string        `json:"dateForAnswer"`
		UIN                   string         `json:"uin"`
		QuestionText          string         `json:"questionText"`
		AnsweringBodyID       int            `json:"answeringBodyId"`
		AnsweringBodyName     string         `json:"answeringBodyName"`
		IsWithdrawn           bool           `json:"isWithdrawn"`
		IsNamedDay            bool           `json:"isNamedDay"`
		GroupedQuestions      []string       `json:"groupedQuestions"`
		AnswerIsHolding       *bool          `json:"answerIsHolding"`
		AnswerIsCorrection    *bool          `json:"answerIsCorrection"`
		AnsweringMemberID     *int           `json:"answeringMemberId"`
		AnsweringMember       *ukMemberJSON  `json:"answeringMember"`
		CorrectingMemberID    *int           `json:"correctingMemberId"`
		CorrectingMember      *ukMemberJSON  `json:"correctingMember"`
		DateAnswered          *string        `json:"dateAnswered"`
		AnswerText            *string        `json:"answerText"`
		OriginalAnswerText    string         `json:"originalAnswerText"`
		ComparableAnswerText  string         `json:"comparableAnswerText"`
		DateAnswerCorrected   *string        `json:"dateAnswerCorrected"`
		DateHoldingAnswer     *string        `json:"dateHoldingAnswer"`
		AttachmentCount       int            `json:"attachmentCount"`
		Heading               string         `json:"heading"`
		Attachments           []ukAttachJSON `json:"attachments"`
		GroupedQuestionsDates []ukGroupJSON  `json:"groupedQuestionsDates"`
	}
	ukMemberJSON struct {
		ID                int     `json:"id"`
		ListAs            string  `json:"listAs"`
		Name              string  `json:"name"`
		Party             string  `json:"party"`
		PartyColour       *string `json:"partyColour"`
		PartyAbbreviation *string `json:"partyAbbreviation"`
		MemberFrom        string  `json:"memberFrom"`
		ThumbnailURL      string  `json:"thumbnailUrl"`
	}
	ukAttachJSON struct {
		URL           string `json:"url"`
		Title         string `json:"title"`
		FileType      string `json:"fileType"`
		FileSizeBytes int    `json:"fileSizeBytes"`
	}
	ukGroupJSON struct {
		QuestionUIN string  `json:"questionUin"`
		DateTabled  *string `json:"dateTabled"`
	}
	ukLink struct {
		Rel    string `json:"rel"`
		Href   string `json:"href"`
		Method string `json:"method"`
	}
)

// listLinks are a list result's links. Like the real ones, their hrefs are
// not the question's id.
func (q *Question) listLinks() []ukLink {
	return []ukLink{{Rel: "self", Href: "/Questions/" + strconv.FormatInt(q.ID+710558, 10), Method: "GET"}}
}

// links are a detail response's links: the question's date and uin, as in
// the real detail responses.
func (q *Question) links() []ukLink {
	return []ukLink{{Rel: "self", Href: "/Questions/" + q.Tabled.UTC().Format("2006-01-02") + "/" + q.UIN, Method: "GET"}}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ukDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format("2006-01-02") + "T00:00:00"
	return &s
}

func (m *Member) json(expand bool) (*int, *ukMemberJSON) {
	if m == nil || m.ID == 0 {
		return nil, nil
	}
	id := m.ID
	if !expand || m.Name == "" {
		return &id, nil
	}
	thumb := m.Thumbnail
	if thumb == "" {
		thumb = fmt.Sprintf("https://members-api.parliament.uk/api/Members/%d/Thumbnail", m.ID)
	}
	// Members without a party colour (non-affiliated) have nulls there.
	return &id, &ukMemberJSON{
		ID: m.ID, ListAs: m.ListAs, Name: m.Name, Party: m.Party, PartyColour: nonEmpty(m.PartyColour),
		PartyAbbreviation: nonEmpty(m.PartyAbbreviation), MemberFrom: m.MemberFrom, ThumbnailURL: thumb,
	}
}

// value renders the question's value object: complete texts (the answer as
// HTML) for the detail endpoint, cut ones for the list.
func (q *Question) value(expand, full bool) *ukValue {
	v := &ukValue{
		ID: q.ID, House: q.House, MemberHasInterest: q.MemberHasInterest,
		DateTabled: ukDate(q.Tabled), DateForAnswer: ukDate(q.ForAnswer), UIN: q.UIN,
		QuestionText: q.Text, AnsweringBodyID: q.BodyID, AnsweringBodyName: q.Body,
		IsWithdrawn: q.Withdrawn, IsNamedDay: q.NamedDay, GroupedQuestions: []string{},
		DateAnswered: ukDate(q.Answered), DateAnswerCorrected: ukDate(q.Corrected),
		DateHoldingAnswer: ukDate(q.HoldingDate), Heading: q.Heading,
		Attachments: []ukAttachJSON{}, GroupedQuestionsDates: []ukGroupJSON{},
	}
	v.AskingMemberID, v.AskingMember = q.Asking.json(expand)
	v.AnsweringMemberID, v.AnsweringMember = q.Answering.json(expand)
	v.CorrectingMemberID, v.CorrectingMember = q.Correcting.json(expand)
	if q.hasAnswer() {
		holding, corrected := q.Holding, !q.Corrected.IsZero()
		v.AnswerIsHolding, v.AnswerIsCorrection = &holding, &corrected
		text := ""
		if full {
			text = ukAnswerHTML(q.Answer)
		} else {
			text = cutRunes(strings.ReplaceAll(q.Answer, "\n", " "), ukAnswerCut, "...")
		}
		v.AnswerText = &text
	}
	if !full {
		v.QuestionText = cutRunes(q.Text, ukQuestionCut, "")
	}
	for _, g := range q.Grouped {
		v.GroupedQuestions = append(v.GroupedQuestions, g.UIN)
		v.GroupedQuestionsDates = append(v.GroupedQuestionsDates, ukGroupJSON{QuestionUIN: g.UIN, DateTabled: ukDate(g.Tabled)})
	}
	for _, a := range q.Attachments {
		v.Attachments = append(v.Attachments, ukAttachJSON{URL: a.URL, Title: a.Title, FileType: a.FileType, FileSizeBytes: a.Size})
	}
	v.AttachmentCount = len(q.Attachments)
	return v
}

// cutRunes cuts s after n characters and appends tail, when s is longer.
func cutRunes(s string, n int, tail string) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + tail
		}
		i++
	}
	return s
}

// ukAnswerHTML is the detail endpoint's answer markup: a paragraph each,
// and lines holding tabs as the rows of a table, every cell's text in a
// <p> as the API writes them.
func ukAnswerHTML(text string) string {
	if text == "" {
		return ""
	}
	var b strings.Builder
	inTable := false
	for _, p := range strings.Split(text, "\n") {
		if !strings.Contains(p, "\t") {
			if inTable {
				b.WriteString("</tbody></table>")
				inTable = false
			}
			b.WriteString("<p>")
			b.WriteString(html.EscapeString(p))
			b.WriteString("</p>")
			continue
		}
		if !inTable {
			b.WriteString("<table><tbody>")
			inTable = true
		}
		b.WriteString("<tr>")
		for _, c := range strings.Split(p, "\t") {
			b.WriteString("<td><p>")
			b.WriteString(html.EscapeString(c))
			b.WriteString("</p></td>")
		}
		b.WriteString("</tr>")
	}
	if inTable {
		b.WriteString("</tbody></table>")
	}
	return b.String()
}

// Answer returns q with its final answer, given on the given date (a
// holding answer it had keeps its date).
func Answer(q Question, on time.Time, text string) Question {
	q.Holding = false
	q.Answered = ukDay(on)
	q.Answer = text
	if q.Answering == nil {
		q.Answering = ukMinister(q)
	}
	return q
}

// Hold returns q with a holding answer given on the given date: the
// department says it will answer later.
func Hold(q Question, on time.Time) Question {
	q.Holding = true
	q.HoldingDate = ukDay(on)
	q.Answered = q.HoldingDate
	q.Answer = ukHoldingText(q.Body)
	if q.Answering == nil {
		q.Answering = ukMinister(q)
	}
	return q
}

// Correct returns q with its answer corrected on the given date.
func Correct(q Question, on time.Time, text string) Question {
	q.Corrected = ukDay(on)
	q.Answer = text
	if q.Answering == nil {
		q.Answering = ukMinister(q)
	}
	q.Correcting = q.Answering
	return q
}

// Withdraw returns q withdrawn by its member.
func Withdraw(q Question) Question {
	q.Withdrawn = true
	return q
}

func ukHoldingText(body string) string {
	if body == "" {
		body = "The Department"
	}
	return body + " has indicated that it will not be possible to answer this question within the usual time period. An answer is being prepared and will be provided as soon as it is available."
}

func ukDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FixtureDay is the saved list of the 520 questions of both Houses tabled
// on 2021-02-01, in the UK fixtures directory.
const FixtureDay = "clquestions_fetch_questions_get.body.json"

// Completion is what LoadList appends to a text the saved list cut, so
// that the detail endpoint has a complete text and the list, cutting it
// again, serves exactly the saved one.
const Completion = " [The rest of this text is not in the saved list response; the replay completes it with this sentence.]"

// LoadList reads a saved list response (the {"totalResults", "results"}
// envelope or a bare array of results) into questions. Texts the list cut
// (a question of 255 characters, an answer of 255 followed by "...") are
// completed with Completion; answers are read as plain text.
func LoadList(path string) ([]Question, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("uk list: %w", err)
	}
	type result struct {
		Value *ukValue `json:"value"`
	}
	var results []result
	if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '[' {
		err = json.Unmarshal(b, &results)
	} else {
		var env struct {
			Results []result `json:"results"`
		}
		err = json.Unmarshal(b, &env)
		results = env.Results
	}
	if err != nil {
		return nil, fmt.Errorf("uk list %s: %w", path, err)
	}
	out := make([]Question, 0, len(results))
	for i, r := range results {
		if r.Value == nil {
			return nil, fmt.Errorf("uk list %s: result %d has no value", path, i)
		}
		q, err := r.Value.question()
		if err != nil {
			return nil, fmt.Errorf("uk list %s: result %d: %w", path, i, err)
		}
		out = append(out, q)
	}
	return out, nil
}

// question reads a list value back into a question.
func (v *ukValue) question() (Question, error) {
	date := func(s *string) (time.Time, error) {
		if s == nil {
			return time.Time{}, nil
		}
		return parseUKDate(*s)
	}
	member := func(id *int, m *ukMemberJSON) *Member {
		switch {
		case m != nil:
			return &Member{ID: m.ID, ListAs: m.ListAs, Name: m.Name, Party: m.Party, PartyColour: deref(m.PartyColour),
				PartyAbbreviation: deref(m.PartyAbbreviation), MemberFrom: m.MemberFrom, Thumbnail: m.ThumbnailURL}
		case id != nil:
			return &Member{ID: *id}
		}
		return nil
	}
	q := Question{
		ID: v.ID, House: v.House, UIN: v.UIN, Heading: v.Heading, Text: v.QuestionText,
		MemberHasInterest: v.MemberHasInterest, BodyID: v.AnsweringBodyID, Body: v.AnsweringBodyName,
		NamedDay: v.IsNamedDay, Withdrawn: v.IsWithdrawn,
		Answering:  member(v.AnsweringMemberID, v.AnsweringMember),
		Correcting: member(v.CorrectingMemberID, v.CorrectingMember),
		Holding:    v.AnswerIsHolding != nil && *v.AnswerIsHolding,
	}
	if a := member(v.AskingMemberID, v.AskingMember); a != nil {
		q.Asking = *a
	}
	var errs []error
	for _, d := range []struct {
		dst *time.Time
		src *string
	}{{&q.Tabled, v.DateTabled}, {&q.ForAnswer, v.DateForAnswer}, {&q.Answered, v.DateAnswered},
		{&q.HoldingDate, v.DateHoldingAnswer}, {&q.Corrected, v.DateAnswerCorrected}} {
		t, err := date(d.src)
		errs = append(errs, err)
		*d.dst = t
	}
	if err := errors.Join(errs...); err != nil {
		return q, err
	}
	if utf8.RuneCountInString(q.Text) == ukQuestionCut {
		q.Text += Completion
	}
	if v.AnswerText != nil {
		q.Answer = *v.AnswerText
		if utf8.RuneCountInString(q.Answer) == ukAnswerCut+3 && strings.HasSuffix(q.Answer, "...") {
			q.Answer = strings.TrimSuffix(q.Answer, "...") + Completion
		}
	}
	for _, g := range v.GroupedQuestionsDates {
		t, err := date(g.DateTabled)
		if err != nil {
			return q, err
		}
		q.Grouped = append(q.Grouped, Grouped{UIN: g.QuestionUIN, Tabled: t})
	}
	for _, uin := range v.GroupedQuestions {
		if !slices.ContainsFunc(q.Grouped, func(g Grouped) bool { return g.UIN == uin }) {
			q.Grouped = append(q.Grouped, Grouped{UIN: uin})
		}
	}
	for _, a := range v.Attachments {
		q.Attachments = append(q.Attachments, Attachment{URL: a.URL, Title: a.Title, FileType: a.FileType, Size: a.FileSizeBytes})
	}
	return q, nil
}

// ukDepartment is an answering body with the way questions address it.
type ukDepartment struct {
	id              int
	name, secretary string
}

var ukDepartments = []ukDepartment{
	{17, "Department of Health and Social Care", "Secretary of State for Health and Social Care"},
	{208, "Foreign, Commonwealth and Development Office", "Secretary of State for Foreign, Commonwealth and Development Affairs"},
	{201, "Department for Business and Trade", "Secretary of State for Business and Trade"},
	{14, "HM Treasury", "Chancellor of the Exchequer"},
	{1, "Home Office", "Secretary of State for the Home Department"},
	{60, "Department for Education", "Secretary of State for Education"},
	{7, "Ministry of Housing, Communities and Local Government", "Secretary of State for Housing, Communities and Local Government"},
	{53, "Cabinet Office", "Minister for the Cabinet Office"},
	{10, "Department for Culture, Media and Sport", "Secretary of State for Culture, Media and Sport"},
	{11, "Ministry of Defence", "Secretary of State for Defence"},
	{29, "Department for Work and Pensions", "Secretary of State for Work and Pensions"},
	{13, "Department for Environment, Food and Rural Affairs", "Secretary of State for Environment, Food and Rural Affairs"},
	{27, "Department for Transport", "Secretary of State for Transport"},
	{54, "Ministry of Justice", "Secretary of State for Justice"},
	{216, "Department for Science, Innovation and Technology", "Secretary of State for Science, Innovation and Technology"},
	{202, "Department for Energy Security and Net Zero", "Secretary of State for Energy Security and Net Zero"},
}

// ukTopics are headings with what a question asks about them. The first is
// the smart-city topic a cross-legislature search looks for.
var ukTopics = []struct{ heading, subject string }{
	{"Smart Cities: Data Protection", "the use of smart city sensors and the personal data they collect in local authorities"},
	{"Housing: Energy Efficiency", "the energy efficiency of social housing built since 2015"},
	{"Cycling: Infrastructure", "funding for protected cycle lanes in towns outside London"},
	{"Air Pollution: Schools", "levels of nitrogen dioxide near primary schools"},
	{"Broadband: Rural Areas", "the rollout of gigabit broadband to rural premises"},
	{"Hospitals: Waiting Lists", "the number of patients waiting more than 18 weeks for planned treatment"},
	{"Railways: Fares", "the effect of regulated fare increases on commuters"},
	{"Flood Control: Finance", "capital spending on flood defences in each region"},
	{"Apprentices: Small Businesses", "the take-up of apprenticeships by small and medium-sized enterprises"},
	{"Prisons: Staff", "staff retention rates in the prison service"},
	{"Local Government: Digital Technology", "support for councils adopting digital services"},
	{"Bus Services: Concessions", "the number of concessionary bus passes in use"},
	{"Mental Health Services: Children", "waiting times for child and adolescent mental health services"},
	{"Armed Forces: Housing", "the condition of service family accommodation"},
	{"Energy: Prices", "support for households with high energy bills"},
	{"Agriculture: Subsidies", "payments to farmers under environmental land management schemes"},
	{"Smart Cities: Transport", "smart city traffic management schemes and their effect on congestion"},
	{"Pensions: Women", "the state pension age of women born in the 1950s"},
	{"Universities: Admissions", "the number of students from disadvantaged backgrounds admitted to university"},
	{"Police: Recruitment", "progress on police officer recruitment in each force"},
}

var (
	ukFirst   = []string{"Alice", "Ben", "Carys", "Daniel", "Eilidh", "Fergus", "Gemma", "Harriet", "Imran", "Jonathan", "Kirsty", "Liam", "Meera", "Nicholas", "Owain", "Priya", "Rhys", "Siobhan", "Tariq", "Victoria"}
	ukLast    = []string{"Ashworth", "Barclay", "Carmichael", "Dunmore", "Ellwood", "Fairbairn", "Gillan", "Hartley", "Ingram", "Jardine", "Kerrigan", "Lockhart", "Merriman", "Northcott", "Oakeshott", "Pennington", "Quarrie", "Rowntree", "Stanhope", "Trelawny"}
	ukPlaces  = []string{"Ashford Vale", "Brackley North", "Calder Rise", "Dunmore East", "Eastleigh Moor", "Fenwick", "Glenholm", "Harrowgate South", "Irwell Valley", "Kestrel Bay"}
	ukParties = []struct{ name, abbr, colour string }{
		{"Labour", "Lab", "ff0000"}, {"Conservative", "Con", "0000ff"}, {"Liberal Democrat", "LD", "ffcc00"},
		{"Scottish National Party", "SNP", "fff95d"}, {"Green Party", "Green", "78b82a"}, {"Plaid Cymru", "PC", "348837"},
	}
	ukLordsParties = []struct{ name, abbr, colour string }{
		{"Crossbench", "XB", "a5a5a5"}, {"Conservative", "Con", "0000ff"}, {"Labour", "Lab", "ff0000"},
		{"Liberal Democrat", "LD", "ffcc00"}, {"Bishops", "Bp", "8b006b"},
	}
	ukSentences = []string{
		"The Government keeps this matter under review and publishes the relevant statistics each quarter.",
		"Information on the number of cases in each region is not held centrally and could be obtained only at disproportionate cost.",
		"Since 2019 the Department has invested over £120 million in this programme, working closely with local partners.",
		"Officials meet representatives of the sector regularly to discuss the issues the hon. Member raises.",
		"A consultation on the next phase will be published later this year, and its responses will inform our approach.",
		"Guidance was updated in the spring to make clear what is expected of providers & commissioners.",
	}
)

// ukMember builds a generated member of a House.
func ukMember(house string, i int) Member {
	first, last := ukFirst[i%len(ukFirst)], ukLast[(i/len(ukFirst))%len(ukLast)]
	m := Member{ID: 4000 + i, ListAs: last + ", " + first, Name: first + " " + last}
	if house == "Lords" {
		p := ukLordsParties[i%len(ukLordsParties)]
		m.ID += 10000
		m.Name = map[bool]string{true: "Baroness ", false: "Lord "}[i%2 == 0] + last
		m.ListAs = m.Name
		m.Party, m.PartyAbbreviation, m.PartyColour, m.MemberFrom = p.name, p.abbr, p.colour, "Life peer"
		return m
	}
	p := ukParties[(i*7)%len(ukParties)]
	m.Party, m.PartyAbbreviation, m.PartyColour, m.MemberFrom = p.name, p.abbr, p.colour, ukPlaces[i%len(ukPlaces)]
	return m
}

// ukMinister is the generated minister of q's answering body in q's House.
func ukMinister(q Question) *Member {
	i := 900 + q.BodyID%97
	if q.House == "Lords" {
		i += 97
	}
	m := ukMember(q.House, i)
	if q.House != "Lords" {
		m.Party, m.PartyAbbreviation, m.PartyColour = ukParties[0].name, ukParties[0].abbr, ukParties[0].colour
	}
	return &m
}

// ukWorkday is the first weekday on or after t plus n weekdays.
func ukWorkday(t time.Time, n int) time.Time {
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
			n--
		}
	}
	return t
}

// Generate makes n written questions tabled over the weekdays of year,
// in the shape and proportions of the real 2021-02-01 list: three in four
// from the Commons (about half of them named-day questions, due in three
// days, the others in two; Lords questions are due in fourteen), about one
// in five grouped with others, about 11% answered after a holding answer, 2%
// still holding, 1.3% unanswered, 0.3% withdrawn, a few corrected answers
// and attachments, and texts that the list cuts in a third of the questions
// and in most answers. One question in ten is about smart cities. The same n
// and year always give the same questions; ids are 1,000,000 × (year − 1990)
// + index.
func Generate(n, year int) []Question {
	r := newUKRand(uint64(n), uint64(year))
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	var days []time.Time
	for d := start; d.Year() == year; d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days = append(days, d)
		}
	}
	lordsGov := "Her Majesty's Government"
	if year >= 2023 {
		lordsGov = "His Majesty's Government"
	}
	out := make([]Question, 0, n)
	uin := map[string]int{}
	for i := range n {
		house := "Commons"
		if r.intn(100) < 25 {
			house = "Lords"
		}
		tabled := days[i*len(days)/max(n, 1)]
		dept := ukDepartments[r.skewed(len(ukDepartments))]
		topic := ukTopics[r.intn(len(ukTopics))]
		if i%10 == 0 {
			topic = ukTopics[0]
			if i%20 == 0 {
				topic = ukTopics[16]
			}
		} else if strings.HasPrefix(topic.heading, "Smart") {
			topic = ukTopics[1+i%15]
		}
		members := 600
		if house == "Lords" {
			members = 250
		}
		uin[house]++
		q := Question{
			ID:      int64(1_000_000*(year-1990) + i),
			House:   house,
			UIN:     strconv.Itoa(uin[house]),
			Tabled:  tabled,
			Heading: topic.heading,
			Asking:  ukMember(house, r.skewed(members)),
			BodyID:  dept.id,
			Body:    dept.name,
		}
		clauses := ""
		switch r.intn(3) {
		case 0:
			clauses = ", broken down by (a) region, (b) age group and (c) the type of provider concerned; and if he will publish that information in the Library of the House"
		case 1:
			clauses = " in each of the last five years"
		}
		if house == "Lords" {
			q.UIN = "HL" + q.UIN
			q.ForAnswer = ukWorkday(tabled, 10)
			q.Text = fmt.Sprintf("To ask %s what assessment they have made of %s%s.", lordsGov, topic.subject, strings.ReplaceAll(clauses, "he will", "they will"))
		} else {
			q.NamedDay = r.intn(2) == 0
			q.ForAnswer = ukWorkday(tabled, map[bool]int{true: 3, false: 2}[q.NamedDay])
			q.Text = fmt.Sprintf("To ask the %s, what assessment he has made of %s%s.", dept.secretary, topic.subject, clauses)
		}
		answer := func() string {
			var ps []string
			ps = append(ps, fmt.Sprintf("The Government recognises the importance of %s.", topic.subject))
			for j := range 1 + r.intn(4) {
				ps = append(ps, ukSentences[(i+j)%len(ukSentences)])
			}
			return strings.Join(ps, "\n")
		}
		delay := []int{0, 2, 3, 3, 3, 4, 7, 8, 8, 8, 10, 11, 14, 14, 15, 21, 29, 38, 44}
		answeredOn := func(after time.Time) time.Time {
			if house == "Lords" {
				return ukWorkday(after, 5+r.intn(15))
			}
			return ukWorkday(after, delay[r.intn(len(delay))]*5/7)
		}
		switch p := r.intn(1000); {
		case p < 3:
			q.Withdrawn = true
		case p < 16:
			// unanswered
		case p < 36:
			q = Hold(q, q.ForAnswer)
		case p < 146:
			q = Hold(q, q.ForAnswer)
			q = Answer(q, ukWorkday(q.ForAnswer, 5+r.intn(25)), answer())
		default:
			q = Answer(q, answeredOn(tabled), answer())
			if r.intn(1000) < 8 {
				q = Correct(q, ukWorkday(q.Answered, 2+r.intn(15)), q.Answer+ukCorrectionNote)
			}
			if r.intn(100) < 2 {
				q.Attachments = []Attachment{{
					URL:   fmt.Sprintf("https://questions-statements.parliament.uk/api/Attachment/WrittenQuestion/%d/table.xlsx", q.ID),
					Title: "Figures by region", FileType: "Excel", Size: 20000 + r.intn(50000),
				}}
			}
		}
		out = append(out, q)
	}
	ukGroup(out, r)
	return out
}

// ukCorrectionNote ends the text of a corrected generated answer.
const ukCorrectionNote = "\nThis answer corrects the figures given previously."

// AsOf returns questions as the API showed them at the end of day t: those
// tabled by then, with only the holding answers, answers and corrections
// given by then. Generated questions seen day after day make a realistic
// sequence of nightly harvests.
func AsOf(qs []Question, t time.Time) []Question {
	day := ukDay(t)
	var out []Question
	for _, q := range qs {
		if q.Tabled.After(day) {
			continue
		}
		if !q.Corrected.IsZero() && q.Corrected.After(day) {
			q.Corrected, q.Correcting = time.Time{}, nil
			q.Answer = strings.TrimSuffix(q.Answer, ukCorrectionNote)
		}
		if !q.Answered.IsZero() && q.Answered.After(day) {
			if !q.HoldingDate.IsZero() && !q.HoldingDate.After(day) {
				q = Hold(q, q.HoldingDate)
			} else {
				q.Answered, q.Answer, q.Answering, q.Holding, q.HoldingDate = time.Time{}, "", nil, false, time.Time{}
				q.Attachments = nil
			}
		}
		out = append(out, q)
	}
	return out
}

// ukGroup groups about one question in five with one to five others of the
// same House and day, each listing the others.
func ukGroup(qs []Question, r *ukRand) {
	grouped := make([]bool, len(qs))
	for i := range qs {
		if grouped[i] || r.intn(100) >= 12 {
			continue
		}
		size := []int{1, 1, 1, 1, 2, 2, 2, 3, 5}[r.intn(9)]
		members := []int{i}
		for j := i + 1; j < len(qs) && j < i+20 && len(members) <= size; j++ {
			if !grouped[j] && qs[j].House == qs[i].House && qs[j].Tabled.Equal(qs[i].Tabled) && !qs[j].Withdrawn {
				members = append(members, j)
			}
		}
		if len(members) < 2 {
			continue
		}
		for _, a := range members {
			grouped[a] = true
			for _, b := range members {
				if a != b {
					qs[a].Grouped = append(qs[a].Grouped, Grouped{UIN: qs[b].UIN, Tabled: qs[b].Tabled})
				}
			}
		}
	}
}

// ukRand is a small deterministic generator (SplitMix64), so that
// Generate's output does not depend on math/rand's algorithms.
type ukRand struct{ s uint64 }

func newUKRand(a, b uint64) *ukRand { return &ukRand{s: a*0x9e3779b97f4a7c15 ^ b} }

func (r *ukRand) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *ukRand) intn(n int) int { return int(r.next() % uint64(n)) }

// skewed picks in [0, n) with small numbers more likely: a few members ask
// many questions, a few departments get most of them.
func (r *ukRand) skewed(n int) int { return r.intn(r.intn(n) + 1) }

// FixturesDir finds the real saved UK API responses, ../shared/fixtures/uk.
func FixturesDir() (string, error) { return crawlertest.FixturesDir("uk") }
