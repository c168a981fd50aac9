package assemblee_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

// The real files are read in place. The actor files hold personal data:
// these tests look at names, mandates and groups only.

const realUID = "QANR5L17QE5268"

// realReferences zips a snapshot of the real AMO files, read in place.
func realReferences(t *testing.T, dir, snapshot string) []byte {
	t.Helper()
	files, err := assembleetest.FixtureReferences(dir, snapshot)
	if err != nil {
		t.Fatal(err)
	}
	return assembleetest.Zip(files, built)
}

const (
	eco      = "Ministère de l’économie, des finances et de la souveraineté industrielle et numérique"
	ecoShort = "Économie, finances, souveraineté industrielle et numérique"
	epr      = "Ensemble pour la République"
)

// TestRealQuestion reads the saved written question field by field, without
// references and with each saved snapshot of the reference data.
func TestRealQuestion(t *testing.T) {
	dir := fixtures(t)
	body := read(t, filepath.Join(dir, assembleetest.FixtureQuestionFile))
	u := questionURL(realUID)

	q, err := assemblee.New().Parse(u, body)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "id", q.ID, "assemblee/an/"+realUID)
	check(t, "url", q.URL, "https://www.assemblee-nationale.fr/dyn/17/questions/"+realUID)
	check(t, "type/number/legislature/language", string(q.Type)+" "+q.Number+" "+q.Legislature+" "+q.Language, "written_question 5268 17 fr")
	check(t, "title", q.Title, "Révision de la terminologie des diamants synthétiques")
	check(t, "author without references (named by the text)", q.Author, parlq.Person{Name: "Olivia Grégoire", Party: epr, ID: "PA721764"})
	check(t, "addressee", q.Addressee, parlq.Person{Name: eco, Role: ecoShort, ID: "PO855083"})
	check(t, "dates", q.Received+" "+q.Published+" "+q.Answered+" "+q.Due, "2025-03-25 2025-03-25 2025-06-03 ")
	check(t, "status", q.Status, parlq.Answered)
	check(t, "acts", q.Acts, []parlq.Act{
		{Date: "2025-03-25", Act: "Question publiée au JO", Actor: "Olivia Grégoire", Reference: "JO Questions n° 20250012", Page: "1958"},
		{Date: "2025-06-03", Act: "Réponse publiée au JO", Actor: eco, Reference: "JO Questions n° 20250022", Page: "4348"},
	})
	check(t, "subjects", q.Subjects, []parlq.Subject{
		{Kind: "heading", Labels: map[string]string{"fr": "commerce et artisanat"}},
		{Kind: "analysis", Labels: map[string]string{"fr": "Révision de la terminologie des diamants synthétiques"}},
	})
	if !strings.HasPrefix(q.Question, "Mme Olivia Grégoire interroge M. le ministre de l'économie") ||
		!strings.HasSuffix(q.Question, "la transparence et la loyauté des transactions commerciales.") ||
		!strings.Contains(q.Question, "« laboratory-grown diamond »") || strings.Contains(q.Question, "<em>") {
		t.Errorf("question text: %.120q…", q.Question)
	}
	if !strings.HasPrefix(q.Answer, "À la suite de la sollicitation") || !strings.Contains(q.Answer, "consomaation") ||
		strings.ContainsAny(q.Answer, "\u00a0\n") {
		t.Errorf("answer text (one paragraph, the official typo kept, no no-break space): %.120q…", q.Answer)
	}
	check(t, "one answer", len(q.Answers), 1)
	check(t, "answer's answerer", *q.Answers[0].Answerer, parlq.Person{Name: eco, Role: ecoShort, ID: "PO855083"})
	check(t, "answer's kind/date/page", string(q.Answers[0].Kind)+" "+q.Answers[0].Date+" "+q.Answers[0].Page, "answer 2025-06-03 4348")

	// 2025: every reference resolves.
	q25, err := withReferences(t, realReferences(t, dir, assembleetest.Snapshot2025)).Parse(u, body)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "2025 author (etatCivil, group mandate on 2025-03-25)", q25.Author, parlq.Person{Name: "Olivia Grégoire", Party: epr, ID: "PA721764"})
	check(t, "2025 addressee (the organ)", q25.Addressee, parlq.Person{Name: eco, Role: ecoShort, ID: "PO855083"})

	// 2026: the actor alone; her group's and the ministry's organs are gone.
	q26, err := withReferences(t, realReferences(t, dir, assembleetest.Snapshot2026)).Parse(u, body)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "2026 author (group from the question's names)", q26.Author, parlq.Person{Name: "Olivia Grégoire", Party: epr, ID: "PA721764"})
	check(t, "2026 addressee (the question's names)", q26.Addressee, parlq.Person{Name: eco, Role: ecoShort, ID: "PO855083"})

	// 2020: the 15th legislature's split layout, the name without accent.
	q20, err := withReferences(t, realReferences(t, dir, assembleetest.Snapshot2020)).Parse(u, body)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "2020 author (accents from the text; her 15th-legislature group does not count in the 17th)", q20.Author,
		parlq.Person{Name: "Olivia Grégoire", Party: epr, ID: "PA721764"})

	// Normalize: the same content re-serialised normalizes the same.
	n1, _ := assemblee.New().Normalize(u, body)
	n2, _ := assemblee.New().Normalize(u, bytes.ReplaceAll(body, []byte(`", "`), []byte(`","`)))
	if n1 == nil || !bytes.Equal(n1, n2) {
		t.Error("a layout change changed the normalized form of the real question")
	}
}

