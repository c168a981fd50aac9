package assembleetest

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// A generated legislature: members in invented groups, ministries of two
// successive governments, and questions published and answered week after
// week as the Journal officiel does (its "Questions et réponses" edition
// comes out on Tuesdays). Names, texts and organs are invented; the shapes
// and the proportions follow the Assemblée's: about seven questions in ten
// answered, mostly within a few months, some renewed or signalled, some
// moved to another ministry, a change of government half way that moves
// every pending question to the new government's ministry, a few members
// leaving (their pending questions lapse), a few questions withdrawn.
// The closure codes of withdrawn and lapsed questions are invented (no
// saved question shows them); their labels use the words of the AN's pages.

const (
	// Codes and labels of the generated closures without an answer.
	WithdrawnCode  = "RET"
	WithdrawnLabel = "Question retirée par son auteur"
	LapsedCode     = "FIN_MANDAT"
	LapsedLabel    = "Retrait pour fin de mandat"
)

// groupSpan is a member's group from a day on.
type groupSpan struct {
	Group   int
	From    time.Time
	Mandate string
}

type ministryDef struct {
	short, long, title string
}

var ministries = []ministryDef{
	{"Économie et finances", "Ministère de l'économie et des finances", "M. le ministre de l'économie et des finances"},
	{"Intérieur", "Ministère de l'intérieur", "M. le ministre de l'intérieur"},
	{"Santé et accès aux soins", "Ministère de la santé et de l'accès aux soins", "Mme la ministre de la santé et de l'accès aux soins"},
	{"Éducation nationale", "Ministère de l'éducation nationale", "Mme la ministre de l'éducation nationale"},
	{"Agriculture et souveraineté alimentaire", "Ministère de l'agriculture et de la souveraineté alimentaire", "Mme la ministre de l'agriculture et de la souveraineté alimentaire"},
	{"Transition écologique", "Ministère de la transition écologique", "Mme la ministre de la transition écologique"},
	{"Transports", "Ministère des transports", "M. le ministre des transports"},
	{"Justice", "Ministère de la justice", "M. le garde des sceaux, ministre de la justice"},
	{"Travail et emploi", "Ministère du travail et de l'emploi", "Mme la ministre du travail et de l'emploi"},
	{"Logement", "Ministère du logement", "Mme la ministre du logement"},
	{"Armées", "Ministère des armées", "M. le ministre des armées"},
	{"Culture", "Ministère de la culture", "Mme la ministre de la culture"},
	{"Numérique et intelligence artificielle", "Ministère chargé du numérique et de l'intelligence artificielle", "Mme la ministre déléguée chargée du numérique et de l'intelligence artificielle"},
	{"Aménagement du territoire et décentralisation", "Ministère de l'aménagement du territoire et de la décentralisation", "M. le ministre de l'aménagement du territoire et de la décentralisation"},
	{"Sports, jeunesse et vie associative", "Ministère des sports, de la jeunesse et de la vie associative", "Mme la ministre des sports, de la jeunesse et de la vie associative"},
	{"Outre-mer", "Ministère des outre-mer", "M. le ministre des outre-mer"},
}

// renamed is the ministry the second government names otherwise.
var renamed = map[int]ministryDef{
	6: {"Transports et mobilités", "Ministère des transports et des mobilités", "M. le ministre des transports et des mobilités"},
}

var groups = []Organ{
	{"PO990001", "UR", "Union républicaine"},
	{"PO990002", "RD", "Rassemblement démocrate"},
	{"PO990003", "GES", "Gauche écologiste et sociale"},
	{"PO990004", "CL", "Centre et libertés"},
	{"PO990005", "PT", "Progrès et territoires"},
	{"PO990006", "IS", "Indépendants et solidaires"},
	{"PO990007", "AP", "Alliance populaire"},
	{"PO990008", "NI", "Non inscrit"},
}

// ministryOrgan is a ministry of a government (0 or 1) as questions name it.
func ministryOrgan(gov, i int) Organ {
	d := ministries[i]
	if r, ok := renamed[i]; ok && gov == 1 {
		d = r
	}
	return Organ{Ref: fmt.Sprintf("PO99%d%03d", 5+gov, i), Short: d.short, Long: d.long}
}

