package crawler

import (
	"bytes"
	"context"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/parser"
	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

var (
	anYearQuestions = flag.Int("an-questions", 15000, "BenchmarkAssembleeYear: written questions of the legislature")
	anYearQuiet     = flag.Int("an-quiet", 6, "BenchmarkAssembleeYear: nights without a change of content that are run and measured (the others are counted at their average)")
	anYearDays      = flag.Int("an-days", 365, "BenchmarkAssembleeYear: nights harvested after the first (fewer for a quick look)")
	anYearDir       = flag.String("an-dir", "/dev/shm", "BenchmarkAssembleeYear: where the data directory goes (sizes do not depend on it; fsync on disk only costs time); empty for the test's temporary directory")
)

// anNight is one night of BenchmarkAssembleeYear.
type anNight struct {
	day     time.Time
	changed []assembleetest.Question // documents that change that day
	refs    []assembleetest.File     // the reference data, when they changed
	run     bool
}

// BenchmarkAssembleeYear measures what a year of nightly harvests of a
// legislature of 15,000 written questions costs on disk, with the real
// crawler, archive, catalog and parser against the stand-in:
//
//	go test ./crawler -run '^$' -bench AssembleeYear -benchtime 1x -timeout 30m
//
// The legislature (assembleetest.Generate: published on Tuesdays, answered,
// moved, renewed, signalled, a change of government half way) is a year old
// when the harvests start; a first night stores it whole, then every night
// of a year the stand-in publishes that day's changes (ChangedOn), the
// reference data of that day (GenerateReferences) and rebuilds both dumps
// (Rebuild: new bytes and validators, as the Assemblée does every night,
// whatever changed). Every night whose content changed is run; of the
// others, -an-quiet nights spread over the year are run and the rest are
// counted at the average of those (they archive the same thing: robots.txt
// and two revisit records). It reports:
//
//   - first_night_MB: the archive after the first harvest (the dump, the
//     reference data, one record per question);
//   - warc_year_MB: what the year added to the archive;
//   - catalog_MB: the SQLite catalog at the end (every version, capture,
//     run and tracking row);
//   - full_dump_copies, revisits, conversions: the year's dumps and
//     reference documents archived whole, as revisits, and the entries
//     archived as their own records;
//   - whole_nightly_GB: what archiving the dump as received every night
//     would have cost instead;
//   - s/night: the average wall time of a night's run.
func BenchmarkAssembleeYear(b *testing.B) {
	n, days := *anYearQuestions, *anYearDays
	begin := time.Date(2024, 9, 3, 0, 0, 0, 0, time.UTC)
	all := assembleetest.Generate(n, begin.AddDate(-1, 0, 0), 730)
	first := begin.AddDate(0, 0, -1)

	// The year's nights, and which are run.
	nights := make([]anNight, days)
	prevRefs := assembleetest.GenerateReferences(all, first)
	var quiet []int
	for d := range nights {
		day := begin.AddDate(0, 0, d)
		nt := anNight{day: day, changed: assembleetest.ChangedOn(all, day)}
		if refs := assembleetest.GenerateReferences(all, day); !sameFiles(refs, prevRefs) {
			nt.refs, prevRefs = refs, refs
		}
		nt.run = len(nt.changed) > 0 || nt.refs != nil
		if !nt.run {
			quiet = append(quiet, d)
		}
		nights[d] = nt
	}
	sample := min(*anYearQuiet, len(quiet))
	for i := range sample {
		nights[quiet[i*len(quiet)/sample]].run = true
	}
	src, err := parser.Lookup("assemblee")
	if err != nil {
		b.Fatal(err)
	}

	for range b.N {
		b.StopTimer()
		firstQs := assembleetest.AsOf(all, first)
		site := assembleetest.New(assembleetest.Options{
			Questions: firstQs, References: assembleetest.GenerateReferences(all, first),
		})
		h := newHarness(b, nil, noDelay)
		h.src, h.cfg.BaseURL, h.cfg.Timeout = src, site.URL(), time.Minute
		dir := h.dir
		if *anYearDir != "" {
			var err error
			if dir, err = os.MkdirTemp(*anYearDir, "parlq-bench-"); err != nil {
				b.Fatal(err)
			}
			defer os.RemoveAll(dir)
			reopenHarness(b, h, dir)
		}
		warc := filepath.Join(dir, "warc")
		count := newWARCCounter(warc)
		served := map[string][]byte{}
		for _, q := range firstQs {
			served[q.UID()] = q.JSON()
		}
		wall := h.clock()
		b.StartTimer()

		if r := h.mustRun(); r.New != len(firstQs) {
			b.Fatalf("first night = %+v; want %d new", r, len(firstQs))
		}
		firstNight := dirSize(b, warc)
		dump, _ := site.Dump()
		dumpSize := int64(len(dump))
		var (
			ran, changedNights, conversions, runsQuiet, fullCopies int
			quietBytes, wholeNightly                               int64
			elapsed                                                time.Duration
		)
		count.added(b)
		firstBytes := maps.Clone(count.bytes)
		for d, nt := range nights {
			changedDocs := 0
			for _, q := range nt.changed {
				doc := q.JSON()
				if !bytes.Equal(served[q.UID()], doc) {
					changedDocs++
					served[q.UID()] = doc
				}
				site.SetQuestion(q)
			}
			if nt.refs != nil {
				site.SetReferences(nt.refs)
			}
			site.Rebuild()
			if !nt.run {
				// The same members as the night before: the same size.
				wholeNightly += dumpSize
				continue
			}
			h.now = wall.Add(time.Duration(d+1) * 24 * time.Hour)
			size := dirSize(b, warc)
			start := time.Now()
			r := h.mustRun()
			elapsed += time.Since(start)
			ran++
			got := count.added(b)
			if got["conversion"] != changedDocs || r.Failed != 0 {
				b.Fatalf("night %s: %+v, archived %v; want %d entries archived", nt.day.Format("2006-01-02"), r, got, changedDocs)
			}
			dump, _ := site.Dump() // as served tonight
			dumpSize = int64(len(dump))
			wholeNightly += dumpSize
			conversions += got["conversion"]
			fullCopies += got["response"] - 1 // all but robots.txt: every night is rebuilt, no 304
			if len(nt.changed) > 0 || nt.refs != nil {
				changedNights++
			} else {
				runsQuiet++
				quietBytes += dirSize(b, warc) - size
			}
		}
		b.StopTimer()
		year := dirSize(b, warc) - firstNight
		skipped := len(quiet) - runsQuiet
		if runsQuiet > 0 {
			year += int64(skipped) * quietBytes / int64(runsQuiet)
		}
		count.added(b)
		revisits := count.n["revisit"] + 2*skipped
		yearBytes := func(typ string) float64 { return float64(count.bytes[typ]-firstBytes[typ]) / 1e6 }
		if err := h.cat.Close(); err != nil {
			b.Fatal(err)
		}
		if err := h.arc.Close(); err != nil {
			b.Fatal(err)
		}
		catalogBytes := fileSize(b, filepath.Join(dir, "catalog.db")) + fileSize(b, filepath.Join(dir, "catalog.db-wal"))
		site.Close()

		b.ReportMetric(float64(firstNight)/1e6, "first_night_MB")
		b.ReportMetric(float64(year)/1e6, "warc_year_MB")
		b.ReportMetric(float64(catalogBytes)/1e6, "catalog_MB")
		b.ReportMetric(float64(dumpSize)/1e6, "dump_MB")
		b.ReportMetric(float64(changedNights), "changed_nights")
		b.ReportMetric(float64(fullCopies), "full_dump_copies")
		b.ReportMetric(yearBytes("response"), "year_responses_MB")
		b.ReportMetric(yearBytes("conversion"), "year_entries_MB")
		b.ReportMetric(yearBytes("revisit")*float64(revisits)/float64(max(count.n["revisit"], 1)), "year_revisits_MB")
		b.ReportMetric(float64(revisits), "revisits")
		b.ReportMetric(float64(conversions), "conversions")
		b.ReportMetric(float64(wholeNightly)/1e9, "whole_nightly_GB")
		b.ReportMetric(elapsed.Seconds()/float64(ran), "s/night")
		b.ReportMetric(float64(quietBytes)/float64(max(runsQuiet, 1))/1e3, "quiet_night_KB")
	}
}

// reopenHarness moves a harness's archive and catalog to dir.
func reopenHarness(b *testing.B, h *harness, dir string) {
	b.Helper()
	h.arc.Close()
	h.cat.Close()
	var err error
	if h.arc, err = archive.OpenWriter(archive.DefaultOptions(filepath.Join(dir, "warc"))); err != nil {
		b.Fatal(err)
	}
	if h.cat, err = catalog.Open(context.Background(), filepath.Join(dir, "catalog.db")); err != nil {
		b.Fatal(err)
	}
	h.dir = dir
}

func sameFiles(a, b []assembleetest.File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Body, b[i].Body) {
			return false
		}
	}
	return true
}

func fileSize(b *testing.B, path string) int64 {
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}
