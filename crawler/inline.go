package crawler

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
)

// A list that delivers its questions' own documents inline (parlq.Ref.Document:
// the entries of a bulk dump) is read without a request per question. Each
// entry of the list:
//
//   - whose digest (Digest: normalized content, parser version, listing)
//     is the one its stored record was read from counts as fetched: its
//     tracking row is updated, nothing is archived, no version is made;
//   - that is new or changed is archived as its own WARC conversion record
//     (archive.Writer.WriteResource: its target URI the question's own
//     document, WARC-Refers-To the dump's archived response), then read and
//     stored from that record, which its version's capture names;
//   - that its source cannot read fails that question loudly, as a page
//     would (its record stays archived, for reparse); the others are
//     stored.
//
// A ref of such a list without a document (an entry the zip cannot give
// back) is fetched from its own URL in this run. A question the list no
// longer carries is re-checked from its own URL under the source's re-check
// policy, like any other.

// markBatch is how many questions seen unchanged are marked fetched in one
// catalog transaction.
const markBatch = 1000

// bulk is what one run knows of the documents its lists delivered.
type bulk struct {
	lists   map[string]*document    // by canonical list URL, for keepList
	entries map[string]*inlineEntry // by question id
	// digests are the stored records' digests (catalog.LatestNormDigests),
	// read at the first entry.
	digests map[string]string
	// left counts the planned entries not read yet; seen the ones found
	// unchanged and not yet marked fetched.
	left int
	seen []string
}

// inlineEntry is one question's document as a list delivered it.
type inlineEntry struct {
	// doc is the document; nil when the list could not give it back (the
	// question is then fetched from its URL).
	doc  []byte
	list *document
}

func (b *bulk) setList(u string, doc *document) {
	if b.lists == nil {
		b.lists = map[string]*document{}
	}
	b.lists[u] = doc
}

// entry returns the entry a list delivered for a question, or nil.
func (b *bulk) entry(id string) *inlineEntry { return b.entries[id] }

// keepList registers the documents a list page delivered inline, after its
// refs were read, and records the list's capture with its content digest
// (see dump.go). A list without inline documents is left to discover.
func (r *run) keepList(ctx context.Context, u string, d *parlq.Discovery) error {
	doc := r.bulk.lists[u]
	delete(r.bulk.lists, u)
	inline := false
	for _, ref := range d.Refs {
		inline = inline || ref.Document != nil
	}
	if doc == nil || !inline {
		return nil
	}
	if r.bulk.entries == nil {
		r.bulk.entries = map[string]*inlineEntry{}
	}
	for _, ref := range d.Refs {
		if _, dup := r.bulk.entries[ref.ID]; !dup {
			r.bulk.entries[ref.ID] = &inlineEntry{doc: ref.Document, list: doc}
		}
	}
	return r.keepDocument(ctx, doc)
}

// inlineReason is why a question of a list with inline documents is
// planned: read from its entry, or, when the list could not give its
// document, fetched from its URL now.
func inlineReason(e *inlineEntry, why int) int {
	if e.doc != nil {
		return reasonInline
	}
	return min(why, reasonUpdated)
}

