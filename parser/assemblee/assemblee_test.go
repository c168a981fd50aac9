package assemblee_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/assemblee")

const (
	dumpURL = "https://data.assemblee-nationale.fr/static/openData/repository/17/questions/questions_ecrites/Questions_ecrites.json.zip"
	amoURL  = "https://data.assemblee-nationale.fr/static/openData/repository/17/amo/deputes_actifs_mandats_actifs_organes/AMO10_deputes_actifs_mandats_actifs_organes.json.zip"
)

// repoRoot is the directory holding go.mod, found by walking up.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// testdata is the project's own Assemblée files (invented content).
func testdata(t testing.TB, parts ...string) string {
	return filepath.Join(append([]string{repoRoot(t), "testdata", "assemblee"}, parts...)...)
}

// fixtures is the real saved files, read in place; the test is skipped
// when ../shared is absent.
func fixtures(t testing.TB) string {
	t.Helper()
	dir, err := assembleetest.FixturesDir()
	if err != nil {
		t.Skipf("real Assemblée files not found (../shared/fixtures/fr-assemblee): %v", err)
	}
	return dir
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func marshal(t testing.TB, v any) []byte {
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
		t.Fatalf("%v (run go test ./parser/assemblee -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the result (run with -update after checking):\ngot:\n%s\nwant:\n%s", filepath.Base(path), got, want)
	}
}

func check[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v; want %#v", what, got, want)
	}
}

// testReferences is the invented reference data of testdata/assemblee/amo,
// zipped as the AMO dump is.
func testReferences(t testing.TB) []byte {
	t.Helper()
	var files []assembleetest.File
	for _, kind := range []string{"acteur", "organe"} {
		paths, err := filepath.Glob(testdata(t, "amo", kind, "*.json"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no %s files in testdata/assemblee/amo: %v", kind, err)
		}
		for _, p := range paths {
			files = append(files, assembleetest.File{Name: kind + "/" + filepath.Base(p), Body: read(t, p)})
		}
	}
	return assembleetest.Zip(files, time.Date(2025, 7, 1, 3, 0, 0, 0, time.UTC))
}

// withReferences is the source reading with these AMO documents.
func withReferences(t testing.TB, docs ...[]byte) parlq.Source {
	t.Helper()
	var ds []parlq.Document
	for _, d := range docs {
		ds = append(ds, parlq.Document{URL: amoURL, Body: d})
	}
	s, err := assemblee.New().WithReferences(ds)
	if err != nil {
		t.Fatalf("WithReferences: %v", err)
	}
	return s
}

func questionURL(uid string) string { return assemblee.QuestionURL(uid) }

// errorGolden is what a golden file holds for a document that must not parse.
type errorGolden struct {
	Error   string   `json:"error"`
	Missing []string `json:"missing,omitempty"`
}

func errorOf(t *testing.T, err error) errorGolden {
	t.Helper()
	var le *parlq.LayoutError
	switch {
	case errors.As(err, &le):
		return errorGolden{Error: "layout", Missing: le.Missing}
	case errors.Is(err, assemblee.ErrMalformed):
		return errorGolden{Error: "malformed"}
	case errors.Is(err, parlq.ErrSoftError):
		return errorGolden{Error: "soft_error"}
	}
	t.Fatalf("unexpected error %v", err)
	return errorGolden{}
}

// questionFiles are the invented questions of testdata/assemblee.
func questionFiles(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(testdata(t, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".golden.json") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		t.Fatal("no questions in testdata/assemblee")
	}
	return out
}

// TestGolden parses every invented question with the invented reference
// data and compares the record (or the error) with its golden file.
func TestGolden(t *testing.T) {
	src := withReferences(t, testReferences(t))
	for _, path := range questionFiles(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			q, err := src.Parse(questionURL("x"), read(t, path))
			var got any = q
			if err != nil {
				got = errorOf(t, err)
			}
			golden(t, testdata(t, name+".golden.json"), marshal(t, got))
		})
	}
}

func parseFile(t *testing.T, src parlq.Source, name string) *parlq.Question {
	t.Helper()
	q, err := src.Parse(questionURL(name), read(t, testdata(t, name+".json")))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return q
}

