package ukparl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parlq/parlq"
)

// ErrMalformed is wrapped when a response is not valid JSON (a truncated or
// corrupted body). Such a body never yields a partial result.
var ErrMalformed = errors.New("malformed JSON")

// value is one written question as the API gives it, in the list ("value" of
// each result, texts truncated) and in the detail endpoint (texts complete).
// Dates are "YYYY-MM-DDT00:00:00" strings or null.
type value struct {
	ID                    *int64        `json:"id"`
	AskingMemberID        *int64        `json:"askingMemberId"`
	AskingMember          *member       `json:"askingMember"`
	House                 string        `json:"house"`
	DateTabled            string        `json:"dateTabled"`
	DateForAnswer         string        `json:"dateForAnswer"`
	UIN                   string        `json:"uin"`
	QuestionText          string        `json:"questionText"`
	AnsweringBodyID       *int64        `json:"answeringBodyId"`
	AnsweringBodyName     string        `json:"answeringBodyName"`
	IsWithdrawn           bool          `json:"isWithdrawn"`
	IsNamedDay            bool          `json:"isNamedDay"`
	GroupedQuestions      []string      `json:"groupedQuestions"`
	AnswerIsHolding       bool          `json:"answerIsHolding"`
	AnswerIsCorrection    bool          `json:"answerIsCorrection"`
	AnsweringMemberID     *int64        `json:"answeringMemberId"`
	AnsweringMember       *member       `json:"answeringMember"`
	CorrectingMemberID    *int64        `json:"correctingMemberId"`
	CorrectingMember      *member       `json:"correctingMember"`
	DateAnswered          string        `json:"dateAnswered"`
	AnswerText            string        `json:"answerText"`
	DateAnswerCorrected   string        `json:"dateAnswerCorrected"`
	DateHoldingAnswer     string        `json:"dateHoldingAnswer"`
	Heading               string        `json:"heading"`
	Attachments           []attachment  `json:"attachments"`
	GroupedQuestionsDates []groupedDate `json:"groupedQuestionsDates"`
}

// member is a member of either House, given when expandMember=true.
type member struct {
	ID    *int64 `json:"id"`
	Name  string `json:"name"`
	Party string `json:"party"`
}

// attachment is a file published with an answer.
type attachment struct {
	URL      string `json:"url"`
	Title    string `json:"title"`
	FileType string `json:"fileType"`
}

// groupedDate tells when a grouped question was tabled.
type groupedDate struct {
	QuestionUIN string `json:"questionUin"`
	DateTabled  string `json:"dateTabled"`
}

// problem is the API's error body (RFC 7807 problem details).
type problem struct {
	Title  string          `json:"title"`
	Status json.RawMessage `json:"status"`
	Detail string          `json:"detail"`
}

// decodeValue reads a detail body: the envelope {"value": {…}, "links": […]}
// or a bare value object. It returns the raw value object too.
func decodeValue(pageURL string, body []byte) (*value, json.RawMessage, error) {
	top, err := decodeObject(pageURL, body)
	if err != nil {
		return nil, nil, err
	}
	raw, ok := top["value"]
	switch {
	case ok && !isNull(raw):
		// the envelope
	case hasKey(top, "id"):
		raw = body
	case hasKey(top, "results") || hasKey(top, "totalResults"):
		return nil, nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"value (this is a list page, not a question)"}}
	default:
		if err := softError(pageURL, body, top); err != nil {
			return nil, nil, err
		}
		return nil, nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"value"}}
	}
	var v value
	if raw, err = unmarshalValue(pageURL, "value", raw, &v); err != nil {
		return nil, nil, err
	}
	if missing := v.missing("value."); len(missing) > 0 {
		return nil, nil, &parlq.LayoutError{URL: pageURL, Missing: missing}
	}
	return &v, raw, nil
}

// decodeObject checks that body is well-formed JSON holding an object and
// returns its members.
func decodeObject(pageURL string, body []byte) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		if !json.Valid(body) {
			return nil, fmt.Errorf("ukparl: %s: %w: %v", pageURL, ErrMalformed, err)
		}
		return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"a JSON object"}}
	}
	if obj == nil { // the body is null
		return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"a JSON object"}}
	}
	return obj, nil
}

// softError returns parlq.ErrSoftError when obj is an API problem body.
func softError(pageURL string, body []byte, obj map[string]json.RawMessage) error {
	if !hasKey(obj, "title") || !hasKey(obj, "status") {
		return nil
	}
	var p problem
	if err := json.Unmarshal(body, &p); err != nil {
		p.Title = "error"
	}
	return fmt.Errorf("ukparl: %s: %w: %s (status %s)", pageURL, parlq.ErrSoftError, p.Title, bytes.TrimSpace(p.Status))
}

// unmarshalValue decodes raw into v and returns the value object as read
// (see exactMembers); a field of an unexpected JSON type is a layout change.
func unmarshalValue(pageURL, where string, raw []byte, v *value) (json.RawMessage, error) {
	raw, err := exactMembers(raw, reflect.TypeFor[value]())
	if err != nil {
		return nil, fmt.Errorf("ukparl: %s: %w: %v", pageURL, ErrMalformed, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{
				fmt.Sprintf("%s.%s as %s (got %s)", where, te.Field, te.Type, te.Value)}}
		}
		return nil, fmt.Errorf("ukparl: %s: %w: %v", pageURL, ErrMalformed, err)
	}
	return raw, nil
}

