// Package brussels reads the Brussels Parliament (parlement.brussels): the
// Parlement de la Région de Bruxelles-Capitale (PRB, base=1) and the
// Assemblée réunie de la Commission communautaire commune (ARCCC, base=2).
//
// Discovery reads the legislature index JSON the site's list page loads
// (/prb_includes/weblex/data/dos_qu_legis_<YY-YY>.json); Parse reads one
// question page (/weblex-quest-det/?moncode=N&base=B). Both are pure
// functions of the URL and the bytes.
package brussels

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/parlq/parlq"
)

// Identity of the source.
const (
	// SourceName is the first part of every record id.
	SourceName = "brussels"
	// ParliamentName is the parliament's full name.
	ParliamentName = "Parlement de la Région de Bruxelles-Capitale"
	// CanonicalBaseURL is the live site.
	CanonicalBaseURL = "https://www.parlement.brussels"
	// ParserVersion changes whenever Parse would produce different records
	// from the same bytes.
	//
	// 2: withdrawn questions, table rows, several addressees, cut pages
	// refused.
	ParserVersion = "brussels/2"
	// CurrentLegislature is the legislature an empty SeedOptions.Legislature means.
	CurrentLegislature = "24/29"
)

// Assemblies, as the site names them.
const (
	AssemblyPRB   = "PRB"
	AssemblyARCCC = "ARCCC"
)

// legislatures are the terms the list page offers, oldest first.
var legislatures = []string{"89/95", "95/99", "99/04", "04/09", "09/14", "14/19", "19/24", "24/29"}

// Legislatures returns every legislature the site's index covers, oldest first.
func Legislatures() []string { return append([]string(nil), legislatures...) }

// Source is the Brussels Parliament source. Its zero value is ready to use.
type Source struct{}

// New returns the Brussels source.
func New() *Source { return &Source{} }

// Name returns "brussels".
func (*Source) Name() string { return SourceName }

// Parliament returns the parliament's full name.
func (*Source) Parliament() string { return ParliamentName }

// BaseURL returns the canonical base URL of the site.
func (*Source) BaseURL() string { return CanonicalBaseURL }

// Version returns the parser version stored with every record.
func (*Source) Version() string { return ParserVersion }

// Recheck says when stored questions are fetched again: unanswered ones daily
// for 240 days after reception (the longest wait seen was 197 days), then
// weekly; answered ones daily for 14 days after the answer, for corrections.
func (*Source) Recheck() parlq.RecheckPolicy {
	const day = 24 * time.Hour
	return parlq.RecheckPolicy{
		PendingEvery:     day,
		PendingFor:       240 * day,
		PendingSlowEvery: 7 * day,
		AnsweredEvery:    day,
		AnsweredFor:      14 * day,
	}
}

var legislatureRe = regexp.MustCompile(`^([0-9]{2})[/-]([0-9]{2})$`)

// Seeds returns the index JSON URL of the selected legislature ("24/29" or
// "24-29"), of the current one when opts.Legislature is empty, or of every
// legislature for "all".
func (s *Source) Seeds(opts parlq.SeedOptions) ([]string, error) {
	var legs []string
	switch l := strings.TrimSpace(opts.Legislature); strings.ToLower(l) {
	case "":
		legs = []string{CurrentLegislature}
	case "all":
		legs = legislatures
	default:
		m := legislatureRe.FindStringSubmatch(l)
		if m == nil {
			return nil, fmt.Errorf("brussels: legislature %q is not of the form YY/YY (e.g. %s) or \"all\"", l, CurrentLegislature)
		}
		legs = []string{m[1] + "/" + m[2]}
	}
	seeds := make([]string, 0, len(legs))
	for _, l := range legs {
		seeds = append(seeds, IndexURL(CanonicalBaseURL, l))
	}
	return seeds, nil
}

// IndexURL returns the index JSON URL of a legislature ("24/29") on base.
func IndexURL(base, legislature string) string {
	return strings.TrimRight(base, "/") + "/prb_includes/weblex/data/dos_qu_legis_" + strings.ReplaceAll(legislature, "/", "-") + ".json"
}

// assemblyOf maps the site's base parameter to the assembly.
func assemblyOf(base string) (string, error) {
	switch base {
	case "1":
		return AssemblyPRB, nil
	case "2":
		return AssemblyARCCC, nil
	}
	return "", fmt.Errorf("unknown base %q (want 1 for PRB or 2 for ARCCC)", base)
}

// DetailURL returns the canonical detail page URL of a question on base
// (scheme://host): /weblex-quest-det/?moncode=N&base=B, with &lang=nl for
// the Dutch page.
func DetailURL(base, moncode, assemblyBase, lang string) string {
	u := strings.TrimRight(base, "/") + "/weblex-quest-det/?moncode=" + moncode + "&base=" + assemblyBase
	if lang == "nl" {
		u += "&lang=nl"
	}
	return u
}

// detailParams reads moncode, base and lang from a detail page URL. ok is
// false when the URL has no moncode or base.
func detailParams(raw string) (moncode, base, lang string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", "", false
	}
	q := u.Query()
	moncode, base, lang = strings.TrimSpace(q.Get("moncode")), strings.TrimSpace(q.Get("base")), strings.ToLower(strings.TrimSpace(q.Get("lang")))
	if !isDigits(moncode) || base == "" {
		return "", "", "", false
	}
	return moncode, base, lang, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// typeByCode maps the index's type code (column 15) to a question type.
func typeByCode(code string) (parlq.Type, bool) {
	switch code {
	case "1":
		return parlq.WrittenQuestion, true
	case "2":
		return parlq.OralQuestion, true
	case "3":
		return parlq.TopicalQuestion, true
	case "4":
		return parlq.Interpellation, true
	case "5":
		return parlq.RequestForExplanation, true
	}
	return "", false
}

// typePrefixes map the start of a title (lower case, apostrophes
// normalised) to a question type, French and Dutch. "jointe"/"toegevoegde"
// (a question joined to another) is handled by the caller.
var typePrefixes = []struct {
	prefix string
	typ    parlq.Type
}{
	{"question écrite", parlq.WrittenQuestion},
	{"question orale", parlq.OralQuestion},
	{"question d'actualité", parlq.TopicalQuestion},
	{"interpellation", parlq.Interpellation},
	{"demande d'explication", parlq.RequestForExplanation},
	{"schriftelijke vraag", parlq.WrittenQuestion},
	{"mondelinge vraag", parlq.OralQuestion},
	{"actualiteitsvraag", parlq.TopicalQuestion},
	{"dringende vraag", parlq.TopicalQuestion},
	{"interpellatie", parlq.Interpellation},
	{"vraag om uitleg", parlq.RequestForExplanation},
}

// typeOfTitle reads the question type from the start of a title such as
// "Question écrite concernant …" or "Toegevoegde mondelinge vraag betreffende …".
func typeOfTitle(title string) (parlq.Type, bool) {
	t := strings.ToLower(strings.TrimSpace(title))
	t = strings.NewReplacer("’", "'", "‘", "'", "`", "'").Replace(t)
	t = strings.TrimPrefix(t, "toegevoegde ")
	for _, p := range typePrefixes {
		if strings.HasPrefix(t, p.prefix) {
			return p.typ, true
		}
	}
	return "", false
}
