package bechamber_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/bechamber"
)

// seedBodies adds the hand-written responses and, when present, the real
// saved ones to a fuzz corpus.
func seedBodies(f *testing.F, dirs ...string) {
	for _, dir := range dirs {
		for _, pattern := range []string{"*.json", "*.xml"} {
			files, _ := filepath.Glob(filepath.Join(dir, pattern))
			for _, file := range files {
				if b, err := os.ReadFile(file); err == nil {
					f.Add(b)
				}
			}
		}
	}
}

func fuzzDirs(f *testing.F) []string {
	return []string{testdata(f, "detail"), testdata(f, "bad"), testdata(f, "list"),
		filepath.Join("..", "..", "..", "shared", "fixtures", "be-chamber")}
}

// classified says whether err is one of the errors Parse and Discover
// document.
func classified(err error) bool {
	var le *parlq.LayoutError
	return errors.As(err, &le) || errors.Is(err, bechamber.ErrMalformed) ||
		errors.Is(err, parlq.ErrSoftError) || errors.Is(err, parlq.ErrInvalid)
}

// FuzzParse checks that Parse and Normalize never panic, that whatever
// Parse accepts is a valid record, that Normalize is idempotent, and that
// every error is classified.
func FuzzParse(f *testing.F) {
	seedBodies(f, fuzzDirs(f)...)
	f.Add([]byte(`<result><items><QRVADOC><TEXTQF><table><tr><td>a<br/>b</td></tr></table></TEXTQF></QRVADOC></items></result>`))
	src := bechamber.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		q, err := src.Parse(api+"/56--1-0001-2025202600001", body)
		if err == nil {
			if q == nil {
				t.Fatal("nil record without error")
			}
			if verr := q.Validate(); verr != nil {
				t.Fatalf("accepted an invalid record: %v", verr)
			}
		} else {
			if q != nil {
				t.Fatalf("record returned with error %v", err)
			}
			if !classified(err) {
				t.Fatalf("unclassified error: %v", err)
			}
		}
		n, nerr := src.Normalize(api+"/x", body)
		if nerr == nil {
			again, err := src.Normalize(api+"/x", n)
			if err != nil || string(again) != string(n) {
				t.Fatalf("normalize is not idempotent: %s then %s (%v)", n, again, err)
			}
		} else if !classified(nerr) {
			t.Fatalf("unclassified normalize error: %v", nerr)
		}
	})
}

// FuzzDiscover checks that Discover never panics, never returns refs with an
// error, and only returns well-formed refs and at most one next page.
func FuzzDiscover(f *testing.F) {
	seedBodies(f, fuzzDirs(f)...)
	src := bechamber.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := src.Discover(api+"?leg=56&start=0", body)
		if err != nil {
			if d != nil {
				t.Fatalf("discovery returned with error %v", err)
			}
			if !classified(err) {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		for _, r := range d.Refs {
			if r.ID == "" || r.URL == "" || r.Listing == nil || r.Listing.ID != r.ID || r.Type != parlq.WrittenQuestion {
				t.Fatalf("bad ref %+v", r)
			}
		}
		if len(d.Next) > 1 || (len(d.Next) == 1 && d.Next[0] == api+"?leg=56&start=0") {
			t.Fatalf("next: %q", d.Next)
		}
	})
}
