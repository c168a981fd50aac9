// Package ukparl is the source for UK Parliament written questions (House of
// Commons and House of Lords), read from the official JSON API at
// https://questions-statements-api.parliament.uk.
//
// Discovery pages the list endpoint /api/writtenquestions/questions over date
// windows (newly tabled, newly answered, newly corrected). The list truncates
// question and answer text, so every question is then fetched from the detail
// endpoint /api/writtenquestions/questions/{id}?expandMember=true, whose URL is
// built from value.id (the list's "links" hrefs do not match the ids).
//
// Records are identified as "ukparl/commons/<api id>" or "ukparl/lords/<api
// id>": the printed number (uin) is reused across sessions, the API id is not.
//
// Like every source, it never does I/O: each method is a pure function of its
// arguments.
package ukparl

import (
	"time"

	"github.com/parlq/parlq"
)

// Canonical names and addresses of the source.
const (
	name       = "ukparl"
	parliament = "UK Parliament"
	baseURL    = "https://questions-statements-api.parliament.uk"
	// siteURL is the human website; record URLs point there.
	siteURL = "https://questions-statements.parliament.uk"
	// listPath is the list endpoint; a detail is listPath + "/" + id.
	listPath = "/api/writtenquestions/questions"
	// version 2: the date for answer is an act; 3: due, table rows,
	// related questions as parlq.RelatedRef, members read by exact name.
	version = "ukparl/3"
)

// Source reads the UK Parliament written-questions API. Its fields are
// configuration; New sets the defaults.
type Source struct {
	// PageSize is the "take" of every list request.
	PageSize int
}

// New returns the source with its defaults: pages of 100 questions.
func New() *Source {
	return &Source{PageSize: 100}
}

// Name returns "ukparl", the first part of every record id.
func (*Source) Name() string { return name }

// Parliament returns "UK Parliament".
func (*Source) Parliament() string { return parliament }

// BaseURL returns the canonical API address.
func (*Source) BaseURL() string { return baseURL }

// Version changes whenever Parse would produce different records from the
// same bytes.
func (*Source) Version() string { return version }

// Recheck says when stored questions are fetched again outside the date
// windows. The windows of every harvest already bring back questions that were
// answered, given a holding answer or corrected since the previous run (the
// API lists them under answeredWhen and correctedWhen), so re-checks are only
// a slow safety net for pending questions (weekly for 180 days, then monthly:
// answers can take until the end of a session), and answered questions need
// none.
func (*Source) Recheck() parlq.RecheckPolicy {
	const day = 24 * time.Hour
	return parlq.RecheckPolicy{
		PendingEvery:     7 * day,
		PendingFor:       180 * day,
		PendingSlowEvery: 30 * day,
	}
}
