// Package archive writes every fetched HTTP exchange to WARC 1.1 files and
// reads them back.
//
// A Writer appends each exchange as a response record followed by a request
// record (WARC-Concurrent-To the response), each record its own gzip member,
// to files named <prefix>-<YYYYMMDDhhmmss>-<serial>.warc.gz that rotate by
// size. A document that did not come as a response of its own (an entry of
// a bulk dump) is written with WriteResource as a 'conversion' record whose
// WARC-Refers-To names the response it was taken from. Write and
// WriteResource return only after the records and the index line are
// fsynced, so a Record they return survives a crash. The index, index.cdxj
// in the same directory, holds one CDXJ line per content record:
//
//	<SURT-style key> <YYYYMMDDhhmmss> {"url":…,"mime":…,"status":"200","digest":"sha1:…","length":"…","offset":"…","filename":"…","record_id":"<urn:uuid:…>","date":"…"}
//
// Numbers are JSON strings, as pywb writes them; the line of a conversion
// has "type":"conversion" and "refers_to" instead of a status. The index can
// always be rebuilt from the WARC files with RebuildIndex.
//
// Crash safety: one Writer at a time owns a directory (an advisory lock on
// writer.lock). OpenWriter cuts a torn tail (a record cut short by a kill or
// garbage after the last record) off the newest file of each prefix, drops
// index lines that point past the end of a file, and indexes complete records
// the index missed. A Writer never appends to a file it did not create.
//
// Damage: ReadResponse of a capture that cannot be read returns an error
// wrapping ErrMalformed. Walk reads past damaged records to every readable
// one and reports the damaged ones at the end (DamageError).
//
// Records are written and read by this package with the standard library
// (compress/gzip: one member per record); the tests check every file with
// the independent reader of github.com/nlnwa/gowarc under strict validation.
package archive
