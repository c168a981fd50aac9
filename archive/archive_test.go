package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 29, 18, 30, 0, 123456000, time.UTC)

// bodies returns payloads that must survive the round trip byte for byte.
func bodies() map[string][]byte {
	binary := make([]byte, 4096)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	// 7 MB, the size of the Brussels legislature index, half of it
	// incompressible.
	big := append(bytes.Repeat([]byte("<p>Question écrite \r\n\x00\xff"), (7<<20)/48), randomBytes(7, 7<<19)...)
	return map[string][]byte{
		"html":    []byte("<html><body><h3>Question écrite concernant la Smart City</h3></body></html>"),
		"latin1":  []byte("Question \xe9crite \x92 r\xe9ponse"), // Windows-1252, not UTF-8
		"binary":  binary,
		"empty":   {},
		"crlf":    []byte("HTTP/1.1 200 OK\r\n\r\nWARC/1.1\r\n\r\n\r\n\r\n"),
		"7MB":     big,
		"nullend": []byte("ends with NUL\x00"),
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 0)
	type sent struct {
		rec    Record
		body   []byte
		header http.Header
	}
	var all []sent
	i := 0
	for name, body := range bodies() {
		h := http.Header{
			"Content-Type": {"application/octet-stream"},
			"Set-Cookie":   {"a=1; Path=/", "b=2; Path=/"},
			"Etag":         {`"v` + name + `"`},
		}
		ex := exchange(t, "https://www.parlement.brussels/weblex-quest-det/?moncode="+name+"&base=1", 200, h, body, t0.Add(time.Duration(i)*time.Second))
		i++
		rec := mustWrite(t, w, ex)
		if rec.Status != 200 || rec.MIME != "application/octet-stream" || rec.URL != ex.Request.URL.String() {
			t.Errorf("record %+v: status/mime/url not as sent", rec)
		}
		if rec.PayloadDigest != sha1Digest(body) {
			t.Errorf("%s: digest %s; want %s", name, rec.PayloadDigest, sha1Digest(body))
		}
		if !rec.Time.Equal(ex.Fetched.Truncate(time.Microsecond)) {
			t.Errorf("%s: time %v; want %v", name, rec.Time, ex.Fetched)
		}
		all = append(all, sent{rec, body, h})
	}
	// A 404 and a 304 without body.
	rec404 := mustWrite(t, w, exchange(t, "https://example.org/missing", 404, nil, []byte("not found"), t0))
	rec304 := mustWrite(t, w, exchange(t, "https://example.org/same", 304, http.Header{"Etag": {`"x"`}}, nil, t0))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	for _, s := range all {
		resp, err := ReadResponse(dir, s.rec.File, s.rec.Offset)
		if err != nil {
			t.Fatalf("ReadResponse: %v", err)
		}
		if d := sameRecord(resp.Record, s.rec); d != "" {
			t.Errorf("record: %s", d)
		}
		if d := equalBytes(resp.Body, s.body); d != "" {
			t.Errorf("%s body: %s", s.rec.URL, d)
		}
		if got := resp.Header.Values("Set-Cookie"); strings.Join(got, "|") != "a=1; Path=/|b=2; Path=/" {
			t.Errorf("Set-Cookie %q; want both cookies", got)
		}
		if got, want := resp.Header.Get("Etag"), s.header.Get("Etag"); got != want {
			t.Errorf("Etag %q; want %q", got, want)
		}
		if got, want := resp.Header.Get("Content-Length"), strconv.Itoa(len(s.body)); got != want {
			t.Errorf("Content-Length %q; want %q", got, want)
		}
	}
	for _, c := range []struct {
		rec    Record
		status int
		body   string
	}{{rec404, 404, "not found"}, {rec304, 304, ""}} {
		resp, err := ReadResponse(dir, c.rec.File, c.rec.Offset)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != c.status || string(resp.Body) != c.body {
			t.Errorf("status %d body %q; want %d %q", resp.Status, resp.Body, c.status, c.body)
		}
	}

	// The independent reader sees the same records, offsets, sizes and payloads.
	resps := checkDir(t, dir)
	if len(resps) != len(all)+2 {
		t.Fatalf("nlnwa read %d responses; want %d", len(resps), len(all)+2)
	}
	for i, s := range all {
		r := resps[i]
		if r.id != s.rec.RecordID || r.offset != s.rec.Offset || r.size != s.rec.Length {
			t.Errorf("nlnwa record %s at %d size %d; want %s at %d size %d", r.id, r.offset, r.size, s.rec.RecordID, s.rec.Offset, s.rec.Length)
		}
		if d := equalBytes(r.payload, s.body); d != "" {
			t.Errorf("nlnwa payload of %s: %s", s.rec.URL, d)
		}
		if r.payloadDigest != s.rec.PayloadDigest {
			t.Errorf("nlnwa payload digest %s; want %s", r.payloadDigest, s.rec.PayloadDigest)
		}
	}
	if n := len(indexLines(t, dir)); n != len(all)+2 {
		t.Errorf("index has %d lines; want %d", n, len(all)+2)
	}
}

