package brussels

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parlq/parlq"
)

const mirrorIndex = "http://127.0.0.1:8081/prb_includes/weblex/data/dos_qu_legis_24-29.json"

func TestIndexGolden(t *testing.T) {
	path := filepath.Join(testdataDir(t), "index-24-29.json")
	body := readFile(t, path)
	rows, err := ParseIndex(body)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New().Discover(mirrorIndex, body)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, strings.TrimSuffix(path, ".json")+".golden.json", marshal(t, struct {
		Rows      []IndexRow       `json:"rows"`
		Discovery *parlq.Discovery `json:"discovery"`
	}{rows, d}))
}

func TestIndex(t *testing.T) {
	body := readFile(t, filepath.Join(testdataDir(t), "index-24-29.json"))
	rows, err := ParseIndex(body)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "rows", len(rows), 6)
	req := rows[2]
	check(t, "moncode", req.Moncode, "168700")
	check(t, "type", req.Type, parlq.RequestForExplanation)
	check(t, "title (&#146; decoded)", req.Title, "Demande d'explications concernant la gestion des files d’attente aux guichets régionaux")
	check(t, "addressees split on <br>", req.Addressees, []IndexAddressee{
		{Name: "Pierre Janssens", Role: "Ministre du Gouvernement de la Région de Bruxelles-Capitale chargé des Finances, du Budget et des Travaux publics", RoleNL: "Minister van de Brusselse Hoofdstedelijke Regering belast met Financiën, Begroting en Openbare Werken"},
		{Name: "Nora Lambert", Role: "Ministre du Gouvernement de la Région de Bruxelles-Capitale, chargée de la Mobilité et de la Sécurité routière", RoleNL: "Minister van de Brusselse Hoofdstedelijke Regering, belast met Mobiliteit en Verkeersveiligheid"},
	})
	check(t, "publication", req.Publication, IndexLink{Text: "B.I.Q. 70 (25/26) p. 12", URL: "http://weblex.brussels/data/crb/biq/2025-26/00070/images.pdf#page=12"})
	check(t, "publication nl", req.PublicationNL, IndexLink{Text: "B.I.V. 70 (25/26) blz. 12", URL: "http://weblex.brussels/data/crb/biq/2025-26/00070/images-n.pdf#page=12"})
	check(t, "link nl", req.LinkNL, "/weblex-quest-det/?moncode=168700&montitre=&base=1&lang=nl")

	d, err := New().Discover(mirrorIndex, body)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "refs", len(d.Refs), 6)
	check(t, "total (the index announces none)", d.Total, -1)
	var order []string
	for _, r := range d.Refs {
		order = append(order, r.Received+" "+r.ID)
	}
	check(t, "refs in date order", order, []string{
		"2025-12-15 brussels/prb/167900",
		"2026-01-20 brussels/arccc/105990",
		"2026-02-04 brussels/prb/169400",
		"2026-03-10 brussels/prb/168700",
		"2026-07-03 brussels/prb/170512",
		"2026-09-11 brussels/arccc/106201",
	})
	arccc := d.Refs[5]
	check(t, "ref url on the mirror", arccc.URL, "http://127.0.0.1:8081/weblex-quest-det/?moncode=106201&base=2")
	check(t, "listing url canonical", arccc.Listing.URL, "https://www.parlement.brussels/weblex-quest-det/?moncode=106201&base=2")
	check(t, "no addressee", arccc.Listing.Addressee, parlq.Person{})
	check(t, "listing nl", arccc.Listing.Translations["nl"], parlq.Translation{Title: "Schriftelijke vraag betreffende de dagopvang van zorgbehoevende ouderen", URL: "https://www.parlement.brussels/weblex-quest-det/?moncode=106201&base=2&lang=nl"})
}

