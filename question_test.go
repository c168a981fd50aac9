package parlq

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func valid() *Question {
	return &Question{
		ID: "brussels/prb/167744", Source: "brussels", Parliament: "Parlement de la Région de Bruxelles-Capitale",
		Assembly: "PRB", URL: "https://www.parlement.brussels/weblex-quest-det/?moncode=167744&base=1",
		Language: "fr", Type: WrittenQuestion, Number: "161", Title: "Question écrite concernant la mobilité",
		Author: Person{Name: "Une Députée"}, Addressee: Person{Name: "Un Ministre", Role: "Ministre chargé de la Mobilité"},
		Legislature: "24/29", Session: "25/26", Received: "2025-12-01", Status: Pending,
		Question: "Première ligne.\nDeuxième ligne.",
		Acts:     []Act{{Date: "2025-12-05", Act: "Recevable", Actor: "p.m."}},
	}
}

func TestValidateAcceptsAValidRecord(t *testing.T) {
	for name, mod := range map[string]func(*Question){
		"pending":          func(q *Question) {},
		"answered":         func(q *Question) { q.Status, q.Answer, q.Answered = Answered, "Réponse.", "2026-01-10" },
		"answered by date": func(q *Question) { q.Status, q.Answered = Answered, "2026-01-10" },
		"lapsed":           func(q *Question) { q.Status = Lapsed },
		"withdrawn":        func(q *Question) { q.Status = Withdrawn },
		"holding answer":   func(q *Question) { q.Answer, q.HoldingAnswered = "I will reply shortly.", "2026-01-02" },
		"no dates":         func(q *Question) { q.Received = ""; q.Acts[0].Date = "" },
		"several answers": func(q *Question) {
			q.Status, q.Answered, q.Due = Answered, "2026-02-01", "2026-01-05"
			q.Answers = []Answer{{Date: "2026-01-10", Kind: FinalAnswer, Text: "Réponse.", Translations: map[string]string{"nl": "Antwoord."}},
				{Date: "2026-02-01", Kind: AdditionalAnswer, Label: "réponse complémentaire", Text: "Suite."}}
			q.Answer = "Suite."
		},
		"subjects": func(q *Question) {
			q.Subjects = []Subject{{Kind: "main", Labels: map[string]string{"fr": "Ville intelligente", "nl": "Slimme stad"}}}
		},
	} {
		q := valid()
		mod(q)
		if err := q.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v; want nil", name, err)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*Question)
		want string
	}{
		{"no id", func(q *Question) { q.ID = "" }, "id is empty"},
		{"id of another source", func(q *Question) { q.ID = "ukparl/commons/1" }, "does not start with source"},
		{"blank title", func(q *Question) { q.Title = "  " }, "title is empty"},
		{"no language", func(q *Question) { q.Language = "" }, "language is empty"},
		{"unknown type", func(q *Question) { q.Type = "petition" }, `unknown type "petition"`},
		{"unknown status", func(q *Question) { q.Status = "answred" }, `unknown status "answred"`},
		{"impossible date", func(q *Question) { q.Received = "2025-02-30" }, `received "2025-02-30" is not a date`},
		{"printed date", func(q *Question) { q.Answered = "10/01/2026" }, `answered "10/01/2026" is not a date`},
		{"bad act date", func(q *Question) { q.Acts[0].Date = "//" }, `acts[0].date "//"`},
		{"act without name", func(q *Question) { q.Acts[0].Act = "" }, "acts[0].act is empty"},
		{"bad due date", func(q *Question) { q.Due = "2026-13-01" }, `due "2026-13-01" is not a date`},
		{"bad answer date", func(q *Question) { q.Answers = []Answer{{Date: "1/2/2026", Kind: FinalAnswer}} }, `answers[0].date "1/2/2026"`},
		{"unknown answer kind", func(q *Question) { q.Answers = []Answer{{Kind: "normal"}} }, `answers[0]: unknown kind "normal"`},
		{"subject without label", func(q *Question) { q.Subjects = []Subject{{Kind: "main"}} }, "subjects[0] has no label"},
		{"answered without answer", func(q *Question) { q.Status = Answered }, "status answered without an answer"},
		{"lapsed with answer", func(q *Question) { q.Status, q.Answer = Lapsed, "x" }, "status lapsed with an answer"},
		{"pending with answer", func(q *Question) { q.Answer = "x" }, "status pending with an answer"},
	} {
		q := valid()
		tc.mod(q)
		err := q.Validate()
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v; want ErrInvalid saying %q", tc.name, err, tc.want)
		}
	}
	// Every problem is reported, not just the first.
	q := valid()
	q.Title, q.Received = "", "yesterday"
	if err := q.Validate(); err == nil || !strings.Contains(err.Error(), "title") || !strings.Contains(err.Error(), "received") {
		t.Errorf("two problems: Validate() = %v; want both named", err)
	}
}

