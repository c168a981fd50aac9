package index

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/parlq/parlq"
)

// Field names in the Bleve documents.
//
// Ranking and matching read few fields: one stemmed field per language
// (text_fr, …) holding every part of the record in that language (see
// parts.go), word 2- and 3-gram shingles of all of them (a quoted phrase of
// two or three words is one term lookup), and the people of the record.
// The exact field (folded, unstemmed) serves quoted words, prefixes, fuzzy
// words, phrase positions and the "did you mean" vocabulary. Keyword fields
// are indexed whole; filters, facets, sorting and the date histogram read
// them through in-memory columns (columns.go), not Bleve's doc values. Text
// is never stored: the whole record is stored once, as JSON, and
// highlights are cut from it with the term locations of the page's hits.
const (
	recordField     = "record"
	fieldTextPrefix = "text_"
	fieldTextOther  = "text_xx" // languages without a stemmer
	fieldExact      = "exact"
	fieldShingle    = "shingle"
	// fieldPeople holds the names of the asker, the minister and the
	// answering body, searched by free text. The asker's and the
	// addressee's words are also fields of their own (author:, minister:),
	// with their word shingles: a name is a term lookup, and a full name
	// typed as free text ranks its person's questions first.
	fieldPeople      = "people"
	fieldAuthorTxt   = "author_text"
	fieldAddrTxt     = "addressee_text"
	fieldAuthorShing = "author_shingle"
	fieldAddrShing   = "addressee_shingle"
	fieldSubjectTxt  = "subject_text"
	// Lookups of a typed identifier.
	fieldNumber = "number"
	fieldNative = "native"
	fieldURL    = "url"
	// Keyword fields read as columns.
	fieldSource     = "source"
	fieldParliament = "parliament"
	fieldAssembly   = "assembly"
	fieldLegis      = "legislature"
	fieldSession    = "session"
	fieldStatus     = "status"
	fieldType       = "type"
	fieldLanguage   = "language"
	fieldAuthor     = "author"
	fieldAddressee  = "addressee"
	fieldDepartment = "department"
	fieldParty      = "party"
	fieldSubject    = "subject"
	fieldReceived   = "received"
	fieldAnswered   = "answered"
	fieldPublished  = "published"
	fieldDue        = "due"
)

// keywordFields are the columns: single-valued but subject.
var keywordFields = []string{
	fieldSource, fieldParliament, fieldAssembly, fieldLegis, fieldSession, fieldStatus, fieldType,
	fieldLanguage, fieldAuthor, fieldAddressee, fieldDepartment, fieldParty, fieldSubject,
}

// dateFields are the record's dates, indexed as "YYYY-MM-DD" keywords and
// read as day-number columns.
var dateFields = []string{fieldReceived, fieldAnswered, fieldPublished, fieldDue}

// mappingOptions toggles the costly parts of the mapping; the defaults are
// what Open uses, the others exist to measure their cost (BenchmarkMappingCost).
type mappingOptions struct {
	storeRecord bool // store the record JSON (Hit.Record without the catalog)
	termVectors bool // term vectors on the text fields (highlights)
}

func defaultMappingOptions() mappingOptions {
	return mappingOptions{storeRecord: true, termVectors: true}
}

// newMapping builds the index mapping. Every field is explicit; nothing is
// dynamic and nothing goes into the composite _all field.
func newMapping(o mappingOptions) (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	im.DefaultAnalyzer = exactAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	dm := mapping.NewDocumentMapping()
	dm.Dynamic = false
	text := func(analyzer string, vectors bool) *mapping.FieldMapping {
		return &mapping.FieldMapping{Type: "text", Analyzer: analyzer, Index: true, IncludeTermVectors: vectors}
	}
	for _, lang := range languageList {
		dm.AddFieldMappingsAt(fieldTextPrefix+lang, text(stemAnalyzerBase+lang, o.termVectors))
	}
	dm.AddFieldMappingsAt(fieldTextOther, text(exactAnalyzer, o.termVectors))
	// Phrases of four words and more are checked against positions here.
	dm.AddFieldMappingsAt(fieldExact, text(exactAnalyzer, true))
	dm.AddFieldMappingsAt(fieldShingle, text(shingleAnalyzer, false))
	dm.AddFieldMappingsAt(fieldPeople, text(exactAnalyzer, false))
	dm.AddFieldMappingsAt(fieldAuthorTxt, text(exactAnalyzer, false))
	dm.AddFieldMappingsAt(fieldAddrTxt, text(exactAnalyzer, false))
	dm.AddFieldMappingsAt(fieldAuthorShing, text(shingleAnalyzer, false))
	dm.AddFieldMappingsAt(fieldAddrShing, text(shingleAnalyzer, false))
	// Subject phrases are checked against positions.
	dm.AddFieldMappingsAt(fieldSubjectTxt, text(exactAnalyzer, true))
	for _, f := range append(append([]string{fieldNumber, fieldNative, fieldURL}, keywordFields...), dateFields...) {
		dm.AddFieldMappingsAt(f, &mapping.FieldMapping{Type: "text", Analyzer: keyword.Name, Index: true})
	}
	if o.storeRecord {
		dm.AddFieldMappingsAt(recordField, &mapping.FieldMapping{Type: "text", Analyzer: keyword.Name, Store: true})
	}
	im.DefaultMapping = dm
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	return im, nil
}

