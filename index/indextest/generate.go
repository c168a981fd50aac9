// Package indextest makes synthetic corpora of realistic records for the
// index's (and the server's) benchmarks and load tests; it is test support,
// not part of the index's API.
package indextest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/parlq/parlq"
)

// Generator makes a synthetic corpus of realistic records for benchmarks and
// load tests: French, Dutch and English questions from four sources, with
// titles and multi-paragraph texts built from topic and word lists, skewed
// author and minister distributions, dates over ten years and the statuses
// and answer delays of real written questions. The same seed always gives
// the same records.
type Generator struct {
	r       *rand.Rand
	n       int
	authors map[string][]parlq.Person
	mins    map[string][]parlq.Person
}

// NewGenerator returns a generator seeded with seed.
func NewGenerator(seed uint64) *Generator {
	g := &Generator{r: rand.New(rand.NewPCG(seed, 0x9a71)), authors: map[string][]parlq.Person{}, mins: map[string][]parlq.Person{}}
	for _, s := range genSources {
		for i := 0; i < 120; i++ {
			g.authors[s.name] = append(g.authors[s.name], parlq.Person{
				Name:  g.pick(s.first) + " " + g.pick(s.last),
				Party: g.pick(s.parties),
			})
		}
		for i := 0; i < 14; i++ {
			g.mins[s.name] = append(g.mins[s.name], parlq.Person{
				Name: g.pick(s.first) + " " + g.pick(s.last),
				Role: s.role + " " + g.pick(genTopics[s.langs[0]]),
			})
		}
	}
	return g
}

type genSource struct {
	name, parliament string
	assemblies       []string
	langs            []string // first is the main language
	weight           int
	first, last      []string
	parties          []string
	role             string
}

var (
	firstFR = []string{"Marie", "Jean", "Sophie", "Pierre", "Nathalie", "Luc", "Isabelle", "Michel", "Catherine", "Ahmed", "Fatima", "Julien", "Céline", "Olivier", "Nadia", "François"}
	lastFR  = []string{"Dupont", "Martin", "Lambert", "Dubois", "Lefèvre", "Moreau", "Laurent", "Simon", "Michel", "Leroy", "Ben Hamou", "El Khadraoui", "Renard", "Fontaine", "Mercier"}
	firstNL = []string{"Jan", "An", "Els", "Bart", "Katrien", "Pieter", "Sofie", "Wouter", "Lies", "Tom", "Hilde", "Joris", "Annelies", "Koen", "Mieke"}
	lastNL  = []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet", "Vos", "Van den Brandt", "De Clercq", "Verhoeven"}
	firstEN = []string{"John", "Sarah", "David", "Emma", "James", "Olivia", "Robert", "Helen", "Michael", "Rachel", "Thomas", "Fiona", "Andrew", "Grace"}
	lastEN  = []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "Hughes"}
)

var genSources = []genSource{
	{"brussels", "Parlement de la Région de Bruxelles-Capitale", []string{"PRB"}, []string{"fr", "nl"}, 3,
		append(firstFR, firstNL...), append(lastFR, lastNL...),
		[]string{"PS", "MR", "Ecolo", "Groen", "DéFI", "Les Engagés", "Open Vld", "PTB", "Vooruit"}, "Ministre chargé de"},
	{"flanders", "Vlaams Parlement", []string{"VP"}, []string{"nl"}, 3, firstNL, lastNL,
		[]string{"N-VA", "Vooruit", "CD&V", "Open Vld", "Groen", "Vlaams Belang", "PVDA"}, "Vlaams minister van"},
	{"wallonia", "Parlement de Wallonie", []string{"PW"}, []string{"fr"}, 2, firstFR, lastFR,
		[]string{"PS", "MR", "Ecolo", "Les Engagés", "PTB"}, "Ministre de"},
	{"ukparl", "UK Parliament", []string{"commons", "commons", "commons", "lords"}, []string{"en"}, 4, firstEN, lastEN,
		[]string{"Labour", "Conservative", "Liberal Democrats", "SNP", "Crossbench", "Green"}, "Minister for"},
}

