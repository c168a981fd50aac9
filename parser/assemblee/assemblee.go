// Package assemblee is the source for the written questions of the French
// Assemblée nationale, read from its open data.
//
// A harvest starts from the legislature's bulk dump,
// Questions_ecrites.json.zip, whose members json/<uid>.json each hold one
// question; Discover hands every member to the crawler inline
// (parlq.Ref.Document), and Parse reads one question. The same object is
// served alone at https://www.assemblee-nationale.fr/dyn/opendata/<uid>.json,
// the URL re-checks fetch. Parse also reads the older XML view of a question
// (questions.assemblee-nationale.fr/q14/14-47351QE.htm/vue/xml), the same
// question model in other words.
//
// The dumps and the reference data are on the open-data host
// (data.assemblee-nationale.fr), the per-question documents on the website
// (www.assemblee-nationale.fr); a mirror or a stand-in serves both (Hosts,
// Canonical).
//
// A question names its author and its group only by reference (acteurRef,
// organeRef); the people and bodies are in the AMO open data (actors,
// mandates, organs), the reference documents of this source
// (parlq.Referrer): WithReferences returns the source that resolves them.
// Without references Parse still reads a question, with the names the
// question itself carries.
//
// Like every source, it never does I/O: each method is a pure function of
// its arguments.
package assemblee

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parlq/parlq"
)

// Identity of the source.
const (
	// SourceName is the first part of every record id.
	SourceName = "assemblee"
	// ParliamentName is the parliament's full name.
	ParliamentName = "Assemblée nationale"
	// Assembly is the record's assembly (ids are "assemblee/an/<uid>").
	Assembly = "AN"
	// CanonicalBaseURL is the open-data host the dumps and the reference
	// data are served from.
	CanonicalBaseURL = "https://data.assemblee-nationale.fr"
	// SiteURL is the Assemblée's website: the per-question documents and
	// the question pages records link to.
	SiteURL = "https://www.assemblee-nationale.fr"
	// ParserVersion changes whenever Parse would produce different records
	// from the same bytes.
	ParserVersion = "assemblee/1"
	// CurrentLegislature is the legislature an empty SeedOptions.Legislature
	// means.
	CurrentLegislature = 17
	// FirstLegislature is the oldest legislature whose questions are open data.
	FirstLegislature = 14
)

// ErrMalformed is wrapped when a body is not the JSON, XML or zip it should be.
var ErrMalformed = errors.New("malformed document")

// Source reads the Assemblée nationale's questions. New returns it without
// reference data; WithReferences returns one that resolves actors and organs.
type Source struct {
	refs *references
}

// New returns the source without reference data.
func New() *Source { return &Source{} }

var (
	_ parlq.Source   = (*Source)(nil)
	_ parlq.Referrer = (*Source)(nil)
	_ parlq.Hosted   = (*Source)(nil)
)

// Name returns "assemblee".
func (*Source) Name() string { return SourceName }

// Parliament returns "Assemblée nationale".
func (*Source) Parliament() string { return ParliamentName }

// BaseURL returns the open-data host, where the seeds and the references are.
func (*Source) BaseURL() string { return CanonicalBaseURL }

// Version returns the parser version stored with every record.
func (*Source) Version() string { return ParserVersion }

// Recheck says when stored questions are fetched again from their own
// endpoint. Every nightly run reads the whole legislature from its dump,
// which carries every question as it stands, so re-checks are only a safety
// net against a dump that lags behind or leaves a question out: pending
// questions monthly for the five years of a legislature, answered ones never
// (a correction reaches the dump like any change).
func (*Source) Recheck() parlq.RecheckPolicy {
	const day = 24 * time.Hour
	return parlq.RecheckPolicy{
		PendingEvery: 30 * day,
		PendingFor:   5 * 365 * day,
	}
}

// Paths of the open-data repository.
const (
	repository = "/static/openData/repository/"
	// amo10Path is the sitting members, their current mandates and the
	// organs they refer to, under the current legislature's folder.
	amo10Path = "/amo/deputes_actifs_mandats_actifs_organes/AMO10_deputes_actifs_mandats_actifs_organes.json.zip"
	// amo30Path is every actor, mandate and organ since the 11th
	// legislature, published under the current legislature's folder only.
	amo30Path = "/amo/tous_acteurs_mandats_organes_xi_legislature/AMO30_tous_acteurs_tous_mandats_tous_organes_historique.json.zip"
	// questionPath is the per-question document, on the website: + <uid>.json.
	questionPath = "/dyn/opendata/"
)

