package assemblee

import (
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty", "  ", ""},
		{"plain", "Une question.", "Une question."},
		{"entities and no-break spaces", "Montant&nbsp;: 1&#160;250&nbsp;€ &amp; 5,5\u00a0% d&#146;ici", "Montant : 1 250 € & 5,5 % d’ici"},
		{"paragraphs and breaks", "<p>Un.</p><p>Deux<br>trois</p>", "Un.\nDeux\ntrois"},
		{"unbalanced, as the QG transcripts", "</p><p align=\"CENTER\"> TITRE <a name=PG1></a> </p><br><strong>M. X . </strong>Texte.<br><br>", "TITRE\nM. X . Texte."},
		{"inline markup", "Le terme « <em>laboratory-grown</em> » et <sup>1er</sup>", "Le terme « laboratory-grown » et 1er"},
		{"comments dropped", "Avant<!-- DEBTAB -->après", "Avantaprès"},
		{"script and style dropped", "<style>p{}</style>Texte<script>x()</script>.", "Texte."},
		{"table rows", "Voir :<table><tr><th>A</th><th>B<br>suite</th></tr><tr> <td>1</td> <td>2</td> </tr></table>Fin.", "Voir :\nA\tB suite\n1\t2\nFin."},
		{"empty cells keep their place, trailing ones go", "<table><tr><td></td><td>x</td><td></td></tr></table>", "\tx"},
		{"cells without closing tags", "<table><tr><td>a<td>b<tr><td>c<td>d</table>", "a\tb\nc\td"},
		{"paragraphs inside a cell", "<table><tr><td><p>un</p><p>deux</p></td><td>trois</td></tr></table>", "un deux\ttrois"},
		{"invisible characters", "a\u00adb\u200bc", "abc"},
	} {
		if got := plainText(c.in); got != c.want {
			t.Errorf("%s: plainText(%q) = %q; want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestNameInText(t *testing.T) {
	for in, want := range map[string]string{
		"Mme Olivia Martin interroge M. le ministre":                "Olivia Martin",
		"M. Jean-Paul Durand-Ruel attire l'attention de":            "Jean-Paul Durand-Ruel",
		"M. Charles de Courcy attire l'attention de M. le ministre": "Charles de Courcy",
		"Mme Anne Le Goff appelle l'attention":                      "Anne Le Goff",
		"M. Paul d'Ornano interroge":                                "Paul d'Ornano",
		"Sur le budget des communes, M. X demande":                  "",
		"M. interroge":                     "",
		"Mme Anne interroge":               "",
		"M. A B C D E F G H I J interroge": "",
		"Mme Claire Dubois-Lemaire, députée, interroge M. le préfet": "Claire Dubois-Lemaire",
	} {
		if got := nameInText(in); got != want {
			t.Errorf("nameInText(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestAccented(t *testing.T) {
	text := "Mme Élise Fournié appelle l'attention de Mme la ministre"
	for name, want := range map[string]string{
		"Elise Fournie":  "Élise Fournié", // accents restored
		"Élise Fournié":  "Élise Fournié",
		"ELISE FOURNIE":  "ELISE FOURNIE", // another case: left alone
		"Elise Fourn":    "Elise Fourn",   // not a whole word
		"Marie Dupont":   "Marie Dupont",
		"":               "",
		"la ministre":    "la ministre",
		"Elise Fournie ": "Elise Fournie ",
	} {
		if got := accented(name, text); got != want {
			t.Errorf("accented(%q) = %q; want %q", name, got, want)
		}
	}
	long := strings.Repeat("x ", 300) + "Élise Fournié"
	if got := accented("Elise Fournie", long); got != "Elise Fournie" {
		t.Errorf("a name far in the text: %q; the name is only looked for in the opening", got)
	}
}

func TestDateOf(t *testing.T) {
	for in, want := range map[string]string{
		"2025-03-25": "2025-03-25", "2025-03-25+01:00": "2025-03-25", "2025-03-25T10:00:00": "2025-03-25",
		"07/01/2014": "2014-01-07", "": "",
	} {
		if got, ok := dateOf(in); !ok || got != want {
			t.Errorf("dateOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"2025-13-01", "25/03", "2025-03-251", "31/02/2014", "hier"} {
		if _, ok := dateOf(bad); ok {
			t.Errorf("dateOf(%q): accepted", bad)
		}
	}
}

func TestClosureOf(t *testing.T) {
	for _, c := range []struct {
		code, label string
		want        closureKind
	}{
		{"REP_PUB", "Réponse publiée", closedAnswered},
		{"rep_pub", "", closedAnswered},
		{"X", "Réponse publiée le 3 juin", closedAnswered},
		{"X", "Question retirée par son auteur", closedWithdrawn},
		{"X", "Retrait à l'initiative de l'auteur", closedWithdrawn},
		{"X", "Retrait pour fin de mandat", closedLapsed},
		{"X", "Question caduque", closedLapsed},
		{"X", "Fin de législature", closedLapsed},
		{"X", "Décès", closedLapsed},
		{"X", "Transformée en question orale", closedUnknown},
		{"", "", closedUnknown},
	} {
		if got := closureOf(&closure{Code: c.code, Label: c.label}); got != c.want {
			t.Errorf("closureOf(%q, %q) = %d; want %d", c.code, c.label, got, c.want)
		}
	}
}