// TestRealResolver puts the saved members in questions of invented
// content and checks the group each gets on the question's date.
func TestRealResolver(t *testing.T) {
	dir := fixtures(t)
	src := withReferences(t, realReferences(t, dir, assembleetest.Snapshot2025))
	ask := func(author, mandate string, on time.Time, group assembleetest.Organ) *parlq.Question {
		t.Helper()
		q := assembleetest.Question{Number: 99001, AuthorRef: author, MandateRef: mandate, Group: group,
			Asked:     assembleetest.Organ{Ref: "PO855083", Short: "x", Long: "y"},
			Published: on, Page: 10, Text: "Sur un sujet de test."}
		rec, err := src.Parse(questionURL(q.UID()), q.JSON())
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	may := time.Date(2025, 5, 6, 0, 0, 0, 0, time.UTC)
	other := assembleetest.Organ{Ref: "PO999999", Short: "AUTRE", Long: "Groupe nommé par la question"}

	// A non-attached member: the "Non inscrit" organ.
	check(t, "non-attached", ask("PA720100", "PM842951", may, other).Author.Party, "Non inscrit")
	// A "Membre apparenté" to a group, with a mission to a ministry that
	// does not make her a minister: her group, and the ministry stays the
	// question's addressee.
	ap := ask("PA795330", "PM843800", may, other)
	check(t, "apparentée", ap.Author.Party, epr)
	check(t, "apparentée: the addressee is the ministry", ap.Addressee.Name, eco)
	// Two group mandates (member and president) in one group, whose organ
	// the snapshot does not hold: the question names the same group.
	same := assembleetest.Organ{Ref: "PO845425", Short: "G", Long: "Groupe du président"}
	check(t, "two mandates in one group", ask("PA267285", "PM842900", may, same).Author.Party, "Groupe du président")
	// Before the legislature's groups were formed, no group mandate covers
	// the date: the question's group stands.
	check(t, "before the group mandates", ask("PA721764", "PM843416", time.Date(2024, 7, 9, 0, 0, 0, 0, time.UTC), other).Author.Party,
		"Groupe nommé par la question")
	check(t, "real names", ask("PA720100", "PM842951", may, other).Author.Name, "Aurélien Pradié")
}

// TestRealXML reads the older XML view: a question reassigned between
// governments, renewed, with a table in its answer.
func TestRealXML(t *testing.T) {
	dir := fixtures(t)
	body := read(t, filepath.Join(dir, "q14_14-47351QE.xml"))
	q, err := assemblee.New().Parse("https://questions.assemblee-nationale.fr/q14/14-47351QE.htm/vue/xml", body)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "id", q.ID, "assemblee/an/QANR5L14QE47351")
	check(t, "number/legislature", q.Number+" "+q.Legislature, "47351 14")
	check(t, "author (the view's names)", q.Author, parlq.Person{Name: "François Cornut-Gentille", Party: "Les Républicains", ID: "PA923"})
	check(t, "addressee", q.Addressee, parlq.Person{Name: "Ministère de la défense", Role: "Défense", ID: "PO653280"})
	check(t, "dates", q.Received+" "+q.Published+" "+q.Answered, "2014-01-07 2014-01-07 2014-05-13")
	check(t, "status", q.Status, parlq.Answered)
	var acts []string
	for _, a := range q.Acts {
		acts = append(acts, a.Date+" "+a.Act)
	}
	check(t, "acts", acts, []string{"2014-01-07 Question publiée au JO", "2014-04-03 Question réattribuée",
		"2014-04-15 Question renouvelée", "2014-05-13 Réponse publiée au JO"})
	check(t, "answerer: the new government's ministry", q.Answers[0].Answerer.ID, "PO700737")
	check(t, "answer reference", q.Answers[0].Reference+" p. "+q.Answers[0].Page, "JO Questions n° 19 p. 3858")
	lines := strings.Split(q.Answer, "\n")
	check(t, "answer lines: the sentence, two header rows, 16 rows", len(lines), 19)
	for _, l := range lines[3:] {
		if n := strings.Count(l, "\t"); n != 6 {
			t.Errorf("row %q has %d tabs; want 6 (seven cells)", l, n)
		}
	}
	if !strings.HasSuffix(lines[3], "\t194 588") {
		t.Errorf("first row %q: want the no-break space of 194&#160;588 as a space", lines[3])
	}
	check(t, "subjects", len(q.Subjects), 5)
	check(t, "title", q.Title, "Équipements : équipements militaires, vieillissement, bilan")
	n, err := assemblee.New().Normalize("x", body)
	if err != nil || len(n) == 0 {
		t.Errorf("Normalize: %v", err)
	}
}