// exactMembers drops from a JSON object, and from the objects nested in it
// that t describes, every member whose name matches one of t's fields only
// when case is ignored ("Id" beside "id"). encoding/json matches names
// without regard to case, the API spells them one way: a member in another
// case is not the field, and must not be read as it (nor kept by Normalize,
// which would then describe a record Parse never reads). raw comes back
// unchanged when there is nothing to drop, or when it is not an object
// (json.Unmarshal then says what is wrong).
func exactMembers(raw json.RawMessage, t reflect.Type) (json.RawMessage, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice:
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return raw, nil
		}
		changed := false
		for i, e := range elems {
			f, err := exactMembers(e, t.Elem())
			if err != nil {
				return nil, err
			}
			if !bytes.Equal(f, e) {
				elems[i], changed = f, true
			}
		}
		if !changed {
			return raw, nil
		}
		return json.Marshal(elems)
	case reflect.Struct:
	default:
		return raw, nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return raw, nil
	}
	fields := jsonFields(t)
	changed := false
	for k, v := range obj {
		if ft, ok := fields[k]; ok {
			f, err := exactMembers(v, ft)
			if err != nil {
				return nil, err
			}
			if !bytes.Equal(f, v) {
				obj[k], changed = f, true
			}
			continue
		}
		for name := range fields {
			if strings.EqualFold(name, k) {
				delete(obj, k)
				changed = true
				break
			}
		}
	}
	if !changed {
		return raw, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// fieldCache holds jsonFields' answers by type.
var fieldCache sync.Map

// jsonFields maps the JSON names of struct t's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" {
			out[name] = f.Type
		}
	}
	fieldCache.Store(t, out)
	return out
}

func hasKey(obj map[string]json.RawMessage, k string) bool {
	_, ok := obj[k]
	return ok
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// missing lists what a question needs and v lacks, each prefixed.
func (v *value) missing(prefix string) []string {
	var m []string
	if v.ID == nil || *v.ID <= 0 {
		m = append(m, prefix+"id")
	}
	if _, ok := assembly(v.House); !ok {
		if v.House == "" {
			m = append(m, prefix+"house")
		} else {
			m = append(m, fmt.Sprintf("%shouse Commons or Lords (got %q)", prefix, v.House))
		}
	}
	if strings.TrimSpace(v.UIN) == "" {
		m = append(m, prefix+"uin")
	}
	if d, ok := apiDate(v.DateTabled); !ok || d == "" {
		m = append(m, prefix+"dateTabled")
	}
	for _, f := range []struct{ name, v string }{
		{"dateForAnswer", v.DateForAnswer}, {"dateAnswered", v.DateAnswered},
		{"dateAnswerCorrected", v.DateAnswerCorrected}, {"dateHoldingAnswer", v.DateHoldingAnswer},
	} {
		if _, ok := apiDate(f.v); !ok {
			m = append(m, fmt.Sprintf("%s%s as a date (got %q)", prefix, f.name, f.v))
		}
	}
	return m
}

// assembly maps the API's house onto the record's assembly.
func assembly(house string) (string, bool) {
	switch house {
	case "Commons":
		return "commons", true
	case "Lords":
		return "lords", true
	}
	return "", false
}

// apiDate turns an API date ("2021-02-01T00:00:00", or a bare date) into
// "YYYY-MM-DD"; empty stays empty. ok is false for anything else.
func apiDate(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	if len(s) < 10 || (len(s) > 10 && s[10] != 'T') {
		return "", false
	}
	if _, err := time.Parse(parlq.DateLayout, s[:10]); err != nil {
		return "", false
	}
	return s[:10], true
}

// date is apiDate for a value already checked by missing.
func date(s string) string {
	d, _ := apiDate(s)
	return d
}

// nativeID is the API id as text.
func (v *value) nativeID() string { return strconv.FormatInt(*v.ID, 10) }

// recordID is "ukparl/<commons|lords>/<api id>".
func (v *value) recordID() string {
	a, _ := assembly(v.House)
	return parlq.MakeID(name, a, v.nativeID())
}

// pageURL is the question's page on the human website.
func (v *value) pageURL() string {
	return siteURL + "/written-questions/detail/" + date(v.DateTabled) + "/" + escapePathSegment(v.UIN)
}

func escapePathSegment(s string) string {
	var b strings.Builder
	for _, c := range []byte(strings.TrimSpace(s)) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// updated is the latest date at which the API says the question changed:
// tabled, holding answer, answer, correction.
func (v *value) updated() string {
	latest := ""
	for _, s := range []string{v.DateTabled, v.DateHoldingAnswer, v.DateAnswered, v.DateAnswerCorrected} {
		if d := date(s); d > latest {
			latest = d
		}
	}
	return latest
}

// idText is the decimal form of an optional id, falling back to a member's.
func idText(id *int64, m *member) string {
	switch {
	case id != nil:
		return strconv.FormatInt(*id, 10)
	case m != nil && m.ID != nil:
		return strconv.FormatInt(*m.ID, 10)
	}
	return ""
}

func (m *member) name() string {
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m.Name)
}

func (m *member) party() string {
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m.Party)
}
