package assemblee

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/parlq/parlq"
)

// record turns a checked question into the record (see Parse).
func (s *Source) record(pageURL string, m *question) (*parlq.Question, error) {
	k := kinds[m.Kind]
	q := &parlq.Question{
		ID:          parlq.MakeID(SourceName, Assembly, m.UID),
		Source:      SourceName,
		Parliament:  ParliamentName,
		Assembly:    Assembly,
		URL:         PageURL(m.Legislature, m.UID),
		Language:    "fr",
		Type:        k.typ,
		Number:      m.Number,
		Legislature: m.Legislature,
		Received:    m.received(),
	}
	if len(m.Questions) > 0 {
		q.Published = m.Questions[0].JO.Date
		q.Question = plainText(m.Questions[len(m.Questions)-1].HTML)
	}
	q.Title = m.title(k.name)
	q.Subjects = m.subjects()
	q.Author = s.author(m, q.Received, q.Question)
	asked := m.asked()
	q.Addressee = s.ministry(asked)

	if q.Published != "" {
		j := m.Questions[0].JO
		q.Acts = append(q.Acts, parlq.Act{Date: q.Published, Act: "Question publiée au JO", Actor: q.Author.Name,
			Reference: joRef(j), Page: j.Page})
	}
	prev := asked
	for _, a := range m.Attributions {
		if a.Ministry == (organ{}) || sameOrgan(a.Ministry, prev) {
			continue
		}
		q.Acts = append(q.Acts, parlq.Act{Date: a.JO.Date, Act: "Question réattribuée", Actor: s.ministry(a.Ministry).Name,
			Reference: joRef(a.JO), Page: a.JO.Page})
		prev = a.Ministry
	}
	for _, sg := range m.Signals {
		d := sg.JO.Date
		if d == "" {
			d = sg.Deposited
		}
		q.Acts = append(q.Acts, parlq.Act{Date: d, Act: "Question signalée", Reference: joRef(sg.JO), Page: sg.JO.Page})
	}
	for _, r := range m.Renewals {
		q.Acts = append(q.Acts, parlq.Act{Date: r.Date, Act: "Question renouvelée", Reference: joRef(r), Page: r.Page})
	}
	for _, e := range m.Errata {
		q.Acts = append(q.Acts, parlq.Act{Date: e.JO.Date, Act: "Erratum à la " + e.Of, Reference: joRef(e.JO), Page: e.JO.Page})
	}
	for _, a := range m.Answers {
		answerer := s.ministry(m.assignedOn(a.JO.Date))
		text := plainText(a.HTML)
		kind := parlq.FinalAnswer
		if len(q.Answers) > 0 {
			kind = parlq.AdditionalAnswer
		}
		q.Answers = append(q.Answers, parlq.Answer{Date: a.JO.Date, Kind: kind, Label: "Réponse publiée au JO",
			Reference: joRef(a.JO), Page: a.JO.Page, Text: text, Answerer: &answerer})
		q.Acts = append(q.Acts, parlq.Act{Date: a.JO.Date, Act: "Réponse publiée au JO", Actor: answerer.Name,
			Reference: joRef(a.JO), Page: a.JO.Page})
		if text != "" {
			q.Answer = text
		}
		if a.JO.Date != "" {
			q.Answered = a.JO.Date
		}
	}
	status, err := s.status(pageURL, m, q)
	if err != nil {
		return nil, err
	}
	q.Status = status
	// In date order; an act without a date (an erratum of an unknown
	// shape) last.
	sort.SliceStable(q.Acts, func(i, j int) bool { return actKey(q.Acts[i]) < actKey(q.Acts[j]) })
	return q, nil
}

func actKey(a parlq.Act) string {
	if a.Date == "" {
		return "~"
	}
	return a.Date
}