// TestDiscoverThenParse: a listing completes a parsed record without
// overriding it.
func TestDiscoverThenParse(t *testing.T) {
	dir := testdataDir(t)
	d, err := New().Discover(mirrorIndex, readFile(t, filepath.Join(dir, "index-24-29.json")))
	if err != nil {
		t.Fatal(err)
	}
	var ref parlq.Ref
	for _, r := range d.Refs {
		if r.ID == "brussels/prb/170512" {
			ref = r
		}
	}
	q, err := New().Parse(ref.URL, readFile(t, filepath.Join(dir, "newer-pending.html")))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "id", q.ID, ref.ID)
	check(t, "type", q.Type, ref.Type)
	parlq.MergeListing(q, ref.Listing)
	check(t, "merged nl", q.Translations["nl"], parlq.Translation{
		Title:         "Schriftelijke vraag betreffende het onderhoud van de afgescheiden fietspaden",
		AddresseeRole: "Minister van de Brusselse Hoofdstedelijke Regering, belast met Mobiliteit en Verkeersveiligheid",
		URL:           "https://www.parlement.brussels/weblex-quest-det/?moncode=170512&base=1&lang=nl",
	})
	if err := q.Validate(); err != nil {
		t.Errorf("merged record: %v", err)
	}
}

func TestFixtureIndex(t *testing.T) {
	dir := fixturesDir(t)
	d, err := New().Discover("https://www.parlement.brussels/prb_includes/weblex/data/dos_qu_legis_24-29.json", readFile(t, filepath.Join(dir, "dos_qu_legis_24-29.excerpt.json")))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "refs", len(d.Refs), 8)
	check(t, "total (the index announces none)", d.Total, -1)
	byID := map[string]parlq.Ref{}
	for _, r := range d.Refs {
		byID[r.ID] = r
		if r.Listing == nil || r.Listing.Legislature != "24/29" || r.Listing.Title == "" || r.Listing.Translations["nl"].Title == "" {
			t.Errorf("%s: incomplete listing %+v", r.ID, r.Listing)
		}
	}
	// The row with several addressees keeps every one of them (the
	// fixtures README: one row names two ministers).
	several := 0
	for _, r := range d.Refs {
		if as := r.Listing.Addressees; len(as) > 0 {
			several++
			if len(as) < 2 || as[0] != r.Listing.Addressee || as[1].Name == "" || as[1].Name == as[0].Name || as[1].Role == "" {
				t.Errorf("%s: addressees %+v; want every addressee, the first as the addressee", r.ID, as)
			}
		}
	}
	check(t, "rows with several addressees", several, 1)

	lapsed := byID["brussels/prb/167852"]
	check(t, "lapsed url", lapsed.URL, "https://www.parlement.brussels/weblex-quest-det/?moncode=167852&base=1")
	check(t, "lapsed type", lapsed.Type, parlq.WrittenQuestion)
	check(t, "lapsed received", lapsed.Received, "2025-12-31")
	check(t, "lapsed author", lapsed.Listing.Author.Name, "Marie Cruysmans")
	check(t, "lapsed addressee", lapsed.Listing.Addressee, parlq.Person{Name: "Nawal Ben Hamou", Role: "Secrétaire d'État à la Région de Bruxelles-Capitale en charge du Logement et de l'Égalité des Chances"})
	check(t, "lapsed nl", lapsed.Listing.Translations["nl"], parlq.Translation{
		Title:         "Schriftelijke vraag betreffende statistische gegevens met betrekking tot de sociale verhuurkantoren",
		AddresseeRole: "Staatssecretaris van het Brussels Hoofdstedelijk Gewest bevoegd voor Huisvesting en Gelijke kansen",
		URL:           "https://www.parlement.brussels/weblex-quest-det/?moncode=167852&base=1&lang=nl",
	})
	arccc := byID["brussels/arccc/105748"]
	check(t, "arccc type", arccc.Type, parlq.TopicalQuestion)
	check(t, "arccc assembly", arccc.Listing.Assembly, "ARCCC")
	check(t, "arccc url", arccc.URL, "https://www.parlement.brussels/weblex-quest-det/?moncode=105748&base=2")
	check(t, "arccc author", arccc.Listing.Author.Name, "Françoise De Smedt")
	check(t, "arccc addressee", arccc.Listing.Addressee, parlq.Person{})
	oral := byID["brussels/prb/167764"]
	check(t, "&#146; decoded", oral.Listing.Title, "Question orale jointe concernant les alertes relatives à l’état des rames de métro MX et à la sécurité des usagers")
	check(t, "oral type", oral.Type, parlq.OralQuestion)
	check(t, "request type", byID["brussels/prb/164328"].Type, parlq.RequestForExplanation)
	check(t, "request type", byID["brussels/prb/168408"].Type, parlq.RequestForExplanation)

	rows, err := ParseIndex(readFile(t, filepath.Join(dir, "dos_qu_legis_24-29.excerpt.json")))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Moncode != "164328" {
			continue
		}
		check(t, "two addressees", len(r.Addressees), 2)
		check(t, "second addressee", r.Addressees[1], IndexAddressee{
			Name:   "Barbara Trachte",
			Role:   "Secrétaire d'État à la Région de Bruxelles-Capitale, en charge de la Transition économique et de la Recherche scientifique",
			RoleNL: "staatssecretaris van het Brussels Hoofdstedelijk Gewest, bevoegd voor Economische Transitie en Wetenschappelijk Onderzoek",
		})
	}
	first := d.Refs[0]
	check(t, "oldest first", first.Received, "2025-01-17")
	check(t, "publication", rows[1].Publication, IndexLink{Text: "B.I.Q. 53 (25/26) p. 12", URL: "http://weblex.irisnet.be/data/crb/biq/2025-26/00053/images.pdf#page=12"})
}

