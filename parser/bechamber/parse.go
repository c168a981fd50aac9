package bechamber

import (
	"fmt"
	"strings"

	"github.com/parlq/parlq"
)

// Parse reads a document, /v0/qrva/<SDOCNAME>, in JSON ({"disclaimer",
// "items": [one document]}) or XML (<result><items><QRVADOC>…), into a
// record. "items": [] is the service's answer for a document it does not
// know, served with 200: parlq.ErrSoftError. A body that is not well-formed
// wraps ErrMalformed; a document without what a question needs, with a
// field of an unknown shape or value (a STATUSQ, an answer kind), or a list
// page is a *parlq.LayoutError. Never a partial record.
//
// The record (see the package documentation for the id):
//   - language from LANG (F: fr, N: nl); title, question and the latest full
//     answer in that language, their Dutch or French versions in
//     Translations; a text given only in the other language stands in the
//     record's own field (the translation is not there yet);
//   - the addressee is a ministry, not a person (the source names no
//     minister): Role is the minister's title (DEPT: "Vice-premier ministre
//     et ministre de la Mobilité"), Body the portfolio's short name
//     (SUBDEPT: "Mobilité"), Name stays empty;
//   - author name, party and member number (legislature 56) from AUT;
//   - received (DEPOTDAT), due (DELAIDAT), published (PUBLIDAT, when given);
//     session from the document number;
//   - answers 1–4 (PUBLICA, STATUSA, CASA, TEXTA): bulletin, page, date,
//     kind and label, both texts; Answer and Answered are the latest full
//     answer's (a normal or corrected one, else an additional one);
//     HoldingAnswered and Corrected the latest holding and corrected ones';
//   - status from STATUSQ, except that a question with a full answer is
//     answered whatever its STATUSQ says, and one whose only answers are
//     holding answers is pending;
//   - subjects from MAIN_THESA, THESA, DESC and FREE;
//   - acts: tabled, due for answer, each answer received or published,
//     printed without an answer, cancelled.
func (s *Source) Parse(pageURL string, body []byte) (*parlq.Question, error) {
	d, err := detail(pageURL, body)
	if err != nil {
		return nil, err
	}
	q, err := record(pageURL, d)
	if err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("bechamber: %s: %w", pageURL, err)
	}
	return q, nil
}

// detail decodes a detail response into its one document.
func detail(pageURL string, body []byte) (*doc, error) {
	p, err := decodePage(pageURL, body)
	if err != nil {
		return nil, err
	}
	switch {
	case p.start >= 0 || p.total >= 0:
		return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"one document (this is a list page)"}}
	case !p.hasItems:
		return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{"items"}}
	case len(p.items) == 0:
		return nil, fmt.Errorf("bechamber: %s: %w: the service has no such document (items is empty)", pageURL, parlq.ErrSoftError)
	case len(p.items) > 1:
		return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{fmt.Sprintf("one document (got %d)", len(p.items))}}
	}
	return &p.items[0], nil
}