// TestJSONFieldNames pins the record's JSON field names: they are a public
// contract of the CLI, the API and exports.
func TestJSONFieldNames(t *testing.T) {
	q := valid()
	q.Published, q.Answered, q.Answer, q.Status = "2026-01-10", "2026-01-10", "Réponse.", Answered
	q.HoldingAnswered, q.Corrected = "2026-01-05", "2026-01-12"
	q.Related = []string{"x"}
	q.Attachments = []Attachment{{URL: "https://example.test/a.pdf"}}
	q.Translations = map[string]Translation{"nl": {Title: "Vraag", AddresseeBody: "Mobiliteit"}}
	q.Version, q.FetchedAt, q.ParserVersion = 2, time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC), "brussels/1"
	q.Capture = &Capture{RecordID: "<urn:uuid:1>", PayloadDigest: "sha1:X"}
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	json.Unmarshal(b, &m)
	var got []string
	for k := range m {
		got = append(got, k)
	}
	sort.Strings(got)
	want := []string{"acts", "addressee", "answer", "answered", "assembly", "attachments", "author", "capture",
		"corrected", "fetched_at", "holding_answered", "id", "language", "legislature", "number", "parliament",
		"parser_version", "published", "question", "received", "related", "session", "source", "status", "title",
		"translations", "type", "url", "version"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("JSON fields:\n got %v\nwant %v", got, want)
	}
	if !strings.Contains(string(m["translations"]), `"addressee_body":"Mobiliteit"`) {
		t.Errorf("translation JSON %s; want addressee_body", m["translations"])
	}
	// Absent dates are absent, not empty strings.
	b, _ = json.Marshal(&Question{})
	for _, f := range []string{"received", "published", "answered", "fetched_at", "capture", "acts"} {
		if strings.Contains(string(b), `"`+f+`"`) {
			t.Errorf("an empty record's JSON has %q: %s", f, b)
		}
	}
}

func TestDaysToAnswer(t *testing.T) {
	for _, tc := range []struct {
		received, answered string
		want               int
	}{
		{"2025-06-30", "2025-09-09", 71},
		{"2024-02-28", "2024-03-01", 2},
		{"2025-03-29", "2025-03-31", 2}, // across a daylight-saving change
		{"", "2025-09-09", -1},
		{"2025-06-30", "", -1},
		{"garbage", "2025-09-09", -1},
	} {
		q := &Question{Received: tc.received, Answered: tc.answered}
		if got := q.DaysToAnswer(); got != tc.want {
			t.Errorf("DaysToAnswer(%q → %q) = %d; want %d", tc.received, tc.answered, got, tc.want)
		}
	}
}

func TestMakeID(t *testing.T) {
	if got := MakeID("brussels", "ARCCC", "105748"); got != "brussels/arccc/105748" {
		t.Errorf("MakeID = %q", got)
	}
}

