package archive

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const testProfile = "https://example.org/parlq/revisit/identical-normalized-content"

// TestWriteRevisit: a revisit keeps the headers and the digest of what was
// received, names the record holding the content, is valid WARC for an
// independent reader, and stays out of the index and of Walk.
func TestWriteRevisit(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 0)
	zipHeader := http.Header{"Content-Type": {"application/zip"}, "Etag": {`"night-1"`}}
	full := mustWrite(t, w, exchange(t, "https://data.example.org/dump.zip", 200, zipHeader, []byte("first night's bytes"), t0))
	received := []byte("second night's bytes, same members")
	ex := exchange(t, "https://data.example.org/dump.zip", 200,
		http.Header{"Content-Type": {"application/zip"}, "Etag": {`"night-2"`}}, received, t0.Add(24*time.Hour))
	rv, err := w.WriteRevisit(context.Background(), Revisit{
		Exchange: ex, Profile: testProfile, RefersTo: full.RecordID,
		RefersToTargetURI: full.URL, RefersToDate: full.Time,
		Fields: []Field{{"Parlq-Normalized-Digest", "sha256:abc"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rv.Type != TypeRevisit || rv.RefersTo != full.RecordID || rv.PayloadDigest != sha1Digest(received) || rv.Status != 200 {
		t.Errorf("revisit record = %+v; want type revisit, refers to %s, the received payload's digest", rv, full.RecordID)
	}
	after := mustWrite(t, w, exchange(t, "https://data.example.org/other", 200, nil, []byte("other"), t0.Add(25*time.Hour)))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	checkDir(t, dir) // Verify, strict nlnwa validation, warcinfo and concurrency links
	recs := readNlnwa(t, warcFiles(t, dir)[0])
	var got *nlnwaRecord
	for i := range recs {
		if recs[i].id == rv.RecordID {
			got = &recs[i]
		}
	}
	if got == nil {
		t.Fatalf("revisit %s not in the file", rv.RecordID)
	}
	if got.typ != "revisit" || got.refersTo != full.RecordID || got.payloadDigest != sha1Digest(received) {
		t.Errorf("nlnwa read %+v", got)
	}
	raw := rawRecordAt(t, filepath.Join(dir, rv.File), rv.Offset)
	for _, want := range []string{
		"WARC-Profile: " + testProfile, "WARC-Refers-To-Target-URI: " + full.URL,
		"WARC-Refers-To-Date: " + full.Time.Format(warcDateFormat), "WARC-Truncated: length",
		"Parlq-Normalized-Digest: sha256:abc", "Etag: \"night-2\"", "Content-Length: " + strconv.Itoa(len(received)),
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("revisit record lacks %q:\n%s", want, raw)
		}
	}
	if strings.Contains(raw, string(received)) {
		t.Error("revisit record stores the payload")
	}

	// Not a content record: the index, Walk and ReadResponse leave it out.
	recsAt, err := Lookup(dir, "https://data.example.org/dump.zip")
	if err != nil || len(recsAt) != 1 || recsAt[0].RecordID != full.RecordID {
		t.Errorf("Lookup = %+v, %v; want the full copy only", recsAt, err)
	}
	for _, r := range walkAll(t, dir) {
		if r.RecordID == rv.RecordID {
			t.Error("Walk visited the revisit")
		}
	}
	if _, err := ReadResponse(dir, rv.File, rv.Offset); err == nil {
		t.Error("ReadResponse read a revisit as content")
	}
	back, err := ReadRecord(dir, rv.File, rv.Offset)
	if err != nil {
		t.Fatal(err)
	}
	if back.Type != TypeRevisit || back.RefersTo != full.RecordID || back.Status != 200 || back.PayloadDigest != rv.PayloadDigest || !back.Time.Equal(rv.Time) {
		t.Errorf("ReadRecord(revisit) = %+v; want %+v", back, rv)
	}
	if back, err := ReadRecord(dir, after.File, after.Offset); err != nil || back.Type != TypeResponse || back.RecordID != after.RecordID {
		t.Errorf("ReadRecord(response) = %+v, %v", back, err)
	}

	// Reopening (repair) and rebuilding the index keep it out too.
	w = openTest(t, dir, 0)
	w.Close()
	if err := RebuildIndex(dir); err != nil {
		t.Fatal(err)
	}
	if all, _ := Lookup(dir, "https://data.example.org/dump.zip"); len(all) != 1 {
		t.Errorf("after repair and rebuild, Lookup = %+v; want the full copy only", all)
	}
}

func TestWriteRevisitRefusesWithoutProfileOrTarget(t *testing.T) {
	w := openTest(t, t.TempDir(), 0)
	defer w.Close()
	ex := exchange(t, "https://data.example.org/dump.zip", 200, nil, []byte("x"), t0)
	for _, rv := range []Revisit{
		{Exchange: ex, RefersTo: "<urn:uuid:1>"},
		{Exchange: ex, Profile: testProfile},
		{Exchange: ex, Profile: testProfile, RefersTo: "<urn:uuid:1>", Fields: []Field{{"WARC-Profile", "twice"}}},
	} {
		if _, err := w.WriteRevisit(context.Background(), rv); !errors.Is(err, ErrInvalidExchange) {
			t.Errorf("WriteRevisit(%+v) = %v; want ErrInvalidExchange", rv, err)
		}
	}
}

func TestReadRecordOfDamage(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 0)
	rec := mustWrite(t, w, exchange(t, "https://example.org/a", 200, nil, []byte("payload"), t0))
	w.Close()
	path := filepath.Join(dir, rec.File)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b[:rec.Offset+rec.Length/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRecord(dir, rec.File, rec.Offset); !errors.Is(err, ErrMalformed) {
		t.Errorf("ReadRecord of a record cut short = %v; want ErrMalformed", err)
	}
}

// rawRecordAt returns the uncompressed record whose member starts at offset.
func rawRecordAt(t *testing.T, path string, offset int64) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(false)
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
