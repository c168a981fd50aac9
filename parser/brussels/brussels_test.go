package brussels

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/parlq/parlq"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/brussels")

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
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// testdataDir holds the project's own Brussels pages.
func testdataDir(t testing.TB) string {
	return filepath.Join(repoRoot(t), "testdata", "brussels")
}

// fixturesDir holds the real saved pages (../shared/fixtures/brussels), or
// skips the test when they are absent.
func fixturesDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "fixtures", "brussels")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real Brussels pages not found at %s (../shared is absent): %v", dir, err)
	}
	return dir
}

func readFile(t testing.TB, path string) []byte {
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
		t.Fatalf("%v (run go test ./parser/brussels -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the parse result (run with -update after checking):\ngot:\n%s\nwant:\n%s", filepath.Base(path), got, want)
	}
}

// pageURLs are the URLs the test pages are parsed with: canonical, mirror
// (127.0.0.1), with montitre, and none (read from the page).
var pageURLs = map[string]string{
	"older-answered-seed-619.html":   "https://www.parlement.brussels/weblex-quest-det/?moncode=139204&montitre=&base=1",
	"newer-unpublished-arccc.html":   "http://127.0.0.1:8081/weblex-quest-det/?moncode=106201&base=2",
	"newer-pending.html":             "",
	"older-answered-messy.html":      "https://www.parlement.brussels/weblex-quest-det/?moncode=166900&montitre&base=1",
	"newer-lapsed.html":              "https://www.parlement.brussels/weblex-quest-det/?moncode=168020&base=1",
	"older-request-explanation.html": "http://127.0.0.1:8081/weblex-quest-det/?moncode=168700&base=1",
	"newer-oral-arccc.html":          "https://www.parlement.brussels/weblex-quest-det/?moncode=105990&base=2",
	"older-topical.html":             "https://www.parlement.brussels/weblex-quest-det/?moncode=169400&base=1",
	"soft-error.html":                "https://www.parlement.brussels/weblex-quest-det/?moncode=999999&base=1",
	"changed-layout.html":            "https://www.parlement.brussels/weblex-quest-det/?moncode=170777&base=1",
	"newer-withdrawn.html":           "https://www.parlement.brussels/weblex-quest-det/?moncode=170733&base=1",
	"newer-several-addressees.html":  "https://www.parlement.brussels/weblex-quest-det/?moncode=170845&base=1",
	"older-answered-table.html":      "https://www.parlement.brussels/weblex-quest-det/?moncode=167320&montitre=&base=1",
	"newer-cut.html":                 "https://www.parlement.brussels/weblex-quest-det/?moncode=170381&base=1",
}

// errorGolden is what a golden file holds for a page that must not parse.
type errorGolden struct {
	Error   string   `json:"error"`
	Missing []string `json:"missing,omitempty"`
}

func TestGolden(t *testing.T) {
	dir := testdataDir(t)
	pages, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no test pages in %s: %v", dir, err)
	}
	s := New()
	for _, path := range pages {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			u, ok := pageURLs[name]
			if !ok {
				t.Fatalf("%s has no entry in pageURLs", name)
			}
			q, err := s.Parse(u, readFile(t, path))
			var got any = q
			if err != nil {
				var le *parlq.LayoutError
				switch {
				case errors.As(err, &le):
					got = errorGolden{Error: "layout", Missing: le.Missing}
				case errors.Is(err, parlq.ErrSoftError):
					got = errorGolden{Error: "soft_error"}
				default:
					t.Fatalf("Parse: %v", err)
				}
			}
			golden(t, strings.TrimSuffix(path, ".html")+".golden.json", marshal(t, got))
		})
	}
}

