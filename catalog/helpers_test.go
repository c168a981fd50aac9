package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
)

// t0 is the time of the first fetch in the tests.
var t0 = time.Date(2025, 3, 1, 21, 4, 5, 123456789, time.UTC)

// at returns t0 plus n minutes.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

// openTest opens a fresh catalog in a temporary directory (a subdirectory
// that does not exist yet, as Open must create it).
func openTest(t testing.TB) (*Catalog, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "catalog.db")
	c, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, path
}

// paragraphs is invented question text, about n bytes.
func paragraphs(seed string, n int) string {
	sentences := []string{
		"Le déploiement des capteurs de qualité de l'air dans les communes bruxelloises devait s'achever fin 2024.",
		"Pouvez-vous préciser le nombre d'appareils installés, leur coût total et la part financée par la Région ?",
		"Quelles données sont publiées en open data, à quelle fréquence, et sous quelle licence ?",
		"Un comité d'accompagnement associant les communes et les associations d'habitants a-t-il été constitué ?",
		"Enfin, quel calendrier est prévu pour l'évaluation du projet pilote « Smart City » ?",
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if i > 0 && i%3 == 0 {
			b.WriteString("\n")
		} else if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(sentences[(i+len(seed))%len(sentences)])
	}
	return b.String()
}

// pending returns an invented pending written question with native id n.
func pending(source string, n int) *parlq.Question {
	native := fmt.Sprint(160000 + n)
	return &parlq.Question{
		ID:          parlq.MakeID(source, "PRB", native),
		Source:      source,
		Parliament:  "Parlement de la Région de Bruxelles-Capitale",
		Assembly:    "PRB",
		URL:         "https://example.test/questions/" + native,
		Language:    "fr",
		Type:        parlq.WrittenQuestion,
		Number:      fmt.Sprint(n),
		Title:       fmt.Sprintf("Question écrite n° %d concernant les capteurs de qualité de l'air", n),
		Author:      parlq.Person{Name: "Élise Martin", Party: "Groupe Exemple"},
		Addressee:   parlq.Person{Name: "Jean Dupont", Role: "Ministre chargé de l'Environnement"},
		Legislature: "24/29",
		Session:     "24/25",
		Received:    "2025-01-15",
		Status:      parlq.Pending,
		Question:    paragraphs(native, 2500),
		Acts: []parlq.Act{
			{Date: "2025-01-15", Act: "Déposée"},
			{Date: "2025-01-20", Act: "Recevable", Actor: "p.m."},
		},
		ParserVersion: "test-1",
	}
}

// answered returns a copy of q answered on 2025-03-01.
func answered(q *parlq.Question) *parlq.Question {
	a := *q
	a.Acts = append([]parlq.Act(nil), q.Acts...)
	a.Status = parlq.Answered
	a.Answer = paragraphs("answer", 2500)
	a.Answered = "2025-02-27"
	a.Published = "2025-03-01"
	a.Acts = append(a.Acts, parlq.Act{Date: "2025-02-27", Act: "Réponse", Actor: "Jean Dupont"})
	return &a
}

// capture returns a question capture for q numbered n.
func capture(q *parlq.Question, n int) parlq.Capture {
	return parlq.Capture{
		RecordID:      fmt.Sprintf("<urn:uuid:%s-%d>", strings.ReplaceAll(q.ID, "/", "-"), n),
		PayloadDigest: fmt.Sprintf("sha1:DIGEST%d", n),
		File:          "parlq-20250301-00000.warc.gz",
		Offset:        int64(1000 * n),
		URL:           q.URL,
	}
}

// mustPut puts q and fails the test on error.
func mustPut(t testing.TB, c *Catalog, q *parlq.Question, cp parlq.Capture, at time.Time) PutResult {
	t.Helper()
	res, err := c.Put(context.Background(), q, cp, at)
	if err != nil {
		t.Fatalf("Put %s: %v", q.ID, err)
	}
	return res
}

// asJSON is v as indented JSON, for readable comparisons.
func asJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// count returns the number of rows of table matching where.
func count(t testing.TB, c *Catalog, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := c.r.QueryRow(`SELECT count(*) FROM `+table+` WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
