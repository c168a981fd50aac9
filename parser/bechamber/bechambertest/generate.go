package bechambertest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// AddAnswer returns q with one more answer (up to four). Any answer but a
// holding one makes the question's status answerReceived.
func AddAnswer(q Question, a Answer) Question {
	if len(q.Answers) >= 4 {
		panic("bechambertest: a document has four answer slots")
	}
	q.Answers = append(append([]Answer(nil), q.Answers...), a)
	if a.Kind != Holding {
		q.Status = AnswerReceived
	}
	return q
}

// Answered returns q with a normal answer received (not yet printed), its
// texts one segment a line.
func Answered(q Question, textF, textN string) Question {
	return AddAnswer(q, Answer{Kind: Normal, TextF: segments(textF), TextN: segments(textN)})
}

// Publish returns q printed in a bulletin on the given day: the bulletin
// joins its SDOCNAME (the document's name changes), its answers not yet
// printed are printed there, and a question without an answer is printed
// as such (answerLessPublicated).
func Publish(q Question, bulletin string, on time.Time) Question {
	if q.Bulletin == "" {
		q.Bulletin = bulletin
	}
	q.Answers = append([]Answer(nil), q.Answers...)
	for i, a := range q.Answers {
		if !a.Printed() {
			q.Answers[i].Bulletin, q.Answers[i].Date = bulletin, day(on)
		}
	}
	if len(q.Answers) == 0 && (q.Status == Transmitted || q.Status == "") {
		q.Status = PrintedUnanswered
	}
	return q
}

// Replace returns q with the texts of its answer n (1–4) replaced.
func Replace(q Question, n int, textF, textN string) Question {
	q.Answers = append([]Answer(nil), q.Answers...)
	q.Answers[n-1].TextF, q.Answers[n-1].TextN = segments(textF), segments(textN)
	return q
}

// WithStatus returns q with its STATUSQ set.
func WithStatus(q Question, status string) Question {
	q.Status = status
	return q
}

