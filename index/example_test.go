package index_test

import (
	"context"
	"fmt"
	"html"
	"log"
	"os"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/index"
)

func Example() {
	dir, err := os.MkdirTemp("", "parlq-index-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ix, err := index.Open(dir, index.DefaultOptions())
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()

	ctx := context.Background()
	err = ix.Put(ctx,
		&parlq.Question{ID: "brussels/prb/1", Source: "brussels", Assembly: "PRB", Language: "fr",
			Title: "Question concernant la ville intelligente", Status: parlq.Pending,
			Addressee: parlq.Person{Name: "Alain Maron"}, Received: "2024-03-01"},
		&parlq.Question{ID: "brussels/prb/2", Source: "brussels", Assembly: "PRB", Language: "nl",
			Title: "Vraag over de slimme stad", Status: parlq.Pending,
			Addressee: parlq.Person{Name: "Alain Maron"}, Received: "2024-04-01"},
		&parlq.Question{ID: "ukparl/commons/3", Source: "ukparl", Assembly: "commons", Language: "en",
			Title: "Smart Cities: Housing", Status: parlq.Pending,
			Addressee: parlq.Person{Name: "Jane Doe"}, Received: "2024-05-01"},
	)
	if err != nil {
		log.Fatal(err)
	}
	res, err := ix.Search(ctx, index.Request{
		Query:     "smart city",
		Facets:    []string{"addressee"},
		Sort:      "received",
		Highlight: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range res.Hits {
		fmt.Println(h.ID, h.Highlights["title"][0].Render(html.EscapeString, "<mark>", "</mark>"))
	}
	for _, t := range res.Facets["addressee"] {
		fmt.Printf("%s: %d\n", t.Term, t.Count)
	}

	_, err = ix.Search(ctx, index.Request{Query: `minister:"Alain Maron`})
	fmt.Println(err)
	// Output:
	// brussels/prb/1 Question concernant la <mark>ville intelligente</mark>
	// brussels/prb/2 Vraag over de <mark>slimme stad</mark>
	// ukparl/commons/3 <mark>Smart Cities</mark>: Housing
	// Alain Maron: 2
	// Jane Doe: 1
	// invalid q: unterminated phrase starting at position 10: missing closing "
}