// TestRealClientHeaders archives what net/http returns for a gzip-encoded,
// chunked response: the archived headers must describe the stored payload.
func TestRealClientHeaders(t *testing.T) {
	page := bytes.Repeat([]byte("<p>Réponse du ministre</p>\n"), 2000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Query().Get("plain") != "" {
			w.Write(page) // chunked, not encoded
			w.(http.Flusher).Flush()
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzip.NewWriter(w)
		gz.Write(page)
		gz.Close()
	}))
	defer srv.Close()

	dir := t.TempDir()
	w := openTest(t, dir, 0)
	defer w.Close()
	for _, q := range []string{"?enc=1", "?plain=1"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/weblex-quest-det/"+q, nil)
		req.Header.Set("User-Agent", "parlq-test")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		rec := mustWrite(t, w, Exchange{Request: req, Response: resp, Body: body, Fetched: time.Now(), RemoteAddr: srv.Listener.Addr().String()})
		got, err := ReadResponse(dir, rec.File, rec.Offset)
		if err != nil {
			t.Fatal(err)
		}
		if d := equalBytes(got.Body, page); d != "" {
			t.Errorf("%s body: %s", q, d)
		}
		if ce := got.Header.Get("Content-Encoding"); ce != "" {
			t.Errorf("%s: archived Content-Encoding %q for a decoded body", q, ce)
		}
		if te := got.Header.Get("Transfer-Encoding"); te != "" {
			t.Errorf("%s: archived Transfer-Encoding %q for an unchunked body", q, te)
		}
		if cl := got.Header.Get("Content-Length"); cl != strconv.Itoa(len(page)) {
			t.Errorf("%s: archived Content-Length %q; want %d", q, cl, len(page))
		}
		if rec.MIME != "text/html" {
			t.Errorf("MIME %q; want text/html", rec.MIME)
		}
	}
	w.Close()
	checkDir(t, dir)
	// The archived request names the host and the encoding the transport asked for.
	f, _ := os.Open(warcFiles(t, dir)[0])
	defer f.Close()
	rr := newRecordReader(f, "x", 0)
	var sawReq bool
	for {
		rec, err := rr.next()
		if err != nil {
			break
		}
		if rec.header.get("WARC-Type") == "request" && strings.Contains(rec.header.get("WARC-Target-URI"), "enc=1") {
			sawReq = true
			s := string(rec.block)
			if !strings.HasPrefix(s, "GET /weblex-quest-det/?enc=1 HTTP/1.1\r\nHost: 127.0.0.1:") ||
				!strings.Contains(s, "Accept-Encoding: gzip\r\n") || !strings.Contains(s, "User-Agent: parlq-test\r\n") {
				t.Errorf("request block %q lacks request line, Host, Accept-Encoding or User-Agent", s)
			}
			if ip := rec.header.get("WARC-IP-Address"); ip != "127.0.0.1" {
				t.Errorf("WARC-IP-Address %q; want 127.0.0.1", ip)
			}
		}
	}
	if !sawReq {
		t.Error("no request record for ?enc=1")
	}
}

