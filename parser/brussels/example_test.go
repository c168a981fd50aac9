package brussels_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/parlq/parlq/parser/brussels"
)

func ExampleSource_Parse() {
	body, err := os.ReadFile("../../testdata/brussels/older-answered-seed-619.html")
	if err != nil {
		log.Fatal(err)
	}
	q, err := brussels.New().Parse("https://www.parlement.brussels/weblex-quest-det/?moncode=139204&montitre=&base=1", body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.ID, q.Type, q.Status)
	fmt.Printf("n°%s from %s to %s\n", q.Number, q.Author.Name, q.Addressee.Name)
	fmt.Println(q.Received, q.Answered)
	fmt.Println(strings.Split(q.Answer, "\n")[0])
	// Output:
	// brussels/prb/139204 written_question answered
	// n°619 from Bianca Debaets to Bernard Clerfayt
	// 2021-02-24 2021-03-26
	// 1/
}

func ExampleParseIndex() {
	body := []byte(`{"data": [["PRB","BHP",
		"<a href=\"/weblex-quest-det/?moncode=167852&montitre=&base=1\">fiche</a>",
		"<a href=\"/weblex-quest-det/?moncode=167852&montitre=&base=1&lang=nl\">fiche</a>",
		"24/29","31/12/2025","question &eacute;crite","schriftelijke vraag",
		"Question &eacute;crite concernant l&#146;exemple","Schriftelijke vraag betreffende het voorbeeld",
		"Marie Cruysmans","Nawal Ben Hamou - Secr&eacute;taire d&#39;&Eacute;tat","Nawal Ben Hamou - Staatssecretaris",
		"","","1"]]}`)
	rows, err := brussels.ParseIndex(body)
	if err != nil {
		log.Fatal(err)
	}
	r := rows[0]
	fmt.Println(r.Assembly, r.Moncode, r.Received, r.Type)
	fmt.Println(r.Title)
	fmt.Println(r.Addressees[0].Name, "|", r.Addressees[0].Role, "|", r.Addressees[0].RoleNL)
	// Output:
	// PRB 167852 2025-12-31 written_question
	// Question écrite concernant l’exemple
	// Nawal Ben Hamou | Secrétaire d'État | Staatssecretaris
}
