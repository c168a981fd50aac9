package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
)

// Bulk dumps and reference documents are big, change rarely, and are
// rebuilt by their site with new bytes (timestamps) whatever their content.
// Their last capture records their normalized digest (Source.Normalize:
// for a zip, the list of its members' names, CRC-32 and sizes), and a
// fetch of them:
//
//   - is conditional (If-None-Match, If-Modified-Since from that capture);
//     on 304 Not Modified the bytes are read back from the archive;
//   - archives a 200 whose normalized content equals the last capture's as
//     a WARC revisit record (RevisitProfile: headers and the received
//     payload's digest, not the payload) referring to the full copy that
//     holds that content; any other response is archived whole.
//
// Lists that deliver no documents inline (index pages, API lists) record
// no digest and are fetched as before.

// document is a list page or reference document as this run got it.
type document struct {
	url, fetchedURL string
	// page is the response: Status 200 and Body even when the server
	// answered 304 (Body then comes from the archive); Record is the
	// record this fetch archived, or the full copy read back for a 304.
	page *fetched
	// content is the archived record holding Body: the response itself,
	// or the full copy a revisit or a 304 stands for.
	content archive.Record
	// at is when this run fetched it.
	at time.Time
	// digest is the content digest (contentDigest), "" until computed.
	digest string
}

// getList fetches a list page (see getDocument) and keeps it for keepList.
func (r *run) getList(ctx context.Context, canonicalURL, fetchedURL string) (*fetched, error) {
	doc, err := r.getDocument(ctx, canonicalURL, fetchedURL)
	if err != nil {
		return nil, err
	}
	r.bulk.setList(canonicalURL, doc)
	return doc.page, nil
}

// getDocument fetches a list page or reference document: conditionally,
// and kept as a revisit when its content did not change, when its last
// capture recorded a content digest; plainly otherwise.
func (r *run) getDocument(ctx context.Context, canonicalURL, fetchedURL string) (*document, error) {
	doc := &document{url: canonicalURL, fetchedURL: fetchedURL}
	prev, err := r.cat.LastDocument(ctx, canonicalURL)
	if errors.Is(err, catalog.ErrNotFound) {
		return doc, r.fetchWhole(doc)
	}
	if err != nil {
		return nil, err
	}
	hdr := http.Header{}
	if prev.ETag != "" {
		hdr.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		hdr.Set("If-Modified-Since", prev.LastModified)
	}
	keep := func(h http.Header, body []byte) *archive.Revisit {
		d, err := r.contentDigest(canonicalURL, body, h.Get("Content-Type"))
		if err != nil || d != prev.NormDigest {
			return nil
		}
		full, err := r.fullCopy(ctx, prev)
		if err != nil {
			r.log.Warn("the last copy cannot be read back: archiving the document whole", "url", canonicalURL, "error", err)
			return nil
		}
		doc.content, doc.digest = full, d
		return &archive.Revisit{Profile: RevisitProfile, RefersTo: full.RecordID,
			RefersToTargetURI: full.URL, RefersToDate: full.Time,
			Fields: []archive.Field{{Name: NormalizedDigestField, Value: d}}}
	}
	pg, err := r.f.getKeeping(fetchedURL, hdr, keep)
	if err != nil {
		return nil, err
	}
	doc.page, doc.at = pg, pg.Record.Time
	switch {
	case pg.Status == http.StatusNotModified:
		full, err := r.fullCopy(ctx, prev)
		var back *archive.Response
		if err == nil {
			back, err = archive.ReadResponse(r.arc.Dir(), full.File, full.Offset)
		}
		if err != nil {
			r.log.Warn("not modified, but the last copy cannot be read back: fetching it again", "url", canonicalURL, "error", err)
			return doc, r.fetchWhole(doc)
		}
		doc.page = &fetched{Status: http.StatusOK, Header: back.Header, Body: back.Body, Record: back.Record, Attempts: pg.Attempts}
		doc.content, doc.digest = back.Record, prev.NormDigest
	case pg.Record.Type != archive.TypeRevisit:
		doc.content = pg.Record
	}
	return doc, nil
}

// fetchWhole fetches doc without validators and archives the response as
// received.
func (r *run) fetchWhole(doc *document) error {
	pg, err := r.f.get(doc.fetchedURL, nil)
	if err != nil {
		return err
	}
	doc.page, doc.content, doc.at, doc.digest = pg, pg.Record, pg.Record.Time, ""
	return nil
}

// fullCopy returns the archived response holding the content of a capture:
// the capture's own record, or the record its revisit refers to.
func (r *run) fullCopy(ctx context.Context, cp *catalog.Capture) (archive.Record, error) {
	dir := r.arc.Dir()
	rec, err := archive.ReadRecord(dir, cp.File, cp.Offset)
	if err != nil {
		return archive.Record{}, err
	}
	if rec.RecordID != cp.RecordID {
		return archive.Record{}, fmt.Errorf("capture %s: the archive has %s at %s:%d", cp.RecordID, rec.RecordID, cp.File, cp.Offset)
	}
	if rec.Type == archive.TypeRevisit {
		full, err := r.cat.CaptureByRecordID(ctx, rec.RefersTo)
		if err != nil {
			return archive.Record{}, fmt.Errorf("revisit %s: %w", rec.RecordID, err)
		}
		if rec, err = archive.ReadRecord(dir, full.File, full.Offset); err != nil {
			return archive.Record{}, err
		}
		if rec.RecordID != full.RecordID {
			return archive.Record{}, fmt.Errorf("capture %s: the archive has %s at %s:%d", full.RecordID, rec.RecordID, full.File, full.Offset)
		}
	}
	if rec.Type != archive.TypeResponse || rec.Status != http.StatusOK {
		return archive.Record{}, fmt.Errorf("capture %s: a %s record with status %d, not a full copy", rec.RecordID, rec.Type, rec.Status)
	}
	return rec, nil
}

// contentDigest is the digest of a document's content as the source
// normalizes it ("sha256:HEX"), whatever its bytes' framing.
func (r *run) contentDigest(canonicalURL string, raw []byte, contentType string) (string, error) {
	body, err := decode(raw, contentType)
	if err != nil {
		return "", err
	}
	norm, err := r.src.Normalize(canonicalURL, body)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(norm)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// keepDocument records the capture of a document with its content digest
// and validators, from which the next fetch starts. A capture already
// recorded (a 304 read back from the archive) is left as it is.
func (r *run) keepDocument(ctx context.Context, doc *document) error {
	pg := doc.page
	if doc.digest == "" {
		d, err := r.contentDigest(doc.url, pg.Body, pg.Header.Get("Content-Type"))
		if err != nil {
			// The source cannot normalize it: its bytes are its content.
			sum := sha256.Sum256(pg.Body)
			d = "sha256:" + hex.EncodeToString(sum[:])
		}
		doc.digest = d
	}
	_, err := r.cat.AddCapture(ctx, catalog.Capture{
		Source: r.src.Name(), URL: doc.url, RecordID: pg.Record.RecordID, File: pg.Record.File,
		Offset: pg.Record.Offset, PayloadDigest: pg.Record.PayloadDigest, NormDigest: doc.digest,
		Status: http.StatusOK, ETag: pg.Header.Get("ETag"), LastModified: pg.Header.Get("Last-Modified"),
		FetchedAt: pg.Record.Time, RunID: r.rec.ID,
	})
	return err
}