func TestRotationAndWalkOrder(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 20<<10)
	var want []Record
	for i := range 40 {
		body := randomBytes(int64(i), 6000)
		want = append(want, mustWrite(t, w, exchange(t, fmt.Sprintf("https://example.org/q/%d", i), 200, nil, body, t0.Add(time.Duration(i)*time.Minute))))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files := warcFiles(t, dir)
	if len(files) < 3 {
		t.Fatalf("%d files; want rotation into at least 3", len(files))
	}
	for _, f := range files[:len(files)-1] {
		fi, _ := os.Stat(f)
		// A file rotates once it reaches the limit, so it exceeds it by less than one exchange.
		if fi.Size() < 20<<10 || fi.Size() > 40<<10 {
			t.Errorf("%s: size %d; want about the 20 KiB limit", filepath.Base(f), fi.Size())
		}
		if !warcName.MatchString(filepath.Base(f)) || !strings.HasPrefix(filepath.Base(f), "parlq-") {
			t.Errorf("file name %s does not match parlq-YYYYMMDDhhmmss-NNNNN.warc.gz", filepath.Base(f))
		}
	}
	resps := checkDir(t, dir)
	got := walkAll(t, dir)
	if len(got) != len(want) || len(resps) != len(want) {
		t.Fatalf("Walk gave %d, nlnwa %d responses; want %d", len(got), len(resps), len(want))
	}
	for i := range want {
		if d := sameRecord(got[i].Record, want[i]); d != "" {
			t.Errorf("Walk #%d: %s", i, d)
		}
	}
	checkReadBack(t, dir, want)

	// fn's error stops the walk and comes back; so does a cancelled context.
	n := 0
	err := Walk(context.Background(), dir, func(*Response) error {
		n++
		if n == 5 {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) || n != 5 {
		t.Errorf("Walk with failing fn: err %v after %d calls; want errStop after 5", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = Walk(ctx, dir, func(*Response) error {
		n++
		if n == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 3 {
		t.Errorf("Walk with cancelled ctx: err %v after %d calls; want context.Canceled after 3", err, n)
	}
}

func TestConcurrentWrites(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 64<<10)
	const workers, each = 6, 15
	var mu sync.Mutex
	var recs []Record
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				body := []byte(strings.Repeat(fmt.Sprintf("worker %d item %d ", g, i), 100))
				rec, err := w.Write(context.Background(), exchange(t, fmt.Sprintf("https://example.org/w%d/%d", g, i), 200, nil, body, time.Now()))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				recs = append(recs, rec)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(recs) != workers*each {
		t.Fatalf("%d records; want %d", len(recs), workers*each)
	}
	resps := checkDir(t, dir)
	if len(resps) != workers*each {
		t.Errorf("nlnwa read %d responses; want %d", len(resps), workers*each)
	}
	if n := len(indexLines(t, dir)); n != workers*each {
		t.Errorf("index has %d lines; want %d", n, workers*each)
	}
	checkReadBack(t, dir, recs)
}

// TestTornTail cuts a WARC file at random places (a SIGKILL at any instant
// while writing) or appends garbage, and checks that OpenWriter brings the
// file and the index back to the complete records.
func TestTornTail(t *testing.T) {
	checkTornTail(t, func(w *Writer) []Record {
		var recs []Record
		for i := range 8 {
			body := bytes.Repeat([]byte(fmt.Sprintf("record %d ", i)), 50+i*40)
			recs = append(recs, mustWrite(t, w, exchange(t, fmt.Sprintf("https://example.org/t/%d", i), 200, nil, body, t0.Add(time.Duration(i)*time.Second))))
		}
		return recs
	})
}

// checkTornTail writes the records of write into one file, then cuts the
// file and appends garbage in every way of TestTornTail.
func checkTornTail(t *testing.T, write func(*Writer) []Record) {
	src := t.TempDir()
	w := openTest(t, src, 0)
	recs := write(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	name := recs[0].File
	data, err := os.ReadFile(filepath.Join(src, name))
	if err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(src, indexName))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(index), "\n")
	lines = lines[:len(lines)-1]

	// Positions: random ones, and around every member boundary.
	r := rand.New(rand.NewPCG(3, 4))
	cuts := []int64{0, 1, int64(len(data)) - 1}
	for range 30 {
		cuts = append(cuts, r.Int64N(int64(len(data))))
	}
	for _, rec := range recs {
		cuts = append(cuts, rec.Offset-1, rec.Offset, rec.Offset+1, rec.Offset+rec.Length, rec.Offset+rec.Length+1)
	}
	for i, cut := range cuts {
		// Whether the crash came after the index line was written, before
		// it, or while it was written, the repair ends in the same state.
		{
			idxCase := []string{"full", "upto", "torn"}[i%3]
			t.Run(fmt.Sprintf("cut%d/%s", cut, idxCase), func(t *testing.T) {
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, name), data[:cut], 0o644); err != nil {
					t.Fatal(err)
				}
				var complete []Record
				for _, rec := range recs {
					if rec.Offset+rec.Length <= cut {
						complete = append(complete, rec)
					}
				}
				var idx string
				switch idxCase {
				case "full":
					idx = strings.Join(lines, "")
				case "upto", "torn":
					k := len(complete) / 2
					idx = strings.Join(lines[:k], "")
					if idxCase == "torn" && k < len(lines) {
						idx += lines[k][:len(lines[k])/2]
					}
				}
				if err := os.WriteFile(filepath.Join(dir, indexName), []byte(idx), 0o644); err != nil {
					t.Fatal(err)
				}
				checkRepaired(t, dir, complete)
			})
		}
	}

	for _, garbage := range [][]byte{
		[]byte("garbage after the last record"),
		{0x1f, 0x8b},
		{0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3},
		bytes.Repeat([]byte{0}, 4096),
		data[recs[3].Offset : recs[3].Offset+recs[3].Length-5], // a record cut short
	} {
		t.Run(fmt.Sprintf("garbage%d", len(garbage)), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, name), append(bytes.Clone(data), garbage...), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, indexName), index, 0o644); err != nil {
				t.Fatal(err)
			}
			if Verify(filepath.Join(dir, name)) == nil {
				t.Error("Verify accepts a file with garbage at the end")
			}
			checkRepaired(t, dir, recs)
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() != int64(len(data)) {
				t.Errorf("repaired size %v; want %d", fi.Size(), len(data))
			}
		})
	}
}

