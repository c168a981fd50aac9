package bechamber_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/crawler/crawlertest"
	"github.com/parlq/parlq/parser/bechamber"
	"github.com/parlq/parlq/parser/bechamber/bechambertest"
)

// These tests read the real saved responses in place (never copied: what
// they expect is read from the responses themselves, field by field, and
// only the transformations are stated here).

func realDir(t testing.TB) string {
	t.Helper()
	dir, err := bechambertest.FixturesDir()
	if errors.Is(err, crawlertest.ErrNoFixtures) {
		t.Skipf("real Chamber fixtures absent: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// rawDoc is a saved document's fields as the test reads them, without the
// parser.
type rawDoc = bechambertest.Fields

func rawDocs(t *testing.T, body []byte) []rawDoc {
	t.Helper()
	docs, err := bechambertest.SavedFields(body)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func words(s string) string { return strings.Join(strings.Fields(s), " ") }

var nameParts = regexp.MustCompile(`^(\d+)-(B\d+)?-(\d+)-(\d+)-(\d+)$`)

// wantID is the record id the test derives from a document name: the name
// without its bulletin, the number on four digits.
func wantID(t *testing.T, sdoc string) string {
	t.Helper()
	m := nameParts.FindStringSubmatch(sdoc)
	if m == nil {
		t.Fatalf("saved document name %q has an unknown form", sdoc)
	}
	n, _ := strconv.Atoi(m[4])
	return "bechamber/chamber/" + m[1] + "-" + m[3] + "-" + leftPad(n) + "-" + m[5]
}

func leftPad(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

func day(t *testing.T, yyyymmdd string) string {
	t.Helper()
	d, err := time.Parse("20060102", strings.TrimSpace(yyyymmdd))
	if err != nil {
		t.Fatalf("saved date %q: %v", yyyymmdd, err)
	}
	return d.Format(parlq.DateLayout)
}

// autParts splits a saved AUT by the test's own reading: lines, the last
// one the party.
func autParts(aut string) (name, party string) {
	var lines []string
	for _, l := range strings.Split(aut, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, strings.TrimSuffix(l, ","))
		}
	}
	return strings.Join(lines[:len(lines)-1], " "), lines[len(lines)-1]
}

// sentences counts the full stops and question marks glued to a capital
// letter or a list number in a text.
var glued = regexp.MustCompile(`[a-zé][.?][A-Z0-9]`)

func TestRealList(t *testing.T) {
	dir := realDir(t)
	body := read(t, filepath.Join(dir, bechambertest.FixtureList))
	items := rawDocs(t, body)
	if len(items) != 10 {
		t.Fatalf("saved list holds %d items; fixtures/README.md says 10", len(items))
	}
	d, err := bechamber.New().Discover(api+"?leg=54&start=0", body)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Total != 10 || len(d.Next) != 0 || len(d.Refs) != 10 {
		t.Fatalf("total %d, next %q, %d refs; want 10, none, 10", d.Total, d.Next, len(d.Refs))
	}
	statuses := map[parlq.Status]int{}
	for i, r := range d.Refs {
		raw := items[i]
		if r.ID != wantID(t, raw["SDOCNAME"]) || r.URL != api+"/"+raw["SDOCNAME"] || r.URL != raw["link"] {
			t.Errorf("item %d: ref %s %s; saved name %s, link %s", i, r.ID, r.URL, raw["SDOCNAME"], raw["link"])
		}
		l := r.Listing
		name, party := autParts(raw["AUT"])
		if l.Author.Name != name || l.Author.Party != party || l.Author.ID != "" {
			t.Errorf("item %d: author %+v; want %q of %q", i, l.Author, name, party)
		}
		if l.Translations["fr"].Title != words(raw["TITF"]) || l.Translations["nl"].Title != words(raw["TITN"]) ||
			l.Translations["fr"].AddresseeRole != words(raw["DEPTF"]) || l.Translations["nl"].AddresseeRole != words(raw["DEPTN"]) {
			t.Errorf("item %d: listing translations %+v", i, l.Translations)
		}
		if (strings.TrimSpace(raw["MAINTHESAF"]) == "") != (len(l.Subjects) == 0) {
			t.Errorf("item %d: subjects %+v for a main descriptor %q", i, l.Subjects, raw["MAINTHESAF"])
		}
		if l.Legislature != "54" || l.Number == "" || l.Session == "" || l.Language != "" {
			t.Errorf("item %d: listing %+v", i, l)
		}
		switch raw["STATUSQ"] {
		case "answerReceived":
			statuses[l.Status]++
		case "answerLessPublicated":
			if l.Status != "" {
				t.Errorf("item %d: printed without an answer tells status %q", i, l.Status)
			}
			statuses["printed unanswered"]++
		default:
			t.Errorf("item %d: unexpected saved status %q", i, raw["STATUSQ"])
		}
	}
	if statuses[parlq.Answered] != 8 || statuses["printed unanswered"] != 2 {
		t.Errorf("statuses %v; want 8 answered, 2 printed without an answer", statuses)
	}
	// As the second page of a longer list, it pages on by its length.
	more := strings.Replace(string(body), `"total": 10`, `"total": 25`, 1)
	d, err = bechamber.New().Discover(api+"?leg=54&start=0", []byte(more))
	if err != nil || len(d.Next) != 1 || d.Next[0] != api+"?leg=54&start=10" {
		t.Errorf("next: %v, %v; want start=10", d, err)
	}
}

// checkReal compares a record with the saved document it was parsed from.
func checkReal(t *testing.T, q *parlq.Question, raw rawDoc, own, other string) {
	t.Helper()
	suffix := map[string]string{"fr": "F", "nl": "N"}
	o, x := suffix[own], suffix[other]
	name, party := autParts(raw["AUT"])
	for _, c := range []struct{ field, got, want string }{
		{"id", q.ID, wantID(t, raw.Name())},
		{"url", q.URL, api + "/" + raw.Name()},
		{"language", q.Language, own},
		{"number", q.Number, raw["QUESTNUM"]},
		{"legislature", q.Legislature, raw["LEGISL"]},
		{"received", q.Received, day(t, raw["DEPOTDAT"])},
		{"due", q.Due, day(t, raw["DELAIDAT"])},
		{"author", q.Author.Name + "|" + q.Author.Party, name + "|" + party},
		{"role", q.Addressee.Role, words(raw["DEPT"+o])},
		{"body", q.Addressee.Body, words(raw["SUBDEPT"+o])},
		{"other role", q.Translations[other].AddresseeRole, words(raw["DEPT"+x])},
		{"other body", q.Translations[other].AddresseeBody, words(raw["SUBDEPT"+x])},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q; want %q", c.field, c.got, c.want)
		}
	}
	// The texts are the saved ones with white space collapsed and the
	// glued sentences separated: the same words once the inserted spaces
	// are taken out.
	for _, c := range []struct{ field, got, saved string }{
		{"title", q.Title, raw["TIT"+o]},
		{"question", q.Question, raw["TEXTQ"+o]},
		{"other question", q.Translations[other].Question, raw["TEXTQ"+x]},
		{"answer", q.Answer, raw["TEXTA1"+o]},
		{"other answer", q.Translations[other].Answer, raw["TEXTA1"+x]},
	} {
		if strings.ReplaceAll(c.got, " ", "") != strings.ReplaceAll(strings.Join(strings.Fields(c.saved), ""), " ", "") &&
			!strings.Contains(c.saved, "Ã") {
			t.Errorf("%s: got %q; want the saved words %q", c.field, c.got, words(c.saved))
		}
		if glued.MatchString(c.got) {
			t.Errorf("%s: sentences still glued: %q", c.field, glued.FindString(c.got))
		}
	}
	if q.Type != parlq.WrittenQuestion || q.Source != "bechamber" || q.Assembly != "chamber" {
		t.Errorf("type/source/assembly: %s %s %s", q.Type, q.Source, q.Assembly)
	}
}

func TestRealAnsweredJSON(t *testing.T) {
	q, raw, body := parseReal(t, bechambertest.FixtureAnswered)
	if raw["LANG"] != "N" || raw["STATUSQ"] != "answerReceived" {
		t.Fatalf("saved document is no longer the Dutch answered one: %s %s", raw["LANG"], raw["STATUSQ"])
	}
	checkReal(t, q, raw, "nl", "fr")
	if q.Status != parlq.Answered || len(q.Answers) != 1 {
		t.Fatalf("status %s, answers %d; want answered, 1", q.Status, len(q.Answers))
	}
	// PUBLICA1 is "bulletin, page, date, session"; CASA1 "code FR - NL".
	pub := strings.Split(raw["PUBLICA1"], ",")
	d, err := time.Parse("02/01/2006", strings.TrimSpace(pub[2]))
	if err != nil {
		t.Fatal(err)
	}
	a := q.Answers[0]
	if a.Reference != strings.TrimSpace(pub[0]) || a.Page != strings.TrimSpace(pub[1]) || a.Date != d.Format(parlq.DateLayout) || q.Answered != a.Date {
		t.Errorf("answer %+v, answered %s; want it from %q", a, q.Answered, raw["PUBLICA1"])
	}
	casa := strings.Split(raw["CASA1"], "\n")
	if a.Kind != parlq.FinalAnswer || a.Label != strings.TrimSpace(casa[2]) {
		t.Errorf("kind %s label %q; want answer %q", a.Kind, a.Label, strings.TrimSpace(casa[2]))
	}
	if a.Text != q.Answer || a.Translations["fr"] != q.Translations["fr"].Answer {
		t.Errorf("answer 1 and the record's answer differ")
	}
	// The descriptors: the main one, then the French and Dutch lists
	// paired term by term (the German list is empty).
	fr, nl := strings.Split(raw["THESAF"], "|"), strings.Split(raw["THESAN"], "|")
	if len(q.Subjects) != 1+len(fr) || len(fr) != len(nl) {
		t.Fatalf("subjects %d; want 1 + %d", len(q.Subjects), len(fr))
	}
	if s := q.Subjects[0]; s.Kind != "main" || s.Labels["fr"] != words(raw["MAIN_THESAF"]) || s.Labels["nl"] != words(raw["MAIN_THESAN"]) || len(s.Labels) != 2 {
		t.Errorf("main subject %+v", s)
	}
	for i, s := range q.Subjects[1:] {
		if s.Kind != "descriptor" || s.Labels["fr"] != words(fr[i]) || s.Labels["nl"] != words(nl[i]) || len(s.Labels) != 2 {
			t.Errorf("descriptor %d: %+v; want %q / %q", i, s, words(fr[i]), words(nl[i]))
		}
	}
	if q.Session != "2014" {
		t.Errorf("session %q; want the extraordinary session 2014 (DOCNAME %s)", q.Session, raw["DOCNAME"])
	}
	n, err := bechamber.New().Normalize(raw["link"], body)
	if err != nil || strings.Contains(string(n), "disclaimer") || !strings.Contains(string(n), raw.Name()) {
		t.Errorf("Normalize: %s, %v", n, err)
	}
}

// parseReal parses a saved document, with the fields the test reads of it.
func parseReal(t *testing.T, file string) (*parlq.Question, rawDoc, []byte) {
	t.Helper()
	body := read(t, filepath.Join(realDir(t), file))
	raw := rawDocs(t, body)[0]
	q, err := bechamber.New().Parse(api+"/"+raw.Name(), body)
	if err != nil {
		t.Fatalf("Parse %s: %v", file, err)
	}
	return q, raw, body
}

func TestRealUnansweredXML(t *testing.T) {
	q, raw, _ := parseReal(t, bechambertest.FixtureUnansweredXML)
	checkReal(t, q, raw, "nl", "fr")
	if q.Status != parlq.Pending || q.Answer != "" || q.Answered != "" || len(q.Answers) != 0 || q.Question != "" {
		t.Errorf("status %s, answer %q, answers %d, question %q; want pending, no answer, no text", q.Status, q.Answer, len(q.Answers), q.Question)
	}
	// The French title is double-encoded UTF-8: repaired, as reading its
	// characters back as bytes gives.
	saved := words(raw["TITF"])
	if !strings.Contains(saved, "Ã") {
		t.Fatalf("saved French title %q has no mojibake any more", saved)
	}
	var b []byte
	for _, r := range saved {
		b = append(b, byte(r))
	}
	if got := q.Translations["fr"].Title; got != string(b) || strings.Contains(got, "Ã") {
		t.Errorf("French title %q; want %q", got, b)
	}
	if len(q.Subjects) != 1+len(strings.Split(raw["THESAF"], "|")) {
		t.Errorf("subjects %+v", q.Subjects)
	}
	if last := q.Acts[len(q.Acts)-1]; last.Act != "Due for answer" {
		t.Errorf("last act %+v", last)
	}
}

func TestRealAnsweredXML(t *testing.T) {
	q, raw, _ := parseReal(t, bechambertest.FixtureAnsweredXML)
	checkReal(t, q, raw, "fr", "nl")
	if raw["STATUSA1"] != "created" {
		t.Fatalf("saved answer status %q; the test expects an answer not printed yet", raw["STATUSA1"])
	}
	a := q.Answers[0]
	if q.Status != parlq.Answered || q.Answered != "" || a.Date != "" || a.Reference != "" || a.Kind != parlq.FinalAnswer {
		t.Errorf("status %s answered %q answer %+v; want answered, with no date or bulletin yet", q.Status, q.Answered, a)
	}
	if !strings.Contains(q.Translations["nl"].Answer, `"`) {
		t.Errorf("the Dutch answer's &quot; entities were not decoded: %q", q.Translations["nl"].Answer)
	}
	if last := q.Acts[len(q.Acts)-1]; last.Act != "Answer received" || last.Date != "" {
		t.Errorf("last act %+v; want the answer received, undated", last)
	}
}

func TestRealEmpty(t *testing.T) {
	body := read(t, filepath.Join(realDir(t), bechambertest.FixtureEmpty))
	src := bechamber.New()
	if q, err := src.Parse(api+"/54-B001-3-9999-0000201409999", body); q != nil || !errors.Is(err, parlq.ErrSoftError) {
		t.Errorf("Parse: %v, %v; want no record and ErrSoftError", q, err)
	}
	if _, err := src.Normalize(api+"/x", body); !errors.Is(err, parlq.ErrSoftError) {
		t.Errorf("Normalize: %v; want ErrSoftError", err)
	}
	if d, err := src.Discover(api+"?leg=54&start=0", body); d != nil || !errors.Is(err, parlq.ErrSoftError) {
		t.Errorf("Discover: %v, %v; want ErrSoftError", d, err)
	}
}

// TestRealNormalizeFormats: the saved XML documents normalize to the same
// bytes as their own content re-encoded in the JSON shape.
func TestRealNormalizeFormats(t *testing.T) {
	dir := realDir(t)
	src := bechamber.New()
	for _, f := range []string{bechambertest.FixtureUnansweredXML, bechambertest.FixtureAnsweredXML} {
		body, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		raw := rawDocs(t, body)[0]
		item := map[string]any{"link": map[string]string{"href": raw["link"], "rel": "self"}}
		for k, v := range raw {
			if k != "link" {
				item[k] = v
			}
		}
		asJSON, err := json.Marshal(map[string]any{"disclaimer": "x", "items": []any{item}})
		if err != nil {
			t.Fatal(err)
		}
		x, err1 := src.Normalize(api, body)
		j, err2 := src.Normalize(api, asJSON)
		if err1 != nil || err2 != nil || string(x) != string(j) {
			t.Errorf("%s: XML and JSON normalize differently (%v, %v):\n%s\n%s", f, err1, err2, x, j)
		}
	}
}