// readInline reads one question from the document its list delivered and
// stores it when it changed. Like fetchItem, it returns false for a failure
// that is recorded, and an error only for what must stop the run.
func (r *run) readInline(ctx context.Context, it catalog.Item, e *inlineEntry) (bool, error) {
	now := r.cfg.Now()
	r.bulk.left--
	defer func() {
		if r.bulk.left <= 0 || len(r.bulk.seen) >= markBatch {
			r.flushSeen(ctx, now)
		}
	}()
	if r.bulk.digests == nil {
		ds, err := r.cat.LatestNormDigests(ctx, r.src.Name())
		if err != nil {
			return false, err
		}
		r.bulk.digests = ds
	}
	ct := entryType(it.URL, e.doc)
	if d, err := Digest(r.src, it.URL, e.doc, ct, it.Listing); err == nil && d == r.bulk.digests[it.ID] {
		r.rec.Unchanged++
		r.bulk.seen = append(r.bulk.seen, it.ID)
		return true, nil
	}
	// Archived first, as every response is: a version's capture is this
	// small record, and reparse reads the entry again from it, a failed
	// one too once its parser knows better.
	fetchedURL := r.fetchURL(it.URL)
	rec, err := r.arc.WriteResource(ctx, archive.Resource{
		TargetURI: fetchedURL, ContentType: ct, Body: e.doc, Date: e.list.at, RefersTo: e.list.content.RecordID,
	})
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrArchive, err)
	}
	capture := catalog.Capture{
		Source: r.src.Name(), URL: it.URL, QuestionID: it.ID, RecordID: rec.RecordID, File: rec.File,
		Offset: rec.Offset, PayloadDigest: rec.PayloadDigest, FetchedAt: rec.Time, RunID: r.rec.ID,
	}
	fail := func(err error) (bool, error) {
		if _, cerr := r.cat.AddCapture(ctx, capture); cerr != nil {
			return false, cerr
		}
		return r.failed(ctx, it, now, fmt.Errorf("entry of %s: %w", e.list.fetchedURL, nameFetched(fetchedURL, err)))
	}
	rd, err := Read(r.src, it.URL, e.doc, ct, func(string) (*parlq.Question, error) { return it.Listing, nil })
	capture.NormDigest = rd.Digest
	if err != nil {
		return fail(err)
	}
	q := rd.Record
	if q.ID != it.ID {
		return fail(fmt.Errorf("the document is question %s, the list says %s", q.ID, it.ID))
	}
	if _, err := r.cat.AddCapture(ctx, capture); err != nil {
		return false, err
	}
	res, err := r.cat.PutChecked(ctx, q, parlq.Capture{
		RecordID: rec.RecordID, PayloadDigest: rec.PayloadDigest, File: rec.File, Offset: rec.Offset, URL: rec.URL,
	}, rec.Time, catalog.Check{RunID: r.rec.ID, URL: it.URL, Listing: it.Listing})
	if err != nil {
		return false, err
	}
	r.count(res)
	if res.Outcome == catalog.Suspect {
		// Held back like a fetched page (fetchItem): the entry's digest is
		// not the stored one, so the next dump reads it again.
		r.suspects = append(r.suspects, fmt.Sprintf("%s (%s) %s", it.ID, strings.Join(parlq.LossFields(res.Losses), ", "), it.URL))
		r.log.Error("dump entry held back as suspect: its record would lose what the stored one has",
			"id", it.ID, "url", it.URL, "losses", fmt.Sprint(res.Losses))
	} else {
		r.bulk.digests[it.ID] = rd.Digest
	}
	if err := onChange(ctx, r.cat, r.cfg.OnChange, q, res); err != nil {
		return false, err
	}
	return true, r.cat.MarkFetched(ctx, it.ID, now)
}

// flushSeen marks the questions found unchanged as fetched. A failure is
// logged, not fatal: they are read again next run.
func (r *run) flushSeen(ctx context.Context, now time.Time) {
	if len(r.bulk.seen) == 0 {
		return
	}
	if err := r.cat.MarkFetchedAll(context.WithoutCancel(ctx), r.bulk.seen, now); err != nil {
		r.log.Warn("cannot mark the questions the dump carried unchanged as fetched", "count", len(r.bulk.seen), "error", err)
	}
	r.bulk.seen = r.bulk.seen[:0]
}

// entryType is the media type of an inline document: by the extension of
// its own URL, else sniffed.
func entryType(u string, doc []byte) string {
	if pu, err := url.Parse(u); err == nil {
		if t := mime.TypeByExtension(path.Ext(pu.Path)); t != "" {
			return t
		}
	}
	return http.DetectContentType(doc)
}

// failed records a question that could not be fetched or read (fetchItem,
// readInline): the run goes on (false, nil) unless the run is cancelled or
// the archive failed.
func (r *run) failed(ctx context.Context, it catalog.Item, now time.Time, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	// These stop the run: the question did not fail, the run cannot go on.
	if errors.Is(err, ErrArchive) || errors.Is(err, ErrHostWait) || errors.Is(err, ErrRobotsUnavailable) {
		return false, err
	}
	r.rec.Failed++
	if r.firstErr == nil {
		r.firstErr = err
	}
	r.log.Error("question failed", "id", it.ID, "url", it.URL, "error", err)
	if merr := r.cat.MarkFailed(context.WithoutCancel(ctx), it.ID, now, err.Error()); merr != nil {
		return false, merr
	}
	return false, nil
}
