package assemblee_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/parser/assemblee"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

var built = time.Date(2025, 7, 1, 3, 0, 0, 0, time.UTC)

// testDump is a dump of every invented question, each under its uid as the
// AN names members (json/QANR5L17QE90001.json); the malformed one is cut
// short, the answered version of answer-later stands.
func testDump(t testing.TB) ([]assembleetest.File, []byte) {
	t.Helper()
	var files []assembleetest.File
	for _, p := range questionFiles(t) {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		if name == "answer-later-1" {
			continue
		}
		files = append(files, assembleetest.File{Name: "json/" + uidOf[name] + ".json", Body: read(t, p)})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, assembleetest.Zip(files, built)
}

// zipStored builds a zip whose members are stored as they are.
func zipStored(t testing.TB, files []assembleetest.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err == nil {
			_, err = w.Write(f.Body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uidOf names the members of the test dump.
var uidOf = map[string]string{
	"pending": "QANR5L17QE90001", "reassigned": "QANR5L17QE90002", "renewed": "QANR5L17QE90003",
	"signalled": "QANR5L17QE90004", "withdrawn": "QANR5L17QE90005", "lapsed": "QANR5L17QE90006",
	"answer-later-2": "QANR5L17QE90007", "ministry-gone": "QANR5L17QE90008", "table": "QANR5L17QE90009",
	"malformed": "QANR5L17QE90010", "unknown-closure": "QANR5L17QE90011",
}

// refGolden is what the discover golden file holds of a ref: the ref, its
// document's size and digest, and what Parse makes of the document.
type refGolden struct {
	parlq.Ref
	DocumentBytes  int    `json:"document_bytes"`
	DocumentSHA256 string `json:"document_sha256"`
	Parse          string `json:"parse"`
}

// TestDiscover reads the test dump: one ref per member, each with its
// document; the malformed member fails loudly when parsed and the others
// are read.
func TestDiscover(t *testing.T) {
	files, dump := testDump(t)
	src := withReferences(t, testReferences(t))
	d, err := src.Discover(dumpURL, dump)
	if err != nil {
		t.Fatal(err)
	}
	if d.Total != len(files) || len(d.Refs) != len(files) {
		t.Fatalf("total %d, refs %d; want %d", d.Total, len(d.Refs), len(files))
	}
	var got []refGolden
	parsed := 0
	for i, r := range d.Refs {
		f := files[i] // the zip holds them in name order, as files are
		if !bytes.Equal(r.Document, f.Body) {
			t.Errorf("%s: document is not the member's bytes", r.ID)
		}
		uid := strings.TrimSuffix(strings.TrimPrefix(f.Name, "json/"), ".json")
		check(t, "id", r.ID, "assemblee/an/"+uid)
		check(t, "url", r.URL, "https://www.assemblee-nationale.fr/dyn/opendata/"+uid+".json")
		check(t, "type", r.Type, parlq.WrittenQuestion)
		sum := sha256.Sum256(r.Document)
		g := refGolden{Ref: r, DocumentBytes: len(r.Document), DocumentSHA256: hex.EncodeToString(sum[:]), Parse: "ok"}
		q, err := src.Parse(r.URL, r.Document)
		switch {
		case err == nil:
			parsed++
			check(t, r.ID+" parsed id", q.ID, r.ID)
			check(t, r.ID+" received", r.Received, q.Received)
		default:
			e := errorOf(t, err)
			g.Parse = strings.TrimSpace(e.Error + " " + strings.Join(e.Missing, "; "))
		}
		got = append(got, g)
	}
	check(t, "parsed", parsed, len(files)-2)
	golden(t, testdata(t, "discover.golden.json"), marshal(t, got))

	mal := d.Refs[9]
	check(t, "malformed member's ref", mal.ID+" "+mal.Received, "assemblee/an/QANR5L17QE90010 ")
	if _, err := src.Parse(mal.URL, mal.Document); !errors.Is(err, assemblee.ErrMalformed) {
		t.Errorf("malformed member: %v; want ErrMalformed", err)
	}
	check(t, "signalled updated (the answer)", d.Refs[3].Updated, "2025-02-25")
}

// TestDiscoverMirror builds the per-question URLs on a mirror's own host.
func TestDiscoverMirror(t *testing.T) {
	_, dump := testDump(t)
	d, err := assemblee.New().Discover("http://127.0.0.1:8081/an"+assembleetest.DumpPath(17), dump)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "mirror url", d.Refs[0].URL, "http://127.0.0.1:8081/an/dyn/opendata/QANR5L17QE90001.json")
}

// TestDiscoverCorruptMember: a member the zip cannot give back (a checksum
// that does not match) gives a ref without a document, so that the crawler
// fetches the question itself; the others keep theirs.
func TestDiscoverCorruptMember(t *testing.T) {
	files, _ := testDump(t)
	// Stored, not deflated: the member's bytes sit in the zip as they are.
	dump := zipStored(t, files)
	target := files[0].Body
	i := bytes.Index(dump, target)
	if i < 0 {
		t.Fatal("member not found in the zip")
	}
	dump[i+len(target)/2] ^= 0x20 // one character changes case: the CRC-32 no longer matches
	d, err := assemblee.New().Discover(dumpURL, dump)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "refs", len(d.Refs), len(files))
	check(t, "corrupt member's ref", d.Refs[0].Document == nil, true)
	check(t, "corrupt member's url", d.Refs[0].URL, questionURL("QANR5L17QE90001"))
	check(t, "other member's document", bytes.Equal(d.Refs[1].Document, files[1].Body), true)
}

// TestDiscoverBadDumps: a dump that cannot be read at all is an error.
func TestDiscoverBadDumps(t *testing.T) {
	_, dump := testDump(t)
	src := assemblee.New()
	for _, c := range []struct {
		name string
		body []byte
		want func(error) bool
	}{
		{"not a zip", []byte(`{"question": {}}`), isMalformed},
		{"truncated", dump[:len(dump)/2], isMalformed},
		{"empty", nil, isMalformed},
		{"html", []byte("<!DOCTYPE html>\n<html><body>Service indisponible</body></html>"), func(err error) bool { return errors.Is(err, parlq.ErrSoftError) }},
		{"no questions", assembleetest.Zip([]assembleetest.File{{Name: "xml/QANR5L17QE1.xml", Body: []byte("<question/>")}}, built), isLayout},
	} {
		d, err := src.Discover(dumpURL, c.body)
		if !c.want(err) || d != nil {
			t.Errorf("%s: got %v, %v", c.name, d, err)
		}
	}
	if _, err := src.Discover("/relative.zip", dump); err == nil {
		t.Error("relative dump URL: no error")
	}
}

func isMalformed(err error) bool { return errors.Is(err, assemblee.ErrMalformed) }
func isLayout(err error) bool {
	var le *parlq.LayoutError
	return errors.As(err, &le)
}

// TestDiscoverSingleFile reads the older layout, one JSON file holding
// every question (the 14th and 15th legislatures' dumps).
func TestDiscoverSingleFile(t *testing.T) {
	var list [][]byte
	for _, name := range []string{"pending", "table"} {
		var doc struct {
			Question json.RawMessage `json:"question"`
		}
		if err := json.Unmarshal(read(t, testdata(t, name+".json")), &doc); err != nil {
			t.Fatal(err)
		}
		list = append(list, doc.Question)
	}
	// Written as the AN writes, the questions' bytes as they are.
	whole := []byte(`{"questionsEcrites": {"question": [` + string(bytes.Join(list, []byte(", "))) + `]}}`)
	dump := assembleetest.Zip([]assembleetest.File{{Name: "Questions_ecrites_XV.json", Body: whole}}, built)
	src := withReferences(t, testReferences(t))
	d, err := src.Discover(dumpURL, dump)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "refs", len(d.Refs), 2)
	for i, r := range d.Refs {
		q, err := src.Parse(r.URL, r.Document)
		if err != nil {
			t.Fatalf("ref %d: %v", i, err)
		}
		check(t, "id", q.ID, r.ID)
		if !bytes.Contains(r.Document, list[i]) {
			t.Errorf("ref %d: the document does not hold the question's own bytes", i)
		}
	}
	check(t, "second", d.Refs[1].ID, "assemblee/an/QANR5L17QE90009")
}

// TestDiscoverDuplicates keeps one ref per question, the last member's.
func TestDiscoverDuplicates(t *testing.T) {
	a, b := read(t, testdata(t, "answer-later-1.json")), read(t, testdata(t, "answer-later-2.json"))
	dump := assembleetest.Zip([]assembleetest.File{
		{Name: "json/QANR5L17QE90007.json", Body: a},
		{Name: "json2/QANR5L17QE90007.json", Body: b},
	}, built)
	d, err := assemblee.New().Discover(dumpURL, dump)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "refs", len(d.Refs), 1)
	check(t, "the last one", bytes.Equal(d.Refs[0].Document, b), true)
}

// TestNormalizeZip: a dump rebuilt with new timestamps normalizes to the
// same manifest; a changed member changes it.
func TestNormalizeZip(t *testing.T) {
	files, dump := testDump(t)
	src := assemblee.New()
	again := assembleetest.Zip(files, built.Add(24*time.Hour))
	if bytes.Equal(dump, again) {
		t.Fatal("a rebuilt zip has the same bytes: the test proves nothing")
	}
	n1, err1 := src.Normalize(dumpURL, dump)
	n2, err2 := src.Normalize(dumpURL, again)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(n1, n2) {
		t.Error("a rebuilt dump with the same content normalizes differently")
	}
	files[0].Body = append([]byte(nil), read(t, testdata(t, "answer-later-1.json"))...)
	n3, _ := src.Normalize(dumpURL, assembleetest.Zip(files, built))
	if bytes.Equal(n1, n3) {
		t.Error("a changed member does not change the normalized dump")
	}
	check(t, "manifest lines", bytes.Count(n1, []byte("\n"))+1, len(files))
	if _, err := src.Normalize(dumpURL, dump[:len(dump)/2]); !errors.Is(err, assemblee.ErrMalformed) {
		t.Errorf("truncated zip: %v; want ErrMalformed", err)
	}
}
