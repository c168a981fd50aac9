package assembleetest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// Organ is a group or a ministry as questions name it: its reference, short
// name (abrege) and full name (developpe).
type Organ struct {
	Ref, Short, Long string
}

// Attribution is the ministry a question is assigned to from a date on: the
// first one when the question is published, others when it is moved
// (JOType "JO_LOI_DECRET" for a change of government).
type Attribution struct {
	Ministry Organ
	On       time.Time
	JOType   string
}

// Closure ends a question without its answer (an answer closes it with
// REP_PUB by itself).
type Closure struct {
	Code, Label string
	On          time.Time
}

// Question is one question as the Assemblée nationale publishes it. Dates
// are days; a zero date is absent.
type Question struct {
	Legislature int
	// Kind is "QE" (the default), "QG" or "QOSD".
	Kind   string
	Number int

	Rubrique string
	Head     string
	Analyses []string

	AuthorRef, MandateRef string
	Group                 Organ
	// Asked is the ministry the question is put to (minInt).
	Asked Organ
	// Attributions default to Asked on Published.
	Attributions []Attribution

	Published time.Time
	Page      int
	// Text is the question's HTML.
	Text string

	Answered time.Time
	// Answer is the answer's HTML; an answered question has one.
	Answer     string
	AnswerPage int

	Signalled time.Time
	Renewals  []time.Time
	Closure   *Closure

	// Raw, when set, is the question's document, served verbatim (a saved
	// file, or a malformed one).
	Raw []byte

	// history is a generated author's groups, for AsOf.
	history []groupSpan
}

// UID is the question's uid, QANR5L17QE5268.
func (q *Question) UID() string {
	return fmt.Sprintf("QANR5L%d%s%d", q.legislature(), q.kind(), q.Number)
}

func (q *Question) legislature() int {
	if q.Legislature == 0 {
		return 17
	}
	return q.Legislature
}

func (q *Question) kind() string {
	if q.Kind == "" {
		return "QE"
	}
	return q.Kind
}

// The AN's JSON shape, members in its order.
type (
	anDoc struct {
		Question anQuestion `json:"question"`
	}
	anQuestion struct {
		XMLNS        string       `json:"@xmlns"`
		XMLNSXSI     string       `json:"@xmlns:xsi"`
		XSIType      string       `json:"@xsi:type"`
		UID          string       `json:"uid"`
		Identifiant  anIdent      `json:"identifiant"`
		Type         string       `json:"type"`
		IndexationAN anIndexation `json:"indexationAN"`
		Auteur       anAuteur     `json:"auteur"`
		MinInt       anOrgan      `json:"minInt"`
		MinAttribs   anMinAttribs `json:"minAttribs"`
		TextesQ      *anTextesQ   `json:"textesQuestion"`
		TextesR      *anTextesR   `json:"textesReponse"`
		Cloture      *anCloture   `json:"cloture"`
		Signalement  *anSignal    `json:"signalement"`
		Renouvel     *anRenouvel  `json:"renouvellements"`
	}
	anIdent struct {
		Numero      string `json:"numero"`
		Regime      string `json:"regime"`
		Legislature string `json:"legislature"`
	}
	anIndexation struct {
		Rubrique    string `json:"rubrique"`
		TeteAnalyse any    `json:"teteAnalyse"`
		Analyses    any    `json:"analyses"`
	}
	anAuteur struct {
		Identite struct {
			ActeurRef string `json:"acteurRef"`
			MandatRef string `json:"mandatRef"`
		} `json:"identite"`
		Groupe anOrgan `json:"groupe"`
	}
	anOrgan struct {
		OrganeRef string `json:"organeRef"`
		Abrege    string `json:"abrege"`
		Developpe string `json:"developpe"`
	}
	anJO struct {
		TypeJO        string  `json:"typeJO"`
		DateJO        string  `json:"dateJO"`
		PageJO        *string `json:"pageJO"`
		NumJO         *string `json:"numJO"`
		URLLegifrance *string `json:"urlLegifrance"`
		ReferenceNOR  *string `json:"referenceNOR"`
	}
	anMinAttrib struct {
		InfoJO       anJO    `json:"infoJO"`
		Denomination anOrgan `json:"denomination"`
	}
	anMinAttribs struct {
		MinAttrib any `json:"minAttrib"`
	}
	anTexte struct {
		InfoJO anJO   `json:"infoJO"`
		Texte  string `json:"texte"`
	}
	anTextesQ struct {
		TexteQuestion anTexte `json:"texteQuestion"`
	}
	anTextesR struct {
		TexteReponse anTexte `json:"texteReponse"`
	}
	anCloture struct {
		CodeCloture    string `json:"codeCloture"`
		LibelleCloture string `json:"libelleCloture"`
		DateCloture    string `json:"dateCloture"`
		InfoJO         anJO   `json:"infoJO"`
	}
	anSignal struct {
		DateDepotSignal string `json:"dateDepotSignal"`
		InfoJO          anJO   `json:"infoJO"`
	}
	anRenouvel struct {
		Renouvellement any `json:"renouvellement"`
	}
)