func segments(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// minister is an addressee: order of precedence, department number, title
// and short name in French and Dutch (invented government).
type minister struct {
	pres, num                int
	deptF, deptN, subF, subN string
}

var ministers = []minister{
	{1, 1380, "Premier ministre", "Eerste minister", "Premier ministre", "Eerste minister"},
	{2, 1381, "Vice-premier ministre et ministre de l'Économie et de l'Emploi", "Vice-eersteminister en minister van Economie en Werk", "Économie et Emploi", "Economie en Werk"},
	{3, 1382, "Vice-premier ministre et ministre de la Mobilité", "Vice-eersteminister en minister van Mobiliteit", "Mobilité", "Mobiliteit"},
	{4, 1383, "Ministre de l'Intérieur", "Minister van Binnenlandse Zaken", "Intérieur", "Binnenlandse Zaken"},
	{5, 1384, "Ministre de la Justice", "Minister van Justitie", "Justice", "Justitie"},
	{6, 1385, "Ministre de la Santé publique et des Affaires sociales", "Minister van Volksgezondheid en Sociale Zaken", "Santé publique et Affaires sociales", "Volksgezondheid en Sociale Zaken"},
	{7, 1386, "Ministre de la Modernisation publique, chargé de la Digitalisation", "Minister van Modernisering van de overheid, belast met Digitalisering", "Modernisation publique et Digitalisation", "Modernisering van de overheid en Digitalisering"},
	{8, 1387, "Ministre des Finances", "Minister van Financiën", "Finances", "Financiën"},
	{9, 1388, "Ministre de l'Énergie", "Minister van Energie", "Énergie", "Energie"},
	{10, 1389, "Secrétaire d'État à l'Asile et la Migration", "Staatssecretaris voor Asiel en Migratie", "Asile et Migration", "Asiel en Migratie"},
}

// topic is what a question is about, in both languages, with its
// descriptors (French, Dutch, German: the service's German lists are
// mostly empty).
type topic struct {
	titleF, titleN string
	askF, askN     string
	main           [3]string
	descriptors    [][3]string
}

// topics: the first is the smart-city topic that cross-parliament searches
// look for.
var topics = []topic{
	{"Les projets de ville intelligente", "Slimme-stadprojecten",
		"les projets de ville intelligente (smart city) soutenus par l'État fédéral", "de slimme-stadprojecten (smart city) die de federale overheid steunt",
		[3]string{"TECHNOLOGIE DE L'INFORMATION", "INFORMATIETECHNOLOGIE", ""},
		[][3]string{{"VILLE INTELLIGENTE", "SLIMME STAD", ""}, {"DONNEES OUVERTES", "OPEN DATA", ""}, {"CAPTEUR", "SENSOR", ""}}},
	{"La sécurité des passages à niveau", "De veiligheid van overwegen",
		"la sécurité des passages à niveau sur le réseau ferroviaire", "de veiligheid van de overwegen op het spoorwegnet",
		[3]string{"TRANSPORTS", "VERVOER", ""},
		[][3]string{{"TRANSPORT FERROVIAIRE", "VERVOER PER SPOOR", ""}, {"SECURITE ROUTIERE", "VERKEERSVEILIGHEID", ""}}},
	{"Les délais de traitement des demandes d'asile", "De behandelingstermijnen van asielaanvragen",
		"les délais de traitement des demandes d'asile", "de behandelingstermijnen van de asielaanvragen",
		[3]string{"MIGRATION", "MIGRATIE", ""},
		[][3]string{{"DROIT D'ASILE", "ASIELRECHT", ""}, {"REFUGIE", "VLUCHTELING", ""}, {"PROCEDURE ADMINISTRATIVE", "ADMINISTRATIEVE PROCEDURE", ""}}},
	{"La fraude à la TVA dans le commerce en ligne", "Btw-fraude in de onlinehandel",
		"la fraude à la TVA dans le commerce en ligne", "de btw-fraude in de onlinehandel",
		[3]string{"FISCALITE", "FISCALITEIT", ""},
		[][3]string{{"TVA", "BTW", ""}, {"COMMERCE ELECTRONIQUE", "ELEKTRONISCHE HANDEL", ""}, {"FRAUDE FISCALE", "BELASTINGFRAUDE", ""}}},
	{"Les pénuries de médicaments", "De geneesmiddelentekorten",
		"les pénuries de médicaments dans les pharmacies", "de tekorten aan geneesmiddelen in de apotheken",
		[3]string{"SANTE PUBLIQUE", "VOLKSGEZONDHEID", ""},
		[][3]string{{"MEDICAMENT", "GENEESMIDDEL", ""}, {"PHARMACIE", "APOTHEEK", ""}}},
	{"La cybersécurité des administrations fédérales", "De cyberbeveiliging van de federale overheidsdiensten",
		"la cybersécurité des administrations fédérales", "de cyberbeveiliging van de federale overheidsdiensten",
		[3]string{"SECURITE PUBLIQUE", "OPENBARE VEILIGHEID", ""},
		[][3]string{{"CRIMINALITE INFORMATIQUE", "COMPUTERCRIMINALITEIT", ""}, {"ADMINISTRATION PUBLIQUE", "OPENBAAR BESTUUR", ""}}},
	{"Le télétravail dans la fonction publique", "Telewerk bij de overheid",
		"le télétravail dans la fonction publique fédérale", "het telewerk bij het federaal openbaar ambt",
		[3]string{"FONCTION PUBLIQUE", "OPENBAAR AMBT", ""},
		[][3]string{{"TELETRAVAIL", "TELEWERK", ""}, {"CONDITIONS DE TRAVAIL", "ARBEIDSVOORWAARDEN", ""}}},
	{"Les primes à l'énergie pour les ménages", "De energiepremies voor de gezinnen",
		"les aides à l'énergie accordées aux ménages", "de energiesteun voor de gezinnen",
		[3]string{"POLITIQUE ENERGETIQUE", "ENERGIEBELEID", ""},
		[][3]string{{"PRIX DE L'ENERGIE", "ENERGIEPRIJS", ""}, {"MENAGE", "HUISHOUDEN", ""}}},
	{"L'arriéré judiciaire", "De gerechtelijke achterstand",
		"l'arriéré judiciaire dans les cours d'appel", "de gerechtelijke achterstand bij de hoven van beroep",
		[3]string{"JUSTICE", "JUSTITIE", ""},
		[][3]string{{"ORGANISATION JUDICIAIRE", "RECHTERLIJKE ORGANISATIE", ""}, {"PROCEDURE JUDICIAIRE", "GERECHTELIJKE PROCEDURE", ""}}},
	{"Les contrôles de vitesse sur les autoroutes", "De snelheidscontroles op de autosnelwegen",
		"les contrôles de vitesse sur les autoroutes", "de snelheidscontroles op de autosnelwegen",
		[3]string{"TRANSPORTS", "VERVOER", ""},
		[][3]string{{"SECURITE ROUTIERE", "VERKEERSVEILIGHEID", ""}, {"POLICE", "POLITIE", ""}}},
}

var (
	firstNames = []string{"Anneleen", "Bart", "Caroline", "Dries", "Elke", "François", "Greet", "Hugues", "Ilse", "Jeroen", "Karine", "Laurent", "Marijke", "Nathalie", "Olivier", "Pieter", "Sarah", "Thomas", "Valérie", "Wouter"}
	lastNames  = []string{"Aerts", "Bertrand", "Claessens", "De Smedt", "Dumont", "Goossens", "Hermans", "Jacobs", "Lemaire", "Mertens", "Noël", "Peeters", "Renard", "Simon", "Van den Broeck", "Willems"}
	parties    = []string{"N-VA", "VB", "MR", "PS", "Vooruit", "CD&V", "Les Engagés", "PVDA-PTB", "Open Vld", "Groen", "Ecolo", "DéFI"}
	askF       = []string{"Quels sont les chiffres disponibles pour les trois dernières années?", "Quelles mesures envisagez-vous de prendre?", "Une évaluation a-t-elle été réalisée?", "Quel budget y est consacré?", "Une concertation avec les Régions est-elle prévue?"}
	askN       = []string{"Welke cijfers zijn er beschikbaar voor de jongste drie jaar?", "Welke maatregelen overweegt u te nemen?", "Werd er een evaluatie uitgevoerd?", "Welk budget wordt daarvoor uitgetrokken?", "Is er overleg met de Gewesten gepland?"}
	answerF    = []string{"Mon administration suit ce dossier de près.", "Les chiffres demandés figurent dans le tableau ci-dessous.", "Une évaluation sera présentée au Parlement avant la fin de l'année.", "Un groupe de travail a été mis en place avec les Régions."}
	answerN    = []string{"Mijn administratie volgt dit dossier van nabij op.", "De gevraagde cijfers staan in de onderstaande tabel.", "Een evaluatie zal voor het einde van het jaar aan het Parlement worden voorgelegd.", "Er werd een werkgroep opgericht met de Gewesten."}
)

// Generate makes n written questions of a legislature, received from its
// first day until the day before asOf (or its fifth year), in the shape and
// proportions of the saved responses: six in ten asked in Dutch; texts in
// one {"br": […]} segment whose sentences are often glued together; about
// one in twenty-five put to two ministers (two documents, one DOCNAME);
// most answered about five to ten weeks after reception, their answers
// printed in a bulletin three weeks later; overdue ones printed without an
// answer (answerLessPublicated); recent ones transmited; a few with an
// additional or a corrected answer, a few cancelled; one in ten about the
// smart city. Legislature 56 on adds the member's number to AUT. The same
// arguments always give the same questions.
func Generate(n, legislature int, asOf time.Time) []Question {
	asOf = day(asOf)
	r := rand.New(rand.NewPCG(uint64(n)<<20^uint64(legislature), uint64(asOf.Unix())))
	start := legislatureStart(legislature)
	end := asOf.AddDate(0, 0, -1)
	if last := start.AddDate(5, 0, -1); last.Before(end) {
		end = last
	}
	if end.Before(start) {
		end = start
	}
	span := int(end.Sub(start).Hours()/24) + 1
	numbers := map[int]int{}
	sequence := map[string]int{}
	out := make([]Question, 0, n)
	for i := 0; len(out) < n; i++ {
		received := start.AddDate(0, 0, i*span/max(n, 1))
		if received.After(end) {
			received = end
		}
		code := sessionCode(legislature, received)
		sequence[code]++
		t := topics[r.IntN(len(topics))]
		if i%10 == 0 {
			t = topics[0]
		} else if t.titleF == topics[0].titleF {
			t = topics[1+i%(len(topics)-1)]
		}
		member := skewed(r, len(firstNames)*len(lastNames))
		base := Question{
			Legislature: legislature,
			DocName:     fmt.Sprintf("%s%05d", code, sequence[code]),
			Received:    received,
			Due:         received.AddDate(0, 0, 35),
			Lang:        map[bool]string{true: "N", false: "F"}[r.IntN(10) < 6],
			Author:      firstNames[member%len(firstNames)] + " " + lastNames[member/len(firstNames)],
			Party:       parties[(member*7)%len(parties)],
			TitleF:      t.titleF + ".",
			TitleN:      t.titleN + ".",
			Main:        t.main,
		}
		if legislature >= 56 {
			base.MemberID = fmt.Sprintf("%05d", 7000+member)
		}
		if r.IntN(5) == 0 {
			base.Main = [3]string{}
		}
		k := 1 + r.IntN(len(t.descriptors))
		base.Descriptors = t.descriptors[:k]
		base.TextF, base.TextN = questionTexts(r, t, i)
		routes := 1
		if r.IntN(25) == 0 {
			routes = 2
		}
		m := skewed(r, len(ministers))
		for j := 0; j < routes && len(out) < n; j++ {
			q := base
			mi := ministers[(m+j*3)%len(ministers)]
			numbers[mi.pres]++
			q.ID = legislature*1_000_000 + len(out) + 1
			q.Precedence, q.DeptNum, q.Number = mi.pres, mi.num, numbers[mi.pres]
			q.DeptF, q.DeptN, q.SubDeptF, q.SubDeptN = mi.deptF, mi.deptN, mi.subF, mi.subN
			out = append(out, progress(r, q, asOf, start))
		}
	}
	return out
}

// questionTexts are a question's texts: a sentence on the topic and one to
// three questions, numbered when there are several, glued together in one
// segment (as the service often has them) every other time.
func questionTexts(r *rand.Rand, t topic, i int) ([]string, []string) {
	k := 1 + r.IntN(3)
	f := []string{fmt.Sprintf("Ma question porte sur %s (dossier %d).", t.askF, i)}
	nl := []string{fmt.Sprintf("Mijn vraag gaat over %s (dossier %d).", t.askN, i)}
	for j := range k {
		a, b := askF[(i+j)%len(askF)], askN[(i+j)%len(askN)]
		if k > 1 {
			a, b = fmt.Sprintf("%d. %s", j+1, a), fmt.Sprintf("%d. %s", j+1, b)
		}
		f, nl = append(f, a), append(nl, b)
	}
	sep := " "
	if i%2 == 0 {
		sep = ""
	}
	return []string{strings.Join(f, sep)}, []string{strings.Join(nl, sep)}
}

// answerTexts are an answer's texts, in one or two segments.
func answerTexts(r *rand.Rand, t topic) ([]string, []string) {
	k := 1 + r.IntN(2)
	f := []string{fmt.Sprintf("En ce qui concerne %s, je peux communiquer ce qui suit.", t.askF)}
	nl := []string{fmt.Sprintf("Wat %s betreft, kan ik het volgende meedelen.", t.askN)}
	for j := range k {
		f = append(f, answerF[(r.IntN(len(answerF))+j)%len(answerF)])
		nl = append(nl, answerN[(r.IntN(len(answerN))+j)%len(answerN)])
	}
	return f, nl
}

// progress gives q the state it has at asOf: answered, printed, overdue,
// cancelled or just transmitted.
func progress(r *rand.Rand, q Question, asOf, start time.Time) Question {
	q.Status = Transmitted
	age := int(asOf.Sub(q.Received).Hours() / 24)
	if r.IntN(100) == 0 {
		q.Status = Canceled
		return q
	}
	chance := 85
	switch {
	case age < 20:
		chance = 10
	case age < 35:
		chance = 40
	case age < 90:
		chance = 70
	}
	t := topicOf(q)
	if r.IntN(100) < chance {
		answered := q.Received.AddDate(0, 0, 15+r.IntN(max(1, min(age, 100)-14)))
		if answered.After(asOf) {
			answered = asOf
		}
		f, n := answerTexts(r, t)
		q = AddAnswer(q, Answer{Kind: Normal, TextF: f, TextN: n})
		if printed := answered.AddDate(0, 0, 21); printed.Before(asOf) {
			q = Publish(q, bulletin(start, printed), printed)
			switch p := r.IntN(100); {
			case p < 4 && printed.AddDate(0, 0, 30).Before(asOf):
				later := printed.AddDate(0, 0, 30)
				q = AddAnswer(q, Answer{Kind: Additional, Bulletin: bulletin(start, later), Date: later,
					TextF: []string{"En complément de ma réponse précédente, voici les chiffres actualisés."},
					TextN: []string{"In aanvulling op mijn vorig antwoord volgen hier de bijgewerkte cijfers."}})
			case p < 5 && printed.AddDate(0, 0, 14).Before(asOf):
				later := printed.AddDate(0, 0, 14)
				q = AddAnswer(q, Answer{Kind: Corrected, Bulletin: bulletin(start, later), Date: later,
					TextF: append([]string{"La réponse précédente contenait une erreur matérielle."}, f[1:]...),
					TextN: append([]string{"Het vorige antwoord bevatte een materiële vergissing."}, n[1:]...)})
			}
		}
		return q
	}
	if age > 35+14 {
		printed := q.Due.AddDate(0, 0, 14)
		q = Publish(q, bulletin(start, printed), printed)
	}
	return q
}

// topicOf finds a generated question's topic by its title.
func topicOf(q Question) topic {
	for _, t := range topics {
		if t.titleF+"." == q.TitleF {
			return t
		}
	}
	return topics[0]
}

// bulletin is the number of the bulletin printed on a day: one every two
// weeks from the legislature's first day.
func bulletin(start, on time.Time) string {
	return fmt.Sprintf("B%03d", 1+int(on.Sub(start).Hours()/24)/14)
}

// skewed picks in [0, n) with small numbers more likely: a few members ask
// many questions, a few ministers get most of them.
func skewed(r *rand.Rand, n int) int { return r.IntN(r.IntN(n) + 1) }