func TestIndexErrors(t *testing.T) {
	row := `["PRB","BHP","<a href=\"/weblex-quest-det/?moncode=1&montitre=&base=1\">fiche</a>","","24/29","01/01/2026","question écrite","schriftelijke vraag","T","T","A","","","","","1"]`
	for _, tc := range []struct {
		name, body, want string
		soft             bool
	}{
		{"not json", `{"data": [`, "brussels index", false},
		{"html page", `<!DOCTYPE html><html><head><title>Erreur</title></head></html>`, "HTML page", true},
		{"empty", ``, "empty", true},
		{"no data", `{"rows": []}`, `no "data"`, false},
		{"short row", `{"data": [` + row + `, ["PRB","BHP"]]}`, "row 1: 2 columns, want 16", false},
		{"not strings", `{"data": [[1,2,3]]}`, "row 0", false},
		{"bad date", `{"data": [` + strings.Replace(row, "01/01/2026", "2026-01-01", 1) + `]}`, "row 0: date received", false},
		{"bad type", `{"data": [` + strings.Replace(row, `"1"]`, `"9"]`, 1) + `]}`, "row 0: unknown type code", false},
		{"no moncode", `{"data": [` + strings.Replace(row, "moncode=1&", "", 1) + `]}`, "row 0: no moncode", false},
		{"assembly mismatch", `{"data": [` + strings.Replace(row, `"PRB"`, `"ARCCC"`, 1) + `]}`, "row 0: assembly", false},
	} {
		_, err := ParseIndex([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, parlq.ErrSoftError) != tc.soft {
			t.Errorf("%s: got %v; want an error containing %q (soft error: %v)", tc.name, err, tc.want, tc.soft)
		}
	}
	d, err := New().Discover(mirrorIndex, []byte(`{"data": [`+row+`]}`))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "one row", len(d.Refs), 1)
	d, err = New().Discover(mirrorIndex, []byte(`{"data": []}`))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "empty index", len(d.Refs), 0)
	check(t, "empty index: no announced total", d.Total, -1)
}
