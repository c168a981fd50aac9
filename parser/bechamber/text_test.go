package bechamber

import (
	"testing"

	"github.com/parlq/parlq"
)

func TestUnglue(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Sentence boundaries the source lost.
		{"la réforme fiscale.Dans plusieurs communes", "la réforme fiscale. Dans plusieurs communes"},
		{"les données manquantes.1. Quels chiffres", "les données manquantes. 1. Quels chiffres"},
		{"est-elle prévue?2. Les zones de police", "est-elle prévue? 2. Les zones de police"},
		{"de nieuwe cijfers te bezorgen.1. Welke", "de nieuwe cijfers te bezorgen. 1. Welke"},
		{"Welke maatregelen?Is er overleg", "Welke maatregelen? Is er overleg"},
		{"c'est inacceptable!Le ministre", "c'est inacceptable! Le ministre"},
		{"slimme camera's.Hoeveel zones", "slimme camera's. Hoeveel zones"},
		{"(art. 15).Le gouvernement", "(art. 15). Le gouvernement"},
		{"« ville intelligente ».La ville", "« ville intelligente ». La ville"},
		{"(www.example.be/data).1. Welke", "(www.example.be/data). 1. Welke"},
		{"est-il prévu ?Quand", "est-il prévu ? Quand"},
		{"het begin…Daarna", "het begin… Daarna"},
		{"Élargissement.État de droit", "Élargissement. État de droit"},
		{"de la loi.4) Les", "de la loi. 4) Les"},
		// Not boundaries: left alone.
		{"already spaced. Next", "already spaced. Next"},
		{"un taux de 2.5 pour cent", "un taux de 2.5 pour cent"},
		{"en 2016.Le ministre", "en 2016.Le ministre"},
		{"selon l'art.Ier de la loi", "selon l'art.Ier de la loi"},
		{"selon l’art.Ier de la loi", "selon l’art.Ier de la loi"},
		{"l’envoi.Le", "l’envoi. Le"},
		{"voir art.3. Le", "voir art.3. Le"},
		{"la a.s.b.l.Vzw", "la a.s.b.l.Vzw"},
		{"M.Dupont et Mme.Durant", "M.Dupont et Mme.Durant"},
		{"de U.E.Les", "de U.E.Les"},
		{"p.12", "p.12"},
		{"zie www.belgium.Be", "zie www.belgium.Be"},
		{"mail info@example.Be", "mail info@example.Be"},
		{"https://example.be/page.Html", "https://example.be/page.Html"},
		{"index.php?Id=3", "index.php?Id=3"},
		{"version 2.0.1", "version 2.0.1"},
		{"le point.", "le point."},
		{"etc.Les", "etc.Les"},
		{"x.Y", "x.Y"},
		{"1.A", "1.A"},
	} {
		if got := unglue(tc.in); got != tc.want {
			t.Errorf("unglue(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestRepairMojibake(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Double-encoded UTF-8, read as Latin-1 or as Windows-1252.
		{"La fracture numÃ©rique des aÃ®nÃ©s.", "La fracture numérique des aînés."},
		{"chez les aÃ®nÃ©s", "chez les aînés"},
		{"lâ€™Ã‰tat", "l’État"},
		{"Ã\u00a0 partir de", "à partir de"},
		{"prix : 12Â\u00a0â‚¬", "prix : 12\u00a0€"},
		{"Â°C", "°C"},
		{"l\u00e2\u0080\u0099aide", "l’aide"}, // the C1 controls of Latin-1
		{"mÃ©lange avec é correct", "mélange avec é correct"},
		// Anything else is left untouched.
		{"numérique", "numérique"},
		{"São Paulo", "São Paulo"},
		{"Âge d'or", "Âge d'or"},
		{"Ã la fin", "Ã la fin"},
		{"PROJET ADOPTÉ»", "PROJET ADOPTÉ»"},         // É + » would be U+027B, not a character of these texts
		{"Ã", "Ã"},                                   // a lead at the very end
		{"\u00e9\u00ab\u00bb", "\u00e9\u00ab\u00bb"}, // é«» would be a CJK character
		{"naïve café", "naïve café"},
		{"", ""},
	} {
		if got := repairMojibake(tc.in); got != tc.want {
			t.Errorf("repairMojibake(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestAuthor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want parlq.Person
		ok   bool
	}{
		{"Tom\n      De Wachter,\n      CD&V", parlq.Person{Name: "Tom De Wachter", Party: "CD&V"}, true},
		{"Lotte\n      Vanderheyden,\n      Vooruit (07412)", parlq.Person{Name: "Lotte Vanderheyden", Party: "Vooruit", ID: "07412"}, true},
		{"Hugues\n                Renard,\n                PS (07233)\n            ", parlq.Person{Name: "Hugues Renard", Party: "PS", ID: "07233"}, true},
		{"Anne\n      de Ville-Dumont,\n      MR", parlq.Person{Name: "Anne de Ville-Dumont", Party: "MR"}, true},
		{"Greet Willems (07320)", parlq.Person{Name: "Greet Willems", ID: "07320"}, true},
		{"FranÃ§ois\n Dubois,\n Ecolo", parlq.Person{Name: "François Dubois", Party: "Ecolo"}, true},
		{"", parlq.Person{}, false},
		{" (07412)", parlq.Person{ID: "07412"}, false},
	} {
		got, ok := author(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("author(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		parts []string
		want  string
	}{
		{[]string{"Une ligne.Deux"}, "Une ligne. Deux"},
		{[]string{"\n      ", "Premier.", "  Second\n   suite  "}, "Premier.\nSecond suite"},
		{[]string{"Para un.\r\n\r\nPara deux."}, "Para un.\nPara deux."},
		{[]string{"\n\n\n            "}, ""},
		{[]string{"Année" + cellSep + "Dossiers", " 2023 " + cellSep + "1 204", cellSep}, "Année\tDossiers\n2023\t1 204"},
		{[]string{"a" + cellSep + "" + cellSep + "c"}, "a\t\tc"},
		{[]string{"numÃ©rique\u00a0et  plus"}, "numérique et plus"},
	} {
		if got := text(tc.parts); got != tc.want {
			t.Errorf("text(%q) = %q; want %q", tc.parts, got, tc.want)
		}
	}
	if got := line([]string{" Les caméras\n intelligentes.", "Suite "}); got != "Les caméras intelligentes. Suite" {
		t.Errorf("line = %q", got)
	}
}

func TestParseKind(t *testing.T) {
	for _, tc := range []struct {
		in     string
		kind   parlq.AnswerKind
		fr, nl string
	}{
		{"1\n      réponse normale -\n      normaal antwoord", parlq.FinalAnswer, "réponse normale", "normaal antwoord"},
		{"1 réponse normale - normaal antwoord", parlq.FinalAnswer, "réponse normale", "normaal antwoord"},
		{"2\n réponse complémentaire -\n aanvullend antwoord", parlq.AdditionalAnswer, "réponse complémentaire", "aanvullend antwoord"},
		{"3\n réponse provisoire -\n voorlopig antwoord", parlq.HoldingAnswer, "réponse provisoire", "voorlopig antwoord"},
		{"4\n réponse rectificative -\n verbeterd antwoord", parlq.CorrectedAnswer, "réponse rectificative", "verbeterd antwoord"},
		{"5 erratum - erratum", parlq.CorrectedAnswer, "erratum", "erratum"},
	} {
		k, labels, err := parseKind(tc.in)
		if err != nil || k != tc.kind || labels["fr"] != tc.fr || labels["nl"] != tc.nl {
			t.Errorf("parseKind(%q) = %s, %v, %v; want %s %q %q", tc.in, k, labels, err, tc.kind, tc.fr, tc.nl)
		}
	}
	for _, bad := range []string{
		"7 réponse orale - mondeling antwoord",     // unknown kind
		"1 réponse normale - aanvullend antwoord",  // the labels disagree
		"réponse normale - normaal antwoord",       // no code
		"1 réponse normale",                        // no Dutch label
		"x\n réponse normale -\n normaal antwoord", // the code is not a number
		"1\n réponse complémentaire -\n voorlopig antwoord",
	} {
		if k, _, err := parseKind(bad); err == nil {
			t.Errorf("parseKind(%q) = %s; want an error", bad, k)
		}
	}
}

func TestParsePublication(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want publication
	}{
		{"B001,\n      ,\n      10/10/2014,\n      00002014", publication{bulletin: "B001", date: "2014-10-10", session: "00002014"}},
		{",\n      ,\n      //,\n      20162017", publication{session: "20162017"}},
		{"B038, p7, 28/11/2025, 20252026", publication{bulletin: "B038", page: "p7", date: "2025-11-28", session: "20252026"}},
		{"", publication{}},
	} {
		got, err := parsePublication(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parsePublication(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"B001, 10/10/2014", "B001, , 2014-10-10, 00002014", "B001, , 31/02/2014, 00002014", "a,b,c,d,e"} {
		if got, err := parsePublication(bad); err == nil {
			t.Errorf("parsePublication(%q) = %+v; want an error", bad, got)
		}
	}
}

func TestSdocname(t *testing.T) {
	for _, tc := range []struct{ in, native, number string }{
		{"55-B003-2-0007-0000201900012", "55-2-0007-0000201900012", "7"},
		{"55--4-0231-2020202104410", "55-4-0231-2020202104410", "231"},
		{"56-B021-7-0214-2024202503391", "56-7-0214-2024202503391", "214"},
		{"56--18-12345-2025202603391", "56-18-12345-2025202603391", "12345"},
	} {
		d, ok := parseSdocname(tc.in)
		if !ok || d.native() != tc.native || d.number() != tc.number {
			t.Errorf("parseSdocname(%q) = %+v (%v): native %q number %q; want %q %q", tc.in, d, ok, d.native(), d.number(), tc.native, tc.number)
		}
	}
	// Printed in a bulletin or not, one question keeps its id.
	a, _ := parseSdocname("55--4-0231-2020202104410")
	b, _ := parseSdocname("55-B061-4-0231-2020202104410")
	if a.recordID() != b.recordID() {
		t.Errorf("ids %s and %s; want one", a.recordID(), b.recordID())
	}
	for _, bad := range []string{"", "55-B003-2-0007", "x-B003-2-0007-0000201900012", "55-b003-2-0007-0000201900012", "0-B003-2-0007-0000201900012", "55-B003-2-0007-0000201900012/"} {
		if d, ok := parseSdocname(bad); ok {
			t.Errorf("parseSdocname(%q) = %+v; want no name", bad, d)
		}
	}
}

func TestSession(t *testing.T) {
	for in, want := range map[string]string{
		"0000201900012": "2019", "2020202104410": "2020-2021", "2025202600233": "2025-2026",
		"1999200100001": "", "abcd201400004": "", "2014": "",
	} {
		if got := session(in); got != want {
			t.Errorf("session(%q) = %q; want %q", in, got, want)
		}
	}
}
