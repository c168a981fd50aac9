package brussels

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedFiles are the test pages and, when ../shared is present, the real
// pages whose names match pattern.
func seedFiles(t testing.TB, pattern string) []string {
	files, _ := filepath.Glob(filepath.Join(testdataDir(t), pattern))
	fx := filepath.Join(repoRoot(t), "..", "shared", "fixtures", "brussels")
	if more, _ := filepath.Glob(filepath.Join(fx, pattern)); len(more) > 0 {
		files = append(files, more...)
	}
	return files
}

func FuzzParse(f *testing.F) {
	for _, path := range seedFiles(f, "*.html") {
		body, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("https://www.parlement.brussels/weblex-quest-det/?moncode=1&base=1", body)
		f.Add("", body)
	}
	f.Add("http://127.0.0.1/weblex-quest-det/?moncode=2&base=2&lang=nl", []byte(`<section id="weblex-quest-det-nl"><h3>Vraag`))
	s := New()
	f.Fuzz(func(t *testing.T, url string, body []byte) {
		q, err := s.Parse(url, body)
		if err != nil {
			if q != nil {
				t.Fatalf("Parse returned a record with the error %v", err)
			}
		} else {
			if err := q.Validate(); err != nil {
				t.Fatalf("Parse returned an invalid record: %v", err)
			}
			for _, text := range []string{q.Question, q.Answer, q.Title} {
				if strings.Contains(text, "\n\n") || strings.HasPrefix(text, "\n") || strings.HasSuffix(text, "\n") {
					t.Fatalf("text with empty lines: %q", text)
				}
				// Tabs separate the cells of table rows, never white space
				// around a cell, never a line of empty cells.
				for _, line := range strings.Split(text, "\n") {
					if text == "" {
						break
					}
					if strings.Contains(line, "\t ") || strings.Contains(line, " \t") || strings.Trim(line, "\t") == "" || strings.HasSuffix(line, "\t") {
						t.Fatalf("table row with spaces around cells or no text: %q in %q", line, text)
					}
				}
			}
			if strings.Contains(q.Title, "\t") {
				t.Fatalf("title with a tab: %q", q.Title)
			}
		}
		_, _ = s.Normalize(url, body)
	})
}

func FuzzDiscover(f *testing.F) {
	for _, path := range seedFiles(f, "*.json") {
		if strings.HasSuffix(path, ".golden.json") {
			continue
		}
		body, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"data": [["PRB","BHP","<a href=\"/weblex-quest-det/?moncode=1&base=1\">f</a>","","24/29","01/01/2026","","","T","","","a - b<br>c","d<br/>","<a","","1"]]}`))
	s := New()
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := s.Discover("http://127.0.0.1:8081/x.json", body)
		if err != nil {
			return
		}
		if d.Total != -1 {
			t.Fatalf("total %d; the index announces none", d.Total)
		}
		for _, r := range d.Refs {
			if r.ID == "" || r.URL == "" || !r.Type.Valid() || r.Listing == nil {
				t.Fatalf("incomplete ref %+v", r)
			}
		}
	})
}