// checkRepaired reopens dir and checks that exactly the complete records
// are readable and indexed, every file verifies, and a new write works.
func checkRepaired(t *testing.T, dir string, complete []Record) {
	t.Helper()
	w := openTest(t, dir, 0)
	extra := mustWrite(t, w, exchange(t, "https://example.org/after-crash", 200, nil, []byte("after"), time.Now()))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range warcFiles(t, dir) {
		if err := Verify(path); err != nil {
			t.Fatalf("Verify after repair: %v", err)
		}
	}
	if extra.File == complete0(complete) {
		t.Errorf("new writer appended to the old file %s", extra.File)
	}
	resps := checkDir(t, dir)
	if len(resps) != len(complete)+1 {
		t.Errorf("nlnwa reads %d responses; want %d complete + 1 new", len(resps), len(complete))
	}
	checkReadBack(t, dir, append(complete, extra))
	if n := len(indexLines(t, dir)); n != len(complete)+1 {
		t.Errorf("index has %d lines; want %d", n, len(complete)+1)
	}
}

func complete0(recs []Record) string {
	if len(recs) == 0 {
		return ""
	}
	return recs[0].File
}

func TestMidFileDamageIsNotCut(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 0)
	var recs []Record
	for i := range 5 {
		recs = append(recs, mustWrite(t, w, exchange(t, fmt.Sprintf("https://example.org/m/%d", i), 200, nil, bytes.Repeat([]byte("x"), 1000), t0)))
	}
	w.Close()
	path := filepath.Join(dir, recs[0].File)
	data, _ := os.ReadFile(path)
	data[recs[2].Offset+30] ^= 0xff // inside the deflate data of record 2
	os.WriteFile(path, data, 0o644)

	err := Verify(path)
	var fe *FormatError
	if !errors.Is(err, ErrMalformed) || !errors.As(err, &fe) || fe.Offset != recs[2].Offset {
		t.Fatalf("Verify: %v; want a FormatError at offset %d", err, recs[2].Offset)
	}
	w = openTest(t, dir, 0)
	w.Close()
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, data) {
		t.Errorf("OpenWriter changed a file damaged in the middle (size %d → %d)", len(data), len(after))
	}
	if _, err := ReadResponse(dir, recs[4].File, recs[4].Offset); err != nil {
		t.Errorf("record after the damage: %v", err)
	}
	if err := Walk(context.Background(), dir, func(*Response) error { return nil }); !errors.Is(err, ErrMalformed) {
		t.Errorf("Walk over damage: %v; want ErrMalformed", err)
	}
}

