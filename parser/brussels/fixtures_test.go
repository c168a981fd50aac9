package brussels

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parlq/parlq"
)

// fixture is what a real saved page must parse to. Texts are checked by
// their first and last characters and their number of lines.
type fixture struct {
	file, url                     string
	id, typ, number, title        string
	author, addressee, role       string
	received, published, answered string
	legislature, session          string
	status                        parlq.Status
	acts                          []parlq.Act
	qStart, qEnd                  string
	qLines                        int
	aStart, aEnd                  string
	aLines                        int
	attachments                   int
}

const (
	roleMaron   = "Ministre du Gouvernement de la Région de Bruxelles-Capitale chargé de la Transition climatique, de l'Environnement, de l'Énergie et de la Démocratie participative"
	bureauElarg = "Bureau élargi du Parlement"
	cube        = "Question écrite concernant les permis pour le cube bleu érigé sur la place De Brouckère"
)

var biq = func(page string) string {
	return "http://weblex.brussels/data/crb/biq/2025-26/00076/IMAGES.pdf#page=" + page
}

var fixtures = []fixture{
	{
		file: "166342.html", url: "https://www.parlement.brussels/weblex-quest-det/?moncode=166342&montitre&base=1",
		id: "brussels/prb/166342", typ: "written_question", number: "197",
		title:  "Question écrite concernant l’exposition des établissements de soins bruxellois à la pollution atmosphérique",
		author: "Geoffroy Coomans de Brachène", addressee: "Alain Maron", role: roleMaron,
		received: "2025-06-30", published: "2025-09-09", answered: "2025-09-09", legislature: "24/29", session: "24/25",
		status: parlq.Answered,
		acts:   []parlq.Act{{Date: "2025-07-23", Act: "Recevable", Actor: bureauElarg}},
		qStart: "Une récente étude de l’ASBL Chercheurs d’air révèle que", qEnd: "par Bruxelles Environnement ou une autre entité publique ?", qLines: 3,
		aStart: "QUESTION 1\nQuelle analyse le gouvernement fait-il", aEnd: "une cartographie des concentrations annuelles de NO2 à l’échelle de la rue.", aLines: 15,
	},
	{
		file: "167067.html", url: "https://www.parlement.brussels/weblex-quest-det/?moncode=167067&montitre&base=1",
		id: "brussels/prb/167067", typ: "written_question", number: "247",
		title:  "Question écrite concernant la fin du service Villo, le retrait des panneaux publicitaires et les réaménagements requis en voirie",
		author: "Ibrahim Dönmez", addressee: "Alain Maron", role: roleMaron,
		received: "2025-06-30", published: "2025-11-10", answered: "2025-11-10", legislature: "24/29", session: "24/25",
		status: parlq.Answered,
		acts: []parlq.Act{
			{Date: "2025-10-16", Act: "Demande d'explications transformée en question écrite", Actor: "Ibrahim Dönmez"},
			{Date: "2025-10-16", Act: "Recevable", Actor: "p.m."},
		},
		qStart: "Si à notre grand regret, le modèle du système de vélos en libre-service Villo! lancé en 2009 n’a jamais", qEnd: "ne constituera pas de pertes financières pour les pouvoirs locaux ?", qLines: 16,
		aStart: "Aucune des questions ne relève de la compétence du ministre de l'Environnement.", aEnd: "du ministre de l'Environnement.", aLines: 1,
	},
	{
		file: "question_source.html", url: "https://www.parlement.brussels/weblex-quest-det/?moncode=167852&base=1",
		id: "brussels/prb/167852", typ: "written_question", number: "241",
		title:  "Question écrite concernant les données statistiques relatives aux agences immobilières sociales",
		author: "Marie Cruysmans", addressee: "Nawal Ben Hamou", role: "Secrétaire d'État à la Région de Bruxelles-Capitale en charge du Logement et de l'Égalité des Chances",
		received: "2025-12-31", legislature: "24/29", session: "25/26",
		status: parlq.Lapsed,
		acts: []parlq.Act{
			{Date: "2026-01-09", Act: "Recevable", Actor: bureauElarg},
			{Date: "2026-02-13", Act: "Caduc(que)"},
		},
		qStart: "Depuis plusieurs mois, des agences immobilières sociales (AIS)", qEnd: "aux sources de revenus des locataires en défaut de paiement ?", qLines: 4,
	},
	{
		file: "source_test.html", url: "https://www.parlement.brussels/weblex-quest-det/?moncode=168854&base=1",
		id: "brussels/prb/168854", typ: "request_for_explanation", number: "21",
		title:  "Demande d'explications concernant les longs délais d'attente dans les centres d'examen pour le permis de conduire",
		author: "Stijn Bex", addressee: "Elke Van den Brandt", role: "Ministre du Gouvernement de la Région de Bruxelles-Capitale chargée de la Mobilité, des Travaux publics et de la Sécurité routière",
		received: "2026-04-02", published: "2026-05-19", answered: "2026-05-19", legislature: "24/29", session: "25/26",
		status: parlq.Answered,
		acts: []parlq.Act{
			{Date: "2026-04-20", Act: "Recevable", Actor: bureauElarg},
			{Date: "2026-04-20", Act: "Renvoi en commission mobilité", Actor: bureauElarg},
			{Date: "2026-04-20", Act: "Demande d'explications jointe", Actor: "Gilles Verstraeten"},
			{Date: "2026-05-19", Act: "Développement", Actor: "Stijn Bex", Reference: "B.I.Q. 76 (25/26)", Page: "57", URL: biq("57")},
			{Date: "2026-05-19", Act: "Demande d'explications jointe", Actor: "Ibrahim Dönmez", Reference: "B.I.Q. 76 (25/26)", Page: "57", URL: biq("57")},
			{Date: "2026-05-19", Act: "Demande d'explications jointe", Actor: "Sadik Köksal", Reference: "B.I.Q. 76 (25/26)", Page: "58", URL: biq("58")},
			{Date: "2026-05-19", Act: "Intervention", Actor: "Oliver Rittweger de Moor", Reference: "B.I.Q. 76 (25/26)", Page: "59", URL: biq("59")},
			{Date: "2026-05-19", Act: "Intervention", Actor: "Sofia Bennani", Reference: "B.I.Q. 76 (25/26)", Page: "60", URL: biq("60")},
			{Date: "2026-05-19", Act: "Intervention", Actor: "Ilyas Mouani", Reference: "B.I.Q. 76 (25/26)", Page: "60", URL: biq("60")},
			{Date: "2026-05-19", Act: "Réponse", Actor: "Elke Van den Brandt", Reference: "B.I.Q. 76 (25/26)", Page: "60", URL: biq("60")},
			{Date: "2026-05-19", Act: "Réplique", Actor: "Stijn Bex", Reference: "B.I.Q. 76 (25/26)", Page: "63", URL: biq("63")},
		},
		attachments: 2,
	},
	{
		file: "170644.html", url: "http://127.0.0.1:8081/weblex-quest-det/?moncode=170644&base=1",
		id: "brussels/prb/170644", typ: "written_question", number: "123",
		title:  "Question écrite concernant la suppression des primes Activa",
		author: "Ludivine de Magnanville", addressee: "Laurent Hublet", role: "Ministre du Gouvernement de la Région de Bruxelles-Capitale chargé de l'Emploi, de l'Économie et de l'Économie numérique",
		received: "2026-09-18", legislature: "24/29", session: "25/26",
		status: parlq.Pending,
		acts:   []parlq.Act{{Date: "2026-09-18", Act: "Recevable", Actor: "p.m."}},
	},
	{
		file: "170291.html", url: "https://www.parlement.brussels/weblex-quest-det/?moncode=170291&base=1",
		id: "brussels/prb/170291", typ: "written_question", number: "86", title: cube,
		author: "Lotte Stoops", addressee: "Ans Persoons", role: "Secrétaire d'État à la Région de Bruxelles-Capitale chargée de l'Environnement, du Climat, de la Rénovation urbaine, du Patrimoine et de l'Image de Bruxelles",
		received: "2026-07-03", published: "2026-09-01", answered: "2026-09-01", legislature: "24/29", session: "25/26",
		status: parlq.Answered,
		acts:   []parlq.Act{{Date: "2026-08-25", Act: "Recevable", Actor: bureauElarg}},
		qStart: "Le cube bleu autorisé à occuper gratuitement la place De Brouckère pendant tout l'été", qEnd: "dans une zone de protection de monuments, de sites ou d’ensembles classés?", qLines: 3,
		aStart: "Le Cube bleu fait l’objet d’un permis d’environnement délivré par la ville de Bruxelles.", aEnd: "pour de plus amples informations.", aLines: 1,
	},
	{
		file: "170290.html", url: "", // read from the page
		id: "brussels/prb/170290", typ: "written_question", number: "62", title: cube,
		author: "Lotte Stoops", addressee: "Audrey Henry", role: "Secrétaire d'État à la Région de Bruxelles-Capitale chargée de l'Aménagement du Territoire, de l'Urbanisme, de la Propreté publique et de l'Énergie",
		received: "2026-07-03", legislature: "24/29", session: "25/26",
		status: parlq.Pending,
		acts:   []parlq.Act{{Date: "2026-08-25", Act: "Recevable", Actor: bureauElarg}},
		qStart: "Le cube bleu autorisé à occuper gratuitement", qEnd: "d’ensembles classés?", qLines: 3,
	},
}