func day(t time.Time) string { return t.Format("2006-01-02") }

func ptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// joNumber is the Journal officiel's number of an issue, as the AN writes
// it: the year and the issue (one a week, on Tuesdays).
func joNumber(t time.Time) string {
	_, week := t.ISOWeek()
	return fmt.Sprintf("%d%04d", t.Year(), week)
}

func joOf(typ string, t time.Time, page int) anJO {
	j := anJO{TypeJO: typ, DateJO: day(t)}
	if page > 0 {
		j.PageJO = ptr(strconv.Itoa(page))
		j.NumJO = ptr(joNumber(t))
	}
	return j
}

// one is an element the AN writes as an object when it occurs once, as an
// array when more, as null when never.
func one[T any](xs []T) any {
	switch len(xs) {
	case 0:
		return nil
	case 1:
		return xs[0]
	}
	return xs
}

func organJSON(o Organ) anOrgan {
	return anOrgan{OrganeRef: o.Ref, Abrege: o.Short, Developpe: o.Long}
}

// JSON renders the question's document as the AN serialises it: one line of
// ASCII JSON with \u escapes, no trailing newline. A question with Raw
// renders Raw.
func (q *Question) JSON() []byte {
	if q.Raw != nil {
		return q.Raw
	}
	x := anQuestion{
		XMLNS: "http://schemas.assemblee-nationale.fr/referentiel", XMLNSXSI: "http://www.w3.org/2001/XMLSchema-instance",
		XSIType: map[string]string{"QE": "QuestionEcrite_Type", "QG": "QuestionGouvernement_Type", "QOSD": "QuestionOrale_Type"}[q.kind()],
		UID:     q.UID(),
		Identifiant: anIdent{Numero: strconv.Itoa(q.Number), Regime: "5\u00e8me R\u00e9publique",
			Legislature: strconv.Itoa(q.legislature())},
		Type:   q.kind(),
		MinInt: organJSON(q.Asked),
	}
	x.IndexationAN.Rubrique = q.Rubrique
	if q.Head != "" {
		x.IndexationAN.TeteAnalyse = q.Head
	}
	if len(q.Analyses) > 0 {
		x.IndexationAN.Analyses = map[string]any{"analyse": one(q.Analyses)}
	}
	x.Auteur.Identite.ActeurRef, x.Auteur.Identite.MandatRef = q.AuthorRef, q.MandateRef
	x.Auteur.Groupe = organJSON(q.Group)
	var attribs []anMinAttrib
	for _, a := range q.attributions() {
		typ := a.JOType
		if typ == "" {
			typ = "JO_QUESTION"
		}
		attribs = append(attribs, anMinAttrib{InfoJO: joOf(typ, a.On, 0), Denomination: organJSON(a.Ministry)})
	}
	x.MinAttribs.MinAttrib = one(attribs)
	if !q.Published.IsZero() && q.Text != "" {
		x.TextesQ = &anTextesQ{TexteQuestion: anTexte{InfoJO: joOf("JO_QUESTION", q.Published, q.Page), Texte: q.Text}}
	}
	if !q.Answered.IsZero() {
		x.TextesR = &anTextesR{TexteReponse: anTexte{InfoJO: joOf("JO_QUESTION", q.Answered, q.AnswerPage), Texte: q.Answer}}
		x.Cloture = &anCloture{CodeCloture: "REP_PUB", LibelleCloture: "R\u00e9ponse publi\u00e9e",
			DateCloture: day(q.Answered), InfoJO: joOf("JO_QUESTION", q.Answered, q.AnswerPage)}
	} else if c := q.Closure; c != nil {
		x.Cloture = &anCloture{CodeCloture: c.Code, LibelleCloture: c.Label, DateCloture: day(c.On), InfoJO: joOf("JO_QUESTION", c.On, 0)}
	}
	if !q.Signalled.IsZero() {
		x.Signalement = &anSignal{DateDepotSignal: day(q.Signalled.AddDate(0, 0, -7)), InfoJO: joOf("JO_QUESTION", q.Signalled, 0)}
	}
	if len(q.Renewals) > 0 {
		var rs []map[string]anJO
		for _, r := range q.Renewals {
			rs = append(rs, map[string]anJO{"infoJO": joOf("JO_QUESTION", r, 0)})
		}
		x.Renouvel = &anRenouvel{Renouvellement: one(rs)}
	}
	return anJSON(anDoc{Question: x})
}

