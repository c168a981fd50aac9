package index

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/parlq/parlq"
)

// Field names in the Bleve documents. The text of a record is indexed twice:
// once stemmed, in the field of its language (title_fr, question_nl, …), and
// once unstemmed in <name>_exact, which quoted phrases use. Text is never
// stored: the whole record is stored once, as JSON in recordField, and
// highlights are cut from it with the term locations Bleve returns.
const (
	recordField    = "record"
	exactSuffix    = "_exact"
	exactAnalyzer  = "parlq_exact"
	fieldReceived  = "received"
	fieldPublished = "published"
	fieldAnswered  = "answered"
	fieldDays      = "days_to_answer"
	fieldAuthorTxt = "author_text"
	fieldAddrTxt   = "addressee_text"
)

// textFields are the record's full-text fields, in display order.
var textFields = []string{"title", "question", "answer"}

// languages maps a record language to the Bleve analyzer of its stemmed
// fields. Records in other languages are indexed in the exact fields only.
// Adding a language is one line here (and a reindex).
var languages = map[string]string{
	"fr": fr.AnalyzerName,
	"nl": nl.AnalyzerName,
	"en": en.AnalyzerName,
}

// languageList is languages' keys in a fixed order, for stable queries.
var languageList = []string{"en", "fr", "nl"}

// keywordFields are indexed whole (keyword analyzer), with doc values for
// facets, filters and sorting.
var keywordFields = []string{
	"source", "assembly", "legislature", "session", "status", "type",
	"language", "number", "author", "addressee", "year",
}

// mappingOptions toggles the costly parts of the mapping; the defaults are
// what Open uses, the others exist to measure their cost (BenchmarkMappingCost).
type mappingOptions struct {
	storeRecord     bool // store the record JSON (Hit.Record without the catalog)
	langTermVectors bool // term vectors on stemmed fields (highlight stemmed matches)
}

func defaultMappingOptions() mappingOptions {
	return mappingOptions{storeRecord: true, langTermVectors: true}
}

// newMapping builds the index mapping. Every field is explicit; nothing is
// dynamic and nothing goes into the composite _all field.
func newMapping(o mappingOptions) (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	err := im.AddCustomAnalyzer(exactAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name},
	})
	if err != nil {
		return nil, fmt.Errorf("exact analyzer: %w", err)
	}
	im.DefaultAnalyzer = exactAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	dm := mapping.NewDocumentMapping()
	dm.Dynamic = false
	text := func(analyzer string, vectors bool) *mapping.FieldMapping {
		return &mapping.FieldMapping{
			Type: "text", Analyzer: analyzer, Index: true,
			IncludeTermVectors: vectors,
		}
	}
	for _, f := range textFields {
		for _, lang := range languageList {
			dm.AddFieldMappingsAt(f+"_"+lang, text(languages[lang], o.langTermVectors))
		}
		// Exact fields always keep term vectors: phrase queries need positions.
		dm.AddFieldMappingsAt(f+exactSuffix, text(exactAnalyzer, true))
	}
	dm.AddFieldMappingsAt(fieldAuthorTxt, text(exactAnalyzer, true))
	dm.AddFieldMappingsAt(fieldAddrTxt, text(exactAnalyzer, true))
	for _, f := range keywordFields {
		dm.AddFieldMappingsAt(f, &mapping.FieldMapping{
			Type: "text", Analyzer: keyword.Name, Index: true, DocValues: true,
		})
	}
	for _, f := range []string{fieldReceived, fieldPublished, fieldAnswered} {
		dm.AddFieldMappingsAt(f, &mapping.FieldMapping{Type: "datetime", Index: true, DocValues: true})
	}
	dm.AddFieldMappingsAt(fieldDays, &mapping.FieldMapping{Type: "number", Index: true, DocValues: true})
	if o.storeRecord {
		dm.AddFieldMappingsAt(recordField, &mapping.FieldMapping{
			Type: "text", Analyzer: keyword.Name, Store: true,
		})
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
	d := map[string]any{
		recordField:    string(rec),
		"source":       q.Source,
		"assembly":     q.Assembly,
		"legislature":  q.Legislature,
		"session":      q.Session,
		"status":       string(q.Status),
		"type":         string(q.Type),
		"language":     q.Language,
		"number":       q.Number,
		"author":       q.Author.Name,
		"addressee":    q.Addressee.Name,
		fieldAuthorTxt: joinNonEmpty(q.Author.Name, q.Author.Party),
		fieldAddrTxt:   joinNonEmpty(q.Addressee.Name, q.Addressee.Role, q.Addressee.Body),
	}
	for k, v := range d {
		if s, ok := v.(string); ok && s == "" {
			delete(d, k)
		}
	}
	texts := []string{q.Title, q.Question, q.Answer}
	_, stemmed := languages[q.Language]
	for i, f := range textFields {
		if texts[i] == "" {
			continue
		}
		d[f+exactSuffix] = texts[i]
		if stemmed {
			d[f+"_"+q.Language] = texts[i]
		}
	}
	for _, dt := range []struct{ name, v string }{
		{fieldReceived, q.Received}, {fieldPublished, q.Published}, {fieldAnswered, q.Answered},
	} {
		if dt.v == "" {
			continue
		}
		t, err := time.Parse(parlq.DateLayout, dt.v)
		if err != nil {
			return nil, fmt.Errorf("record %s: %s date %q: %w", q.ID, dt.name, dt.v, err)
		}
		d[dt.name] = t
		if dt.name == fieldReceived {
			d["year"] = strconv.Itoa(t.Year())
		}
	}
	if n := q.DaysToAnswer(); n >= 0 {
		d[fieldDays] = float64(n)
	}
	return d, nil
}

func joinNonEmpty(parts ...string) string {
	var s string
	for _, p := range parts {
		if p == "" {
			continue
		}
		if s != "" {
			s += "\n"
		}
		s += p
	}
	return s
}