// document turns a record into the Bleve document the mapping describes.
func document(q *parlq.Question) (map[string]any, error) {
	rec, err := json.Marshal(q)
	if err != nil {
		return nil, fmt.Errorf("encode record %s: %w", q.ID, err)
	}
	d := map[string]any{recordField: string(rec)}
	for field, parts := range fieldArrays(q) {
		d[field] = parts
	}
	people := []string{q.Author.Name, q.Addressee.Name, q.Addressee.Body}
	addressee := []string{q.Addressee.Name, q.Addressee.Role, q.Addressee.Body}
	for _, t := range q.Translations {
		addressee = append(addressee, t.AddresseeRole)
	}
	for _, a := range q.Answers {
		if p := a.Answerer; p != nil {
			people = append(people, p.Name, p.Body)
			addressee = append(addressee, p.Name, p.Role, p.Body)
		}
	}
	var subjectText []string
	var subjects []string
	for _, s := range q.Subjects {
		for _, l := range sortedKeys(s.Labels) {
			subjectText = append(subjectText, s.Labels[l])
		}
		if label := subjectLabel(s); label != "" {
			subjects = append(subjects, label)
		}
	}
	arrays := map[string][]string{
		fieldPeople:    people,
		fieldAuthorTxt: {q.Author.Name, q.Author.Party}, fieldAddrTxt: addressee,
		fieldAuthorShing: {q.Author.Name, q.Author.Party}, fieldAddrShing: addressee,
		fieldSubjectTxt: subjectText, fieldSubject: subjects,
	}
	for f, vs := range arrays {
		var keep []string
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				keep = append(keep, v)
			}
		}
		if len(keep) > 0 {
			d[f] = keep
		}
	}
	_, native, _ := strings.Cut(strings.TrimPrefix(q.ID, q.Source+"/"), "/")
	for f, v := range map[string]string{
		fieldSource: q.Source, fieldParliament: q.Parliament, fieldAssembly: q.Assembly,
		fieldLegis: q.Legislature, fieldSession: q.Session, fieldStatus: string(q.Status),
		fieldType: string(q.Type), fieldLanguage: q.Language, fieldAuthor: q.Author.Name,
		fieldAddressee: q.Addressee.Name, fieldDepartment: q.Addressee.Body, fieldParty: q.Author.Party,
		fieldNumber: lookupKey(q.Number), fieldNative: lookupKey(native), fieldURL: q.URL,
	} {
		if v = strings.TrimSpace(v); v != "" {
			d[f] = v
		}
	}
	for _, dt := range []struct{ name, v string }{
		{fieldReceived, q.Received}, {fieldPublished, q.Published}, {fieldAnswered, q.Answered}, {fieldDue, q.Due},
	} {
		if dt.v == "" {
			continue
		}
		if _, err := time.Parse(parlq.DateLayout, dt.v); err != nil {
			return nil, fmt.Errorf("record %s: %s date %q: %w", q.ID, dt.name, dt.v, err)
		}
		d[dt.name] = dt.v
	}
	return d, nil
}

// lookupKey is the form a printed number or native id is indexed and looked
// up in: folded, lower case, without spaces.
func lookupKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(fold(s))), "")
}

// subjectLabel is the value a subject has in the subject facet and filter:
// its label in English, French or Dutch, or else in any language.
func subjectLabel(s parlq.Subject) string {
	return strings.TrimSpace(s.Label("en", "fr", "nl"))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
