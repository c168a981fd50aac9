package assemblee

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// The XML view of a question (questions.assemblee-nationale.fr/q14/
// 14-47351QE.htm/vue/xml) is the question model of the JSON dump in other
// words: DEPOT (the question's JO publication and text), AUTEUR (with the
// member's name, which the JSON leaves to the reference data), GROUPE,
// INDEXATION_AN, MINI (the ministry asked), MINA (its attributions),
// RENOUVELLEMENT, SIGNALEMENT, CLOTURE, REPONSE and the errata. Numeric
// ids are the JSON's references without their prefix (ID_ACTEUR 923 is
// PA923). Dates are DD/MM/YYYY.

type xmlQuestion struct {
	XMLName     xml.Name `xml:"QUESTION"`
	Type        string   `xml:"TYPE,attr"`
	Legislature string   `xml:"LEGISLATURE"`
	Depots      []struct {
		Numero string `xml:"NUMERO,attr"`
		xmlJO
		Texte string `xml:"TEXTE_DEPOT"`
	} `xml:"DEPOT"`
	Auteur *struct {
		Mandat   string `xml:"ID_MANDAT,attr"`
		Acteur   string `xml:"ID_ACTEUR"`
		Civilite string `xml:"CIVILITE"`
		Nom      string `xml:"NOM"`
		Prenom   string `xml:"PRENOM"`
	} `xml:"AUTEUR"`
	Groupe *struct {
		Sigle   string `xml:"SIGLE,attr"`
		Libelle string `xml:"LIBELLE"`
		ID      string `xml:"ID_GROUPE"`
	} `xml:"GROUPE"`
	Indexation *struct {
		Rubrique string   `xml:"RUBRIQUE,attr"`
		Tetes    []string `xml:"TETE_ANALYSE"`
		Analyses []string `xml:"ANALYSE>ANA"`
	} `xml:"INDEXATION_AN"`
	Mini *xmlMinistry `xml:"MINI"`
	Mina []struct {
		xmlMinistry
		ID string `xml:"ID_MINA"`
		xmlJO
	} `xml:"MINA>ORDRE"`
	Erratum []struct {
		XMLName xml.Name
		xmlJO
	} `xml:",any"`
	Signalement *struct {
		xmlJO
		Depot string `xml:"DATE_DEPOT_SIGNAL"`
	} `xml:"SIGNALEMENT"`
	Renouvellements []struct {
		Date string `xml:"DATE_RENOUVELLEMENT"`
		xmlJO
	} `xml:"RENOUVELLEMENT>ORDRE"`
	Cloture *struct {
		xmlJO
		Code    string `xml:"ABREGE"`
		Libelle string `xml:"LIBELLE"`
	} `xml:"CLOTURE"`
	Reponses []struct {
		Texte string `xml:"TEXTE_REPONSE"`
		Date  string `xml:"DATE_JO_REPONSE"`
		Page  string `xml:"PAGE_JO_REPONSE"`
	} `xml:"REPONSE"`
}

type xmlJO struct {
	Date   string `xml:"DATE_JO"`
	Page   string `xml:"PAGE_JO"`
	Type   string `xml:"TYPE_JO"`
	Numero string `xml:"NUMERO_JO"`
}

type xmlMinistry struct {
	Abrege    string `xml:"ABREGE"`
	Developpe string `xml:"DEVELOPPE"`
	ID        string `xml:"ID_MINI"`
}

func (x xmlJO) jo(d *dates, field string) jo {
	return jo{
		Type: strings.TrimSpace(x.Type),
		Date: d.read(field+"/DATE_JO", x.Date),
		Page: strings.TrimSpace(x.Page),
		Num:  strings.TrimSpace(x.Numero),
	}
}

// ref prefixes a numeric id of the XML view as the JSON writes it.
func ref(prefix, id string) string {
	id = strings.TrimSpace(id)
	if id == "" {
		return ""
	}
	return prefix + id
}

