package archive

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Exchange is one HTTP request/response pair as fetched.
type Exchange struct {
	// Request is the request as sent: method, URL and headers. Headers the
	// transport adds itself (Host, and Accept-Encoding when it decoded the
	// response) are added back to the archived request.
	Request     *http.Request
	RequestBody []byte
	// Response holds the status, protocol and headers as received; its Body
	// is ignored.
	Response *http.Response
	// Body is the full response payload as the client returned it (after
	// any transparent decompression and de-chunking).
	Body    []byte
	Fetched time.Time
	// RemoteAddr is the server address ("ip" or "ip:port"), written as
	// WARC-IP-Address when set.
	RemoteAddr string
}

// Resource is a document that did not come as an HTTP response of its own:
// an entry of a bulk dump (a zip of one JSON per question) taken out of
// the archived response that delivered it. See Writer.WriteResource.
type Resource struct {
	// TargetURI is the address of the document the entry is: for a dump
	// entry, the question's own document URL (parlq.Ref.URL), under which
	// the record is indexed, looked up and reparsed. Absolute.
	TargetURI string
	// ContentType is the media type of Body, with parameters
	// ("application/json; charset=utf-8").
	ContentType string
	Body        []byte
	// Date is when the entry was taken out of the response, normally the
	// Time of that response (both come from one fetch); zero means now.
	Date time.Time
	// RefersTo is the RecordID of the archived response the entry came
	// from ("<urn:uuid:…>"). Required.
	RefersTo string
}

// Record types of the content records this package writes and reads back.
const (
	TypeResponse   = "response"   // an HTTP response as received
	TypeResource   = "resource"   // a document without protocol information (read back, never written)
	TypeConversion = "conversion" // a document taken out of another record (see WriteResource)
	TypeRevisit    = "revisit"    // a response whose payload is not stored again (see WriteRevisit); not a content record
)

// Record locates an archived content record: an HTTP response, or a
// document written with WriteResource.
type Record struct {
	RecordID      string    // "<urn:uuid:…>"
	PayloadDigest string    // "sha1:BASE32" of the payload (the response body, or the document)
	URL           string    // WARC-Target-URI
	Time          time.Time // WARC-Date (UTC)
	Status        int       // HTTP status; 0 for a record that is not an HTTP response
	MIME          string    // media type of the payload, without parameters
	File          string    // base name inside the directory
	Offset        int64     // of the gzip member of the record
	Length        int64     // compressed length of that member
	// Type is the WARC-Type: TypeResponse, TypeConversion or TypeResource.
	Type string
	// RefersTo is the WARC-Refers-To of a conversion record: the RecordID
	// of the response it was taken from.
	RefersTo string
}

// ErrInvalidExchange is wrapped when an Exchange lacks its request, URL or
// response.
var ErrInvalidExchange = errors.New("invalid exchange")

// ErrInvalidResource is wrapped when a Resource lacks an absolute target
// URI, a valid content type or the record it refers to.
var ErrInvalidResource = errors.New("invalid resource")

// warcDateFormat is the WARC 1.1 date with microseconds.
const warcDateFormat = "2006-01-02T15:04:05.000000Z"

// field is one WARC header field; records keep fields in writing order.
type field struct{ name, value string }

// fields is an ordered WARC header.
type fields []field