func TestNewWriterNewFileAndLock(t *testing.T) {
	dir := t.TempDir()
	w1 := openTest(t, dir, 0)
	if _, err := OpenWriter(DefaultOptions(dir)); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), strconv.Itoa(os.Getpid())) {
		t.Errorf("second OpenWriter: %v; want ErrLocked naming pid %d", err, os.Getpid())
	}
	if err := RebuildIndex(dir); !errors.Is(err, ErrLocked) {
		t.Errorf("RebuildIndex while writing: %v; want ErrLocked", err)
	}
	r1 := mustWrite(t, w1, exchange(t, "https://example.org/a", 200, nil, []byte("a"), t0))
	w1.Close()
	before, _ := os.ReadFile(filepath.Join(dir, r1.File))
	// Opened in the same second: still a new, distinct file.
	w2 := openTest(t, dir, 0)
	r2 := mustWrite(t, w2, exchange(t, "https://example.org/a", 200, nil, []byte("b"), t0.Add(time.Hour)))
	w2.Close()
	w3 := openTest(t, dir, 0)
	r3 := mustWrite(t, w3, exchange(t, "https://example.org/a", 200, nil, []byte("c"), t0.Add(2*time.Hour)))
	w3.Close()
	if r1.File == r2.File || r2.File == r3.File || !(r1.File < r2.File && r2.File < r3.File) {
		t.Errorf("files %s, %s, %s; want distinct and sorted by creation", r1.File, r2.File, r3.File)
	}
	after, _ := os.ReadFile(filepath.Join(dir, r1.File))
	if !bytes.Equal(before, after) {
		t.Error("the first file changed after a new writer opened")
	}
	if _, err := w1.Write(context.Background(), exchange(t, "https://example.org/a", 200, nil, nil, t0)); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: %v; want ErrClosed", err)
	}
	// An idle writer leaves no file behind.
	w4 := openTest(t, dir, 0)
	w4.Close()
	if n := len(warcFiles(t, dir)); n != 3 {
		t.Errorf("%d files; want 3", n)
	}
}

func TestLookup(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 0)
	u := "https://www.parlement.brussels/weblex-quest-det/?moncode=167744&base=1"
	// Written out of time order: Lookup returns oldest first.
	late := mustWrite(t, w, exchange(t, u, 200, nil, []byte("answered"), t0.Add(48*time.Hour)))
	early := mustWrite(t, w, exchange(t, u, 200, nil, []byte("pending"), t0))
	other := mustWrite(t, w, exchange(t, "https://www.parlement.brussels/weblex-quest-det/?moncode=167745&base=1", 200, nil, []byte("x"), t0))
	w.Close()
	for _, variant := range []string{u, "https://parlement.brussels/weblex-quest-det/?base=1&moncode=167744", "http://WWW.Parlement.Brussels:80/weblex-quest-det/?moncode=167744&base=1"} {
		got, err := Lookup(dir, variant)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || sameRecord(got[0], early) != "" || sameRecord(got[1], late) != "" {
			t.Errorf("Lookup(%s) = %+v; want [early, late]", variant, got)
		}
	}
	got, _ := Lookup(dir, other.URL)
	if len(got) != 1 || got[0].RecordID != other.RecordID {
		t.Errorf("Lookup(other) = %+v; want 1 capture", got)
	}
	if got, _ := Lookup(dir, "https://example.org/never"); len(got) != 0 {
		t.Errorf("Lookup(unknown) = %d captures; want 0", len(got))
	}
	if got, err := Lookup(t.TempDir(), u); err != nil || len(got) != 0 {
		t.Errorf("Lookup in an empty dir: %v, %v; want none, nil", got, err)
	}
}

