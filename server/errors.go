package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/parlq/parlq/catalog"
	"github.com/parlq/parlq/index"
	"github.com/parlq/parlq/internal/i18n"
)

// Errors the server returns for requests it refuses.
var (
	// ErrHarvestRunning is returned when a harvest is asked for while one
	// runs: overlapping harvests are skipped.
	ErrHarvestRunning = errors.New("a harvest is already running")
	// ErrHarvestDisabled means the server was given no harvest function or
	// no admin token.
	ErrHarvestDisabled = errors.New("harvests are not enabled on this server")
	// ErrForbidden means the admin token is missing or wrong.
	ErrForbidden = errors.New("missing or wrong admin token")
	// ErrArchiveMissing means a record has no archived copy to show.
	ErrArchiveMissing = errors.New("no archived copy")
	// errNoRoute is a path the server does not serve.
	errNoRoute = errors.New("no such page")
	// errClosed is a harvest asked for after Close.
	errClosed = errors.New("server is shutting down")
)

// statusOf is the one place where errors become HTTP statuses. It returns the
// status and the message safe to show; for a 500 the message is generic and
// expose is false, so the caller logs the detail instead.
func statusOf(err error) (status int, msg string, expose bool) {
	var qe *index.QueryError
	switch {
	case errors.As(err, &qe):
		return http.StatusBadRequest, qe.Error(), true
	case errors.Is(err, catalog.ErrNotFound), errors.Is(err, ErrArchiveMissing):
		return http.StatusNotFound, err.Error(), true
	case errors.Is(err, errNoRoute), errors.Is(err, ErrHarvestDisabled):
		return http.StatusNotFound, err.Error(), true
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, err.Error(), true
	case errors.Is(err, ErrHarvestRunning):
		return http.StatusConflict, err.Error(), true
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed, err.Error(), true
	case errors.Is(err, errClosed):
		return http.StatusServiceUnavailable, err.Error(), true
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "the request took too long; narrow the query or try again", true
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "the request was cancelled", true
	}
	return http.StatusInternalServerError, "internal error", false
}

// errorText is the status of err and its message for a page in l: a
// refused query in l's words (i18n.QueryError), the other messages
// statusOf exposes translated by their kind, with the detail that names
// what was not found kept as it is.
func (s *Server) errorText(l i18n.Lang, err error) (int, string) {
	status, msg, _ := statusOf(err)
	if l == i18n.EN {
		return status, msg
	}
	var qe *index.QueryError
	switch {
	case errors.As(err, &qe):
		text, _ := l.QueryError(qe.Field, qe.Msg)
		return status, text
	case errors.Is(err, errNoRoute):
		return status, l.T("There is no page at this address.")
	case errors.Is(err, catalog.ErrNotFound):
		return status, l.T("Not found") + l.T(": ") + msg
	case errors.Is(err, ErrArchiveMissing):
		return status, l.T("No archived copy") + l.T(": ") + msg
	case errors.Is(err, context.DeadlineExceeded):
		return status, l.T("The request took too long; narrow the query or try again.")
	case errors.Is(err, context.Canceled):
		return status, l.T("The request was cancelled.")
	case status == http.StatusInternalServerError:
		return status, l.T("Internal error")
	}
	return status, msg
}

// errMethod is a known API path asked with the wrong method.
var errMethod = errors.New("method not allowed")

// logFailure logs a failed request: server faults as errors (with the
// detail the client does not see), the rest at debug level.
func (s *Server) logFailure(r *http.Request, status int, err error) {
	if status >= 500 && !errors.Is(err, context.Canceled) {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		return
	}
	s.log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
}

// writeError answers an API request with {"error": "..."}, plus "field"
// naming the parameter at fault for a malformed request.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, _ := statusOf(err)
	s.logFailure(r, status, err)
	body := map[string]string{"error": msg}
	if qe := (*index.QueryError)(nil); errors.As(err, &qe) {
		body["field"] = qe.Field
	}
	writeJSON(w, status, body)
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // fragments keep a readable <mark>; served as JSON with nosniff
	_ = enc.Encode(v)
}