// sameOrgan says whether two mentions name the same organ: the same
// reference, or without references the same names.
func sameOrgan(a, b organ) bool {
	if a.Ref != "" || b.Ref != "" {
		return a.Ref == b.Ref
	}
	return a.Long == b.Long && a.Short == b.Short
}

// closureKind says what a closure means for the status.
type closureKind int

const (
	closedUnknown closureKind = iota
	closedAnswered
	closedWithdrawn
	closedLapsed
)

// closures are the closure codes read from saved data: REP_PUB ("Réponse
// publiée"), the only code ever seen.
var closures = map[string]closureKind{"REP_PUB": closedAnswered}

// closureOf reads a closure. A known code decides; the other codes, whose
// values no saved question shows, are read from their label, the words the
// AN's question pages use: a question withdrawn at the end of its author's
// mandate or of the legislature, or whose author died, lapsed ("fin de
// mandat", "fin de législature", "caduque", "décès"); one withdrawn
// otherwise ("retirée", "retrait") was withdrawn; "réponse publiée" is an
// answer. Anything else is unknown.
func closureOf(c *closure) closureKind {
	if k, ok := closures[strings.ToUpper(c.Code)]; ok {
		return k
	}
	l := strings.Map(func(r rune) rune { return fold(r) }, c.Label)
	switch {
	case strings.Contains(l, "reponse publiee"):
		return closedAnswered
	case strings.Contains(l, "fin de mandat"), strings.Contains(l, "fin de legislature"),
		strings.Contains(l, "caduc"), strings.Contains(l, "caduqu"), strings.Contains(l, "deces"):
		return closedLapsed
	case strings.Contains(l, "retir"), strings.Contains(l, "retrait"):
		return closedWithdrawn
	}
	return closedUnknown
}

// status reads where the question stands from its closure (cloture): an
// answer published makes it answered; a withdrawal withdrawn; a lapse
// lapsed; no closure leaves it pending, unless an answer is published
// (answered). A closure other than an answer is an act. A closure this
// parser cannot read is a *parlq.LayoutError naming its code and label: the
// record is not stored, the failure is listed (parlq status) with the URL,
// and the archived entry is read again by reparse once the code is known;
// it is never mapped to a status by guess.
func (s *Source) status(pageURL string, m *question, q *parlq.Question) (parlq.Status, error) {
	c := m.Closure
	if c == nil {
		if q.Answer != "" || q.Answered != "" {
			return parlq.Answered, nil
		}
		return parlq.Pending, nil
	}
	kind := closureOf(c)
	if kind == closedUnknown {
		return "", &parlq.LayoutError{URL: pageURL, Missing: []string{
			fmt.Sprintf("a known cloture.codeCloture (got %q, %q)", c.Code, c.Label)}}
	}
	date := c.Date
	if date == "" {
		date = c.JO.Date
	}
	if kind == closedAnswered {
		if q.Answered == "" {
			// The closure tells the answer that the data leave out.
			q.Answered = date
			q.Acts = append(q.Acts, parlq.Act{Date: date, Act: "Réponse publiée au JO",
				Actor: s.ministry(m.assignedOn(date)).Name, Reference: joRef(c.JO), Page: c.JO.Page})
		}
		if q.Answered == "" && q.Answer == "" {
			return "", &parlq.LayoutError{URL: pageURL, Missing: []string{"the answer or the date of a question closed by its answer"}}
		}
		return parlq.Answered, nil
	}
	label := c.Label
	if label == "" {
		label = c.Code
	}
	q.Acts = append(q.Acts, parlq.Act{Date: date, Act: label, Reference: joRef(c.JO), Page: c.JO.Page})
	if q.Answer != "" {
		// An answer published before the closure stands.
		return parlq.Answered, nil
	}
	if kind == closedWithdrawn {
		return parlq.Withdrawn, nil
	}
	return parlq.Lapsed, nil
}

