package bechamber_test

import (
	"path/filepath"
	"testing"

	"github.com/parlq/parlq/parser/bechamber"
)

// BenchmarkParse reads one hand-written document, with two-segment answers
// in both languages, in JSON and in XML.
func BenchmarkParse(b *testing.B) {
	for _, file := range []string{"56-answered.json", "56-answered.xml"} {
		b.Run(filepath.Ext(file)[1:], func(b *testing.B) {
			body := read(b, testdata(b, "detail", file))
			src := bechamber.New()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := src.Parse(api+"/56-B021-7-0214-2024202503391", body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDiscover reads the real saved list page (ten items).
func BenchmarkDiscover(b *testing.B) {
	body := read(b, filepath.Join(realDir(b), "qrva.json"))
	src := bechamber.New()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := src.Discover(api+"?leg=54&start=0", body); err != nil {
			b.Fatal(err)
		}
	}
}