// attributions are the question's, or its first one: the ministry asked,
// on the day it was published.
func (q *Question) attributions() []Attribution {
	if len(q.Attributions) > 0 || q.Asked == (Organ{}) {
		return q.Attributions
	}
	return []Attribution{{Ministry: q.Asked, On: q.Published}}
}

// anJSON encodes v as the AN does: ", " and ": " separators (the saved
// files' layout), every non-ASCII character as a \u escape, markup
// characters as they are.
func anJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // the replay's own types always encode
	}
	compact := bytes.TrimRight(buf.Bytes(), "\n")
	out := make([]byte, 0, len(compact)+len(compact)/8)
	inString := false
	for i := 0; i < len(compact); {
		c := compact[i]
		switch {
		case c == '"' && (i == 0 || !escaped(compact, i)):
			inString = !inString
			out = append(out, c)
		case !inString && (c == ',' || c == ':'):
			out = append(out, c, ' ')
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(compact[i:])
			if r > 0xffff {
				hi, lo := surrogates(r)
				out = fmt.Appendf(out, `\u%04x\u%04x`, hi, lo)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
			i += size
			continue
		default:
			out = append(out, c)
		}
		i++
	}
	return out
}

// escaped says whether the quote at i is escaped by an odd run of
// backslashes.
func escaped(b []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

func surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// File is a member of a zip: a name ("json/QANR5L17QE1.json",
// "acteur/PA1.json") and its bytes.
type File struct {
	Name string
	Body []byte
}

// Zip builds a zip of files, deflated, every member dated modified (the
// AN's dumps are rebuilt whole), in name order.
func Zip(files []File, modified time.Time) []byte {
	sorted := append([]File(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range sorted {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: modified.UTC()})
		if err == nil {
			_, err = w.Write(f.Body)
		}
		if err != nil {
			panic(err) // writing to memory cannot fail
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// DumpFiles are a dump's members: json/<uid>.json, one per question.
func DumpFiles(qs []Question) []File {
	files := make([]File, 0, len(qs))
	for i := range qs {
		files = append(files, File{Name: "json/" + qs[i].UID() + ".json", Body: qs[i].JSON()})
	}
	return files
}

// Dump builds the written-questions dump of qs, rebuilt at modified.
func Dump(qs []Question, modified time.Time) []byte { return Zip(DumpFiles(qs), modified) }