// TestRecords checks what the golden files hold, so that a careless
// -update cannot hide a regression.
func TestRecords(t *testing.T) {
	src := withReferences(t, testReferences(t))
	const eco, sante = "Ministère de l'économie et des finances", "Ministère de la santé et de la prévention"

	p := parseFile(t, src, "pending")
	check(t, "pending id", p.ID, "assemblee/an/QANR5L17QE90001")
	check(t, "pending url", p.URL, "https://www.assemblee-nationale.fr/dyn/17/questions/QANR5L17QE90001")
	check(t, "pending type/number/legislature", string(p.Type)+" "+p.Number+" "+p.Legislature, "written_question 90001 17")
	check(t, "pending status", p.Status, parlq.Pending)
	check(t, "pending author", p.Author, parlq.Person{Name: "Jeanne Marceau", Party: "Union des territoires", ID: "PA900101"})
	check(t, "pending addressee", p.Addressee, parlq.Person{Name: eco, Role: "Économie et finances", ID: "PO900401"})
	check(t, "pending dates", p.Received+" "+p.Published+" "+p.Answered, "2025-03-11 2025-03-11 ")
	check(t, "pending question (no-break space collapsed, <br/> a new line)", p.Question,
		"Mme Jeanne Marceau attire l'attention de M. le ministre de l'économie et des finances sur les frais prélevés par certaines banques sur les comptes inactifs. Plusieurs usagers de sa circonscription lui ont signalé des prélèvements annuels dépassant 30 euros sur des comptes sans mouvement depuis plus de cinq ans.\nElle lui demande s'il entend plafonner ces frais.")
	check(t, "pending acts", p.Acts, []parlq.Act{{Date: "2025-03-11", Act: "Question publiée au JO", Actor: "Jeanne Marceau", Reference: "JO Questions n° 20250011", Page: "1604"}})
	check(t, "pending title", p.Title, "Frais bancaires des comptes inactifs")
	check(t, "pending subjects", p.Subjects, []parlq.Subject{
		{Kind: "heading", Labels: map[string]string{"fr": "consommation"}},
		{Kind: "analysis", Labels: map[string]string{"fr": "Frais bancaires des comptes inactifs"}},
	})

	r := parseFile(t, src, "reassigned")
	check(t, "reassigned party: the group on the question's date, not the one the question names",
		r.Author, parlq.Person{Name: "Hugues Lantier", Party: "Union des territoires", ID: "PA900102"})
	check(t, "reassigned addressee: the ministry asked", r.Addressee.Name, sante)
	check(t, "reassigned acts", r.Acts, []parlq.Act{
		{Date: "2025-01-14", Act: "Question publiée au JO", Actor: "Hugues Lantier", Reference: "JO Questions n° 20250011", Page: "188"},
		{Date: "2025-02-04", Act: "Question réattribuée", Actor: eco, Reference: "JO Questions"},
		{Date: "2025-03-07", Act: "Question réattribuée", Actor: "Ministère de l'économie, des finances et de l'industrie", Reference: "JO Lois et décrets"},
		{Date: "2025-04-08", Act: "Réponse publiée au JO", Actor: "Ministère de l'économie, des finances et de l'industrie", Reference: "JO Questions n° 20250020", Page: "2710"},
	})
	check(t, "reassigned answerer (a ministry gone from the references: the question's names)", *r.Answers[0].Answerer,
		parlq.Person{Name: "Ministère de l'économie, des finances et de l'industrie", Role: "Économie, finances et industrie", ID: "PO900403"})
	check(t, "reassigned status/answered", string(r.Status)+" "+r.Answered, "answered 2025-04-08")
	check(t, "reassigned answer", r.Answer, "Les obligations de stocks de sécurité ont été portées à quatre mois pour les médicaments d'intérêt thérapeutique majeur.\nUn décret précisera les sanctions applicables.")

	rn := parseFile(t, src, "renewed")
	check(t, "renewed author: the accents the references drop, from the text", rn.Author.Name, "Élise Fournié")
	check(t, "renewed status", rn.Status, parlq.Pending)
	check(t, "renewed title", rn.Title, "Hôpitaux : Urgences pédiatriques, fermetures nocturnes")
	check(t, "renewed acts", rn.Acts[1:], []parlq.Act{
		{Date: "2025-01-21", Act: "Question renouvelée", Reference: "JO Questions n° 20250003"},
		{Date: "2025-04-22", Act: "Question renouvelée", Reference: "JO Questions n° 20250016"},
	})
	check(t, "renewed subjects", len(rn.Subjects), 4)

	sg := parseFile(t, src, "signalled")
	check(t, "signalled act", sg.Acts[1], parlq.Act{Date: "2025-02-11", Act: "Question signalée", Reference: "JO Questions n° 20250006"})
	check(t, "signalled answer", sg.Answer, "Le taux réduit de 5,5 % s'applique aux travaux d'amélioration de la qualité énergétique des logements achevés depuis plus de deux ans.")
	check(t, "signalled status", sg.Status, parlq.Answered)

	w := parseFile(t, src, "withdrawn")
	check(t, "withdrawn status", w.Status, parlq.Withdrawn)
	check(t, "withdrawn last act", w.Acts[len(w.Acts)-1], parlq.Act{Date: "2025-03-18", Act: "Question retirée par son auteur", Reference: "JO Questions n° 20250011"})
	check(t, "withdrawn answer", w.Answer+w.Answered, "")

	l := parseFile(t, src, "lapsed")
	check(t, "lapsed status", l.Status, parlq.Lapsed)
	check(t, "lapsed last act", l.Acts[len(l.Acts)-1].Act, "Retrait pour fin de mandat")

	g := parseFile(t, src, "ministry-gone")
	check(t, "gone: addressee from the question's own names", g.Addressee,
		parlq.Person{Name: "Ministère de la transition énergétique", Role: "Transition énergétique", ID: "PO900499"})
	check(t, "gone: an author the references do not hold, named from the text", g.Author,
		parlq.Person{Name: "Bastien Ollivier-Dumas", Party: "Écologie et progrès", ID: "PA900199"})
	check(t, "gone: answer with <sup> and a no-break space", g.Answer,
		"Les tarifs réglementés évolueront au 1er février selon la proposition de la Commission de régulation de l'énergie.")

	tb := parseFile(t, src, "table")
	check(t, "table answer: one line per row, cells tab-separated", tb.Answer, strings.Join([]string{
		"Les crédits engagés figurent dans le tableau suivant :",
		"RÉGION\tCRÉDITS (en euros)",
		"2023\t2024",
		"Bretagne\t1 250 000\t1 310 000",
		"Occitanie (hors métropoles)\t980 000\t—",
		"Ces montants seront réévalués en 2026.",
	}, "\n"))

	_, err := src.Parse(questionURL("QANR5L17QE90011"), read(t, testdata(t, "unknown-closure.json")))
	var le *parlq.LayoutError
	if !errors.As(err, &le) || !strings.Contains(strings.Join(le.Missing, " "), `"TRANSF_QO"`) {
		t.Errorf("unknown closure: got %v; want a LayoutError naming the code TRANSF_QO", err)
	}
	if _, err := src.Parse(questionURL("QANR5L17QE90010"), read(t, testdata(t, "malformed.json"))); !errors.Is(err, assemblee.ErrMalformed) {
		t.Errorf("malformed: got %v; want ErrMalformed", err)
	}
}

