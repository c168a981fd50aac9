package archive

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// recover repairs what a crashed writer may have left in the directory: a
// torn tail on the newest file of each prefix (cut off), index lines that
// point past the end of a file (dropped), a torn last index line (dropped),
// complete content records missing from the index (added), and a missing
// index (rebuilt). It is called with the directory lock held.
func (w *Writer) recover() error {
	dir := w.opts.Dir
	files, err := listWARCs(dir)
	if err != nil {
		return err
	}
	entries, bad, torn, exists, err := readIndex(dir)
	if err != nil {
		return err
	}
	newest := map[string]string{}
	for _, fi := range files {
		if fi.prefix != "" {
			newest[fi.prefix] = fi.name // files are sorted oldest first
		}
	}
	var found []Record
	for _, name := range newest {
		var mine []indexEntry
		for _, e := range entries {
			if e.rec.File == name {
				mine = append(mine, e)
			}
		}
		recs, err := w.repairFile(name, mine)
		if err != nil {
			return err
		}
		found = append(found, recs...)
	}
	if !exists {
		if len(files) == 0 {
			return nil
		}
		w.log.Warn("archive: index missing; rebuilding it from the warc files", "dir", dir)
		var damage *DamageError
		if err := rebuildIndex(dir); errors.As(err, &damage) {
			w.log.Error("archive: damaged records left out of the rebuilt index", "records", len(damage.Damaged), "err", err)
		} else if err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
		return nil
	}

	changed := bad > 0 || torn > 0
	if bad > 0 {
		w.log.Warn("archive: dropping unreadable index lines", "lines", bad)
	}
	if torn > 0 {
		w.log.Warn("archive: dropping torn last index line", "bytes", torn)
	}
	sizes := map[string]int64{}
	size := func(name string) int64 {
		if s, ok := sizes[name]; ok {
			return s
		}
		s := int64(-1)
		if name == filepath.Base(name) {
			if fi, err := os.Stat(filepath.Join(dir, name)); err == nil {
				s = fi.Size()
			}
		}
		sizes[name] = s
		return s
	}
	type loc struct {
		file   string
		offset int64
	}
	indexed := map[loc]bool{}
	var out bytes.Buffer
	dropped := 0
	for _, e := range entries {
		if e.rec.Offset+e.rec.Length > size(e.rec.File) {
			dropped++
			continue
		}
		indexed[loc{e.rec.File, e.rec.Offset}] = true
		out.Write(e.line)
		out.WriteByte('\n')
	}
	if dropped > 0 {
		changed = true
		w.log.Warn("archive: dropping index lines that point past the end of their file", "lines", dropped)
	}
	added := 0
	for _, r := range found {
		if indexed[loc{r.File, r.Offset}] {
			continue
		}
		line, err := indexLine(r)
		if err != nil {
			return err
		}
		out.Write(line)
		added++
	}
	if added > 0 {
		changed = true
		w.log.Warn("archive: indexing complete records the index missed", "records", added)
	}
	if !changed {
		return nil
	}
	if err := replaceFile(dir, indexName, out.Bytes()); err != nil {
		return fmt.Errorf("repair index: %w", err)
	}
	return nil
}

// repairFile checks the tail of dir/name and cuts off a torn last record or
// trailing garbage. It starts after the last indexed response that reads
// back (or at 0) and returns the complete content records it read from
// there. Damage followed by readable records is not a torn tail: the file
// is then left alone and the damage logged.
func (w *Writer) repairFile(name string, indexed []indexEntry) ([]Record, error) {
	path := filepath.Join(w.opts.Dir, name)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	size := fi.Size()

	var start int64
	slices.SortFunc(indexed, func(a, b indexEntry) int { return cmp.Compare(b.rec.Offset, a.rec.Offset) })
	for _, e := range indexed {
		if e.rec.Offset+e.rec.Length > size {
			continue
		}
		if rec, err := readRawAt(f, name, e.rec.Offset); err == nil && rec.length == e.rec.Length && rec.check() == nil {
			start = e.rec.Offset + e.rec.Length
		}
		break
	}

	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	rr := newRecordReader(f, name, start)
	good := start
	var found []Record
	var damage error
	for {
		rec, err := rr.next()
		if err == io.EOF {
			break
		}
		if err == nil {
			if cerr := rec.check(); cerr != nil {
				err = &FormatError{File: name, Offset: rec.offset, Err: cerr}
			}
		}
		if err != nil {
			damage = err
			break
		}
		good = rr.pos()
		if rec.isContent() {
			if resp, err := rec.content(name); err == nil {
				found = append(found, resp.Record)
			}
		}
	}
	if damage == nil {
		if size == 0 {
			w.log.Warn("archive: removing empty warc file", "file", name)
			if err := os.Remove(path); err != nil {
				return nil, fmt.Errorf("repair: %w", err)
			}
			return nil, syncDir(w.opts.Dir)
		}
		return found, nil
	}
	if off, ok := nextRecordAt(f, name, good+1, size); ok {
		w.log.Error("archive: damaged record followed by readable ones; leaving the file as it is",
			"file", name, "damage", damage, "next_readable_offset", off)
		return found, nil
	}
	if good == 0 {
		w.log.Warn("archive: removing warc file without a complete record", "file", name, "size", size, "reason", damage)
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("repair: %w", err)
		}
		return nil, syncDir(w.opts.Dir)
	}
	w.log.Warn("archive: cutting torn tail", "file", name, "size", size, "new_size", good, "reason", damage)
	if err := f.Truncate(good); err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	return found, nil
}

// readRawAt reads the record whose gzip member starts at offset.
func readRawAt(r io.ReaderAt, name string, offset int64) (*rawRecord, error) {
	rec, err := newRecordReader(io.NewSectionReader(r, offset, 1<<62), name, offset).next()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return rec, err
}

// nextRecordAt returns the offset of the first gzip member at or after from
// that holds one whole WARC record: where reading resumes after damage.
func nextRecordAt(r io.ReaderAt, name string, from, size int64) (int64, bool) {
	magic := []byte{0x1f, 0x8b, 0x08}
	buf := make([]byte, 256<<10)
	for pos := from; pos < size; {
		n, err := r.ReadAt(buf, pos)
		if n < len(magic) {
			return 0, false
		}
		chunk := buf[:n]
		for i := 0; ; {
			j := bytes.Index(chunk[i:], magic)
			if j < 0 {
				break
			}
			off := pos + int64(i+j)
			if _, err := readRawAt(r, name, off); err == nil {
				return off, true
			}
			i += j + 1
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, false
		}
		pos += int64(n - len(magic) + 1)
	}
	return 0, false
}
