// Package bechamber is the source for the written questions of the Belgian
// Chamber of Representatives (Questions et Réponses écrites / Schriftelijke
// Vragen en Antwoorden, QRVA), read from the Chamber's open data service at
// http://data.dekamer.be/v0/qrva.
//
// Discovery pages a legislature's list, /v0/qrva?leg=<L>&start=<offset>
// ({"disclaimer", "start", "total", "items": […]}), by its start offset;
// every item names its document, fetched from /v0/qrva/<SDOCNAME>. The
// service answers in JSON ({"disclaimer", "items": [one document]}) or XML
// (<result><items><QRVADOC>…), with the same field names; both are read into
// the same record. An unknown document is answered with 200 and no item: an
// error page served as success (parlq.ErrSoftError).
//
// Every question and answer is published in French and Dutch: the record's
// language is the one the question was asked in (LANG), the other one is in
// Translations (and in each answer's Translations).
//
// Records are identified as "bechamber/chamber/<L>-<P>-<NNNN>-<DOCNAME>":
// the SDOCNAME without its bulletin part. The SDOCNAME of a question not yet
// printed in a bulletin has an empty bulletin part ("55--4-0231-…") that
// becomes the bulletin's number once it is printed ("55-Bnnn-4-0231-…"), so
// the SDOCNAME itself is not a stable key; the rest of it is: the
// legislature, the minister's order of precedence, the question's number for
// that minister, and the question's document number (shared by the copies of
// a question put to several ministers, hence not enough alone).
//
// Like every source, it never does I/O: each method is a pure function of
// its arguments.
package bechamber

import (
	"time"

	"github.com/parlq/parlq"
)

// Canonical names and addresses of the source.
const (
	name       = "bechamber"
	parliament = "Chambre des représentants / Kamer van volksvertegenwoordigers"
	assembly   = "chamber"
	baseURL    = "http://data.dekamer.be"
	// listPath is the list endpoint; a document is listPath + "/" + SDOCNAME.
	listPath = "/v0/qrva"
	version  = "bechamber/1"
)

// Legislatures the service is known to serve: 54 (2014–2019, the saved
// responses), 56 (2024–, known to answer) and, between them, 55. Older ones
// may exist; they are asked for by number.
var knownLegislatures = []int{54, 55, 56}

// CurrentLegislature is the legislature a harvest covers when none is given.
const CurrentLegislature = 56

// Source reads the Chamber's QRVA open data. It has no configuration; New
// returns it.
type Source struct{}

// New returns the source.
func New() *Source { return &Source{} }

// Name returns "bechamber", the first part of every record id.
func (*Source) Name() string { return name }

// Accept asks the service for JSON; an XML answer is read too (how the
// service chooses is not known, so both are accepted).
func (*Source) Accept() string { return "application/json, application/xml;q=0.5" }

var _ parlq.Accepter = (*Source)(nil)

// Parliament returns the Chamber's name in French and Dutch.
func (*Source) Parliament() string { return parliament }

// BaseURL returns the canonical address of the open data service.
func (*Source) BaseURL() string { return baseURL }

// Version changes whenever Parse would produce different records from the
// same bytes.
func (*Source) Version() string { return version }

// Recheck says when stored questions are fetched again.
//
// A minister has five weeks to answer (the deadline DELAIDAT is 35–36 days
// after reception in the saved responses). The list tells when a question's
// status turns to answerReceived, and the crawler then fetches it at once;
// re-checks are for what the list does not show: a translation or a text
// completed, an answer printed in a bulletin, a second answer, a replaced
// one. So a pending question is fetched daily until a week after its
// deadline (six weeks from reception), when answers arrive, then weekly for
// as long as it stays open: overdue questions are printed without an answer
// and may still be answered months later. An answered question is fetched
// weekly for 90 days after its answer (after its last change while the
// answer has no date yet): the answer is printed in a bulletin some weeks
// after it is received, and additional or corrected answers follow it.
func (*Source) Recheck() parlq.RecheckPolicy {
	const day = 24 * time.Hour
	return parlq.RecheckPolicy{
		PendingEvery:     day,
		PendingFor:       42 * day,
		PendingSlowEvery: 7 * day,
		AnsweredEvery:    7 * day,
		AnsweredFor:      90 * day,
	}
}
