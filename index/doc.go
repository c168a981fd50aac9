// Package index is the full-text index of parlq records: Bleve v2, one index
// per source under data/index/<source>/, searched together through a
// bleve.IndexAlias.
//
// Mapping. A record's title, question and answer are indexed twice: stemmed
// with the analyzer of the record's language (fr, nl, en; fields title_fr,
// question_nl, …), and unstemmed (unicode tokenizer + lower case; fields
// title_exact, …) for exact phrases. A query searches every language's
// fields, so it finds records in all of them. Keyword fields (source,
// assembly, legislature, session, status, type, language, number, author
// and addressee names, year of reception) serve filters, facets and field
// prefixes; received, published and answered are datetimes; days_to_answer
// is a number. No text is stored twice: the record is stored once, as JSON,
// and highlights are cut from it with the term locations (term vectors)
// Bleve returns, HTML-escaped, with matches in <mark>…</mark>.
//
// Queries. Request.Query has a small syntax of its own, parsed here into
// Bleve queries (see Request.Query); a malformed request gives a
// *QueryError. Cross-lingual synonyms ("smart city" / "ville intelligente"
// / "slimme stad") come from a user-editable file (DefaultSynonyms) and are
// expanded at parse time.
//
// Writes. Put and Delete are incremental; Rebuild replaces one source's
// index atomically. Only one process may open a directory.
package index
