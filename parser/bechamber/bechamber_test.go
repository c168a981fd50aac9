package bechamber_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/bechamber"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/bechamber")

var _ parlq.Source = bechamber.New()

const api = "http://data.dekamer.be/v0/qrva"

// testdata is a path in the module's testdata/bechamber (tests run in the
// package's directory).
func testdata(_ testing.TB, parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata", "bechamber"}, parts...)...)
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bodies lists the hand-written responses of a testdata folder (goldens
// excluded).
func bodies(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	for _, ext := range []string{"*.json", "*.xml"} {
		m, err := filepath.Glob(testdata(t, dir, ext))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".golden.json") })
	slices.Sort(files)
	if len(files) == 0 {
		t.Fatalf("no responses in testdata/bechamber/%s", dir)
	}
	return files
}

// goldenPath is the golden file beside a response: x.json → x.golden.json,
// x.xml → x.xml.golden.json.
func goldenPath(file string) string {
	if strings.HasSuffix(file, ".json") {
		return strings.TrimSuffix(file, ".json") + ".golden.json"
	}
	return file + ".golden.json"
}

// errorGolden is what a golden file holds for a response that must not
// parse.
type errorGolden struct {
	Error   string   `json:"error"`
	Missing []string `json:"missing,omitempty"`
}

// classify turns a Parse or Discover error into its golden form.
func classify(t *testing.T, err error) errorGolden {
	t.Helper()
	var le *parlq.LayoutError
	switch {
	case errors.As(err, &le):
		return errorGolden{Error: "layout", Missing: le.Missing}
	case errors.Is(err, parlq.ErrSoftError):
		return errorGolden{Error: "soft_error"}
	case errors.Is(err, bechamber.ErrMalformed):
		return errorGolden{Error: "malformed"}
	case errors.Is(err, parlq.ErrInvalid):
		return errorGolden{Error: "invalid"}
	}
	t.Fatalf("unclassified error: %v", err)
	return errorGolden{}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// golden compares got with path, or rewrites path with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./parser/bechamber -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test ./parser/bechamber -update after checking):\ngot:\n%s\nwant:\n%s", filepath.Base(path), got, want)
	}
}

// docURL is the canonical document URL a response is parsed with.
func docURL(file string) string {
	return api + "/" + strings.TrimSuffix(strings.TrimSuffix(filepath.Base(file), ".json"), ".xml")
}

func TestGoldenDetails(t *testing.T) {
	src := bechamber.New()
	for _, dir := range []string{"detail", "bad"} {
		for _, file := range bodies(t, dir) {
			if strings.HasPrefix(filepath.Base(file), "list-") {
				continue // list pages: TestGoldenLists
			}
			t.Run(dir+"/"+filepath.Base(file), func(t *testing.T) {
				q, err := src.Parse(docURL(file), read(t, file))
				var got any = q
				if err != nil {
					if q != nil {
						t.Errorf("a record came with the error %v", err)
					}
					got = classify(t, err)
				} else if dir == "bad" {
					t.Errorf("bad response parsed: %+v", q)
				}
				golden(t, goldenPath(file), marshal(t, got))
			})
		}
	}
}

func TestGoldenLists(t *testing.T) {
	src := bechamber.New()
	files := bodies(t, "list")
	for _, f := range bodies(t, "bad") {
		if strings.HasPrefix(filepath.Base(f), "list-") {
			files = append(files, f)
		}
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			start := "0"
			if strings.Contains(file, "page-2") {
				start = "10"
			}
			d, err := src.Discover(api+"?leg=56&start="+start, read(t, file))
			var got any = d
			if err != nil {
				if d != nil {
					t.Errorf("a discovery came with the error %v", err)
				}
				got = classify(t, err)
			}
			golden(t, goldenPath(file), marshal(t, got))
		})
	}
}

func parse(t *testing.T, file string) *parlq.Question {
	t.Helper()
	q, err := bechamber.New().Parse(docURL(file), read(t, testdata(t, "detail", file)))
	if err != nil {
		t.Fatalf("Parse %s: %v", file, err)
	}
	return q
}

func check[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v; want %v", what, got, want)
	}
}