// genTopics are title subjects per language; some are synonym concepts.
var genTopics = map[string][]string{
	"fr": {"ville intelligente", "logement social", "mobilité douce", "qualité de l'air", "transition numérique", "changement climatique",
		"transports en commun", "propreté publique", "sécurité routière", "enseignement", "santé mentale", "emploi des jeunes",
		"rénovation énergétique", "budget régional", "sans-abrisme", "données ouvertes", "tourisme", "espaces verts", "police locale", "chômage"},
	"nl": {"slimme stad", "sociale huisvesting", "mobiliteit", "luchtkwaliteit", "digitale transitie", "klimaatverandering",
		"openbaar vervoer", "netheid", "verkeersveiligheid", "onderwijs", "geestelijke gezondheid", "jongerenwerkloosheid",
		"energierenovatie", "begroting", "dakloosheid", "open data", "toerisme", "groene ruimte", "lokale politie", "kinderopvang"},
	"en": {"smart city", "social housing", "cycling infrastructure", "air quality", "digital transition", "climate change",
		"public transport", "road safety", "schools funding", "mental health", "youth unemployment", "energy efficiency",
		"local government finance", "homelessness", "open data", "tourism", "green spaces", "policing", "childcare", "artificial intelligence"},
}

var genTitle = map[string][]string{
	"fr": {"Question écrite concernant %s", "Question concernant %s dans la Région", "Question écrite relative à %s", "Interpellation concernant %s"},
	"nl": {"Schriftelijke vraag betreffende %s", "Vraag over %s", "Schriftelijke vraag over %s in het gewest", "Vraag om uitleg over %s"},
	"en": {"%s", "%s: Local Authorities", "%s: Finance", "%s: Regulation"},
}

// genWords are sentence parts: subjects, verbs, objects, qualifiers.
var genWords = map[string][4][]string{
	"fr": {
		{"Le gouvernement", "La Région", "L'administration", "Le ministre", "La commune", "Le service public régional", "L'agence", "Le plan régional"},
		{"a-t-il évalué", "prévoit-il", "envisage-t-elle", "a publié", "finance", "a lancé", "étudie", "met en œuvre", "a réduit", "soutient"},
		{"les budgets consacrés à", "un appel à projets pour", "les moyens affectés à", "une étude sur", "les résultats obtenus en matière de", "le calendrier de", "un rapport annuel sur", "les indicateurs de"},
		{"depuis le début de la législature", "pour l'année en cours", "dans les dix-neuf communes", "selon les derniers chiffres", "en concertation avec les acteurs", "à court et moyen terme", "d'ici la fin de l'année"},
	},
	"nl": {
		{"De regering", "Het gewest", "De administratie", "De minister", "De gemeente", "Het agentschap", "De stad", "Het beleidsplan"},
		{"heeft geëvalueerd", "voorziet", "overweegt", "publiceerde", "financiert", "lanceerde", "onderzoekt", "voert uit", "verminderde", "ondersteunt"},
		{"de budgetten voor", "een projectoproep voor", "de middelen voor", "een studie over", "de resultaten inzake", "de timing van", "een jaarverslag over", "de indicatoren van"},
		{"sinds het begin van de legislatuur", "voor het lopende jaar", "in de negentien gemeenten", "volgens de laatste cijfers", "in overleg met de sector", "op korte en middellange termijn", "tegen het einde van het jaar"},
	},
	"en": {
		{"The Government", "The Department", "The Secretary of State", "Local authorities", "The agency", "Ministers", "The council", "The strategy"},
		{"has assessed", "plans to fund", "is considering", "has published", "supports", "has launched", "is reviewing", "has implemented", "has reduced", "monitors"},
		{"the budget allocated to", "a consultation on", "the resources for", "an evaluation of", "the outcomes of", "the timetable for", "an annual report on", "the indicators for"},
		{"since the start of this Parliament", "in the current financial year", "across all regions", "according to the latest figures", "in partnership with stakeholders", "in the short and medium term", "by the end of the year"},
	},
}

