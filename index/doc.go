// Package index is the full-text index of parlq records: Bleve v2 (Scorch),
// one index per source under data/index/<source>/, searched together.
//
// Mapping (mapping.go, parts.go, analysis.go). A record's texts — title,
// question, answer, subject labels, further answers, in its own language
// and in every language its source translates it into — are cut into
// parts, indexed as array elements at fixed positions so that a match's
// position names its part. One stemmed field per language (text_fr, …)
// ranks; a folded unstemmed field (exact) serves quoted words, prefixes,
// fuzzy words and phrase positions; word 2- and 3-gram shingles make a
// quoted phrase a term lookup. The asker, the minister and the answering
// body are searched by free text (people), and by author: and minister:
// with their own shingles. Every analyzer folds case and accents after
// tokenizing. Keyword and date fields are indexed whole; the record is
// stored once, as JSON.
//
// Searching (collect.go, columns.go, filter.go, phrase.go). Each source's
// Scorch snapshot is searched in parallel by parlq's own collector, not
// Bleve's: one pass over the matches keeps the page's hits in a bounded
// heap, and counts facets and the date histogram from in-memory columns
// of the keyword and date fields (built from each segment's postings on
// first use). Filters are bitmaps from the same columns: a narrow one
// leads the query, a broad one is checked at each match. Stored records
// are read for the page only, and the page's hits are searched once more
// for the locations to highlight. Facets and the histogram are cached per
// query and index generation.
//
// Queries (query.go, compile.go, suggest.go). Request.Query has a small
// syntax of its own; a malformed request, or one with nothing to search,
// gives a *QueryError. Cross-lingual synonyms ("smart city" / "ville
// intelligente" / "slimme stad") come from a user-editable file
// (DefaultSynonyms) and expand unquoted words at parse time. A query that
// finds little gets a spelling suggestion from the index's own words.
//
// Writes. Put and Delete are incremental; Rebuild replaces one source's
// index atomically. Only one process may open a directory.
package index
