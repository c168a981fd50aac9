package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	gowarc "github.com/nlnwa/gowarc/v3"
)

// exchange builds a GET exchange for rawURL with the given response.
func exchange(t testing.TB, rawURL string, status int, header http.Header, body []byte, fetched time.Time) Exchange {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	req := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{
		"User-Agent": {"parlq-test/1 (+https://example.org/parlq)"},
		"Accept":     {"text/html"},
	}}
	if header == nil {
		header = http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	}
	resp := &http.Response{
		Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: header, Request: req,
	}
	return Exchange{Request: req, Response: resp, Body: body, Fetched: fetched, RemoteAddr: "127.0.0.1:8080"}
}

// openTest opens a Writer on dir with a small rotation size unless max is 0.
func openTest(t testing.TB, dir string, max int64) *Writer {
	t.Helper()
	opts := DefaultOptions(dir)
	if max > 0 {
		opts.MaxFileSize = max
	}
	w, err := OpenWriter(opts)
	if err != nil {
		t.Fatalf("OpenWriter: %v", err)
	}
	return w
}

// mustWrite writes ex and fails the test on error.
func mustWrite(t testing.TB, w *Writer, ex Exchange) Record {
	t.Helper()
	rec, err := w.Write(context.Background(), ex)
	if err != nil {
		t.Fatalf("Write(%s): %v", ex.Request.URL, err)
	}
	return rec
}

// nlnwaRecord is what the independent reader saw of one record.
type nlnwaRecord struct {
	typ, id, concurrentTo, refersTo, warcinfoID, target, payloadDigest, contentType string
	ipAddress                                                                       string
	offset, size                                                                    int64
	status                                                                          int
	payload                                                                         []byte
	httpHeader                                                                      http.Header
}

// readNlnwa reads a WARC file with github.com/nlnwa/gowarc under strict
// validation (syntax, spec, block and payload digests) and fails the test on
// any finding.
func readNlnwa(t testing.TB, path string) []nlnwaRecord {
	t.Helper()
	r, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatalf("nlnwa open %s: %v", path, err)
	}
	defer r.Close()
	var out []nlnwaRecord
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("nlnwa %s record %d (offset %d): %v", filepath.Base(path), len(out), rec.Offset, err)
		}
		if len(rec.Validation) > 0 {
			t.Fatalf("nlnwa %s offset %d: validation %v", filepath.Base(path), rec.Offset, rec.Validation)
		}
		wr := rec.WarcRecord
		h := wr.WarcHeader()
		if wr.Version().String() != "WARC/1.1" {
			t.Errorf("nlnwa %s offset %d: version %s; want WARC/1.1", filepath.Base(path), rec.Offset, wr.Version())
		}
		nr := nlnwaRecord{
			typ: wr.Type().String(), id: h.Get(gowarc.WarcRecordID), concurrentTo: h.Get(gowarc.WarcConcurrentTo),
			refersTo: h.Get(gowarc.WarcRefersTo), warcinfoID: h.Get(gowarc.WarcWarcinfoID), target: h.Get(gowarc.WarcTargetURI),
			payloadDigest: h.Get(gowarc.WarcPayloadDigest), contentType: h.Get(gowarc.ContentType),
			ipAddress: h.Get(gowarc.WarcIPAddress), offset: rec.Offset, size: rec.Size,
		}
		if wr.Type() == gowarc.Conversion {
			br, err := wr.Block().RawBytes()
			if err != nil {
				t.Fatalf("nlnwa block: %v", err)
			}
			if nr.payload, err = io.ReadAll(br); err != nil {
				t.Fatalf("nlnwa block: %v", err)
			}
		}
		if rb, ok := wr.Block().(gowarc.HttpResponseBlock); ok {
			nr.status = rb.HttpStatusCode()
			nr.httpHeader = rb.HttpHeader().Clone()
			pr, err := rb.PayloadBytes()
			if err != nil {
				t.Fatalf("nlnwa payload: %v", err)
			}
			nr.payload, err = io.ReadAll(pr)
			if err != nil {
				t.Fatalf("nlnwa payload: %v", err)
			}
		}
		rec.Close()
		out = append(out, nr)
	}
	return out
}

// warcFiles returns the WARC file paths of dir, sorted by name.
func warcFiles(t testing.TB, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	return m
}

