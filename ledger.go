package parlq

// What a source may declare about its own numbering and completeness, for
// the completeness ledger (parlq status, /sources, /metrics). Both are
// optional: the ledger never guesses either for a source that does not say.

// Numbered is a Source whose printed numbers run consecutively within
// series: the Belgian Chamber numbers each minister's questions of a
// legislature 1, 2, 3…, the Assemblée nationale each legislature's written
// questions. A number inside a series' range that no list names and the
// catalog does not hold is a gap in what parlq sees, and the ledger lists
// it. A source whose numbers do not run consecutively, or whose records do
// not tell the series, does not implement Numbered: the ledger shows no
// gaps for it.
type Numbered interface {
	// NumberSeries returns the series q's printed number runs in (a key
	// that reads well to people: "legislature 54, minister 2") and the
	// number; ok is false when q has no number in a consecutive series. q
	// may be a partial record (what a list told): its ID, Number and
	// Legislature are set when the source gives them.
	NumberSeries(q *Question) (series string, n int, ok bool)
}

// Caveated is a Source whose publisher qualifies its own data (the Belgian
// Chamber calls its open data "not necessarily up to date or complete").
// The ledger prints the caveat beside the source's counts.
type Caveated interface {
	// Caveat says, in a sentence, what the publisher says of its data.
	Caveat() string
}
