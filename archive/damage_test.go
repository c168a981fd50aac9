package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// damageFile writes a file of 10 exchanges and, after the fifth, a dump
// entry (a conversion record), and returns the directory, the file's bytes
// and the content Records in file order.
func damageFile(t *testing.T) (string, []byte, []Record) {
	t.Helper()
	dir := t.TempDir()
	w := openTest(t, dir, 0)
	var recs []Record
	for i := range 10 {
		body := bytes.Repeat([]byte(fmt.Sprintf("<p>réponse %d</p>\n", i)), 40+i*30)
		rec := mustWrite(t, w, exchange(t, fmt.Sprintf("https://example.org/d/%d", i), 200, nil, body, t0.Add(time.Duration(i)*time.Second)))
		recs = append(recs, rec)
		if i == 4 {
			doc, err := w.WriteResource(context.Background(), Resource{TargetURI: "https://example.org/d/4.json",
				ContentType: "application/json", Body: []byte(`{"n":4}`), Date: rec.Time, RefersTo: rec.RecordID})
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, doc)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, recs[0].File))
	if err != nil {
		t.Fatal(err)
	}
	return dir, data, recs
}

// rawAt reads the record of the member at offset in data.
func rawAt(t *testing.T, data []byte, offset int64) *rawRecord {
	t.Helper()
	rec, err := readRawAt(bytes.NewReader(data), "x", offset)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// member compresses raw into one gzip member.
func member(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// serialize returns the uncompressed bytes of a record.
func serialize(t *testing.T, h fields, block []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writeWARCRecord(&b, h, block); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// splice replaces data[from:to] with repl.
func splice(data []byte, from, to int64, repl []byte) []byte {
	return slices.Concat(data[:from], repl, data[to:])
}

// walkDamaged walks dir and returns the RecordIDs visited and the damage
// reported.
func walkDamaged(t *testing.T, dir string) ([]string, []*FormatError) {
	t.Helper()
	var ids []string
	err := Walk(context.Background(), dir, func(r *Response) error {
		if got, err := ReadResponse(dir, r.File, r.Offset); err != nil || got.RecordID != r.RecordID {
			t.Errorf("Walk gave %s at %s:%d, which ReadResponse reads as %v, %v", r.RecordID, r.File, r.Offset, got, err)
		}
		ids = append(ids, r.RecordID)
		return nil
	})
	if err == nil {
		return ids, nil
	}
	var de *DamageError
	if !errors.As(err, &de) || !errors.Is(err, ErrMalformed) {
		t.Fatalf("Walk: %v; want a *DamageError wrapping ErrMalformed", err)
	}
	return ids, de.Damaged
}

// TestWalkDamage damages one file in the middle in several ways: Walk
// reads every record the damage spared, reports each damaged stretch with
// its file and offset, and says how many there were only at the end.
func TestWalkDamage(t *testing.T) {
	_, clean, recs := damageFile(t)
	r5 := recs[5] // the conversion written after exchange 4
	if r5.Type != TypeConversion {
		t.Fatalf("recs[5] is %s; want the conversion", r5.Type)
	}
	resp := func(i int) Record { // the i-th response record
		n := -1
		for _, r := range recs {
			if r.Type == TypeResponse {
				if n++; n == i {
					return r
				}
			}
		}
		t.Fatalf("no response %d", i)
		return Record{}
	}
	reqEnd := func(r Record) int64 { // end of the request member after response r
		return r.Offset + r.Length + rawAt(t, clean, r.Offset+r.Length).length
	}
	ids := func(rs ...Record) []string {
		var out []string
		for _, r := range recs {
			if !slices.ContainsFunc(rs, func(x Record) bool { return x.RecordID == r.RecordID }) {
				out = append(out, r.RecordID)
			}
		}
		return out
	}

	r2, r3, r7, r8 := resp(2), resp(3), resp(7), resp(8)
	cases := []struct {
		name    string
		damage  func() []byte
		lost    []Record // content records the damage destroys
		offsets []int64  // where each damaged stretch starts
		want    string   // in the error of the first stretch
	}{
		{"flipped bytes", func() []byte {
			d := bytes.Clone(clean)
			for i := int64(40); i < 48; i++ {
				d[r3.Offset+i] ^= 0x5a
			}
			return d
		}, []Record{r3}, []int64{r3.Offset}, "gzip"},
		{"flipped bytes in two records", func() []byte {
			d := bytes.Clone(clean)
			d[r2.Offset+60] ^= 0xff
			d[r7.Offset+60] ^= 0xff
			return d
		}, []Record{r2, r7}, []int64{r2.Offset, r7.Offset}, "gzip"},
		{"zeroed block over three records", func() []byte {
			d := bytes.Clone(clean)
			from, to := r2.Offset+30, r3.Offset+r3.Length+5 // r2, its request, r3 and r3's request
			clear(d[from:to])
			return d
		}, []Record{r2, r3}, []int64{r2.Offset}, "gzip"},
		{"a record cut, intact ones after", func() []byte {
			// The end of r3's member and its request are gone: r3 is cut
			// short and the next member (r4) follows at once.
			return splice(clean, r3.Offset+r3.Length/2, reqEnd(r3), nil)
		}, []Record{r3}, []int64{r3.Offset}, "gzip member"},
		{"damaged gzip header", func() []byte {
			d := bytes.Clone(clean)
			d[r8.Offset] = 0
			return d
		}, []Record{r8}, []int64{r8.Offset}, "gzip header"},
		{"bad WARC header", func() []byte {
			rec := rawAt(t, clean, r7.Offset)
			raw := serialize(t, rec.header, rec.block)
			raw = bytes.Replace(raw, []byte("WARC/1.1\r\n"), []byte("WARC/1.1\r\na line without a colon\r\n"), 1)
			return splice(clean, r7.Offset, r7.Offset+r7.Length, member(t, raw))
		}, []Record{r7}, []int64{r7.Offset}, "bad WARC header line"},
		{"digest mismatch", func() []byte {
			rec := rawAt(t, clean, r2.Offset)
			block := bytes.Clone(rec.block)
			block[len(block)-3] ^= 0x01 // same length, other payload
			return splice(clean, r2.Offset, r2.Offset+r2.Length, member(t, serialize(t, rec.header, block)))
		}, []Record{r2}, []int64{r2.Offset}, "block digest"},
		{"conversion with a wrong digest", func() []byte {
			rec := rawAt(t, clean, r5.Offset)
			block := bytes.Clone(rec.block)
			block[2] = 'm'
			return splice(clean, r5.Offset, r5.Offset+r5.Length, member(t, serialize(t, rec.header, block)))
		}, []Record{r5}, []int64{r5.Offset}, "digest"},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			dir := t.TempDir()
			name := recs[0].File
			if err := os.WriteFile(filepath.Join(dir, name), c.damage(), 0o644); err != nil {
				t.Fatal(err)
			}
			got, damaged := walkDamaged(t, dir)
			if want := ids(c.lost...); !slices.Equal(got, want) {
				t.Errorf("Walk visited %d records; want the %d the damage spared:\n%v\n%v", len(got), len(want), got, want)
			}
			if len(damaged) != len(c.offsets) {
				t.Fatalf("%d damaged stretches reported (%v); want %d", len(damaged), damaged, len(c.offsets))
			}
			for i, d := range damaged {
				if d.File != name || d.Offset != c.offsets[i] {
					t.Errorf("damage #%d at %s:%d; want %s:%d", i, d.File, d.Offset, name, c.offsets[i])
				}
			}
			if !strings.Contains(damaged[0].Error(), c.want) {
				t.Errorf("damage %q does not say %q", damaged[0], c.want)
			}
			// The archived copy of a damaged capture is a clear error.
			for _, lost := range c.lost[:1] {
				_, err := ReadResponse(dir, name, lost.Offset)
				var fe *FormatError
				if !errors.Is(err, ErrMalformed) || !errors.As(err, &fe) || fe.File != name || fe.Offset != lost.Offset {
					t.Errorf("ReadResponse of the damaged capture: %v; want a FormatError at %s:%d", err, name, lost.Offset)
				}
			}
			// The index rebuilt from the damaged file holds what is readable
			// and the rebuild says what is not.
			err := RebuildIndex(dir)
			var de *DamageError
			if !errors.As(err, &de) || len(de.Damaged) != len(c.offsets) {
				t.Errorf("RebuildIndex: %v; want the same damage", err)
			}
			if n := len(indexLines(t, dir)); n != len(got) {
				t.Errorf("rebuilt index has %d lines; want %d", n, len(got))
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%d damaged warc records", len(c.offsets))) {
				t.Errorf("error %q does not count the damaged records", err)
			}
		})
	}
}

// TestWalkCutFiles: a file cut short that is not the newest of its prefix
// (no writer can be writing it) is damage; the same cut in the newest file
// is a record being written, which the next OpenWriter cuts off.
func TestWalkCutFiles(t *testing.T) {
	dir := t.TempDir()
	var recs []Record
	for f := range 3 {
		w := openTest(t, dir, 0)
		for i := range 3 {
			recs = append(recs, mustWrite(t, w, exchange(t, fmt.Sprintf("https://example.org/f%d/%d", f, i), 200, nil, bytes.Repeat([]byte("y"), 500), t0)))
		}
		w.Close()
	}
	cut := func(r Record) {
		path := filepath.Join(dir, r.File)
		if err := os.Truncate(path, r.Offset+r.Length/2); err != nil {
			t.Fatal(err)
		}
	}
	cut(recs[2]) // the last response of the first file
	cut(recs[8]) // the last response of the newest file
	got, damaged := walkDamaged(t, dir)
	var want []string
	for i, r := range recs {
		if i != 2 && i != 8 {
			want = append(want, r.RecordID)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Walk visited %v; want %v", got, want)
	}
	if len(damaged) != 1 || damaged[0].File != recs[2].File || damaged[0].Offset != recs[2].Offset || !errors.Is(damaged[0], ErrMalformed) {
		t.Errorf("damage %v; want one at %s:%d", damaged, recs[2].File, recs[2].Offset)
	}
}

// TestReadResponseDamaged: every way a capture can be unreadable is an
// ErrMalformed FormatError naming the file and offset asked for; a missing
// file is not.
func TestReadResponseDamaged(t *testing.T) {
	dir, clean, recs := damageFile(t)
	name := recs[0].File
	r := recs[3]
	write := func(data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name   string
		data   []byte
		offset int64
	}{
		{"flipped byte", func() []byte { d := bytes.Clone(clean); d[r.Offset+r.Length/2] ^= 0x10; return d }(), r.Offset},
		{"cut by media damage", clean[:r.Offset+r.Length-10], r.Offset},
		{"file ends before the offset", clean[:r.Offset], r.Offset},
		{"zeroed", func() []byte { d := bytes.Clone(clean); clear(d[r.Offset : r.Offset+r.Length]); return d }(), r.Offset},
		{"request record, not content", clean, r.Offset + r.Length},
		{"middle of a member", clean, r.Offset + 7},
		{"warcinfo record", clean, 0},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			write(c.data)
			_, err := ReadResponse(dir, name, c.offset)
			var fe *FormatError
			if !errors.Is(err, ErrMalformed) || !errors.As(err, &fe) || fe.File != name || fe.Offset != c.offset {
				t.Errorf("ReadResponse: %v; want a FormatError at %s:%d", err, name, c.offset)
			}
		})
	}
	write(clean)
	if _, err := ReadResponse(dir, "parlq-20260101000000-00099.warc.gz", 0); !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrMalformed) {
		t.Errorf("ReadResponse of a missing file: %v; want fs.ErrNotExist, not ErrMalformed", err)
	}
}
