package bechamber

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parlq/parlq"
)

// reader reads a document's fields and collects what is missing or has an
// unknown shape, for one LayoutError.
type reader struct {
	d       *doc
	where   string
	missing []string
}

func (r *reader) miss(format string, args ...any) {
	r.missing = append(r.missing, r.where+fmt.Sprintf(format, args...))
}

// get returns a field, noting a field of an unknown shape.
func (r *reader) get(name string) field {
	f := r.d.fields[name]
	if f.raw != nil {
		r.miss("%s as a string, a number, a list of strings or {\"br\": […]} (got %s)", name, f.raw)
		return field{}
	}
	return f
}

// value returns a field's text exactly as given, parts joined with a space.
func (r *reader) value(name string) string {
	return strings.TrimSpace(strings.Join(r.get(name).parts, " "))
}

// text returns a text field as plain text (see text).
func (r *reader) text(name string) string { return text(r.get(name).parts) }

// line returns a field as one line (see line).
func (r *reader) line(name string) string { return line(r.get(name).parts) }

// date reads a YYYYMMDD field as "YYYY-MM-DD" ("" when absent).
func (r *reader) date(name string) string {
	v := r.value(name)
	if v == "" {
		return ""
	}
	t, err := time.Parse("20060102", v)
	if err != nil || len(v) != 8 {
		r.miss("%s as YYYYMMDD (got %q)", name, v)
		return ""
	}
	return t.Format(parlq.DateLayout)
}

// count reads a non-negative integer field (-1 when absent).
func (r *reader) count(name string) int {
	v := r.value(name)
	if v == "" {
		return -1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		r.miss("%s as a number (got %q)", name, v)
		return -1
	}
	return n
}

// sdocname is a document name, "<L>-<bulletin>-<P>-<NNNN>-<DOCNAME>":
// legislature, the bulletin the question is printed in ("B001"; empty
// before), the minister's order of precedence, the question's number for
// that minister, and the question's document number.
type sdocname struct {
	raw                      string
	leg, pres, num           int
	bulletin, docname, numAs string
}

var sdocnameRe = regexp.MustCompile(`^(\d{1,3})-([A-Z]+\d+)?-(\d{1,4})-(\d{1,6})-(\d{6,20})$`)

func parseSdocname(s string) (sdocname, bool) {
	m := sdocnameRe.FindStringSubmatch(s)
	if m == nil {
		return sdocname{}, false
	}
	d := sdocname{raw: s, bulletin: m[2], docname: m[5], numAs: m[4]}
	d.leg, _ = strconv.Atoi(m[1])
	d.pres, _ = strconv.Atoi(m[3])
	d.num, _ = strconv.Atoi(m[4])
	return d, d.leg > 0
}

// native is the stable part of the name: without the bulletin, which a
// question gets only once it is printed.
func (d sdocname) native() string {
	return fmt.Sprintf("%d-%d-%04d-%s", d.leg, d.pres, d.num, d.docname)
}

// recordID is "bechamber/chamber/<native>".
func (d sdocname) recordID() string { return parlq.MakeID(name, assembly, d.native()) }

// url is the document's canonical address.
func (d sdocname) url() string { return baseURL + listPath + "/" + d.raw }

// number is the question's number as printed.
func (d sdocname) number() string { return strconv.Itoa(d.num) }

// session is the parliamentary session of a document number: its first
// eight digits are the session's years ("20162017" → "2016-2017"), or
// "0000" and the year of an extraordinary session after an election
// ("00002014" → "2014"). Anything else gives "".
func session(docname string) string {
	if len(docname) < 8 {
		return ""
	}
	a, err1 := strconv.Atoi(docname[:4])
	b, err2 := strconv.Atoi(docname[4:8])
	switch {
	case err1 != nil || err2 != nil || b < 1900:
		return ""
	case a == 0:
		return docname[4:8]
	case b == a+1:
		return docname[:4] + "-" + docname[4:8]
	}
	return ""
}

// sdoc reads the document's name: SDOCNAME, or (the JSON detail has none)
// the last segment of its link; when both are given they must agree.
func (r *reader) sdoc() (sdocname, bool) {
	fromField := r.value("SDOCNAME")
	fromLink := ""
	if h := r.d.href; h != "" {
		fromLink = h[strings.LastIndex(h, "/")+1:]
	}
	v := fromField
	switch {
	case fromField == "" && fromLink == "":
		r.miss("SDOCNAME (or link.href)")
		return sdocname{}, false
	case fromField == "":
		v = fromLink
	case fromLink != "" && fromLink != fromField:
		r.miss("link.href naming SDOCNAME %s (got %s)", fromField, r.d.href)
		return sdocname{}, false
	}
	d, ok := parseSdocname(v)
	if !ok {
		r.miss("SDOCNAME as <legislature>-<bulletin>-<precedence>-<number>-<document> (got %q)", v)
	}
	return d, ok
}

// statuses maps STATUSQ onto the record's status. The values are those of
// the saved responses and SOURCES.md (transmited: sent to the minister;
// answerLessPublicated: printed in a bulletin without an answer, the
// deadline passed; answerReceived), and the two the Chamber's own
// publishing software treats as cancelled questions (canceled,
// archivedCanceled). Any other value is a layout change.
var statuses = map[string]parlq.Status{
	"transmited":           parlq.Pending,
	"answerLessPublicated": parlq.Pending,
	"answerReceived":       parlq.Answered,
	"canceled":             parlq.Withdrawn,
	"archivedCanceled":     parlq.Withdrawn,
}

// knownStatuses lists STATUSQ's values for error messages.
const knownStatuses = "transmited, answerLessPublicated, answerReceived, canceled or archivedCanceled"

// status reads STATUSQ.
func (r *reader) status() (string, parlq.Status) {
	v := r.value("STATUSQ")
	st, ok := statuses[v]
	switch {
	case v == "":
		r.miss("STATUSQ")
	case !ok:
		r.miss("STATUSQ %s (got %q)", knownStatuses, v)
	}
	return v, st
}

// language reads LANG: F is French, N Dutch.
func (r *reader) language() (own, other string) {
	switch v := r.value("LANG"); v {
	case "F":
		return "fr", "nl"
	case "N":
		return "nl", "fr"
	case "":
		r.miss("LANG")
	default:
		r.miss("LANG F or N (got %q)", v)
	}
	return "", ""
}

// suffix is the field-name suffix of a language: TITF, TITN.
func suffix(lang string) string {
	if lang == "nl" {
		return "N"
	}
	return "F"
}