func ministryTitle(gov, i int) string {
	if r, ok := renamed[i]; ok && gov == 1 {
		return r.title
	}
	return ministries[i].title
}

var (
	firstNamesF = []string{"Anne", "Camille", "Élodie", "Françoise", "Hélène", "Inès", "Josiane", "Léa", "Maëlle", "Nathalie", "Océane", "Sophie", "Véronique", "Zoé"}
	firstNamesM = []string{"Antoine", "Benoît", "Cédric", "Didier", "Étienne", "François", "Grégoire", "Hervé", "Jérôme", "Loïc", "Mathieu", "Nicolas", "Rémi", "Thierry"}
	lastNames   = []string{"Aubert", "Bérard", "Chevalier", "Delorme", "Écuyer", "Fauré", "Guérin", "Hamelin", "Jourdan", "Lefèvre", "Marchand", "Noël", "Pélissier", "Quéré", "Rivière", "Sénéchal", "Thébault", "Vasseur", "de Villiers", "Le Goff"}
)

// memberIdentity is a generated member's civility and names; members are
// PA910000 + i.
func memberIdentity(i int) (civ, first, last string) {
	last = lastNames[(i*7)%len(lastNames)]
	if i%2 == 0 {
		return "Mme", firstNamesF[(i/2)%len(firstNamesF)], last
	}
	return "M.", firstNamesM[(i/2)%len(firstNamesM)], last
}

func memberRef(i int) string { return fmt.Sprintf("PA%d", 910000+i) }

// topics are what questions are about: heading (rubrique), head of
// analysis, analysis, and the words the text uses. The first is the
// smart-city topic a cross-parliament search looks for.
var topics = []struct {
	rubrique, head, analysis, subject string
	ministry                          int
}{
	{"aménagement du territoire", "villes", "Villes intelligentes et données des capteurs urbains", "le déploiement des villes intelligentes (smart cities) et l'usage des données collectées par les capteurs urbains", 12},
	{"santé", "établissements de santé", "Fermetures de services d'urgence la nuit", "la fermeture nocturne de services d'urgence dans les hôpitaux de proximité", 2},
	{"agriculture", "exploitants", "Installation des jeunes agriculteurs", "les difficultés d'installation des jeunes agriculteurs", 4},
	{"enseignement", "personnel", "Remplacement des enseignants absents", "le non-remplacement des enseignants absents dans le premier degré", 3},
	{"transports ferroviaires", "lignes", "Desserte des petites lignes ferroviaires", "l'avenir des petites lignes ferroviaires de desserte fine du territoire", 6},
	{"logement", "logement social", "Délais d'attribution des logements sociaux", "l'allongement des délais d'attribution des logements sociaux", 9},
	{"impôts locaux", "taxe foncière", "Hausse de la taxe foncière", "la hausse de la taxe foncière acquittée par les propriétaires modestes", 0},
	{"sécurité publique", "police", "Effectifs de police dans les communes moyennes", "les effectifs de police nationale dans les communes moyennes", 1},
	{"justice", "tribunaux", "Délais de jugement des affaires civiles", "l'allongement des délais de jugement des affaires civiles", 7},
	{"emploi", "chômage", "Accompagnement des demandeurs d'emploi seniors", "l'accompagnement des demandeurs d'emploi de plus de cinquante-cinq ans", 8},
	{"environnement", "eau", "Qualité de l'eau potable et pesticides", "la présence de résidus de pesticides dans l'eau potable", 5},
	{"défense", "réserves", "Fidélisation des réservistes opérationnels", "la fidélisation des réservistes opérationnels", 10},
	{"culture", "patrimoine", "Entretien du patrimoine religieux rural", "l'entretien du patrimoine religieux des communes rurales", 11},
	{"collectivités territoriales", "finances locales", "Dotations des communes rurales", "l'évolution des dotations de l'État aux communes rurales", 13},
	{"sports", "associations", "Soutien aux clubs sportifs amateurs", "le soutien aux clubs sportifs amateurs", 14},
	{"outre-mer", "vie chère", "Prix des produits de première nécessité outre-mer", "le prix des produits de première nécessité dans les territoires ultramarins", 15},
	{"numérique", "couverture numérique", "Zones blanches de la téléphonie mobile", "la persistance de zones blanches de la téléphonie mobile", 12},
}

