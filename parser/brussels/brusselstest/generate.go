package brusselstest

import (
	"fmt"
	"github.com/parlq/parlq/crawler/crawlertest"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

var (
	firstNames = []string{"Anne", "Bruno", "Chloé", "David", "Elise", "Farid", "Greet", "Hugo", "Inès", "Jan", "Karima", "Luc"}
	lastNames  = []string{"Dubois", "Peeters", "El Amrani", "Janssens", "Lambert", "Maes", "Martin", "Vermeulen", "Wouters", "Claes"}
	ministers  = []struct{ name, role string }{
		{"Paul Lenoir", "Ministre du Gouvernement de la Région de Bruxelles-Capitale chargé de la Mobilité et des Travaux publics"},
		{"Sara Verbeke", "Secrétaire d'État à la Région de Bruxelles-Capitale chargée de l'Urbanisme et du Patrimoine"},
		{"Marc Delhaye", "Ministre du Gouvernement de la Région de Bruxelles-Capitale chargé des Finances et du Budget"},
		{"Nora Aziz", "Ministre du Gouvernement de la Région de Bruxelles-Capitale chargée de l'Environnement et du Climat"},
	}
	topics = []string{"les pistes cyclables", "la rénovation des tunnels", "les primes à l'énergie", "la propreté publique",
		"les logements sociaux", "la qualité de l'air", "les marchés publics", "le stationnement en voirie", "les espaces verts"}
	sentences = []string{
		"Pouvez-vous préciser le calendrier prévu pour ce dossier ?",
		"Quels montants ont été engagés au cours des trois dernières années ?",
		"Combien de demandes ont été introduites et combien ont été acceptées ?",
		"Une évaluation a-t-elle été menée et quelles en sont les conclusions ?",
		"Quelles concertations ont eu lieu avec les communes concernées ?",
		"Je vous remercie pour vos réponses.",
	}
)

// Generate makes n written questions with invented content, deterministic
// for a given n and asOf: received over the 600 days before asOf, about half
// answered, a third pending, some lapsed or not yet published. Moncodes start
// at 300000; every tenth question belongs to the ARCCC (base 2).
func Generate(n int, asOf time.Time) []Question {
	asOf = asOf.UTC().Truncate(24 * time.Hour)
	out := make([]Question, 0, n)
	for i := range n {
		m := ministers[i%len(ministers)]
		base := 1
		if i%10 == 9 {
			base = 2
		}
		received := asOf.AddDate(0, 0, -1-(i*7919)%600)
		q := Question{
			Moncode:   300000 + i,
			Base:      base,
			TypeCode:  TypeWritten,
			Number:    1 + i%400,
			Title:     fmt.Sprintf("Question écrite concernant %s (%d)", topics[i%len(topics)], i),
			Author:    firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames))%len(lastNames)],
			Addressee: m.name,
			Role:      m.role,
			Session:   session(received),
			Received:  received,
		}
		var text []string
		text = append(text, fmt.Sprintf("Ma question porte sur %s dans la Région (dossier %d).", topics[i%len(topics)], i))
		for j := range 2 + i%4 {
			text = append(text, sentences[(i+j)%len(sentences)])
		}
		q.Text = join(text)
		age := asOf.Sub(received)
		switch {
		case age < 10*24*time.Hour && i%2 == 0:
			q.State = Unpublished
		case i%10 < 5 && age > 30*24*time.Hour:
			q.State = Answered
			q.Answered = received.AddDate(0, 0, 20+i%60)
			if q.Answered.After(asOf) {
				q.Answered = asOf.AddDate(0, 0, -1)
			}
			q.Answer = fmt.Sprintf("En réponse à la question de l'honorable membre sur %s, je puis communiquer ce qui suit.\nLe dossier %d est en cours de traitement par mon administration.", topics[i%len(topics)], i)
		case i%10 == 5 && age > 300*24*time.Hour:
			q.State = Lapsed
		default:
			q.State = Pending
		}
		out = append(out, q)
	}
	return out
}

// Answer returns q answered on the given date (the state change the site
// shows between two harvests).
func Answer(q Question, on time.Time, text string) Question {
	q.State = Answered
	q.Answered = on.UTC().Truncate(24 * time.Hour)
	q.Answer = text
	q.Page = nil
	return q
}

// Withdraw returns q withdrawn by its author: a "Retirée par son auteur."
// procedure row, dates "//", no answer.
func Withdraw(q Question) Question {
	q.State = Withdrawn
	q.Answer, q.Answered, q.Page = "", time.Time{}, nil
	return q
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "\n"
		}
		out += s
	}
	return out
}

// session is the parliamentary session ("25/26") a date falls in; sessions
// start in mid-September.
func session(t time.Time) string {
	y := t.Year()
	if t.Month() < time.September || (t.Month() == time.September && t.Day() < 15) {
		y--
	}
	return fmt.Sprintf("%02d/%02d", y%100, (y+1)%100)
}

// fixturePages lists the saved detail pages and what the index says of them.
var fixturePages = []struct {
	file     string
	moncode  int
	typeCode int
}{
	{"166342.html", 166342, TypeWritten},
	{"167067.html", 167067, TypeWritten},
	{"question_source.html", 167852, TypeWritten},
	{"source_test.html", 168854, TypeExplanation},
	{"170644.html", 170644, TypeWritten},
	{"170291.html", 170291, TypeWritten},
	{"170290.html", 170290, TypeWritten},
}

var receivedRe = regexp.MustCompile(`Date de r&eacute;ception:</b>\s*(\d{2}/\d{2}/\d{4})`)

// FixtureQuestions reads the saved Brussels detail pages in dir (see
// FixturesDir) into questions served verbatim. Their index rows carry the
// moncode, type and reception date only; the pages tell the rest.
func FixtureQuestions(dir string) ([]Question, error) {
	var out []Question
	for _, f := range fixturePages {
		body, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			return nil, fmt.Errorf("fixtures: %w", err)
		}
		q := Question{Moncode: f.moncode, Base: 1, TypeCode: f.typeCode, Page: body}
		if m := receivedRe.FindSubmatch(body); m != nil {
			if t, err := time.Parse("02/01/2006", string(m[1])); err == nil {
				q.Received = t
			}
		}
		out = append(out, q)
	}
	return out, nil
}

// FixturesDir finds the real saved Brussels pages, ../shared/fixtures/brussels.
func FixturesDir() (string, error) { return crawlertest.FixturesDir("brussels") }
