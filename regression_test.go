package parlq

import (
	"slices"
	"strings"
	"testing"
)

// answered is a stored answered record with long texts.
func answered() *Question {
	q := valid()
	q.Status, q.Answered, q.Published = Answered, "2026-01-10", "2026-01-10"
	q.Question = strings.Repeat("Pouvez-vous préciser le calendrier de ce dossier ? ", 6)
	q.Answer = strings.Repeat("Le calendrier prévoit trois phases jusqu'en 2027. ", 8)
	q.Acts = append(q.Acts, Act{Date: "2026-01-10", Act: "Réponse"})
	return q
}

func holding() *Question {
	q := valid()
	q.Answer = "The Department has indicated that it will not be possible to answer this question within the usual time period."
	q.HoldingAnswered = "2026-01-05"
	return q
}

func TestWorse(t *testing.T) {
	for _, tc := range []struct {
		name       string
		prev       func() *Question
		mod        func(*Question)
		wantFields []string
	}{
		// Real changes: stored as today.
		{"same record", answered, func(q *Question) {}, nil},
		{"pending → answered", valid, func(q *Question) {
			q.Status, q.Answer, q.Answered = Answered, "Oui.", "2026-02-01"
			q.Acts = append(q.Acts, Act{Date: "2026-02-01", Act: "Réponse"})
		}, nil},
		{"pending → withdrawn", valid, func(q *Question) {
			q.Status = Withdrawn
			q.Acts = append(q.Acts, Act{Date: "2026-02-01", Act: "Retirée par son auteur."})
		}, nil},
		{"pending → lapsed", valid, func(q *Question) { q.Status = Lapsed }, nil},
		{"holding answer replaced by a short final answer", holding, func(q *Question) {
			q.Status, q.Answer, q.Answered = Answered, "No.", "2026-02-01"
		}, nil},
		{"holding answer dropped by a withdrawal", holding, func(q *Question) { q.Status, q.Answer = Withdrawn, "" }, nil},
		{"corrected answer, a little shorter", answered, func(q *Question) {
			q.Answer = strings.Repeat("Le calendrier prévoit trois phases jusqu'en 2027. ", 6)
			q.Corrected = "2026-02-01"
		}, nil},
		{"a dated correction, much shorter", answered, func(q *Question) {
			q.Answer, q.Corrected = "Le calendrier est reporté.", "2026-02-01"
		}, nil},
		{"short text shortened by a few words", valid, func(q *Question) { q.Question = "Première ligne." }, nil},
		{"reassigned to another minister", answered, func(q *Question) { q.Addressee = Person{Name: "Une Autre Ministre"} }, nil},
		{"lapsed question answered late", func() *Question { q := valid(); q.Status = Lapsed; return q }, func(q *Question) {
			q.Status, q.Answer, q.Answered = Answered, "Réponse tardive.", "2026-03-01"
		}, nil},
		{"a second addressee added", answered, func(q *Question) {
			q.Addressees = []Person{q.Addressee, {Name: "Un Secrétaire d'État"}}
		}, nil},

		// Losses: held back.
		{"question text blank", answered, func(q *Question) { q.Question = "" }, []string{"question"}},
		{"question text cut to a fraction", answered, func(q *Question) { q.Question = q.Question[:60] }, []string{"question"}},
		{"answer disappeared, answered → pending", answered, func(q *Question) {
			q.Status, q.Answer, q.Answered, q.Published = Pending, "", "", ""
			q.Acts = q.Acts[:1]
		}, []string{"answered", "status", "answer", "acts"}},
		{"answer blank, status kept by its date", answered, func(q *Question) { q.Answer = "" }, []string{"answer"}},
		{"answer cut to a fraction", answered, func(q *Question) { q.Answer = q.Answer[:50] }, []string{"answer"}},
		{"answer cut to a fraction under an old correction date", func() *Question { q := answered(); q.Corrected = "2026-01-20"; return q },
			func(q *Question) { q.Answer = q.Answer[:50] }, []string{"answer"}},
		{"answer blank, even as a correction", answered, func(q *Question) { q.Answer, q.Corrected = "", "2026-02-01" }, []string{"answer"}},
		{"UK blanked detail: both texts", answered, func(q *Question) {
			q.Question, q.Answer = "", ""
		}, []string{"question", "answer"}},
		{"answered → withdrawn without answer", answered, func(q *Question) {
			q.Status, q.Answer, q.Answered = Withdrawn, "", ""
		}, []string{"answered", "status", "answer"}},
		{"lapsed → pending", func() *Question { q := valid(); q.Status = Lapsed; return q }, func(q *Question) { q.Status = Pending }, []string{"status"}},
		{"author vanished", answered, func(q *Question) { q.Author = Person{} }, []string{"author"}},
		{"addressee vanished", answered, func(q *Question) { q.Addressee = Person{} }, []string{"addressee"}},
		{"second addressee vanished", func() *Question {
			q := answered()
			q.Addressees = []Person{q.Addressee, {Name: "Un Secrétaire d'État"}}
			return q
		}, func(q *Question) { q.Addressees = nil }, []string{"addressees"}},
		{"holding answer vanished", holding, func(q *Question) { q.Answer, q.HoldingAnswered = "", "" }, []string{"answer", "holding_answered"}},
		{"a procedure row vanished", answered, func(q *Question) { q.Acts = q.Acts[:1] }, []string{"acts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prev := tc.prev()
			next := tc.prev()
			tc.mod(next)
			got := Worse(prev, next)
			if fields := LossFields(got); !slices.Equal(fields, tc.wantFields) {
				t.Errorf("Worse fields = %q (%v); want %q", fields, got, tc.wantFields)
			}
			for _, l := range got {
				if l.Was == "" || l.Now == "" || l.Was == l.Now {
					t.Errorf("loss %+v does not say what changed", l)
				}
			}
		})
	}
	if got := Worse(nil, valid()); got != nil {
		t.Errorf("Worse(nil, q) = %v; want nil (a new question loses nothing)", got)
	}
}

