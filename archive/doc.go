// Package archive writes every fetched HTTP exchange to WARC 1.1 files and
// reads them back.
//
// A Writer appends each exchange as a response record followed by a request
// record (WARC-Concurrent-To the response), each record its own gzip member,
// to files named <prefix>-<YYYYMMDDhhmmss>-<serial>.warc.gz that rotate by
// size. Write returns only after both records and the index line are fsynced,
// so a Record it returns survives a crash. The index, index.cdxj in the same
// directory, holds one CDXJ line per response:
//
//	<SURT-style key> <YYYYMMDDhhmmss> {"url":…,"mime":…,"status":"200","digest":"sha1:…","length":"…","offset":"…","filename":"…","record_id":"<urn:uuid:…>","date":"…"}
//
// Numbers are JSON strings, as pywb writes them. The index can always be
// rebuilt from the WARC files with RebuildIndex.
//
// Crash safety: one Writer at a time owns a directory (an advisory lock on
// writer.lock). OpenWriter cuts a torn tail (a record cut short by a kill or
// garbage after the last record) off the newest file of each prefix, drops
// index lines that point past the end of a file, and indexes complete records
// the index missed. A Writer never appends to a file it did not create.
//
// Records are written with the record writer of
// github.com/internetarchive/gowarc; reading uses this package's own reader
// (records are small and one per gzip member), and the tests check the files
// with the independent github.com/nlnwa/gowarc reader.
package archive