// assignedOn returns the ministry a question was assigned to on a date: the
// last attribution published by then (the last one when the date is
// unknown), else the ministry asked.
func (m *question) assignedOn(date string) organ {
	out := m.asked()
	for _, a := range m.Attributions {
		if date != "" && a.JO.Date != "" && a.JO.Date > date {
			break
		}
		if a.Ministry != (organ{}) {
			out = a.Ministry
		}
	}
	return out
}

// author resolves the question's author; date is the question's.
func (s *Source) author(m *question, date, questionText string) parlq.Person {
	p := parlq.Person{ID: m.Author.Ref}
	if s.refs != nil {
		p.Name = s.refs.name(m.Author.Ref)
	}
	if p.Name == "" {
		p.Name = strings.TrimSpace(collapse(m.Author.First + " " + m.Author.Last))
	}
	if p.Name == "" {
		p.Name = nameInText(questionText)
	}
	p.Name = accented(p.Name, questionText)

	if s.refs != nil {
		if g, ok := s.refs.groupAt(m.Author.Ref, m.Legislature, date); ok {
			if o, ok := s.refs.organs[g]; ok && o.Name != "" {
				p.Party = o.Name
			} else if g == m.Group.Ref {
				p.Party = firstOf(m.Group.Long, m.Group.Short)
			}
		}
	}
	if p.Party == "" {
		p.Party = s.organName(m.Group)
	}
	return p
}

// ministry is a ministry as an addressee: its full name and its short name
// (the heading the Journal officiel prints it under) as the role, from the
// reference data when they hold the organ, else as the question names it.
func (s *Source) ministry(o organ) parlq.Person {
	name, short := o.Long, o.Short
	if s.refs != nil {
		if info, ok := s.refs.organs[o.Ref]; ok && info.Name != "" {
			name, short = info.Name, firstOf(info.Short, short)
		}
	}
	if name == "" {
		name, short = short, ""
	}
	if name == "" {
		name = o.Ref
	}
	p := parlq.Person{Name: name, ID: o.Ref}
	if short != name {
		p.Role = short
	}
	return p
}

// organName is a group's name: from the reference data, else as the
// question names it.
func (s *Source) organName(o organ) string {
	if s.refs != nil {
		if info, ok := s.refs.organs[o.Ref]; ok && info.Name != "" {
			return info.Name
		}
	}
	return firstOf(o.Long, o.Short)
}

// title is the question's title (see record).
func (m *question) title(kindName string) string {
	var parts []string
	if len(m.Heads) > 0 {
		parts = append(parts, strings.Join(m.Heads, ", "))
	}
	if len(m.Analyses) > 0 {
		parts = append(parts, strings.Join(m.Analyses, ", "))
	}
	t := collapse(strings.Join(parts, " : "))
	if t == "" {
		t = collapse(m.Rubrique)
	}
	if t == "" {
		return kindName + " n° " + m.Number
	}
	r := []rune(t)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func (m *question) subjects() []parlq.Subject {
	var out []parlq.Subject
	add := func(kind, label string) {
		if label = collapse(label); label != "" {
			out = append(out, parlq.Subject{Kind: kind, Labels: map[string]string{"fr": label}})
		}
	}
	add("heading", m.Rubrique)
	for _, h := range m.Heads {
		add("subheading", h)
	}
	for _, a := range m.Analyses {
		add("analysis", a)
	}
	return out
}

// joTypes name the Journal officiel's editions.
var joTypes = map[string]string{
	"JO_QUESTION":   "JO Questions",
	"JO_LOI_DECRET": "JO Lois et décrets",
	"JO_DEBAT":      "JO Débats",
}

// joRef is a publication's reference: the edition and its number.
func joRef(j jo) string {
	t := j.Type
	if name, ok := joTypes[t]; ok {
		t = name
	}
	switch {
	case t != "" && j.Num != "":
		return t + " n° " + j.Num
	case j.Num != "":
		return "JO n° " + j.Num
	}
	return t
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
