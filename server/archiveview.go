package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/parlq/parlq"
	"github.com/parlq/parlq/archive"
	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/parser"
)

// The archived copy of a question has three addresses, each taking ?v=N
// (the capture a version was read from; default the current version) or
// ?capture=<WARC-Record-ID> (any capture of the question's page):
//
//	/archive/{id}       the viewer: a banner saying what was archived, when,
//	                    from where, with the WARC coordinates and the other
//	                    captures of the page; a readable copy of the question
//	                    section (or the JSON pretty-printed) beside the
//	                    faithful capture in a sandboxed frame
//	/archive/raw/{id}   the response as archived, under a sandbox CSP: no
//	                    script, no network, no form
//	/archive/warc/{id}  the WARC record itself (application/warc)

// recordReader is a Store that can hand out whole WARC records
// (dataset.Dataset does).
type recordReader interface {
	ReadRecord(ctx context.Context, c parlq.Capture) ([]byte, error)
}

// capturePolicy is the Content-Security-Policy of an archived response:
// a sandbox (no script, no plugin, no form, no same-origin), nothing from
// the network; framed only by the viewer.
const capturePolicy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'"

// viewerPolicy is the site's policy plus frames from the site itself (the
// sandboxed capture).
const viewerPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// captureRef is the capture a request names.
type captureRef struct {
	id      string
	q       *parlq.Question // the current record
	capture parlq.Capture
	// version is the version read from this capture, when known.
	version int
	// query is "?v=N" or "?capture=…", to link the three addresses.
	query string
}

// resolveCapture finds the capture a request for an archived copy names.
func (s *Server) resolveCapture(r *http.Request) (*captureRef, error) {
	id := r.PathValue("id")
	v := r.URL.Query()
	for name := range v {
		if name != "v" && name != "capture" {
			return nil, &index.QueryError{Field: name, Msg: fmt.Sprintf("unknown parameter %q; known: v (a version), capture (a WARC-Record-ID)", name)}
		}
	}
	if v.Has("v") && v.Has("capture") {
		return nil, &index.QueryError{Field: "capture", Msg: "give v or capture, not both"}
	}
	q, err := s.cat.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ref := &captureRef{id: id, q: q}
	switch {
	case v.Has("capture"):
		rid := v.Get("capture")
		cp, err := s.cat.CaptureByRecordID(r.Context(), rid)
		if err != nil {
			return nil, err
		}
		if cp.QuestionID != id {
			return nil, fmt.Errorf("capture %s of %s: %w", rid, id, catalog.ErrNotFound)
		}
		ref.capture = parlq.Capture{RecordID: cp.RecordID, PayloadDigest: cp.PayloadDigest, File: cp.File, Offset: cp.Offset, URL: cp.URL}
		ref.query = "?capture=" + url.QueryEscape(rid)
	default:
		n, err := versionParam(r, "known: v (a version), capture (a WARC-Record-ID)")
		if err != nil {
			return nil, err
		}
		rec := q
		if n > 0 && n != q.Version {
			vs, err := s.cat.Versions(r.Context(), id)
			if err != nil {
				return nil, err
			}
			i := slices.IndexFunc(vs, func(x catalog.Version) bool { return x.Version == n })
			if i < 0 {
				return nil, fmt.Errorf("version %d of %s: %w", n, id, catalog.ErrNotFound)
			}
			rec = &vs[i].Record
		}
		if rec.Capture == nil {
			return nil, fmt.Errorf("version %d of %s: %w", rec.Version, id, ErrArchiveMissing)
		}
		ref.capture, ref.version = *rec.Capture, rec.Version
		ref.query = "?v=" + strconv.Itoa(rec.Version)
	}
	return ref, nil
}

func (ref *captureRef) path(kind string) string {
	p := "/archive/"
	if kind != "" {
		p += kind + "/"
	}
	return p + escapeID(ref.id) + ref.query
}

// archiveView is the data of the viewer.
type archiveView struct {
	Title        string
	ID           string
	QuestionLink string
	Version      int
	VersionLink  string
	// What the archive says of the capture (the WARC record).
	Archived, ArchivedISO string
	Target                string
	Status                int
	MIME                  string
	File                  string
	Offset                int64
	RecordID              string
	Digest                string
	// Live is the official page today.
	Live       string
	Raw, WARC  string
	HasWARC    bool
	Others     []captureLink
	Readable   template.HTML
	ReadableOf string // what the readable copy is
	JSON       string
	Frame      string
	// Error says why the capture cannot be shown.
	Error string
}