// checkDir validates every WARC file of dir with the independent reader and
// with Verify, checks each starts with a warcinfo record that the other
// records point to, that requests point at the response (or revisit)
// before them and conversions and revisits at a response of the directory,
// and returns the content records (responses and conversions) in file
// order.
func checkDir(t testing.TB, dir string) []nlnwaRecord {
	t.Helper()
	var resps []nlnwaRecord
	responseIDs := map[string]bool{}
	var conversions, revisits []nlnwaRecord
	for _, path := range warcFiles(t, dir) {
		if err := Verify(path); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		recs := readNlnwa(t, path)
		if len(recs) == 0 || recs[0].typ != "warcinfo" {
			t.Fatalf("%s: first record is not warcinfo", filepath.Base(path))
		}
		info := recs[0].id
		for i, r := range recs[1:] {
			if r.warcinfoID != info {
				t.Errorf("%s offset %d: WARC-Warcinfo-ID %q; want %q", filepath.Base(path), r.offset, r.warcinfoID, info)
			}
			switch r.typ {
			case "response":
				resps = append(resps, r)
				responseIDs[r.id] = true
			case "conversion":
				resps = append(resps, r)
				conversions = append(conversions, r)
				if r.concurrentTo != "" || r.ipAddress != "" {
					t.Errorf("%s offset %d: conversion with WARC-Concurrent-To %q or WARC-IP-Address %q",
						filepath.Base(path), r.offset, r.concurrentTo, r.ipAddress)
				}
			case "revisit":
				revisits = append(revisits, r)
			case "request":
				prev := recs[i] // recs[1:][i-1] is recs[i]
				if (prev.typ != "response" && prev.typ != "revisit") || r.concurrentTo != prev.id {
					t.Errorf("%s offset %d: request WARC-Concurrent-To %q; want the response or revisit before it (%q)",
						filepath.Base(path), r.offset, r.concurrentTo, prev.id)
				}
			default:
				t.Errorf("%s offset %d: unexpected record type %s", filepath.Base(path), r.offset, r.typ)
			}
		}
	}
	for _, c := range append(conversions, revisits...) {
		if !responseIDs[c.refersTo] {
			t.Errorf("conversion %s: WARC-Refers-To %q names no response of the directory", c.id, c.refersTo)
		}
	}
	return resps
}

// indexLines returns the lines of dir's index.
func indexLines(t testing.TB, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, indexName))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// sameRecord reports how got differs from want ("" when equal).
func sameRecord(got, want Record) string {
	if !got.Time.Equal(want.Time) {
		return fmt.Sprintf("time %v; want %v", got.Time, want.Time)
	}
	got.Time, want.Time = time.Time{}, time.Time{}
	if got != want {
		return fmt.Sprintf("%+v; want %+v", got, want)
	}
	return ""
}

// checkReadBack reads each record back with ReadResponse and Lookup.
func checkReadBack(t testing.TB, dir string, recs []Record) {
	t.Helper()
	for _, want := range recs {
		resp, err := ReadResponse(dir, want.File, want.Offset)
		if err != nil {
			t.Fatalf("ReadResponse(%s, %d): %v", want.File, want.Offset, err)
		}
		if d := sameRecord(resp.Record, want); d != "" {
			t.Errorf("ReadResponse record: %s", d)
		}
		caps, err := Lookup(dir, want.URL)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(caps, func(r Record) bool { return sameRecord(r, want) == "" }) {
			t.Errorf("Lookup(%s) = %d captures without %s@%d", want.URL, len(caps), want.File, want.Offset)
		}
	}
}

// openFailing opens a Writer on dir whose files with a name ending in
// suffix fail writes with ENOSPC once *budget bytes are used up (a negative
// budget is unlimited).
func openFailing(t testing.TB, dir, suffix string, budget *int64) *Writer {
	t.Helper()
	opts := DefaultOptions(dir)
	opts.openFile = func(name string, flag int, perm os.FileMode) (file, error) {
		f, err := os.OpenFile(name, flag, perm)
		if err != nil || !strings.HasSuffix(name, suffix) {
			return f, err
		}
		return &failingFile{file: f, budget: budget, err: syscall.ENOSPC}, nil
	}
	w, err := OpenWriter(opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// failingFile wraps a file and fails writes once budget bytes are used up,
// writing what fits first, as a full disk does.
type failingFile struct {
	file
	budget *int64 // shared; negative means unlimited
	err    error
}

func (f *failingFile) Write(p []byte) (int, error) {
	if *f.budget < 0 {
		return f.file.Write(p)
	}
	if int64(len(p)) <= *f.budget {
		*f.budget -= int64(len(p))
		return f.file.Write(p)
	}
	n, _ := f.file.Write(p[:*f.budget])
	*f.budget = 0
	return n, f.err
}

// walkAll returns every Response of dir in Walk order.
func walkAll(t testing.TB, dir string) []*Response {
	t.Helper()
	var out []*Response
	if err := Walk(context.Background(), dir, func(r *Response) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return out
}

var errStop = errors.New("stop")

// equalBytes is bytes.Equal with a short description of the difference.
func equalBytes(got, want []byte) string {
	if bytes.Equal(got, want) {
		return ""
	}
	return fmt.Sprintf("got %d bytes; want %d bytes", len(got), len(want))
}
