package parlq

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Source reads one parliament's site: it says what to fetch and how to read
// it, and never does I/O itself (the crawler hands it the bytes it fetched).
// Every method is a pure function of its arguments. The sources parlq knows
// are listed in package parser; adding a parliament is one package under
// parser/, its stand-in site beside it, and one line in that list.
type Source interface {
	// Name is the stable short name ("brussels"), the first part of every id.
	Name() string
	// Parliament is the full name of the parliament.
	Parliament() string
	// BaseURL is the canonical scheme://host the source's URLs start with.
	BaseURL() string
	// Version changes whenever Parse would produce different records from
	// the same bytes; it is stored with every version.
	Version() string
	// Seeds returns the index/list URLs a harvest starts from, on the
	// canonical base URL.
	Seeds(opts SeedOptions) ([]string, error)
	// Discover reads an index/list page into question references and next pages.
	Discover(url string, body []byte) (*Discovery, error)
	// Parse reads one detail page into a record. An unknown layout is a
	// *LayoutError; an error page is ErrSoftError.
	Parse(url string, body []byte) (*Question, error)
	// Normalize returns the part of a detail page whose change means the
	// question changed (never per-request tokens or site chrome).
	Normalize(url string, body []byte) ([]byte, error)
	// Recheck says when stored questions are due to be fetched again.
	Recheck() RecheckPolicy
}

// Ref is a question reference found on an index or list page, with what the
// list already tells about it.
type Ref struct {
	// ID is the record id the detail page will produce.
	ID string `json:"id"`
	// URL is the detail page (or API document) to fetch, absolute, resolved
	// against the list URL it was found on.
	URL string `json:"url"`
	// Type is the question type the list gives (sources list other types too;
	// the harvest skips them unless asked).
	Type Type `json:"type"`
	// Received is the date the list gives, "YYYY-MM-DD", or empty.
	Received string `json:"received,omitempty"`
	// Updated is the latest date the list says the question changed (tabled,
	// answered, corrected), "YYYY-MM-DD"; empty when the list does not tell.
	// A ref whose Updated is after the last fetch is re-fetched.
	Updated string `json:"updated,omitempty"`
	// Listing is the partial record the list row tells (titles in other
	// languages, author, addressees…). Parse results are completed from it
	// with MergeListing. May be nil.
	Listing *Question `json:"listing,omitempty"`
	// Document is the question's own document when the list delivers it
	// inline (an entry of a bulk dump): the crawler reads it with Parse
	// instead of fetching URL, and archives it as its own record when it
	// changed. URL stays the address of the question's own document, for
	// re-checks; nil Document on a list that delivers documents means the
	// list could not give this one, and URL is fetched.
	Document []byte `json:"-"`
}

// Accepter is a Source that says which media types its service should
// answer with (the Accept header of every request), for a service that
// negotiates the format of its answers (the Belgian Chamber's JSON or XML).
type Accepter interface {
	Accept() string
}

// Referrer is a Source whose pages name people and bodies that other
// documents describe (the Assemblée nationale's actors and organs). The
// crawler fetches and archives the reference documents before the lists,
// and reads lists and pages with the Source WithReferences returns; reparse
// and "parlq parse" do the same with archived or saved copies.
type Referrer interface {
	// References returns the URLs of the reference documents a harvest
	// needs, on the canonical base URL.
	References(opts SeedOptions) ([]string, error)
	// WithReferences returns the source that reads pages with these
	// documents. An unreadable document is an error.
	WithReferences(docs []Document) (Source, error)
}

// Hosted is a Source whose URLs are on more than one host (the Assemblée
// nationale's open data and its website). A mirror or a test stand-in
// given as the source's base URL serves all of them: the crawler rewrites a
// URL on any of Hosts to the mirror, path unchanged, and maps a URL fetched
// from the mirror back with Canonical. A Source that is not Hosted has one
// host, BaseURL.
type Hosted interface {
	// Hosts returns the canonical scheme://host of every host the source's
	// URLs are on, BaseURL among them.
	Hosts() []string
	// Canonical returns the canonical URL of a URL fetched from a mirror or
	// a stand-in (the host its path belongs to); a URL already on a
	// canonical host is returned as it is.
	Canonical(fetched string) string
}

// Document is one fetched document: the URL it came from (canonical) and
// its bytes, decoded to UTF-8 where it is text.
type Document struct {
	URL  string
	Body []byte
}

