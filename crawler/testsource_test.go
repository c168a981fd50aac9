package crawler

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/brussels/brusselstest"
)

// testSource reads the replay site's pages (the Brussels markup) so that the
// crawler is tested independently of the real Brussels parser.
type testSource struct {
	version string
}

var _ parlq.Source = testSource{}

func (testSource) Name() string       { return "brussels" }
func (testSource) Parliament() string { return "Parlement de la Région de Bruxelles-Capitale" }
func (testSource) BaseURL() string    { return brusselstest.CanonicalBase }
func (s testSource) Version() string {
	if s.version == "" {
		return "test-1"
	}
	return s.version
}

func (testSource) Seeds(opts parlq.SeedOptions) ([]string, error) {
	base := brusselstest.CanonicalBase
	leg := opts.Legislature
	if leg == "" {
		leg = "24/29"
	}
	return []string{base + brusselstest.IndexPath(leg)}, nil
}

var typeByCode = map[string]parlq.Type{
	"1": parlq.WrittenQuestion, "2": parlq.OralQuestion, "3": parlq.TopicalQuestion,
	"4": parlq.Interpellation, "5": parlq.RequestForExplanation,
}

var hrefRe = regexp.MustCompile(`href="([^"]+)"`)

func (testSource) Discover(listURL string, body []byte) (*parlq.Discovery, error) {
	var doc struct {
		Data [][]string `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, &parlq.LayoutError{URL: listURL, Missing: []string{"index JSON: " + err.Error()}}
	}
	base, err := url.Parse(listURL)
	if err != nil {
		return nil, err
	}
	d := &parlq.Discovery{Total: -1}
	for i, row := range doc.Data {
		if len(row) != 16 {
			return nil, &parlq.LayoutError{URL: listURL, Missing: []string{fmt.Sprintf("row %d: 16 columns", i)}}
		}
		m := hrefRe.FindStringSubmatch(row[2])
		if m == nil {
			return nil, &parlq.LayoutError{URL: listURL, Missing: []string{fmt.Sprintf("row %d: link", i)}}
		}
		link, err := base.Parse(html.UnescapeString(m[1]))
		if err != nil {
			return nil, err
		}
		id, err := idOf(link.String())
		if err != nil {
			return nil, err
		}
		ref := parlq.Ref{ID: id, URL: link.String(), Type: typeByCode[row[15]],
			Listing: &parlq.Question{Title: html.UnescapeString(row[8]), Translations: map[string]parlq.Translation{
				"nl": {Title: html.UnescapeString(row[9])}}}}
		if t, err := time.Parse("02/01/2006", row[5]); err == nil {
			ref.Received = t.Format(parlq.DateLayout)
		}
		d.Refs = append(d.Refs, ref)
	}
	return d, nil
}

func idOf(u string) (string, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	q := pu.Query()
	m, err := strconv.Atoi(q.Get("moncode"))
	if err != nil {
		return "", fmt.Errorf("%s: no moncode", u)
	}
	asm := "PRB"
	if q.Get("base") == "2" {
		asm = "ARCCC"
	}
	return parlq.MakeID("brussels", asm, strconv.Itoa(m)), nil
}

var (
	sectionRe   = regexp.MustCompile(`(?s)<section id="weblex-quest-det-fr".*?</section>`)
	titleRe     = regexp.MustCompile(`(?s)<h3>(.*?)</h3>`)
	authorRe    = regexp.MustCompile(`<dt>de </dt><b><dd>(.*?)</dd>`)
	addresseeRe = regexp.MustCompile(`<dd><b>(.*?)</b>, (.*?) \(question n&deg;(\d+)\)</dd>`)
	receivedRe  = regexp.MustCompile(`Date de r&eacute;ception:</b>\s*([\d/]*)`)
	answeredRe  = regexp.MustCompile(`Date de r&eacute;ponse:</b>\s*([\d/]*)`)
	publishedRe = regexp.MustCompile(`Date de publication:</b>\s*([\d/]*)`)
	sessionRe   = regexp.MustCompile(`Session:</b>\s*([\d/]+)`)
	legRe       = regexp.MustCompile(`L&eacute;gislature:</b>\s*([\d/]+)`)
	questionRe  = regexp.MustCompile(`(?s)<b>Question &nbsp;&nbsp;</b>\s*<td valign="top">(.*?)</td>`)
	answerRe    = regexp.MustCompile(`(?s)<b>R&eacute;ponse &nbsp;&nbsp;</b>\s*<td valign="top">(.*?)</td>`)
	tagRe       = regexp.MustCompile(`(?s)<[^>]*>`)
	brRe        = regexp.MustCompile(`(?i)<br\s*/?>`)
)

func text(s string) string {
	s = brRe.ReplaceAllString(s, "\n")
	s = tagRe.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func pageDate(re *regexp.Regexp, section string) string {
	m := re.FindStringSubmatch(section)
	if m == nil {
		return ""
	}
	t, err := time.Parse("02/01/2006", m[1])
	if err != nil {
		return ""
	}
	return t.Format(parlq.DateLayout)
}

func (testSource) Normalize(u string, body []byte) ([]byte, error) {
	sec := sectionRe.Find(body)
	if sec == nil {
		return nil, &parlq.LayoutError{URL: u, Missing: []string{"section#weblex-quest-det-fr"}}
	}
	return sec, nil
}

func (s testSource) Parse(u string, body []byte) (*parlq.Question, error) {
	secb, err := s.Normalize(u, body)
	if err != nil {
		return nil, err
	}
	sec := string(secb)
	tm := titleRe.FindStringSubmatch(sec)
	if tm == nil {
		return nil, fmt.Errorf("%s: empty question section: %w", u, parlq.ErrSoftError)
	}
	id, err := idOf(u)
	if err != nil {
		return nil, err
	}
	q := &parlq.Question{
		ID: id, Source: "brussels", Parliament: s.Parliament(), URL: u, Language: "fr",
		Type: parlq.WrittenQuestion, Title: text(tm[1]),
		Assembly: strings.ToUpper(strings.Split(id, "/")[1]),
	}
	if m := authorRe.FindStringSubmatch(sec); m != nil {
		q.Author.Name = text(m[1])
	}
	if m := addresseeRe.FindStringSubmatch(sec); m != nil {
		q.Addressee = parlq.Person{Name: text(m[1]), Role: text(m[2])}
		q.Number = m[3]
	}
	q.Received = pageDate(receivedRe, sec)
	q.Published = pageDate(publishedRe, sec)
	q.Answered = pageDate(answeredRe, sec)
	if m := sessionRe.FindStringSubmatch(sec); m != nil {
		q.Session = m[1]
	}
	if m := legRe.FindStringSubmatch(sec); m != nil {
		q.Legislature = m[1]
	}
	if m := questionRe.FindStringSubmatch(sec); m != nil {
		q.Question = text(m[1])
	}
	if m := answerRe.FindStringSubmatch(sec); m != nil {
		q.Answer = text(m[1])
	}
	switch {
	case q.Answer != "":
		q.Status = parlq.Answered
	case strings.Contains(sec, "Caduc(que)"):
		q.Status = parlq.Lapsed
	case strings.Contains(sec, "Retir&eacute;e par son auteur."):
		q.Status = parlq.Withdrawn
	default:
		q.Status = parlq.Pending
	}
	return q, nil
}

func (testSource) Recheck() parlq.RecheckPolicy {
	return parlq.RecheckPolicy{
		PendingEvery: 24 * time.Hour, PendingFor: 240 * 24 * time.Hour, PendingSlowEvery: 7 * 24 * time.Hour,
		AnsweredEvery: 24 * time.Hour, AnsweredFor: 14 * 24 * time.Hour,
	}
}
