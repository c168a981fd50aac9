package index

import "strings"

// Facet values that are codes get a name for people: a source is named by
// its parliament (from the records), an assembly, status, type or language
// by the tables below. New parliaments add their assemblies here.

// assemblyNames names assemblies by lower-case code.
var assemblyNames = map[string]string{
	"prb":     "Parlement de la Région de Bruxelles-Capitale",
	"arccc":   "Assemblée réunie de la Commission communautaire commune",
	"commons": "House of Commons",
	"lords":   "House of Lords",
	"chamber": "Chambre des représentants / Kamer van volksvertegenwoordigers",
}

var statusNames = map[string]string{
	"pending": "Pending", "answered": "Answered", "lapsed": "Lapsed", "withdrawn": "Withdrawn",
}

var typeNames = map[string]string{
	"written_question": "Written question", "oral_question": "Oral question",
	"topical_question": "Topical question", "interpellation": "Interpellation",
	"request_for_explanation": "Request for explanation",
}

// languageNames names languages in themselves.
var languageNames = map[string]string{
	"fr": "Français", "nl": "Nederlands", "en": "English", "de": "Deutsch",
}

// label returns the name of a facet value, or "" when the value is its own
// name (a person, a legislature, a year).
func (ix *Index) label(facet, term string) string {
	if facet == "source" {
		return ix.parliament(term)
	}
	return ValueName(facet, term)
}

// ValueName returns the name for people of a value that is a code: an
// assembly ("commons" → "House of Commons"), a status, a question type, a
// language; "" when the value names itself or is not known. Source codes
// are named by Index.Label, from the records.
func ValueName(facet, term string) string {
	switch facet {
	case "assembly":
		return assemblyNames[strings.ToLower(term)]
	case "status":
		return statusNames[term]
	case "type":
		return typeNames[term]
	case "language":
		return languageNames[term]
	}
	return ""
}

// Label returns the name for people of a value of a facet or filter (the
// parliament's name of a source code, an assembly's name, "Written
// question" for written_question), or "" when the value names itself.
func (ix *Index) Label(facet, value string) string { return ix.label(facet, value) }

// parliament returns the name of a source's parliament, as its records
// give it.
func (ix *Index) parliament(source string) string {
	ix.parlMu.Lock()
	defer ix.parlMu.Unlock()
	if name, ok := ix.parliaments[source]; ok {
		return name
	}
	ix.mu.RLock()
	bi := ix.sources[source]
	ix.mu.RUnlock()
	name := ""
	if bi != nil {
		if d, err := bi.FieldDict(fieldParliament); err == nil {
			if e, err := d.Next(); err == nil && e != nil {
				name = e.Term
			}
			d.Close()
		}
	}
	if name != "" {
		ix.parliaments[source] = name
	}
	return name
}
