package ukparl_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/ukparl"
)

// seedBodies adds the hand-written bodies and, when present, the real list
// responses to a fuzz corpus. Bodies over 64 KB (the 925 KB day of 520
// questions) are left out: the engine spends up to a minute minimizing each
// interesting mutation of such a body, and the other real lists have the
// same shape.
func seedBodies(f *testing.F, dirs ...string) {
	const maxSeed = 64 << 10
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil && len(b) <= maxSeed {
				f.Add(b)
			}
		}
	}
}

func realDir(f *testing.F) string {
	return filepath.Join(repoRoot(f), "..", "shared", "fixtures", "uk")
}

// FuzzParse checks that Parse and Normalize never panic, and that whatever
// Parse accepts is a valid record.
func FuzzParse(f *testing.F) {
	seedBodies(f, testdata(f, "detail"), testdata(f, "bad"), testdata(f, "list"), realDir(f))
	f.Add([]byte(`{"value":{"id":1,"house":"Lords","uin":"HL1","dateTabled":"2026-01-01","answerIsHolding":true,"answerText":"<p>later</p>"}}`))
	src := ukparl.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		q, err := src.Parse(ukparlAPI, body)
		if err == nil {
			if q == nil {
				t.Fatal("nil record without error")
			}
			if verr := q.Validate(); verr != nil {
				t.Fatalf("accepted an invalid record: %v", verr)
			}
		} else if q != nil {
			t.Fatalf("record returned with error %v", err)
		}
		n, nerr := src.Normalize(ukparlAPI, body)
		if nerr == nil {
			// Normalizing is idempotent: the canonical form is its own.
			again, err := src.Normalize(ukparlAPI, n)
			if err != nil || string(again) != string(n) {
				t.Fatalf("normalize is not idempotent: %s then %s (%v)", n, again, err)
			}
		}
		var le *parlq.LayoutError
		if err != nil && !errors.As(err, &le) && !errors.Is(err, ukparl.ErrMalformed) &&
			!errors.Is(err, parlq.ErrSoftError) && !errors.Is(err, parlq.ErrInvalid) {
			t.Fatalf("unclassified error: %v", err)
		}
	})
}

// FuzzDiscover checks that Discover never panics, never returns refs with an
// error, and only returns well-formed refs and next pages.
func FuzzDiscover(f *testing.F) {
	seedBodies(f, testdata(f, "list"), testdata(f, "bad"), realDir(f))
	src := ukparl.New()
	const list = ukparlAPI + "?take=3&skip=0"
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := src.Discover(list, body)
		if err != nil {
			if d != nil {
				t.Fatalf("discovery returned with error %v", err)
			}
			return
		}
		for _, r := range d.Refs {
			if r.ID == "" || r.URL == "" || r.Listing == nil {
				t.Fatalf("bad ref %+v", r)
			}
		}
		if len(d.Next) > 1 {
			t.Fatalf("next: %q", d.Next)
		}
	})
}

const ukparlAPI = api + "/1?expandMember=true"