var (
	actors  = []string{"les élus locaux", "les professionnels du secteur", "les associations d'usagers", "les services de l'État", "les collectivités concernées", "les organisations syndicales", "les chambres consulaires", "les familles", "les entreprises de proximité", "les habitants des zones rurales", "les opérateurs", "les agences régionales"}
	facts   = []string{"constatent une dégradation continue de la situation depuis plusieurs années", "s'inquiètent du manque de visibilité sur les financements annoncés", "relèvent des écarts importants entre les départements", "signalent des délais de traitement incompatibles avec leurs besoins", "déplorent l'absence de concertation préalable", "observent une hausse sensible des coûts supportés", "regrettent la complexité des démarches administratives", "appellent à une clarification rapide du cadre réglementaire", "soulignent les conséquences pour l'attractivité des territoires", "rapportent des difficultés de recrutement persistantes"}
	figures = []string{"près de 40 %", "plus de 12 000 personnes", "un tiers des communes", "environ 250 millions d'euros", "moins de la moitié des dossiers", "deux départements sur trois", "plus de 3 000 établissements", "près de 18 mois", "un quart des bénéficiaires", "près de 900 structures"}
	places  = []string{"dans la circonscription", "dans les territoires ruraux", "en zone de montagne", "dans les quartiers prioritaires", "dans les villes moyennes", "sur le littoral", "dans les départements frontaliers", "dans les zones périurbaines"}
	asks    = []string{"quelles mesures le Gouvernement entend prendre pour remédier à cette situation", "s'il envisage de modifier le dispositif en vigueur", "quel calendrier est prévu pour la mise en œuvre des engagements pris", "quels moyens seront consacrés à ce chantier dans le prochain projet de loi de finances", "s'il compte engager une concertation avec l'ensemble des acteurs concernés", "quelle évaluation a été faite du dispositif actuel"}
	replies = []string{"Le Gouvernement est pleinement mobilisé sur ce sujet", "Un travail interministériel a été engagé", "Les services de l'État suivent cette question avec attention", "Une enveloppe complémentaire a été dégagée", "Une instruction a été adressée aux préfets", "Une mission d'inspection a remis ses conclusions", "Le dispositif a fait l'objet d'une évaluation approfondie", "Une concertation a été ouverte avec les représentants du secteur"}
	details = []string{"afin de garantir un égal accès de tous les citoyens au service public", "dans le respect des compétences des collectivités territoriales", "en lien étroit avec les opérateurs et les élus locaux", "selon un calendrier qui sera précisé dans les prochaines semaines", "pour tenir compte des spécificités de chaque territoire", "tout en préservant l'équilibre des finances publiques", "conformément aux engagements pris devant la représentation nationale", "sur la base des recommandations formulées par les inspections"}
)

// rng is a small deterministic generator (SplitMix64): Generate's output
// depends on its arguments only.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *rng) pick(xs []string) string { return xs[r.intn(len(xs))] }