func TestRelatedRef(t *testing.T) {
	ref := RelatedRef("ukparl", "commons", "40613", "2026-03-09")
	if ref != "ukparl/commons/number:40613@2026-03-09" {
		t.Errorf("RelatedRef = %q", ref)
	}
	for _, tc := range []struct {
		in                 string
		src, asm, num, rcv string
		ok                 bool
	}{
		{ref, "ukparl", "commons", "40613", "2026-03-09", true},
		{"ukparl/lords/number:HL1234", "ukparl", "lords", "HL1234", "", true},
		{"ukparl/commons/1234", "", "", "", "", false},
		{"ukparl/number:1", "", "", "", "", false},
		{"ukparl/commons/number:", "", "", "", "", false},
		{"", "", "", "", "", false},
	} {
		src, asm, num, rcv, ok := ParseRelatedRef(tc.in)
		if src != tc.src || asm != tc.asm || num != tc.num || rcv != tc.rcv || ok != tc.ok {
			t.Errorf("ParseRelatedRef(%q) = %q %q %q %q %v", tc.in, src, asm, num, rcv, ok)
		}
	}
}

func TestMergeListingAddressees(t *testing.T) {
	two := []Person{{Name: "Alain Maron", Role: "Ministre"}, {Name: "Barbara Trachte", Role: "Secrétaire d'État"}}
	q := valid()
	q.Addressee = Person{Name: "Alain Maron", Role: "Ministre du Gouvernement"}
	MergeListing(q, &Question{Addressee: two[0], Addressees: two})
	if len(q.Addressees) != 2 || q.Addressee.Role != "Ministre du Gouvernement" {
		t.Errorf("addressees %+v, addressee %+v; want the listing's two, the page's first", q.Addressees, q.Addressee)
	}
	q = valid()
	q.Addressee = Person{Name: "Quelqu'un d'autre"}
	MergeListing(q, &Question{Addressee: two[0], Addressees: two})
	if q.Addressees != nil {
		t.Errorf("addressees %+v; want none when the page names another minister", q.Addressees)
	}
}

// BenchmarkWorse compares two answered records of about 2 KB of text
// each, the check every stored reading of a known question goes through.
func BenchmarkWorse(b *testing.B) {
	prev, next := answered(), answered()
	next.Answer += " Une précision a été ajoutée."
	b.ReportAllocs()
	for b.Loop() {
		if Worse(prev, next) != nil {
			b.Fatal("a real change held back")
		}
	}
}
