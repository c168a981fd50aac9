package archive

import (
	"bufio"
	"bytes"
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kpgzip "github.com/klauspost/compress/gzip"
	gowarc "github.com/nlnwa/gowarc/v3"
	"github.com/parlq/parlq/crawler/crawlertest"
)

// The codec benchmarks measure, on the same records and in one run, what
// writing and reading one WARC record per gzip member costs with:
//   - stdlib: this package's record writer and reader with compress/gzip
//     at gzipLevel (what the package uses); stdlib-6 is the same at the
//     default level 6;
//   - klauspost: the same writer and reader with
//     github.com/klauspost/compress/gzip (what the package used before);
//   - nlnwa: github.com/nlnwa/gowarc's record builder, marshaler and
//     unmarshaler (the other way to take the writer and the reader from one
//     place; it compresses with klauspost's gzip).
//
// A write builds the response record of an exchange (HTTP serialization
// for this package, SHA-1 block and payload digests for all) and compresses
// it into a fresh gzip member; a read decompresses one member, parses the
// record and the HTTP head, and checks both digests. Every reader reads the
// same member bytes.

// page60k returns a 60 KB HTML page of invented words shaped like a
// Brussels detail page: the fallback when the real pages are absent. Its
// small vocabulary makes it harder for compress/gzip than real pages.
func page60k() []byte {
	r := rand.New(rand.NewPCG(5, 6))
	words := strings.Fields("la question écrite concernant le ministre réponse Smart City Bruxelles de du et à " +
		"mobilité Région secrétaire d'État transition numérique données ouvertes budget 2025 commune")
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Question écrite</title></head><body>\n")
	for b.Len() < 60<<10-64 {
		fmt.Fprintf(&b, "<div class=\"field field-%d\"><p>", r.IntN(40))
		for range 20 + r.IntN(60) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("</p></div>\n")
	}
	b.WriteString("</body></html>\n")
	return b.Bytes()
}

// json2k returns a 2 KB JSON document of invented words shaped like one
// written question of the UK API: the fallback when the real ones are
// absent.
func json2k() []byte {
	r := rand.New(rand.NewPCG(7, 8))
	words := strings.Fields("the Secretary of State what steps his Department is taking to improve access " +
		"to digital services in rural areas and whether she will publish the assessment funding")
	text := func(n int) string {
		var s []string
		for range n {
			s = append(s, words[r.IntN(len(words))])
		}
		return strings.Join(s, " ")
	}
	doc := fmt.Sprintf(`{"value":{"id":%d,"askingMemberId":4512,"house":"Commons","uin":"%d",`+
		`"dateTabled":"2025-11-03T00:00:00","dateForAnswer":"2025-11-10T00:00:00","questionText":%q,`+
		`"answeringBodyName":"Department for Science, Innovation and Technology","isWithdrawn":false,`+
		`"answerText":%q,"dateAnswered":"2025-11-12T00:00:00","groupedQuestions":[],"attachments":[]},"links":[]}`,
		1800000+r.IntN(1000), 90000+r.IntN(1000), text(60), "<p>"+text(170)+"</p>")
	return []byte(doc)
}

// fixture returns a real saved response, read in place from
// ../shared/fixtures, or else the invented one.
func fixture(tb testing.TB, dir, name string, invented func() []byte) []byte {
	if fx, err := crawlertest.FixturesDir(dir); err == nil {
		if b, err := os.ReadFile(filepath.Join(fx, name)); err == nil {
			return b
		}
	}
	tb.Logf("%s/%s not found in ../shared/fixtures: using an invented document", dir, name)
	return invented()
}

