package crawler

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
)

// withReferences fetches the reference documents of a parlq.Referrer source
// before its lists (conditional GET, archived like every response, kept as
// a revisit when their content did not change: see dump.go), reads them,
// and makes the run read lists and pages with the source WithReferences
// returns. A document that cannot be fetched or read fails the run before
// anything is stored: a resolver that silently lacks part of its data would
// name authors wrongly.
func (r *run) withReferences(ctx context.Context, opts parlq.SeedOptions) error {
	ref, ok := r.src.(parlq.Referrer)
	if !ok {
		return nil
	}
	urls, err := ref.References(opts)
	if err != nil {
		return fmt.Errorf("references: %w", err)
	}
	docs := make([]parlq.Document, 0, len(urls))
	got := make([]*document, 0, len(urls))
	fetched := make([]string, 0, len(urls))
	for _, u := range urls {
		if err := ctx.Err(); err != nil {
			return err
		}
		fu := r.fetchURL(u)
		doc, err := r.getDocument(ctx, u, fu)
		if err != nil {
			return fmt.Errorf("reference %s: %w", fu, err)
		}
		if doc.page.Status != http.StatusOK {
			return fmt.Errorf("reference %s: status %d", fu, doc.page.Status)
		}
		body, err := decode(doc.page.Body, doc.page.Header.Get("Content-Type"))
		if err != nil {
			return fmt.Errorf("reference %s: %w", fu, err)
		}
		docs = append(docs, parlq.Document{URL: u, Body: body})
		got = append(got, doc)
		fetched = append(fetched, fu)
	}
	src, err := ref.WithReferences(docs)
	if err != nil {
		return fmt.Errorf("references (fetched from %s): %w", strings.Join(fetched, ", "), err)
	}
	for _, doc := range got {
		if err := r.keepDocument(ctx, doc); err != nil {
			return err
		}
	}
	r.log.Info("references read", "documents", len(docs))
	r.src = src
	return nil
}

// referenceReader reads a parlq.Referrer's archived reference documents
// during a reparse, in archive order: the pages archived after a document
// are read with it (and with the other documents met so far), as the
// harvest that archived them read them.
type referenceReader struct {
	ref   parlq.Referrer // nil: the source has no reference documents
	urls  map[string]bool
	order []string
	docs  map[string][]byte
}

// newReferenceReader knows a Referrer's reference documents by their
// canonical URLs: those of the current legislature and of every one.
func newReferenceReader(src parlq.Source) (*referenceReader, error) {
	ref, ok := src.(parlq.Referrer)
	if !ok {
		return &referenceReader{}, nil
	}
	rr := &referenceReader{ref: ref, urls: map[string]bool{}, docs: map[string][]byte{}}
	for _, opts := range []parlq.SeedOptions{{}, {Legislature: "all"}} {
		us, err := ref.References(opts)
		if err != nil {
			return nil, fmt.Errorf("references: %w", err)
		}
		for _, u := range us {
			rr.urls[u] = true
		}
	}
	return rr, nil
}

// is says whether a canonical URL is a reference document.
func (rr *referenceReader) is(u string) bool { return rr.urls[u] }

// read adds an archived copy of a reference document and returns the source
// that reads pages with every document met so far. A copy that cannot be
// read (the harvest that fetched it failed on it, and stored nothing) is
// false: the documents met before stand.
func (rr *referenceReader) read(u string, resp *archive.Response) (parlq.Source, bool) {
	body, err := decode(resp.Body, resp.ContentType)
	if err != nil {
		return nil, false
	}
	prev, had := rr.docs[u]
	rr.docs[u] = body
	if !had {
		rr.order = append(rr.order, u)
	}
	docs := make([]parlq.Document, 0, len(rr.order))
	for _, k := range rr.order {
		docs = append(docs, parlq.Document{URL: k, Body: rr.docs[k]})
	}
	src, err := rr.ref.WithReferences(docs)
	if err != nil {
		if had {
			rr.docs[u] = prev
		} else {
			delete(rr.docs, u)
			rr.order = rr.order[:len(rr.order)-1]
		}
		return nil, false
	}
	return src, true
}
