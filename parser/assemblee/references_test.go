package assemblee_test

import (
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

// TestReferencesErrors: a reference document that cannot be read is an
// error, never a resolver that silently lacks part of its data.
func TestReferencesErrors(t *testing.T) {
	good := read(t, testdata(t, "amo", "acteur", "PA900101.json"))
	for _, c := range []struct {
		name string
		body []byte
		want func(error) bool
	}{
		{"not a zip nor JSON", []byte("uid;nom\nPA1;X\n"), isMalformed},
		{"truncated zip", testReferences(t)[:200], isMalformed},
		{"a zip without actors or organs", assembleetest.Zip([]assembleetest.File{{Name: "acteurs.csv", Body: []byte("x")}}, built), isLayout},
		{"a zip with one unreadable file", assembleetest.Zip([]assembleetest.File{
			{Name: "acteur/PA900101.json", Body: good}, {Name: "acteur/PA900102.json", Body: good[:len(good)/2]}}, built), isMalformed},
		{"a JSON object of another kind", []byte(`{"scrutin": {"uid": "VTANR5L17V1"}}`), isLayout},
		{"an actor without uid", []byte(`{"acteur": {"etatCivil": {"ident": {"nom": "X"}}}}`), func(err error) bool { return err != nil }},
		{"a mandate without actor", []byte(`{"mandat": {"uid": "PM1", "typeOrgane": "GP"}}`), func(err error) bool { return err != nil }},
	} {
		_, err := assemblee.New().WithReferences([]parlq.Document{{URL: amoURL, Body: c.body}})
		if !c.want(err) {
			t.Errorf("%s: got %v", c.name, err)
		}
	}
	if _, err := assemblee.New().WithReferences(nil); err != nil {
		t.Errorf("no documents: %v; want a source without references", err)
	}
}

// TestReferencesLayouts reads the other shapes of the AMO data: a single
// file, a whole export in one file, mandates apart (the 2020 layout), and
// merges several documents.
func TestReferencesLayouts(t *testing.T) {
	q := assembleetest.Question{Number: 99002, AuthorRef: "PA1", MandateRef: "PM1",
		Group:     assembleetest.Organ{Ref: "PO9", Short: "Q", Long: "Groupe de la question"},
		Asked:     assembleetest.Organ{Ref: "PO5", Short: "Budget", Long: "Ministère du budget"},
		Published: time.Date(2025, 5, 6, 0, 0, 0, 0, time.UTC), Page: 3, Text: "M. Jean Dupond interroge M. le ministre."}
	parse := func(docs ...string) *parlq.Question {
		t.Helper()
		var ds []parlq.Document
		for _, d := range docs {
			ds = append(ds, parlq.Document{URL: amoURL, Body: []byte(d)})
		}
		src, err := assemblee.New().WithReferences(ds)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := src.Parse(questionURL(q.UID()), q.JSON())
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	actor := `{"acteur": {"uid": "PA1", "etatCivil": {"ident": {"civ": "M.", "prenom": "Jean", "nom": "Dupont"}}}}`
	mandate := `{"mandat": {"uid": "PM2", "acteurRef": "PA1", "legislature": "17", "typeOrgane": "GP", "dateDebut": "2024-07-19", "dateFin": null, "organes": {"organeRef": "PO3"}}}`
	organ := `{"organe": {"uid": "PO3", "codeType": "GP", "libelle": "Groupe du mandat", "libelleAbrege": "M"}}`
	ministry := `{"organe": {"uid": "PO5", "codeType": "MINISTERE", "libelle": "Ministère du budget et des comptes publics", "libelleAbrege": "Budget et comptes publics"}}`

	check(t, "an actor alone", parse(actor).Author, parlq.Person{Name: "Jean Dupont", Party: "Groupe de la question", ID: "PA1"})
	check(t, "mandate and organ apart, merged", parse(actor, mandate, organ).Author.Party, "Groupe du mandat")
	export := `{"export": {"acteurs": {"acteur": [` + actor[len(`{"acteur": `):len(actor)-1] + `]}, "organes": {"organe": ` +
		organ[len(`{"organe": `):len(organ)-1] + `}}}`
	rec := parse(export, mandate, ministry)
	check(t, "a whole export", rec.Author.Party, "Groupe du mandat")
	check(t, "the ministry's organ", rec.Addressee, parlq.Person{Name: "Ministère du budget et des comptes publics", Role: "Budget et comptes publics", ID: "PO5"})

	// A source with references given more: the first ones stay.
	src, err := assemblee.New().WithReferences([]parlq.Document{{URL: amoURL, Body: []byte(actor)}})
	if err != nil {
		t.Fatal(err)
	}
	more, err := src.(parlq.Referrer).WithReferences([]parlq.Document{{URL: amoURL, Body: []byte(organ)}, {URL: amoURL, Body: []byte(mandate)}})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := more.Parse(questionURL(q.UID()), q.JSON())
	if err != nil {
		t.Fatal(err)
	}
	check(t, "added references", r2.Author, parlq.Person{Name: "Jean Dupont", Party: "Groupe du mandat", ID: "PA1"})
	r1, _ := src.Parse(questionURL(q.UID()), q.JSON())
	check(t, "the first source is unchanged", r1.Author.Party, "Groupe de la question")
}