// TestRecords states what each hand-written response must become, so that
// a wrong golden cannot hide a wrong record.
func TestRecords(t *testing.T) {
	t.Run("legislature 56, answered, in Dutch", func(t *testing.T) {
		q := parse(t, "56-answered.json")
		check(t, "id", q.ID, "bechamber/chamber/56-7-0214-2024202503391")
		check(t, "url", q.URL, api+"/56-B021-7-0214-2024202503391")
		check(t, "source/assembly/type", q.Source+" "+q.Assembly+" "+string(q.Type), "bechamber chamber written_question")
		check(t, "language", q.Language, "nl")
		check(t, "number", q.Number, "214")
		check(t, "legislature/session", q.Legislature+" "+q.Session, "56 2024-2025")
		check(t, "author", q.Author, parlq.Person{Name: "Lotte Vanderheyden", Party: "Vooruit", ID: "07412"})
		check(t, "addressee", q.Addressee, parlq.Person{
			Role: "Minister van Digitalisering en Administratieve Vereenvoudiging, belast met Privacy",
			Body: "Digitalisering en Administratieve Vereenvoudiging"})
		check(t, "dates", q.Received+" "+q.Due+" "+q.Answered+" "+q.Published, "2025-02-03 2025-03-10 2025-03-14 ")
		check(t, "status", q.Status, parlq.Answered)
		check(t, "title", q.Title, "Slimme steden. - Gebruik van sensorgegevens door federale diensten.")
		check(t, "question", q.Question, "Verschillende steden experimenteren met sensoren in de openbare ruimte. De federale overheidsdiensten "+
			"krijgen steeds vaker toegang tot die gegevens, bijvoorbeeld via het platform van de FOD BOSA (www.example.be/data). "+
			"1. Welke federale diensten gebruiken sensorgegevens van slimme steden? 2. Welke waarborgen gelden voor de bescherming van de persoonsgegevens?")
		check(t, "answer (two segments, two lines)", q.Answer, "1. Drie diensten gebruiken dergelijke gegevens: de federale politie, het Koninklijk "+
			"Meteorologisch Instituut en Statbel. De gegevens worden geaggregeerd voor ze worden doorgegeven.\n"+
			"2. De Algemene Verordening Gegevensbescherming is volledig van toepassing (art. 6 en 9). Voor elk project wordt een effectbeoordeling uitgevoerd.")
		fr := q.Translations["fr"]
		check(t, "fr title", fr.Title, "Villes intelligentes. - Utilisation des données de capteurs par les services fédéraux.")
		check(t, "fr role", fr.AddresseeRole, "Ministre de la Digitalisation et de la Simplification administrative, chargé de la Protection de la vie privée")
		check(t, "fr body", fr.AddresseeBody, "Digitalisation et Simplification administrative")
		if !strings.HasPrefix(fr.Question, "Plusieurs villes expérimentent des capteurs dans l'espace public. Les services") ||
			!strings.HasPrefix(fr.Answer, "1. Trois services utilisent de telles données") || !strings.Contains(fr.Answer, "(art. 6 et 9). Une analyse") {
			t.Errorf("fr texts: %+v", fr)
		}
		if len(q.Translations) != 1 {
			t.Errorf("translations %v; want only fr", q.Translations)
		}
		if len(q.Answers) != 1 {
			t.Fatalf("answers %+v", q.Answers)
		}
		a := q.Answers[0]
		check(t, "answer 1", a.Date+" "+string(a.Kind)+" "+a.Label+" "+a.Reference+" "+a.Page, "2025-03-14 answer normaal antwoord B021 ")
		check(t, "answer 1 text", a.Text, q.Answer)
		check(t, "answer 1 fr", a.Translations["fr"], fr.Answer)
		want := []parlq.Subject{
			{Kind: "main", Labels: map[string]string{"fr": "TECHNOLOGIE DE L'INFORMATION", "nl": "INFORMATIETECHNOLOGIE"}},
			{Kind: "descriptor", Labels: map[string]string{"fr": "VILLE INTELLIGENTE", "nl": "SLIMME STAD", "de": "INTELLIGENTE STADT"}},
			{Kind: "descriptor", Labels: map[string]string{"fr": "PROTECTION DES DONNEES", "nl": "GEGEVENSBESCHERMING", "de": "DATENSCHUTZ"}},
			{Kind: "descriptor", Labels: map[string]string{"fr": "CAPTEUR", "nl": "SENSOR", "de": "SENSOR"}},
			{Kind: "free", Labels: map[string]string{"fr": "ville intelligente", "nl": "slimme stad"}},
		}
		if got := marshal(t, q.Subjects); !bytes.Equal(got, marshal(t, want)) {
			t.Errorf("subjects:\ngot  %s\nwant %s", got, marshal(t, want))
		}
		check(t, "acts", len(q.Acts), 3)
		check(t, "act 3", q.Acts[2], parlq.Act{Date: "2025-03-14", Act: "Answer published",
			Actor: "Digitalisering en Administratieve Vereenvoudiging", Reference: "B021"})
	})

	t.Run("the same in XML", func(t *testing.T) {
		j, x := parse(t, "56-answered.json"), parse(t, "56-answered.xml")
		if a, b := marshal(t, j), marshal(t, x); !bytes.Equal(a, b) {
			t.Errorf("JSON and XML records differ:\n%s\n%s", a, b)
		}
	})

	t.Run("several answers", func(t *testing.T) {
		q := parse(t, "56-several-answers.json")
		check(t, "language", q.Language, "fr")
		check(t, "status", q.Status, parlq.Answered)
		var kinds []string
		for _, a := range q.Answers {
			kinds = append(kinds, a.Date+" "+string(a.Kind)+" "+a.Label+" "+a.Reference+" "+a.Page)
		}
		check(t, "answers", strings.Join(kinds, " | "), "2025-05-16 answer réponse normale B030 p12 | "+
			"2025-06-27 additional réponse complémentaire B033 p4 | 2025-07-11 correction réponse rectificative B035 p9")
		check(t, "answer = the corrected one", q.Answer, "Le chiffre exact est de 43 accidents en 2024 : deux accidents signalés tardivement ont été ajoutés.")
		check(t, "answered = its date", q.Answered, "2025-07-11")
		check(t, "corrected", q.Corrected, "2025-07-11")
		check(t, "published (PUBLIDAT)", q.Published, "2025-05-16")
		check(t, "nl answer", q.Translations["nl"].Answer, "Het juiste cijfer is 43 ongevallen in 2024: twee laat gemelde ongevallen werden toegevoegd.")
		check(t, "author id", q.Author.ID, "07355")
		check(t, "author party", q.Author.Party, "Les Engagés")
		check(t, "subjects", len(q.Subjects), 4) // main + three paired descriptors
	})

	t.Run("unanswered, Dutch not yet translated", func(t *testing.T) {
		q := parse(t, "56-pending.json")
		check(t, "status", q.Status, parlq.Pending)
		check(t, "answer", q.Answer+q.Answered, "")
		check(t, "question", q.Question, "Plusieurs zones de police utilisent des caméras intelligentes. Combien de zones en sont équipées? Quel cadre légal s'applique?")
		nl := q.Translations["nl"]
		check(t, "nl", nl.Title+nl.Question+nl.Answer, "")
		check(t, "nl role", nl.AddresseeRole, "Minister van Binnenlandse Zaken")
		check(t, "url (not in a bulletin yet)", q.URL, api+"/56--4-0512-2025202600233")
		check(t, "subjects", len(q.Subjects), 0)
	})

	t.Run("printed without an answer, XML, mojibake", func(t *testing.T) {
		q := parse(t, "56-printed-unanswered.xml")
		check(t, "status", q.Status, parlq.Pending)
		check(t, "title repaired", q.Title, "La fracture numérique chez les aînés.")
		check(t, "question", q.Question, "Une part importante des aînés n'utilise pas les services publics en ligne. Quelles mesures le gouvernement prend-il pour garder un accès hors ligne?")
		check(t, "no Dutch text", q.Translations["nl"].Question, "")
		check(t, "author", q.Author, parlq.Person{Name: "Hugues Renard", Party: "PS", ID: "07233"})
		check(t, "session (extraordinary)", q.Session, "2024")
		check(t, "last act", q.Acts[len(q.Acts)-1], parlq.Act{Act: "Printed without an answer", Reference: "B012"})
	})

	t.Run("table in an XML answer", func(t *testing.T) {
		q := parse(t, "56-table.xml")
		check(t, "answer", q.Answer, "Het aantal geopende dossiers staat in de volgende tabel.\nJaar\tDossiers\n2023\t1 204\n2024\t1 391\n"+
			"Die cijfers & hun evolutie worden elk jaar gepubliceerd.")
		check(t, "fr answer", q.Translations["fr"].Answer, "Le nombre de dossiers ouverts figure dans le tableau suivant.\nAnnée\tDossiers\n2023\t1 204\n2024\t1 391\n"+
			"Ces chiffres & leur évolution sont publiés chaque année.")
		check(t, "page", q.Answers[0].Page, "p7")
		check(t, "question (plain text)", q.Question, "Hoeveel btw-fraudedossiers in de onlinehandel werden er per jaar geopend?")
	})

	t.Run("holding answer", func(t *testing.T) {
		q := parse(t, "56-holding.json")
		check(t, "status", q.Status, parlq.Pending)
		check(t, "holding", q.HoldingAnswered, "2026-01-23")
		check(t, "answered", q.Answered, "")
		check(t, "answer (the holding text)", q.Answer, "De cijfers worden verzameld; een volledig antwoord volgt.")
		check(t, "kind", q.Answers[0].Kind, parlq.HoldingAnswer)
	})

	t.Run("cancelled", func(t *testing.T) {
		q := parse(t, "55-cancelled.json")
		check(t, "status", q.Status, parlq.Withdrawn)
		check(t, "legislature", q.Legislature, "55")
		check(t, "author without a number", q.Author, parlq.Person{Name: "Tom De Wachter", Party: "CD&V"})
		check(t, "last act", q.Acts[len(q.Acts)-1].Act, "Cancelled: Ingetrokken door de auteur")
		// Two French descriptors, one Dutch: not paired.
		var got []string
		for _, s := range q.Subjects {
			got = append(got, s.Kind+":"+s.Label("fr", "nl"))
		}
		check(t, "subjects", strings.Join(got, ","), "main:JUSTICE,descriptor:ORGANISATION JUDICIAIRE,descriptor:PROCEDURE JUDICIAIRE,descriptor:RECHTERLIJKE ORGANISATIE")
		for _, s := range q.Subjects[1:] {
			if len(s.Labels) != 1 {
				t.Errorf("unpaired subject with %d labels: %v", len(s.Labels), s.Labels)
			}
		}
	})
}

