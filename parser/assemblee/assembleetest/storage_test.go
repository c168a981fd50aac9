package assembleetest_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"testing"
	"time"

	"github.com/parlq/parlq/parser/assemblee/assembleetest"
)

// warcOverhead is what one archived record adds to its payload, gzipped:
// the WARC headers (type, target URI, date, record id, digests, length)
// and, for a response, the HTTP headers; about 400 bytes before compression.
const warcOverhead = 300

// zipOverhead is what one member adds to a zip besides its deflated bytes:
// its local header and its central-directory entry, each with the name and
// a timestamp field, and the data descriptor after the data.
const zipOverhead = 30 + 46 + 16 + 2*9 + 2*len("json/QANR5L17QE12345.json")

// BenchmarkYearOfNightlyDumps simulates a year of nightly harvests of a
// legislature of 15,000 written questions (generated: published on
// Tuesdays, answered, moved, renewed, signalled, a change of government
// half way) and reports what each way of archiving them costs on disk:
//
//   - dump_MB: the dump at the end of the year;
//   - changed_nights: nights whose dump differs in content from the night
//     before (the others answer 304 to a conditional GET, or rebuild the
//     same content);
//   - whole_changed_GB: the dump archived whole every night it changed;
//   - whole_nightly_GB: the dump archived whole every night (the AN
//     rebuilds it nightly, so its bytes and validators change even when its
//     content does not, unless the crawler compares content);
//   - members_MB: only the members that changed, each its own gzipped
//     record (what Ref.Document lets the crawler archive);
//   - changed_members: how many such records in the year.
//
// Deflated and gzipped sizes are measured on the generated documents; the
// zip and WARC framing is added as constants (zipOverhead, warcOverhead).
// Run it with: go test ./parser/assemblee/assembleetest -run XXX -bench Year -benchtime 1x
func BenchmarkYearOfNightlyDumps(b *testing.B) {
	const n, days = 15000, 365
	begin := time.Date(2024, 9, 3, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		// A legislature already two years old: the first night's dump holds
		// the questions of the previous year, then a year of nights.
		all := assembleetest.Generate(n, begin.AddDate(-1, 0, 0), 2*days)
		first := begin.AddDate(0, 0, -1)
		deflated := map[string]int{}
		zipped := 0
		for _, q := range assembleetest.AsOf(all, first) {
			deflated[q.UID()] = deflateSize(b, q.JSON())
			zipped += deflated[q.UID()] + zipOverhead
		}
		var wholeChanged, wholeNightly, members float64
		changedNights, changedMembers := 0, 0
		for d := range days {
			day := begin.AddDate(0, 0, d)
			changed := assembleetest.ChangedOn(all, day)
			for _, q := range changed {
				doc := q.JSON()
				old, had := deflated[q.UID()]
				deflated[q.UID()] = deflateSize(b, doc)
				zipped += deflated[q.UID()] - old
				if !had {
					zipped += zipOverhead
				}
				gz := gzipSize(b, doc) + warcOverhead
				members += float64(gz)
			}
			if len(changed) > 0 {
				changedNights++
				changedMembers += len(changed)
				wholeChanged += float64(zipped + warcOverhead)
			}
			wholeNightly += float64(zipped + warcOverhead)
		}
		end := begin.AddDate(0, 0, days-1)
		actual := len(assembleetest.Dump(assembleetest.AsOf(all, end), end))
		if diff := float64(actual-zipped) / float64(actual); diff > 0.02 || diff < -0.02 {
			b.Fatalf("estimated dump %d bytes, built %d: the zip framing constant is off", zipped, actual)
		}
		b.ReportMetric(float64(actual)/1e6, "dump_MB")
		b.ReportMetric(float64(changedNights), "changed_nights")
		b.ReportMetric(wholeChanged/1e9, "whole_changed_GB")
		b.ReportMetric(wholeNightly/1e9, "whole_nightly_GB")
		b.ReportMetric(members/1e6, "members_MB")
		b.ReportMetric(float64(changedMembers), "changed_members")
	}
}

func deflateSize(b *testing.B, doc []byte) int {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.DefaultCompression)
	if err != nil {
		b.Fatal(err)
	}
	w.Write(doc)
	w.Close()
	return buf.Len()
}

func gzipSize(b *testing.B, doc []byte) int {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(doc)
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Len()
}