// chrome is text of the page template that must never reach a record.
var chrome = []string{"<", ">", "{", "}", "color:", "font-weight", "cls-1", "svg", "jQuery", "wordfence", "hid=", "Mati", "&#", "&eacute;", "\u0092", "\u0096", "\t", "\r", "  ", "\n\n"}

func TestFixtures(t *testing.T) {
	dir := fixturesDir(t)
	s := New()
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			q, err := s.Parse(f.url, readFile(t, filepath.Join(dir, f.file)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			check(t, "id", q.ID, f.id)
			check(t, "type", string(q.Type), f.typ)
			check(t, "number", q.Number, f.number)
			check(t, "title", q.Title, f.title)
			check(t, "author", q.Author, parlq.Person{Name: f.author})
			check(t, "addressee", q.Addressee, parlq.Person{Name: f.addressee, Role: f.role})
			check(t, "received", q.Received, f.received)
			check(t, "published", q.Published, f.published)
			check(t, "answered", q.Answered, f.answered)
			check(t, "legislature", q.Legislature, f.legislature)
			check(t, "session", q.Session, f.session)
			check(t, "status", q.Status, f.status)
			check(t, "acts", q.Acts, f.acts)
			check(t, "language", q.Language, "fr")
			check(t, "assembly", q.Assembly, "PRB")
			check(t, "url", q.URL, "https://www.parlement.brussels/weblex-quest-det/?moncode="+strings.TrimPrefix(f.id, "brussels/prb/")+"&base=1")
			check(t, "attachments", len(q.Attachments), f.attachments)
			text(t, "question", q.Question, f.qStart, f.qEnd, f.qLines)
			text(t, "answer", q.Answer, f.aStart, f.aEnd, f.aLines)
			for _, field := range []string{q.Title, q.Author.Name, q.Addressee.Name, q.Addressee.Role, q.Question, q.Answer} {
				for _, c := range chrome {
					if strings.Contains(field, c) {
						t.Errorf("%q leaks into %q", c, clip(field, 120))
					}
				}
			}
		})
	}
}

