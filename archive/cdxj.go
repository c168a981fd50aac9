package archive

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// indexName is the CDXJ index inside the archive directory.
const indexName = "index.cdxj"

// cdxjFields is the JSON part of an index line. Numbers are strings, as in
// pywb's CDXJ. A response line has a status and no type; a line of another
// content record has its type, no status, and the record it refers to.
type cdxjFields struct {
	URL      string `json:"url"`
	MIME     string `json:"mime,omitempty"`
	Status   string `json:"status,omitempty"`
	Digest   string `json:"digest"`
	Length   string `json:"length"`
	Offset   string `json:"offset"`
	Filename string `json:"filename"`
	RecordID string `json:"record_id"`
	Date     string `json:"date,omitempty"` // WARC-Date with sub-second precision
	Type     string `json:"type,omitempty"`
	RefersTo string `json:"refers_to,omitempty"`
}

// indexLine formats the CDXJ line of rec, newline included.
func indexLine(rec Record) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(surtKey(rec.URL))
	b.WriteByte(' ')
	b.WriteString(rec.Time.UTC().Format("20060102150405"))
	b.WriteByte(' ')
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	f := cdxjFields{
		URL:      rec.URL,
		MIME:     rec.MIME,
		Digest:   rec.PayloadDigest,
		Length:   strconv.FormatInt(rec.Length, 10),
		Offset:   strconv.FormatInt(rec.Offset, 10),
		Filename: rec.File,
		RecordID: rec.RecordID,
		Date:     rec.Time.UTC().Format(warcDateFormat),
	}
	if rec.Type == "" || rec.Type == TypeResponse {
		f.Status = strconv.Itoa(rec.Status)
	} else {
		f.Type, f.RefersTo = rec.Type, rec.RefersTo
	}
	err := enc.Encode(f)
	if err != nil {
		return nil, fmt.Errorf("index line: %w", err)
	}
	return b.Bytes(), nil // Encode ends the line with "\n"
}

// indexEntry is a parsed index line.
type indexEntry struct {
	key  string
	rec  Record
	line []byte // without the newline
}

// parseIndexLine parses one CDXJ line (without its newline).
func parseIndexLine(line []byte) (indexEntry, error) {
	key, rest, ok1 := bytes.Cut(line, []byte(" "))
	stamp, js, ok2 := bytes.Cut(rest, []byte(" "))
	if !ok1 || !ok2 || len(key) == 0 {
		return indexEntry{}, errors.New("not a CDXJ line")
	}
	var f cdxjFields
	if err := json.Unmarshal(js, &f); err != nil {
		return indexEntry{}, fmt.Errorf("cdxj json: %w", err)
	}
	t, err := parseWARCDate(f.Date)
	if err != nil {
		if t, err = time.Parse("20060102150405", string(stamp)); err != nil {
			return indexEntry{}, fmt.Errorf("cdxj timestamp %q", stamp)
		}
	}
	var status int
	var err1 error
	if f.Type == "" {
		f.Type = TypeResponse
		status, err1 = strconv.Atoi(f.Status)
	}
	offset, err2 := strconv.ParseInt(f.Offset, 10, 64)
	length, err3 := strconv.ParseInt(f.Length, 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil || f.Filename == "" || offset < 0 || length <= 0 {
		return indexEntry{}, errors.New("cdxj fields: bad status, offset, length or filename")
	}
	return indexEntry{key: string(key), line: line, rec: Record{
		RecordID: f.RecordID, PayloadDigest: f.Digest, URL: f.URL, Time: t.UTC(),
		Status: status, MIME: f.MIME, File: f.Filename, Offset: offset, Length: length,
		Type: f.Type, RefersTo: f.RefersTo,
	}}, nil
}

// readIndex reads the complete lines of dir's index. torn is the number of
// bytes after the last newline (a line being written or cut by a crash);
// bad counts complete lines that do not parse. A missing index reads as
// empty with exists false.
func readIndex(dir string) (entries []indexEntry, bad int, torn int64, exists bool, err error) {
	f, err := os.Open(filepath.Join(dir, indexName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, 0, false, nil
	}
	if err != nil {
		return nil, 0, 0, false, fmt.Errorf("read index: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	for {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			return entries, bad, int64(len(line)), true, nil
		}
		if err != nil {
			return nil, 0, 0, true, fmt.Errorf("read index: %w", err)
		}
		line = line[:len(line)-1]
		e, perr := parseIndexLine(line)
		if perr != nil {
			bad++
			continue
		}
		entries = append(entries, e)
	}
}

// Lookup returns the captures of a URL from the index, oldest first:
// responses and the documents written with WriteResource (Record.Type
// tells them apart). URLs are matched by their SURT-style key, so scheme, a
// leading "www.", a default port, letter case and the order of query
// parameters do not matter. Each Record can be read with ReadResponse.
func Lookup(dir, rawURL string) ([]Record, error) {
	entries, _, _, _, err := readIndex(dir)
	if err != nil {
		return nil, fmt.Errorf("lookup: %w", err)
	}
	key := surtKey(rawURL)
	var out []Record
	for _, e := range entries {
		if e.key == key {
			out = append(out, e.rec)
		}
	}
	slices.SortStableFunc(out, func(a, b Record) int { return a.Time.Compare(b.Time) })
	return out, nil
}

// RebuildIndex rewrites dir's index from the WARC files, replacing it
// atomically. It takes the directory's writer lock, so it fails with
// ErrLocked while a Writer is open. Damaged records are left out of the
// index, which is written all the same, and reported with a *DamageError.
func RebuildIndex(dir string) error {
	lock, err := lockDir(dir)
	if err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	defer unlockDir(lock)
	if err := rebuildIndex(dir); err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	return nil
}

// rebuildIndex rewrites the index from every readable content record in
// dir; the error of a walk that met damage (a *DamageError) is returned
// after the index is written.
func rebuildIndex(dir string) error {
	var buf bytes.Buffer
	err := Walk(context.Background(), dir, func(r *Response) error {
		line, err := indexLine(r.Record)
		if err != nil {
			return err
		}
		buf.Write(line)
		return nil
	})
	var damage *DamageError
	if err != nil && !errors.As(err, &damage) {
		return err
	}
	if werr := replaceFile(dir, indexName, buf.Bytes()); werr != nil {
		return werr
	}
	return err
}

// replaceFile atomically replaces dir/name with data.
func replaceFile(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, name+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

// surtKey returns the SURT-style sort key of a URL: host labels reversed
// and comma-joined without "www.", the port unless it is the scheme's
// default, ")", then the lowercased path and the sorted query
// ("https://www.Example.org/a?b=1&a=2" → "org,example)/a?a=2&b=1").
func surtKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.ReplaceAll(strings.ToLower(raw), " ", "%20")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	var b strings.Builder
	if net.ParseIP(host) != nil {
		b.WriteString(host)
	} else {
		host = strings.TrimPrefix(host, "www.")
		labels := strings.Split(host, ".")
		slices.Reverse(labels)
		b.WriteString(strings.Join(labels, ","))
	}
	if p := u.Port(); p != "" && !(p == "80" && u.Scheme == "http") && !(p == "443" && u.Scheme == "https") {
		b.WriteString(":" + p)
	}
	b.WriteByte(')')
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(strings.ToLower(path))
	if u.RawQuery != "" {
		params := strings.Split(strings.ToLower(u.RawQuery), "&")
		slices.Sort(params)
		b.WriteByte('?')
		b.WriteString(strings.Join(params, "&"))
	}
	return strings.ReplaceAll(b.String(), " ", "%20")
}