func TestHTTP2Response(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 0)
	ex := exchange(t, "https://example.org/h2", 200, nil, []byte("over h2"), t0)
	ex.Response.Proto, ex.Response.ProtoMajor, ex.Response.ProtoMinor = "HTTP/2.0", 2, 0
	ex.Response.Status = "200 OK"
	rec := mustWrite(t, w, ex)
	w.Close()
	resps := checkDir(t, dir)
	if len(resps) != 1 || resps[0].status != 200 || string(resps[0].payload) != "over h2" {
		t.Fatalf("nlnwa read %+v; want one 200 response", resps)
	}
	got, err := ReadResponse(dir, rec.File, rec.Offset)
	if err != nil || got.Status != 200 || string(got.Body) != "over h2" {
		t.Fatalf("ReadResponse: %v, %+v", err, got)
	}
}

func TestSURTKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://www.parlement.brussels/weblex-quest-det/?moncode=1&base=2", "brussels,parlement)/weblex-quest-det/?base=2&moncode=1"},
		{"http://Example.ORG", "org,example)/"},
		{"https://example.org:8443/A%20b", "org,example:8443)/a%20b"},
		{"http://127.0.0.1:8081/x?b&a", "127.0.0.1:8081)/x?a&b"},
		{"https://example.org/#frag", "org,example)/"},
	} {
		if got := surtKey(c.in); got != c.want {
			t.Errorf("surtKey(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestFullDisk(t *testing.T) {
	for _, target := range []string{".warc.gz", indexName} {
		t.Run(target, func(t *testing.T) {
			dir := t.TempDir()
			budget := int64(-1)
			w := openFailing(t, dir, target, &budget)
			defer w.Close()
			var ok []Record
			ok = append(ok, mustWrite(t, w, exchange(t, "https://example.org/1", 200, nil, []byte("first"), t0)))
			idxBefore, _ := os.ReadFile(filepath.Join(dir, indexName))
			sizeBefore := fileSize(t, filepath.Join(dir, ok[0].File))

			rooms := []int64{0, 10, 300, 2000, 20000}
			if target == indexName {
				rooms = []int64{0, 10, 100}
			}
			for _, room := range rooms {
				budget = room
				big := randomBytes(room, 50000)
				_, err := w.Write(context.Background(), exchange(t, "https://example.org/full", 200, nil, big, t0))
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("Write on a full disk (room %d): %v; want ENOSPC", room, err)
				}
				if err := Verify(filepath.Join(dir, ok[0].File)); err != nil {
					t.Fatalf("Verify after failed write: %v", err)
				}
				if got := fileSize(t, filepath.Join(dir, ok[0].File)); got != sizeBefore {
					t.Errorf("file size %d after failed write; want %d", got, sizeBefore)
				}
				if idx, _ := os.ReadFile(filepath.Join(dir, indexName)); !bytes.Equal(idx, idxBefore) {
					t.Errorf("index changed by a failed write")
				}
			}
			budget = -1 // space freed: the same writer goes on
			ok = append(ok, mustWrite(t, w, exchange(t, "https://example.org/2", 200, nil, []byte("second"), t0)))
			w.Close()
			resps := checkDir(t, dir)
			if len(resps) != 2 {
				t.Errorf("%d responses; want 2", len(resps))
			}
			checkReadBack(t, dir, ok)
		})
	}
}

func TestFullDiskOnNewFile(t *testing.T) {
	dir := t.TempDir()
	budget := int64(50) // not even room for the warcinfo record
	w := openFailing(t, dir, ".warc.gz", &budget)
	defer w.Close()
	if _, err := w.Write(context.Background(), exchange(t, "https://example.org/1", 200, nil, []byte("x"), t0)); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Write: %v; want ENOSPC", err)
	}
	if n := len(warcFiles(t, dir)); n != 0 {
		t.Errorf("%d files left by a failed file creation; want 0", n)
	}
	budget = -1
	rec := mustWrite(t, w, exchange(t, "https://example.org/1", 200, nil, []byte("x"), t0))
	w.Close()
	checkDir(t, dir)
	checkReadBack(t, dir, []Record{rec})
}

