package assemblee

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// The AN's JSON is its XML turned into JSON: an element that may repeat is
// an object when it occurs once and an array when it occurs more, an empty
// element is null, and some text carries attributes ({"#text": …}). The
// types below read those shapes.

// text is a JSON value the AN writes as a string, null, a number or an
// object with a "#text" member; it reads as a trimmed string.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(strings.TrimSpace(s))
	case b[0] == '{':
		var o struct {
			Text *text `json:"#text"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*t = ""
		if o.Text != nil {
			*t = *o.Text
		}
	case b[0] == '[' || b[0] == 't' || b[0] == 'f':
		return fmt.Errorf("a text value, not %.20s", b)
	default: // a number
		*t = text(b)
	}
	return nil
}

// many is an element that may occur once (an object), several times (an
// array) or not at all (null or absent).
type many[T any] []T

func (m *many[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*m = nil
		return nil
	case b[0] == '[':
		var all []T
		if err := json.Unmarshal(b, &all); err != nil {
			return err
		}
		*m = all
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*m = many[T]{one}
	return nil
}

// jsonDoc is a question document: {"question": {…}}.
type jsonDoc struct {
	Question *jsonQuestion `json:"question"`
}

type jsonQuestion struct {
	UID         text `json:"uid"`
	Identifiant *struct {
		Numero      text `json:"numero"`
		Legislature text `json:"legislature"`
	} `json:"identifiant"`
	Type         text `json:"type"`
	IndexationAN *struct {
		Rubrique    text        `json:"rubrique"`
		TeteAnalyse many[text]  `json:"teteAnalyse"`
		Analyses    *jsonAnalys `json:"analyses"`
	} `json:"indexationAN"`
	Auteur *struct {
		Identite *struct {
			ActeurRef text `json:"acteurRef"`
			MandatRef text `json:"mandatRef"`
		} `json:"identite"`
		Groupe *jsonOrgan `json:"groupe"`
	} `json:"auteur"`
	MinInt     *jsonOrgan `json:"minInt"`
	MinAttribs *struct {
		MinAttrib many[struct {
			InfoJO       *jsonJO    `json:"infoJO"`
			Denomination *jsonOrgan `json:"denomination"`
		}] `json:"minAttrib"`
	} `json:"minAttribs"`
	TextesQuestion *struct {
		TexteQuestion many[jsonTexte] `json:"texteQuestion"`
	} `json:"textesQuestion"`
	TextesReponse *struct {
		TexteReponse many[jsonTexte] `json:"texteReponse"`
	} `json:"textesReponse"`
	Cloture *struct {
		CodeCloture    text    `json:"codeCloture"`
		LibelleCloture text    `json:"libelleCloture"`
		DateCloture    text    `json:"dateCloture"`
		InfoJO         *jsonJO `json:"infoJO"`
	} `json:"cloture"`
	Signalement many[struct {
		DateDepotSignal text    `json:"dateDepotSignal"`
		InfoJO          *jsonJO `json:"infoJO"`
	}] `json:"signalement"`
	Renouvellements *struct {
		Renouvellement many[struct {
			DateRenouvellement text    `json:"dateRenouvellement"`
			InfoJO             *jsonJO `json:"infoJO"`
		}] `json:"renouvellement"`
	} `json:"renouvellements"`
	ErratumQuestion json.RawMessage `json:"erratumQuestion"`
	ErratumReponse  json.RawMessage `json:"erratumReponse"`
}

type jsonAnalys struct {
	Analyse many[text] `json:"analyse"`
}

type jsonOrgan struct {
	OrganeRef text `json:"organeRef"`
	Abrege    text `json:"abrege"`
	Developpe text `json:"developpe"`
}

type jsonJO struct {
	TypeJO text `json:"typeJO"`
	DateJO text `json:"dateJO"`
	PageJO text `json:"pageJO"`
	NumJO  text `json:"numJO"`
}

type jsonTexte struct {
	InfoJO *jsonJO         `json:"infoJO"`
	Texte  json.RawMessage `json:"texte"`
}

// textOf decodes a text kept raw: discovery reads a whole legislature and
// needs none of them.
func textOf(raw json.RawMessage) (string, error) {
	var t text
	if len(raw) == 0 {
		return "", nil
	}
	err := t.UnmarshalJSON(raw)
	return string(t), err
}

// The question model both views (JSON and XML) are read into.
type (
	// question is one question as the AN describes it, references unresolved.
	question struct {
		UID, Number, Legislature, Kind string // Kind: QE, QG, QOSD
		Rubrique                       string
		Heads, Analyses                []string
		Author                         author
		Group                          organ
		Asked                          organ
		Attributions                   []attribution
		Questions, Answers             []publication
		Closure                        *closure
		Signals                        []signal
		Renewals                       []jo
		Errata                         []erratum
	}
	author struct {
		Ref, Mandate string
		// Civility, First and Last are given by the XML view only.
		Civility, First, Last string
	}
	// organ is a group or a ministry as a question names it.
	organ struct{ Ref, Short, Long string }
	// jo locates a publication in the Journal officiel.
	jo          struct{ Type, Date, Page, Num string }
	attribution struct {
		Ministry organ
		JO       jo
	}
	publication struct {
		JO   jo
		HTML string
	}
	closure struct {
		Code, Label, Date string
		JO                jo
	}
	signal struct {
		Deposited string
		JO        jo
	}
	erratum struct {
		Of string // "question" or "réponse"
		JO jo
	}
)

// uidRe is a question's uid: QANR5L17QE5268 (Ve République, legislature 17,
// written question 5268).
var uidRe = regexp.MustCompile(`^QANR5L([0-9]{1,3})(QE|QG|QOSD)([0-9]{1,7})$`)

// dateOf reads a date the AN writes "2025-03-25", "2025-03-25+01:00",
// "2025-03-25T10:00:00" or (XML view) "25/03/2025" into "YYYY-MM-DD"; ok
// is false for anything else. An empty value is "", true.
func dateOf(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if len(s) == 10 && s[2] == '/' && s[5] == '/' {
		t, err := time.Parse("02/01/2006", s)
		if err != nil {
			return "", false
		}
		return t.Format("2006-01-02"), true
	}
	if len(s) >= 10 {
		if _, err := time.Parse("2006-01-02", s[:10]); err == nil && (len(s) == 10 || strings.ContainsAny(s[10:11], "T+-Z ")) {
			return s[:10], true
		}
	}
	return "", false
}

// dates collects the problems of the dates it reads.
type dates struct{ bad []string }

func (d *dates) read(field, v string) string {
	out, ok := dateOf(v)
	if !ok {
		d.bad = append(d.bad, fmt.Sprintf("%s as a date (got %q)", field, v))
	}
	return out
}

// text decodes a raw text when texts are wanted.
func (d *dates) text(texts bool, field string, raw json.RawMessage) string {
	if !texts {
		return ""
	}
	t, err := textOf(raw)
	if err != nil {
		d.bad = append(d.bad, fmt.Sprintf("%s as a text (%v)", field, err))
	}
	return t
}

func (d *dates) jo(field string, j *jsonJO) jo {
	if j == nil {
		return jo{}
	}
	return jo{
		Type: string(j.TypeJO),
		Date: d.read(field+".dateJO", string(j.DateJO)),
		Page: string(j.PageJO),
		Num:  string(j.NumJO),
	}
}

func organOf(o *jsonOrgan) organ {
	if o == nil {
		return organ{}
	}
	return organ{Ref: string(o.OrganeRef), Short: string(o.Abrege), Long: string(o.Developpe)}
}

// model turns a decoded JSON question into the question model; missing
// lists what a question cannot do without. Without texts, the question and
// answer texts are left out.
func (q *jsonQuestion) model(texts bool) (*question, []string) {
	var d dates
	m := &question{UID: string(q.UID), Kind: string(q.Type)}
	if q.Identifiant != nil {
		m.Number, m.Legislature = string(q.Identifiant.Numero), string(q.Identifiant.Legislature)
	}
	if x := q.IndexationAN; x != nil {
		m.Rubrique = string(x.Rubrique)
		m.Heads = nonEmpty(x.TeteAnalyse)
		if x.Analyses != nil {
			m.Analyses = nonEmpty(x.Analyses.Analyse)
		}
	}
	if a := q.Auteur; a != nil {
		if a.Identite != nil {
			m.Author = author{Ref: string(a.Identite.ActeurRef), Mandate: string(a.Identite.MandatRef)}
		}
		m.Group = organOf(a.Groupe)
	}
	m.Asked = organOf(q.MinInt)
	if q.MinAttribs != nil {
		for i, a := range q.MinAttribs.MinAttrib {
			m.Attributions = append(m.Attributions, attribution{
				Ministry: organOf(a.Denomination),
				JO:       d.jo(fmt.Sprintf("minAttribs.minAttrib[%d].infoJO", i), a.InfoJO),
			})
		}
	}
	if q.TextesQuestion != nil {
		for i, t := range q.TextesQuestion.TexteQuestion {
			field := fmt.Sprintf("textesQuestion.texteQuestion[%d]", i)
			m.Questions = append(m.Questions, publication{
				JO:   d.jo(field+".infoJO", t.InfoJO),
				HTML: d.text(texts, field+".texte", t.Texte),
			})
		}
	}
	if q.TextesReponse != nil {
		for i, t := range q.TextesReponse.TexteReponse {
			field := fmt.Sprintf("textesReponse.texteReponse[%d]", i)
			m.Answers = append(m.Answers, publication{
				JO:   d.jo(field+".infoJO", t.InfoJO),
				HTML: d.text(texts, field+".texte", t.Texte),
			})
		}
	}
	if c := q.Cloture; c != nil && (c.CodeCloture != "" || c.LibelleCloture != "" || c.DateCloture != "") {
		m.Closure = &closure{
			Code:  string(c.CodeCloture),
			Label: string(c.LibelleCloture),
			Date:  d.read("cloture.dateCloture", string(c.DateCloture)),
			JO:    d.jo("cloture.infoJO", c.InfoJO),
		}
	}
	for i, s := range q.Signalement {
		m.Signals = append(m.Signals, signal{
			Deposited: d.read(fmt.Sprintf("signalement[%d].dateDepotSignal", i), string(s.DateDepotSignal)),
			JO:        d.jo(fmt.Sprintf("signalement[%d].infoJO", i), s.InfoJO),
		})
	}
	if q.Renouvellements != nil {
		for i, r := range q.Renouvellements.Renouvellement {
			field := fmt.Sprintf("renouvellements.renouvellement[%d]", i)
			j := d.jo(field+".infoJO", r.InfoJO)
			if j.Date == "" {
				j.Date = d.read(field+".dateRenouvellement", string(r.DateRenouvellement))
			}
			m.Renewals = append(m.Renewals, j)
		}
	}
	for _, e := range []struct {
		of  string
		raw json.RawMessage
	}{{"question", q.ErratumQuestion}, {"réponse", q.ErratumReponse}} {
		if er, ok := erratumOf(e.raw); ok {
			er.Of = e.of
			m.Errata = append(m.Errata, er)
		}
	}
	return m, d.bad
}

// erratumOf reads an erratum, seen only as null so far: an object with an
// infoJO, or the JO fields themselves. ok is false when there is none.
func erratumOf(raw json.RawMessage) (erratum, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return erratum{}, false
	}
	var e struct {
		InfoJO *jsonJO `json:"infoJO"`
		jsonJO
	}
	if json.Unmarshal(raw, &e) != nil {
		// Something is there, in a shape nobody has seen: keep the fact.
		return erratum{}, true
	}
	j := e.InfoJO
	if j == nil {
		j = &e.jsonJO
	}
	out := erratum{JO: jo{Type: string(j.TypeJO), Page: string(j.PageJO), Num: string(j.NumJO)}}
	out.JO.Date, _ = dateOf(string(j.DateJO))
	if out.JO == (jo{}) {
		return erratum{}, false
	}
	return out, true
}

func nonEmpty(ts []text) []string {
	var out []string
	for _, t := range ts {
		if t != "" {
			out = append(out, string(t))
		}
	}
	return out
}
