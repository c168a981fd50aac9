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

// Record locates an archived response record.
type Record struct {
	RecordID      string    // "<urn:uuid:…>"
	PayloadDigest string    // "sha1:BASE32" of the response payload
	URL           string    // WARC-Target-URI
	Time          time.Time // WARC-Date (UTC)
	Status        int
	MIME          string // media type of the payload, without parameters
	File          string // base name inside the directory
	Offset        int64  // of the gzip member of the response record
	Length        int64  // compressed length of that member
}

// ErrInvalidExchange is wrapped when an Exchange lacks its request, URL or
// response.
var ErrInvalidExchange = errors.New("invalid exchange")

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

// exchangeRecords are the two serialized blocks of an exchange and the
// WARC headers that do not depend on the file they are written to.
type exchangeRecords struct {
	resp, req             []byte
	respHeader, reqHeader fields
	record                Record
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

// buildExchange serializes the response and request blocks of ex and the
// WARC headers that do not depend on the file (WARC-Warcinfo-ID is added at
// write time).
func buildExchange(ex Exchange) (*exchangeRecords, error) {
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
	return &exchangeRecords{
		resp:       rb.Bytes(),
		req:        qb.Bytes(),
		respHeader: respHeader,
		reqHeader:  reqHeader,
		record: Record{
			RecordID:      respID,
			PayloadDigest: payloadDigest,
			URL:           target,
			Time:          fetched.Truncate(time.Microsecond),
			Status:        resp.StatusCode,
			MIME:          mediaType(resp.Header.Get("Content-Type")),
		},
	}, nil
}
