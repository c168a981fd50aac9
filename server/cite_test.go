package server

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
)

func TestCitation(t *testing.T) {
	q := &parlq.Question{
		ID: "ukparl/commons/1234", Source: "ukparl", Parliament: "House of Commons", Assembly: "commons",
		URL: "https://questions-statements.parliament.uk/written-questions/detail/2025-01-06/1234?a=1%202#x", Language: "en",
		Type: parlq.WrittenQuestion, Number: "1234", Title: "Bus fares: 50% & more_ {cap}",
		Author:    parlq.Person{Name: "Alex Smith", Party: "Labour"},
		Addressee: parlq.Person{Body: "Department for Transport"},
		Received:  "2025-01-06", HoldingAnswered: "2025-01-10", Answered: "2025-01-20", Corrected: "2025-01-25",
		Status: parlq.Answered, Version: 3, Capture: &parlq.Capture{RecordID: "<urn:uuid:x>"},
	}
	captured := time.Date(2025, 1, 26, 3, 4, 5, 0, time.UTC)
	c := newCitation(q, captured, "https://parlq.example", 3)

	wantText := "Alex Smith (Labour). “Bus fares: 50% & more_ {cap}”. House of Commons (commons), written question no. 1234 to Department for Transport. " +
		"Received 2025-01-06; holding answer 2025-01-10; answered 2025-01-20; answer corrected 2025-01-25. " +
		"https://questions-statements.parliament.uk/written-questions/detail/2025-01-06/1234?a=1%202#x. " +
		"Version 3, captured by parlq on 2025-01-26 03:04 UTC; archived copy: https://parlq.example/archive/ukparl/commons/1234?v=3; " +
		"permalink: https://parlq.example/q/ukparl/commons/1234?v=3."
	if c.Text != wantText {
		t.Errorf("text:\n got %s\nwant %s", c.Text, wantText)
	}
	for _, want := range []string{
		"@misc{ukparl-commons-1234-v3,\n",
		"  author       = {{Alex Smith}},\n",
		`  title        = {Bus fares: 50\% \& more\_ \{cap\}},` + "\n",
		"  howpublished = {House of Commons (commons), written question no. 1234 to Department for Transport},\n",
		"  number       = {1234},\n",
		"  year         = {2025},\n",
		"  date         = {2025-01-06},\n",
		`  url          = {https://questions-statements.parliament.uk/written-questions/detail/2025-01-06/1234?a=1\%202\#x},` + "\n",
		"  urldate      = {2025-01-26},\n",
		`archived copy: \url{https://parlq.example/archive/ukparl/commons/1234?v=3}`,
		"\n}",
	} {
		if !strings.Contains(c.BibTeX, want) {
			t.Errorf("BibTeX lacks %q:\n%s", want, c.BibTeX)
		}
	}
	if strings.Count(c.BibTeX, "{")-strings.Count(c.BibTeX, `\{`) != strings.Count(c.BibTeX, "}")-strings.Count(c.BibTeX, `\}`) {
		t.Errorf("BibTeX braces do not balance:\n%s", c.BibTeX)
	}

	var csl map[string]any
	if err := json.Unmarshal(c.CSL, &csl); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"id": "ukparl/commons/1234/v3", "type": "document", "genre": "Written question no. 1234",
		"title": q.Title, "authority": "House of Commons (commons)", "number": "1234", "URL": q.URL,
		"archive": "parlq", "archive_location": "https://parlq.example/archive/ukparl/commons/1234?v=3", "version": "3",
		"author":    []any{map[string]any{"literal": "Alex Smith"}},
		"recipient": []any{map[string]any{"literal": "Department for Transport"}},
		"issued":    map[string]any{"date-parts": []any{[]any{2025.0, 1.0, 6.0}}},
		"accessed":  map[string]any{"date-parts": []any{[]any{2025.0, 1.0, 26.0}}},
	} {
		if !reflect.DeepEqual(csl[k], want) {
			t.Errorf("CSL %s = %#v; want %#v", k, csl[k], want)
		}
	}
	// Without a capture, nothing claims an archived copy.
	q.Capture = nil
	c = newCitation(q, captured, "https://parlq.example", 3)
	if strings.Contains(c.Text, "archived copy") || strings.Contains(c.BibTeX, "archived copy") || strings.Contains(string(c.CSL), "archive_location") {
		t.Errorf("a record without capture cites an archived copy")
	}
}