// randomBytes returns n incompressible bytes.
func randomBytes(seed int64, n int) []byte {
	r := rand.New(rand.NewPCG(uint64(seed), 99))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestRebuildIndex(t *testing.T) {
	dir := t.TempDir()
	w := openTest(t, dir, 16<<10)
	var recs []Record
	for i := range 20 {
		recs = append(recs, mustWrite(t, w, exchange(t, fmt.Sprintf("https://example.org/r/%d", i), 200, nil, bytes.Repeat([]byte{byte(i)}, 3000+i), t0.Add(time.Duration(i)*time.Second))))
	}
	w.Close()
	before := indexLines(t, dir)
	os.Remove(filepath.Join(dir, indexName))
	if err := RebuildIndex(dir); err != nil {
		t.Fatal(err)
	}
	after := indexLines(t, dir)
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("rebuilt index differs:\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
	// OpenWriter rebuilds a missing index by itself.
	os.Remove(filepath.Join(dir, indexName))
	openTest(t, dir, 0).Close()
	checkReadBack(t, dir, recs)
}

func TestInvalidExchange(t *testing.T) {
	w := openTest(t, t.TempDir(), 0)
	defer w.Close()
	ex := exchange(t, "https://example.org/", 200, nil, nil, t0)
	for _, bad := range []Exchange{{}, {Request: ex.Request}, {Response: ex.Response}} {
		if _, err := w.Write(context.Background(), bad); !errors.Is(err, ErrInvalidExchange) {
			t.Errorf("Write(%+v): %v; want ErrInvalidExchange", bad, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.Write(ctx, ex); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with cancelled ctx: %v; want context.Canceled", err)
	}
	if _, err := ReadResponse(t.TempDir(), "../x.warc.gz", 0); err == nil {
		t.Error("ReadResponse accepts a path outside the directory")
	}
}

// BenchmarkWrite archives 60 KB pages (the size of a Brussels detail page):
// "real" is a real Brussels page read in place from ../shared/fixtures (an
// invented one when absent), "repetitive" 60 KB of fourteen words, the
// hardest case for the compressor. "fsync" is the real Writer: one fsync of
// the WARC file and one of the index per Write. "nosync" skips the fsyncs to
// show the cost of building, hashing and compressing the records.
func BenchmarkWrite(b *testing.B) {
	repetitive := make([]byte, 60<<10)
	r := rand.New(rand.NewPCG(5, 6))
	words := strings.Fields("la question écrite concernant le ministre réponse Smart City Bruxelles de du et à")
	for i := 0; i < len(repetitive); {
		i += copy(repetitive[i:], words[r.IntN(len(words))]+" ")
	}
	pages := []struct {
		name string
		body []byte
	}{{"real", fixture(b, "brussels", "170290.html", page60k)}, {"repetitive", repetitive}}
	for _, sync := range []bool{true, false} {
		for _, page := range pages {
			name := map[bool]string{true: "fsync", false: "nosync"}[sync] + "/" + page.name
			b.Run(name, func(b *testing.B) {
				opts := DefaultOptions(b.TempDir())
				if !sync {
					opts.openFile = func(name string, flag int, perm os.FileMode) (file, error) {
						f, err := os.OpenFile(name, flag, perm)
						if err != nil {
							return nil, err
						}
						return noSync{f}, nil
					}
				}
				w, err := OpenWriter(opts)
				if err != nil {
					b.Fatal(err)
				}
				defer w.Close()
				ex := exchange(b, "https://www.parlement.brussels/weblex-quest-det/?moncode=1&base=1", 200, nil, page.body, t0)
				b.SetBytes(int64(len(page.body)))
				defer reportCPU(b)()
				for b.Loop() {
					if _, err := w.Write(context.Background(), ex); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// noSync is a file whose Sync does nothing.
type noSync struct{ *os.File }

func (noSync) Sync() error { return nil }