// TestRealQG reads the question au Gouvernement sample: no question text,
// the sitting's transcript as its answer.
func TestRealQG(t *testing.T) {
	dir := fixtures(t)
	q, err := assemblee.New().Parse(questionURL("QANR5L17QG1"), read(t, filepath.Join(dir, "QANR5L17QG1.from-schema-doc.json")))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "type", q.Type, parlq.TopicalQuestion)
	check(t, "dates", q.Received+" "+q.Published+" "+q.Answered, "2024-10-03  2024-10-03")
	check(t, "question", q.Question, "")
	if !strings.HasPrefix(q.Answer, "SITUATION À MAYOTTE\n") {
		t.Errorf("answer %.60q…", q.Answer)
	}
	check(t, "addressee", q.Addressee.ID, "PO847643")
}

// TestRealDump discovers the real question in a dump built from it and
// the invented ones.
func TestRealDump(t *testing.T) {
	dir := fixtures(t)
	real := read(t, filepath.Join(dir, assembleetest.FixtureQuestionFile))
	files, _ := testDump(t)
	files = append(files, assembleetest.File{Name: "json/" + realUID + ".json", Body: real})
	src := withReferences(t, realReferences(t, dir, assembleetest.Snapshot2025), testReferences(t))
	d, err := src.Discover(dumpURL, assembleetest.Zip(files, built))
	if err != nil {
		t.Fatal(err)
	}
	var found *parlq.Ref
	for i := range d.Refs {
		if d.Refs[i].ID == "assemblee/an/"+realUID {
			found = &d.Refs[i]
		}
	}
	if found == nil {
		t.Fatal("the real question is not discovered")
	}
	check(t, "received/updated", found.Received+" "+found.Updated, "2025-03-25 2025-06-03")
	check(t, "document", bytes.Equal(found.Document, real), true)
	q, err := src.Parse(found.URL, found.Document)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "party", q.Author.Party, epr)
	// Both reference documents at once: the invented members resolve too.
	p, err := src.Parse(questionURL("QANR5L17QE90001"), read(t, testdata(t, "pending.json")))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "merged references", p.Author.Party, "Union des territoires")
}
