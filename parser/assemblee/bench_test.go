package assemblee_test

import (
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

// BenchmarkParse reads the invented answer with a table, with references.
func BenchmarkParse(b *testing.B) {
	body := read(b, testdata(b, "table.json"))
	src := withReferences(b, testReferences(b))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := src.Parse(questionURL("QANR5L17QE90009"), body); err != nil {
			b.Fatal(err)
		}
	}
}

// legislature is a generated legislature of 15,000 questions over two
// years, and its last day.
func legislature() ([]assembleetest.Question, time.Time) {
	start := time.Date(2024, 7, 9, 0, 0, 0, 0, time.UTC)
	return assembleetest.Generate(15000, start, 730), start.AddDate(0, 0, 730)
}

// BenchmarkDiscover reads a generated legislature's dump of 15,000
// questions (about 25 MB zipped, 75 MB of JSON), as a nightly run does.
func BenchmarkDiscover(b *testing.B) {
	qs, end := legislature()
	dump := assembleetest.Dump(assembleetest.AsOf(qs, end), end)
	src := assemblee.New()
	b.SetBytes(int64(len(dump)))
	b.ResetTimer()
	for b.Loop() {
		d, err := src.Discover(dumpURL, dump)
		if err != nil || len(d.Refs) != 15000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkWithReferences reads a generated AMO dump of the sitting members.
func BenchmarkWithReferences(b *testing.B) {
	qs, end := legislature()
	amo := assembleetest.Zip(assembleetest.GenerateReferences(qs, end), end)
	src := assemblee.New()
	b.SetBytes(int64(len(amo)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := src.WithReferences([]parlq.Document{{URL: amoURL, Body: amo}}); err != nil {
			b.Fatal(err)
		}
	}
}