// captureLink is another capture of the same page.
type captureLink struct {
	Date, ISO, URL string
	Status         int
	Version        int
	Current        bool
}

// handleArchive is the viewer of an archived copy.
func (s *Server) handleArchive(w http.ResponseWriter, r *http.Request) {
	ref, err := s.resolveCapture(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	view := s.archiveBanner(r.Context(), ref)
	resp, err := s.store.ReadCapture(r.Context(), ref.capture)
	if err != nil {
		s.captureFailure(w, r, ref, view, err)
		return
	}
	// The banner says what the WARC record says, where it says it.
	if !resp.Time.IsZero() {
		view.Archived = resp.Time.UTC().Format("2006-01-02 15:04:05 UTC")
		view.ArchivedISO = resp.Time.UTC().Format(time.RFC3339)
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&view.Target, resp.URL)
	set(&view.MIME, resp.MIME)
	set(&view.File, resp.File)
	set(&view.RecordID, resp.RecordID)
	set(&view.Digest, resp.PayloadDigest)
	if resp.Status != 0 {
		view.Status = resp.Status
	}
	if resp.File != "" {
		view.Offset = resp.Offset
	}
	s.readable(&view, ref, resp)
	w.Header().Set("Content-Security-Policy", viewerPolicy)
	s.render(w, r, http.StatusOK, "archive", view)
}

// archiveBanner is what the catalog tells of a capture, before the archive
// is read: enough to name it when the archive cannot.
func (s *Server) archiveBanner(ctx context.Context, ref *captureRef) archiveView {
	q := ref.q
	view := archiveView{
		Title: "Archived copy of " + orID(q.Title, q.ID), ID: q.ID, QuestionLink: questionPath(q.ID),
		Target: ref.capture.URL, File: ref.capture.File, Offset: ref.capture.Offset,
		RecordID: ref.capture.RecordID, Digest: ref.capture.PayloadDigest,
		Live: safeURL(q.URL), Raw: ref.path("raw"), WARC: ref.path("warc"),
	}
	_, view.HasWARC = s.store.(recordReader)
	// The other captures of the page: every fetch of its URL the catalog
	// recorded, with the version it was read into.
	pageURL := q.URL
	if cp, err := s.cat.CaptureByRecordID(ctx, ref.capture.RecordID); err == nil {
		pageURL = cp.URL
		if !cp.FetchedAt.IsZero() {
			view.Archived = cp.FetchedAt.UTC().Format("2006-01-02 15:04:05 UTC")
			view.ArchivedISO = cp.FetchedAt.UTC().Format(time.RFC3339)
		}
		view.Status = cp.Status
	}
	caps, err := s.cat.CapturesOf(ctx, pageURL)
	if err != nil {
		s.log.Warn("captures of a page", "url", pageURL, "err", err)
	}
	for _, c := range caps {
		if c.QuestionID != q.ID {
			continue
		}
		if c.RecordID == ref.capture.RecordID && ref.version == 0 {
			ref.version = c.Version
		}
		view.Others = append(view.Others, captureLink{
			Date: c.FetchedAt.UTC().Format("2006-01-02 15:04 UTC"), ISO: c.FetchedAt.UTC().Format(time.RFC3339),
			URL:    "/archive/" + escapeID(q.ID) + "?capture=" + url.QueryEscape(c.RecordID),
			Status: c.Status, Version: c.Version, Current: c.RecordID == ref.capture.RecordID,
		})
	}
	if ref.version > 0 {
		view.Version, view.VersionLink = ref.version, versionPath(q.ID, ref.version)
	}
	return view
}

// maxPretty bounds the JSON the viewer pretty-prints.
const maxPretty = 4 << 20

// readable fills the readable side of the viewer: for an HTML page, its
// question section (as the source's reader finds it) sanitized; for JSON,
// the document indented; and the faithful capture in a sandboxed frame.
func (s *Server) readable(view *archiveView, ref *captureRef, resp *archive.Response) {
	ctype := resp.Header.Get("Content-Type")
	switch {
	case resp.MIME == "text/html" || resp.MIME == "application/xhtml+xml":
		view.Frame = ref.path("raw")
		body := resp.Body
		if enc, _, _ := charset.DetermineEncoding(body, ctype); enc != nil {
			if dec, err := enc.NewDecoder().Bytes(body); err == nil {
				body = dec
			}
		}
		base, _ := url.Parse(resp.URL)
		if src, err := parser.Lookup(ref.q.Source); err == nil {
			if sec, err := src.Normalize(ref.q.URL, body); err == nil && bytes.HasPrefix(bytes.TrimSpace(sec), []byte("<")) {
				view.Readable = template.HTML(sanitizeHTML(sec, base, false))
				view.ReadableOf = "The question section of this capture, as " + src.Parliament() + " published it, without the site's layout, scripts or images."
				return
			}
		}
		view.Readable = template.HTML(sanitizeHTML(body, base, true))
		view.ReadableOf = "The text of this capture without the site's menus, layout, scripts or images (its question section could not be found)."
	case resp.MIME == "application/json" || strings.HasSuffix(resp.MIME, "+json"):
		var buf bytes.Buffer
		if len(resp.Body) <= maxPretty && json.Indent(&buf, resp.Body, "", "  ") == nil {
			view.JSON = buf.String()
		} else {
			view.JSON = string(resp.Body)
		}
		view.ReadableOf = "The JSON document of this capture, indented; the raw response is linked above."
	case strings.HasPrefix(resp.MIME, "text/"):
		view.JSON = string(resp.Body)
		view.ReadableOf = "The text of this capture."
	}
}

// captureFailure answers a capture the archive cannot read with a page
// that names it: 404 when its WARC file is gone, 410 when the record is
// damaged or is not what the catalog says. The operator's log gets the
// detail.
func (s *Server) captureFailure(w http.ResponseWriter, r *http.Request, ref *captureRef, view archiveView, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		s.pageError(w, r, err)
		return
	}
	status := http.StatusGone
	view.Error = "The archive holds this capture, but its record cannot be read: it is damaged, or is not the response the catalog points at."
	var fe *archive.FormatError
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, catalog.ErrNotFound):
		status = http.StatusNotFound
		view.Error = fmt.Sprintf("The WARC file %s that holds this capture is missing from the archive.", ref.capture.File)
	case errors.As(err, &fe):
		view.Error += fmt.Sprintf(" (%s at offset %d: %v)", fe.File, fe.Offset, fe.Err)
	}
	s.log.Error("archived copy unreadable", "id", ref.id, "record", ref.capture.RecordID, "file", ref.capture.File, "offset", ref.capture.Offset, "err", err)
	view.Title = "Archived copy unavailable — " + orID(ref.q.Title, ref.q.ID)
	view.Frame, view.Readable, view.JSON = "", "", ""
	w.Header().Set("Content-Security-Policy", viewerPolicy)
	s.render(w, r, status, "archive", view)
}