// benchInputs are the payloads of the codec benchmarks, as HTTP responses:
// a real 60 KB Brussels detail page and a real 2 KB UK written question
// when the shared fixtures are present, and an invented repetitive page.
func benchInputs(tb testing.TB) []struct {
	name string
	ex   Exchange
} {
	html := exchange(tb, "https://www.parlement.brussels/weblex-quest-det/?moncode=170290&base=1", 200,
		http.Header{"Content-Type": {"text/html; charset=utf-8"}}, fixture(tb, "brussels", "170290.html", page60k), t0)
	js := exchange(tb, "https://questions-statements-api.parliament.uk/api/writtenquestions/questions/128658", 200,
		http.Header{"Content-Type": {"application/json; charset=utf-8"}}, fixture(tb, "uk", "detail_2026-04-21_128658.json", json2k), t0)
	// The invented page of few words: the compressor's hard case.
	rep := exchange(tb, "https://www.parlement.brussels/weblex-quest-det/?moncode=1&base=1", 200,
		http.Header{"Content-Type": {"text/html; charset=utf-8"}}, page60k(), t0)
	return []struct {
		name string
		ex   Exchange
	}{{"html60k", html}, {"json2k", js}, {"repetitive60k", rep}}
}

// gzipWriter and gzipReader are what both gzip packages offer.
type gzipWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

type gzipReader interface {
	io.Reader
	Reset(io.Reader) error
	Multistream(bool)
}

