package bechamber

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/parlq/parlq"
)

// maxAnswers is how many answer slots a document has: PUBLICA1…PUBLICA4.
const maxAnswers = 4

// answer is one answer slot as read, before it becomes a parlq.Answer.
type answer struct {
	status string // STATUSA<n>: created (received) or publicated
	kind   parlq.AnswerKind
	labels map[string]string // the kind's label by language
	pub    publication
	texts  map[string]string // the text by language
}

// answerStatuses are the values of STATUSA<n> seen: an answer received
// but not yet printed ("created", with no bulletin and no date) and one
// printed in a bulletin ("publicated").
var answerStatuses = map[string]string{"created": "received", "publicated": "published"}

// answers reads the answer slots 1–4. A slot is there when NUMA<n> is not 0
// or any of its other fields is given.
func (r *reader) answers() []answer {
	var out []answer
	for n := 1; n <= maxAnswers; n++ {
		a := answer{texts: map[string]string{}}
		num := r.count(fmt.Sprintf("NUMA%d", n))
		pub := r.value(fmt.Sprintf("PUBLICA%d", n))
		a.status = r.value(fmt.Sprintf("STATUSA%d", n))
		casa := r.value(fmt.Sprintf("CASA%d", n))
		for _, lang := range []string{"fr", "nl"} {
			a.texts[lang] = r.text(fmt.Sprintf("TEXTA%d%s", n, suffix(lang)))
		}
		if num <= 0 && pub == "" && a.status == "" && casa == "" && a.texts["fr"] == "" && a.texts["nl"] == "" {
			continue
		}
		if _, ok := answerStatuses[a.status]; a.status != "" && !ok {
			r.miss("STATUSA%d created or publicated (got %q)", n, a.status)
		}
		var err error
		if a.pub, err = parsePublication(pub); err != nil {
			r.miss("PUBLICA%d %v", n, err)
		}
		if casa == "" {
			r.miss("CASA%d (the kind of answer %d)", n, n)
		} else if a.kind, a.labels, err = parseKind(casa); err != nil {
			r.miss("CASA%d %v", n, err)
		}
		out = append(out, a)
	}
	return out
}

// publication is where an answer is printed: PUBLICA<n>, "B001,\n ,\n
// 10/10/2014,\n 00002014": the bulletin, the page, the date and the
// session (the first eight digits of DOCNAME have the same form). An
// answer received but not yet printed has ",\n ,\n //,\n 20162017".
type publication struct {
	bulletin, page, date, session string
}

func parsePublication(s string) (publication, error) {
	if strings.TrimSpace(s) == "" {
		return publication{}, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return publication{}, fmt.Errorf("as \"bulletin, page, DD/MM/YYYY, session\" (got %q)", collapse(s))
	}
	for i := range parts {
		parts[i] = collapse(parts[i])
	}
	p := publication{bulletin: parts[0], page: parts[1], session: parts[3]}
	switch d := parts[2]; d {
	case "", "//":
	default:
		t, err := time.Parse("02/01/2006", d)
		if err != nil {
			return publication{}, fmt.Errorf("date as DD/MM/YYYY (got %q)", d)
		}
		p.date = t.Format(parlq.DateLayout)
	}
	return p, nil
}

// casaRe reads a kind written on one line: "1 réponse normale - normaal
// antwoord".
var casaRe = regexp.MustCompile(`^(\d+)\s+(.+?)\s+-\s+(.+)$`)

// kindWords tell the kind of an answer from its label, in French and
// Dutch. Only "réponse normale - normaal antwoord" (code 1) was ever seen;
// the other kinds' labels are recognized by their words.
var kindWords = []struct {
	kind  parlq.AnswerKind
	words []string
}{
	{parlq.AdditionalAnswer, []string{"complémentaire", "aanvullend"}},
	{parlq.CorrectedAnswer, []string{"rectifi", "erratum", "corrig", "verbeter", "rechtzet"}},
	{parlq.HoldingAnswer, []string{"provisoire", "intermédiaire", "d'attente", "voorlopig", "tussentijds"}},
	{parlq.FinalAnswer, []string{"normale", "normaal"}},
}

// parseKind reads CASA<n>, "1\n réponse normale -\n normaal antwoord": a
// code, the French label, " -", the Dutch label. Both labels must name the
// same known kind.
func parseKind(s string) (parlq.AnswerKind, map[string]string, error) {
	var code, fr, nl string
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = collapse(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 3 && strings.HasSuffix(lines[1], "-") {
		code, fr, nl = lines[0], strings.TrimSpace(strings.TrimSuffix(lines[1], "-")), lines[2]
	} else if m := casaRe.FindStringSubmatch(collapse(s)); m != nil {
		code, fr, nl = m[1], m[2], m[3]
	}
	if code == "" || fr == "" || nl == "" || strings.Trim(code, "0123456789") != "" {
		return "", nil, fmt.Errorf("as \"code French label - Dutch label\" (got %q)", collapse(s))
	}
	fr, nl = repairMojibake(fr), repairMojibake(nl)
	kf, kn := kindOf(fr), kindOf(nl)
	if kf == "" || kf != kn {
		return "", nil, fmt.Errorf("a known kind of answer (got %q)", collapse(s))
	}
	return kf, map[string]string{"fr": fr, "nl": nl}, nil
}

func kindOf(label string) parlq.AnswerKind {
	l := strings.ToLower(label)
	for _, k := range kindWords {
		for _, w := range k.words {
			if strings.Contains(l, w) {
				return k.kind
			}
		}
	}
	return ""
}

// subjectFields are the descriptor fields by kind; each is given in
// French, Dutch and German (…F, …N, …D), " | " between terms.
var subjectFields = []struct {
	kind  string
	names []string // field name prefixes (the list spells MAIN_THESA without _)
}{
	{"main", []string{"MAIN_THESA", "MAINTHESA"}},
	{"descriptor", []string{"THESA"}},
	{"candidate", []string{"DESC"}},
	{"free", []string{"FREE"}},
}

var subjectLangs = []struct{ lang, suffix string }{{"fr", "F"}, {"nl", "N"}, {"de", "D"}}

// subjects reads the descriptors. The French, Dutch and German lists of a
// kind are parallel: when every language given has as many terms, the terms
// at the same position are one subject with a label per language. When the
// counts differ, pairing them would be guesswork: each term is then a
// subject of its own language.
func (r *reader) subjects() []parlq.Subject {
	var out []parlq.Subject
	for _, sf := range subjectFields {
		terms := map[string][]string{}
		n, same := -1, true
		for _, l := range subjectLangs {
			var ts []string
			for _, prefix := range sf.names {
				for _, p := range r.get(prefix + l.suffix).parts {
					for _, t := range strings.Split(p, "|") {
						if t = line([]string{t}); t != "" {
							ts = append(ts, t)
						}
					}
				}
			}
			if len(ts) == 0 {
				continue
			}
			terms[l.lang] = ts
			if n >= 0 && n != len(ts) {
				same = false
			}
			n = len(ts)
		}
		seen := map[string]bool{}
		add := func(labels map[string]string) {
			key := fmt.Sprint(labels)
			if !seen[key] {
				seen[key] = true
				out = append(out, parlq.Subject{Kind: sf.kind, Labels: labels})
			}
		}
		if same && n > 0 {
			for i := range n {
				labels := map[string]string{}
				for lang, ts := range terms {
					labels[lang] = ts[i]
				}
				add(labels)
			}
			continue
		}
		for _, l := range subjectLangs {
			for _, t := range terms[l.lang] {
				add(map[string]string{l.lang: t})
			}
		}
	}
	return out
}
