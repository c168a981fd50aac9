package ukparl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/parlq/parlq"
)

// Parse reads the detail endpoint's body (/api/writtenquestions/questions/{id}
// ?expandMember=true) into a record.
//
// The body is the envelope {"value": {…}, "links": […]} whose value has the
// list item's members with the texts complete (answers as HTML), as the
// saved real detail responses show (fixtures/uk/detail_*.json); a bare value
// object is accepted too. answerIsHolding and answerIsCorrection are null,
// not false, while a question has no answer. A body without a question (no
// id, house, uin or dateTabled) is a *parlq.LayoutError, an API problem body
// is parlq.ErrSoftError, and a body that is not JSON wraps ErrMalformed.
// Members are read by their exact names: "Id" is not "id".
//
// The record:
//   - a holding answer (answerIsHolding) leaves the question pending: its date
//     is HoldingAnswered, its text is kept as the answer, and Answered stays
//     empty (the API copies the holding date into dateAnswered);
//   - a withdrawn question (isWithdrawn) is withdrawn, unless it also has a
//     real answer, which then wins (status answered, a "Withdrawn" act);
//   - dateForAnswer is Due (and a "Due for answer" act);
//   - grouped questions are given by number only: Related holds
//     parlq.RelatedRef("ukparl", house, uin, date tabled) (the date is
//     omitted when the API does not give it), which the catalog resolves
//     to the record id of that question when it holds it (the uin is
//     reused across sessions, so the date is what makes it unique);
//   - tables in answers keep their rows (cells separated by a tab);
//   - an answer "not possible before prorogation" is an answer for the API,
//     and so for the record.
func (s *Source) Parse(pageURL string, body []byte) (*parlq.Question, error) {
	v, _, err := decodeValue(pageURL, body)
	if err != nil {
		return nil, err
	}
	q := record(v, pageURL, true)
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("ukparl: %s: %w", pageURL, err)
	}
	return q, nil
}

// Normalize returns the question's value object re-encoded canonically (keys
// sorted, no insignificant white space), without the envelope's links: two
// bodies with the same content but another key order or layout normalize to
// the same bytes.
func (s *Source) Normalize(pageURL string, body []byte) ([]byte, error) {
	_, raw, err := decodeValue(pageURL, body)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("ukparl: %s: %w: %v", pageURL, ErrMalformed, err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		return nil, fmt.Errorf("ukparl: normalize %s: %w", pageURL, err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// record maps a checked value onto the record. pageURL resolves relative
// attachment links. Without texts, Question and Answer stay empty (the list's
// texts are truncated); the status is read from the same fields.
func record(v *value, pageURL string, texts bool) *parlq.Question {
	asm, _ := assembly(v.House)
	q := &parlq.Question{
		ID:         v.recordID(),
		Source:     name,
		Parliament: parliament,
		Assembly:   asm,
		URL:        v.pageURL(),
		Language:   "en",
		Type:       parlq.WrittenQuestion,
		Number:     strings.TrimSpace(v.UIN),
		Title:      collapse(v.Heading),
		Author: parlq.Person{
			Name:  v.AskingMember.name(),
			Party: v.AskingMember.party(),
			ID:    idText(v.AskingMemberID, v.AskingMember),
		},
		Addressee: parlq.Person{
			Name:  v.AnsweringMember.name(),
			Party: v.AnsweringMember.party(),
			ID:    idText(v.AnsweringMemberID, v.AnsweringMember),
			Body:  collapse(v.AnsweringBodyName),
		},
		Received:  date(v.DateTabled),
		Corrected: date(v.DateAnswerCorrected),
	}
	if texts {
		q.Question = plainText(v.QuestionText)
	}
	if q.Title == "" {
		// Every saved question has a heading; a record needs a title.
		q.Title = "Written question " + q.Number
	}
	hasAnswer := strings.TrimSpace(v.AnswerText) != ""
	answer := ""
	if texts {
		answer = plainText(v.AnswerText)
		hasAnswer = answer != ""
	}
	holding := date(v.DateHoldingAnswer)
	if v.AnswerIsHolding && holding == "" {
		holding = date(v.DateAnswered)
	}
	q.HoldingAnswered = holding
	answered := !v.AnswerIsHolding && (date(v.DateAnswered) != "" || hasAnswer)

	q.Acts = append(q.Acts, parlq.Act{Date: q.Received, Act: "Tabled", Actor: q.Author.Name})
	q.Due = date(v.DateForAnswer)
	if due := q.Due; due != "" {
		// The date the answer is expected; a named day is one the member
		// asked for (Commons), an answer by it is due on that very day.
		act := "Due for answer"
		if v.IsNamedDay {
			act = "Named day for answer"
		}
		q.Acts = append(q.Acts, parlq.Act{Date: due, Act: act})
	}
	if holding != "" {
		q.Acts = append(q.Acts, parlq.Act{Date: holding, Act: "Holding answer", Actor: q.Addressee.Body})
	}
	switch {
	case answered:
		q.Status = parlq.Answered
		q.Answered = date(v.DateAnswered)
		q.Answer = answer
		q.Acts = append(q.Acts, parlq.Act{Date: q.Answered, Act: "Answered", Actor: q.Addressee.Name})
	case v.IsWithdrawn:
		// A withdrawn record carries no answer: a holding text is dropped.
		q.Status = parlq.Withdrawn
	default:
		q.Status = parlq.Pending
		if holding != "" {
			q.Answer = answer // the holding answer's text
		}
	}
	if q.Corrected != "" || v.AnswerIsCorrection {
		q.Acts = append(q.Acts, parlq.Act{
			Date:  q.Corrected,
			Act:   "Answer corrected",
			Actor: firstNonEmpty(v.CorrectingMember.name(), q.Addressee.Name),
		})
	}
	if v.IsWithdrawn {
		q.Acts = append(q.Acts, parlq.Act{Act: "Withdrawn"})
	}

	tabled := map[string]string{}
	for _, g := range v.GroupedQuestionsDates {
		tabled[strings.TrimSpace(g.QuestionUIN)] = date(g.DateTabled)
	}
	seen := map[string]bool{}
	for _, uin := range v.GroupedQuestions {
		uin = strings.TrimSpace(uin)
		if uin == "" || uin == q.Number {
			continue
		}
		rel := parlq.RelatedRef(name, asm, uin, tabled[uin])
		if !seen[rel] {
			seen[rel] = true
			q.Related = append(q.Related, rel)
		}
	}

	for _, a := range v.Attachments {
		att := parlq.Attachment{
			Title: collapse(a.Title),
			URL:   resolve(pageURL, strings.TrimSpace(a.URL)),
			Type:  collapse(a.FileType),
		}
		if att.URL != "" || att.Title != "" {
			q.Attachments = append(q.Attachments, att)
		}
	}
	return q
}

// resolve makes ref absolute against base; it leaves ref alone when either
// does not parse.
func resolve(base, ref string) string {
	if ref == "" {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil || r.IsAbs() {
		return ref
	}
	b, err := url.Parse(base)
	if err != nil || !b.IsAbs() {
		return ref
	}
	return b.ResolveReference(r).String()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
