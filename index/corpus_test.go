package index

import (
	"context"
	"testing"

	"github.com/parlq/parlq"
)

// corpus is a hand-written set of records in French, Dutch and English,
// from three sources, several legislatures and every status. The text is
// invented.
func corpus() []*parlq.Question {
	bx := func(native, lang, title string) *parlq.Question {
		return &parlq.Question{
			ID: parlq.MakeID("brussels", "PRB", native), Source: "brussels",
			Parliament: "Parlement de la Région de Bruxelles-Capitale", Assembly: "PRB",
			URL: "https://www.parlement.brussels/qrva/" + native, Language: lang,
			Type: parlq.WrittenQuestion, Number: native, Title: title,
		}
	}
	uk := func(native, house, title string) *parlq.Question {
		return &parlq.Question{
			ID: parlq.MakeID("ukparl", house, native), Source: "ukparl",
			Parliament: "UK Parliament", Assembly: house,
			URL: "https://questions.example.uk/" + native, Language: "en",
			Type: parlq.WrittenQuestion, Number: native, Title: title,
		}
	}
	vl := func(native, title string) *parlq.Question {
		return &parlq.Question{
			ID: parlq.MakeID("flanders", "VP", native), Source: "flanders",
			Parliament: "Vlaams Parlement", Assembly: "VP",
			URL: "https://www.vlaamsparlement.example/" + native, Language: "nl",
			Type: parlq.WrittenQuestion, Number: native, Title: title,
		}
	}
	maron := parlq.Person{Name: "Alain Maron", Role: "Ministre de l'Environnement et du Climat"}
	benHamou := parlq.Person{Name: "Nawal Ben Hamou", Role: "Secrétaire d'État au Logement"}
	doe := parlq.Person{Name: "Jane Doe", Role: "Secretary of State for Science, Innovation and Technology"}
	green := parlq.Person{Name: "Peter Green", Role: "Minister for Housing"}
	vos := parlq.Person{Name: "Els Vos", Role: "Vlaams minister van Binnenlands Bestuur"}

	b1 := bx("1001", "fr", "Question écrite concernant la ville intelligente et les capteurs urbains")
	b1.Author = parlq.Person{Name: "Marie Dupont", Party: "PS"}
	b1.Addressee = maron
	b1.Legislature, b1.Session = "19/24", "22/23"
	b1.Received, b1.Answered, b1.Status = "2023-01-10", "2023-03-01", parlq.Answered
	b1.Question = "La Région investit dans des capteurs pour la qualité de l'air.\nQuelle est la stratégie de ville intelligente du gouvernement ?"
	b1.Answer = "Le plan régional prévoit trois cents capteurs d'ici la fin de la législature."

	b2 := bx("1002", "nl", "Schriftelijke vraag over de slimme stad en de digitalisering van de diensten")
	b2.Author = parlq.Person{Name: "Jan Peeters", Party: "Groen"}
	b2.Addressee = maron
	b2.Legislature, b2.Session = "19/24", "22/23"
	b2.Received, b2.Status = "2023-05-02", parlq.Pending
	b2.Question = "Hoe ver staat het gewest met de slimme stad? Welke diensten worden gedigitaliseerd?"

	b3 := bx("1003", "fr", "Question écrite concernant les logements vides")
	b3.Author = parlq.Person{Name: "Marie Dupont", Party: "PS"}
	b3.Addressee = benHamou
	b3.Legislature, b3.Session = "19/24", "20/21"
	b3.Received, b3.Answered, b3.Status = "2021-02-15", "2021-02-25", parlq.Answered
	b3.Question = "Combien de logements vides la Région a-t-elle recensés ?"
	b3.Answer = "Selon l'observatoire, 1 200 logements étaient inoccupés."

	b4 := bx("1004", "fr", "Question concernant la sécurité <script>alert('x')</script> des sites régionaux")
	b4.Author = parlq.Person{Name: "Luc Martin", Party: "MR"}
	b4.Addressee = maron
	b4.Legislature, b4.Session = "24/29", "24/25"
	b4.Received, b4.Status = "2024-09-10", parlq.Pending
	b4.Question = "Un formulaire affichait <script>document.cookie</script> & <b>gras</b> : la sécurité des sites est-elle assurée ?"

	b5 := bx("1005", "nl", "Vraag over de mobiliteit in Brussel")
	b5.Author = parlq.Person{Name: "Jan Peeters", Party: "Groen"}
	b5.Addressee = parlq.Person{Name: "Elke Van den Brandt", Role: "Minister van Mobiliteit"}
	b5.Legislature, b5.Session = "14/19", "18/19"
	b5.Received, b5.Status = "2019-03-01", parlq.Lapsed
	b5.Question = "Wat is de stand van zaken van het fietsplan?"

	u1 := uk("201", "commons", "Smart Cities: Data Protection")
	u1.Author = parlq.Person{Name: "John Smith", Party: "Labour"}
	u1.Addressee = doe
	u1.Legislature, u1.Session = "2019-2024", "2023-24"
	u1.Received, u1.Answered, u1.Status = "2024-02-01", "2024-02-12", parlq.Answered
	u1.Question = "To ask the Secretary of State what steps she is taking to protect personal data in smart city programmes."
	u1.Answer = "The Department publishes guidance on data protection for local authorities."

	u2 := uk("202", "commons", "Housing: Rented Housing")
	u2.Author = parlq.Person{Name: "Alice Brown", Party: "Liberal Democrats"}
	u2.Addressee = green
	u2.Legislature, u2.Session = "2019-2024", "2022-23"
	u2.Received, u2.Answered, u2.Status = "2022-11-20", "2022-12-30", parlq.Answered
	u2.Question = "To ask the Minister for Housing how many rented homes were inspected in 2022."
	u2.Answer = "Local councils inspected 12,000 rented homes."

	u3 := uk("203", "lords", "Climate Change: Agriculture")
	u3.Author = parlq.Person{Name: "Lord Hill", Party: "Crossbench"}
	u3.Addressee = parlq.Person{Name: "Baroness Field", Role: "Minister of State"}
	u3.Legislature, u3.Session = "2019-2024", "2019-21"
	u3.Received, u3.Status = "2020-06-01", parlq.Withdrawn
	u3.Question = "To ask His Majesty's Government what assessment they have made of the effects of climate change on farming."

	u4 := uk("204", "commons", "Public Services: Digital Transition")
	u4.Author = parlq.Person{Name: "John Smith", Party: "Labour"}
	u4.Addressee = doe
	u4.Legislature, u4.Session = "2024-", "2024-25"
	u4.Received, u4.Status = "2025-01-15", parlq.Pending
	u4.Question = "To ask the Secretary of State what progress has been made on the digital transition of public services."

	f1 := vl("301", "Digitale transitie van lokale besturen")
	f1.Author = parlq.Person{Name: "An De Smet", Party: "CD&V"}
	f1.Addressee = vos
	f1.Legislature, f1.Session = "2019-2024", "2021-2022"
	f1.Received, f1.Answered, f1.Status = "2022-03-01", "2022-04-01", parlq.Answered
	f1.Question = "Hoeveel gemeenten hebben een plan voor de digitale transitie van hun diensten?"
	f1.Answer = "Alle gemeenten hebben een plan ingediend."

	f2 := vl("302", "Huisvesting van studenten")
	f2.Author = parlq.Person{Name: "Bart Claes", Party: "N-VA"}
	f2.Addressee = vos
	f2.Legislature, f2.Session = "2019-2024", "2023-2024"
	f2.Received, f2.Answered, f2.Status = "2023-09-01", "2023-09-20", parlq.Answered
	f2.Question = "Hoeveel studentenkamers zijn er bijgekomen?"
	f2.Answer = "Er zijn 900 kamers bijgekomen."

	f3 := vl("303", "Klimaat en landbouw")
	f3.Author = parlq.Person{Name: "An De Smet", Party: "CD&V"}
	f3.Addressee = vos
	f3.Legislature, f3.Session = "2024-2029", "2024-2025"
	f3.Received, f3.Status = "2024-11-05", parlq.Pending
	f3.Question = "Welke maatregelen neemt de regering voor het klimaat in de landbouw?"

	return []*parlq.Question{b1, b2, b3, b4, b5, u1, u2, u3, u4, f1, f2, f3}
}

// openCorpus opens a fresh index in a temporary directory holding corpus().
func openCorpus(t testing.TB) *Index {
	t.Helper()
	ix, err := Open(t.TempDir(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	for _, q := range corpus() {
		if err := q.Validate(); err != nil {
			t.Fatalf("corpus record %s: %v", q.ID, err)
		}
	}
	if err := ix.Put(context.Background(), corpus()...); err != nil {
		t.Fatal(err)
	}
	return ix
}