// TestAnswerAddedThenReplaced follows one question: unanswered, then an
// answer received (not yet printed), then the answer replaced and printed,
// the SDOCNAME gaining its bulletin: one id throughout, a new record each
// time with the fields that changed.
func TestAnswerAddedThenReplaced(t *testing.T) {
	src := bechamber.New()
	files := []string{"56-pending.json", "56-answer-added.json", "56-answer-replaced.json"}
	var qs []*parlq.Question
	var norms [][]byte
	for _, f := range files {
		q := parse(t, f)
		n, err := src.Normalize(docURL(f), read(t, testdata(t, "detail", f)))
		if err != nil {
			t.Fatal(err)
		}
		qs, norms = append(qs, q), append(norms, n)
	}
	for i := 1; i < len(qs); i++ {
		if qs[i].ID != qs[0].ID {
			t.Errorf("%s: id %s; want %s", files[i], qs[i].ID, qs[0].ID)
		}
		if bytes.Equal(norms[i], norms[i-1]) {
			t.Errorf("%s normalizes like %s; a new version would be missed", files[i], files[i-1])
		}
	}
	added, replaced := qs[1], qs[2]
	check(t, "added status", added.Status, parlq.Answered)
	check(t, "added answered (not printed)", added.Answered, "")
	check(t, "added answer", added.Answer, "Dix-sept zones de police utilisent des caméras intelligentes. La loi sur la fonction de police s'applique.")
	check(t, "added act", added.Acts[len(added.Acts)-1].Act, "Answer received")
	check(t, "added nl question (translated since)", added.Translations["nl"].Question,
		"Verschillende politiezones gebruiken slimme camera's. Hoeveel zones zijn ermee uitgerust? Welk wettelijk kader is van toepassing?")
	check(t, "replaced answered", replaced.Answered, "2026-01-09")
	check(t, "replaced answer", replaced.Answer, "Dix-huit zones de police utilisent des caméras intelligentes. La loi sur la fonction de police s'applique (art. 25/1 à 25/8).")
	check(t, "replaced url", replaced.URL, api+"/56-B044-4-0512-2025202600233")
	check(t, "replaced reference", replaced.Answers[0].Reference+" "+replaced.Answers[0].Page, "B044 p21")
	check(t, "replaced answers", len(replaced.Answers), 1)
}