// get returns the first value of name, compared case-insensitively.
func (fs fields) get(name string) string {
	for _, f := range fs {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

// block is one record ready to write: its WARC header without the fields
// that depend on the file (WARC-Warcinfo-ID), and its block.
type block struct {
	header fields
	data   []byte
}

// capture is what one call of Write or WriteResource appends: the records,
// the first of which is indexed, and the Record describing it (File, Offset
// and Length are set when written).
type capture struct {
	blocks []block
	record Record
	// unindexed leaves the capture out of the index, which lists content
	// records only (a revisit, see WriteRevisit).
	unindexed bool
}

// newUUID returns a random (version 4) UUID URN in angle brackets.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sha1Digest returns "sha1:BASE32" of b.
func sha1Digest(b []byte) string {
	sum := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// protoOf returns p when it is an "HTTP/x.y" version, else HTTP/1.1.
func protoOf(p string) string {
	if major, minor, ok := http.ParseHTTPVersion(p); ok && major > 0 {
		return fmt.Sprintf("HTTP/%d.%d", major, minor)
	}
	return "HTTP/1.1"
}

// bodyAllowed reports whether a response to method with status may carry a
// payload (RFC 9110: not to HEAD, not 1xx, 204 or 304).
func bodyAllowed(method string, status int) bool {
	return method != http.MethodHead && status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// mediaType returns the media type of a Content-Type value, lowercased and
// without parameters.
func mediaType(ct string) string {
	if ct == "" {
		return ""
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// ipOf returns the host part of addr ("ip:port" or "ip"), or "" when it is
// not an IP address.
func ipOf(addr string) string {
	if addr == "" {
		return ""
	}
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		return ip.String()
	}
	return ""
}

// buildExchange serializes the response and request records of ex.
func buildExchange(ex Exchange) (*capture, error) {
	if ex.Request == nil || ex.Request.URL == nil || ex.Response == nil {
		return nil, fmt.Errorf("%w: request, request URL and response are required", ErrInvalidExchange)
	}
	if !ex.Request.URL.IsAbs() {
		return nil, fmt.Errorf("%w: request URL %q is not absolute", ErrInvalidExchange, ex.Request.URL)
	}
	resp, req := ex.Response, ex.Request
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	proto := protoOf(resp.Proto)
	fetched := ex.Fetched.UTC()
	if ex.Fetched.IsZero() {
		fetched = time.Now().UTC()
	}
	target := req.URL.String()

	// Response block: status line, headers made truthful for the payload we
	// store, payload.
	status := resp.Status
	if status == "" || !strings.HasPrefix(status, strconv.Itoa(resp.StatusCode)) {
		status = fmt.Sprintf("%03d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	h := resp.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Del("Transfer-Encoding")
	if resp.Uncompressed {
		h.Del("Content-Encoding")
	}
	if bodyAllowed(method, resp.StatusCode) || len(ex.Body) > 0 {
		h.Set("Content-Length", strconv.Itoa(len(ex.Body)))
	}
	var rb bytes.Buffer
	rb.Grow(len(ex.Body) + 1024)
	fmt.Fprintf(&rb, "%s %s\r\n", proto, status)
	if err := h.Write(&rb); err != nil {
		return nil, fmt.Errorf("serialize response header: %w", err)
	}
	rb.WriteString("\r\n")
	rb.Write(ex.Body)

	// Request block: request line, headers as sent, body.
	qh := req.Header.Clone()
	if qh == nil {
		qh = http.Header{}
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	qh.Del("Host")
	if resp.Uncompressed && qh.Get("Accept-Encoding") == "" {
		qh.Set("Accept-Encoding", "gzip")
	}
	if len(ex.RequestBody) > 0 && qh.Get("Content-Length") == "" {
		qh.Set("Content-Length", strconv.Itoa(len(ex.RequestBody)))
	}
	var qb bytes.Buffer
	fmt.Fprintf(&qb, "%s %s %s\r\nHost: %s\r\n", method, req.URL.RequestURI(), proto, host)
	if err := qh.Write(&qb); err != nil {
		return nil, fmt.Errorf("serialize request header: %w", err)
	}
	qb.WriteString("\r\n")
	qb.Write(ex.RequestBody)

	respID, reqID := newUUID(), newUUID()
	date := fetched.Format(warcDateFormat)
	payloadDigest := sha1Digest(ex.Body)
	ip := ipOf(ex.RemoteAddr)

	respHeader := fields{
		{"WARC-Type", "response"},
		{"WARC-Record-ID", respID},
		{"WARC-Date", date},
		{"WARC-Target-URI", target},
	}
	if ip != "" {
		respHeader = append(respHeader, field{"WARC-IP-Address", ip})
	}
	respHeader = append(respHeader,
		field{"Content-Type", "application/http;msgtype=response"},
		field{"WARC-Block-Digest", sha1Digest(rb.Bytes())},
		field{"WARC-Payload-Digest", payloadDigest},
		field{"Content-Length", strconv.Itoa(rb.Len())},
	)
	reqHeader := fields{
		{"WARC-Type", "request"},
		{"WARC-Record-ID", reqID},
		{"WARC-Date", date},
		{"WARC-Target-URI", target},
		{"WARC-Concurrent-To", respID},
	}
	if ip != "" {
		reqHeader = append(reqHeader, field{"WARC-IP-Address", ip})
	}
	reqHeader = append(reqHeader,
		field{"Content-Type", "application/http;msgtype=request"},
		field{"WARC-Block-Digest", sha1Digest(qb.Bytes())},
		field{"WARC-Payload-Digest", sha1Digest(ex.RequestBody)},
		field{"Content-Length", strconv.Itoa(qb.Len())},
	)
	return &capture{
		blocks: []block{{respHeader, rb.Bytes()}, {reqHeader, qb.Bytes()}},
		record: Record{
			RecordID:      respID,
			PayloadDigest: payloadDigest,
			URL:           target,
			Time:          fetched.Truncate(time.Microsecond),
			Status:        resp.StatusCode,
			MIME:          mediaType(resp.Header.Get("Content-Type")),
			Type:          TypeResponse,
		},
	}, nil
}

// buildResource makes the conversion record of r (see WriteResource).
func buildResource(r Resource) (*capture, error) {
	u, err := url.Parse(r.TargetURI)
	if err != nil || !u.IsAbs() || u.Host == "" || strings.ContainsAny(r.TargetURI, " \t\r\n") {
		return nil, fmt.Errorf("%w: target URI %q is not an absolute URL", ErrInvalidResource, r.TargetURI)
	}
	mt, _, err := mime.ParseMediaType(r.ContentType)
	if typ, sub, ok := strings.Cut(mt, "/"); err != nil || !ok || typ == "" || sub == "" || strings.ContainsAny(r.ContentType, "\r\n") {
		return nil, fmt.Errorf("%w: content type %q", ErrInvalidResource, r.ContentType)
	}
	if !isRecordID(r.RefersTo) {
		return nil, fmt.Errorf("%w: refers-to %q is not a record id", ErrInvalidResource, r.RefersTo)
	}
	date := r.Date.UTC()
	if r.Date.IsZero() {
		date = time.Now().UTC()
	}
	id := newUUID()
	digest := sha1Digest(r.Body)
	h := fields{
		{"WARC-Type", TypeConversion},
		{"WARC-Record-ID", id},
		{"WARC-Date", date.Format(warcDateFormat)},
		{"WARC-Target-URI", r.TargetURI},
		{"WARC-Refers-To", r.RefersTo},
		{"Content-Type", r.ContentType},
		{"WARC-Block-Digest", digest},
		{"WARC-Payload-Digest", digest}, // the payload of a conversion is its block
		{"Content-Length", strconv.Itoa(len(r.Body))},
	}
	return &capture{
		blocks: []block{{h, r.Body}},
		record: Record{
			RecordID:      id,
			PayloadDigest: digest,
			URL:           r.TargetURI,
			Time:          date.Truncate(time.Microsecond),
			MIME:          mt,
			Type:          TypeConversion,
			RefersTo:      r.RefersTo,
		},
	}, nil
}

// isRecordID reports whether s is a WARC record id: a URI in angle
// brackets, without white space.
func isRecordID(s string) bool {
	if len(s) < 3 || s[0] != '<' || s[len(s)-1] != '>' || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s[1 : len(s)-1])
	return err == nil && u.Scheme != ""
}