// DumpURL returns the written-questions dump of a legislature on base
// (scheme://host[/prefix]). The 14th and 15th legislatures' files carry the
// legislature in Roman numerals and hold every question in one JSON file;
// from the 16th on, the file holds one member per question.
func DumpURL(base string, legislature int) string {
	name := "Questions_ecrites.json.zip"
	switch legislature {
	case 14:
		name = "Questions_ecrites_XIV.json.zip"
	case 15:
		name = "Questions_ecrites_XV.json.zip"
	}
	return strings.TrimRight(base, "/") + repository + strconv.Itoa(legislature) + "/questions/questions_ecrites/" + name
}

// ActorsURL returns the reference data a legislature's questions need on
// base: the sitting members' dump (AMO10) for the current legislature and
// later ones, the historical dump (AMO30, every member since 1997, with the
// mandates that ended) for the older ones.
func ActorsURL(base string, legislature int) string {
	base = strings.TrimRight(base, "/")
	if legislature >= CurrentLegislature {
		return base + repository + strconv.Itoa(legislature) + amo10Path
	}
	return base + repository + strconv.Itoa(CurrentLegislature) + amo30Path
}

// QuestionURL returns a question's own document, on the website.
func QuestionURL(uid string) string { return SiteURL + questionPath + uid + ".json" }

// PageURL returns a question's page on the website, the record's URL.
func PageURL(legislature, uid string) string {
	return SiteURL + "/dyn/" + legislature + "/questions/" + uid
}

// Seeds returns the dump of the selected legislature ("17", the current one
// when empty), or of every legislature since the 14th for "all".
func (*Source) Seeds(opts parlq.SeedOptions) ([]string, error) {
	base, legs, err := selection(opts)
	if err != nil {
		return nil, err
	}
	seeds := make([]string, 0, len(legs))
	for _, l := range legs {
		seeds = append(seeds, DumpURL(base, l))
	}
	return seeds, nil
}

// References returns the AMO dumps the selected legislatures' questions
// refer to (see ActorsURL), each once.
func (*Source) References(opts parlq.SeedOptions) ([]string, error) {
	base, legs, err := selection(opts)
	if err != nil {
		return nil, err
	}
	var refs []string
	seen := map[string]bool{}
	for _, l := range legs {
		if u := ActorsURL(base, l); !seen[u] {
			seen[u] = true
			refs = append(refs, u)
		}
	}
	return refs, nil
}

// selection reads the legislatures of opts (and returns the base URL).
func selection(opts parlq.SeedOptions) (string, []int, error) {
	base := CanonicalBaseURL
	switch l := strings.ToLower(strings.TrimSpace(opts.Legislature)); l {
	case "":
		return base, []int{CurrentLegislature}, nil
	case "all":
		var legs []int
		for n := FirstLegislature; n <= CurrentLegislature; n++ {
			legs = append(legs, n)
		}
		return base, legs, nil
	default:
		n, err := strconv.Atoi(l)
		if err != nil || n < FirstLegislature || n > CurrentLegislature+1 {
			return "", nil, fmt.Errorf("assemblee: legislature %q is not a number from %d to %d, or \"all\"",
				opts.Legislature, FirstLegislature, CurrentLegislature+1)
		}
		return base, []int{n}, nil
	}
}

// Hosts returns the canonical base URLs this source's URLs start with: the
// open-data host (BaseURL: dumps and reference data) and the website (the
// per-question documents re-checks fetch). A mirror or a stand-in given as
// SeedOptions.BaseURL serves both: a fetcher rewrites a URL on either host
// to it, path unchanged.
func (*Source) Hosts() []string { return []string{CanonicalBaseURL, SiteURL} }

// Canonical maps a URL fetched from a mirror or a stand-in back to the
// canonical host its path belongs to: the per-question documents
// (/dyn/opendata/…) to the website, everything else to the open-data host.
// A URL on a canonical host, or one that does not parse, is returned as it
// is.
func (*Source) Canonical(fetched string) string {
	u, err := url.Parse(fetched)
	if err != nil || u.Host == "" {
		return fetched
	}
	switch strings.ToLower(u.Host) {
	case "data.assemblee-nationale.fr", "www.assemblee-nationale.fr":
		return fetched
	}
	if strings.HasPrefix(u.Path, "/dyn/") {
		return SiteURL + u.RequestURI()
	}
	return CanonicalBaseURL + u.RequestURI()
}

// questionBase is where the per-question documents of a dump are: the
// website for the canonical open-data host, else the dump's own host and
// path prefix (a mirror or a stand-in serves both).
func questionBase(dumpURL *url.URL) string {
	if strings.EqualFold(dumpURL.Host, "data.assemblee-nationale.fr") {
		return SiteURL
	}
	prefix, _, _ := strings.Cut(dumpURL.Path, repository)
	return dumpURL.Scheme + "://" + dumpURL.Host + strings.TrimRight(prefix, "/")
}