func TestMergeListing(t *testing.T) {
	q := valid()
	q.Received = ""
	listing := &Question{
		Title: "Titre de la liste", Received: "2025-11-30",
		Author:       Person{Name: "Autre", Party: "Parti"},
		Addressee:    Person{Name: "un ministre", Role: "Rôle de la liste"},
		Translations: map[string]Translation{"nl": {Title: "Schriftelijke vraag", AddresseeRole: "Minister van Mobiliteit"}},
	}
	MergeListing(q, listing)
	if q.Title != "Question écrite concernant la mobilité" || q.Author.Name != "Une Députée" {
		t.Errorf("the detail page must win: title %q author %q", q.Title, q.Author.Name)
	}
	if q.Received != "2025-11-30" || q.Author.Party != "Parti" {
		t.Errorf("empty fields not filled from the listing: received %q party %q", q.Received, q.Author.Party)
	}
	if q.Addressee.Role != "Ministre chargé de la Mobilité" {
		t.Errorf("addressee role %q; the detail page's must stay", q.Addressee.Role)
	}
	if nl := q.Translations["nl"]; nl.Title != "Schriftelijke vraag" || nl.AddresseeRole != "Minister van Mobiliteit" {
		t.Errorf("translations not merged: %+v", q.Translations)
	}

	// A listing about another addressee lends no role.
	q = valid()
	MergeListing(q, &Question{Addressee: Person{Name: "Quelqu'un d'autre", Role: "x"},
		Translations: map[string]Translation{"nl": {Title: "T", AddresseeRole: "y"}}})
	if q.Translations["nl"].AddresseeRole != "" || q.Translations["nl"].Title != "T" {
		t.Errorf("another addressee's role was merged: %+v", q.Translations)
	}
	MergeListing(q, nil) // no listing: nothing happens, no panic

	// A list that does not know the record's language tells its titles and
	// addressee in every language: the record's own fills the record, the
	// others are translations; the record is never translated into itself.
	q = valid()
	q.Title, q.Addressee = "", Person{}
	neutral := &Question{Translations: map[string]Translation{
		"fr": {Title: "Titre de la liste", AddresseeRole: "Ministre de la Mobilité", AddresseeBody: "Mobilité"},
		"nl": {Title: "Titel van de lijst", AddresseeRole: "Minister van Mobiliteit", AddresseeBody: "Mobiliteit"},
	}}
	MergeListing(q, neutral)
	if q.Title != "Titre de la liste" || q.Addressee.Role != "Ministre de la Mobilité" || q.Addressee.Body != "Mobilité" {
		t.Errorf("own-language listing not merged into the record: title %q addressee %+v", q.Title, q.Addressee)
	}
	if _, ok := q.Translations["fr"]; ok {
		t.Errorf("a French record got a French translation: %+v", q.Translations)
	}
	if nl := q.Translations["nl"]; nl.Title != "Titel van de lijst" || nl.AddresseeRole != "Minister van Mobiliteit" || nl.AddresseeBody != "Mobiliteit" {
		t.Errorf("other-language listing not merged as a translation: %+v", q.Translations)
	}
	q = valid()
	MergeListing(q, neutral)
	if q.Title != "Question écrite concernant la mobilité" || q.Addressee.Role != "Ministre chargé de la Mobilité" {
		t.Errorf("the detail page must win over an own-language listing: title %q role %q", q.Title, q.Addressee.Role)
	}
}

func TestLayoutErrorNamesWhatIsMissing(t *testing.T) {
	err := error(&LayoutError{URL: "https://example.test/q?moncode=1", Missing: []string{"question section", "title"}})
	if got := err.Error(); got != "unknown layout at https://example.test/q?moncode=1: missing question section, title" {
		t.Errorf("LayoutError = %q", got)
	}
	var le *LayoutError
	if !errors.As(fmtWrap(err), &le) {
		t.Error("a wrapped LayoutError is not found by errors.As")
	}
}

func fmtWrap(err error) error { return errors.Join(errors.New("parse"), err) }

func TestSubjectLabel(t *testing.T) {
	s := Subject{Labels: map[string]string{"fr": "Ambassade", "nl": "Ambassade (nl)", "de": "Botschaft"}}
	for _, tc := range []struct {
		lang      string
		fallbacks []string
		want      string
	}{
		{"nl", nil, "Ambassade (nl)"},
		{"en", []string{"fr"}, "Ambassade"},
		{"en", nil, "Botschaft"}, // no fallback: the smallest language code
	} {
		if got := s.Label(tc.lang, tc.fallbacks...); got != tc.want {
			t.Errorf("Label(%q, %q) = %q; want %q", tc.lang, tc.fallbacks, got, tc.want)
		}
	}
}