// TestPages checks what the golden files hold, so that a careless -update
// cannot hide a regression.
func TestPages(t *testing.T) {
	dir := testdataDir(t)
	s := New()
	parse := func(name string) *parlq.Question {
		t.Helper()
		q, err := s.Parse(pageURLs[name], readFile(t, filepath.Join(dir, name)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return q
	}

	seed := parse("older-answered-seed-619.html")
	check(t, "seed id", seed.ID, "brussels/prb/139204")
	check(t, "seed url", seed.URL, "https://www.parlement.brussels/weblex-quest-det/?moncode=139204&base=1")
	check(t, "seed number", seed.Number, "619")
	check(t, "seed author", seed.Author.Name, "Bianca Debaets")
	check(t, "seed addressee", seed.Addressee.Name, "Bernard Clerfayt")
	check(t, "seed role", seed.Addressee.Role, "Ministre du Gouvernement de la Région de Bruxelles-Capitale chargé de l'Emploi et de la Formation professionnelle, de la Transition numérique, des Pouvoirs locaux et du Bien-Être animal")
	check(t, "seed dates", seed.Received+" "+seed.Published+" "+seed.Answered, "2021-02-24 2021-03-26 2021-03-26")
	check(t, "seed legislature/session", seed.Legislature+" "+seed.Session, "19/24 20/21")
	check(t, "seed status", string(seed.Status), "answered")
	check(t, "seed title", seed.Title, "Question écrite concernant le point sur le fonctionnement du Smart City Office et l’élaboration d’un plan d’action")
	prefix(t, "seed question", seed.Question, "Il y a quelque temps, je vous ai interrogé sur le renforcement et l’évaluation du Smart City Office (cf. QE n° 125 et n° 467).\nDans votre réponse")
	suffix(t, "seed question", seed.Question, "quels sont le calendrier et les moyens prévus à cet effet ?")
	prefix(t, "seed answer", seed.Answer, "1/\nCette réflexion est inclue dans la mise en œuvre d'une nouvelle gouvernance IT régionale.")
	contains(t, "seed answer", seed.Answer, "\n2/\nDepuis 2019, le Smart City Office a travaillé sur:\n- le portail smart city")
	suffix(t, "seed answer", seed.Answer, "à travers différents comités transversaux.")

	messy := parse("older-answered-messy.html")
	check(t, "messy question", messy.Question, "Le chantier de rénovation des tunnels de la petite ceinture a déjà coûté plus de 20 millions € selon la presse… hors révisions de prix.\nPouvez-vous me communiquer :\n- le coût par tunnel – études comprises ;\n- le calendrier des manœuvres de fermeture ?")
	check(t, "messy answer", messy.Answer, "1. Coûts\nLe coût total s’élève à 21,4 millions € :\n- tunnel Belliard : 9,1 millions € ;\n- tunnel Loi – phase 2 : 12,3 millions €.\n2. Calendrier\nLes fermetures nocturnes sont réparties comme suit :\nAnnée\tNuits\n2025\t14\n2026\t22\nLes riverains sont prévenus par courrier deux semaines à l’avance.\nUne vue d’ensemble est publiée sur le site de l’administration (mobilite.example.org).")
	check(t, "messy attachments", len(messy.Attachments), 1)

	pending := parse("newer-pending.html")
	check(t, "pending status", string(pending.Status), "pending")
	check(t, "pending url read from the page", pending.URL, "https://www.parlement.brussels/weblex-quest-det/?moncode=170512&base=1")
	check(t, "pending role (split at the first comma after the name)", pending.Addressee.Role, "Ministre du Gouvernement de la Région de Bruxelles-Capitale, chargée de la Mobilité et de la Sécurité routière")
	suffix(t, "pending question", pending.Question, "\n1. Quel service régional est chargé de l’entretien de ces pistes ?\n2. Quelle est la fréquence de balayage prévue par le cahier des charges ?\n3. Un budget supplémentaire est-il prévu pour 2027 ?")
	check(t, "pending published", pending.Published, "")

	unpub := parse("newer-unpublished-arccc.html")
	check(t, "unpublished id", unpub.ID, "brussels/arccc/106201")
	check(t, "unpublished assembly", unpub.Assembly, "ARCCC")
	check(t, "unpublished url (canonical host, not the mirror)", unpub.URL, "https://www.parlement.brussels/weblex-quest-det/?moncode=106201&base=2")
	check(t, "unpublished status", string(unpub.Status), "pending")
	check(t, "unpublished question", unpub.Question, "")

	lapsed := parse("newer-lapsed.html")
	check(t, "lapsed status", string(lapsed.Status), "lapsed")
	check(t, "lapsed published/answered", lapsed.Published+lapsed.Answered, "")
	check(t, "lapsed last act", lapsed.Acts[len(lapsed.Acts)-1], parlq.Act{Date: "2026-02-20", Act: "Caduc(que)"})

	req := parse("older-request-explanation.html")
	check(t, "request type", string(req.Type), "request_for_explanation")
	check(t, "request acts", len(req.Acts), 9)
	check(t, "request act 4", req.Acts[3], parlq.Act{Date: "2026-04-28", Act: "Développement", Actor: "Sara Van Damme", Reference: "B.I.Q. 70 (25/26)", Page: "12", URL: "http://weblex.brussels/data/crb/biq/2025-26/00070/IMAGES.pdf#page=12"})
	check(t, "request question", req.Question+req.Answer, "")
	check(t, "request attachments", req.Attachments, []parlq.Attachment{
		{Title: "B.I.Q. 70 (25/26), page 12", URL: "http://weblex.brussels/data/crb/biq/2025-26/00070/images.pdf#page=12", Type: "publication"},
		{Title: "B.I.Q. 70 (25/26), page 15", URL: "http://weblex.brussels/data/crb/biq/2025-26/00070/images.pdf#page=15", Type: "answer"},
	})

	withdrawn := parse("newer-withdrawn.html")
	check(t, "withdrawn status", string(withdrawn.Status), "withdrawn")
	check(t, "withdrawn last act", withdrawn.Acts[len(withdrawn.Acts)-1], parlq.Act{Date: "2026-09-02", Act: "Retirée par son auteur."})
	check(t, "withdrawn dates", withdrawn.Published+withdrawn.Answered+withdrawn.Answer, "")
	prefix(t, "withdrawn question", withdrawn.Question, "Plusieurs parents signalent")

	several := parse("newer-several-addressees.html")
	check(t, "several: first addressee", several.Addressee, parlq.Person{Name: "Nora Lambert", Role: "Ministre du Gouvernement de la Région de Bruxelles-Capitale, chargée de la Mobilité et de la Sécurité routière"})
	check(t, "several: number (the first addressee's)", several.Number, "319")
	check(t, "several: addressees", several.Addressees, []parlq.Person{
		{Name: "Nora Lambert", Role: "Ministre du Gouvernement de la Région de Bruxelles-Capitale, chargée de la Mobilité et de la Sécurité routière"},
		{Name: "Yasmina Haddad", Role: "Secrétaire d'État à la Région de Bruxelles-Capitale chargée du Logement"},
	})
	check(t, "one addressee: no list", pending.Addressees, []parlq.Person(nil))

	table := parse("older-answered-table.html")
	check(t, "table answer", table.Answer, "Les primes octroyées se répartissent comme suit :\n"+
		"Commune\t2024\t2025\n"+
		"Anderlecht\t412\t455\n"+
		"Etterbeek (y compris les primes groupées)\t\t198\n"+
		"Uccle\t301\t287\n"+
		"Les montants totaux (en milliers d’euros) sont les suivants :\n"+
		"Année\tMontant\tDont copropriétés\n"+
		"2024\t3.120\t410\n"+
		"2025\t3.480\t515\n"+
		"- Les chiffres de 2025 sont provisoires.")

	oral := parse("newer-oral-arccc.html")
	check(t, "oral type", string(oral.Type), "oral_question")
	check(t, "oral id", oral.ID, "brussels/arccc/105990")
	topical := parse("older-topical.html")
	check(t, "topical type", string(topical.Type), "topical_question")
}

func TestParseErrors(t *testing.T) {
	dir := testdataDir(t)
	s := New()

	_, err := s.Parse(pageURLs["soft-error.html"], readFile(t, filepath.Join(dir, "soft-error.html")))
	if !errors.Is(err, parlq.ErrSoftError) {
		t.Errorf("soft error page: got %v; want an error wrapping ErrSoftError", err)
	}

	_, err = s.Parse(pageURLs["changed-layout.html"], readFile(t, filepath.Join(dir, "changed-layout.html")))
	var le *parlq.LayoutError
	if !errors.As(err, &le) {
		t.Fatalf("changed layout: got %v; want a *parlq.LayoutError", err)
	}
	want := []string{"title (<h3>)", "author and addressee list (<dl>)", `label "Date de réception:"`, `label "Date de réponse:"`, "procedure table (Date | Intitulé de l'acte | de | Référence | page)"}
	check(t, "changed layout missing", le.Missing, want)
	check(t, "changed layout url", le.URL, pageURLs["changed-layout.html"])

	// A page cut mid-answer is a layout error, never a shorter answer;
	// the same page whole parses.
	cut := readFile(t, filepath.Join(dir, "newer-cut.html"))
	_, err = s.Parse(pageURLs["newer-cut.html"], cut)
	if !errors.As(err, &le) || len(le.Missing) != 1 || !strings.Contains(le.Missing[0], "cut short") {
		t.Errorf("cut page: got %v; want a layout error saying the page is cut", err)
	}
	if _, err := s.Normalize(pageURLs["newer-cut.html"], cut); !errors.As(err, &le) {
		t.Errorf("cut page: Normalize gave %v; want the layout error", err)
	}
	whole := append(bytes.Clone(cut), []byte(".</SPAN></td>\r\n\t\t</tr></table></div>\r\n</div>\r\n</section>\r\n</div>\r\n</body>\r\n</html>\r\n")...)
	if q, err := s.Parse(pageURLs["newer-cut.html"], whole); err != nil || !strings.HasSuffix(q.Answer, "planifiées par Bruxelles Mobilité.") {
		t.Errorf("the cut page made whole: %v, %v; want its answer", q, err)
	}
	// A page cut after the question section (in the site's chrome) keeps
	// everything the record needs.
	pendingPage := readFile(t, filepath.Join(dir, "newer-pending.html"))
	end := bytes.Index(pendingPage, []byte("</section>")) + len("</section>")
	if _, err := s.Parse(pageURLs["newer-pending.html"], pendingPage[:end+10]); err != nil {
		t.Errorf("a page cut in the chrome after the section: %v; want it read", err)
	}

	// Several addressees, each after its own "à" label: the same list.
	sev := readFile(t, filepath.Join(dir, "newer-several-addressees.html"))
	repeated := bytes.Replace(sev, []byte("</dd><br/><dd><b>Yasmina"), []byte("</dd><br/><dt>&agrave;</dt><dd><b>Yasmina"), 1)
	if bytes.Equal(repeated, sev) {
		t.Fatal("the several-addressees page changed its markup")
	}
	q, err := s.Parse(pageURLs["newer-several-addressees.html"], repeated)
	if err != nil || len(q.Addressees) != 2 || q.Addressees[1].Name != "Yasmina Haddad" {
		t.Errorf("one label per addressee: %+v, %v; want both addressees", q, err)
	}

	page := readFile(t, filepath.Join(dir, "newer-pending.html"))
	for _, tc := range []struct {
		name, url string
		body      []byte
		check     func(error) bool
	}{
		{"empty body", "https://www.parlement.brussels/weblex-quest-det/?moncode=1&base=1", nil, func(err error) bool { return errors.Is(err, parlq.ErrSoftError) }},
		{"no section", "https://www.parlement.brussels/weblex-quest-det/?moncode=1&base=1", []byte("<html><head><title>Fiche</title></head><body><p>rien</p></body></html>"), func(err error) bool { return errors.As(err, new(*parlq.LayoutError)) }},
		{"unknown base", "https://www.parlement.brussels/weblex-quest-det/?moncode=170512&base=7", page, func(err error) bool { return err != nil && strings.Contains(err.Error(), "unknown base") }},
		{"no moncode anywhere", "", bytes.ReplaceAll(page, []byte("moncode="), []byte("moncodx=")), func(err error) bool { return err != nil && strings.Contains(err.Error(), "no moncode") }},
		{"empty template", "https://www.parlement.brussels/weblex-quest-det/?moncode=1&base=1", emptyTemplate(t, page), func(err error) bool { return errors.Is(err, parlq.ErrSoftError) }},
		{"bad date", "https://www.parlement.brussels/weblex-quest-det/?moncode=170512&base=1", bytes.Replace(page, []byte("03/07/2026"), []byte("31/02/2026"), 1), func(err error) bool { return errors.As(err, new(*parlq.LayoutError)) }},
		{"unknown type", "https://www.parlement.brussels/weblex-quest-det/?moncode=170512&base=1", bytes.Replace(page, []byte("<h3>Question &eacute;crite"), []byte("<h3>Proposition"), 1), func(err error) bool { return errors.As(err, new(*parlq.LayoutError)) }},
	} {
		q, err := s.Parse(tc.url, tc.body)
		if q != nil || !tc.check(err) {
			t.Errorf("%s: got %v, %v; want no record and the expected error", tc.name, q, err)
		}
	}
}

// emptyTemplate blanks the values of a page: the site's template rendered
// without a question.
func emptyTemplate(t *testing.T, page []byte) []byte {
	t.Helper()
	r := strings.NewReplacer(
		"Question &eacute;crite concernant l&rsquo;entretien des pistes cyclables s&eacute;par&eacute;es", "",
		"Jonas Peeters", "", "03/07/2026", "", "16/07/2026", "", "Recevable", "", " Bureau &eacute;largi du Parlement", "")
	out := []byte(r.Replace(string(page)))
	if bytes.Equal(out, page) {
		t.Fatal("emptyTemplate changed nothing")
	}
	return out
}

func TestParseLanguage(t *testing.T) {
	page := readFile(t, filepath.Join(testdataDir(t), "newer-lapsed.html"))
	s := New()
	nl := bytes.Replace(page, []byte(`id="weblex-quest-det-fr"`), []byte(`id="weblex-quest-det-nl"`), 1)
	q, err := s.Parse("http://127.0.0.1:8081/weblex-quest-det/?lang=nl&moncode=168020&base=1", nl)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "language", q.Language, "nl")
	check(t, "url", q.URL, "https://www.parlement.brussels/weblex-quest-det/?moncode=168020&base=1&lang=nl")
}

func TestPlainText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<p>a</p><p>b</p>", "a\nb"},
		{"x<BR><BR><BR>y", "x\ny"},
		{"<SPAN STYLE=\"\">l&#146;&eacute;t&eacute;&#9;&#150; 5&#128;</SPAN>", "l’été – 5€"},
		{"<ul><li><p>un</p></li><li></li><li>deux</li></ul>fin", "- un\n- deux\nfin"},
		{"<ol start=\"3\"><li>c</li><li>d</li></ol>", "3. c\n4. d"},
		{"a<style>p{color:red}</style>b<script>x()</script><svg><text>s</text></svg>c<!-- note -->", "abc"},
		{"  &nbsp; spaced \t out &nbsp;", "spaced out"},
		{"<table><tr><td>A</td><td>B</td></tr><tr><td>1</td><td>2</td></tr></table>", "A\tB\n1\t2"},
		// An editor's table: cells in paragraphs, an empty cell kept between
		// others, trailing empty cells and empty rows dropped, a caption.
		{"<p>Avant :</p><table><caption>Budget</caption><tbody><tr><td><p>Poste</p></td><td><p>2025</p></td><td><p>2026</p></td><td></td></tr>" +
			"<tr><td><p>Voirie</p><p>(entretien)</p></td><td></td><td><p>1,2 M€</p></td></tr><tr><td> </td></tr></tbody></table><p>Après.</p>",
			"Avant :\nBudget\nPoste\t2025\t2026\nVoirie (entretien)\t\t1,2 M€\nAprès."},
		// Columns typed with tabs, row by row; a tab after a list marker
		// and a lone tab are spacing.
		{"Ann&eacute;e&#9;Montant<BR>2024&#9;&#9;1.000 &#128;<BR>2025&#9;2.500 &#128;<BR>-&#9;fin&#9;de liste<BR>texte<BR>seul&#9;ici",
			"Année\tMontant\n2024\t1.000 €\n2025\t2.500 €\n- fin\tde liste\ntexte\nseul ici"},
		{"1.&#9;premier point<BR>2.&#9;second point", "1. premier point\n2. second point"},
		{"soft&shy;hyphen&#8203;", "softhyphen"},
		{"<pre>line 1\nline 2</pre>", "line 1\nline 2"},
	} {
		doc, err := html.Parse(strings.NewReader("<div>" + tc.in + "</div>"))
		if err != nil {
			t.Fatal(err)
		}
		if got := plainText(doc); got != tc.want {
			t.Errorf("plainText(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestTypeOfTitle(t *testing.T) {
	for title, want := range map[string]parlq.Type{
		"Question écrite concernant x":                parlq.WrittenQuestion,
		"Question orale jointe concernant x":          parlq.OralQuestion,
		"Question d’actualité concernant x":           parlq.TopicalQuestion,
		"Interpellation jointe concernant x":          parlq.Interpellation,
		"Demande d'explications concernant x":         parlq.RequestForExplanation,
		"Schriftelijke vraag betreffende x":           parlq.WrittenQuestion,
		"Toegevoegde mondelinge vraag betreffende x":  parlq.OralQuestion,
		"Toegevoegde Actualiteitsvraag betreffende x": parlq.TopicalQuestion,
		"Vraag om uitleg betreffende x":               parlq.RequestForExplanation,
		"Interpellatie betreffende x":                 parlq.Interpellation,
		"Proposition d'ordonnance relative à x":       "",
	} {
		got, _ := typeOfTitle(title)
		check(t, title, got, want)
	}
}

func TestSeeds(t *testing.T) {
	s := New()
	for _, tc := range []struct {
		opts parlq.SeedOptions
		want []string
	}{
		{parlq.SeedOptions{}, []string{"https://www.parlement.brussels/prb_includes/weblex/data/dos_qu_legis_24-29.json"}},
		{parlq.SeedOptions{Legislature: "19/24"}, []string{"https://www.parlement.brussels/prb_includes/weblex/data/dos_qu_legis_19-24.json"}},
		{parlq.SeedOptions{Legislature: "14-19"}, []string{"https://www.parlement.brussels/prb_includes/weblex/data/dos_qu_legis_14-19.json"}},
	} {
		got, err := s.Seeds(tc.opts)
		if err != nil {
			t.Fatalf("Seeds(%+v): %v", tc.opts, err)
		}
		check(t, "Seeds "+tc.opts.Legislature, got, tc.want)
	}
	all, err := s.Seeds(parlq.SeedOptions{Legislature: "all"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "all legislatures", len(all), 8)
	check(t, "first legislature", all[0], "https://www.parlement.brussels/prb_includes/weblex/data/dos_qu_legis_89-95.json")
	check(t, "last legislature", all[7], "https://www.parlement.brussels/prb_includes/weblex/data/dos_qu_legis_24-29.json")
	for _, bad := range []parlq.SeedOptions{{Legislature: "2024"}, {Legislature: "24/2029"}} {
		if _, err := s.Seeds(bad); err == nil {
			t.Errorf("Seeds(%+v): got no error; want one", bad)
		}
	}
}

func TestIdentity(t *testing.T) {
	s := New()
	check(t, "name", s.Name(), "brussels")
	check(t, "parliament", s.Parliament(), "Parlement de la Région de Bruxelles-Capitale")
	check(t, "base url", s.BaseURL(), "https://www.parlement.brussels")
	check(t, "version", s.Version(), "brussels/2")
	day := 24 * time.Hour
	check(t, "recheck", s.Recheck(), parlq.RecheckPolicy{PendingEvery: day, PendingFor: 240 * day, PendingSlowEvery: 7 * day, AnsweredEvery: day, AnsweredFor: 14 * day})
}

func TestPageURL(t *testing.T) {
	got, err := PageURL(readFile(t, filepath.Join(testdataDir(t), "older-answered-seed-619.html")))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "PageURL", got, "https://www.parlement.brussels/weblex-quest-det/?moncode=139204&base=1")
	if _, err := PageURL([]byte("<html></html>")); err == nil {
		t.Error("PageURL of a page without links: got no error; want one")
	}
}

func check[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %#v; want %#v", what, got, want)
	}
}

func prefix(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.HasPrefix(got, want) {
		t.Errorf("%s: got %q…; want it to start with %q", what, clip(got, len(want)+20), want)
	}
}

func suffix(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.HasSuffix(got, want) {
		t.Errorf("%s: got …%q; want it to end with %q", what, tail(got, len(want)+20), want)
	}
}

func contains(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("%s: got %q; want it to contain %q", what, clip(got, 200), want)
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
