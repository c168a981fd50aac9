package ukparl_test

import (
	"path/filepath"
	"testing"

	"github.com/parlq/parlq/parser/ukparl"
)

// BenchmarkDiscover reads the real 520-question list (925 KB).
func BenchmarkDiscover(b *testing.B) {
	body := read(b, filepath.Join(fixtures(b), "clquestions_fetch_questions_get.body.json"))
	src := ukparl.New()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := src.Discover(api+"?take=1000&skip=0", body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse reads one hand-written detail body with an HTML answer.
func BenchmarkParse(b *testing.B) {
	body := read(b, testdata(b, "detail", "commons-answered.json"))
	src := ukparl.New()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := src.Parse(ukparlAPI, body); err != nil {
			b.Fatal(err)
		}
	}
}