// record maps a detail document onto the record.
func record(pageURL string, d *doc) (*parlq.Question, error) {
	r := &reader{d: d}
	sd, okName := r.sdoc()
	own, other := r.language()
	rawStatus, status := r.status()
	if leg := r.count("LEGISL"); leg < 0 {
		r.miss("LEGISL")
	} else if okName && leg != sd.leg {
		r.miss("LEGISL %d as in SDOCNAME %s (got %d)", sd.leg, sd.raw, leg)
	}
	if dn := r.value("DOCNAME"); okName && dn != "" && dn != sd.docname {
		r.miss("DOCNAME %s as in SDOCNAME %s (got %s)", sd.docname, sd.raw, dn)
	}
	number := r.value("QUESTNUM")
	if number == "" && okName {
		number = sd.number()
	}
	who, ok := author(r.value("AUT"))
	if !ok {
		r.miss("AUT")
	}
	received := r.date("DEPOTDAT")
	if r.value("DEPOTDAT") == "" {
		r.miss("DEPOTDAT")
	}
	due, published := r.date("DELAIDAT"), r.date("PUBLIDAT")
	titles := map[string]string{"fr": r.line("TITF"), "nl": r.line("TITN")}
	if titles["fr"] == "" && titles["nl"] == "" {
		r.miss("TITF or TITN")
	}
	roles := map[string]string{"fr": r.line("DEPTF"), "nl": r.line("DEPTN")}
	bodies := map[string]string{"fr": r.line("SUBDEPTF"), "nl": r.line("SUBDEPTN")}
	if roles["fr"] == "" && roles["nl"] == "" && bodies["fr"] == "" && bodies["nl"] == "" {
		r.miss("DEPTF, DEPTN, SUBDEPTF or SUBDEPTN (the minister addressed)")
	}
	texts := map[string]string{"fr": r.text("TEXTQF"), "nl": r.text("TEXTQN")}
	answers := r.answers()
	subjects := r.subjects()
	if len(r.missing) > 0 {
		return nil, &parlq.LayoutError{URL: pageURL, Missing: r.missing}
	}

	q := &parlq.Question{
		ID:          sd.recordID(),
		Source:      name,
		Parliament:  parliament,
		Assembly:    assembly,
		URL:         sd.url(),
		Language:    own,
		Type:        parlq.WrittenQuestion,
		Number:      number,
		Author:      who,
		Legislature: fmt.Sprint(sd.leg),
		Session:     session(sd.docname),
		Received:    received,
		Published:   published,
		Due:         due,
		Subjects:    subjects,
	}
	tr := parlq.Translation{}
	q.Title, tr.Title = pick(titles, own, other)
	q.Question, tr.Question = pick(texts, own, other)
	q.Addressee.Role, tr.AddresseeRole = pick(roles, own, other)
	q.Addressee.Body, tr.AddresseeBody = pick(bodies, own, other)

	q.Acts = append(q.Acts, parlq.Act{Date: received, Act: "Tabled", Actor: who.Name})
	if due != "" {
		q.Acts = append(q.Acts, parlq.Act{Date: due, Act: "Due for answer"})
	}
	var full, holding, corrected *parlq.Answer
	for _, a := range answers {
		rec := parlq.Answer{
			Date: a.pub.date, Kind: a.kind, Label: a.labels[own],
			Reference: a.pub.bulletin, Page: a.pub.page,
		}
		var trText string
		rec.Text, trText = pick(a.texts, own, other)
		if trText != "" {
			rec.Translations = map[string]string{other: trText}
		}
		q.Answers = append(q.Answers, rec)
		act := map[parlq.AnswerKind]string{
			parlq.FinalAnswer: "Answer", parlq.HoldingAnswer: "Holding answer",
			parlq.AdditionalAnswer: "Additional answer", parlq.CorrectedAnswer: "Corrected answer",
		}[a.kind]
		if st := answerStatuses[a.status]; st != "" {
			act += " " + st
		}
		q.Acts = append(q.Acts, parlq.Act{Date: rec.Date, Act: act, Actor: q.Addressee.Body,
			Reference: rec.Reference, Page: rec.Page})
	}
	for i := range q.Answers {
		a := &q.Answers[i]
		switch a.Kind {
		case parlq.FinalAnswer, parlq.CorrectedAnswer:
			full = a
		case parlq.AdditionalAnswer:
			if full == nil || full.Kind == parlq.AdditionalAnswer {
				full = a
			}
		case parlq.HoldingAnswer:
			holding = a
		}
		if a.Kind == parlq.CorrectedAnswer {
			corrected = a
		}
	}
	if corrected != nil {
		q.Corrected = corrected.Date
	}
	if holding != nil {
		q.HoldingAnswered = holding.Date
	}
	q.Status = status
	switch {
	case full != nil:
		q.Status = parlq.Answered
		q.Answer, q.Answered = full.Text, full.Date
		tr.Answer = full.Translations[other]
	case status == parlq.Answered && holding != nil:
		q.Status = parlq.Pending
	case status == parlq.Answered:
		return nil, &parlq.LayoutError{URL: pageURL, Missing: []string{
			"an answer (STATUSQ is answerReceived, NUMA1–4 are 0 and PUBLICA, CASA, TEXTA are empty)"}}
	}
	if q.Status == parlq.Pending && holding != nil && holding.Date != "" {
		q.Answer = holding.Text
		tr.Answer = holding.Translations[other]
	}
	switch rawStatus {
	case "answerLessPublicated":
		q.Acts = append(q.Acts, parlq.Act{Act: "Printed without an answer", Reference: sd.bulletin})
	case "canceled", "archivedCanceled":
		act := "Cancelled"
		if why, _ := pick(map[string]string{"fr": r.line("ANNUL_MOTIF_FR"), "nl": r.line("ANNUL_MOTIF_NL")}, own, other); why != "" {
			act += ": " + why
		}
		q.Acts = append(q.Acts, parlq.Act{Act: act})
	}
	if tr != (parlq.Translation{}) {
		q.Translations = map[string]parlq.Translation{other: tr}
	}
	return q, nil
}