// decodeXML reads the XML view into the question model; missing lists what
// it lacks.
func decodeXML(pageURL string, body []byte) (*question, []string, error) {
	var x xmlQuestion
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&x); err != nil {
		if strings.Contains(err.Error(), "expected element type <QUESTION>") {
			return nil, nil, fmt.Errorf("assemblee: %s: an XML document that is not a question: %w", pageURL, ErrMalformed)
		}
		return nil, nil, fmt.Errorf("assemblee: %s: %w: %v", pageURL, ErrMalformed, err)
	}
	var d dates
	tr := strings.TrimSpace
	m := &question{Kind: tr(x.Type), Legislature: tr(x.Legislature)}
	for i, dp := range x.Depots {
		if n := tr(dp.Numero); n != "" && m.Number == "" {
			m.Number = n
		}
		field := fmt.Sprintf("DEPOT[%d]", i)
		if j := dp.xmlJO.jo(&d, field); j != (jo{}) {
			m.Questions = append(m.Questions, publication{JO: j})
		}
		if t := tr(dp.Texte); t != "" {
			if len(m.Questions) == 0 {
				m.Questions = append(m.Questions, publication{})
			}
			m.Questions[len(m.Questions)-1].HTML = t
		}
	}
	if m.Number != "" && m.Legislature != "" && m.Kind != "" {
		m.UID = "QANR5L" + m.Legislature + m.Kind + m.Number
	}
	if a := x.Auteur; a != nil {
		m.Author = author{Ref: ref("PA", a.Acteur), Mandate: ref("PM", a.Mandat),
			Civility: tr(a.Civilite), First: tr(a.Prenom), Last: tr(a.Nom)}
	}
	if g := x.Groupe; g != nil {
		m.Group = organ{Ref: ref("PO", g.ID), Short: tr(g.Sigle), Long: tr(g.Libelle)}
	}
	if ix := x.Indexation; ix != nil {
		m.Rubrique = tr(ix.Rubrique)
		m.Heads = trimmed(ix.Tetes)
		m.Analyses = trimmed(ix.Analyses)
	}
	if mi := x.Mini; mi != nil {
		m.Asked = organ{Ref: ref("PO", mi.ID), Short: tr(mi.Abrege), Long: tr(mi.Developpe)}
	}
	for i, a := range x.Mina {
		m.Attributions = append(m.Attributions, attribution{
			Ministry: organ{Ref: ref("PO", a.ID), Short: tr(a.Abrege), Long: tr(a.Developpe)},
			JO:       a.xmlJO.jo(&d, fmt.Sprintf("MINA/ORDRE[%d]", i)),
		})
	}
	for _, e := range x.Erratum {
		of := map[string]string{"ERRATUM_QUESTION": "question", "ERRATUM_REPONSE": "réponse"}[e.XMLName.Local]
		if of == "" {
			continue
		}
		if j := e.xmlJO.jo(&d, e.XMLName.Local); j != (jo{}) {
			m.Errata = append(m.Errata, erratum{Of: of, JO: j})
		}
	}
	if s := x.Signalement; s != nil {
		sig := signal{Deposited: d.read("SIGNALEMENT/DATE_DEPOT_SIGNAL", s.Depot), JO: s.xmlJO.jo(&d, "SIGNALEMENT")}
		if sig != (signal{}) {
			m.Signals = append(m.Signals, sig)
		}
	}
	for i, r := range x.Renouvellements {
		field := fmt.Sprintf("RENOUVELLEMENT/ORDRE[%d]", i)
		j := r.xmlJO.jo(&d, field)
		if j.Date == "" {
			j.Date = d.read(field+"/DATE_RENOUVELLEMENT", r.Date)
		}
		m.Renewals = append(m.Renewals, j)
	}
	if c := x.Cloture; c != nil && (tr(c.Code) != "" || tr(c.Libelle) != "") {
		j := c.xmlJO.jo(&d, "CLOTURE")
		m.Closure = &closure{Code: tr(c.Code), Label: tr(c.Libelle), Date: j.Date, JO: j}
	}
	for i, r := range x.Reponses {
		if tr(r.Texte) == "" && tr(r.Date) == "" {
			continue
		}
		m.Answers = append(m.Answers, publication{
			JO: jo{
				Type: "JO_QUESTION",
				Date: d.read(fmt.Sprintf("REPONSE[%d]/DATE_JO_REPONSE", i), r.Date),
				Page: tr(r.Page),
			},
			HTML: tr(r.Texte),
		})
	}
	if c := m.Closure; c != nil && len(m.Answers) > 0 && c.JO.Num != "" {
		// The view gives the answer's JO number with the closure only.
		last := &m.Answers[len(m.Answers)-1].JO
		if last.Date == c.JO.Date && last.Num == "" {
			last.Num = c.JO.Num
		}
	}
	return m, d.bad, nil
}

func trimmed(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