// tuesday is the first Tuesday on or after t.
func tuesday(t time.Time) time.Time {
	t = day0(t)
	for t.Weekday() != time.Tuesday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// Members is the number of members of a generated legislature.
const Members = 577

// Generate makes n written questions of a legislature published over the
// days from start, as they stand at the end (AsOf gives any day before).
// The same arguments always give the same questions; numbers run from 1 in
// publication order; members are PA910000…, groups PO99000…, ministries
// PO995… (first government) and PO996… (second, from the middle of the
// period on). One question in ten is about smart cities.
func Generate(n int, start time.Time, days int) []Question {
	if days <= 0 {
		days = 365
	}
	r := &rng{s: uint64(n)*0x9e3779b97f4a7c15 ^ uint64(day0(start).Unix())}
	start = day0(start)
	end := start.AddDate(0, 0, days)
	change := tuesday(start.AddDate(0, 0, days/2)).AddDate(0, 0, 3) // a Friday decree
	var tuesdays []time.Time
	for t := tuesday(start); t.Before(end); t = t.AddDate(0, 0, 7) {
		tuesdays = append(tuesdays, t)
	}
	if len(tuesdays) == 0 {
		tuesdays = []time.Time{tuesday(start)}
	}
	// Members: their groups (one in twenty moves once), and who leaves.
	history := make([][]groupSpan, Members)
	left := make([]time.Time, Members)
	for i := range Members {
		g := (i * 5) % (len(groups) - 1)
		if i%53 == 0 {
			g = len(groups) - 1 // non-attached
		}
		history[i] = []groupSpan{{Group: g, From: start.AddDate(0, 0, -30), Mandate: fmt.Sprintf("PM%d", 920000+i)}}
		if i%20 == 7 {
			moved := start.AddDate(0, 0, days/4+r.intn(days/2+1))
			history[i] = append(history[i], groupSpan{Group: (g + 3) % (len(groups) - 1), From: moved, Mandate: fmt.Sprintf("PM%d", 930000+i)})
		}
		if i%37 == 11 {
			left[i] = start.AddDate(0, 0, days/3+r.intn(days/2+1))
		}
	}
	out := make([]Question, 0, n)
	for k := range n {
		published := tuesdays[k*len(tuesdays)/max(n, 1)]
		m := r.intn(r.intn(Members) + 1) // a few members ask many questions
		if !left[m].IsZero() && !published.Before(left[m]) {
			m = (m + 1) % Members
		}
		topic := topics[1+r.intn(len(topics)-1)]
		if k%10 == 0 {
			topic = topics[0]
		}
		mi := topic.ministry
		if r.intn(4) == 0 {
			mi = r.intn(len(ministries))
		}
		gov := 0
		if !published.Before(change) {
			gov = 1
		}
		civ, first, last := memberIdentity(m)
		q := Question{
			Legislature: 17, Number: k + 1,
			Rubrique: topic.rubrique, Head: topic.head, Analyses: []string{topic.analysis},
			AuthorRef: memberRef(m), MandateRef: fmt.Sprintf("PM%d", 940000+m),
			Asked:     ministryOrgan(gov, mi),
			Published: published, Page: 1 + (k*37)%9000,
			history: history[m],
		}
		q.Group = groups[groupOn(history[m], published)]
		q.Text = questionText(r, civ+" "+first+" "+last, ministryTitle(gov, mi), topic.subject)
		q.Attributions = []Attribution{{Ministry: q.Asked, On: published}}
		cur, curGov := mi, gov
		// Moved to another ministry within six weeks.
		if r.intn(10) == 0 {
			to := (mi + 1 + r.intn(len(ministries)-1)) % len(ministries)
			on := published.AddDate(0, 0, 7*(1+r.intn(6)))
			if on.Before(end) {
				g := 0
				if !on.Before(change) {
					g = 1
				}
				q.Attributions = append(q.Attributions, Attribution{Ministry: ministryOrgan(g, to), On: on})
				cur, curGov = to, g
			}
		}
		// The answer: seven in ten, after 4 to 60 weeks (most within six months).
		var answered time.Time
		if r.intn(100) < 72 {
			weeks := 4 + r.intn(1+r.intn(56))
			answered = published.AddDate(0, 0, 7*weeks)
		}
		renewal := published.AddDate(0, 0, 7*(11+r.intn(6)))
		if r.intn(100) < 8 && (answered.IsZero() || answered.After(renewal)) && renewal.Before(end) {
			q.Renewals = []time.Time{renewal}
		}
		signal := published.AddDate(0, 0, 7*(9+r.intn(8)))
		if r.intn(100) < 4 && (answered.IsZero() || answered.After(signal)) && signal.Before(end) {
			q.Signalled = signal
			answered = signal.AddDate(0, 0, 7*(1+r.intn(3)))
		}
		// The change of government moves every question still pending.
		if curGov == 0 && change.Before(end) && (answered.IsZero() || answered.After(change)) {
			q.Attributions = append(q.Attributions, Attribution{Ministry: ministryOrgan(1, cur), On: change, JOType: "JO_LOI_DECRET"})
		}
		switch {
		case !left[m].IsZero() && left[m].Before(end) && (answered.IsZero() || answered.After(left[m])):
			q.Closure = &Closure{Code: LapsedCode, Label: LapsedLabel, On: tuesday(left[m])}
		case answered.IsZero() && r.intn(100) < 2:
			q.Closure = &Closure{Code: WithdrawnCode, Label: WithdrawnLabel, On: published.AddDate(0, 0, 7*(2+r.intn(8)))}
		case !answered.IsZero() && answered.Before(end):
			q.Answered, q.AnswerPage = answered, 1+(k*53)%9000
			q.Answer = answerText(r, topic.subject, r.intn(100) < 3)
		}
		if q.Closure != nil && !q.Closure.On.Before(end) {
			q.Closure = nil
		}
		out = append(out, q)
	}
	return out
}

// groupOn is the index of the group a member belongs to on a day.
func groupOn(h []groupSpan, on time.Time) int {
	g := h[0].Group
	for _, s := range h {
		if !s.From.After(on) {
			g = s.Group
		}
	}
	return g
}

func questionText(r *rng, author, minister, subject string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s attire l'attention de %s sur %s. ", author, minister, subject)
	for range 5 + r.intn(8) {
		fmt.Fprintf(&b, "%s %s %s, où %s %s. ", capital(r.pick(actors)), r.pick(facts), r.pick(places), r.pick(figures), r.pick([]string{"sont concernés", "seraient touchés", "sont en attente", "ont été recensés"}))
	}
	pronoun := "Il"
	if strings.HasPrefix(author, "Mme") {
		pronoun = "Elle"
	}
	fmt.Fprintf(&b, "%s lui demande %s.", pronoun, r.pick(asks))
	return b.String()
}

func answerText(r *rng, subject string, table bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>La question de l'honorable parlementaire porte sur %s. %s, %s.</p>", subject, r.pick(replies), r.pick(details))
	for range 2 + r.intn(5) {
		b.WriteString("<p>")
		for range 2 + r.intn(4) {
			fmt.Fprintf(&b, "%s %s, %s. ", r.pick(replies), r.pick(places), r.pick(details))
		}
		fmt.Fprintf(&b, "À ce jour, %s ont bénéficié de ces mesures.</p>", r.pick(figures))
	}
	if table {
		b.WriteString("<table border=\"1\"><tr><th>Année</th><th>Crédits engagés<br>(en millions d'euros)</th><th>Bénéficiaires</th></tr>")
		for y := 2021; y <= 2025; y++ {
			fmt.Fprintf(&b, "<tr><td>%d</td><td>%d,%d</td><td>%d&#160;%03d</td></tr>", y, 10+r.intn(90), r.intn(10), 1+r.intn(40), r.intn(1000))
		}
		b.WriteString("</table>")
	}
	fmt.Fprintf(&b, "<p>%s.</p>", capital(r.pick(details)))
	return b.String()
}

func capital(s string) string {
	for i, c := range s {
		return strings.ToUpper(string(c)) + s[i+len(string(c)):]
	}
	return s
}

// AsOf returns generated questions as the Assemblée published them at the
// end of a day: those published by then, with the attributions, renewals,
// signalement, answer and closure dated by then, and each author's group
// as the AN fills it, the member's group on that day. Seen day after day,
// they make a realistic sequence of nightly dumps.
func AsOf(qs []Question, t time.Time) []Question {
	d := day0(t)
	var out []Question
	for _, q := range qs {
		if q.Published.After(d) {
			continue
		}
		var as []Attribution
		for _, a := range q.Attributions {
			if !a.On.After(d) {
				as = append(as, a)
			}
		}
		q.Attributions = as
		var rs []time.Time
		for _, r := range q.Renewals {
			if !r.After(d) {
				rs = append(rs, r)
			}
		}
		q.Renewals = rs
		if q.Signalled.After(d) {
			q.Signalled = time.Time{}
		}
		if q.Answered.After(d) {
			q.Answered, q.Answer, q.AnswerPage = time.Time{}, "", 0
		}
		if q.Closure != nil && q.Closure.On.After(d) {
			q.Closure = nil
		}
		if len(q.history) > 0 {
			q.Group = groups[groupOn(q.history, d)]
		}
		out = append(out, q)
	}
	return out
}

// GenerateReferences makes the reference dump of generated questions as it
// stands on a day, in the shape of the sitting members' dump (AMO10): the
// members still sitting with their current group and seat mandates (those
// that ended are not there, as in the real dump), the groups, and the
// ministries of the government in office (those of the previous one are
// gone).
func GenerateReferences(qs []Question, t time.Time) []File {
	d := day0(t)
	type member struct {
		history []groupSpan
		mandate string
		closed  bool
	}
	members := map[string]*member{}
	gov := 0
	for _, q := range qs {
		for _, a := range q.Attributions {
			if strings.HasPrefix(a.Ministry.Ref, "PO996") && !a.On.After(d) {
				gov = 1
			}
		}
		if q.AuthorRef == "" || len(q.history) == 0 {
			continue
		}
		m := members[q.AuthorRef]
		if m == nil {
			m = &member{history: q.history, mandate: q.MandateRef}
			members[q.AuthorRef] = m
		}
		if c := q.Closure; c != nil && c.Code == LapsedCode && !c.On.After(d) {
			m.closed = true
		}
	}
	refs := make([]string, 0, len(members))
	for ref := range members {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	var files []File
	for _, ref := range refs {
		m := members[ref]
		if m.closed {
			continue // left the Assemblée: not in the sitting members' dump
		}
		var i int
		fmt.Sscanf(ref, "PA%d", &i)
		civ, first, last := memberIdentity(i - 910000)
		cur := m.history[0]
		for _, s := range m.history {
			if !s.From.After(d) {
				cur = s
			}
		}
		g := groups[cur.Group]
		body := anJSON(map[string]any{"acteur": map[string]any{
			"uid":       map[string]string{"@xsi:type": "IdActeur_type", "#text": ref},
			"etatCivil": map[string]any{"ident": map[string]string{"civ": civ, "prenom": first, "nom": last}},
			"mandats": map[string]any{"mandat": []map[string]any{
				amoMandate(ref, cur.Mandate, "GP", cur.From, g.Ref, "Membre"),
				amoMandate(ref, m.mandate, "ASSEMBLEE", time.Date(2024, 7, 7, 0, 0, 0, 0, time.UTC), "PO838901", "membre"),
			}},
		}})
		files = append(files, File{Name: "acteur/" + ref + ".json", Body: body})
	}
	for _, g := range groups {
		files = append(files, organFile(g, "GP"))
	}
	for i := range ministries {
		files = append(files, organFile(ministryOrgan(gov, i), "MINISTERE"))
	}
	return files
}

func amoMandate(actor, uid, kind string, from time.Time, organ, quality string) map[string]any {
	return map[string]any{
		"uid": uid, "acteurRef": actor, "legislature": "17", "typeOrgane": kind,
		"dateDebut": day(from), "dateFin": nil,
		"infosQualite": map[string]any{"codeQualite": quality},
		"organes":      map[string]string{"organeRef": organ},
	}
}

func organFile(o Organ, kind string) File {
	return File{Name: "organe/" + o.Ref + ".json", Body: anJSON(map[string]any{"organe": map[string]any{
		"uid": o.Ref, "codeType": kind, "libelle": o.Long, "libelleAbrege": o.Short,
	}})}
}

// ChangedOn returns the generated questions whose document changes on a
// day (published, moved, renewed, signalled, answered or closed that day,
// or whose author changed group), as they stand at its end: what a nightly
// dump brings that the previous night's did not. It is AsOf for the
// questions that differ from the day before, without rendering the others.
func ChangedOn(qs []Question, t time.Time) []Question {
	d := day0(t)
	var changed []Question
	for _, q := range qs {
		if q.Published.After(d) || !changes(q, d) {
			continue
		}
		changed = append(changed, q)
	}
	return AsOf(changed, d)
}

// changes says whether something happens to a question on a day.
func changes(q Question, d time.Time) bool {
	on := func(t time.Time) bool { return !t.IsZero() && day0(t).Equal(d) }
	if on(q.Published) || on(q.Answered) || on(q.Signalled) || (q.Closure != nil && on(q.Closure.On)) {
		return true
	}
	for _, a := range q.Attributions {
		if on(a.On) {
			return true
		}
	}
	for _, r := range q.Renewals {
		if on(r) {
			return true
		}
	}
	for i, s := range q.history {
		if i > 0 && on(s.From) && s.Group != q.history[i-1].Group {
			return true
		}
	}
	return false
}