// TestAnswerAddedLater parses the same question before and after its
// answer: the record and its normalized form change; a body that only
// differs in layout does not.
func TestAnswerAddedLater(t *testing.T) {
	src := withReferences(t, testReferences(t))
	before, after := read(t, testdata(t, "answer-later-1.json")), read(t, testdata(t, "answer-later-2.json"))
	u := questionURL("QANR5L17QE90007")
	q1, err1 := src.Parse(u, before)
	q2, err2 := src.Parse(u, after)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	check(t, "same id", q1.ID, q2.ID)
	check(t, "status before/after", string(q1.Status)+"/"+string(q2.Status), "pending/answered")
	check(t, "answer after", q2.Answer, "Les données recueillies par les capteurs urbains relèvent du règlement général sur la protection des données.\nLa CNIL a publié des recommandations à l'intention des collectivités.")
	n1, err1 := src.Normalize(u, before)
	n2, err2 := src.Normalize(u, after)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(n1, n2) {
		t.Error("the answer did not change the normalized form")
	}
	// The same content re-serialised: UTF-8 instead of \u escapes, no
	// spaces, keys in another order.
	var tree map[string]any
	if err := json.Unmarshal(after, &tree); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(buf.Bytes(), after) {
		t.Fatal("the re-serialised body is the same bytes: the test proves nothing")
	}
	n3, err := src.Normalize(u, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(n2, n3) {
		t.Errorf("a layout change changed the normalized form:\n%s\n%s", n2, n3)
	}
}

// TestWithoutReferences parses with a source given no reference data: the
// record still validates, with the names the question carries.
func TestWithoutReferences(t *testing.T) {
	src := assemblee.New()
	p := parseFile(t, src, "pending")
	check(t, "author from the text, party as the question names it", p.Author,
		parlq.Person{Name: "Jeanne Marceau", Party: "Union des territoires", ID: "PA900101"})
	check(t, "addressee as the question names it", p.Addressee,
		parlq.Person{Name: "Ministère de l'économie et des finances", Role: "Économie et finances", ID: "PO900401"})
	r := parseFile(t, src, "reassigned")
	check(t, "without mandates, the group the question names", r.Author.Party, "Écologie et progrès")
	rn := parseFile(t, src, "renewed")
	check(t, "accented name from the text", rn.Author.Name, "Élise Fournié")

	// A question whose text does not open with its author: the name stays
	// empty, the id is kept, the record validates.
	q := assembleetest.Question{Number: 77, AuthorRef: "PA1", MandateRef: "PM1",
		Group: assembleetest.Organ{Ref: "PO1", Short: "G", Long: "Groupe"}, Asked: assembleetest.Organ{Ref: "PO2", Short: "Budget", Long: "Ministère du budget"},
		Published: time.Date(2025, 5, 6, 0, 0, 0, 0, time.UTC), Page: 1, Text: "Sur le budget des communes."}
	rec, err := src.Parse(questionURL(q.UID()), q.JSON())
	if err != nil {
		t.Fatal(err)
	}
	check(t, "unknown author", rec.Author, parlq.Person{Party: "Groupe", ID: "PA1"})
}

func TestSeedsAndReferences(t *testing.T) {
	src := assemblee.New()
	seeds, err := src.Seeds(parlq.SeedOptions{})
	check(t, "default seeds", seeds, []string{dumpURL})
	check(t, "default seeds error", err, nil)
	refs, err := src.References(parlq.SeedOptions{})
	check(t, "default references", refs, []string{amoURL})
	check(t, "default references error", err, nil)

	seeds, _ = src.Seeds(parlq.SeedOptions{Legislature: "all"})
	check(t, "all seeds", seeds, []string{
		"https://data.assemblee-nationale.fr/static/openData/repository/14/questions/questions_ecrites/Questions_ecrites_XIV.json.zip",
		"https://data.assemblee-nationale.fr/static/openData/repository/15/questions/questions_ecrites/Questions_ecrites_XV.json.zip",
		"https://data.assemblee-nationale.fr/static/openData/repository/16/questions/questions_ecrites/Questions_ecrites.json.zip",
		"https://data.assemblee-nationale.fr/static/openData/repository/17/questions/questions_ecrites/Questions_ecrites.json.zip",
	})
	refs, _ = src.References(parlq.SeedOptions{Legislature: "all"})
	check(t, "all references: the historical dump once, the sitting members'", refs, []string{
		"https://data.assemblee-nationale.fr/static/openData/repository/17/amo/tous_acteurs_mandats_organes_xi_legislature/AMO30_tous_acteurs_tous_mandats_tous_organes_historique.json.zip",
		amoURL,
	})
	for _, bad := range []parlq.SeedOptions{{Legislature: "13"}, {Legislature: "XVII"}} {
		if _, err := src.Seeds(bad); err == nil {
			t.Errorf("Seeds(%+v): no error", bad)
		}
		if _, err := src.References(bad); err == nil {
			t.Errorf("References(%+v): no error", bad)
		}
	}
	check(t, "name", src.Name(), "assemblee")
	check(t, "version", src.Version(), "assemblee/1")
	if p := src.Recheck(); p.PendingEvery == 0 || p.AnsweredEvery != 0 {
		t.Errorf("recheck %+v: want a pending safety net and no answered re-checks", p)
	}
}

// TestHosts: the source spans two hosts, which a stand-in serves together.
func TestHosts(t *testing.T) {
	src := assemblee.New()
	check(t, "hosts", src.Hosts(), []string{"https://data.assemblee-nationale.fr", "https://www.assemblee-nationale.fr"})
	for in, want := range map[string]string{
		"http://127.0.0.1:8081/dyn/opendata/QANR5L17QE1.json":              "https://www.assemblee-nationale.fr/dyn/opendata/QANR5L17QE1.json",
		"http://127.0.0.1:8081" + assembleetest.DumpPath(17):               dumpURL,
		"http://127.0.0.1:8081" + assembleetest.ActorsPath(17):             amoURL,
		"https://www.assemblee-nationale.fr/dyn/opendata/QANR5L17QE1.json": "https://www.assemblee-nationale.fr/dyn/opendata/QANR5L17QE1.json",
		dumpURL: dumpURL,
		"%zz":   "%zz",
	} {
		check(t, "canonical "+in, src.Canonical(in), want)
	}
}