// reportCPU starts measuring the process's CPU time; the function it
// returns reports it per operation as cpu-ns/op.
func reportCPU(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		if end, ok2 := processCPU(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// mustGzipWriter returns a compress/gzip writer at level.
func mustGzipWriter(tb testing.TB, level int) *stdgzip.Writer {
	zw, err := stdgzip.NewWriterLevel(nil, level)
	if err != nil {
		tb.Fatal(err)
	}
	return zw
}

// writeMember compresses the response record of ex into a member on out.
func writeMember(zw gzipWriter, out io.Writer, ex Exchange) error {
	c, err := buildExchange(ex)
	if err != nil {
		return err
	}
	zw.Reset(out)
	if err := writeWARCRecord(zw, c.blocks[0].header, c.blocks[0].data); err != nil {
		return err
	}
	return zw.Close()
}

// readMember decompresses a member and reads back and checks its record.
func readMember(zr gzipReader, member []byte) (*Response, error) {
	if err := zr.Reset(bytes.NewReader(member)); err != nil {
		return nil, err
	}
	zr.Multistream(false)
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	rec, err := parseRecord(data)
	if err != nil {
		return nil, err
	}
	if err := rec.check(); err != nil {
		return nil, err
	}
	return rec.content("bench")
}

// nlnwaWrite builds the response record with nlnwa's builder (which
// computes and checks the SHA-1 digests and parses the HTTP block) and
// marshals it into a member on out.
func nlnwaWrite(zw gzipWriter, out io.Writer, m gowarc.Marshaler, ex Exchange, block []byte) error {
	rb := gowarc.NewRecordBuilder(gowarc.Response, gowarc.WithDefaultDigestAlgorithm("sha1"), gowarc.WithAddMissingDigest(true))
	rb.AddWarcHeader(gowarc.WarcRecordID, newUUID())
	rb.AddWarcHeaderTime(gowarc.WarcDate, ex.Fetched)
	rb.AddWarcHeader(gowarc.WarcTargetURI, ex.Request.URL.String())
	rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	rb.AddWarcHeaderInt(gowarc.ContentLength, len(block))
	if _, err := rb.Write(block); err != nil {
		return err
	}
	rec, _, err := rb.Build()
	if err != nil {
		return err
	}
	defer rec.Close()
	zw.Reset(out)
	if _, _, err := m.Marshal(zw, rec, 0); err != nil {
		return err
	}
	return zw.Close()
}

// nlnwaRead reads a member with nlnwa's unmarshaler, checks the digests and
// reads the payload.
func nlnwaRead(u gowarc.Unmarshaler, member []byte) ([]byte, error) {
	rec, _, _, err := u.Unmarshal(bufio.NewReader(bytes.NewReader(member)))
	if err != nil {
		return nil, err
	}
	defer rec.Close()
	if v, err := rec.ValidateDigest(); err != nil || len(v) > 0 {
		return nil, fmt.Errorf("nlnwa digest: %v %v", v, err)
	}
	pb, ok := rec.Block().(gowarc.PayloadBlock)
	if !ok {
		return nil, fmt.Errorf("nlnwa: %T is not a payload block", rec.Block())
	}
	pr, err := pb.PayloadBytes()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(pr)
}

// TestCodecsAgree checks that what the benchmarks compare is the same work:
// every writer's member reads back to the same payload with every reader.
func TestCodecsAgree(t *testing.T) {
	for _, in := range benchInputs(t) {
		c, err := buildExchange(in.ex)
		if err != nil {
			t.Fatal(err)
		}
		var members [][]byte
		for _, zw := range []gzipWriter{mustGzipWriter(t, gzipLevel), kpgzip.NewWriter(nil)} {
			var b bytes.Buffer
			if err := writeMember(zw, &b, in.ex); err != nil {
				t.Fatal(err)
			}
			members = append(members, b.Bytes())
		}
		var b bytes.Buffer
		if err := nlnwaWrite(kpgzip.NewWriter(nil), &b, gowarc.NewMarshaler(), in.ex, c.blocks[0].data); err != nil {
			t.Fatal(err)
		}
		members = append(members, b.Bytes())
		for i, m := range members {
			for _, zr := range []gzipReader{new(stdgzip.Reader), new(kpgzip.Reader)} {
				resp, err := readMember(zr, m)
				if err != nil {
					t.Fatalf("%s member %d: %v", in.name, i, err)
				}
				if d := equalBytes(resp.Body, in.ex.Body); d != "" {
					t.Errorf("%s member %d: %s", in.name, i, d)
				}
			}
			body, err := nlnwaRead(gowarc.NewUnmarshaler(), m)
			if err != nil {
				t.Fatalf("%s member %d: %v", in.name, i, err)
			}
			if d := equalBytes(body, in.ex.Body); d != "" {
				t.Errorf("%s member %d, nlnwa: %s", in.name, i, d)
			}
		}
	}
}

// BenchmarkCodecWrite: see the comment at the top of this file. The
// gz-bytes metric is the size of the member written.
func BenchmarkCodecWrite(b *testing.B) {
	for _, in := range benchInputs(b) {
		c, err := buildExchange(in.ex)
		if err != nil {
			b.Fatal(err)
		}
		for _, codec := range []struct {
			name  string
			nlnwa bool
			zw    gzipWriter
		}{
			{"stdlib", false, mustGzipWriter(b, gzipLevel)},
			{"stdlib-6", false, stdgzip.NewWriter(nil)},
			{"klauspost", false, kpgzip.NewWriter(nil)},
			{"nlnwa", true, kpgzip.NewWriter(nil)},
		} {
			b.Run(in.name+"/"+codec.name, func(b *testing.B) {
				// One compressor per run, reset for each member, as the Writer does.
				var out bytes.Buffer
				m := gowarc.NewMarshaler()
				b.SetBytes(int64(len(in.ex.Body)))
				defer reportCPU(b)()
				for b.Loop() {
					out.Reset()
					var err error
					if codec.nlnwa {
						err = nlnwaWrite(codec.zw, &out, m, in.ex, c.blocks[0].data)
					} else {
						err = writeMember(codec.zw, &out, in.ex)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(out.Len()), "gz-bytes")
			})
		}
	}
}

// BenchmarkCodecRead: see the comment at the top of this file.
func BenchmarkCodecRead(b *testing.B) {
	for _, in := range benchInputs(b) {
		var member bytes.Buffer
		if err := writeMember(mustGzipWriter(b, gzipLevel), &member, in.ex); err != nil {
			b.Fatal(err)
		}
		std, kp, u := new(stdgzip.Reader), new(kpgzip.Reader), gowarc.NewUnmarshaler()
		for _, codec := range []struct {
			name string
			read func() error
		}{
			{"stdlib", func() error { _, err := readMember(std, member.Bytes()); return err }},
			{"klauspost", func() error { _, err := readMember(kp, member.Bytes()); return err }},
			{"nlnwa", func() error { _, err := nlnwaRead(u, member.Bytes()); return err }},
		} {
			b.Run(in.name+"/"+codec.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.ex.Body)))
				defer reportCPU(b)()
				for b.Loop() {
					if err := codec.read(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