func text(t *testing.T, what, got, start, end string, lines int) {
	t.Helper()
	if start == "" {
		check(t, what, got, "")
		return
	}
	prefix(t, what, got, start)
	suffix(t, what, got, end)
	check(t, what+" lines", strings.Count(got, "\n")+1, lines)
}

// TestFixtureEntities checks the Windows-1252 references of the real pages:
// &#146; is a right single quotation mark, never the C1 control U+0092.
func TestFixtureEntities(t *testing.T) {
	dir := fixturesDir(t)
	q, err := New().Parse("", readFile(t, filepath.Join(dir, "166342.html")))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "question", q.Question, "l’ASBL Chercheurs d’air")
	contains(t, "question", q.Question, "\n1. Quelle analyse le gouvernement fait-il des résultats de l’étude")
	contains(t, "answer", q.Answer, "\n- tous les établissements de santé sont exposés à des concentrations annuelles inférieures à la valeur limite européenne de 40 µg/m³ actuellement en vigueur ;\n")
	contains(t, "answer", q.Answer, "\nQUESTION 2\nUn inventaire exhaustif")

	q, err = New().Parse("", readFile(t, filepath.Join(dir, "167067.html")))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "question", q.Question, "« l’après Villo! »")
	contains(t, "question", q.Question, "\n- Êtes-vous en mesure de transmettre ce cadastre")
}

// TestFixtureSectionExcerpt: the section alone parses when the URL is given,
// and is refused with a clear error when it is not (no links to read).
func TestFixtureSectionExcerpt(t *testing.T) {
	dir := fixturesDir(t)
	body := readFile(t, filepath.Join(dir, "170644.section-excerpt.html"))
	q, err := New().Parse("https://www.parlement.brussels/weblex-quest-det/?moncode=170644&base=1", body)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "number", q.Number, "123")
	if _, err := New().Parse("", body); err == nil || !strings.Contains(err.Error(), "no moncode") {
		t.Errorf("excerpt without URL: got %v; want a no-moncode error", err)
	}
}

// TestFixtureListPage: the list page is not a question page.
func TestFixtureListPage(t *testing.T) {
	dir := fixturesDir(t)
	_, err := New().Parse("https://www.parlement.brussels/interpellations-et-questions/?dos_type=qe", readFile(t, filepath.Join(dir, "liste_source.list-excerpt.html")))
	var le *parlq.LayoutError
	if !errors.As(err, &le) {
		t.Errorf("list page: got %v; want a *parlq.LayoutError", err)
	}
}
