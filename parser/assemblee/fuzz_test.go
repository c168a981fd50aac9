package assemblee_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

// seeds are the invented questions and, when ../shared is present, the
// real files.
func seeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, p := range questionFiles(f) {
		out = append(out, read(f, p))
	}
	if dir, err := assembleetest.FixturesDir(); err == nil {
		for _, name := range []string{assembleetest.FixtureQuestionFile, "QANR5L17QG1.from-schema-doc.json", "q14_14-47351QE.xml"} {
			out = append(out, read(f, filepath.Join(dir, name)))
		}
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, b := range seeds(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"question": {"uid": "QANR5L17QE1", "type": "QE", "minInt": {"abrege": "x"}, "textesQuestion": {"texteQuestion": [{"infoJO": {"dateJO": "2025-01-01"}, "texte": "<table><tr><td>a"}]}}}`))
	f.Add([]byte(`<QUESTION TYPE="QE"><LEGISLATURE>14</LEGISLATURE><DEPOT NUMERO="1"><DATE_JO>01/01/2014</DATE_JO></DEPOT><MINI><ABREGE>x</ABREGE></MINI></QUESTION>`))
	plain := assemblee.New()
	refs := withReferences(f, testReferences(f))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, parse := range []func(string, []byte) (*parlq.Question, error){plain.Parse, refs.Parse} {
			q, err := parse(questionURL("QANR5L17QE1"), body)
			if err != nil {
				if q != nil {
					t.Fatalf("a record with the error %v", err)
				}
				continue
			}
			if err := q.Validate(); err != nil {
				t.Fatalf("an invalid record: %v", err)
			}
			if q.Addressee.Name == "" {
				t.Fatal("an empty addressee")
			}
			for _, text := range []string{q.Question, q.Answer, q.Title} {
				if strings.Contains(text, "\n\n") || strings.HasPrefix(text, "\n") || strings.HasSuffix(text, "\n") {
					t.Fatalf("text with empty lines: %q", text)
				}
			}
		}
		_, _ = plain.Normalize(questionURL("QANR5L17QE1"), body)
	})
}

func FuzzDiscover(f *testing.F) {
	_, dump := testDump(f)
	f.Add(dump)
	f.Add(assembleetest.Zip([]assembleetest.File{{Name: "json/QANR5L17QE1.json", Body: []byte(`{"question": {"uid": "QANR5L17QE1"}}`)}}, built))
	f.Add(assembleetest.Zip([]assembleetest.File{{Name: "Questions_ecrites_XV.json", Body: []byte(`{"a": {"question": [{"uid": "QANR5L15QE2", "type": "QE"}]}}`)}}, built))
	src := assemblee.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := src.Discover(dumpURL, body)
		if err != nil {
			if d != nil {
				t.Fatalf("a discovery with the error %v", err)
			}
			return
		}
		if d.Total != len(d.Refs) || len(d.Refs) == 0 {
			t.Fatalf("total %d for %d refs", d.Total, len(d.Refs))
		}
		seen := map[string]bool{}
		for _, r := range d.Refs {
			if r.ID == "" || !strings.HasPrefix(r.URL, "https://www.assemblee-nationale.fr/dyn/opendata/") || !r.Type.Valid() || seen[r.ID] {
				t.Fatalf("bad ref %+v", r)
			}
			seen[r.ID] = true
			if r.Document != nil {
				_, _ = src.Parse(r.URL, r.Document)
			}
		}
		_, _ = src.Normalize(dumpURL, body)
	})
}
