package assemblee

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/parlq/parlq"
)

// Parse reads one question: the JSON document of the dump and of the
// per-question endpoint ({"question": {…}}, or the bare question object of
// the older single-file dumps), or the older XML view. The record:
//
//   - id "assemblee/an/<uid>"; url the question's page on the website;
//     number and legislature as the AN gives them; language "fr".
//   - title: the analysis (the AN's title of the question), after its head
//     ("tête d'analyse") when there is one, else the heading (rubrique), else
//     "Question écrite n° N".
//   - author: the member by name from the reference data (etatCivil), spelt
//     as the question text spells it when the data drop the accents; without
//     references (or for a member the references do not hold) the name the
//     XML view gives, else the name the text opens with ("Mme Olivia
//     Grégoire interroge …"), else empty. author.id is acteurRef, always.
//     party: the group of the member's group mandate covering the date of
//     the question (on the day a member moves, the group joined that day;
//     a member and president of a group is in it once); when the references
//     hold none,
//     the group the question names (the AN fills it with the member's group
//     when it exports, which may be a later one: a 2014 question of the XML
//     view names a group founded in 2015).
//   - addressee: the ministry asked (minInt); the ministry that answered
//     (the last attribution on the answer's date) is the answer's answerer.
//     Ministry names come from the reference data, else from the question
//     (ministries of past governments leave the data), never empty.
//   - received and published: the question's publication in the Journal
//     officiel (the data give no other date); answered: the answer's.
//   - question and answer: plain text, one line per paragraph or line
//     break, a table one line per row with its cells separated by tabs,
//     entities decoded, no-break spaces as spaces; answers: every published
//     answer.
//   - subjects: the heading (rubrique, kind "heading"), the head of
//     analysis ("subheading") and the analyses ("analysis"), in French.
//   - acts: the publication, every reattribution (a question moved to
//     another ministry, or to the same one of a new government),
//     signalements, renewals, errata, answers and a closure other than the
//     answer's, in date order.
//   - status: from the closure (cloture): an answer published makes the
//     question answered; a withdrawal withdrawn; the end of its author's
//     mandate or of the legislature lapsed; no closure pending (answered
//     when an answer is published nonetheless). REP_PUB is the only code
//     saved data show; the other codes, unseen, are read from their label
//     ("retirée", "retrait": withdrawn; "fin de mandat", "fin de
//     législature", "caduque", "décès": lapsed). A closure neither its code
//     nor its label tells is a *parlq.LayoutError naming both: the question
//     fails loudly, listed with its URL by parlq status, instead of being
//     mapped by guess, and reparse reads its archived document again once
//     the code is known.
//
// A body that is neither JSON nor XML, or is cut short, wraps ErrMalformed;
// an HTML page served in its place wraps parlq.ErrSoftError; a question
// without the parts a record needs (uid, type, the ministry asked, the date
// it was published), with a date that is not one, or with a closure this
// parser does not know is a *parlq.LayoutError.
func (s *Source) Parse(pageURL string, body []byte) (*parlq.Question, error) {
	m, err := decode(pageURL, body)
	if err != nil {
		return nil, err
	}
	q, err := s.record(pageURL, m)
	if err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("assemblee: %s: %w", pageURL, err)
	}
	return q, nil
}

// decode reads a body into the question model and checks that it has what
// a record needs.
func decode(pageURL string, body []byte) (*question, error) {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\ufeff")))
	var (
		m       *question
		missing []string
	)
	switch {
	case len(b) == 0:
		return nil, fmt.Errorf("assemblee: %s: %w: empty document", pageURL, ErrMalformed)
	case b[0] == '{':
		q, err := decodeJSON(pageURL, b)
		if err != nil {
			return nil, err
		}
		m, missing = q.model(true)
	case b[0] == '<':
		if softError(b) {
			return nil, fmt.Errorf("assemblee: %s: an HTML page instead of a question: %w", pageURL, parlq.ErrSoftError)
		}
		var err error
		if m, missing, err = decodeXML(pageURL, b); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("assemblee: %s: %w: neither JSON nor XML", pageURL, ErrMalformed)
	}
	missing = append(missing, m.missing()...)
	if len(missing) > 0 {
		return nil, &parlq.LayoutError{URL: pageURL, Missing: missing}
	}
	return m, nil
}

// decodeJSON reads a question document: {"question": {…}} or a bare question.
func decodeJSON(pageURL string, b []byte) (*jsonQuestion, error) {
	var doc jsonDoc
	err := json.Unmarshal(b, &doc)
	q := doc.Question
	if err == nil && q == nil {
		q = new(jsonQuestion)
		err = json.Unmarshal(b, q)
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return nil, fmt.Errorf("assemblee: %s: %w: %v", pageURL, ErrMalformed, err)
	}
	if err != nil {
		// Valid JSON whose members are not of the expected kinds.
		return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"a question object of the known shape (" + err.Error() + ")"}}
	}
	return q, nil
}