// Discovery is what one index or list page yields.
type Discovery struct {
	Refs []Ref `json:"refs"`
	// Next holds further list pages to fetch (paging), absolute URLs.
	Next []string `json:"next,omitempty"`
	// Total is the number of items the list says it has, or -1 if unknown.
	Total int `json:"total"`
}

// SeedOptions say which part of a source a harvest covers.
type SeedOptions struct {
	// Legislature selects a term ("24/29"), "all", or "" for the current one.
	Legislature string
	// Since and Until bound date-windowed discovery (zero: source default).
	Since, Until time.Time
}

// RecheckPolicy says when a stored question is due to be fetched again.
// Zero durations disable that kind of re-check.
type RecheckPolicy struct {
	// Pending questions are re-checked every PendingEvery for PendingFor
	// after reception, then every PendingSlowEvery (0: never again).
	PendingEvery     time.Duration
	PendingFor       time.Duration
	PendingSlowEvery time.Duration
	// Answered questions are re-checked every AnsweredEvery for AnsweredFor
	// after the answer date, for corrections.
	AnsweredEvery time.Duration
	AnsweredFor   time.Duration
}

// LayoutError says a page does not have the structure its parser knows: the
// site changed, or the page is not what the URL promised. It never comes with
// a partial record.
type LayoutError struct {
	URL     string
	Missing []string
}

func (e *LayoutError) Error() string {
	return fmt.Sprintf("unknown layout at %s: missing %s", e.URL, strings.Join(e.Missing, ", "))
}

// ErrSoftError is wrapped when a page served with 200 OK is an error page.
var ErrSoftError = errors.New("error page served as success")

// MergeListing completes a parsed detail record with what the list told
// about it: fields the detail page leaves empty are taken from the listing;
// translations are merged field by field. The detail page always wins. A
// list that does not know the question's language (the Belgian Chamber's
// gives titles in French and Dutch) tells them all as translations: the one
// in the record's own language completes the record's own title and
// addressee, never a translation of the record into its own language.
// The listing's addressees are taken when the page names one addressee
// that is among them (or none).
func MergeListing(q, listing *Question) {
	if q == nil || listing == nil {
		return
	}
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&q.Title, listing.Title)
	fill(&q.Number, listing.Number)
	fill(&q.Legislature, listing.Legislature)
	fill(&q.Session, listing.Session)
	fill(&q.Received, listing.Received)
	fill(&q.Author.Name, listing.Author.Name)
	fill(&q.Author.Party, listing.Author.Party)
	fill(&q.Author.ID, listing.Author.ID)
	if listing.Addressee.Name == "" || q.Addressee.Name == "" || strings.EqualFold(q.Addressee.Name, listing.Addressee.Name) {
		fill(&q.Addressee.Name, listing.Addressee.Name)
		fill(&q.Addressee.Role, listing.Addressee.Role)
		fill(&q.Addressee.Body, listing.Addressee.Body)
		fill(&q.Addressee.ID, listing.Addressee.ID)
	}
	if len(q.Addressees) == 0 && len(listing.Addressees) > 1 && (q.Addressee.Name == "" || hasPerson(listing.Addressees, q.Addressee.Name)) {
		q.Addressees = append([]Person(nil), listing.Addressees...)
	}
	sameAddressee := listing.Addressee.Name == "" || strings.EqualFold(q.Addressee.Name, listing.Addressee.Name)
	for lang, lt := range listing.Translations {
		if lang == q.Language {
			fill(&q.Title, lt.Title)
			if sameAddressee {
				fill(&q.Addressee.Role, lt.AddresseeRole)
				fill(&q.Addressee.Body, lt.AddresseeBody)
			}
			continue
		}
		if q.Translations == nil {
			q.Translations = map[string]Translation{}
		}
		t := q.Translations[lang]
		fill(&t.Title, lt.Title)
		if sameAddressee {
			fill(&t.AddresseeRole, lt.AddresseeRole)
			fill(&t.AddresseeBody, lt.AddresseeBody)
		}
		fill(&t.URL, lt.URL)
		q.Translations[lang] = t
	}
}

// hasPerson says whether one of ps is named name (ignoring case).
func hasPerson(ps []Person, name string) bool {
	for _, p := range ps {
		if strings.EqualFold(p.Name, name) {
			return true
		}
	}
	return false
}
