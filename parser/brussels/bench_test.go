package brussels

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// benchPage is a real-sized page: a real answered page (about 65 KB) when
// ../shared is present, else the largest test page.
func benchPage(b *testing.B) (url string, body []byte) {
	b.Helper()
	real := filepath.Join(repoRoot(b), "..", "shared", "fixtures", "brussels", "166342.html")
	if body, err := os.ReadFile(real); err == nil {
		return "https://www.parlement.brussels/weblex-quest-det/?moncode=166342&base=1", body
	}
	var best string
	var size int64
	for _, p := range seedFiles(b, "*.html") {
		if fi, err := os.Stat(p); err == nil && fi.Size() > size {
			best, size = p, fi.Size()
		}
	}
	body, err := os.ReadFile(best)
	if err != nil {
		b.Fatal(err)
	}
	return "", body
}

// BenchmarkParse parses a whole page into a record.
func BenchmarkParse(b *testing.B) {
	url, body := benchPage(b)
	s := New()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Parse(url, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDocument is the baseline: only building the goquery document
// of the same page.
func BenchmarkDocument(b *testing.B) {
	_, body := benchPage(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := goquery.NewDocumentFromReader(bytes.NewReader(body)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalize measures change detection on the same page.
func BenchmarkNormalize(b *testing.B) {
	url, body := benchPage(b)
	s := New()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Normalize(url, body); err != nil {
			b.Fatal(err)
		}
	}
}