func TestNormalize(t *testing.T) {
	src := bechamber.New()
	j, err := src.Normalize(docURL("56-answered.json"), read(t, testdata(t, "detail", "56-answered.json")))
	if err != nil {
		t.Fatal(err)
	}
	x, err := src.Normalize(docURL("56-answered.xml"), read(t, testdata(t, "detail", "56-answered.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(j, x) {
		t.Errorf("JSON and XML of one document normalize differently:\n%s\n%s", j, x)
	}
	if bytes.Contains(j, []byte("disclaimer")) || bytes.Contains(j, []byte(`"link"`)) || bytes.ContainsAny(j, "\n\t") {
		t.Errorf("normalized document keeps the disclaimer, its link or layout: %s", j)
	}
	again, err := src.Normalize(api, j)
	if err != nil || !bytes.Equal(again, j) {
		t.Errorf("normalize is not idempotent: %s (%v)", again, err)
	}
	body := read(t, testdata(t, "detail", "56-answered.json"))
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	v["disclaimer"] = "Another notice."
	compact, _ := json.Marshal(v)
	if n, err := src.Normalize(api, compact); err != nil || !bytes.Equal(n, j) {
		t.Errorf("another disclaimer and layout changed the normalized document: %s (%v)", n, err)
	}
	changed := bytes.Replace(body, []byte("Drie diensten"), []byte("Vier diensten"), 1)
	if n, _ := src.Normalize(api, changed); bytes.Equal(n, j) {
		t.Error("a changed answer normalizes to the same bytes")
	}
}

func TestParseBad(t *testing.T) {
	src := bechamber.New()
	answered := read(t, testdata(t, "detail", "56-answered.json"))
	tests := []struct {
		name              string
		body              []byte
		kind              string // layout, soft_error, malformed
		missingHas        string
		normalizeSucceeds bool
	}{
		{name: "truncated JSON", body: read(t, testdata(t, "bad", "truncated.json")), kind: "malformed"},
		{name: "truncated XML", body: read(t, testdata(t, "bad", "truncated.xml")), kind: "malformed"},
		{name: "malformed JSON", body: read(t, testdata(t, "bad", "malformed.json")), kind: "malformed"},
		{name: "cut in half", body: answered[:len(answered)/2], kind: "malformed"},
		{name: "empty body", body: nil, kind: "malformed"},
		{name: "html", body: []byte("<html><body>Service unavailable</body></html>"), kind: "soft_error"},
		{name: "html with a doctype", body: []byte("\n<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>502</title>"), kind: "soft_error"},
		{name: "xhtml", body: []byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>502</body></html>`), kind: "soft_error"},
		{name: "text", body: []byte("Service unavailable"), kind: "malformed"},
		{name: "xml with another root", body: []byte(`<?xml version="1.0"?><error>busy</error>`), kind: "layout", missingHas: "<result>"},
		{name: "xml data after the root", body: []byte(`<result><items/></result><result/>`), kind: "malformed"},
		{name: "unknown document", body: read(t, testdata(t, "bad", "empty.json")), kind: "soft_error"},
		{name: "unknown document in XML", body: []byte(`<result><disclaimer>x</disclaimer><items/></result>`), kind: "soft_error"},
		{name: "changed layout", body: read(t, testdata(t, "bad", "changed-layout.json")), kind: "layout", missingHas: "items"},
		{name: "unknown status", body: read(t, testdata(t, "bad", "unknown-status.json")), kind: "layout", missingHas: `STATUSQ transmited, answerLessPublicated, answerReceived, canceled or archivedCanceled (got "archived")`, normalizeSucceeds: true},
		{name: "unknown answer kind", body: read(t, testdata(t, "bad", "unknown-kind.json")), kind: "layout", missingHas: "CASA1", normalizeSucceeds: true},
		{name: "no author", body: read(t, testdata(t, "bad", "no-author.json")), kind: "layout", missingHas: "AUT", normalizeSucceeds: true},
		{name: "a list item", body: read(t, testdata(t, "bad", "item-of-a-list.json")), kind: "layout", missingHas: "LANG", normalizeSucceeds: true},
		{name: "a list page", body: read(t, testdata(t, "list", "56-page-1.json")), kind: "layout", missingHas: "list page"},
		{name: "two documents", body: []byte(`{"items": [{"SDOCNAME": "a"}, {"SDOCNAME": "b"}]}`), kind: "layout", missingHas: "one document"},
		{name: "array", body: []byte(`[]`), kind: "layout"},
		{name: "null", body: []byte(`null`), kind: "layout"},
		{name: "items not an array", body: []byte(`{"items": {}}`), kind: "layout", missingHas: "items"},
		{name: "text of an unknown shape", body: bytes.Replace(answered, []byte(`"TEXTQN": {`), []byte(`"TEXTQN": {"p": 1, `), 1), kind: "layout", missingHas: "TEXTQN", normalizeSucceeds: true},
		{name: "bad date", body: bytes.Replace(answered, []byte(`"20250203"`), []byte(`"03/02/2025"`), 1), kind: "layout", missingHas: "DEPOTDAT as YYYYMMDD", normalizeSucceeds: true},
		{name: "bad publication", body: bytes.Replace(answered, []byte(`14/03/2025`), []byte(`2025-03-14`), 1), kind: "layout", missingHas: "PUBLICA1", normalizeSucceeds: true},
		{name: "another legislature than the name's", body: bytes.Replace(answered, []byte(`"LEGISL": 56`), []byte(`"LEGISL": 55`), 1), kind: "layout", missingHas: "LEGISL", normalizeSucceeds: true},
		{name: "unknown language", body: bytes.Replace(answered, []byte(`"LANG": "N"`), []byte(`"LANG": "D"`), 1), kind: "layout", missingHas: "LANG F or N", normalizeSucceeds: true},
		{name: "no name", body: bytes.Replace(answered, []byte(`"href": "http://data.dekamer.be/v0/qrva/56-B021-7-0214-2024202503391"`), []byte(`"href": "http://data.dekamer.be/v0/qrva/"`), 1), kind: "layout", missingHas: "SDOCNAME", normalizeSucceeds: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := src.Parse(api+"/x", tt.body)
			if q != nil {
				t.Errorf("Parse returned a record with error %v", err)
			}
			if err == nil {
				t.Fatal("Parse: no error")
			}
			got := classify(t, err)
			if got.Error != tt.kind {
				t.Errorf("Parse error %v is %s; want %s", err, got.Error, tt.kind)
			}
			if !strings.Contains(strings.Join(got.Missing, "; "), tt.missingHas) {
				t.Errorf("Parse error %v; want it to name %q", err, tt.missingHas)
			}
			n, nerr := src.Normalize(api+"/x", tt.body)
			if (nerr == nil) != tt.normalizeSucceeds {
				t.Errorf("Normalize: %s, %v; want success %v", n, nerr, tt.normalizeSucceeds)
			}
			if nerr != nil && n != nil {
				t.Errorf("Normalize returned bytes with error %v", nerr)
			}
		})
	}
}

func TestDiscoverPaging(t *testing.T) {
	src := bechamber.New()
	seeds, err := src.Seeds(parlq.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "seed", strings.Join(seeds, " "), api+"?leg=56&start=0")
	pages := map[string]string{seeds[0]: "56-page-1.json", api + "?leg=56&start=10": "56-page-2.json"}
	var ids []string
	fetched := 0
	for queue := seeds; len(queue) > 0; queue = queue[1:] {
		file, ok := pages[queue[0]]
		if !ok {
			t.Fatalf("next page %s is not one of the two pages", queue[0])
		}
		fetched++
		d, err := src.Discover(queue[0], read(t, testdata(t, "list", file)))
		if err != nil {
			t.Fatalf("Discover %s: %v", file, err)
		}
		check(t, file+" total", d.Total, 12)
		for _, r := range d.Refs {
			ids = append(ids, r.ID)
			if r.Type != parlq.WrittenQuestion || r.Listing == nil || r.Listing.ID != r.ID || r.Received != "" || r.Updated != "" {
				t.Errorf("%s: ref %+v", file, r)
			}
		}
		queue = append(queue, d.Next...)
	}
	check(t, "pages fetched", fetched, 2)
	check(t, "refs", len(ids), 12)
	check(t, "first", ids[0], "bechamber/chamber/56-7-0214-2024202503391")
	check(t, "one document name, two ministers: two ids", ids[5]+" "+ids[6],
		"bechamber/chamber/56-9-0077-2025202600871 bechamber/chamber/56-4-0531-2025202600871")
	// The same page in XML gives the same refs.
	j, err := src.Discover(api+"?leg=56&start=10", read(t, testdata(t, "list", "56-page-2.json")))
	if err != nil {
		t.Fatal(err)
	}
	x, err := src.Discover(api+"?leg=56&start=10", read(t, testdata(t, "list", "56-page-2.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := marshal(t, j), marshal(t, x); !bytes.Equal(a, b) {
		t.Errorf("JSON and XML pages differ:\n%s\n%s", a, b)
	}
}

func TestDiscoverRef(t *testing.T) {
	src := bechamber.New()
	d, err := src.Discover("http://127.0.0.1:8081/mirror/v0/qrva?leg=56&start=0", read(t, testdata(t, "list", "56-page-1.json")))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "next on the mirror", strings.Join(d.Next, " "), "http://127.0.0.1:8081/mirror/v0/qrva?leg=56&start=10")
	r := d.Refs[3] // printed without an answer, mojibake in the list's title
	check(t, "url on the list's host", r.URL, "http://127.0.0.1:8081/mirror/v0/qrva/56-B012-1-0041-0000202401187")
	l := r.Listing
	check(t, "listing url (canonical)", l.URL, api+"/56-B012-1-0041-0000202401187")
	check(t, "listing number", l.Number, "41")
	check(t, "listing author", l.Author, parlq.Person{Name: "Hugues Renard", Party: "PS", ID: "07233"})
	check(t, "listing status (pending is not told)", l.Status, parlq.Status(""))
	check(t, "listing language (the list does not tell it)", l.Language, "")
	check(t, "listing fr title", l.Translations["fr"].Title, "La fracture numérique chez les aînés.")
	check(t, "listing nl role", l.Translations["nl"].AddresseeRole, "Eerste minister")
	check(t, "listing main subject", l.Subjects[0].Labels["nl"], "SOCIAAL BELEID")
	check(t, "answered status told", d.Refs[0].Listing.Status, parlq.Answered)
	check(t, "cancelled status told", d.Refs[7].Listing.Status, parlq.Withdrawn)

	// The detail completed from its listing: nothing of the list overrides
	// it, and no French translation appears on a French record.
	q, err := src.Parse(docURL("56-printed-unanswered.xml"), read(t, testdata(t, "detail", "56-printed-unanswered.xml")))
	if err != nil {
		t.Fatal(err)
	}
	before := marshal(t, q)
	parlq.MergeListing(q, l)
	if after := marshal(t, q); !bytes.Equal(before, after) {
		t.Errorf("merging the listing changed the record:\n%s\n%s", before, after)
	}
}

func TestDiscoverBad(t *testing.T) {
	src := bechamber.New()
	page := read(t, testdata(t, "list", "56-page-1.json"))
	tests := []struct {
		name, url  string
		body       []byte
		kind       string
		missingHas string
	}{
		{name: "truncated", body: page[:len(page)/2], kind: "malformed"},
		{name: "empty", body: nil, kind: "malformed"},
		{name: "another legislature", body: read(t, testdata(t, "bad", "list-other-legislature.json")), kind: "layout", missingHas: "legislature 56"},
		{name: "unknown status", body: read(t, testdata(t, "bad", "list-unknown-status.json")), kind: "layout", missingHas: "items[0].STATUSQ"},
		{name: "link naming another document", body: read(t, testdata(t, "bad", "list-link-mismatch.json")), kind: "layout", missingHas: "link.href"},
		{name: "not where asked", url: api + "?leg=56&start=20", body: page, kind: "layout", missingHas: "start 20 as asked (got 0)"},
		{name: "a document", body: read(t, testdata(t, "detail", "56-answered.json")), kind: "layout", missingHas: "not a list page"},
		{name: "the empty answer", body: read(t, testdata(t, "bad", "empty.json")), kind: "soft_error"},
		{name: "changed layout", body: bytes.Replace(page, []byte(`"items"`), []byte(`"results"`), 1), kind: "layout", missingHas: "items"},
		{name: "total as text", body: bytes.Replace(page, []byte(`"total": 12`), []byte(`"total": "12"`), 1), kind: "layout", missingHas: "total"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url
			if u == "" {
				u = api + "?leg=56&start=0"
			}
			d, err := src.Discover(u, tt.body)
			if d != nil {
				t.Errorf("got a discovery along with error %v", err)
			}
			if err == nil {
				t.Fatal("no error")
			}
			got := classify(t, err)
			if got.Error != tt.kind || !strings.Contains(strings.Join(got.Missing, "; "), tt.missingHas) {
				t.Errorf("error %v (%s); want %s naming %q", err, got.Error, tt.kind, tt.missingHas)
			}
		})
	}
	if _, err := src.Discover("/v0/qrva?leg=56", page); err == nil {
		t.Error("relative list url: no error")
	}
	d, err := src.Discover(api+"?leg=56&start=0", []byte(`{"disclaimer": "x", "start": 0, "total": 0, "items": []}`))
	if err != nil || len(d.Refs) != 0 || len(d.Next) != 0 || d.Total != 0 {
		t.Errorf("empty list: %+v, %v; want no refs, no next, total 0", d, err)
	}
	// A page that ends early (fewer items than the page size) still pages on.
	d, err = src.Discover(api+"?leg=56&start=0", bytes.Replace(page, []byte(`"total": 12`), []byte(`"total": 30`), 1))
	if err != nil || strings.Join(d.Next, " ") != api+"?leg=56&start=10" {
		t.Errorf("next: %v, %v", d, err)
	}
}

func TestSeeds(t *testing.T) {
	src := bechamber.New()
	for _, tc := range []struct {
		opts parlq.SeedOptions
		want []string
	}{
		{parlq.SeedOptions{}, []string{api + "?leg=56&start=0"}},
		{parlq.SeedOptions{Legislature: "54"}, []string{api + "?leg=54&start=0"}},
		{parlq.SeedOptions{Legislature: " ALL "}, []string{api + "?leg=54&start=0", api + "?leg=55&start=0", api + "?leg=56&start=0"}},
		{parlq.SeedOptions{Legislature: "52"}, []string{api + "?leg=52&start=0"}},
	} {
		got, err := src.Seeds(tc.opts)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Seeds(%+v) = %q, %v; want %q", tc.opts, got, err, tc.want)
		}
	}
	for _, opts := range []parlq.SeedOptions{{Legislature: "24/29"}, {Legislature: "-1"}} {
		if got, err := src.Seeds(opts); err == nil {
			t.Errorf("Seeds(%+v) = %q; want an error", opts, got)
		}
	}
}

func TestRecheck(t *testing.T) {
	p := bechamber.New().Recheck()
	const day = 24 * 60 * 60 * 1e9
	if p.PendingEvery != day || p.PendingFor < 35*day || p.PendingSlowEvery != 7*day {
		t.Errorf("pending questions: %+v; want daily until after the five-week deadline, then weekly", p)
	}
	if p.AnsweredEvery <= 0 || p.AnsweredFor < 30*day {
		t.Errorf("answered questions: %+v; want re-checks for printed, added and replaced answers", p)
	}
	check(t, "version", bechamber.New().Version(), "bechamber/1")
	check(t, "name", bechamber.New().Name(), "bechamber")
	check(t, "base", bechamber.New().BaseURL(), "http://data.dekamer.be")
}