// handleArchiveRaw serves the response as archived, under the sandbox.
func (s *Server) handleArchiveRaw(w http.ResponseWriter, r *http.Request) {
	ref, err := s.resolveCapture(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	resp, err := s.store.ReadCapture(r.Context(), ref.capture)
	if err != nil {
		s.captureFailure(w, r, ref, s.archiveBanner(r.Context(), ref), err)
		return
	}
	ctype := resp.Header.Get("Content-Type")
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Security-Policy", capturePolicy)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Disposition", "inline")
	_, _ = w.Write(resp.Body)
}

// handleArchiveWARC serves the WARC record of a capture, to verify it with
// any WARC tool.
func (s *Server) handleArchiveWARC(w http.ResponseWriter, r *http.Request) {
	ref, err := s.resolveCapture(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	rr, ok := s.store.(recordReader)
	if !ok {
		s.pageError(w, r, fmt.Errorf("WARC records of %s: %w", ref.id, ErrArchiveMissing))
		return
	}
	rec, err := rr.ReadRecord(r.Context(), ref.capture)
	if err != nil {
		s.captureFailure(w, r, ref, s.archiveBanner(r.Context(), ref), err)
		return
	}
	name := strings.NewReplacer("/", "-", ":", "-").Replace(ref.id)
	if _, uuid, ok := strings.Cut(strings.Trim(ref.capture.RecordID, "<>"), "urn:uuid:"); ok {
		name += "-" + uuid
	}
	h := w.Header()
	h.Set("Content-Type", "application/warc")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".warc"}))
	h.Set("Content-Security-Policy", capturePolicy)
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Length", strconv.Itoa(len(rec)))
	_, _ = w.Write(rec)
}