var genAsk = map[string][]string{
	"fr": {"Pouvez-vous me communiquer", "Quel est l'état d'avancement de", "Combien de dossiers concernent", "Quelles mesures sont prévues pour"},
	"nl": {"Kan u meedelen", "Wat is de stand van zaken van", "Hoeveel dossiers betreffen", "Welke maatregelen worden genomen voor"},
	"en": {"To ask the Secretary of State what assessment has been made of", "To ask the Government what steps they are taking on", "To ask the Minister how many applications concern", "To ask what plans there are for"},
}

func (g *Generator) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// skewed picks from xs with a Zipf-like skew: a few people ask (and answer)
// most questions.
func (g *Generator) skewed(xs []parlq.Person) parlq.Person {
	i := int(float64(len(xs)) * g.r.Float64() * g.r.Float64() * g.r.Float64())
	return xs[min(i, len(xs)-1)]
}

func (g *Generator) sentence(lang, topic string) string {
	w := genWords[lang]
	s := g.pick(w[0]) + " " + g.pick(w[1]) + " " + g.pick(w[2]) + " " + topic
	if g.r.IntN(2) == 0 {
		s += " " + g.pick(w[3])
	}
	return s + "."
}

func (g *Generator) paragraphs(lang, topic string, lo, hi int) string {
	n := lo + g.r.IntN(hi-lo+1)
	ps := make([]string, n)
	for i := range ps {
		k := 2 + g.r.IntN(4)
		ss := make([]string, k)
		for j := range ss {
			t := topic
			if g.r.IntN(3) == 0 {
				t = g.pick(genTopics[lang])
			}
			ss[j] = g.sentence(lang, t)
		}
		ps[i] = strings.Join(ss, " ")
	}
	return strings.Join(ps, "\n")
}

// Next returns the next record.
func (g *Generator) Next() *parlq.Question {
	g.n++
	total := 0
	for _, s := range genSources {
		total += s.weight
	}
	w := g.r.IntN(total)
	var src genSource
	for _, s := range genSources {
		if w < s.weight {
			src = s
			break
		}
		w -= s.weight
	}
	lang := src.langs[0]
	if len(src.langs) > 1 && g.r.IntN(10) < 3 {
		lang = src.langs[1]
	}
	assembly := g.pick(src.assemblies)
	native := strconv.Itoa(100000 + g.n)
	topic := g.pick(genTopics[lang])
	title := fmt.Sprintf(g.pick(genTitle[lang]), topic)
	if lang == "en" {
		title = strings.ToUpper(title[:1]) + title[1:]
	}

	day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(3900))
	start := day.Year() - (day.Year()-2014)%5
	q := &parlq.Question{
		ID: parlq.MakeID(src.name, assembly, native), Source: src.name, Parliament: src.parliament,
		Assembly: assembly, URL: "https://example.org/" + src.name + "/" + native, Language: lang,
		Type: parlq.WrittenQuestion, Number: strconv.Itoa(1 + g.n%2000), Title: title,
		Author: g.skewed(g.authors[src.name]), Addressee: g.skewed(g.mins[src.name]),
		Legislature: fmt.Sprintf("%d-%d", start, start+5),
		Session:     fmt.Sprintf("%d-%d", day.Year(), day.Year()+1),
		Received:    day.Format(parlq.DateLayout),
		Question:    g.pick(genAsk[lang]) + " " + topic + " ?\n" + g.paragraphs(lang, topic, 1, 4),
	}
	if g.r.IntN(8) == 0 {
		q.Type = parlq.OralQuestion
	}
	switch p := g.r.IntN(100); {
	case p < 70:
		q.Status = parlq.Answered
		// Most answers come within weeks, some take many months.
		delay := 5 + int(g.r.ExpFloat64()*35)
		q.Answered = day.AddDate(0, 0, delay).Format(parlq.DateLayout)
		q.Published = day.AddDate(0, 0, delay+7).Format(parlq.DateLayout)
		q.Answer = g.paragraphs(lang, topic, 1, 5)
	case p < 90:
		q.Status = parlq.Pending
	case p < 97:
		q.Status = parlq.Lapsed
	default:
		q.Status = parlq.Withdrawn
	}
	return q
}