// pick returns the text in the record's language and its translation; a
// text given only in the other language stands in the record's field, with
// no translation.
func pick(by map[string]string, own, other string) (string, string) {
	if by[own] == "" {
		return by[other], ""
	}
	return by[own], by[other]
}

// Normalize returns the document, without the disclaimer and its own link,
// re-encoded canonically: fields sorted, white space collapsed, empty and
// null fields left out, the same whether the service answered in JSON or
// XML. Two responses normalize alike exactly when they tell the same.
func (s *Source) Normalize(pageURL string, body []byte) ([]byte, error) {
	d, err := detail(pageURL, body)
	if err != nil {
		return nil, err
	}
	fields := make(map[string]any, len(d.fields)+1)
	if h := d.href; h != "" {
		// The JSON document names itself only by its link, the XML one
		// by SDOCNAME too.
		fields["SDOCNAME"] = h[strings.LastIndex(h, "/")+1:]
	}
	for k, f := range d.fields {
		if f.raw != nil {
			fields[k] = f.raw
			continue
		}
		var parts []string
		for _, p := range f.parts {
			if p = collapse(p); p != "" {
				parts = append(parts, p)
			}
		}
		switch {
		case len(parts) == 0:
		case f.br:
			fields[k] = map[string][]string{"br": parts}
		case len(parts) == 1:
			fields[k] = parts[0]
		default:
			fields[k] = parts
		}
	}
	b, err := marshal(map[string]any{"items": []any{fields}})
	if err != nil {
		return nil, fmt.Errorf("bechamber: normalize %s: %w", pageURL, err)
	}
	return b, nil
}

// listing is the partial record a list item tells. The list does not say
// in which language the question was asked: its titles and minister are
// given as translations in both languages (parlq.MergeListing puts the
// record's own where it belongs).
func listing(r *reader, sd sdocname, status parlq.Status) *parlq.Question {
	l := &parlq.Question{
		ID:          sd.recordID(),
		Source:      name,
		Parliament:  parliament,
		Assembly:    assembly,
		URL:         sd.url(),
		Type:        parlq.WrittenQuestion,
		Number:      sd.number(),
		Legislature: fmt.Sprint(sd.leg),
		Session:     session(sd.docname),
		Status:      status,
		Subjects:    r.subjects(),
	}
	l.Author, _ = author(r.value("AUT"))
	for _, lang := range []string{"fr", "nl"} {
		t := parlq.Translation{Title: r.line("TIT" + suffix(lang)), AddresseeRole: r.line("DEPT" + suffix(lang))}
		if t != (parlq.Translation{}) {
			if l.Translations == nil {
				l.Translations = map[string]parlq.Translation{}
			}
			l.Translations[lang] = t
		}
	}
	return l
}

// listStatus is what a list's STATUSQ tells the crawler: answered and
// cancelled questions are told, pending ones are not (a record whose full
// answer came before its STATUSQ changed stays answered without being
// fetched again every night).
func listStatus(st parlq.Status) parlq.Status {
	if st == parlq.Pending {
		return ""
	}
	return st
}