// softError says whether an XML-looking body is an HTML page (an error page
// served in place of the document).
func softError(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 512)]))
	return strings.Contains(head, "<html") || strings.Contains(head, "<!doctype html")
}

// missing lists what a record cannot do without.
func (m *question) missing() []string {
	var out []string
	if mm := uidRe.FindStringSubmatch(m.UID); mm == nil {
		out = append(out, fmt.Sprintf("uid of the form QANR5L<legislature><QE|QG|QOSD><number> (got %q)", m.UID))
	} else {
		if m.Legislature == "" {
			m.Legislature = mm[1]
		}
		if m.Number == "" {
			m.Number = mm[3]
		}
		if m.Kind == "" {
			m.Kind = mm[2]
		}
	}
	if _, ok := kinds[m.Kind]; !ok {
		out = append(out, fmt.Sprintf("type QE, QG or QOSD (got %q)", m.Kind))
	}
	if m.asked().Ref == "" && m.asked().Long == "" && m.asked().Short == "" {
		out = append(out, "minInt (the ministry asked) or minAttribs")
	}
	if m.received() == "" {
		out = append(out, "a date: textesQuestion.texteQuestion.infoJO.dateJO or minAttribs.minAttrib.infoJO.dateJO")
	}
	return out
}

// kinds maps the AN's question types onto parlq's, with their names.
var kinds = map[string]struct {
	typ  parlq.Type
	name string
}{
	"QE":   {parlq.WrittenQuestion, "Question écrite"},
	"QG":   {parlq.TopicalQuestion, "Question au Gouvernement"},
	"QOSD": {parlq.OralQuestion, "Question orale sans débat"},
}

// asked is the ministry the question was put to: minInt, or the first
// attribution when minInt is missing.
func (m *question) asked() organ {
	if m.Asked != (organ{}) {
		return m.Asked
	}
	if len(m.Attributions) > 0 {
		return m.Attributions[0].Ministry
	}
	return organ{}
}

// received is the date the data give for the question's tabling: its
// publication in the Journal officiel (the AN counts the minister's delay
// from it), else its first attribution (a question au Gouvernement has no
// question text, only the sitting's).
func (m *question) received() string {
	for _, p := range m.Questions {
		if p.JO.Date != "" {
			return p.JO.Date
		}
	}
	for _, a := range m.Attributions {
		if a.JO.Date != "" {
			return a.JO.Date
		}
	}
	return ""
}

// updated is the latest date the question carries.
func (m *question) updated() string {
	latest := ""
	see := func(d string) {
		if d > latest {
			latest = d
		}
	}
	for _, p := range m.Questions {
		see(p.JO.Date)
	}
	for _, p := range m.Answers {
		see(p.JO.Date)
	}
	for _, a := range m.Attributions {
		see(a.JO.Date)
	}
	for _, r := range m.Renewals {
		see(r.Date)
	}
	for _, s := range m.Signals {
		see(s.Deposited)
		see(s.JO.Date)
	}
	for _, e := range m.Errata {
		see(e.JO.Date)
	}
	if c := m.Closure; c != nil {
		see(c.Date)
		see(c.JO.Date)
	}
	return latest
}

// Normalize returns the part of a body whose change means the question
// changed. A question (JSON) is re-encoded canonically: keys sorted, no
// insignificant white space, the same escapes whatever the serialiser (the
// AN writes ASCII with \u escapes); two bodies that differ only in layout
// normalize to the same bytes. The XML view normalizes to its question
// model. A zip (a dump, an AMO document) normalizes to its manifest, one
// line per member, name, CRC-32 and size, sorted: a dump rebuilt with new
// timestamps but the same content normalizes to the same bytes.
func (s *Source) Normalize(pageURL string, body []byte) ([]byte, error) {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\ufeff")))
	switch {
	case isZip(body):
		return manifest(pageURL, body)
	case len(b) > 0 && b[0] == '{':
		return canonicalJSON(pageURL, b)
	case len(b) > 0 && b[0] == '<':
		m, err := decode(pageURL, b)
		if err != nil {
			return nil, err
		}
		out, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("assemblee: normalize %s: %w", pageURL, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("assemblee: %s: %w: neither JSON, XML nor zip", pageURL, ErrMalformed)
}

// canonicalJSON re-encodes a JSON document with sorted keys, numbers as
// written, and no HTML escaping.
func canonicalJSON(pageURL string, b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("assemblee: %s: %w: %v", pageURL, ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("assemblee: %s: %w: data after the JSON value", pageURL, ErrMalformed)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		return nil, fmt.Errorf("assemblee: normalize %s: %w", pageURL, err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
