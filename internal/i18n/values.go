package i18n

import (
	"strings"

	"github.com/parlq/parlq/index"
)

// Names of coded values in French and Dutch; English names are the
// index's (index.ValueName), which stay the default everywhere.
var valueNames = map[Lang]map[string]map[string]string{
	FR: {
		"status": {"pending": "En attente", "answered": "Répondue", "lapsed": "Caduque", "withdrawn": "Retirée"},
		"type": {"written_question": "Question écrite", "oral_question": "Question orale", "topical_question": "Question d'actualité",
			"interpellation": "Interpellation", "request_for_explanation": "Demande d'explications"},
		"assembly": {
			"prb": "Parlement de la Région de Bruxelles-Capitale", "arccc": "Assemblée réunie de la Commission communautaire commune",
			"commons": "Chambre des communes", "lords": "Chambre des lords", "chamber": "Chambre des représentants",
			"an": "Assemblée nationale",
		},
	},
	NL: {
		"status": {"pending": "Onbeantwoord", "answered": "Beantwoord", "lapsed": "Vervallen", "withdrawn": "Ingetrokken"},
		"type": {"written_question": "Schriftelijke vraag", "oral_question": "Mondelinge vraag", "topical_question": "Actualiteitsvraag",
			"interpellation": "Interpellatie", "request_for_explanation": "Vraag om uitleg"},
		"assembly": {
			"prb": "Brussels Hoofdstedelijk Parlement", "arccc": "Verenigde Vergadering van de Gemeenschappelijke Gemeenschapscommissie",
			"commons": "Lagerhuis (House of Commons)", "lords": "Hogerhuis (House of Lords)", "chamber": "Kamer van volksvertegenwoordigers",
			"an": "Assemblée nationale (Frankrijk)",
		},
	},
}

// sourceNames name the parliaments of the sources in French and Dutch;
// in English a source is named as its records name it.
var sourceNames = map[Lang]map[string]string{
	FR: {"brussels": "Parlement de la Région de Bruxelles-Capitale", "bechamber": "Chambre des représentants de Belgique",
		"ukparl": "Parlement du Royaume-Uni", "assemblee": "Assemblée nationale (France)"},
	NL: {"brussels": "Brussels Hoofdstedelijk Parlement", "bechamber": "Belgische Kamer van volksvertegenwoordigers",
		"ukparl": "Parlement van het Verenigd Koninkrijk", "assemblee": "Assemblée nationale (Frankrijk)"},
}

// Value names a coded value of a facet or field in l: a status, a
// question type, an assembly, a language (languages are named in
// themselves, whatever the interface language: "Nederlands"). It returns
// "" when the value names itself (a person, a year) or is not known.
func (l Lang) Value(facet, term string) string {
	if facet == "assembly" {
		term = strings.ToLower(term)
	}
	if n := valueNames[l][facet][term]; n != "" {
		return n
	}
	return index.ValueName(facet, term)
}

// Source names a source's parliament in l; fallback (the name its records
// give, which English uses) when l has none.
func (l Lang) Source(code, fallback string) string {
	if n := sourceNames[l][code]; n != "" {
		return n
	}
	return fallback
}

// languageNames name languages in the sentences of French and Dutch
// ("Titre en néerlandais"); English uses the names languages give
// themselves, as the language facet does.
var languageNames = map[Lang]map[string]string{
	FR: {"fr": "français", "nl": "néerlandais", "en": "anglais", "de": "allemand"},
	NL: {"fr": "het Frans", "nl": "het Nederlands", "en": "het Engels", "de": "het Duits"},
}

// LanguageName names a language code within a sentence of l ("Answer in
// %s"); the code itself when unknown.
func (l Lang) LanguageName(code string) string {
	if n := languageNames[l][code]; n != "" {
		return n
	}
	if n := index.ValueName("language", code); n != "" {
		return n
	}
	return code
}

// statusNotes explain, in English, the statuses and answer kinds readers
// ask about; the catalogs translate them.
var statusNotes = map[string]string{
	"pending":   "Not answered yet.",
	"answered":  "An answer has been published.",
	"lapsed":    "Lapsed: the question fell without an answer when the session or the legislature ended (at an election, for instance); it will not be answered.",
	"withdrawn": "Withdrawn: the member who asked it took the question back before it was answered.",
	"holding":   "Holding answer: the minister replied that the full answer will follow; the question stays open until it comes.",
}

// StatusNote explains a status ("lapsed", "withdrawn", "pending",
// "answered") or the holding answer ("holding") in one sentence; "" for
// anything else.
func (l Lang) StatusNote(status string) string {
	if n := statusNotes[status]; n != "" {
		return l.T(n)
	}
	return ""
}
