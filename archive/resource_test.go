package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dumpEntries are invented written questions, one JSON document each, as a
// parliament's bulk dump holds them.
var dumpEntries = []struct{ name, body string }{
	{"json/QANR5L17QE101.json", `{"question":{"uid":"QANR5L17QE101","texteQuestion":"M. le député interroge le ministre sur la ville intelligente."}}`},
	{"json/QANR5L17QE102.json", `{"question":{"uid":"QANR5L17QE102","texteQuestion":"Mme la députée appelle l'attention sur les données ouvertes.","texteReponse":"Le ministre répond."}}`},
	{"json/QANR5L17QE103.json", `{"question":{"uid":"QANR5L17QE103","texteQuestion":"Question retirée."}}`},
}

// dumpZip returns a zip of the dump entries.
func dumpZip(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range dumpEntries {
		f, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// entryURL is the address of an entry's own document.
func entryURL(name string) string {
	uid := strings.TrimSuffix(filepath.Base(name), ".json")
	return "https://data.assemblee.example/questions/" + uid + ".json"
}

// writeDump archives the dump's response and each entry as a conversion
// record referring to it, and returns the response's Record and the
// entries' Records.
func writeDump(t testing.TB, w *Writer, fetched time.Time) (Record, []Record) {
	t.Helper()
	dump := mustWrite(t, w, exchange(t, "https://data.assemblee.example/static/Questions.json.zip", 200,
		http.Header{"Content-Type": {"application/zip"}}, dumpZip(t), fetched))
	var entries []Record
	for _, e := range dumpEntries {
		rec, err := w.WriteResource(context.Background(), Resource{
			TargetURI: entryURL(e.name), ContentType: "application/json; charset=utf-8",
			Body: []byte(e.body), Date: fetched, RefersTo: dump.RecordID,
		})
		if err != nil {
			t.Fatalf("WriteResource(%s): %v", e.name, err)
		}
		entries = append(entries, rec)
	}
	return dump, entries
}

func TestWriteResource(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 0)
	before := mustWrite(t, w, exchange(t, "https://example.org/before", 200, nil, []byte("before"), t0))
	dump, entries := writeDump(t, w, t0.Add(time.Minute))
	after := mustWrite(t, w, exchange(t, "https://example.org/after", 200, nil, []byte("after"), t0.Add(2*time.Minute)))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	for i, rec := range entries {
		e := dumpEntries[i]
		want := Record{
			RecordID: rec.RecordID, PayloadDigest: sha1Digest([]byte(e.body)), URL: entryURL(e.name),
			Time: t0.Add(time.Minute), MIME: "application/json", File: dump.File, Offset: rec.Offset, Length: rec.Length,
			Type: TypeConversion, RefersTo: dump.RecordID,
		}
		if d := sameRecord(rec, want); d != "" {
			t.Errorf("WriteResource record: %s", d)
		}
		if !isRecordID(rec.RecordID) || rec.RecordID == dump.RecordID {
			t.Errorf("record id %q", rec.RecordID)
		}
		got, err := ReadResponse(dir, rec.File, rec.Offset)
		if err != nil {
			t.Fatalf("ReadResponse(conversion): %v", err)
		}
		if d := sameRecord(got.Record, rec); d != "" {
			t.Errorf("ReadResponse record: %s", d)
		}
		if string(got.Body) != e.body || got.ContentType != "application/json; charset=utf-8" || got.Header != nil {
			t.Errorf("ReadResponse: body %q, content type %q, header %v; want the entry, its type and no HTTP header",
				got.Body, got.ContentType, got.Header)
		}
	}
	// The response read back says what it is too.
	resp, err := ReadResponse(dir, dump.File, dump.Offset)
	if err != nil || resp.Type != TypeResponse || resp.ContentType != "application/zip" || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("ReadResponse(dump): %v, %+v", err, resp)
	}

	// The independent reader validates the conversions strictly and sees
	// their type, source, target and payload.
	recs := checkDir(t, dir)
	var convs []nlnwaRecord
	for _, r := range recs {
		if r.typ == "conversion" {
			convs = append(convs, r)
		}
	}
	if len(recs) != 2+1+len(dumpEntries) || len(convs) != len(dumpEntries) {
		t.Fatalf("nlnwa read %d content records, %d conversions; want %d, %d", len(recs), len(convs), 3+len(dumpEntries), len(dumpEntries))
	}
	for i, c := range convs {
		rec := entries[i]
		if c.id != rec.RecordID || c.refersTo != dump.RecordID || c.target != rec.URL || c.offset != rec.Offset || c.size != rec.Length {
			t.Errorf("nlnwa conversion %+v; want id %s refers-to %s target %s at %d size %d", c, rec.RecordID, dump.RecordID, rec.URL, rec.Offset, rec.Length)
		}
		if string(c.payload) != dumpEntries[i].body || c.payloadDigest != rec.PayloadDigest || c.contentType != "application/json; charset=utf-8" {
			t.Errorf("nlnwa conversion payload %q digest %s type %q", c.payload, c.payloadDigest, c.contentType)
		}
	}

	// Walk visits every content record in file order, with its type.
	var order []string
	for _, r := range walkAll(t, dir) {
		order = append(order, r.Type+" "+r.URL)
	}
	want := []string{"response " + before.URL, "response " + dump.URL}
	for _, e := range entries {
		want = append(want, "conversion "+e.URL)
	}
	want = append(want, "response "+after.URL)
	if strings.Join(order, "\n") != strings.Join(want, "\n") {
		t.Errorf("Walk visited\n%s\nwant\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}

	// The index holds one line per content record; a conversion's line has
	// its type and source and no HTTP status, and it survives a rebuild.
	lines := indexLines(t, dir)
	if len(lines) != 3+len(entries) {
		t.Fatalf("index has %d lines; want %d", len(lines), 3+len(entries))
	}
	for _, l := range lines {
		isConv := strings.Contains(l, `"type":"conversion"`)
		if isConv != strings.Contains(l, `"refers_to":"`+dump.RecordID+`"`) || isConv == strings.Contains(l, `"status"`) {
			t.Errorf("index line %s: a conversion has type and refers_to and no status, a response the reverse", l)
		}
	}
	checkReadBack(t, dir, append([]Record{before, dump, after}, entries...))
	os.Remove(filepath.Join(dir, indexName))
	if err := RebuildIndex(dir); err != nil {
		t.Fatal(err)
	}
	if got := indexLines(t, dir); strings.Join(got, "\n") != strings.Join(lines, "\n") {
		t.Errorf("rebuilt index differs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(lines, "\n"))
	}
	caps, err := Lookup(dir, "HTTPS://data.assemblee.example/questions/QANR5L17QE102.json")
	if err != nil || len(caps) != 1 || sameRecord(caps[0], entries[1]) != "" {
		t.Errorf("Lookup(entry) = %+v, %v; want the conversion record", caps, err)
	}
}

func TestWriteResourceInvalid(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 0)
	defer w.Close()
	good := Resource{TargetURI: "https://example.org/q/1.json", ContentType: "application/json", Body: []byte("{}"), RefersTo: "<urn:uuid:6b0c8e1e-3f57-4b8a-9d2e-6a4f3c2b1a00>"}
	for name, mod := range map[string]func(*Resource){
		"no target":        func(r *Resource) { r.TargetURI = "" },
		"relative target":  func(r *Resource) { r.TargetURI = "/q/1.json" },
		"target with CRLF": func(r *Resource) { r.TargetURI = "https://example.org/q\r\nWARC-Type: response" },
		"no content type":  func(r *Resource) { r.ContentType = "" },
		"bad content type": func(r *Resource) { r.ContentType = "json" },
		"type with CRLF":   func(r *Resource) { r.ContentType = "application/json\r\nX: y" },
		"no refers-to":     func(r *Resource) { r.RefersTo = "" },
		"bare refers-to":   func(r *Resource) { r.RefersTo = "urn:uuid:6b0c8e1e-3f57-4b8a-9d2e-6a4f3c2b1a00" },
		"spaced refers-to": func(r *Resource) { r.RefersTo = "<urn:uuid:6b0c8e1e 3f57>" },
	} {
		r := good
		mod(&r)
		if _, err := w.WriteResource(context.Background(), r); !errors.Is(err, ErrInvalidResource) {
			t.Errorf("%s: %v; want ErrInvalidResource", name, err)
		}
	}
	if n := len(warcFiles(t, dir)); n != 0 {
		t.Errorf("invalid resources left %d files", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.WriteResource(ctx, good); !errors.Is(err, context.Canceled) {
		t.Errorf("WriteResource with cancelled ctx: %v; want context.Canceled", err)
	}
	rec, err := w.WriteResource(context.Background(), good)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Time.IsZero() || time.Since(rec.Time) > time.Minute {
		t.Errorf("zero Date gave time %v; want now", rec.Time)
	}
}

// TestTornTailResources cuts a file holding responses and conversions
// everywhere TestTornTail cuts: the conversions are repaired, indexed and
// read back like responses.
func TestTornTailResources(t *testing.T) {
	checkTornTail(t, func(w *Writer) []Record {
		dump, entries := writeDump(t, w, t0)
		recs := append([]Record{dump}, entries...)
		for i := range 3 {
			recs = append(recs, mustWrite(t, w, exchange(t, fmt.Sprintf("https://example.org/t/%d", i), 200, nil, bytes.Repeat([]byte("x"), 300*i), t0)))
		}
		return recs
	})
}

// TestWriteResourceFullDisk: a WriteResource that fails on a full disk
// leaves the file and the index as they were, and the writer goes on.
func TestWriteResourceFullDisk(t *testing.T) {
	for _, target := range []string{".warc.gz", indexName} {
		t.Run(target, func(t *testing.T) {
			dir := t.TempDir()
			budget := int64(-1)
			w := openFailing(t, dir, target, &budget)
			defer w.Close()
			dump, entries := writeDump(t, w, t0)
			path := filepath.Join(dir, dump.File)
			sizeBefore := fileSize(t, path)
			idxBefore, _ := os.ReadFile(filepath.Join(dir, indexName))
			for _, room := range []int64{0, 10, 100} {
				budget = room
				_, err := w.WriteResource(context.Background(), Resource{TargetURI: "https://example.org/q.json",
					ContentType: "application/json", Body: randomBytes(room, 5000), RefersTo: dump.RecordID})
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("WriteResource on a full disk (room %d): %v; want ENOSPC", room, err)
				}
				if got := fileSize(t, path); got != sizeBefore {
					t.Errorf("file size %d after a failed write; want %d", got, sizeBefore)
				}
				if idx, _ := os.ReadFile(filepath.Join(dir, indexName)); !bytes.Equal(idx, idxBefore) {
					t.Error("index changed by a failed write")
				}
			}
			budget = -1
			last, err := w.WriteResource(context.Background(), Resource{TargetURI: "https://example.org/q.json",
				ContentType: "application/json", Body: []byte("{}"), RefersTo: dump.RecordID})
			if err != nil {
				t.Fatal(err)
			}
			w.Close()
			checkDir(t, dir)
			checkReadBack(t, dir, append(append([]Record{dump}, entries...), last))
		})
	}
}
